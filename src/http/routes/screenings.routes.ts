import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { getDecision, screenSubject, type ScreeningDeps } from '../../services/screening.service.js';
import { principalOf } from '../plugins/auth.plugin.js';
import { authErrorResponses, idempotencyHeaders, problemSchema, uuidParam } from '../schemas/common.schemas.js';
import { decisionSchema, screeningRequestSchema } from '../schemas/screening.schemas.js';

export function screeningRoutes(deps: ScreeningDeps) {
  return async (app: FastifyInstance) => {
    const routes = app.withTypeProvider<ZodTypeProvider>();
    routes.post(
      '/v1/screenings',
      {
        config: { roles: ['screener'] },
        schema: {
          operationId: 'createScreening',
          tags: ['screenings'],
          summary: 'Screen a contractor profile and record the decision',
          security: [{ bearerAuth: [] }],
          headers: idempotencyHeaders('Same key and body return the same decision; the same key with another body is 422'),
          body: screeningRequestSchema,
          response: {
            200: decisionSchema.describe('Replay of an earlier request with the same Idempotency-Key'),
            201: decisionSchema,
            400: problemSchema,
            ...authErrorResponses,
            422: problemSchema,
          },
        },
      },
      async (request, reply) => {
        const { tenantId } = principalOf(request);
        const idempotencyKey = request.headers['idempotency-key'];
        const { decision, replayed } = await screenSubject(deps, {
          tenantId,
          subject: request.body.subject,
          ...(request.body.monitor !== undefined ? { monitor: request.body.monitor } : {}),
          ...(idempotencyKey ? { idempotencyKey } : {}),
        });
        return reply.code(replayed ? 200 : 201).header('location', `/v1/decisions/${decision.id}`).send(decision);
      },
    );

    routes.get(
      '/v1/decisions/:id',
      {
        config: { roles: ['screener', 'reviewer', 'auditor'] },
        schema: {
          operationId: 'getDecision',
          tags: ['screenings'],
          summary: 'Read a stored decision',
          security: [{ bearerAuth: [] }],
          params: uuidParam,
          response: { 200: decisionSchema, 400: problemSchema, ...authErrorResponses, 404: problemSchema },
        },
      },
      async (request) => getDecision(deps, principalOf(request).tenantId, request.params.id),
    );
  };
}
