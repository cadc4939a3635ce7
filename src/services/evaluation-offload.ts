/**
 * Runs a screening's rules and name searches on a worker thread (evaluation.worker.ts).
 *
 * They are most of a screening's CPU (`npm run bench:http` profiles), and on the event loop they
 * hold up every other request and every database answer. The thread gets each list snapshot as
 * the main thread builds it and each ruleset the first time it is used, then only the subject and
 * its lookup answers per screening. The decision is the same either way: the worker's index is
 * built from the same entries in the same order, and when it does not have the snapshot a
 * screening cites (still building after a list change), or fails, the screening is evaluated here.
 */
import { Worker } from 'node:worker_threads';
import type { ListVersionRef } from '../db/schema/index.js';
import type { ListEntry } from '../domain/lists/list-entry.js';
import { evaluateRuleset, type Evaluation } from '../domain/rules/evaluate.js';
import type { EvaluationContext } from '../domain/rules/evaluation-context.js';
import type { Ruleset } from '../domain/rules/ruleset.js';
import type { ScreeningSubject } from '../domain/rules/screening-subject.js';
import { inSpanSync, isTracing, recordSpan } from '../telemetry/spans.js';
import type { EvaluationTiming, FromWorker, ToWorker } from './evaluation.worker.js';
import type { ListSnapshot, SnapshotMirror } from './list-index.service.js';

/** What the screening needs besides the name search: the answers of its lookup statement. */
export type LookupContext = Omit<EvaluationContext, 'searchNames'>;

export interface EvaluateScreening {
  (snapshot: ListSnapshot, subject: ScreeningSubject, ruleset: Ruleset, context: LookupContext): Promise<Evaluation>;
}

/** The same evaluation on the calling thread; each name search a span when traced. */
export const evaluateHere: EvaluateScreening = async (snapshot, subject, ruleset, context) =>
  evaluateRuleset(subject, ruleset, { ...context, searchNames: (query, options) => inSpanSync(LIST_SEARCH_SPAN, () => snapshot.searchNames(query, options)) });

const LIST_SEARCH_SPAN = 'redflag.list_search';

/** The thread's evaluation as spans under the active one: the evaluation, and its name searches in it. */
function recordThreadTiming(timing: EvaluationTiming) {
  const evaluation = recordSpan('redflag.evaluation_thread', timing, { attributes: { 'thread.name': 'evaluation' } });
  for (const search of timing.searches) recordSpan(LIST_SEARCH_SPAN, search, { parent: evaluation });
}

const snapshotKey = (versions: readonly ListVersionRef[]) => versions.map((version) => version.versionId).join(',') || 'none';

/** Snapshots the thread keeps: the active one and the one before, for screenings that started before a switch. */
export const SNAPSHOTS_KEPT = 2;
export const RULESETS_KEPT = 16;

/** What the thread keeps, as it keeps it (the most recent, oldest dropped first); it and this side do the same. */
export function keepRecent<T>(map: Map<string, T>, key: string, value: T, most: number) {
  map.set(key, value);
  while (map.size > most) map.delete(map.keys().next().value!);
}

/**
 * The worker entry next to this module: compiled JavaScript in a build; TypeScript when the
 * service runs from source (tests, benches), loaded through tsx's loader inside the worker.
 */
function startWorker(): Worker {
  const source = import.meta.url.endsWith('.ts');
  const entry = new URL(source ? './evaluation.worker.ts' : './evaluation.worker.js', import.meta.url);
  if (!source) return new Worker(entry);
  const load = `(async () => { const { register } = await import('tsx/esm/api'); register(); await import(${JSON.stringify(entry.href)}); })();`;
  return new Worker(load, { eval: true });
}

