import fastifyRateLimit from '@fastify/rate-limit';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import { AppError } from '../../errors.js';
import { problemFor, sendProblem } from './errors.plugin.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** This route's handler deadline in ms, overriding the app-wide one; 0 means none. */
    handlerTimeoutMs?: number;
  }
  interface FastifyInstance {
    /**
     * Counts `count` more requests against the caller's rate limit (a batch: one per item beyond
     * the request itself), or refuses with 429 and charges nothing if they do not fit.
     */
    chargeRequests(request: FastifyRequest, reply: FastifyReply, count: number): Promise<void>;
  }
}

export interface SecurityOptions {
  /** Requests per minute per API key on authenticated routes; 0 turns the limit off. */
  rateLimitPerMinute: number;
  /** A request whose response has not started after this many ms gets 503; 0 turns it off. */
  handlerTimeoutMs: number;
}

export const DEFAULT_SECURITY: SecurityOptions = { rateLimitPerMinute: 1200, handlerTimeoutMs: 15_000 };

/**
 * The API only ever returns JSON and CSV, so its documents may load nothing and be framed by
 * nobody. The console sets its own stricter-than-default policy; /docs gets DOCS_CSP.
 */
const API_CSP_DIRECTIVES = {
  defaultSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
};

/**
 * swagger-ui 5 loads only its own script files (no inline script), but sets inline styles, and
 * "Try it out" calls this origin. No `upgrade-insecure-requests`: the service is often reached
 * over plain HTTP on localhost or inside a private network, where that directive breaks the page.
 */
export const DOCS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/** Uploads are bounded by the server's requestTimeout instead: a slow link is not a stuck handler. */
const isUpload = (request: FastifyRequest) => (request.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/');

/**
 * Per-key rate limits, and `chargeRequests` counting a batch's items against the same allowance
 * (a no-op when the limit is off).
 */
async function registerRateLimit(app: FastifyInstance, rateLimitPerMinute: number) {
  if (rateLimitPerMinute <= 0) {
    app.decorate('chargeRequests', async () => {});
    return;
  }
  await app.register(fastifyRateLimit, {
    global: true,
    max: rateLimitPerMinute,
    timeWindow: 60_000,
    // Route-level onRequest hooks run after the app-level auth hook, so the principal is known.
    // Keyed by API key, not address: behind a proxy or NAT many callers share one address,
    // and one caller's keys must not eat another tenant's allowance.
    keyGenerator: (request) => (request.principal ? `key:${request.principal.keyId}` : `ip:${request.ip}`),
    // Public routes (health probes, docs, console files, OpenAPI) carry no principal: exempt.
    allowList: (request) => request.principal === undefined,
    errorResponseBuilder: (_request, context) =>
      new AppError('rate_limited', `This API key may make ${context.max} requests per minute; retry in ${context.after}`),
  });
  // Counted against the same allowance as the requests (same store, same key).
  const checkRateLimit = app.createRateLimit();
  app.decorate('chargeRequests', async (request: FastifyRequest, reply: FastifyReply, count: number) => {
    if (count <= 0) return;
    const now = await checkRateLimit(request, { increment: false });
    if (now.isAllowed) return;
    if (count > now.remaining) {
      reply.header('retry-after', String(Math.max(1, now.ttlInSeconds)));
      const fits = count + 1 > now.max ? ` It can never fit: split it into requests of at most ${now.max} items.` : '';
      throw new AppError(
        'rate_limited',
        `This request counts as ${count + 1} requests (one per item) and this API key has ${now.remaining} of its ${now.max} per minute left; retry in ${now.ttlInSeconds} s.${fits}`,
      );
    }
    for (let charged = 0; charged < count; charged += 1) await checkRateLimit(request);
  });
}

/**
 * Fastify's own handlerTimeout destroys a response whose headers are already out, which would
 * cut long audit exports mid-stream; this deadline only answers requests not yet answered.
 */
function addHandlerDeadline(app: FastifyInstance, handlerTimeoutMs: number) {
  if (handlerTimeoutMs <= 0) return;
  app.addHook('onRequest', (request, reply, done) => {
    const limit = request.routeOptions.config.handlerTimeoutMs ?? (isUpload(request) ? 0 : handlerTimeoutMs);
    if (limit > 0) {
      const timer = setTimeout(() => {
        if (reply.sent || reply.raw.headersSent) return;
        request.log.warn({ route: request.routeOptions.url, limitMs: limit }, 'handler deadline passed; answered 503');
        // The work may still commit: callers retry with the same Idempotency-Key to learn its outcome.
        void sendProblem(request, reply.header('retry-after', '1'), problemFor('unavailable', `The request did not complete within ${limit} ms; retry later`));
      }, limit);
      reply.raw.once('close', () => clearTimeout(timer));
    }
    done();
  });
}

/**
 * While close() waits for in-flight requests, a request on a kept-alive connection gets a
 * problem+json 503 and `Connection: close`, so the client reconnects to another instance.
 */
function refuseWhileClosing(app: FastifyInstance) {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (!closing) return;
    reply.header('connection', 'close').header('retry-after', '1');
    throw new AppError('unavailable', 'This instance is shutting down; retry');
  });
}

/**
 * Helmet's headers for these options, worked out once: they depend on nothing in the request,
 * and rebuilding helmet's middleware from its options on every request (as @fastify/helmet does)
 * cost about 40 µs a screening (issue 21). Applied as helmet applies them, to the raw response.
 */
function securityHeaders(options: Readonly<HelmetOptions>): (response: ServerResponse) => void {
  const set: [name: string, value: string][] = [];
  const removed: string[] = [];
  const recorder = {
    setHeader: (name: string, value: string) => set.push([name, value]),
    removeHeader: (name: string) => removed.push(name),
  };
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
  });
  return (response) => {
    for (const [name, value] of set) response.setHeader(name, value);
    for (const name of removed) response.removeHeader(name);
  };
}

/**
 * Security headers, per-key rate limits, a handler deadline and refusal of new work while the
 * instance shuts down. Must be registered before the routes: the rate limit attaches itself to
 * each route as it is added.
 */
export async function registerSecurity(app: FastifyInstance, options: SecurityOptions) {
  const applySecurityHeaders = securityHeaders({
    contentSecurityPolicy: { useDefaults: false, directives: API_CSP_DIRECTIVES },
    // Same-origin is helmet's default; say it so a reverse proxy config can be checked against it.
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
  app.addHook('onRequest', (_request, reply, done) => {
    applySecurityHeaders(reply.raw);
    done();
  });
  await registerRateLimit(app, options.rateLimitPerMinute);
  addHandlerDeadline(app, options.handlerTimeoutMs);

  // PostgreSQL text cannot hold U+0000, so a %00 reaching a query would fail as a 500; no
  // parameter of this API has a use for it. (Bodies are checked by the JSON parser.)
  app.addHook('onRequest', async (request) => {
    if (/%00/i.test(request.url)) {
      throw new AppError('validation_failed', 'The URL must not contain %00 (NUL)', [{ field: 'url', message: 'contains %00' }]);
    }
  });

  refuseWhileClosing(app);
}
