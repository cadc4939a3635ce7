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
  | { type: 'evaluate'; id: number; listsKey: string; rulesetKey: string; subject: ScreeningSubject; context: Omit<EvaluationContext, 'searchNames'>; timed?: true };

/**
 * When the evaluation and each name search in it ran (milliseconds since the epoch), asked for by
 * a traced screening: the main thread records them as spans (the thread has no tracer of its own).
 */
export interface EvaluationTiming {
  startedAt: number;
  endedAt: number;
  searches: { startedAt: number; endedAt: number }[];
}

export type FromWorker =
  | { type: 'ready'; key: string }
  | { type: 'result'; id: number; evaluation: ReturnType<typeof evaluateRuleset>; timing?: EvaluationTiming }
  | { type: 'failed'; id: number; message: string };

const snapshots = new Map<string, ListSnapshot>();
const rulesets = new Map<string, Ruleset>();

/** Now, in milliseconds since the epoch, comparable with the main thread's clock. */
const epochNow = () => performance.timeOrigin + performance.now();

/** The evaluation, timed when the screening is traced. */
function evaluate(message: Extract<ToWorker, { type: 'evaluate' }>, snapshot: ListSnapshot, ruleset: Ruleset): Extract<FromWorker, { type: 'result' }> {
  const searchNames: EvaluationContext['searchNames'] = (query, options) => snapshot.searchNames(query, options);
  if (!message.timed) return { type: 'result', id: message.id, evaluation: evaluateRuleset(message.subject, ruleset, { ...message.context, searchNames }) };
  const searches: EvaluationTiming['searches'] = [];
  const timedSearch: EvaluationContext['searchNames'] = (query, options) => {
    const startedAt = epochNow();
    try {
      return searchNames(query, options);
    } finally {
      searches.push({ startedAt, endedAt: epochNow() });
    }
  };
  const startedAt = epochNow();
  const evaluation = evaluateRuleset(message.subject, ruleset, { ...message.context, searchNames: timedSearch });
  return { type: 'result', id: message.id, evaluation, timing: { startedAt, endedAt: epochNow(), searches } };
}

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
        port.postMessage(evaluate(message, snapshot, ruleset) satisfies FromWorker);
      } catch (error) {
        port.postMessage({ type: 'failed', id: message.id, message: (error as Error).message } satisfies FromWorker);
      }
      break;
    }
  }
});
