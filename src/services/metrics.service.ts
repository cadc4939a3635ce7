/**
 * Prometheus metrics (issue #23), one registry per app (tests build many). Two kinds:
 * - counted as things happen, by the HTTP plugin and the screening pipeline's observer;
 * - read from the database when scraped (list versions and fetches, monitoring backlog, webhook
 *   deliveries, chain heads and checkpoints), so every instance reports the same shared state and
 *   nothing is lost across restarts. A failed query leaves its gauges empty for that scrape.
 *
 * Label sets are bounded: route templates (never URLs), status codes, outcomes, rule ids (capped),
 * global list slugs. No tenant appears unless `tenantLabels` is on, and then only as its id.
 */
import type pg from 'pg';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { sql } from 'drizzle-orm';
import { queryRows, type Database } from '../db/client.js';
import type { ScreeningObserver } from './screening.service.js';

export interface MetricsOptions {
  database: Database;
  /** Label the chain-head gauge by tenant id; off: one aggregate. */
  tenantLabels?: boolean;
  /** Screenings waiting for the evaluation thread, when there is one. */
  evaluationQueue?: () => number;
  now?: () => Date;
}

/** Distinct rule ids labelled at most; any further one counts as `other`. */
const MAX_RULE_LABELS = 200;
const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export interface Metrics {
  registry: Registry;
  observeRequest(input: { method: string; route: string; status: number; seconds: number }): void;
  screening: ScreeningObserver;
  /** The text a scrape gets. */
  render(): Promise<string>;
  contentType: string;
}

/** Rows of a query, read at scrape time. */
type ReadRows = <T>(query: ReturnType<typeof sql>) => Promise<T[]>;
type SetGauge = (labels: Record<string, string>, value: number) => void;

const seconds = (value: string | number | null) => (value === null ? null : Number(value));

/** A gauge whose values are all read at scrape time; a failed read leaves it empty. */
function scraped(registry: Registry, name: string, help: string, labelNames: string[], read: (set: SetGauge) => Promise<void>) {
  return new Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      try {
        await read((labels, value) => this.set(labels, value));
      } catch {
        // The database is unreachable or busy: /readyz says so; the scrape still answers.
      }
    },
  });
}

