import { createServer, type Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Metrics } from '../../services/metrics.service.js';
import { authErrorResponses } from '../schemas/common.schemas.js';

/** METRICS: `off`, `operator` (GET /metrics with an operator key) or `port:<n>` (a listener of its own, no key). */
export type MetricsMode = { kind: 'off' } | { kind: 'operator' } | { kind: 'port'; port: number; host: string; onListening?: (port: number) => void };

export function metricsModeOf(value: string, host: string): MetricsMode {
  if (value === 'off' || value === 'operator') return { kind: value };
  return { kind: 'port', port: Number(value.slice('port:'.length)), host };
}

/**
 * Counts every request by route template (never the URL) and status, and serves the registry:
 * on the app behind the operator role, or on a separate listener for a scraper inside the network.
 */
export function registerMetrics(app: FastifyInstance, metrics: Metrics, mode: Exclude<MetricsMode, { kind: 'off' }>) {
  app.addHook('onResponse', async (request, reply) => {
    metrics.observeRequest({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status: reply.statusCode, seconds: reply.elapsedTime / 1000 });
  });
  if (mode.kind === 'operator') {
    app.get(
      '/metrics',
      {
        config: { roles: ['operator'] },
        schema: {
          operationId: 'getMetrics',
          tags: ['operations'],
          summary: 'Prometheus metrics (text exposition format), for the operator',
          description: 'With METRICS=operator (the default). METRICS=port:<n> serves them on a listener of their own instead, without a key; METRICS=off not at all. The README lists every metric.',
          security: [{ bearerAuth: [] }],
          response: { 200: { description: 'Prometheus text format 0.0.4', content: { 'text/plain': { schema: z.string() } } }, ...authErrorResponses },
        },
      },
      async (_request, reply) => reply.type(metrics.contentType).header('cache-control', 'no-store').send(await metrics.render()),
    );
    return;
  }
  let server: Server | undefined;
  app.addHook('onReady', async () => {
    server = createServer((request, response) => {
      if (request.method !== 'GET' || (request.url ?? '').split('?')[0] !== '/metrics') {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        return;
      }
      metrics.render().then(
        (text) => response.writeHead(200, { 'content-type': metrics.contentType }).end(text),
        () => response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n'),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(mode.port, mode.host, () => {
        const address = server!.address();
        if (address && typeof address === 'object') mode.onListening?.(address.port);
        resolve();
      });
    });
  });
  app.addHook('onClose', async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });
}
