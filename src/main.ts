import { ConfigError, loadConfig, type Config } from './config.js';
import { DataDirLockedError } from './db/data-dir-lock.js';
import { openMigratedDatabase } from './db/open-configured.js';
import type { Database } from './db/client.js';
import { API_VERSION, buildApp, type AppDeps } from './http/app.js';
import { metricsModeOf } from './http/plugins/metrics.plugin.js';
import { bootstrapIfEmpty, bootstrapKeysOf } from './services/bootstrap.service.js';
import { seedBundledListsIfEmpty } from './services/list-import.service.js';
import { registerListSources } from './services/list-fetch.service.js';
import { loadListSources, type ListSourceConfig } from './services/list-sources.config.js';
import { loadCheckpointSigner, SigningKeyError, type CheckpointSigner } from './audit/checkpoint-signing.js';
import { tracingConfigOf } from './telemetry/tracing-config.js';

/** TRUST_PROXY as Fastify takes it: a boolean, a number of hops, or the proxies' addresses. */
function trustProxyOf(value: string): boolean | number | string {
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}

/** The app's options as the configuration sets them. */
function appDepsOf(config: Config, database: Database, listSources: readonly ListSourceConfig[], signer: CheckpointSigner | undefined): AppDeps {
  return {
    database,
    logLevel: config.LOG_LEVEL,
    listRefreshMs: config.LIST_REFRESH_SECONDS * 1000,
    retentionDays: config.RETENTION_DAYS,
    retentionCheckMs: config.RETENTION_CHECK_MINUTES * 60_000,
    rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
    authFailuresPerMinute: config.AUTH_FAILURES_PER_MINUTE,
    trustProxy: trustProxyOf(config.TRUST_PROXY),
    validateResponses: config.VALIDATE_RESPONSES === 'on',
    requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
    webhooks: { allowPrivateNetworks: config.WEBHOOK_ALLOW_PRIVATE_NETWORKS === 'true' },
    evaluationThread: config.EVALUATION_THREAD === 'on',
    monitoring: config.MONITORING_WORKER === 'off' ? false : { batchSize: config.MONITORING_BATCH_SIZE, leaseMs: config.MONITORING_LEASE_SECONDS * 1000 },
    ...(config.LIST_FETCH_WORKER === 'on' && listSources.length > 0 ? { listFetch: { sources: listSources } } : {}),
    ...(config.PERSONAL_DATA_KEY ? { personalDataKey: config.PERSONAL_DATA_KEY } : {}),
    ...(config.IP_DATABASE_FILE ? { ipDatabase: { path: config.IP_DATABASE_FILE } } : {}),
    metrics: { mode: metricsModeOf(config.METRICS, config.HOST), tenantLabels: config.METRICS_TENANT_LABELS === 'on' },
    checkpoints: { ...(signer ? { signer } : {}), every: config.AUDIT_CHECKPOINT_EVERY, minutes: config.AUDIT_CHECKPOINT_MINUTES },
  };
}

async function main() {
  const config = loadConfig();
  // Off unless the OTEL_* variables ask for it; a value not understood stops the start here. The
  // OpenTelemetry SDK is loaded only then.
  const tracingConfig = tracingConfigOf(process.env);
  const tracing = tracingConfig ? (await import('./telemetry/tracing.js')).startTracing(tracingConfig, { serviceVersion: API_VERSION }) : undefined;
  // Read before the database is opened: a bad file stops the start-up with the entry named.
  const listSources = config.LIST_SOURCES_FILE ? await loadListSources(config.LIST_SOURCES_FILE) : [];
  const signer = config.AUDIT_SIGNING_KEY_FILE ? await loadCheckpointSigner(config.AUDIT_SIGNING_KEY_FILE) : undefined;
  const database = await openMigratedDatabase(config);
  const bootstrap = await bootstrapIfEmpty(database.db, bootstrapKeysOf(config));
  // A first start imports the whole bundled lists (some seconds): say what it is doing meanwhile.
  const seeded = config.SEED_LISTS === 'none' ? [] : await seedBundledListsIfEmpty(database.db, config.SEED_LISTS, (source) => process.stdout.write(`Loading the bundled list ${source} (first start)...\n`));
  // Registered even where LIST_FETCH_WORKER is off, so GET /v1/lists shows them from the start.
  await registerListSources(database.db, listSources);
  const app = await buildApp({ ...appDepsOf(config, database, listSources, signer), ...(tracing ? { tracing } : {}) });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    // A request that never ends (a stuck export stream) must not keep the process alive forever;
    // orchestrators send SIGKILL after their own grace period (30 s in Kubernetes), so exit first.
    const deadline = setTimeout(() => {
      app.log.error({ graceSeconds: config.SHUTDOWN_GRACE_SECONDS }, 'in-flight requests did not finish in time; exiting');
      process.exit(1);
    }, config.SHUTDOWN_GRACE_SECONDS * 1000);
    deadline.unref();
    // close() stops accepting connections, answers new requests on open ones with 503 and waits
    // for in-flight requests to finish; only then is the pool closed under them.
    await app.close();
    await database.close();
    // The spans still buffered are sent before the process exits.
    await tracing?.shutdown();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  const address = await app.listen({ port: config.PORT, host: config.HOST });
  process.stdout.write(welcomeText(address, { databaseKind: database.kind, dataDir: config.DATA_DIR, bootstrap, seeded }));
}

/** What the terminal shows once the service listens: where, the keys created, how to screen. */
function welcomeText(
  address: string,
  started: { databaseKind: string; dataDir: string; bootstrap: Awaited<ReturnType<typeof bootstrapIfEmpty>>; seeded: Awaited<ReturnType<typeof seedBundledListsIfEmpty>> },
): string {
  const { bootstrap, seeded } = started;
  const base = address.replace('[::1]', 'localhost');
  const key = bootstrap.created && bootstrap.generated ? bootstrap.apiKey : '<your API key>';
  const lines = [
    '',
    `redflag is listening on ${base} (database: ${started.databaseKind === 'pglite' ? `embedded PGlite in ${started.dataDir}` : 'PostgreSQL'})`,
    ...(bootstrap.created && bootstrap.generated
      ? ['', 'Created tenant "default" with an admin API key. It is shown only this once; keep it:', `  ${bootstrap.apiKey}`]
      : bootstrap.created
        ? ['', 'Created tenant "default" with the admin key from BOOTSTRAP_API_KEY.']
        : []),
    ...(bootstrap.operatorKey && bootstrap.operatorKeyGenerated
      ? ['', 'Created an operator key (tenants and global lists; it reads no tenant data). Shown only this once; keep it:', `  ${bootstrap.operatorKey}`]
      : bootstrap.operatorKey
        ? ['', 'Created the operator key from BOOTSTRAP_OPERATOR_KEY.']
        : []),
    ...(seeded.length > 0
      ? ['', 'Loaded the bundled lists:', ...seeded.map((outcome) => `  ${outcome.version.source} v${outcome.version.version}: ${outcome.version.counts.entries} entries`)]
      : []),
    '',
    'Screen a profile:',
    `  curl -s -X POST ${base}/v1/screenings -H "Authorization: Bearer ${key}" -H "Content-Type: application/json" \\`,
    `       -d '{"subject":{"name":"Jane Roe","nationality":"US"}}'`,
    `API docs: ${base}/docs   OpenAPI: ${base}/openapi.json`,
    '',
  ];
  return `${lines.join('\n')}\n`;
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof DataDirLockedError || error instanceof SigningKeyError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`redflag failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