/** Requests by method, route template and status; the labelled children looked up once per combination. */
function requestMetrics(registry: Registry): Metrics['observeRequest'] {
  const requests = new Counter({ name: 'redflag_http_requests_total', help: 'HTTP requests by method, route template and status', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const requestSeconds = new Histogram({
    name: 'redflag_http_request_duration_seconds',
    help: 'HTTP request latency by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const requestChildren = new Map<string, { count: { inc(): void }; latency: { observe(value: number): void } }>();
  return ({ method, route, status, seconds: elapsed }) => {
    // The labelled children, looked up once per (method, route, status): no label hashing per request.
    const key = `${method} ${status} ${route}`;
    let children = requestChildren.get(key);
    if (!children) {
      const labels = { method: HTTP_METHODS.has(method) ? method : 'OTHER', route, status: String(status) };
      children = { count: requests.labels(labels), latency: requestSeconds.labels(labels) };
      requestChildren.set(key, children);
    }
    children.count.inc();
    children.latency.observe(elapsed);
  };
}

/** Screenings by outcome, hits by rule (at most MAX_RULE_LABELS rules), evaluation latency. */
function screeningMetrics(registry: Registry): ScreeningObserver {
  const screenings = new Counter({ name: 'redflag_screenings_total', help: 'Screenings decided over the API (single and batch), by outcome', labelNames: ['outcome'], registers: [registry] });
  const ruleHits = new Counter({ name: 'redflag_screening_rule_hits_total', help: 'Hits in decided screenings, by the rule that fired', labelNames: ['rule'], registers: [registry] });
  const evaluationSeconds = new Histogram({
    name: 'redflag_screening_evaluation_duration_seconds',
    help: "A screening's name search and rule evaluation against the list snapshot (on the evaluation thread or not)",
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  const ruleLabels = new Set<string>();
  const ruleLabel = (rule: string) => {
    if (ruleLabels.has(rule)) return rule;
    if (ruleLabels.size >= MAX_RULE_LABELS) return 'other';
    ruleLabels.add(rule);
    return rule;
  };
  return {
    evaluated: (elapsed) => evaluationSeconds.observe(elapsed),
    decided: ({ outcome, ruleIds }) => {
      screenings.inc({ outcome });
      for (const rule of ruleIds) ruleHits.inc({ rule: ruleLabel(rule) });
    },
  };
}

/** Global lists: active versions, their ages, and the scheduled fetches. */
function listGauges(registry: Registry, rows: ReadRows, now: () => Date): void {
  scraped(registry, 'redflag_list_active_version', 'Active version number of each global list', ['source'], async (set) => {
    for (const row of await rows<{ source: string; version: number }>(
      sql`select s.slug as source, v.version from list_sources s join list_versions v on v.id = s.active_version_id where s.tenant_id is null`,
    )) set({ source: row.source }, Number(row.version));
  });
  scraped(registry, 'redflag_list_active_version_age_seconds', 'Seconds since the active version of each global list was imported', ['source'], async (set) => {
    for (const row of await rows<{ source: string; importedAt: string | number }>(
      sql`select s.slug as source, extract(epoch from v.imported_at) as "importedAt" from list_sources s join list_versions v on v.id = s.active_version_id where s.tenant_id is null`,
    )) set({ source: row.source }, Math.max(0, now().getTime() / 1000 - Number(row.importedAt)));
  });
  scraped(registry, 'redflag_list_fetch_last_result', 'Result of the last scheduled fetch of each list (1 for the current result)', ['source', 'result'], async (set) => {
    for (const row of await rows<{ source: string; result: string | null }>(sql`select source, last_result as result from list_fetch_state`)) {
      if (row.result) set({ source: row.source, result: row.result }, 1);
    }
  });
  scraped(registry, 'redflag_list_fetch_last_success_timestamp_seconds', 'When each scheduled list was last fetched successfully (Unix time)', ['source'], async (set) => {
    for (const row of await rows<{ source: string; at: string | number | null }>(sql`select source, extract(epoch from last_success_at) as at from list_fetch_state`)) {
      const at = seconds(row.at);
      if (at !== null) set({ source: row.source }, at);
    }
  });
}

/** Work waiting in the database: monitoring re-screens and webhook deliveries. */
function backlogGauges(registry: Registry, rows: ReadRows, now: () => Date): void {
  scraped(registry, 'redflag_monitoring_queue_depth', 'Monitored subjects waiting to be re-screened', [], async (set) => {
    const [row] = await rows<{ pending: string | number }>(sql`select count(*) as pending from monitoring_work_items where status = 'pending'`);
    set({}, Number(row?.pending ?? 0));
  });
  scraped(registry, 'redflag_monitoring_lag_seconds', 'Age of the oldest monitoring run not yet completed (0: none)', [], async (set) => {
    const [row] = await rows<{ since: string | number | null }>(sql`select extract(epoch from min(created_at)) as since from monitoring_runs where completed_at is null`);
    const since = seconds(row?.since ?? null);
    set({}, since === null ? 0 : Math.max(0, now().getTime() / 1000 - since));
  });
  scraped(registry, 'redflag_monitoring_runs_open', 'Monitoring runs not yet completed', [], async (set) => {
    const [row] = await rows<{ open: string | number }>(sql`select count(*) as open from monitoring_runs where completed_at is null`);
    set({}, Number(row?.open ?? 0));
  });
  scraped(registry, 'redflag_webhook_deliveries', 'Webhook deliveries by status (pending, delivered, failed)', ['status'], async (set) => {
    for (const row of await rows<{ status: string; count: string | number }>(sql`select status, count(*) as count from webhook_deliveries group by status`)) set({ status: row.status }, Number(row.count));
  });
}

/** The decision chains and how far they are past their last signed checkpoint. */
function auditGauges(registry: Registry, rows: ReadRows, tenantLabels: boolean): void {
  if (tenantLabels) {
    scraped(registry, 'redflag_audit_chain_head_sequence', "Each tenant's chain head sequence (decisions in its chain)", ['tenant_id'], async (set) => {
      for (const row of await rows<{ tenantId: string; sequence: string | number }>(sql`select tenant_id as "tenantId", sequence from audit_chain_heads`)) set({ tenant_id: row.tenantId }, Number(row.sequence));
    });
  } else {
    scraped(registry, 'redflag_audit_chain_decisions', 'Decisions in all tenants\' chains (sum of chain head sequences)', [], async (set) => {
      const [row] = await rows<{ total: string | number | null }>(sql`select coalesce(sum(sequence), 0) as total from audit_chain_heads`);
      set({}, Number(row?.total ?? 0));
    });
  }
  scraped(registry, 'redflag_audit_checkpoint_lag_decisions', 'Largest number of decisions any tenant\'s chain head is past its last signed checkpoint', [], async (set) => {
    const [row] = await rows<{ lag: string | number | null }>(sql`
      select coalesce(max(h.sequence - coalesce((select max(c.sequence) from audit_checkpoints c where c.tenant_id = h.tenant_id), 0)), 0) as lag
      from audit_chain_heads h`);
    set({}, Number(row?.lag ?? 0));
  });
}

/** The PostgreSQL pool (not for PGlite) and the evaluation thread's queue, when there is one. */
function processGauges(registry: Registry, database: Database, evaluationQueue: (() => number) | undefined): void {
  if (database.kind === 'postgres') {
    const pool = (database.db as unknown as { $client: pg.Pool }).$client;
    new Gauge({
      name: 'redflag_db_pool_connections',
      help: 'PostgreSQL pool connections: total open, idle, and requests waiting for one',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
      },
    });
  }
  if (evaluationQueue) {
    const queue = evaluationQueue;
    new Gauge({
      name: 'redflag_evaluation_thread_pending',
      help: 'Screenings waiting for the evaluation thread',
      registers: [registry],
      collect() {
        this.set(queue());
      },
    });
  }
}

export function createMetrics(options: MetricsOptions): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const { database } = options;
  const now = options.now ?? (() => new Date());
  const rows: ReadRows = <T>(query: ReturnType<typeof sql>) => queryRows<T>(database, query);
  // Registered in this order, which is the order a scrape lists them in.
  const observeRequest = requestMetrics(registry);
  const screening = screeningMetrics(registry);
  listGauges(registry, rows, now);
  backlogGauges(registry, rows, now);
  auditGauges(registry, rows, options.tenantLabels ?? false);
  processGauges(registry, database, options.evaluationQueue);
  return { registry, contentType: registry.contentType, observeRequest, screening, render: () => registry.metrics() };
}
