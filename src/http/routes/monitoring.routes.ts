import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Db } from '../../db/client.js';
import { getRun, listRuns } from '../../services/monitoring.service.js';
import { principalOf } from '../plugins/auth.plugin.js';
import { authErrorResponses, problemSchema, uuidParam } from '../schemas/common.schemas.js';
import { monitoringRunDetailSchema, monitoringRunPageSchema, monitoringRunQuery, monitoringRunsQuery } from '../schemas/monitoring.schemas.js';

const security = [{ bearerAuth: [] }];
const roles = ['reviewer', 'auditor'] as const;

export function monitoringRoutes(deps: { db: Db }) {
  return async (app: FastifyInstance) => {
    const routes = app.withTypeProvider<ZodTypeProvider>();
    routes.get(
      '/v1/monitoring/runs',
      {
        config: { roles },
        schema: {
          operationId: 'listMonitoringRuns',
          tags: ['monitoring'],
          summary: 'Re-screening runs of monitored subjects, newest first, with their progress',
          description:
            'A run starts when a list version or a ruleset version becomes active and screens every monitored subject (screened with "monitor": true) again from its last stored input.',
          security,
          querystring: monitoringRunsQuery,
          response: { 200: monitoringRunPageSchema, 400: problemSchema, ...authErrorResponses },
        },
      },
      async (request) => listRuns(deps.db, principalOf(request).tenantId, request.query),
    );

    routes.get(
      '/v1/monitoring/runs/:id',
      {
        config: { roles },
        schema: {
          operationId: 'getMonitoringRun',
          tags: ['monitoring'],
          summary: "A run's progress and a page of its results (by default the subjects whose outcome changed)",
          security,
          params: uuidParam,
          querystring: monitoringRunQuery,
          response: { 200: monitoringRunDetailSchema, 400: problemSchema, ...authErrorResponses, 404: problemSchema },
        },
      },
      async (request) => getRun(deps.db, principalOf(request).tenantId, request.params.id, { status: request.query.results, limit: request.query.limit, cursor: request.query.cursor }),
    );
  };
}
