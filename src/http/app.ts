import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { DestinationStream } from 'pino';
import pino from 'pino';
import { uuidv7 } from 'uuidv7';
import type { Database } from '../db/client.js';
import { loggerOptions } from '../logging.js';
import { startRetentionJob } from '../services/erasure.service.js';
import type { CheckpointSigner } from '../audit/checkpoint-signing.js';
import { createCheckpointWorker, DEFAULT_CHECKPOINT_POLICY } from '../services/audit-checkpoints.service.js';
import { EvaluationThread, type EvaluateScreening } from '../services/evaluation-offload.js';
import { ListIndexHolder } from '../services/list-index.service.js';
import { createKeyedHash } from '../services/keyed-hash.service.js';
import { createListFetchWorker, DEFAULT_LIST_FETCH_OPTIONS, type ListFetchOptions } from '../services/list-fetch.service.js';
import type { ListSourceConfig } from '../services/list-sources.config.js';
import { createMonitoringWorker, type MonitoringWorkerOptions } from '../services/monitoring.service.js';
import { createWebhookDispatcher, type WebhookDispatcherOptions } from '../services/webhooks.service.js';
import { consoleRoutes } from './console/console.routes.js';
import { createMetrics } from '../services/metrics.service.js';
import { registerMetrics, type MetricsMode } from './plugins/metrics.plugin.js';
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
import { createIpLocator, type IpLocator } from '../services/ip-intelligence.service.js';

export interface AppDeps {
  /** HMAC key for personal identifiers (PERSONAL_DATA_KEY); generated and stored when absent. */
  personalDataKey?: string;
  database: Database;
  /** Matching index; built from the database when omitted. */
  lists?: ListIndexHolder;
  /** Evaluate screenings on a worker thread (evaluation-offload.ts); default off (tests). */
  evaluationThread?: boolean;
  logLevel?: string;
  /** Where log lines go (stdout by default); tests capture them here. */
  logStream?: DestinationStream;
  now?: () => Date;
  bodyLimitBytes?: number;
  /** How often to look for newly activated list versions; 0 turns polling off. */
  listRefreshMs?: number;
  /** Webhook dispatcher tuning (retry backoff base, attempts, timeout); `pollMs: 0` turns it off. */
  webhooks?: Omit<WebhookDispatcherOptions, 'db' | 'log'>;
  /** Stored screening inputs older than this many days are erased (default 365); 0 keeps them. */
  retentionDays?: number;
  /** How often the retention job runs (default hourly); 0 turns the timer off. */
  retentionCheckMs?: number;
  /** Requests per minute per API key (default 1200, per instance); 0 turns the limit off. */
  rateLimitPerMinute?: number;
  /** Requests with a key that is not valid, per minute per client address (default 30, per instance); 0 turns the limit off. */
  authFailuresPerMinute?: number;
  /** Fastify's `trustProxy`: whose X-Forwarded-For names the client (default: nobody's). */
  trustProxy?: boolean | number | string;
  /** A request not answered within this many ms gets 503 (default 15 s); 0 turns the deadline off. */
  requestTimeoutMs?: number;
  /** The monitoring re-screen worker's tuning (poll, batch size, lease); `false` runs no worker here. */
  monitoring?: Omit<MonitoringWorkerOptions, 'log' | 'exclusiveDatabase'> | false;
  /** Lists this instance fetches on their schedule (LIST_SOURCES_FILE); absent or empty: none. */
  listFetch?: { sources: readonly ListSourceConfig[]; pollMs?: number; options?: Partial<ListFetchOptions> };
  /**
   * Signed audit checkpoints: the key (AUDIT_SIGNING_KEY_FILE) and how often; without a signer
   * nothing is signed. `pollMs` (default 5 s; 0: no timer) is how often due heads are looked for.
   */
  checkpoints?: { signer?: CheckpointSigner; every?: number; minutes?: number; pollMs?: number };
  /** Prometheus metrics (METRICS): default behind the operator key; `off` registers nothing. */
  metrics?: { mode: MetricsMode; tenantLabels?: boolean };
  /** Geolocation of login IPs: the bundled database (default), another mmdb file (IP_DATABASE_FILE), a locator, or none. */
  ipDatabase?: { path?: string } | IpLocator | false;
}

