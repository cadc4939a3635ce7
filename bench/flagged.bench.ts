/**
 * npm run bench:flagged — CPU per screening of the flagged path against the clear one, counted
 * per process so that it can be compared on a loaded machine (issue 21): the service's own CPU
 * (this process; requests through app.inject one at a time, so the rules run on this thread)
 * and the CPU of the PostgreSQL backends serving it (/proc/<pid>/stat of each backend of the
 * bench database). Background workers (monitoring, webhooks, checkpoints, list refresh) are off.
 *
 * First BENCH_FARM applicants (default 1500) all give one phone, so that each later one opens a
 * case and finds that many earlier holders of the key; then, BENCH_ROUNDS times (default 2),
 * BENCH_REQUESTS (default 100) distinct applicants (clear) and as many more of the farm
 * (flagged, each opening a case). BENCH_PROFILE=<file>: one more flagged run under the V8
 * profiler, written to that file (`npm run profile:components -- <file> --requests <n>`).
 * The lists are the small DPRK seed: the name search is not what this compares.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { openDatabase, queryRows } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { buildApp } from '../src/http/app.js';
import { createApiKey } from '../src/services/api-keys.service.js';
import { bootstrapIfEmpty } from '../src/services/bootstrap.service.js';
import { seedBundledListsIfEmpty } from '../src/services/list-import.service.js';
import { createTenant } from '../src/services/tenants.service.js';
import { createBenchDatabase, processesCpuMs } from './support.js';

const FARM = Number(process.env.BENCH_FARM ?? 1500);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const SHARED_PHONE = '+1 415 555 0100';

const target = await createBenchDatabase();
const database = await openDatabase({ kind: 'postgres', url: target.url, poolSize: 4 });
await runMigrations(database);
await bootstrapIfEmpty(database.db, {});
await seedBundledListsIfEmpty(database.db, 'dprk');
const clearKey = (await createApiKey(database.db, { tenantSlug: 'default', roles: ['screener'], owner: 'bench:flagged' })).key;
await createTenant(database.db, { slug: 'bench-flagged', name: 'bench: one phone for every applicant', createdBy: 'bench' });
const flaggedKey = (await createApiKey(database.db, { tenantSlug: 'bench-flagged', roles: ['screener'], owner: 'bench:flagged' })).key;
const app = await buildApp({
  database,
  logStream: pino.destination('/dev/null'),
  rateLimitPerMinute: 1e9,
  listRefreshMs: 0,
  retentionCheckMs: 0,
  monitoring: false,
  webhooks: { pollMs: 0 },
  checkpoints: { pollMs: 0 },
  evaluationThread: false,
});
await app.ready();

/** The bench database's PostgreSQL backends, read once the farm has opened the pool's connections. */
let backends: number[] = [];

const FIRST = ['Jane', 'John', 'Maria', 'Wei', 'Aisha', 'Carlos', 'Olga', 'Kenji', 'Priya', 'Tomas'];
const SYLLABLES = ['ba', 'ko', 'ri', 'se', 'tu', 'ne', 'mi', 'la', 'do', 'gu', 'pha', 'sto'];
const nameOf = (n: number) => {
  const h = Math.imul(n ^ 0x5bd1e995, 0x27d4eb2d) >>> 0;
  return `${FIRST[h % 10]} ${SYLLABLES[(h >>> 4) % 12]}${SYLLABLES[(h >>> 8) % 12]}${SYLLABLES[(h >>> 12) % 12]}n`;
};
let sequence = 0;
function body(sharedPhone: boolean) {
  const n = (sequence += 1);
  return {
    subject: {
      externalRef: `cand-${n}`,
      name: nameOf(n),
      nationality: 'US',
      claimedLocation: { country: 'US', city: 'Austin', region: 'TX', timezone: 'America/Chicago' },
      emails: [`dev.${n}@example.com`],
      phones: [sharedPhone ? SHARED_PHONE : `+1 ${212 + (n % 700)} 555 ${String(Math.floor(n / 700) % 10_000).padStart(4, '0')}`],
      addresses: [{ kind: 'residence', line1: `${n} Oak St`, city: 'Austin', region: 'TX', postalCode: '78701', country: 'US' }],
      logins: [{ ip: `${11 + (n % 180)}.${Math.floor(n / 180) % 250}.${Math.floor(n / 45_000) % 250}.${1 + (n % 250)}`, country: 'US', at: '2026-11-02T10:00:00Z' }],
      payment: { method: 'bank', accountHolderName: nameOf(n), bankCountry: 'US' },
    },
  };
}

async function screen(key: string, sharedPhone: boolean): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/v1/screenings', headers: { authorization: `Bearer ${key}` }, payload: body(sharedPhone) });
  if (response.statusCode !== 201) throw new Error(`screening answered ${response.statusCode}`);
  return (response.json() as { outcome: string }).outcome;
}

async function measure(label: string, key: string, sharedPhone: boolean): Promise<string> {
  const cpuBefore = process.cpuUsage();
  const databaseBefore = processesCpuMs(backends);
  const outcomes = new Map<string, number>();
  for (let index = 0; index < REQUESTS; index += 1) {
    const outcome = await screen(key, sharedPhone);
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  }
  const cpu = process.cpuUsage(cpuBefore);
  const perRequest = (ms: number) => (ms / REQUESTS).toFixed(2);
  return `  ${label.padEnd(8)} ${perRequest((cpu.user + cpu.system) / 1000).padStart(6)} + ${perRequest(processesCpuMs(backends) - databaseBefore).padStart(5)} cpu ms/req (service + PostgreSQL)  ${[...outcomes].map(([outcome, n]) => `${outcome} ${n}`).join(', ')}`;
}

try {
  for (let index = 0; index < FARM; index += 1) await screen(flaggedKey, true);
  for (let index = 0; index < 20; index += 1) await screen(clearKey, false);
  backends = (await queryRows<{ pid: number }>(database, sql`select pid from pg_stat_activity where datname = current_database()`)).map((row) => row.pid);
  const lines = [`bench:flagged (PostgreSQL, DPRK seed lists, ${FARM} earlier holders of the shared phone, ${REQUESTS} requests per run, one at a time)`];
  for (let round = 0; round < ROUNDS; round += 1) {
    lines.push(await measure('clear', clearKey, false), await measure('flagged', flaggedKey, true));
  }
  if (process.env.BENCH_PROFILE) {
    const profiler = new Session();
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
    lines.push(await measure('flagged (profiled)', flaggedKey, true));
    const { profile } = await profiler.post('Profiler.stop');
    profiler.disconnect();
    writeFileSync(process.env.BENCH_PROFILE, JSON.stringify(profile));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await app.close();
  await database.close();
  await target.drop();
}
