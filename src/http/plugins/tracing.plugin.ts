import type { FastifyInstance } from 'fastify';
import { recordSpan } from '../../telemetry/spans.js';
import type { Tracing } from '../../telemetry/tracing.js';

const parsingStarted = Symbol('parsingStarted');
declare module 'fastify' {
  interface FastifyRequest {
    [parsingStarted]?: number;
  }
}

/**
 * A span per request and per hook (@fastify/otel), and one for reading and validating the request
 * (`redflag.parse_validate`, from the preParsing hook to the first preHandler hook: Fastify runs
 * its body parser and schema validation between the two, in no hook of their own). Registered
 * before anything else, so that the request span is the first thing opened; these two hooks
 * come before the plugin, so they are not spans themselves.
 */
export async function registerTracing(app: FastifyInstance, tracing: Tracing): Promise<void> {
  app.addHook('preParsing', async (request) => {
    request[parsingStarted] = performance.timeOrigin + performance.now();
  });
  app.addHook('preHandler', async (request) => {
    const startedAt = request[parsingStarted];
    const requestSpan = request.opentelemetry?.();
    if (startedAt === undefined || !requestSpan?.span?.isRecording()) return;
    recordSpan('redflag.parse_validate', { startedAt, endedAt: performance.timeOrigin + performance.now() }, { parent: requestSpan.context });
  });
  await app.register(tracing.fastifyPlugin);
}
