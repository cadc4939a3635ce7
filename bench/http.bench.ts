/**
 * npm run bench:http — the whole service over HTTP on PostgreSQL (a fresh database with the
 * full bundled lists and the default ruleset), driving POST /v1/screenings with varied, realistic
 * profiles at 1, 16 and 64 connections, and printing throughput and p50/p99 latency.
 *
 * Baseline, measured in the same run on the same app: a bench-only route that authenticates the
 * same key, validates a body of the same size against the same schema and inserts one row in its
 * own transaction — the floor cost of any durable request. Goals: screening ≥ 70% of the
 * baseline's throughput, p99 < 50 ms at 64 connections.
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
 * BENCH_POOL (pool size per process, default the production default), BENCH_INSTANCES (service
 * processes sharing one port, default 1), BENCH_CPU_PROFILE=1 (one instance) runs the service in
 * this process instead and writes a .cpuprofile of its main thread for the screening runs (rules
 * on and off) at the most connections to bench/.profiles/ (open it in Chrome DevTools).
 */
import cluster from 'node:cluster';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import pino from 'pino';
import { uuidv7 } from 'uuidv7';
import { openDatabase, queryRows } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { buildApp } from '../src/http/app.js';
import { tracingConfigOf } from '../src/telemetry/tracing-config.js';
import { principalOf } from '../src/http/plugins/auth.plugin.js';
import { screeningRequestSchema } from '../src/http/schemas/screening.schemas.js';
import { createApiKey } from '../src/services/api-keys.service.js';
import { bootstrapIfEmpty } from '../src/services/bootstrap.service.js';
import { createTenant } from '../src/services/tenants.service.js';
import { changeDraftRule, createDraft, getRuleset, publishDraft } from '../src/services/rulesets.service.js';
import { seedBundledListsIfEmpty } from '../src/services/list-import.service.js';
import { freePort } from '../tests/helpers/server-process.js';
import { createBenchDatabase, fmt, REPO_ROOT } from './support.js';

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
 * with contact details of its own: [<id>] (a sequence number), [<phone>] and [<ip>]. Like real
 * intake, a few applicants (about 3%) belong to a "farm" that shares e-mail, phone, IP and
 * shipping address, which the link rules are there to catch.
 */
