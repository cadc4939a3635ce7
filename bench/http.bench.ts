/**
 * npm run bench:http — the whole service over HTTP on PostgreSQL (a fresh database with the
 * full bundled lists and the default ruleset), driving POST /v1/screenings with varied, realistic
 * profiles at 1, 16 and 64 connections, and printing throughput and p50/p99 latency.
 *
 * Every request is a distinct applicant (own name, e-mail, phone, address and login IPs). Beside
 * the screenings, in the same run with the same load (issue 21):
 * - the bare durable floor: a Fastify of its own in its own process, with no app plugins, that
 *   parses the same body and inserts it as one row in its own transaction into a table of its own
 *   in the same database. Goal: screening ≥ 0.4× the floor at 64 connections, p99 ≤ 100 ms.
 * - the flagged path: the same applicants, all sharing one phone, so that each screening opens a
 *   case (shared-contact) and joins the link of every applicant before it. Goal: ≥ 0.6× the clear
 *   path.
 * - the app's baseline: a bench-only route in the service that authenticates the same key,
 *   validates the body against the same schema and inserts one row: what the app's plumbing costs
 *   over the floor.
 *
 * Beside them, the same screening route for a tenant whose ruleset has every rule disabled: the
 * screening's own path without the rules and name searches (lookup statement, input digest,
 * chain hash, the batched write of subject, link keys and decision). It splits the gap to the
 * baseline into what the rules cost and what a screening's durable record costs.
 *
 * The service runs in a process of its own (node:cluster), autocannon in this one, so the load
 * generator does not share the service's event loop; CPU is counted per process.
 *
 * Options (environment): BENCH_SECONDS per run (default 8), BENCH_CONNECTIONS (default 1,16,64),
 * BENCH_SERVICE_PROFILE=1 runs the service processes with `node --cpu-prof` (written to
 * bench/.profiles/ as they exit) and from the build (dist/, `npm run build` first),
 * BENCH_POOL (pool size per process, default the production default), BENCH_INSTANCES (service
 * processes sharing one port, default 1), BENCH_CPU_PROFILE=1 (one instance) runs the service in
 * this process instead and writes a .cpuprofile of its main thread for the screening runs (rules
 * on and off) at the most connections to bench/.profiles/ (open it in Chrome DevTools).
 */
