import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, validatorCompiler } from 'fastify-type-provider-zod';
import { createResponseSerializerCompiler } from './response-serializer.js';
import type { DestinationStream } from 'pino';
import pino from 'pino';
import { uuidv7 } from 'uuidv7';
import type { Database } from '../db/client.js';
import { loggerOptions } from '../logging.js';
import type { ListIndexHolder } from '../services/list-index.service.js';
import { createServices, type Services, type ServicesConfig } from '../services/container.js';
import type { ActiveRulesets } from '../services/active-ruleset.service.js';
import { consoleRoutes } from './console/console.routes.js';
import { registerMetrics, type MetricsMode } from './plugins/metrics.plugin.js';
import { registerTracing } from './plugins/tracing.plugin.js';
import type { Tracing } from '../telemetry/tracing.js';
import { DEFAULT_AUTH_FAILURES_PER_MINUTE, registerAuth } from './plugins/auth.plugin.js';
import { handleFrameworkError, registerErrorHandling } from './plugins/errors.plugin.js';
import { registerJsonBodyParser } from './plugins/json-body.plugin.js';
import { DEFAULT_SECURITY, DOCS_CSP, registerSecurity } from './plugins/security.plugin.js';
import { auditRoutes } from './routes/audit.routes.js';
import { batchScreeningRoutes } from './routes/batch.routes.js';
import { caseRoutes } from './routes/cases.routes.js';
import { healthRoutes } from './routes/health.routes.js';
import { listRoutes } from './routes/lists.routes.js';
import { watchlistRoutes } from './routes/watchlists.routes.js';
import { monitoringRoutes } from './routes/monitoring.routes.js';
import { matchingRoutes } from './routes/matching.routes.js';
import { rulesetRoutes } from './routes/rulesets.routes.js';
import { screeningRoutes } from './routes/screenings.routes.js';
import { apiKeyRoutes } from './routes/api-keys.routes.js';
import { tenantRoutes } from './routes/tenants.routes.js';
import { webhookRoutes } from './routes/webhooks.routes.js';
import { prepareStaticBody, sendStaticBody, type StaticBody } from './static-body.js';

export interface AppDeps extends Omit<ServicesConfig, 'metrics'> {
  database: Database;
  /** Matching index; built from the database when omitted. */
  lists?: ListIndexHolder;
  /** The active-ruleset cache; a test passes its own to tell it about rulesets published behind the service's back. */
  rulesets?: ActiveRulesets;
  logLevel?: string;
  /** Where log lines go (stdout by default); tests capture them here. */
  logStream?: DestinationStream;
  now?: () => Date;
  bodyLimitBytes?: number;
  /** Requests per minute per API key (default 1200, per instance); 0 turns the limit off. */
  rateLimitPerMinute?: number;
  /** Requests with a key that is not valid, per minute per client address (default 30, per instance); 0 turns the limit off. */
  authFailuresPerMinute?: number;
  /** Fastify's `trustProxy`: whose X-Forwarded-For names the client (default: nobody's). */
  trustProxy?: boolean | number | string;
  /** A request not answered within this many ms gets 503 (default 15 s); 0 turns the deadline off. */
  requestTimeoutMs?: number;
  /**
   * Check every response against its zod schema, and the compiled serialiser's output against
   * what zod passes (response-serializer.ts): on in the tests, off in production (VALIDATE_RESPONSES).
   */
  validateResponses?: boolean;
  /** Prometheus metrics (METRICS): default behind the operator key; `off` registers nothing. */
  metrics?: { mode: MetricsMode; tenantLabels?: boolean };
  /** OpenTelemetry tracing, when the OTEL_* variables started it (telemetry/tracing.ts); absent: none. */
  tracing?: Tracing;
}

export const API_VERSION = '0.1.0';
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Multipart routes read their parts themselves (no body schema to validate), so the document
 * would show no request body; describe it for clients: one or more files, one per part.
 */
const documentMultipartUploads: typeof jsonSchemaTransform = (input) => {
  const transformed = jsonSchemaTransform(input);
  const consumes = (input.schema as { consumes?: readonly string[] } | undefined)?.consumes;
  if (!consumes?.includes('multipart/form-data') || (transformed.schema as { body?: unknown }).body !== undefined) return transformed;
  const body = {
    type: 'object',
    description: 'One part per list file; the part\'s file name says which file it is (sdn.csv, alt.csv, ...)',
    properties: { files: { type: 'array', items: { type: 'string', format: 'binary' } } },
  };
  return { ...transformed, schema: { ...transformed.schema, body } };
};

