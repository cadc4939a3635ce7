/**
 * One place that builds the services and their background loops, for the HTTP app, the CLI and
 * the tests. The wiring is visible here instead of spread over `buildApp`: what each route group
 * gets (`deps`), and the loops that run beside the requests (`lifecycle`), which start once the
 * app is ready and stop, in reverse order, when it closes. A test replaces the clock or the list
 * snapshot by passing its own `now` or `lists`, not by reaching into modules.
 */
import type { CheckpointSigner } from '../audit/checkpoint-signing.js';
import type { Database } from '../db/client.js';
import { ScreeningLookupQueue } from '../db/lookup-queue.js';
import { DecisionChains } from '../db/decision-chain.js';
import { CheckedApiKeys } from './api-keys.service.js';
import { ActiveRulesets, InFlight } from './active-ruleset.service.js';
import { createCheckpointWorker, DEFAULT_CHECKPOINT_POLICY, type CheckpointPolicy } from './audit-checkpoints.service.js';
import { startRetentionJob } from './erasure.service.js';
import { EvaluationThread, type EvaluateScreening } from './evaluation-offload.js';
import { createIpLocator, type IpLocator } from './ip-intelligence.service.js';
import { createKeyedHash } from './keyed-hash.service.js';
import { createListFetchWorker, DEFAULT_LIST_FETCH_OPTIONS, type ListFetchOptions } from './list-fetch.service.js';
import { ListIndexHolder } from './list-index.service.js';
import type { ListSourceConfig } from './list-sources.config.js';
import { createMetrics, type Metrics } from './metrics.service.js';
import { createMonitoringWorker, type MonitoringWorkerOptions } from './monitoring.service.js';
import { createWebhookDispatcher, type WebhookDispatcherOptions } from './webhooks.service.js';
import type { KeyedHash } from '../domain/rules/subject-lookups.js';