import cluster from 'node:cluster';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import Fastify, { type FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import pg from 'pg';
import pino from 'pino';
import { uuidv7 } from 'uuidv7';
import { openDatabase, queryRows } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { tracingConfigOf } from '../src/telemetry/tracing-config.js';
import { principalOf } from '../src/http/plugins/auth.plugin.js';
import { screeningRequestSchema } from '../src/http/schemas/screening.schemas.js';
import { createApiKey } from '../src/services/api-keys.service.js';
import { bootstrapIfEmpty } from '../src/services/bootstrap.service.js';
import { createTenant } from '../src/services/tenants.service.js';
import { changeDraftRule, createDraft, getRuleset, publishDraft } from '../src/services/rulesets.service.js';
import { seedBundledListsIfEmpty } from '../src/services/list-import.service.js';
import { freePort } from '../tests/helpers/server-process.js';
import { createBenchDatabase, fmt, processesCpuMs, REPO_ROOT } from './support.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '1,16,64').split(',').map(Number);
const PROFILES = 600;

// ---- realistic, varied profiles ----

/** A small deterministic generator, so every run screens the same profiles. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const FIRST = ['Jane', 'John', 'Maria', 'Wei', 'Aisha', 'Carlos', 'Olga', 'Kenji', 'Priya', 'Tomás', 'Min-jun', 'Sang Man', 'Chol', 'Hyon', 'Ji-woo', 'Ahmed', 'Elena', 'Lucas', 'Fatima', 'Daniel'];
const CITIES: [city: string, region: string, postalCode: string, country: string, timezone: string][] = [
  ['Austin', 'TX', '78701', 'US', 'America/Chicago'],
  ['Seattle', 'WA', '98101', 'US', 'America/Los_Angeles'],
  ['Toronto', 'ON', 'M5V 2T6', 'CA', 'America/Toronto'],
  ['Berlin', 'BE', '10115', 'DE', 'Europe/Berlin'],
  ['Warsaw', 'MZ', '00-001', 'PL', 'Europe/Warsaw'],
  ['Manila', 'NCR', '1000', 'PH', 'Asia/Manila'],
  ['Seoul', 'SE', '04524', 'KR', 'Asia/Seoul'],
  ['Tokyo', 'TK', '100-0001', 'JP', 'Asia/Tokyo'],
];

/**
 * Profiles with placeholders drive() fills per request, so that every request is a new applicant
 * with contact details of its own: [<id>] (a sequence number), [<phone>] and [<ip>]. Applicants
 * who share contact details are the flagged run's (one phone for all), not this one's.
 */
function profiles(listNames: readonly string[]): object[] {
  const next = random(20261125);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  return Array.from({ length: PROFILES }, (_, index) => {
    // About one in five is a name taken from the lists (some become review/block cases).
    const name = next() < 0.2 && listNames.length > 0 ? '[<listed>]' : '[<name>]';
    const [city, region, postalCode, country, timezone] = pick(CITIES);
    const handle = 'dev.[<id>]';
    // Most applicants are consistent; about one in six has the kind of mismatch the rules look for.
    const odd = next() < 0.15;
    const subject: Record<string, unknown> = {
      externalRef: 'cand-[<id>]',
      name,
      nationality: country,
      claimedLocation: { country, city, region, timezone },
      emails: [`${handle}@example.com`],
      phones: ['[<phone>]'],
      addresses: [{ kind: pick(['residence', 'shipping'] as const), line1: '[<id>] Oak St', city, region, postalCode, country }],
      employment: [{ employer: pick(['Acme Soft', 'Globex', 'Initech', 'Umbrella Labs', 'Hooli']), country, from: '2021-03', to: '2024-08' }],
      profiles: [{ platform: 'github', url: `https://github.com/${handle}`, displayName: name }],
      logins: Array.from({ length: 1 + (index % 5) }, (_unused, login) => ({
        ip: '[<ip>]',
        country: odd && login === 0 ? pick(['CN', 'RU']) : country,
        at: `2026-11-0${1 + (login % 9)}T1${login}:00:00Z`,
      })),
      payment: { method: pick(['bank', 'payment_platform'] as const), accountHolderName: odd ? '[<payee>]' : name, bankCountry: odd ? pick(['CN', 'PH', 'US']) : country },
      engagement: { via: pick(['direct', 'vendor'] as const) },
    };
    return { subject };
  });
}

/** A phone number and a public IPv4 address of request `n`'s own, for the placeholders above. */
const phoneOf = (n: number) => `+1 ${212 + (n % 700)} 555 ${String(Math.floor(n / 700) % 10_000).padStart(4, '0')}`;
const ipOf = (n: number) => `${11 + (n % 180)}.${Math.floor(n / 180) % 250}.${Math.floor(n / 45_000) % 250}.${1 + (n % 250)}`;

/**
 * A name of request `n`'s own: a given name and a surname made of syllables, about 30,000
 * combinations, so that the service's search cache (list-index.service.ts) is not flattered by
 * a few hundred names coming round again. Employers still repeat, as they do in real intake.
 */
const ONSETS = ['B', 'D', 'G', 'H', 'K', 'L', 'M', 'N', 'P', 'R', 'S', 'T', 'V', 'W', 'Z', 'Ch', 'Sh', 'Br', 'Kr', 'St'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ei', 'ou'];
const CODAS = ['n', 'r', 'l', 'k', 's', 'm', 'ng', 'th', 'x', 'ck', 'ndo', 'ski'];
function nameOf(n: number): string {
  const h = Math.imul(n ^ 0x5bd1e995, 0x27d4eb2d) >>> 0;
  const surname = `${ONSETS[h % 20]}${VOWELS[(h >>> 5) % 8]}${CODAS[(h >>> 8) % 12]}${VOWELS[(h >>> 12) % 8]}`;
  return `${FIRST[(h >>> 16) % FIRST.length]} ${surname}`;
}
const jsonText = (value: string) => JSON.stringify(value).slice(1, -1);

/** The phone every applicant of the flagged run gives. */
const SHARED_PHONE = '+1 415 555 0100';

function personalise(body: string, n: number, listNames: readonly string[], sharedPhone = false): string {
  return body
    .replaceAll('[<id>]', String(n))
    .replaceAll('[<phone>]', sharedPhone ? SHARED_PHONE : phoneOf(n))
    .replaceAll('[<ip>]', ipOf(n))
    .replaceAll('[<name>]', jsonText(nameOf(n)))
    .replaceAll('[<payee>]', jsonText(nameOf(n * 7 + 3)))
    .replaceAll('[<listed>]', jsonText(listNames[(n * 7919) % listNames.length] ?? nameOf(n)));
}

// ---- one run ----

interface RunResult {
  rps: number;
  requests: number;
  /**
   * CPU ms per request: in the service process(es) (with the evaluation thread), in the rest of
   * the machine less the load generator (PostgreSQL, mostly), and in the load generator.
   */
  cpuMs: { service: number; database: number; loadGenerator: number };
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

let sequence = 0;

/** Busy CPU time of the whole machine so far, in ms (Linux /proc/stat; 0 elsewhere). */
function machineBusyMs(): number {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
    return ((user + nice + system + irq + softirq + steal) * 1000) / 100;
  } catch {
    return 0;
  }
}


/** Where a run sends its requests: the processes that answer (empty: this one) and whose applicants. */
interface Target {
  url: string;
  pids: readonly number[];
  key: string;
  /** Every applicant gives the same phone (the flagged run). */
  sharedPhone?: boolean;
}

/** CPU ms so far: of the processes answering, and of the whole machine. */
const cpuNow = (pids: readonly number[]) => ({ service: processesCpuMs(pids), machine: machineBusyMs() });

async function drive(target: Target, bodies: string[], listNames: readonly string[], connections: number): Promise<RunResult> {
  const before = cpuNow(target.pids);
  const nodeBefore = process.cpuUsage();
  const { pathname } = new URL(target.url);
  const result = await autocannon({
    url: target.url,
    connections,
    duration: SECONDS,
    // In this process: autocannon 8's `workers` and `idReplacement` send nothing when each
    // request gets its own body, and every request must be a new applicant (own externalRef).
    requests: [
      {
        method: 'POST',
        path: pathname,
        headers: { authorization: `Bearer ${target.key}`, 'content-type': 'application/json' },
        setupRequest: (request) => {
          sequence += 1;
          return { ...request, body: personalise(bodies[sequence % bodies.length]!, sequence, listNames, target.sharedPhone) };
        },
      },
    ],
  });
  const nodeUsage = process.cpuUsage(nodeBefore);
  const thisProcessMs = (nodeUsage.user + nodeUsage.system) / 1000;
  const inProcess = target.pids.length === 0;
  const after = cpuNow(target.pids);
  const serviceMs = inProcess ? thisProcessMs : after.service - before.service;
  const loadGeneratorMs = inProcess ? 0 : thisProcessMs;
  const requests = Math.max(1, result.requests.total);
  return {
    rps: result.requests.average,
    requests,
    cpuMs: {
      service: serviceMs / requests,
      database: Math.max(0, after.machine - before.machine - serviceMs - loadGeneratorMs) / requests,
      loadGenerator: loadGeneratorMs / requests,
    },
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/** drive(), with a CPU profile of this process's main thread written to bench/.profiles/. */
async function driveProfiled(name: string, target: Target, bodies: string[], listNames: readonly string[], connections: number, notes: string[]): Promise<RunResult> {
  const profiler = new Session();
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
  const result = await drive(target, bodies, listNames, connections);
  const { profile } = await profiler.post('Profiler.stop');
  profiler.disconnect();
  const folder = path.join(REPO_ROOT, 'bench', '.profiles');
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, `${name}-${connections}c-${Date.now()}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  notes.push(`  CPU profile (${name}): ${path.relative(REPO_ROOT, file)}`);
  return result;
}

// ---- the service under test ----

const PROFILE_DIR = path.join(REPO_ROOT, 'bench', '.profiles');
const poolSize = process.env.BENCH_POOL ? Number(process.env.BENCH_POOL) : 10;

/** An instance's app, closed before the database connections it uses. */
const runningInstance = (app: FastifyInstance, closeDatabase: () => Promise<void>) => ({
  app,
  close: async () => {
    await app.close();
    await closeDatabase();
  },
});

/**
 * The service as deployed, plus the bench-only baseline route. Production settings: info logs
 * (to /dev/null, still formatted), the rate limit on (never reached). BENCH_SERVICE_PROFILE: the
 * built service (dist/), as `npm start` runs it.
 */
async function startService(url: string) {
  const database = await openDatabase({ kind: 'postgres', url, poolSize });
  const { buildApp } = (process.env.BENCH_SERVICE_PROFILE ? await import(path.join(REPO_ROOT, 'dist', 'http', 'app.js')) : await import('../src/http/app.js')) as typeof import('../src/http/app.js');
  // METRICS=off and the OTEL_* variables as the service reads them (npm start), to measure their cost.
  const tracingConfig = tracingConfigOf(process.env);
  const tracing = tracingConfig ? (await import('../src/telemetry/tracing.js')).startTracing(tracingConfig, { serviceVersion: 'bench' }) : undefined;
  const app = await buildApp({
    database,
    logStream: pino.destination('/dev/null'),
    rateLimitPerMinute: 10_000_000,
    listRefreshMs: 5000,
    retentionCheckMs: 0,
    evaluationThread: process.env.BENCH_EVALUATION_THREAD !== 'off',
    ...(process.env.METRICS === 'off' ? { metrics: { mode: { kind: 'off' } } } : {}),
    ...(tracing ? { tracing } : {}),
  });
  app.withTypeProvider<ZodTypeProvider>().post(
    '/bench/baseline',
    { config: { roles: ['screener'] }, schema: { hide: true, body: screeningRequestSchema } },
    async (request, reply) => {
      const id = uuidv7();
      const tenantId = principalOf(request).tenantId;
      await database.db.transaction(async (tx) => {
        await tx.execute(sql`insert into bench_baseline (id, tenant_id, body) values (${id}, ${tenantId}, ${JSON.stringify(request.body)}::jsonb)`);
      });
      return reply.code(201).send({ id });
    },
  );
  return runningInstance(app, () => database.close());
}

/**
 * The bare durable floor: Fastify and pg, nothing of the app. Parses the body (Fastify's JSON
 * parser) and inserts it as one row in a transaction of its own, into a table of its own.
 */
async function startFloor(url: string) {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  const app = Fastify({ logger: false });
  app.post('/floor', async (request, reply) => {
    const id = uuidv7();
    const client = await pool.connect();
    try {
      await client.query('begin');
      await client.query('insert into bench_floor (id, body) values ($1, $2)', [id, request.body]);
      await client.query('commit');
    } catch (error) {
      await client.query('rollback');
      throw error;
    } finally {
      client.release();
    }
    return reply.code(201).send({ id });
  });
  return runningInstance(app, () => pool.end());
}

/**
 * Processes of their own (node:cluster), so that the load generator does not share their event
 * loop: BENCH_INSTANCES of the service share one port and one database, as replicas behind a
 * proxy would; the floor runs in one more. This process only drives the load.
 */
async function startInstances(url: string, count: number, role: 'service' | 'floor', env: Record<string, string> = {}): Promise<{ address: string; pids: number[]; close: () => Promise<void> }> {
  const port = await freePort();
  if (process.env.BENCH_SERVICE_PROFILE) {
    // A folder per process role; V8 names each thread's profile (pid, thread id), the evaluation thread's too.
    const folder = path.join(PROFILE_DIR, `${role}-${Date.now()}`);
    mkdirSync(folder, { recursive: true });
    cluster.setupPrimary({ execArgv: [...process.execArgv, '--cpu-prof', `--cpu-prof-dir=${folder}`] });
  }
  const workers = Array.from({ length: count }, () => cluster.fork({ ...env, BENCH_INSTANCE_URL: url, BENCH_INSTANCE_PORT: String(port), BENCH_ROLE: role }));
  await Promise.all(workers.map((worker) => new Promise<void>((resolve, reject) => {
    worker.once('message', (message) => (message === 'listening' ? resolve() : reject(new Error(String(message)))));
    worker.once('exit', (code) => reject(new Error(`instance exited with ${code}`)));
  })));
  return {
    address: `http://127.0.0.1:${port}`,
    pids: workers.map((worker) => worker.process.pid!),
    close: async () => {
      await Promise.all(workers.map((worker) => new Promise<void>((resolve) => {
        worker.removeAllListeners('exit');
        worker.once('exit', () => resolve());
        worker.send('close');
      })));
    },
  };
}

// ---- set-up and runs ----

/**
 * A second tenant whose active ruleset has every rule disabled, made through the product's own
 * ruleset workflow (draft, change, publish); returns a screener key of that tenant.
 */
async function tenantWithEveryRuleOff(database: Awaited<ReturnType<typeof openDatabase>>): Promise<string> {
  const tenant = await createTenant(database.db, { slug: 'bench-rules-off', name: 'bench: every rule disabled', createdBy: 'bench' });
  const version = await createDraft(database.db, tenant.id, 'bench');
  for (const rule of (await getRuleset(database.db, tenant.id, version)).rules) {
    await changeDraftRule(database.db, tenant.id, version, rule.key, { enabled: false }, 'bench');
  }
  await publishDraft(database.db, tenant.id, version, 'bench', new Date().toISOString());
  return (await createApiKey(database.db, { tenantSlug: 'bench-rules-off', roles: ['screener'], owner: 'bench:http' })).key;
}

/** A tenant of its own for the flagged run (default ruleset), so its decisions are counted apart. */
async function flaggedTenant(database: Awaited<ReturnType<typeof openDatabase>>): Promise<string> {
  await createTenant(database.db, { slug: 'bench-flagged', name: 'bench: one phone for every applicant', createdBy: 'bench' });
  return (await createApiKey(database.db, { tenantSlug: 'bench-flagged', roles: ['screener'], owner: 'bench:http' })).key;
}

/**
 * Waits until the monitoring worker has read every tenant's chain (the retroactive link scan)
 * and finished every re-screen it queued, and returns what that took after the run: seconds and
 * CPU ms of the service and of the rest of the machine (PostgreSQL).
 */
async function waitForLinkScan(database: Awaited<ReturnType<typeof openDatabase>>, pids: readonly number[]) {
  const started = performance.now();
  const before = cpuNow(pids);
  const behind = async () =>
    (
      await queryRows<{ n: number }>(
        database,
        sql`select (select count(*)::int from monitoring_work_items where status = 'pending')
          + (select coalesce(sum(h.sequence - coalesce(c.sequence, 0)), 0)::int from audit_chain_heads h left join monitoring_link_cursors c using (tenant_id)) as n`,
      )
    )[0]!.n;
  let drained = false;
  while (performance.now() - started < 180_000) {
    if ((await behind()) === 0) {
      drained = true;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const after = cpuNow(pids);
  const serviceMs = after.service - before.service;
  return { seconds: (performance.now() - started) / 1000, serviceMs, databaseMs: Math.max(0, after.machine - before.machine - serviceMs), drained };
}

const RUN_NAMES = ['floor', 'baseline', 'screening', 'rulesOff', 'flagged'] as const;
type RunName = (typeof RUN_NAMES)[number];
/** BENCH_ONLY: the runs to make (default all), for a CPU profile of the screenings alone. */
const ONLY = new Set<string>(process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',') : RUN_NAMES);
type Runs = Partial<Record<RunName, RunResult>> & { linkScan?: Awaited<ReturnType<typeof waitForLinkScan>> };
const LABELS: Record<RunName, string> = {
  screening: 'screening, distinct applicants',
  flagged: 'screening, flagged (one phone)',
  rulesOff: 'screening, every rule off',
  baseline: 'app baseline (auth, zod, 1 row)',
  floor: 'bare floor (Fastify + pg)',
};

const cpu = (run: RunResult) => `${run.cpuMs.service.toFixed(2)}+${run.cpuMs.database.toFixed(2)}`;
const row = (label: string, run: RunResult) =>
  `    ${label.padEnd(30)} ${fmt(run.rps).padStart(7)} ${fmt(run.p50).padStart(6)} ms ${fmt(run.p99).padStart(6)} ms ${cpu(run).padStart(12)}${run.errors + run.non2xx > 0 ? `  errors/non-2xx: ${run.errors + run.non2xx}` : ''}`;

function report(connections: number, runs: Runs): string[] {
  const { screening, flagged, rulesOff, baseline, floor, linkScan } = runs;
  const lines = [`  ${connections} connection${connections > 1 ? 's' : ''}                     req/s      p50       p99   cpu ms/req`];
  for (const name of ['screening', 'flagged', 'rulesOff', 'baseline', 'floor'] as const) {
    const run = runs[name];
    if (run) lines.push(row(LABELS[name], run));
  }
  if (flagged && linkScan) {
    const perFlagged = (ms: number) => (ms / flagged.requests).toFixed(2);
    lines.push(`    link scan after the flagged run: ${linkScan.seconds.toFixed(1)} s, ${perFlagged(linkScan.serviceMs)}+${perFlagged(linkScan.databaseMs)} cpu ms per flagged screening${linkScan.drained ? '' : ' (NOT drained after 180 s)'}`);
  }
  const ratio = (label: string, a: RunResult | undefined, b: RunResult | undefined) => (a && b ? [`${label} ${(a.rps / b.rps).toFixed(2)}`] : []);
  const ratios = [...ratio('service/floor', screening, floor), ...ratio('flagged/clear', flagged, screening), ...ratio('app baseline/floor', baseline, floor), ...ratio('rules off/floor', rulesOff, floor)];
  if (screening && floor) ratios.push(`cpu/req service/floor ${(screening.cpuMs.service / floor.cpuMs.service).toFixed(1)}×`);
  if (ratios.length > 0) lines.push(`    ratios: ${ratios.join(', ')}`);
  return lines;
}

function goals(connections: number, runs: Runs): string[] {
  const lines: string[] = [];
  const status = (met: boolean) => (met ? 'met' : 'MISSED');
  if (!runs.screening || !runs.floor || !runs.flagged) return lines;
  if (connections === 64) {
    const ratio = runs.screening.rps / runs.floor.rps;
    const flaggedRatio = runs.flagged.rps / runs.screening.rps;
    lines.push(`  goal: screening ≥ 0.4× the bare floor at 64 connections: ${status(ratio >= 0.4)} (${ratio.toFixed(2)})`);
    lines.push(`  goal: screening p99 ≤ 100 ms at 64 connections: ${status(runs.screening.p99 <= 100)} (${fmt(runs.screening.p99)} ms)`);
    lines.push(`  goal: flagged ≥ 0.6× the clear path at 64 connections: ${status(flaggedRatio >= 0.6)} (${flaggedRatio.toFixed(2)})`);
  }
  if (connections === 1) lines.push(`  goal: screening p50 ≤ 3 ms at 1 connection: ${status(runs.screening.p50 <= 3)} (${fmt(runs.screening.p50, 1)} ms)`);
  return lines;
}

/**
 * A fresh PostgreSQL database as a new installation has it: migrated, the default tenant, the
 * full lists (all of OFAC SDN and UN); a screener key of the default tenant and up to 5,000
 * listed individuals' names for the profiles that take a listed name.
 */
async function freshServiceDatabase() {
  const target = await createBenchDatabase();
  const database = await openDatabase({ kind: 'postgres', url: target.url });
  try {
    await runMigrations(database);
    await bootstrapIfEmpty(database.db, {});
    const seeded = await seedBundledListsIfEmpty(database.db, 'full');
    const key = (await createApiKey(database.db, { tenantSlug: 'default', roles: ['screener'], owner: 'bench:http' })).key;
    const listNames = (await queryRows<{ name: string }>(database, sql`select data->>'name' as name from list_entries where data->>'type' = 'individual' order by id limit 5000`)).map((row) => row.name);
    return { target, database, seeded, key, listNames };
  } catch (error) {
    await database.close();
    await target.drop();
    throw error;
  }
}

async function runBench() {
  const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 1);
  const { target, database, seeded, key, listNames } = await freshServiceDatabase();
  try {
    const rulesOffKey = await tenantWithEveryRuleOff(database);
    const flaggedKey = await flaggedTenant(database);
    await database.db.execute(sql`create table bench_baseline (id uuid primary key, tenant_id uuid not null, body jsonb not null, created_at timestamptz not null default now())`);
    await database.db.execute(sql`create table bench_floor (id uuid primary key, body jsonb not null, created_at timestamptz not null default now())`);

    let address: string;
    let pids: number[] = [];
    let stopService: () => Promise<void>;
    // Profiling needs the service in this process (the inspector session is this process's).
    const inProcess = Boolean(process.env.BENCH_CPU_PROFILE) && INSTANCES === 1;
    if (!inProcess) {
      ({ address, pids, close: stopService } = await startInstances(target.url, INSTANCES, 'service'));
    } else {
      const service = await startService(target.url);
      address = await service.app.listen({ port: 0, host: '127.0.0.1' });
      stopService = service.close;
    }
    const floorProcess = await startInstances(target.url, 1, 'floor');
    const screening = { url: `${address}/v1/screenings`, pids, key };
    const targets = {
      screening,
      flagged: { ...screening, key: flaggedKey, sharedPhone: true },
      rulesOff: { ...screening, key: rulesOffKey },
      baseline: { ...screening, url: `${address}/bench/baseline` },
      floor: { url: `${floorProcess.address}/floor`, pids: floorProcess.pids, key },
    };
    const bodies = profiles(listNames).map((body) => JSON.stringify(body));
    const meanBytes = bodies.reduce((sum, body, index) => sum + Buffer.byteLength(personalise(body, index, listNames)), 0) / bodies.length;

    // Warm-up: JIT, pool connections, the ruleset and list index caches.
    for (const [name, warm] of Object.entries(targets)) if (ONLY.has(name)) await drive(warm, bodies, listNames, 16);
    await waitForLinkScan(database, pids);

    const lines = [
      `bench:http (PostgreSQL, fresh database; ${seeded.map((outcome) => `${outcome.version.source} ${outcome.version.counts.entries ?? 0} entries`).join(', ')}; default ruleset)`,
      `  ${PROFILES} varied profiles, every request a new applicant, mean body ${fmt(meanBytes)} B, ${SECONDS} s per run; ${inProcess ? 'the service in this process with autocannon (BENCH_CPU_PROFILE)' : `${INSTANCES} service process${INSTANCES > 1 ? 'es (node:cluster, one port)' : ''} and the floor in another, autocannon in this one`}; pool ${poolSize} per process; load average ${loadavg().map((load) => load.toFixed(1)).join(' ')}`,
    ];
    const notes: string[] = [];
    for (const connections of CONNECTIONS) {
      const profiled = inProcess && connections === Math.max(...CONNECTIONS);
      const run = (name: string, runTarget: Target) => (profiled ? driveProfiled(name, runTarget, bodies, listNames, connections, notes) : drive(runTarget, bodies, listNames, connections));
      const runs: Runs = {};
      for (const name of RUN_NAMES) if (ONLY.has(name)) runs[name] = await run(name, targets[name]);
      runs.linkScan = await waitForLinkScan(database, pids);
      lines.push(...report(connections, runs));
      notes.push(...goals(connections, runs));
    }
    const outcomes = await queryRows<{ slug: string; outcome: string; n: number }>(
      database,
      sql`select t.slug, d.outcome, count(*)::int as n from decisions d join tenants t on t.id = d.tenant_id group by t.slug, d.outcome order by t.slug, d.outcome`,
    );
    const cases = await queryRows<{ slug: string; n: number }>(database, sql`select t.slug, count(*)::int as n from cases c join tenants t on t.id = c.tenant_id group by t.slug order by t.slug`);
    lines.push(
      inProcess
        ? '  cpu ms/req: in this process (service, its evaluation thread and autocannon) + in the rest of the machine (PostgreSQL)'
        : '  cpu ms/req: in the process(es) answering (service with its evaluation thread, or the floor) + in the rest of the machine but autocannon (PostgreSQL, other load)',
    );
    lines.push(...notes, `  decisions stored by tenant and outcome: ${outcomes.map((r) => `${r.slug} ${r.outcome} ${fmt(r.n)}`).join(', ')}; cases: ${cases.map((r) => `${r.slug} ${fmt(r.n)}`).join(', ')}`);
    process.stdout.write(`${lines.join('\n')}\n`);
    await floorProcess.close();
    await stopService();
  } finally {
    await database.close();
    await target.drop();
  }
}

// ---- BENCH_TELEMETRY=on (npm run bench:telemetry): what metrics and traces cost ----

/**
 * An OTLP/HTTP receiver in this process that reads and drops every export, so the traced
 * service pays the whole cost of making, batching and sending its spans and nothing waits on a
 * collector. Counts what it was sent.
 */
async function startOtlpSink(): Promise<{ endpoint: string; received: () => { requests: number; bytes: number }; close: () => Promise<void> }> {
  const { createServer } = await import('node:http');
  let requests = 0;
  let bytes = 0;
  const server = createServer((request, response) => {
    request.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    request.on('end', () => {
      requests += 1;
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { endpoint: `http://127.0.0.1:${port}`, received: () => ({ requests, bytes }), close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/**
 * Three copies of the service on one database, each in its own process, differing only in
 * telemetry: METRICS=off (no metrics, no traces), the default (metrics on), and metrics plus
 * traces exported over OTLP to a sink in this process. Short runs of distinct applicants go to
 * each in turn, the order rotating every round, so that whatever else loads the machine falls on
 * all three alike; the medians over the rounds are compared. The cost is read from the service
 * process's CPU per request, which load elsewhere disturbs less than throughput.
 */
async function runTelemetryComparison() {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
  const { target, database, key, listNames } = await freshServiceDatabase();
  const sink = await startOtlpSink();
  const variants: { name: string; env: Record<string, string> }[] = [
    { name: 'metrics off, traces off', env: { METRICS: 'off' } },
    { name: 'metrics on (default)', env: {} },
    { name: 'metrics on, traces on', env: { OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint, OTEL_SERVICE_NAME: 'redflag-bench' } },
  ];
  const instances: Awaited<ReturnType<typeof startInstances>>[] = [];
  try {
    for (const variant of variants) instances.push(await startInstances(target.url, 1, 'service', variant.env));
    const bodies = profiles(listNames).map((body) => JSON.stringify(body));
    const targetOf = (index: number): Target => ({ url: `${instances[index]!.address}/v1/screenings`, pids: instances[index]!.pids, key });
    for (const index of variants.keys()) await drive(targetOf(index), bodies, listNames, connections);
    const results: RunResult[][] = variants.map(() => []);
    for (let round = 0; round < rounds; round += 1) {
      for (let step = 0; step < variants.length; step += 1) {
        const index = (round + step) % variants.length;
        results[index]!.push(await drive(targetOf(index), bodies, listNames, connections));
      }
    }
    const summary = results.map((runs) => ({ rps: median(runs.map((run) => run.rps)), cpu: median(runs.map((run) => run.cpuMs.service)), p99: median(runs.map((run) => run.p99)), spread: [Math.min(...runs.map((run) => run.cpuMs.service)), Math.max(...runs.map((run) => run.cpuMs.service))] }));
    const off = summary[0]!;
    const lines = [
      `bench:telemetry (PostgreSQL, full lists, default ruleset): ${rounds} rounds of ${SECONDS} s per variant at ${connections} connections, order rotating; load average ${loadavg().map((load) => load.toFixed(1)).join(' ')}`,
      `  variant                        req/s    p99      service cpu ms/req (min–max)   vs off: cpu    req/s`,
      ...variants.map((variant, index) => {
        const figures = summary[index]!;
        return `  ${variant.name.padEnd(28)} ${fmt(figures.rps).padStart(7)} ${fmt(figures.p99).padStart(6)} ms   ${figures.cpu.toFixed(2).padStart(6)} (${figures.spread[0]!.toFixed(2)}–${figures.spread[1]!.toFixed(2)})           ${(((figures.cpu / off.cpu) - 1) * 100).toFixed(1).padStart(5)}%  ${(((figures.rps / off.rps) - 1) * 100).toFixed(1).padStart(5)}%`;
      }),
      `  OTLP sink received ${fmt(sink.received().requests)} exports, ${fmt(sink.received().bytes / 1024)} KiB; metrics were not scraped during the runs (a scrape is one request every 15 s or so)`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    for (const instance of instances) await instance.close();
    await sink.close();
    await database.close();
    await target.drop();
  }
}

if (cluster.isWorker) {
  const instance = process.env.BENCH_ROLE === 'floor' ? await startFloor(process.env.BENCH_INSTANCE_URL!) : await startService(process.env.BENCH_INSTANCE_URL!);
  await instance.app.listen({ port: Number(process.env.BENCH_INSTANCE_PORT), host: '127.0.0.1' });
  process.on('message', (message) => {
    if (message === 'close') void instance.close().then(() => process.exit(0));
  });
  process.send!('listening');
} else if (process.env.BENCH_TELEMETRY === 'on') {
  await runTelemetryComparison();
} else {
  await runBench();
}
