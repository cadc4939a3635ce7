import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Db } from '../../db/client.js';
import { createWebhook, listDeliveries, listWebhooks } from '../../services/webhooks.service.js';
import { principalOf } from '../plugins/auth.plugin.js';
import { authErrorResponses, problemSchema, uuidParam } from '../schemas/common.schemas.js';
import { createdWebhookSchema, deliveryPageQuery, deliveryPageSchema, webhookBody, webhookListSchema } from '../schemas/webhooks.schemas.js';

const security = [{ bearerAuth: [] }];

export function webhookRoutes(deps: { db: Db; now: () => Date; allowPrivateNetworks: boolean }) {
  return async (app: FastifyInstance) => {
    const routes = app.withTypeProvider<ZodTypeProvider>();

    routes.post(
      '/v1/webhooks',
      {
        config: { roles: ['admin'] },
        schema: {
          operationId: 'createWebhook',
          tags: ['webhooks'],
          summary: 'Subscribe a URL to case events; the signing secret is returned only in this response',
          description:
            'Events: case.opened (a review or block decision opened a case) and case.disposed (a case was closed). Deliveries are retried with exponential backoff; GET /v1/webhooks/{id}/deliveries lists each attempt. The URL must reach a public address (no loopback, private, link-local or local host names; checked here and again at every delivery) unless the deployment sets WEBHOOK_ALLOW_PRIVATE_NETWORKS=true.',
          security,
          body: webhookBody,
          response: { 201: createdWebhookSchema, 400: problemSchema, ...authErrorResponses },
        },
      },
      async (request, reply) => {
        const created = await createWebhook(deps.db, {
          tenantId: principalOf(request).tenantId,
          url: request.body.url,
          events: request.body.events,
          now: deps.now(),
          allowPrivateNetworks: deps.allowPrivateNetworks,
        });
        return reply.code(201).header('location', `/v1/webhooks/${created.id}`).send(created);
      },
    );

    routes.get(
      '/v1/webhooks',
      {
        config: { roles: ['admin'] },
        schema: { operationId: 'listWebhooks', tags: ['webhooks'], summary: "The tenant's webhooks (without secrets)", security, response: { 200: webhookListSchema, ...authErrorResponses } },
      },
      async (request) => ({ items: await listWebhooks(deps.db, principalOf(request).tenantId) }),
    );

    routes.get(
      '/v1/webhooks/:id/deliveries',
      {
        config: { roles: ['admin'] },
        schema: {
          operationId: 'listWebhookDeliveries',
          tags: ['webhooks'],
          summary: 'Deliveries of a webhook, newest first, each with every attempt (status code or error, duration)',
          security,
          params: uuidParam,
          querystring: deliveryPageQuery,
          response: { 200: deliveryPageSchema, 400: problemSchema, ...authErrorResponses, 404: problemSchema },
        },
      },
      async (request) => listDeliveries(deps.db, principalOf(request).tenantId, request.params.id, request.query),
    );
  };
}
