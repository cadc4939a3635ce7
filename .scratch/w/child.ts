import { parentPort } from 'node:worker_threads';
import { evaluateRuleset } from '../../src/domain/rules/evaluate.js';
const x: number = 1;
parentPort!.postMessage({ ok: typeof evaluateRuleset, x });
