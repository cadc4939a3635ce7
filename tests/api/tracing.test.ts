import { SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTracing, type Tracing } from '../../src/telemetry/tracing.js';
import { WATCHLIST } from '../helpers/cases-fixtures.js';
import { loadTestList } from '../helpers/list-fixtures.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';

// Personal data of the applicants screened here; no span may carry any of it.
const APPLICANT = {
  name: 'Sang Man Kim',
  email: 'sang.man.kim@tracing-test.example',
  phone: '+1 512 555 0177',
  ip: '203.0.113.77',
};
const CLEAR_APPLICANT = { name: 'Wilhelmina Tracerova', email: 'w.tracerova@tracing-test.example', phone: '+44 20 7946 0958', ip: '198.51.100.23' };
const PERSONAL_VALUES = [...Object.values(APPLICANT), ...Object.values(CLEAR_APPLICANT)];

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let t: TestApp;

beforeAll(async () => {
  tracing = startTracing({ exporters: ['otlp'], sampler: { kind: 'parentbased_always_on' } }, { serviceVersion: 'test', testExporter: exporter });
  t = await createTestApp({
    beforeBuild: (database) => loadTestList(database.db, 'tracing-watchlist', WATCHLIST).then(() => undefined),
    appDeps: { tracing },
  });
});
afterAll(async () => {
  await t.close();
  await tracing.shutdown();
});

const subjectOf = (who: typeof APPLICANT, externalRef: string) => ({
  externalRef,
  name: who.name,
  nationality: 'KP',
  emails: [who.email],
  phones: [who.phone],
  logins: [{ ip: who.ip, country: 'US', at: '2026-11-01T15:00:00Z' }],
});

const postScreening = (subject: object) => request(t.app.server).post('/v1/screenings').set(bearer(t.keys.screener)).send({ subject });

const spanId = (span: ReadableSpan) => span.spanContext().spanId;
const parentOf = (span: ReadableSpan, spans: ReadableSpan[]) => spans.find((candidate) => spanId(candidate) === span.parentSpanContext?.spanId);

function ancestorsOf(span: ReadableSpan, spans: ReadableSpan[]): ReadableSpan[] {
  const chain: ReadableSpan[] = [];
  for (let parent = parentOf(span, spans); parent; parent = parentOf(parent, spans)) chain.push(parent);
  return chain;
}

/** The spans of the trace whose root is the request span of `route` answered with `status`. */
async function traceOfRequest(route: string, status: number): Promise<ReadableSpan[]> {
  await tracing.flush();
  const spans = exporter.getFinishedSpans();
  const root = spans.findLast((span) => span.name === 'request' && span.attributes['http.route'] === route && span.attributes['http.response.status_code'] === status);
  expect(root, `a request span for ${route} (${status})`).toBeDefined();
  return spans.filter((span) => span.spanContext().traceId === root!.spanContext().traceId);
}

/** Every text a span carries out: names, attributes, event names and attributes, status message, resource. */
function textsOf(spans: ReadableSpan[]): string[] {
  return spans.flatMap((span) => [
    span.name,
    span.status.message ?? '',
    ...Object.entries(span.attributes).map(([key, value]) => `${key}=${String(value)}`),
    ...span.events.flatMap((event) => [event.name, ...Object.entries(event.attributes ?? {}).map(([key, value]) => `${key}=${String(value)}`)]),
    ...Object.entries(span.resource.attributes).map(([key, value]) => `${key}=${String(value)}`),
  ]);
}

function expectNoPersonalData(spans: ReadableSpan[]) {
  const texts = textsOf(spans).map((text) => text.toLowerCase());
  for (const value of PERSONAL_VALUES) {
    const found = texts.find((text) => text.includes(value.toLowerCase()));
    expect(found, `span text quoting "${value}"`).toBeUndefined();
  }
}

const millis = (time: readonly [number, number]) => time[0] * 1e3 + time[1] / 1e6;
const named = (spans: ReadableSpan[], name: string) => spans.filter((span) => span.name === name);
const one = (spans: ReadableSpan[], name: string) => {
  const found = named(spans, name);
  expect(found.map((span) => span.name), `one span ${name}`).toEqual([name]);
  return found[0]!;
};