export class EvaluationThread implements SnapshotMirror {
  private worker: Worker | undefined;
  private readonly listsReady = new Map<string, true>();
  private readonly rulesetsSent = new Map<string, true>();
  private readonly pending = new Map<number, { resolve: (answer: { evaluation: Evaluation; timing?: EvaluationTiming }) => void; reject: (error: Error) => void }>();
  private nextId = 1;
  /** Screenings evaluated on the thread, and here (no snapshot there yet, or the thread failed). */
  readonly counts = { onThread: 0, here: 0 };

  constructor(private readonly log?: { warn: (object: object, message: string) => void }) {
    const worker = startWorker();
    worker.on('message', (message: FromWorker) => this.receive(message));
    worker.on('error', (error) => this.lose(`evaluation thread failed: ${error.message}`));
    worker.on('exit', (code) => this.lose(`evaluation thread exited (${code})`));
    // Never keeps the process alive by itself.
    worker.unref();
    this.worker = worker;
  }

  load(versions: ListVersionRef[], entries: { id: string; source: string; data: ListEntry }[]): void {
    this.worker?.postMessage({ type: 'lists', key: snapshotKey(versions), versions, entries } satisfies ToWorker);
  }

  /** Whether the thread has built its index of these versions (screenings citing them go there). */
  hasSnapshot(versions: readonly ListVersionRef[]): boolean {
    return this.worker !== undefined && this.listsReady.has(snapshotKey(versions));
  }

  /** Screenings sent to the thread and not answered yet (metrics). */
  get pendingCount(): number {
    return this.pending.size;
  }

  readonly evaluate: EvaluateScreening = async (snapshot, subject, ruleset, context) => {
    const listsKey = snapshotKey(snapshot.versions);
    const worker = this.worker;
    if (!worker || !this.listsReady.has(listsKey)) return this.evaluateHere(snapshot, subject, ruleset, context);
    const rulesetKey = `${ruleset.id}:${ruleset.version}`;
    if (!this.rulesetsSent.has(rulesetKey)) {
      worker.postMessage({ type: 'ruleset', key: rulesetKey, ruleset } satisfies ToWorker);
      keepRecent(this.rulesetsSent, rulesetKey, true, RULESETS_KEPT);
    }
    const id = this.nextId++;
    const timed = isTracing();
    try {
      const answer = await new Promise<{ evaluation: Evaluation; timing?: EvaluationTiming }>((resolve, reject) => {
        this.pending.set(id, { resolve, reject });
        worker.postMessage({ type: 'evaluate', id, listsKey, rulesetKey, subject, context, ...(timed ? { timed } : {}) } satisfies ToWorker);
      });
      this.counts.onThread += 1;
      if (answer.timing) recordThreadTiming(answer.timing);
      return answer.evaluation;
    } catch {
      // The thread lost the snapshot to a newer one, or is gone: the answer is the same here.
      return this.evaluateHere(snapshot, subject, ruleset, context);
    }
  };

  private evaluateHere: EvaluateScreening = (snapshot, subject, ruleset, context) => {
    this.counts.here += 1;
    return evaluateHere(snapshot, subject, ruleset, context);
  };

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.failPending('evaluation thread closed');
    await worker?.terminate();
  }

  private receive(message: FromWorker) {
    if (message.type === 'ready') {
      keepRecent(this.listsReady, message.key, true, SNAPSHOTS_KEPT);
      return;
    }
    const waiting = this.pending.get(message.id);
    if (!waiting) return;
    this.pending.delete(message.id);
    if (message.type === 'result') waiting.resolve(message.timing ? { evaluation: message.evaluation, timing: message.timing } : { evaluation: message.evaluation });
    else waiting.reject(new Error(message.message));
  }

  private lose(reason: string) {
    if (!this.worker) return;
    this.worker = undefined;
    this.log?.warn({ reason }, 'evaluation continues on the main thread');
    this.failPending(reason);
  }

  private failPending(reason: string) {
    for (const waiting of this.pending.values()) waiting.reject(new Error(reason));
    this.pending.clear();
  }
}
