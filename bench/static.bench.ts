/**
 * npm run bench:static — large, unchanging responses (GET /v1/indicators, the 94 KB catalogue of
 * indicators with citations) served by the whole service on PostgreSQL, beside the physical floor
 * measured in the same run: a bare Fastify in its own process sending the same bytes with no
 * plugins, no authentication and no schema. Also the 304 a client gets when it sends the ETag back.
 *
 * Goal (issue 21): ≥ 2,000 requests/s and p99 ≤ 100 ms at 64 connections. Each server runs in a
 * process of its own (node:cluster), autocannon in this one.
 *
 * Options (environment): BENCH_SECONDS per run (default 8), BENCH_CONNECTIONS (default 64).
 */
import cluster from 'node:cluster';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { openDatabase } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { buildApp } from '../src/http/app.js';
import { bootstrapIfEmpty } from '../src/services/bootstrap.service.js';
import { freePort } from '../tests/helpers/server-process.js';
import { createBenchDatabase, fmt } from './support.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '64').split(',').map(Number);

type Role = { role: 'service'; url: string } | { role: 'floor'; body: string };

/** The service as `npm start` runs it (no lists needed for this route), on a fresh database. */
async function serveService(url: string, port: number) {
  const database = await openDatabase({ kind: 'postgres', url });
  await runMigrations(database);
  const app = await buildApp({ database, logLevel: 'warn', rateLimitPerMinute: 0, monitoring: false, listRefreshMs: 0 });
  await app.listen({ port, host: '127.0.0.1' });
  return async () => {
    await app.close();
    await database.close();
  };
}

/** The floor: the same bytes from a bare Fastify route. */
async function serveFloor(body: string, port: number) {
  const app = Fastify({ logger: false });
  app.get('/indicators', async (_request, reply) => reply.type('application/json; charset=utf-8').send(body));
  await app.listen({ port, host: '127.0.0.1' });
  return () => app.close();
}

if (cluster.isWorker) {
  const role = JSON.parse(process.env.BENCH_ROLE!) as Role;
  const port = Number(process.env.BENCH_PORT);
  const close = role.role === 'service' ? await serveService(role.url, port) : await serveFloor(role.body, port);
  process.on('message', (message) => {
    if (message === 'close') void close().then(() => process.exit(0));
  });
  process.send!('listening');
} else {
  await runBench();
}

async function start(role: Role): Promise<{ address: string; close: () => Promise<void> }> {
  const port = await freePort();
  const worker = cluster.fork({ BENCH_ROLE: JSON.stringify(role), BENCH_PORT: String(port) });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', (message) => (message === 'listening' ? resolve() : reject(new Error(String(message)))));
    worker.once('exit', (code) => reject(new Error(`${role.role} exited with ${code}`)));
  });
  return {
    address: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        worker.removeAllListeners('exit');
        worker.once('exit', () => resolve());
        worker.send('close');
      }),
  };
}

async function load(url: string, connections: number, headers: Record<string, string>) {
  const result = await autocannon({ url, connections, duration: SECONDS, headers });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
}

async function runBench() {
  const target = await createBenchDatabase();
  const seed = await openDatabase({ kind: 'postgres', url: target.url });
  await runMigrations(seed);
  const bootstrap = await bootstrapIfEmpty(seed.db, {});
  if (!bootstrap.created) throw new Error('expected a fresh database');
  const { apiKey } = bootstrap;
  await seed.close();
  const service = await start({ role: 'service', url: target.url });
  try {
    const auth = { authorization: `Bearer ${apiKey}` };
    const first = await fetch(`${service.address}/v1/indicators`, { headers: auth });
    const body = await first.text();
    const etag = first.headers.get('etag');
    if (first.status !== 200 || etag === null) throw new Error(`GET /v1/indicators answered ${first.status} without an ETag`);
    const floor = await start({ role: 'floor', body });
    try {
      console.log(`GET /v1/indicators: ${fmt(body.length / 1024)} KB, ${SECONDS} s per run\n`);
      console.log('connections | route                         |   req/s |  p50 ms |  p99 ms | non-2xx/errors');
      for (const connections of CONNECTIONS) {
        const bare = await load(`${floor.address}/indicators`, connections, {});
        const full = await load(`${service.address}/v1/indicators`, connections, auth);
        const cached = await load(`${service.address}/v1/indicators`, connections, { ...auth, 'if-none-match': etag });
        const row = (label: string, run: Awaited<ReturnType<typeof load>>) =>
          console.log(`${String(connections).padStart(11)} | ${label.padEnd(29)} | ${fmt(run.rps).padStart(7)} | ${fmt(run.p50, 1).padStart(7)} | ${fmt(run.p99, 1).padStart(7)} | ${run.non2xx}/${run.errors}`);
        row('bare Fastify, same bytes', bare);
        row('service, 200 (whole body)', full);
        row('service, 304 (ETag sent back)', cached);
        console.log(`${''.padStart(11)} | ratio service/floor: ${fmt(full.rps / bare.rps, 2)} (200), goal ≥ 2,000 req/s and p99 ≤ 100 ms\n`);
      }
    } finally {
      await floor.close();
    }
  } finally {
    await service.close();
    await target.drop();
  }
}
