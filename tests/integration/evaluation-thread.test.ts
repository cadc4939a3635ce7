import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LinkedSubjectsCut } from '../../src/domain/rules/evaluate.js';
import type { ScreeningSubject } from '../../src/domain/rules/screening-subject.js';
import { ActiveRulesets } from '../../src/services/active-ruleset.service.js';
import { bootstrapIfEmpty } from '../../src/services/bootstrap.service.js';
import { EvaluationThread, evaluateHere } from '../../src/services/evaluation-offload.js';
import { createKeyedHash } from '../../src/services/keyed-hash.service.js';
import { ListIndexHolder } from '../../src/services/list-index.service.js';
import { answerLookups } from '../../src/services/screening.service.js';
import { inSpan } from '../../src/telemetry/spans.js';
import { startTracing } from '../../src/telemetry/tracing.js';
import { tenantIdOf } from '../helpers/audit-decisions.js';
import { eventually } from '../helpers/cases-fixtures.js';
import { listEntry, loadTestList } from '../helpers/list-fixtures.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/** The evaluation thread must decide exactly what the event loop would, and never be needed. */
let database: TestDatabase;
let thread: EvaluationThread;
const lists = new ListIndexHolder();

const SUBJECTS: ScreeningSubject[] = [
  { name: 'Maria Kowalska', nationality: 'PL' },
  { name: 'Sang Man Kim', nationality: 'KP', birthDate: '1970-03-02' },
  { name: 'Kim Sang-man', aliases: ['S. M. Kim'], payment: { method: 'bank', accountHolderName: 'Ryonbong General Corp', bankCountry: 'CN' } },
  {
    externalRef: 'farm-1',
    name: 'Jane Roe',
    emails: ['jane.roe@example.com'],
    claimedLocation: { country: 'US', city: 'Austin', timezone: 'America/Chicago' },
    logins: [{ ip: '203.0.113.9', country: 'CN', at: '2026-11-01T03:00:00Z' }],
    employment: [{ employer: 'Korea Ryonbong General Corporation', country: 'CN', from: '2020-01', to: '2024-01' }],
  },
];

beforeAll(async () => {
  database = await createTestDatabase();
  await bootstrapIfEmpty(database.db, {});
  await loadTestList(database.db, 'thread-watchlist', [
    listEntry({ sourceId: 't-1', name: 'KIM, Sang Man', nationalities: ['KP'], birthDates: [{ value: '1970-03-02' }] }),
    listEntry({ sourceId: 't-2', name: 'Korea Ryonbong General Corporation', type: 'entity' }),
  ]);
  await lists.refresh(database.db);
  thread = new EvaluationThread();
  await lists.mirrorTo(database.db, thread);
});
afterAll(async () => {
  await thread.close();
  await database.destroy();
});

async function evaluateBothWays() {
  const tenantId = await tenantIdOf(database.db, 'default');
  const ruleset = (await new ActiveRulesets().get(database.db, tenantId))!;
  const keyedHash = await createKeyedHash(database.db, undefined);
  const snapshot = lists.current();
  const results = [];
  for (const subject of SUBJECTS) {
    const context = await answerLookups({ db: database.db, keyedHash }, { tenantId, subject }, snapshot.versions.map((version) => version.versionId));
    results.push({ here: await evaluateHere(snapshot, subject, ruleset, context), offloaded: await thread.evaluate(snapshot, subject, ruleset, context) });
  }
  return results;
}

const parentOf = (span: ReadableSpan, spans: ReadableSpan[]) => spans.find((candidate) => candidate.spanContext().spanId === span.parentSpanContext?.spanId);
const millis = (time: readonly [number, number]) => time[0] * 1e3 + time[1] / 1e6;

/** One evaluation inside a `redflag.evaluation` span of a trace of its own, as a traced screening makes it. */
async function evaluateInSpan(evaluate: typeof evaluateHere, subject: ScreeningSubject) {
  const tenantId = await tenantIdOf(database.db, 'default');
  const ruleset = (await new ActiveRulesets().get(database.db, tenantId))!;
  const keyedHash = await createKeyedHash(database.db, undefined);
  const snapshot = lists.current();
  const context = await answerLookups({ db: database.db, keyedHash }, { tenantId, subject }, snapshot.versions.map((version) => version.versionId));
  return trace.getTracer('test').startActiveSpan('test screening', async (root) => {
    const evaluation = await inSpan('redflag.evaluation', () => evaluate(snapshot, subject, ruleset, context));
    root.end();
    return evaluation;
  });
}