describe('tracing on (an in-process exporter)', () => {
  test('a flagged screening is one trace: request, parse and validate, lookups, evaluation with its name search, the write with the decision chain and the case', async () => {
    exporter.reset();
    const response = await postScreening(subjectOf(APPLICANT, 'trace-1'));
    expect(response.status, response.text).toBe(201);
    expect(response.body.caseId).not.toBeNull();
    const spans = await traceOfRequest('/v1/screenings', 201);

    const root = one(spans, 'request');
    expect(root.parentSpanContext).toBeUndefined();
    expect(root.attributes['url.path']).toBe('/v1/screenings');
    expect(parentOf(one(spans, 'redflag.parse_validate'), spans)).toBe(root);
    const screening = one(spans, 'redflag.screening');
    expect(ancestorsOf(screening, spans)).toContain(root);
    expect(screening.attributes['redflag.decision.outcome']).toBe(response.body.outcome);
    for (const name of ['redflag.ip_intelligence', 'redflag.lookups', 'redflag.name_searches_ahead', 'redflag.evaluation', 'redflag.write']) expect(parentOf(one(spans, name), spans), name).toBe(screening);
    // A lone screening searches the names while its lookups are out, before it evaluates.
    expect(millis(one(spans, 'redflag.name_searches_ahead').endTime)).toBeLessThanOrEqual(millis(one(spans, 'redflag.evaluation').startTime));
    const evaluation = one(spans, 'redflag.evaluation');
    const searches = named(spans, 'redflag.list_search');
    expect(searches.length).toBeGreaterThan(0);
    for (const search of searches) expect(ancestorsOf(search, spans)).toContain(evaluation);
    const write = one(spans, 'redflag.write');
    expect(ancestorsOf(one(spans, 'redflag.decision_chain'), spans)).toContain(write);
    expect(ancestorsOf(one(spans, 'redflag.case'), spans)).toContain(write);
    // The API key's lookup is a hook of the request: its span is in the same trace.
    expect(spans.some((span) => span.name.startsWith('onRequest'))).toBe(true);
    expectNoPersonalData(spans);
  });

  test('on PostgreSQL the queries are spans of the same trace: statement text with placeholders, never a value', async (context) => {
    if (t.database.kind !== 'postgres') context.skip();
    exporter.reset();
    expect((await postScreening(subjectOf(CLEAR_APPLICANT, 'trace-pg'))).status).toBe(201);
    const spans = await traceOfRequest('/v1/screenings', 201);
    const queries = spans.filter((span) => span.attributes['db.system'] === 'postgresql' || span.attributes['db.system.name'] === 'postgresql');
    expect(queries.length).toBeGreaterThan(1);
    const root = one(spans, 'request');
    for (const query of queries) expect(ancestorsOf(query, spans)).toContain(root);
    const statements = queries.map((query) => String(query.attributes['db.statement'] ?? query.attributes['db.query.text'] ?? ''));
    expect(statements.some((statement) => /\$1\b/.test(statement))).toBe(true);
    expect(queries.some((query) => ancestorsOf(query, spans).some((span) => span.name === 'redflag.lookups'))).toBe(true);
    expectNoPersonalData(spans);
  });

  test('a body that is not JSON: the request is marked failed, and nothing of the body is kept', async () => {
    exporter.reset();
    const response = await request(t.app.server)
      .post('/v1/screenings')
      .set(bearer(t.keys.screener))
      .set('content-type', 'application/json')
      .send(`{"subject":{"name":${APPLICANT.name}}}`);
    expect(response.status).toBe(400);
    const spans = await traceOfRequest('/v1/screenings', 400);
    expect(spans.some((span) => span.status.code === 2)).toBe(true);
    expectNoPersonalData(spans);
  });

  test('the route template, never the URL: a query string with personal data is not recorded', async () => {
    exporter.reset();
    const path = `/v1/decisions/01900000-0000-7000-8000-000000000000?email=${encodeURIComponent(APPLICANT.email)}`;
    expect((await request(t.app.server).get(path).set(bearer(t.keys.screener))).status).toBe(404);
    const spans = await traceOfRequest('/v1/decisions/:id', 404);
    expect(one(spans, 'request').attributes['url.path']).toBe('/v1/decisions/:id');
    expectNoPersonalData(spans);
  });

  test('an error\'s message never leaves: status messages and exception texts are dropped before any exporter, the error type stays', async () => {
    exporter.reset();
    const span = trace.getTracer('test').startSpan('failing');
    span.recordException(new TypeError(`no such applicant ${APPLICANT.email}`));
    span.setStatus({ code: SpanStatusCode.ERROR, message: `invalid input "${APPLICANT.phone}"` });
    span.end();
    await tracing.flush();
    const [exported] = exporter.getFinishedSpans();
    expect(exported?.status).toEqual({ code: SpanStatusCode.ERROR });
    expect(exported?.events.map((event) => event.attributes)).toEqual([{ 'exception.type': 'TypeError' }]);
    expectNoPersonalData(exporter.getFinishedSpans());
  });
});