export const API_VERSION = '0.1.0';
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Builds the whole application. Tests and production use this same function. */
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

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const logger = pino(loggerOptions(deps.logLevel ?? 'info'), deps.logStream ?? pino.destination(1));
  const app = Fastify({
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
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  registerJsonBodyParser(app);
  await registerSecurity(app, {
    rateLimitPerMinute: deps.rateLimitPerMinute ?? DEFAULT_SECURITY.rateLimitPerMinute,
    handlerTimeoutMs: deps.requestTimeoutMs ?? DEFAULT_SECURITY.handlerTimeoutMs,
  });

  const lists = deps.lists ?? new ListIndexHolder();
  // Mirrored before the first load, so that load serves both indexes (one read of the entries).
  let evaluate: EvaluateScreening | undefined;
  let thread: EvaluationThread | undefined;
  if (deps.evaluationThread) {
    thread = new EvaluationThread(app.log);
    await lists.mirrorTo(deps.database.db, thread);
    evaluate = thread.evaluate;
    const started = thread;
    app.addHook('onClose', async () => started.close());
  }
  if (!deps.lists) await lists.refresh(deps.database.db);
  const now = deps.now ?? (() => new Date());
  const metricsMode = deps.metrics?.mode ?? { kind: 'operator' };
  const metrics =
    metricsMode.kind === 'off'
      ? undefined
      : createMetrics({ database: deps.database, tenantLabels: deps.metrics?.tenantLabels ?? false, now, ...(thread ? { evaluationQueue: () => thread.pendingCount } : {}) });
  const observe = metrics ? { observe: metrics.screening } : {};

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // One line per request, without URL query, headers or body: those may carry personal data.
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
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  registerAuth(app, deps.database.db, { failuresPerMinute: deps.authFailuresPerMinute ?? DEFAULT_AUTH_FAILURES_PER_MINUTE });
  if (metrics && metricsMode.kind !== 'off') registerMetrics(app, metrics, metricsMode);
  await app.register(healthRoutes(deps.database));
  const keyedHash = await createKeyedHash(deps.database.db, deps.personalDataKey);
  const ipLocator = deps.ipDatabase === false ? undefined : deps.ipDatabase && 'locate' in deps.ipDatabase ? deps.ipDatabase : createIpLocator(deps.ipDatabase ?? {});
  const located = ipLocator ? { ipLocator } : {};
  await app.register(screeningRoutes({ db: deps.database.db, lists, now, keyedHash, ...observe, ...located, ...(evaluate ? { evaluate } : {}) }));
  await app.register(batchScreeningRoutes({ db: deps.database.db, lists, now, keyedHash, ...observe, ...located, ...(evaluate ? { evaluate } : {}) }));
  await app.register(monitoringRoutes({ db: deps.database.db }));
  if (deps.monitoring !== false) {
    // Re-screens monitored subjects when a list or ruleset version becomes active. Any number of
    // instances may run one: runs and leases live in the database (services/monitoring.service.ts).
    const refreshMs = deps.listRefreshMs ?? 5000;
    const worker = createMonitoringWorker(
      { db: deps.database.db, lists, now, keyedHash },
      { pollMs: refreshMs > 0 ? refreshMs : 5000, listSettleMs: 2 * refreshMs, ...deps.monitoring, exclusiveDatabase: deps.database.kind === 'pglite', log: app.log },
    );
    app.addHook('onReady', async () => worker.start());
    app.addHook('onClose', async () => worker.stop());
  }
  await app.register(matchingRoutes({ lists }));
  await app.register(rulesetRoutes({ db: deps.database.db, lists, now, keyedHash }));
  await app.register(listRoutes({ db: deps.database.db, lists, now }));
  await app.register(watchlistRoutes({ db: deps.database.db, lists, keyedHash }));

  // Sends the webhook deliveries that case changes queue in their own transactions.
  const dispatcher = createWebhookDispatcher({ ...deps.webhooks, db: deps.database.db, log: app.log });
  const refreshLists = () => void lists.refresh(deps.database.db).catch((error: unknown) => app.log.warn({ err: { message: (error as Error).message } }, 'list index refresh failed'));
  await app.register(caseRoutes({ db: deps.database.db, now, onWebhooksQueued: () => dispatcher.kick(), onListsChanged: refreshLists }));
  await app.register(apiKeyRoutes({ db: deps.database.db }));
  await app.register(tenantRoutes({ db: deps.database.db }));
  await app.register(webhookRoutes({ db: deps.database.db, now, allowPrivateNetworks: deps.webhooks?.allowPrivateNetworks ?? false }));
  await app.register(consoleRoutes());
  app.addHook('onReady', async () => dispatcher.start());
  app.addHook('onClose', async () => dispatcher.stop());

  if (deps.listFetch && deps.listFetch.sources.length > 0) {
    // Any number of instances may run one: a source is fetched by whichever takes its lease.
    const fetcher = createListFetchWorker(
      { db: deps.database.db, now, lists, onWebhooksQueued: () => dispatcher.kick(), log: app.log },
      deps.listFetch.sources,
      { ...DEFAULT_LIST_FETCH_OPTIONS, ...deps.listFetch.options, pollMs: deps.listFetch.pollMs ?? 60_000 },
    );
    app.addHook('onReady', async () => fetcher.start());
    app.addHook('onClose', async () => fetcher.stop());
  }

  const signer = deps.checkpoints?.signer;
  const checkpointPolicy = { every: deps.checkpoints?.every ?? DEFAULT_CHECKPOINT_POLICY.every, minutes: deps.checkpoints?.minutes ?? DEFAULT_CHECKPOINT_POLICY.minutes };
  await app.register(auditRoutes({ db: deps.database.db, lists, now, keyedHash, checkpointPolicy, ...(signer ? { signer } : {}) }));
  if (signer && deps.checkpoints?.pollMs !== 0) {
    // Any number of instances may sign: one checkpoint per tenant and sequence (unique index).
    const checkpointer = createCheckpointWorker({ db: deps.database.db, now, log: app.log, onWebhooksQueued: () => dispatcher.kick() }, signer, {
      ...checkpointPolicy,
      pollMs: deps.checkpoints?.pollMs ?? 5000,
    });
    app.addHook('onReady', async () => checkpointer.start());
    app.addHook('onClose', async () => checkpointer.stop());
  }
  const retentionDays = deps.retentionDays ?? 365;
  if (retentionDays > 0 && deps.retentionCheckMs !== 0) {
    const retention = startRetentionJob(
      { db: deps.database.db, now },
      {
        retentionDays,
        intervalMs: deps.retentionCheckMs ?? 3_600_000,
        onRun: (run) => {
          if (run.decisionsErased > 0) app.log.info({ retention: run }, 'retention erased stored inputs');
        },
        onError: (error) => app.log.warn({ err: { message: error.message } }, 'retention run failed'),
      },
    );
    app.addHook('onClose', async () => retention.stop());
  }

  // Other instances (or the CLI) may activate a new list version: poll the small version row.
  if (deps.listRefreshMs !== 0) {
    const timer = setInterval(() => {
      lists.refresh(deps.database.db).catch((error: unknown) => app.log.warn({ err: { message: (error as Error).message } }, 'list index refresh failed'));
    }, deps.listRefreshMs ?? 5000);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));
  }
  return app;
}