/** Fastify with our limits, request ids and logger; nothing registered yet. */
function createFastify(deps: AppDeps): FastifyInstance {
  const logger = pino(loggerOptions(deps.logLevel ?? 'info'), deps.logStream ?? pino.destination(1));
  return Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Our own onResponse hook writes the one line per request, without URL or headers.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.bodyLimitBytes ?? 1024 * 1024,
    // Honour a caller's request id when it is safe to echo; otherwise a sortable one of ours.
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : uuidv7();
    },
    routerOptions: { maxParamLength: 200 },
    // Socket-level limits (Fastify leaves both off): an idle socket is dropped after 2 minutes, and
    // a request must arrive whole within 5 minutes (a 64 MB list upload on a slow link).
    connectionTimeout: 120_000,
    requestTimeout: 300_000,
    // Fastify's own 503 while closing is plain JSON; the security plugin answers problem+json.
    return503OnClosing: false,
    frameworkErrors: handleFrameworkError,
    trustProxy: (deps.trustProxy ?? false) as FastifyServerOptions['trustProxy'],
  });
}

/** The request id echoed, and one log line per request without URL query, headers or body: those may carry personal data. */
function registerRequestLogging(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        tenant: request.principal?.scope === 'tenant' ? request.principal.tenantSlug : request.principal?.scope,
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request completed',
    );
  });
}

/** The OpenAPI document (GET /openapi.json) and its browser (/docs). */
async function registerApiDocs(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'redflag',
        version: API_VERSION,
        description:
          'Sanctions-compliance screening for contractor and freelancer profiles: fuzzy matching against sanctions lists and rules for the DPRK IT-worker red flags in government guidance. Every decision is auditable.',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'API key' } } },
    },
    transform: documentMultipartUploads,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: DOCS_CSP });
  // Built once, at the first request, when every route is registered.
  let openapiDocument: StaticBody | undefined;
  app.get('/openapi.json', { schema: { hide: true } }, async (request, reply) =>
    sendStaticBody(request, reply, (openapiDocument ??= prepareStaticBody(JSON.stringify(app.swagger()))), { contentType: 'application/json; charset=utf-8', cacheControl: 'no-cache' }),
  );
}

/** Every route group, each given the services it uses. */
async function registerRoutes(app: FastifyInstance, database: Database, services: Services): Promise<void> {
  const { lists, now, keyedHash, evaluate, metrics, rulesets, inFlight, chains, lookups } = services;
  const db = database.db;
  const screening = {
    db,
    lists,
    now,
    keyedHash,
    rulesets,
    inFlight,
    chains,
    lookups,
    ...(metrics ? { observe: metrics.screening } : {}),
    ...(evaluate ? { evaluate } : {}),
    ...(services.ipLocator ? { ipLocator: services.ipLocator } : {}),
  };
  await app.register(healthRoutes(database));
  await app.register(screeningRoutes(screening));
  await app.register(batchScreeningRoutes(screening));
  await app.register(monitoringRoutes({ db }));
  await app.register(matchingRoutes({ lists }));
  await app.register(rulesetRoutes({ db, lists, now, keyedHash, rulesets }));
  await app.register(listRoutes({ db, lists, now }));
  await app.register(watchlistRoutes({ db, lists, keyedHash }));
  await app.register(caseRoutes({ db, now, onWebhooksQueued: services.webhooksQueued, onListsChanged: services.refreshLists }));
  await app.register(apiKeyRoutes({ db, checkedKeys: services.checkedKeys }));
  await app.register(tenantRoutes({ db, checkedKeys: services.checkedKeys }));
  await app.register(webhookRoutes({ db, now, allowPrivateNetworks: services.allowPrivateWebhooks }));
  await app.register(consoleRoutes());
  await app.register(auditRoutes({ db, lists, now, keyedHash, checkpointPolicy: services.checkpointPolicy, ...(services.signer ? { signer: services.signer } : {}) }));
}

/** Builds the whole application. Tests and production use this same function. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = createFastify(deps);
  if (deps.tracing) await registerTracing(app, deps.tracing);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(createResponseSerializerCompiler({ validateResponses: deps.validateResponses ?? false }));
  registerErrorHandling(app);
  registerJsonBodyParser(app);
  await registerSecurity(app, {
    rateLimitPerMinute: deps.rateLimitPerMinute ?? DEFAULT_SECURITY.rateLimitPerMinute,
    handlerTimeoutMs: deps.requestTimeoutMs ?? DEFAULT_SECURITY.handlerTimeoutMs,
  });

  const metricsMode = deps.metrics?.mode ?? { kind: 'operator' };
  const services = await createServices({
    database: deps.database,
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.lists ? { lists: deps.lists } : {}),
    ...(deps.rulesets ? { rulesets: deps.rulesets } : {}),
    config: { ...deps, metrics: metricsMode.kind === 'off' ? false : { tenantLabels: deps.metrics?.tenantLabels ?? false } },
    log: app.log,
  });
  // The background loops run while the app does: started once it is ready, stopped as it closes.
  app.addHook('onReady', async () => services.lifecycle.start());
  app.addHook('onClose', async () => services.lifecycle.stop());

  registerRequestLogging(app);
  await registerApiDocs(app);
  registerAuth(app, services.checkedKeys, { failuresPerMinute: deps.authFailuresPerMinute ?? DEFAULT_AUTH_FAILURES_PER_MINUTE });
  if (services.metrics && metricsMode.kind !== 'off') registerMetrics(app, services.metrics, metricsMode);
  await registerRoutes(app, deps.database, services);
  return app;
}