describe('the evaluation thread', () => {
  test('builds its own index of the active lists and decides every screening as the event loop does', async () => {
    await eventually(async () => (thread.hasSnapshot(lists.current().versions) ? true : undefined), 'the thread to build its index', 30_000);
    const before = { ...thread.counts };
    const results = await evaluateBothWays();
    expect(thread.counts.onThread - before.onThread).toBe(SUBJECTS.length);
    for (const { here, offloaded } of results) expect(offloaded).toEqual(here);
    // Not a vacuous comparison: the profiles hit the list, by name and by employer.
    expect(results.map(({ here }) => here.outcome)).toContain('block');
    expect(results.flatMap(({ here }) => here.hits.map((hit) => hit.entry?.sourceId)).filter(Boolean)).toEqual(expect.arrayContaining(['t-1', 't-2']));
  });

  test('a screening citing lists the thread has not built yet is evaluated on the event loop, then on the thread', async () => {
    await loadTestList(database.db, 'thread-watchlist-2', [listEntry({ sourceId: 'u-1', name: 'PAK, Hwa Song' })]);
    await lists.refresh(database.db);
    const before = { ...thread.counts };
    const early = await evaluateBothWays();
    for (const { here, offloaded } of early) expect(offloaded).toEqual(here);
    // Whatever was built by the time each call came: every answer is the same, and the calls
    // that came before the thread had the new snapshot were answered here.
    expect(thread.counts.here - before.here + (thread.counts.onThread - before.onThread)).toBe(SUBJECTS.length);
    await eventually(async () => (thread.hasSnapshot(lists.current().versions) ? true : undefined), 'the thread to build the new index', 30_000);
    const onThread = thread.counts.onThread;
    await evaluateBothWays();
    expect(thread.counts.onThread - onThread).toBe(SUBJECTS.length);
  });

  test('a link rule that would read past holders the lookup cut asks for all of them, from the thread as from the event loop', async () => {
    await eventually(async () => (thread.hasSnapshot(lists.current().versions) ? true : undefined), 'the thread to build its index', 30_000);
    const tenantId = await tenantIdOf(database.db, 'default');
    const ruleset = (await new ActiveRulesets().get(database.db, tenantId))!;
    const keyedHash = await createKeyedHash(database.db, undefined);
    const snapshot = lists.current();
    const subject = SUBJECTS[3]!;
    const answers = await answerLookups({ db: database.db, keyedHash }, { tenantId, subject }, snapshot.versions.map((version) => version.versionId));
    const email = answers.lookups.links.find((link) => link.kind === 'email')!;
    // Holders of the applicant's e-mail were cut to none: the rule cannot tell whether it fires.
    const cut = { ...answers, linkedSubjects: [], linkedSubjectsCut: [{ key: email.key, kind: 'email' as const }] };
    await expect(evaluateHere(snapshot, subject, ruleset, cut)).rejects.toBeInstanceOf(LinkedSubjectsCut);
    await expect(thread.evaluate(snapshot, subject, ruleset, cut)).rejects.toBeInstanceOf(LinkedSubjectsCut);
  });

  test('traced, the thread\'s evaluation and its name searches are spans under the evaluation, in its trace and within its time', async () => {
    // The thread has no tracer: it returns when its evaluation and each name search ran, and
    // this thread records them as spans of the screening's trace.
    const exporter = new InMemorySpanExporter();
    const tracing = startTracing({ exporters: ['otlp'], sampler: { kind: 'always_on' } }, { serviceVersion: 'test', testExporter: exporter });
    try {
      await eventually(async () => (thread.hasSnapshot(lists.current().versions) ? true : undefined), 'the thread to build its index', 30_000);
      const onThreadBefore = thread.counts.onThread;
      const subject = SUBJECTS[1]!;
      const evaluation = await evaluateInSpan(thread.evaluate, subject);
      expect(thread.counts.onThread).toBe(onThreadBefore + 1);
      expect(evaluation.outcome).not.toBe('clear');
      await tracing.flush();
      const spans = exporter.getFinishedSpans();
      const onThread = spans.find((span) => span.name === 'redflag.evaluation_thread');
      expect(onThread, 'the thread\'s span').toBeDefined();
      const parent = parentOf(onThread!, spans)!;
      expect(parent.name).toBe('redflag.evaluation');
      expect(onThread!.spanContext().traceId).toBe(parent.spanContext().traceId);
      expect(millis(onThread!.startTime)).toBeGreaterThanOrEqual(millis(parent.startTime));
      expect(millis(onThread!.endTime)).toBeLessThanOrEqual(millis(parent.endTime));
      const searches = spans.filter((span) => span.name === 'redflag.list_search');
      expect(searches.length).toBeGreaterThan(0);
      for (const search of searches) expect(parentOf(search, spans)).toBe(onThread);
      expect(spans.flatMap((span) => [span.name, ...Object.values(span.attributes).map(String)]).join('\n')).not.toContain(subject.name);

      // On the calling thread, each name search is a span under the evaluation itself.
      exporter.reset();
      await evaluateInSpan(evaluateHere, subject);
      await tracing.flush();
      const here = exporter.getFinishedSpans();
      const hereSearches = here.filter((span) => span.name === 'redflag.list_search');
      expect(hereSearches.length).toBeGreaterThan(0);
      for (const search of hereSearches) expect(parentOf(search, here)?.name).toBe('redflag.evaluation');
      expect(here.some((span) => span.name === 'redflag.evaluation_thread')).toBe(false);
    } finally {
      await tracing.shutdown();
    }
  });

  test('if the thread dies, screenings go on, evaluated on the event loop', async () => {
    await (thread as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await eventually(async () => (thread.hasSnapshot(lists.current().versions) ? undefined : true), 'the thread to be noticed gone');
    const here = thread.counts.here;
    const results = await evaluateBothWays();
    for (const { here: expected, offloaded } of results) expect(offloaded).toEqual(expected);
    expect(thread.counts.here - here).toBe(SUBJECTS.length);
  });
});
