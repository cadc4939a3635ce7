import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Db } from '../../db/client.js';
import { API_KEY_CACHE_MS } from '../../services/api-keys.service.js';
import type { CheckedApiKeys } from '../../services/api-keys.service.js';
import { createTenant, disableTenant, listTenants } from '../../services/tenants.service.js';
import { actorOf } from '../plugins/auth.plugin.js';
import { authErrorResponses, problemSchema } from '../schemas/common.schemas.js';
import { tenantBody, tenantListSchema, tenantSchema, tenantSlugParam } from '../schemas/tenants.schemas.js';

const security = [{ bearerAuth: [] }];

/** Tenants, managed by the operator (keys that belong to no tenant); every change is an audit event. */
export function tenantRoutes(deps: { db: Db; checkedKeys: CheckedApiKeys }) {
  return async (app: FastifyInstance) => {
    const routes = app.withTypeProvider<ZodTypeProvider>();

    routes.post(
      '/v1/tenants',
      {
        config: { roles: ['operator'] },
        schema: {
          operationId: 'createTenant',
          tags: ['tenants'],
          summary: 'Create a tenant with the default ruleset (operator)',
          description: 'Its first admin key comes from `npm run cli -- keys create --tenant <slug> --role admin`.',
          security,
          body: tenantBody,
          response: { 201: tenantSchema, 400: problemSchema, ...authErrorResponses, 409: problemSchema },
        },
      },
      async (request, reply) => {
        const { id: _id, ...tenant } = await createTenant(deps.db, { ...request.body, createdBy: actorOf(request) });
        return reply.code(201).send(tenant);
      },
    );

    routes.get(
      '/v1/tenants',
      {
        config: { roles: ['operator'] },
        schema: { operationId: 'listTenants', tags: ['tenants'], summary: 'Every tenant, disabled ones included (operator)', security, response: { 200: tenantListSchema, ...authErrorResponses } },
      },
      async () => ({ items: await listTenants(deps.db) }),
    );

    routes.post(
      '/v1/tenants/:slug/disable',
      {
        config: { roles: ['operator'] },
        schema: {
          operationId: 'disableTenant',
          tags: ['tenants'],
          summary: "Disable a tenant: its keys are refused (401), its data stays (operator)",
          description: `Refused at once by this instance and within ${API_KEY_CACHE_MS / 1000} s by every other. Disabling a disabled tenant changes nothing.`,
          security,
          params: tenantSlugParam,
          response: { 200: tenantSchema, 400: problemSchema, ...authErrorResponses, 404: problemSchema },
        },
      },
      async (request) => disableTenant(deps.db, { slug: request.params.slug, actor: actorOf(request) }, deps.checkedKeys),
    );
  };
}
