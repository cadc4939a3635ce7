import { context, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { screen } from '../helpers/cases-fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/** Tracing is off by default: nothing is registered, so nothing can be recorded or exported. */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

test('without tracing no tracer provider is registered: a screening runs with no request span, and any span is a non-recording no-op', async () => {
  expect(t.app.hasPlugin('@fastify/otel')).toBe(false);
  const decision = await screen(t, { externalRef: 'untraced-1', name: 'Maria Kowalska' });
  expect(decision.outcome).toBe('clear');
  const span = trace.getTracer('redflag').startSpan('probe');
  expect(span.isRecording()).toBe(false);
  expect(span.spanContext().traceId).toBe('00000000000000000000000000000000');
  span.end();
  expect(trace.getActiveSpan()).toBeUndefined();
  // No context manager either: context.with does not carry a span into the callback.
  expect(context.with(trace.setSpan(context.active(), trace.wrapSpanContext({ traceId: '1'.repeat(32), spanId: '1'.repeat(16), traceFlags: 1 })), () => trace.getActiveSpan())).toBeUndefined();
});
