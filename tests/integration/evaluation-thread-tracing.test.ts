import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { ScreeningSubject } from '../../src/domain/rules/screening-subject.js';
import { ActiveRulesets } from '../../src/services/active-ruleset.service.js';
import { bootstrapIfEmpty } from '../../src/services/bootstrap.service.js';
import { EvaluationThread, evaluateHere } from '../../src/services/evaluation-offload.js';
import { createKeyedHash } from '../../src/services/keyed-hash.service.js';
import { ListIndexHolder } from '../../src/services/list-index.service.js';
import { answerLookups } from '../../src/services/screening.service.js';
import { inSpan } from '../../src/telemetry/spans.js';
import { startTracing, type Tracing } from '../../src/telemetry/tracing.js';
import { tenantIdOf } from '../helpers/audit-decisions.js';
import { eventually } from '../helpers/cases-fixtures.js';
import { listEntry, loadTestList } from '../helpers/list-fixtures.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/**
 * A traced screening evaluated on the evaluation thread: the thread has no tracer, so it returns
 * when its evaluation and each name search ran, and the main thread records them as spans of the
 * screening's trace. (Over HTTP the thread takes only concurrent screenings; here it is called.)
 */
let database: TestDatabase;
let thread: EvaluationThread;
let tracing: Tracing;
const exporter = new InMemorySpanExporter();
const lists = new ListIndexHolder();
const SUBJECT: ScreeningSubject = { name: 'Sang Man Kim', nationality: 'KP', emails: ['s.kim@thread-trace.example'], logins: [{ ip: '203.0.113.41', country: 'CN', at: '2026-11-01T03:00:00Z' }] };

beforeAll(async () => {
  tracing = startTracing({ exporters: ['otlp'], sampler: { kind: 'always_on' } }, { serviceVersion: 'test', testExporter: exporter });
  database = await createTestDatabase();
  await bootstrapIfEmpty(database.db, {});
  await loadTestList(database.db, 'thread-trace-watchlist', [listEntry({ sourceId: 'tt-1', name: 'KIM, Sang Man', nationalities: ['KP'] })]);
  await lists.refresh(database.db);
  thread = new EvaluationThread();
  await lists.mirrorTo(database.db, thread);
});
afterAll(async () => {
  await thread.close();
  await database.destroy();
  await tracing.shutdown();
});

const parentOf = (span: ReadableSpan, spans: ReadableSpan[]) => spans.find((candidate) => candidate.spanContext().spanId === span.parentSpanContext?.spanId);
const millis = (time: readonly [number, number]) => time[0] * 1e3 + time[1] / 1e6;

async function evaluateTraced(evaluate: typeof evaluateHere) {
  const tenantId = await tenantIdOf(database.db, 'default');
  const ruleset = (await new ActiveRulesets().get(database.db, tenantId))!;
  const keyedHash = await createKeyedHash(database.db, undefined);
  const snapshot = lists.current();
  const context = await answerLookups({ db: database.db, keyedHash }, { tenantId, subject: SUBJECT }, snapshot.versions.map((version) => version.versionId));
  return trace.getTracer('test').startActiveSpan('test screening', async (root) => {
    const evaluation = await inSpan('redflag.evaluation', () => evaluate(snapshot, SUBJECT, ruleset, context));
    root.end();
    return evaluation;
  });
}

test('the thread\'s evaluation and its name searches are spans under the evaluation, in its trace and within its time', async () => {
  await eventually(async () => (thread.hasSnapshot(lists.current().versions) ? true : undefined), 'the thread to build its index', 30_000);
  const onThreadBefore = thread.counts.onThread;
  exporter.reset();
  const evaluation = await evaluateTraced(thread.evaluate);
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
  for (const search of searches) {
    expect(parentOf(search, spans)).toBe(onThread);
    expect(millis(search.startTime)).toBeGreaterThanOrEqual(millis(onThread!.startTime));
  }
  const texts = spans.flatMap((span) => [span.name, ...Object.values(span.attributes).map(String)]).join('\n');
  for (const personal of [SUBJECT.name, SUBJECT.emails![0]!, SUBJECT.logins![0]!.ip]) expect(texts).not.toContain(personal);
});

test('evaluated on the calling thread, each name search is a span under the evaluation', async () => {
  exporter.reset();
  await evaluateTraced(evaluateHere);
  await tracing.flush();
  const spans = exporter.getFinishedSpans();
  const evaluation = spans.find((span) => span.name === 'redflag.evaluation')!;
  const searches = spans.filter((span) => span.name === 'redflag.list_search');
  expect(searches.length).toBeGreaterThan(0);
  for (const search of searches) expect(parentOf(search, spans)).toBe(evaluation);
  expect(spans.some((span) => span.name === 'redflag.evaluation_thread')).toBe(false);
});
