import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../../db/client.js';
import { hasAnyRole, type Role } from '../../domain/auth/roles.js';
import { AppError } from '../../errors.js';
import { authenticateApiKey, type Principal, type TenantPrincipal } from '../../services/api-keys.service.js';

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

/**
 * The tenant a route acts in. Tenant roles never admit an operator key (nothing implies
 * them but `admin`), so an operator reaching here means a route declared `operator` by mistake.
 */
export function principalOf(request: FastifyRequest): TenantPrincipal {
  const principal = request.principal;
  if (!principal) throw new AppError('unauthorized', 'Authentication required');
  if (principal.scope !== 'tenant') throw new AppError('forbidden', "Operator keys read and change no tenant's data");
  return principal;
}

/** Who acts, for the audit log: a tenant's or the operator's key. */
export function actorOf(request: FastifyRequest): string {
  if (!request.principal) throw new AppError('unauthorized', 'Authentication required');
  return `api-key:${request.principal.keyId}`;
}
