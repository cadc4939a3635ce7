import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../../db/client.js';
import { hasAnyRole, type Role } from '../../domain/auth/roles.js';
import { AppError } from '../../errors.js';
import { authenticateApiKey, type Principal } from '../../services/api-keys.service.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** Roles allowed on the route; absent means the route is public. */
    roles?: readonly Role[];
  }
}

const BEARER = /^Bearer\s+(\S{1,256})$/i;

/** Every route that declares `config.roles` needs a valid key holding one of them (`admin` holds all). */
export function registerAuth(app: FastifyInstance, db: Db) {
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const roles = request.routeOptions.config.roles;
    if (!roles) return;
    const match = BEARER.exec(request.headers.authorization ?? '');
    if (!match?.[1]) throw new AppError('unauthorized', 'Send an API key as "Authorization: Bearer <key>"');
    const principal = await authenticateApiKey(db, match[1]);
    if (!principal) throw new AppError('unauthorized', 'The API key is not valid or has been revoked');
    request.principal = principal;
    if (!hasAnyRole(principal.roles, roles)) {
      throw new AppError('forbidden', `This operation needs one of the roles: ${roles.join(', ')}`);
    }
  });
}

/** The authenticated principal of a route that declared roles. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('unauthorized', 'Authentication required');
  return request.principal;
}