function profiles(listNames: readonly string[]): object[] {
  const next = random(20261125);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  return Array.from({ length: PROFILES }, (_, index) => {
    // About one in five is a name taken from the lists (some become review/block cases).
    const name = next() < 0.2 && listNames.length > 0 ? '[<listed>]' : '[<name>]';
    const [city, region, postalCode, country, timezone] = pick(CITIES);
    const handle = 'dev.[<id>]';
    const farm = next() < 0.03 ? index % 4 : undefined;
    // Most applicants are consistent; about one in six has the kind of mismatch the rules look for.
    const odd = next() < 0.15;
    const subject: Record<string, unknown> = {
      externalRef: 'cand-[<id>]',
      name,
      nationality: country,
      claimedLocation: { country, city, region, timezone },
      emails: [farm === undefined ? `${handle}@example.com` : `team.${farm}@example.net`],
      phones: [farm === undefined ? '[<phone>]' : `+1 415 555 010${farm}`],
      addresses: [
        farm === undefined
          ? { kind: pick(['residence', 'shipping'] as const), line1: '[<id>] Oak St', city, region, postalCode, country }
          : { kind: 'shipping', line1: `${farm + 1} Depot Rd`, city: 'Austin', region: 'TX', postalCode: '78701', country: 'US' },
      ],
      employment: [{ employer: pick(['Acme Soft', 'Globex', 'Initech', 'Umbrella Labs', 'Hooli']), country, from: '2021-03', to: '2024-08' }],
      profiles: [{ platform: 'github', url: `https://github.com/${handle}`, displayName: name }],
      logins: Array.from({ length: 1 + (index % 5) }, (_unused, login) => ({
        ip: farm === undefined ? '[<ip>]' : `203.0.113.${farm}`,
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

function personalise(body: string, n: number, listNames: readonly string[]): string {
  return body
    .replaceAll('[<id>]', String(n))
    .replaceAll('[<phone>]', phoneOf(n))
    .replaceAll('[<ip>]', ipOf(n))
    .replaceAll('[<name>]', jsonText(nameOf(n)))
    .replaceAll('[<payee>]', jsonText(nameOf(n * 7 + 3)))
    .replaceAll('[<listed>]', jsonText(listNames[(n * 7919) % listNames.length] ?? nameOf(n)));
}

// ---- one run ----

interface RunResult {
  rps: number;
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

/** CPU time of these processes so far, in ms (Linux /proc/<pid>/stat: utime + stime, all threads). */
function processesCpuMs(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => {
    try {
      // Fields after the parenthesised command name: state is the 3rd field, utime the 14th, stime the 15th.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return sum + ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
    } catch {
      return sum;
    }
  }, 0);
}

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

/**
 * The service's process ids; empty when it runs in this process (BENCH_CPU_PROFILE), whose CPU
 * is then counted as the service's, load generator included.
 */
let servicePids: number[] = [];

async function drive(url: string, key: string, bodies: string[], listNames: readonly string[], connections: number): Promise<RunResult> {
  const machineBefore = machineBusyMs();
  const serviceBefore = processesCpuMs(servicePids);
  const nodeBefore = process.cpuUsage();
  const { pathname } = new URL(url);
  const result = await autocannon({
    url,
    connections,
    duration: SECONDS,
    // In this process: autocannon 8's `workers` and `idReplacement` send nothing when each
    // request gets its own body, and every request must be a new applicant (own externalRef).
    requests: [
      {
        method: 'POST',
        path: pathname,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        setupRequest: (request) => {
          sequence += 1;
          return { ...request, body: personalise(bodies[sequence % bodies.length]!, sequence, listNames) };
        },
      },
    ],
  });
  const nodeUsage = process.cpuUsage(nodeBefore);
  const thisProcessMs = (nodeUsage.user + nodeUsage.system) / 1000;
  const inProcess = servicePids.length === 0;
  const serviceMs = inProcess ? thisProcessMs : processesCpuMs(servicePids) - serviceBefore;
  const loadGeneratorMs = inProcess ? 0 : thisProcessMs;
  const requests = Math.max(1, result.requests.total);
  return {
    rps: result.requests.average,
    cpuMs: {
      service: serviceMs / requests,
      database: Math.max(0, machineBusyMs() - machineBefore - serviceMs - loadGeneratorMs) / requests,
      loadGenerator: loadGeneratorMs / requests,
    },
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/** drive(), with a CPU profile of this process's main thread written to bench/.profiles/. */
async function driveProfiled(name: string, url: string, key: string, bodies: string[], listNames: readonly string[], connections: number, notes: string[]): Promise<RunResult> {
  const profiler = new Session();
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
  const result = await drive(url, key, bodies, listNames, connections);
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

/**
 * The service as deployed, plus the bench-only baseline route. Production settings: info logs
 * (to /dev/null, still formatted), the rate limit on (never reached).
 */
async function startService(url: string) {
  const database = await openDatabase({ kind: 'postgres', url, ...(process.env.BENCH_POOL ? { poolSize: Number(process.env.BENCH_POOL) } : {}) });
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
  return {
    app,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

/**
 * The service in processes of its own (node:cluster), so that the load generator does not share
 * its event loop: BENCH_INSTANCES of them share one port and one database, as replicas behind a
 * proxy would; this process only drives the load.
 */
async function startInstances(url: string, count: number): Promise<{ address: string; pids: number[]; close: () => Promise<void> }> {
  const port = await freePort();
  const workers = Array.from({ length: count }, () => cluster.fork({ BENCH_INSTANCE_URL: url, BENCH_INSTANCE_PORT: String(port) }));
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

if (cluster.isWorker) {
  const service = await startService(process.env.BENCH_INSTANCE_URL!);
  await service.app.listen({ port: Number(process.env.BENCH_INSTANCE_PORT), host: '127.0.0.1' });
  process.on('message', (message) => {
    if (message === 'close') void service.close().then(() => process.exit(0));
  });
  process.send!('listening');
} else {
  await runBench();
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

async function runBench() {
  const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 1);
  const target = await createBenchDatabase();
  const database = await openDatabase({ kind: 'postgres', url: target.url });
  try {
    await runMigrations(database);
    await bootstrapIfEmpty(database.db, {});
    // The full lists, as a new installation loads them: all of OFAC SDN and UN.
    const seeded = await seedBundledListsIfEmpty(database.db, 'full');
    const key = (await createApiKey(database.db, { tenantSlug: 'default', roles: ['screener'], owner: 'bench:http' })).key;
    const rulesOffKey = await tenantWithEveryRuleOff(database);
    await database.db.execute(sql`create table bench_baseline (id uuid primary key, tenant_id uuid not null, body jsonb not null, created_at timestamptz not null default now())`);
    const listNames = (await queryRows<{ name: string }>(database, sql`select data->>'name' as name from list_entries where data->>'type' = 'individual' order by id limit 5000`)).map((row) => row.name);

    let address: string;
    let stopService: () => Promise<void>;
    // Profiling needs the service in this process (the inspector session is this process's).
    const inProcess = Boolean(process.env.BENCH_CPU_PROFILE) && INSTANCES === 1;
    if (!inProcess) {
      ({ address, pids: servicePids, close: stopService } = await startInstances(target.url, INSTANCES));
    } else {
      const service = await startService(target.url);
      address = await service.app.listen({ port: 0, host: '127.0.0.1' });
      stopService = service.close;
    }
    const bodies = profiles(listNames).map((body) => JSON.stringify(body));
    const meanBytes = bodies.reduce((sum, body, index) => sum + Buffer.byteLength(personalise(body, index, listNames)), 0) / bodies.length;

    // Warm-up: JIT, pool connections, the ruleset and list index caches.
    await drive(`${address}/v1/screenings`, key, bodies, listNames, 16);
    await drive(`${address}/v1/screenings`, rulesOffKey, bodies, listNames, 16);
    await drive(`${address}/bench/baseline`, key, bodies, listNames, 16);

    const lines = [
      `bench:http (PostgreSQL, fresh database; ${seeded.map((outcome) => `${outcome.version.source} ${outcome.version.counts.entries ?? 0} entries`).join(', ')}; default ruleset)`,
      `  ${PROFILES} varied profiles, mean body ${fmt(meanBytes)} B, ${SECONDS} s per run; ${inProcess ? 'the service in this process with autocannon (BENCH_CPU_PROFILE)' : `${INSTANCES} service process${INSTANCES > 1 ? 'es (node:cluster, one port)' : ''}, autocannon in another`}; pool ${process.env.BENCH_POOL ?? 'default (10)'} per process`,
      '  connections │ screening req/s   p50    p99  cpu/req │ rules off req/s   p99  cpu/req │ baseline req/s   p50    p99  cpu/req │ ratio (rules off)',
    ];
    const goals: string[] = [];
    const runs: RunResult[] = [];
    const cpu = (run: RunResult) => `${run.cpuMs.service.toFixed(1)}+${run.cpuMs.database.toFixed(1)}`.padStart(8);
    for (const connections of CONNECTIONS) {
      const profiled = inProcess && connections === Math.max(...CONNECTIONS);
      const run = (name: string, apiKey: string) => (profiled ? driveProfiled(name, `${address}/v1/screenings`, apiKey, bodies, listNames, connections, goals) : drive(`${address}/v1/screenings`, apiKey, bodies, listNames, connections));
      const screening = await run('screening', key);
      const rulesOff = await run('rules-off', rulesOffKey);
      const baseline = await drive(`${address}/bench/baseline`, key, bodies, listNames, connections);
      runs.push(screening, rulesOff, baseline);
      const ratio = screening.rps / baseline.rps;
      const bad = [screening, rulesOff, baseline].reduce((sum, run) => sum + run.errors + run.non2xx, 0);
      lines.push(
        `  ${String(connections).padStart(11)} │ ${fmt(screening.rps).padStart(14)} ${fmt(screening.p50).padStart(5)} ms ${fmt(screening.p99).padStart(4)} ms ${cpu(screening)} │ ${fmt(rulesOff.rps).padStart(15)} ${fmt(rulesOff.p99).padStart(3)} ms ${cpu(rulesOff)} │ ${fmt(baseline.rps).padStart(13)} ${fmt(baseline.p50).padStart(5)} ms ${fmt(baseline.p99).padStart(4)} ms ${cpu(baseline)} │ ${fmt(ratio * 100)}% (${fmt((rulesOff.rps / baseline.rps) * 100)}%)${bad > 0 ? `  (errors/non-2xx: ${bad})` : ''}`,
      );
      if (connections === 64) {
        goals.push(`  goal: screening ≥ 70% of baseline at 64 connections: ${ratio >= 0.7 ? 'met' : 'MISSED'} (${fmt(ratio * 100)}%)`);
        goals.push(`  goal: screening p99 < 50 ms at 64 connections: ${screening.p99 < 50 ? 'met' : 'MISSED'} (${fmt(screening.p99)} ms)`);
      }
    }
    const outcomes = await queryRows<{ outcome: string; n: number }>(database, sql`select outcome, count(*)::int as n from decisions group by outcome order by outcome`);
    lines.push(
      inProcess
        ? '  cpu/req: CPU ms per request in this process (service, its evaluation thread and autocannon) + in the rest of the machine (PostgreSQL)'
        : `  cpu/req: CPU ms per request in the service (with its evaluation thread) + in the rest of the machine but autocannon (PostgreSQL); autocannon took up to ${Math.max(...runs.map((run) => run.cpuMs.loadGenerator)).toFixed(2)} ms per request besides`,
    );
    lines.push(...goals, `  decisions stored by outcome: ${outcomes.map((row) => `${row.outcome} ${fmt(row.n)}`).join(', ')}`);
    process.stdout.write(`${lines.join('\n')}\n`);
    await stopService();
  } finally {
    await database.close();
    await target.drop();
  }
}
