/**
 * The service's own spans, each a child of the span active when it starts. Without an active
 * span (tracing off, or a background job outside any request) the work just runs: no span, no
 * allocation. Attributes never carry personal data: counts, kinds and outcomes only.
 */
import { context, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';

const TRACER = 'redflag';

function startChild(name: string, attributes?: Attributes): Span | undefined {
  const parent = trace.getActiveSpan();
  if (!parent?.isRecording()) return undefined;
  return trace.getTracer(TRACER).startSpan(name, attributes ? { attributes } : {});
}

/** Marks the span failed, without the error's message (it may quote input). */
function failed(span: Span, error: unknown): never {
  span.setStatus({ code: SpanStatusCode.ERROR });
  span.setAttribute('error.type', error instanceof Error ? error.constructor.name : 'unknown');
  throw error;
}

/** `work` inside a child span named `name`; `work` may add attributes to the span it is given. */
export async function inSpan<T>(name: string, work: (span?: Span) => Promise<T>, attributes?: Attributes): Promise<T> {
  const span = startChild(name, attributes);
  if (!span) return work();
  try {
    return await context.with(trace.setSpan(context.active(), span), () => work(span));
  } catch (error) {
    return failed(span, error);
  } finally {
    span.end();
  }
}

/** The same for synchronous work (the name search on the calling thread). */
export function inSpanSync<T>(name: string, work: () => T, attributes?: Attributes): T {
  const span = startChild(name, attributes);
  if (!span) return work();
  try {
    return context.with(trace.setSpan(context.active(), span), work);
  } catch (error) {
    return failed(span, error);
  } finally {
    span.end();
  }
}

/** Whether spans are being recorded here: a caller skips measuring what nobody would see. */
export const isTracing = (): boolean => trace.getActiveSpan()?.isRecording() === true;

/**
 * A span of work done elsewhere (the evaluation thread) or measured between two hooks, from its
 * start and end times (milliseconds since the epoch); a child of `parent`, or of the active span.
 * Returns the context under which spans nested in it are recorded.
 */
export function recordSpan(name: string, times: { startedAt: number; endedAt: number }, options: { parent?: Context; attributes?: Attributes } = {}): Context {
  const parent = options.parent ?? context.active();
  const span = trace.getTracer(TRACER).startSpan(name, { startTime: times.startedAt, ...(options.attributes ? { attributes: options.attributes } : {}) }, parent);
  span.end(times.endedAt);
  return trace.setSpan(parent, span);
}