export interface ServicesLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** What configures the services (the app's options minus the HTTP ones). */
export interface ServicesConfig {
  /** HMAC key for personal identifiers (PERSONAL_DATA_KEY); generated and stored when absent. */
  personalDataKey?: string;
  /** Evaluate screenings on a worker thread (evaluation-offload.ts); default off (tests). */
  evaluationThread?: boolean;
  /** How often to look for newly activated list versions; 0 turns polling off. */
  listRefreshMs?: number;
  /** Webhook dispatcher tuning (retry backoff base, attempts, timeout); `pollMs: 0` turns it off. */
  webhooks?: Omit<WebhookDispatcherOptions, 'db' | 'log'>;
  /** Stored screening inputs older than this many days are erased (default 365); 0 keeps them. */
  retentionDays?: number;
  /** How often the retention job runs (default hourly); 0 turns the timer off. */
  retentionCheckMs?: number;
  /** The monitoring re-screen worker's tuning (poll, batch size, lease); `false` runs no worker here. */
  monitoring?: Omit<MonitoringWorkerOptions, 'log' | 'exclusiveDatabase'> | false;
  /** Lists this instance fetches on their schedule (LIST_SOURCES_FILE); absent or empty: none. */
  listFetch?: { sources: readonly ListSourceConfig[]; pollMs?: number; options?: Partial<ListFetchOptions> };
  /**
   * Signed audit checkpoints: the key (AUDIT_SIGNING_KEY_FILE) and how often; without a signer
   * nothing is signed. `pollMs` (default 5 s; 0: no timer) is how often due heads are looked for.
   */
  checkpoints?: { signer?: CheckpointSigner; every?: number; minutes?: number; pollMs?: number };
  /** Build the Prometheus metrics (METRICS is not `off`); `tenantLabels` adds tenant ids to the chain-head gauge. */
  metrics?: { tenantLabels?: boolean } | false;
  /** Geolocation of login IPs: the bundled database (default), another mmdb file (IP_DATABASE_FILE), a locator, or none. */
  ipDatabase?: { path?: string } | IpLocator | false;
}

/** A loop beside the requests: started when the app is ready, stopped when it closes. */
export interface BackgroundJob {
  name: string;
  start(): void;
  stop(): Promise<void>;
}

/** The app's background loops, started in order and stopped in reverse. */
export class Lifecycle {
  private readonly jobs: BackgroundJob[] = [];
  private started = false;

  add(job: BackgroundJob): void {
    this.jobs.push(job);
    if (this.started) job.start();
  }

  get names(): string[] {
    return this.jobs.map((job) => job.name);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    for (const job of this.jobs) job.start();
  }

  async stop(): Promise<void> {
    for (const job of [...this.jobs].reverse()) await job.stop();
    this.started = false;
  }
}

export interface Services {
  database: Database;
  /** The tenants' active rulesets, cached here (not in module state): each set of services has its own. */
  rulesets: ActiveRulesets;
  /** Screenings under way through these services. */
  inFlight: InFlight;
  /** The tenants' decision chains as these services append to them (the screenings and the monitoring worker). */
  chains: DecisionChains;
  /** The API keys these services checked lately (auth), told at once of revocations and disabled tenants. */
  checkedKeys: CheckedApiKeys;
  /** Concurrent screenings' lookups, sent together when they would queue (lookup-queue.ts). */
  lookups: ScreeningLookupQueue;
  lists: ListIndexHolder;
  now: () => Date;
  keyedHash: KeyedHash;
  /** Where screenings are evaluated: the evaluation thread, or (absent) the calling thread. */
  evaluate?: EvaluateScreening;
  /** Geolocates the login IPs of new screenings (ip-intelligence.service.ts); absent: the caller's countries. */
  ipLocator?: IpLocator;
  metrics?: Metrics;
  checkpointPolicy: CheckpointPolicy;
  signer?: CheckpointSigner;
  allowPrivateWebhooks: boolean;
  /** Tells the webhook dispatcher that deliveries were queued (sends them now, not at the next poll). */
  webhooksQueued: () => void;
  /** Rebuilds the list index now (a watchlist changed in this process). */
  refreshLists: () => void;
  lifecycle: Lifecycle;
}

/** A timer-driven job as a BackgroundJob. */
function intervalJob(name: string, everyMs: number, tick: () => void): BackgroundJob {
  let timer: NodeJS.Timeout | undefined;
  return {
    name,
    start() {
      timer = setInterval(tick, everyMs);
      timer.unref();
    },
    stop: async () => clearInterval(timer),
  };
}

/** What the background workers share with the services. */
interface WorkerDeps {
  database: Database;
  chains: DecisionChains;
  lists: ListIndexHolder;
  now: () => Date;
  keyedHash: KeyedHash;
  webhooksQueued: () => void;
}

/** The monitoring re-screen worker and the scheduled list fetcher, as the configuration asks. */
function addListWorkers(lifecycle: Lifecycle, deps: WorkerDeps, config: ServicesConfig, log: ServicesLog): void {
  const { database, lists, now, keyedHash, webhooksQueued, chains } = deps;
  const db = database.db;
  if (config.monitoring !== false) {
    // Re-screens monitored subjects when a list or ruleset version becomes active. Any number of
    // instances may run one: runs and leases live in the database (services/monitoring.service.ts).
    const refreshMs = config.listRefreshMs ?? 5000;
    const worker = createMonitoringWorker(
      { db, lists, now, keyedHash, chains },
      { pollMs: refreshMs > 0 ? refreshMs : 5000, listSettleMs: 2 * refreshMs, ...config.monitoring, exclusiveDatabase: database.kind === 'pglite', log },
    );
    lifecycle.add({ name: 'monitoring', start: () => worker.start(), stop: () => worker.stop() });
  }

  if (config.listFetch && config.listFetch.sources.length > 0) {
    // Any number of instances may run one: a source is fetched by whichever takes its lease.
    const fetcher = createListFetchWorker({ db, now, lists, onWebhooksQueued: webhooksQueued, log }, config.listFetch.sources, {
      ...DEFAULT_LIST_FETCH_OPTIONS,
      ...config.listFetch.options,
      pollMs: config.listFetch.pollMs ?? 60_000,
    });
    lifecycle.add({ name: 'list-fetch', start: () => fetcher.start(), stop: () => fetcher.stop() });
  }
}

/** Erases stored screening inputs past the retention period, on a timer. */
function addRetention(lifecycle: Lifecycle, deps: { db: Database['db']; now: () => Date }, config: ServicesConfig, log: ServicesLog): void {
  const { db, now } = deps;
  const retentionDays = config.retentionDays ?? 365;
  if (retentionDays > 0 && config.retentionCheckMs !== 0) {
    let retention: { stop(): Promise<void> } | undefined;
    lifecycle.add({
      name: 'retention',
      start: () => {
        retention = startRetentionJob(
          { db, now },
          {
            retentionDays,
            intervalMs: config.retentionCheckMs ?? 3_600_000,
            onRun: (run) => {
              if (run.decisionsErased > 0) log.info({ retention: run }, 'retention erased stored inputs');
            },
            onError: (error) => log.warn({ err: { message: error.message } }, 'retention run failed'),
          },
        );
      },
      stop: async () => retention?.stop(),
    });
  }
}

export async function createServices(input: {
  database: Database;
  now?: () => Date;
  lists?: ListIndexHolder;
  /** A test's own ruleset cache, to tell it about rulesets it publishes behind the service's back. */
  rulesets?: ActiveRulesets;
  config: ServicesConfig;
  log: ServicesLog;
}): Promise<Services> {
  const { database, config, log } = input;
  const db = database.db;
  const now = input.now ?? (() => new Date());
  const lifecycle = new Lifecycle();
  const lists = input.lists ?? new ListIndexHolder();
  const warnRefresh = (error: unknown) => log.warn({ err: { message: (error as Error).message } }, 'list index refresh failed');
  const refreshLists = () => void lists.refresh(db).catch(warnRefresh);

  // Mirrored before the first load, so that load serves both indexes (one read of the entries).
  let thread: EvaluationThread | undefined;
  if (config.evaluationThread) {
    const started = new EvaluationThread(log);
    thread = started;
    await lists.mirrorTo(db, started);
    lifecycle.add({ name: 'evaluation-thread', start: () => undefined, stop: () => started.close() });
  }
  if (!input.lists) await lists.refresh(db);
  const keyedHash = await createKeyedHash(db, config.personalDataKey);
  const ipDatabase = config.ipDatabase ?? {};
  const ipLocator = ipDatabase === false ? undefined : 'locate' in ipDatabase ? ipDatabase : createIpLocator(ipDatabase);
  const metrics =
    config.metrics === false
      ? undefined
      : createMetrics({ database, tenantLabels: config.metrics?.tenantLabels ?? false, now, ...(thread ? { evaluationQueue: () => thread.pendingCount } : {}) });

  // Sends the webhook deliveries that case changes queue in their own transactions.
  const dispatcher = createWebhookDispatcher({ ...config.webhooks, db, log });
  const webhooksQueued = () => dispatcher.kick();
  lifecycle.add({ name: 'webhook-dispatcher', start: () => dispatcher.start(), stop: () => dispatcher.stop() });

  const chains = new DecisionChains();
  addListWorkers(lifecycle, { database, chains, lists, now, keyedHash, webhooksQueued }, config, log);

  const signer = config.checkpoints?.signer;
  const checkpointPolicy = { every: config.checkpoints?.every ?? DEFAULT_CHECKPOINT_POLICY.every, minutes: config.checkpoints?.minutes ?? DEFAULT_CHECKPOINT_POLICY.minutes };
  if (signer && config.checkpoints?.pollMs !== 0) {
    // Any number of instances may sign: one checkpoint per tenant and sequence (unique index).
    const checkpointer = createCheckpointWorker({ db, now, log, onWebhooksQueued: webhooksQueued }, signer, { ...checkpointPolicy, pollMs: config.checkpoints?.pollMs ?? 5000 });
    lifecycle.add({ name: 'audit-checkpoints', start: () => checkpointer.start(), stop: () => checkpointer.stop() });
  }
  addRetention(lifecycle, { db, now }, config, log);

  // Other instances (or the CLI) may activate a new list version: poll the small version row.
  if (config.listRefreshMs !== 0) lifecycle.add(intervalJob('list-refresh', config.listRefreshMs ?? 5000, refreshLists));

  return {
    database,
    rulesets: input.rulesets ?? new ActiveRulesets(),
    inFlight: new InFlight(),
    chains,
    checkedKeys: new CheckedApiKeys(db),
    lookups: new ScreeningLookupQueue(db),
    lists,
    now,
    keyedHash,
    ...(thread ? { evaluate: thread.evaluate } : {}),
    ...(ipLocator ? { ipLocator } : {}),
    ...(metrics ? { metrics } : {}),
    checkpointPolicy,
    ...(signer ? { signer } : {}),
    allowPrivateWebhooks: config.webhooks?.allowPrivateNetworks ?? false,
    webhooksQueued,
    refreshLists,
    lifecycle,
  };
}
