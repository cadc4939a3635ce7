/**
 * OpenTelemetry tracing, started only when the OTEL_* variables ask for it (tracing-config.ts).
 * Off, nothing here runs: no tracer provider is registered, the API's no-op tracer answers, and
 * the spans of spans.ts are skipped outright (there is no active span to be a child of).
 *
 * On: a tracer provider with the configured exporters behind a guard that drops what may quote
 * personal data (`withoutMessages`), W3C trace context for incoming `traceparent` headers, the
 * Fastify plugin (@fastify/otel, registered by buildApp) and the `pg` instrumentation.
 *
 * The `pg` instrumentation normally needs its require/import hook installed before `pg` is first
 * loaded (node --import, or a preload). Here `pg` is already loaded by the time the configuration
 * is read, and under ESM the import hook would need a loader registered at process start. Instead
 * the instrumentation is enabled and then `pg` and `pg-pool` are required once more from pg's own
 * directory: require-in-the-middle patches a module on the first require it sees, loaded before or
 * not, and the patch is on the classes' prototypes (Client.prototype.query, Pool.prototype.connect),
 * which the pool already created shares. The same code works from tsx, the compiled dist/main.js and
 * the tests, on Node 20, 22 and 24, with no change to `npm start` or the Dockerfile.
 */
import { createRequire } from 'node:module';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type ReadableSpan,
  type Sampler,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import fastifyOtel from '@fastify/otel';
import type { FastifyPluginCallback, FastifyRequest } from 'fastify';
import type { SamplerChoice, TracingConfig } from './tracing-config.js';

export interface Tracing {
  /** The Fastify plugin that opens a span per request and per hook; buildApp registers it first. */
  fastifyPlugin: FastifyPluginCallback;
  /** Sends what is still buffered (tests, and before exit). */
  flush(): Promise<void>;
  /** Flushes, then unregisters everything this registered. */
  shutdown(): Promise<void>;
}

function samplerOf(choice: SamplerChoice): Sampler {
  switch (choice.kind) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(choice.ratio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(choice.ratio) });
  }
}

/** Event attributes that carry an error's text, which may quote input (a name, an SQL value). */
const QUOTING_EVENT_ATTRIBUTES = ['exception.message', 'exception.stacktrace'];

/**
 * The span as exported, without its status message and without the message and stack of any
 * exception event: @fastify/otel and the pg instrumentation copy an error's message there, and a
 * JSON parse error quotes the body, a PostgreSQL error the value it refused. The error type and
 * the ERROR status stay.
 */
function withoutMessages(span: ReadableSpan): ReadableSpan {
  const events = span.events.map((event) =>
    event.attributes === undefined ? event : { ...event, attributes: Object.fromEntries(Object.entries(event.attributes).filter(([key]) => !QUOTING_EVENT_ATTRIBUTES.includes(key))) },
  );
  return Object.create(span, { status: { value: { code: span.status.code } }, events: { value: events } }) as ReadableSpan;
}

/** Every exporter sits behind this guard, the tests' in-memory one too. */
export function guardedExporter(inner: SpanExporter): SpanExporter {
  return {
    export: (spans: ReadableSpan[], done: (result: ExportResult) => void) => inner.export(spans.map(withoutMessages), done),
    shutdown: () => inner.shutdown(),
    forceFlush: async () => inner.forceFlush?.(),
  };
}

function processorsOf(config: TracingConfig, testExporter: SpanExporter | undefined): SpanProcessor[] {
  // A test reads its exporter right after a request: each span is handed over as it ends.
  if (testExporter) return [new SimpleSpanProcessor({ exporter: guardedExporter(testExporter) })];
  return config.exporters.map((kind) => new BatchSpanProcessor({ exporter: guardedExporter(kind === 'otlp' ? new OTLPTraceExporter() : new ConsoleSpanExporter()) }));
}

/** The route template, never the URL: a query string or a path segment may hold personal data. */
function routeTemplateAsPath(span: { setAttribute(key: string, value: string): unknown }, request: FastifyRequest) {
  span.setAttribute('url.path', request.routeOptions.url ?? 'unmatched');
}

/** pg's module objects, required from pg's own directory (the ones drizzle's pool uses). */
function requireFromPg(): void {
  const fromHere = createRequire(import.meta.url);
  const fromPg = createRequire(fromHere.resolve('pg'));
  fromPg('pg');
  fromPg('pg-pool');
}

/**
 * Starts tracing. `testExporter`: spans go there at once instead of to the configured
 * exporters (tests).
 */
export function startTracing(config: TracingConfig, options: { serviceVersion: string; testExporter?: SpanExporter }): Tracing {
  const detected = detectResources({ detectors: [envDetector] });
  const resource = resourceFromAttributes({ 'service.name': 'redflag', 'service.version': options.serviceVersion }).merge(detected);
  const provider = new TracerProvider({ resource, sampler: samplerOf(config.sampler), spanProcessors: processorsOf(config, options.testExporter) });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);

  // Values never: only the statement text with its $n placeholders; and no span for a query
  // outside a traced request (the background loops would each start traces of their own).
  const pgInstrumentation = new PgInstrumentation({ enhancedDatabaseReporting: false, requireParentSpan: true, addSqlCommenterCommentToQueries: false });
  pgInstrumentation.setTracerProvider(provider);
  requireFromPg();
  const fastifyInstrumentation = new fastifyOtel.FastifyOtelInstrumentation({ recordExceptions: false, requestHook: routeTemplateAsPath });
  fastifyInstrumentation.setTracerProvider(provider);

  return {
    fastifyPlugin: fastifyInstrumentation.plugin() as FastifyPluginCallback,
    flush: () => provider.forceFlush(),
    shutdown: async () => {
      await provider.shutdown();
      pgInstrumentation.disable();
      fastifyInstrumentation.disable();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}
