import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Db } from '../../db/client.js';
import { ROLES } from '../../domain/auth/roles.js';
import { API_KEY_CACHE_MS, createApiKey, currentApiKey, listApiKeys, revokeApiKey, type CheckedApiKeys } from '../../services/api-keys.service.js';
import { principalOf } from '../plugins/auth.plugin.js';
import { apiKeyBody, apiKeyListSchema, apiKeySchema, createdApiKeySchema, currentApiKeySchema } from '../schemas/api-keys.schemas.js';
import { authErrorResponses, problemSchema, uuidParam } from '../schemas/common.schemas.js';

const security = [{ bearerAuth: [] }];

/** The tenant's API keys, managed by its admins; every change is an audit event. */
export function apiKeyRoutes(deps: { db: Db; checkedKeys: CheckedApiKeys }) {
  return async (app: FastifyInstance) => {
    const routes = app.withTypeProvider<ZodTypeProvider>();

    routes.post(
      '/v1/api-keys',
      {
        config: { roles: ['admin'] },
        schema: {
          operationId: 'createApiKey',
          tags: ['api-keys'],
          summary: 'Create an API key for this tenant; the secret is returned only in this response',
          security,
          body: apiKeyBody,
          response: { 201: createdApiKeySchema, 400: problemSchema, ...authErrorResponses },
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const created = await createApiKey(deps.db, {
          tenantSlug: principal.tenantSlug,
          roles: request.body.roles,
          owner: request.body.owner,
          ...(request.body.label ? { label: request.body.label } : {}),
          actor: `api-key:${principal.keyId}`,
          createdByKeyId: principal.keyId,
        });
        return reply.code(201).send({ ...created.view, key: created.key });
      },
    );

    routes.get(
      '/v1/me',
      {
        config: { roles: ROLES },
        schema: {
          operationId: 'getCurrentApiKey',
          tags: ['api-keys'],
          summary: 'The API key of this request: its owner, label and roles (never its secret)',
          security,
          response: { 200: currentApiKeySchema, ...authErrorResponses },
        },
      },
      async (request) => currentApiKey(deps.db, principalOf(request)),
    );

    routes.get(
      '/v1/api-keys',
      {
        config: { roles: ['admin'] },
        schema: { operationId: 'listApiKeys', tags: ['api-keys'], summary: "The tenant's API keys (never their secrets)", security, response: { 200: apiKeyListSchema, ...authErrorResponses } },
      },
      async (request) => ({ items: await listApiKeys(deps.db, principalOf(request).tenantId) }),
    );

    routes.delete(
      '/v1/api-keys/:id',
      {
        config: { roles: ['admin'] },
        schema: {
          operationId: 'revokeApiKey',
          tags: ['api-keys'],
          summary: 'Revoke an API key',
          description: `The key is refused by this instance at once and by every other within ${API_KEY_CACHE_MS / 1000} s. Revoking a revoked key changes nothing. A key cannot revoke itself (409): use another admin key.`,
          security,
          params: uuidParam,
          response: { 200: apiKeySchema, 400: problemSchema, ...authErrorResponses, 404: problemSchema, 409: problemSchema },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        return revokeApiKey(deps.db, { tenantId: principal.tenantId, id: request.params.id, actor: `api-key:${principal.keyId}`, actorKeyId: principal.keyId }, deps.checkedKeys);
      },
    );
  };
}
