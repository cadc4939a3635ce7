/**
 * The evaluation thread (see evaluation-offload.ts): the rules and the name search, the CPU of a
 * screening, run here so that the event loop keeps serving HTTP and the database. It holds its own
 * matching index of each list snapshot it is sent, built exactly as the main thread builds its
 * own (same entries, same order), and the rulesets it is sent; it does no I/O.
 */
import { parentPort } from 'node:worker_threads';
import type { ListVersionRef } from '../db/schema/index.js';
import type { ListEntry } from '../domain/lists/list-entry.js';
import { evaluateRuleset } from '../domain/rules/evaluate.js';
import type { EvaluationContext } from '../domain/rules/evaluation-context.js';
import type { Ruleset } from '../domain/rules/ruleset.js';
import type { ScreeningSubject } from '../domain/rules/screening-subject.js';
import { keepRecent, RULESETS_KEPT, SNAPSHOTS_KEPT } from './evaluation-offload.js';
import { buildSnapshot, type ListSnapshot } from './list-index.service.js';

export type ToWorker =
  | { type: 'lists'; key: string; versions: ListVersionRef[]; entries: { id: string; source: string; data: ListEntry }[] }
  | { type: 'ruleset'; key: string; ruleset: Ruleset }
  | { type: 'evaluate'; id: number; listsKey: string; rulesetKey: string; subject: ScreeningSubject; context: Omit<EvaluationContext, 'searchNames'> };

export type FromWorker =
  | { type: 'ready'; key: string }
  | { type: 'result'; id: number; evaluation: ReturnType<typeof evaluateRuleset> }
  | { type: 'failed'; id: number; message: string };

const snapshots = new Map<string, ListSnapshot>();
const rulesets = new Map<string, Ruleset>();

const port = parentPort;
if (!port) throw new Error('evaluation.worker runs as a worker thread');

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'lists':
      keepRecent(snapshots, message.key, buildSnapshot(message.versions, message.entries), SNAPSHOTS_KEPT);
      port.postMessage({ type: 'ready', key: message.key } satisfies FromWorker);
      break;
    case 'ruleset':
      keepRecent(rulesets, message.key, message.ruleset, RULESETS_KEPT);
      break;
    case 'evaluate': {
      const snapshot = snapshots.get(message.listsKey);
      const ruleset = rulesets.get(message.rulesetKey);
      try {
        if (!snapshot || !ruleset) throw new Error(`evaluation worker lacks ${snapshot ? 'the ruleset' : 'the list snapshot'}`);
        const evaluation = evaluateRuleset(message.subject, ruleset, { ...message.context, searchNames: (query, options) => snapshot.searchNames(query, options) });
        port.postMessage({ type: 'result', id: message.id, evaluation } satisfies FromWorker);
      } catch (error) {
        port.postMessage({ type: 'failed', id: message.id, message: (error as Error).message } satisfies FromWorker);
      }
      break;
    }
  }
});
