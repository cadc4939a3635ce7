import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Database } from '../../db/client.js';
import { migrationsAreCurrent } from '../../db/migrate.js';
import { sendProblem, problemFor } from '../plugins/errors.plugin.js';
import { problemSchema } from '../schemas/common.schemas.js';

export function healthRoutes(database: Database) {
  return async (app: FastifyInstance) => {
    const routes = app.withTypeProvider<ZodTypeProvider>();
    routes.get(
      '/healthz',
      { schema: { operationId: 'getHealth', tags: ['health'], summary: 'Liveness: the process is up', response: { 200: z.object({ status: z.literal('ok') }) } } },
      async () => ({ status: 'ok' as const }),
    );
    routes.get(
      '/readyz',
      {
        schema: {
          operationId: 'getReadiness',
          tags: ['health'],
          summary: 'Readiness: database reachable and migrations applied',
          response: { 200: z.object({ status: z.literal('ready'), database: z.enum(['postgres', 'pglite']) }), 503: problemSchema.describe('Database unreachable or migrations not applied') },
        },
      },
      async (request, reply) => {
        try {
          await database.ping();
          if (!(await migrationsAreCurrent(database))) {
            return sendProblem(request, reply, problemFor('unavailable', 'Database migrations are not applied'));
          }
        } catch {
          return sendProblem(request, reply, problemFor('unavailable', 'The database is not reachable'));
        }
        return { status: 'ready' as const, database: database.kind };
      },
    );
  };
}
