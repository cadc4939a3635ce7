import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { hasAnyRole, type Role } from '../../domain/auth/roles.js';
import { AppError } from '../../errors.js';
import type { CheckedApiKeys, Principal, TenantPrincipal } from '../../services/api-keys.service.js';

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

export const DEFAULT_AUTH_FAILURES_PER_MINUTE = 30;
const WINDOW_MS = 60_000;

export interface AuthOptions {
  /** Requests with a key that is not valid, per client address and minute, before 429; 0 turns the limit off. */
  failuresPerMinute: number;
}

/**
 * Failed authentications per client address, in fixed one-minute windows, per instance. Each
 * wrong key costs a database query (unknown keys are never cached), so a flood of them is refused
 * before the query once an address has used up its allowance. Keys this instance has just seen
 * valid still get through from that address, so an attacker behind a shared NAT or proxy cannot
 * lock out the callers beside it who are already working.
 */
function failureCounter(failuresPerMinute: number) {
  const windows = new LRUCache<string, { failures: number; endsAt: number }>({ max: 10_000, ttl: WINDOW_MS });
  return {
    /** Seconds until the address may try again, or undefined while it still may. */
    blockedFor(address: string, now: number): number | undefined {
      const window = windows.get(address);
      if (!window || window.endsAt <= now || window.failures < failuresPerMinute) return undefined;
      return Math.max(1, Math.ceil((window.endsAt - now) / 1000));
    },
    failed(address: string, now: number) {
      const window = windows.get(address);
      if (window && window.endsAt > now) window.failures += 1;
      else windows.set(address, { failures: 1, endsAt: now + WINDOW_MS });
    },
  };
}

/** Every route that declares `config.roles` needs a valid key holding one of them (`admin` holds all). */
export function registerAuth(app: FastifyInstance, checkedKeys: CheckedApiKeys, options: AuthOptions = { failuresPerMinute: DEFAULT_AUTH_FAILURES_PER_MINUTE }) {
  const failures = options.failuresPerMinute > 0 ? failureCounter(options.failuresPerMinute) : undefined;

  async function authenticate(request: FastifyRequest, reply: FastifyReply, key: string): Promise<Principal> {
    const now = Date.now();
    const waitSeconds = failures?.blockedFor(request.ip, now);
    if (waitSeconds !== undefined) {
      const known = checkedKeys.recentlyAuthenticated(key);
      if (known) return known;
      reply.header('retry-after', String(waitSeconds));
      throw new AppError('rate_limited', `Too many requests with API keys that are not valid came from this address; retry in ${waitSeconds} s`);
    }
    const principal = await checkedKeys.authenticate(key);
    if (principal) return principal;
    failures?.failed(request.ip, now);
    throw new AppError('unauthorized', 'The API key is not valid or has been revoked');
  }

  app.addHook('onRequest', async (request: FastifyRequest, reply) => {
    const roles = request.routeOptions.config.roles;
    if (!roles) return;
    const match = BEARER.exec(request.headers.authorization ?? '');
    if (!match?.[1]) throw new AppError('unauthorized', 'Send an API key as "Authorization: Bearer <key>"');
    const principal = await authenticate(request, reply, match[1]);
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
