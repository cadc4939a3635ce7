/**
 * npm run bench:static — large, unchanging responses (GET /v1/indicators, the 94 KB catalogue of
 * indicators with citations) served by the whole service on PostgreSQL, beside the physical floor
 * measured in the same run: a bare Fastify in its own process sending the same bytes with no
 * plugins, no authentication and no schema. Also the 304 a client gets when it sends the ETag back.
 *
 * Goal (issue 21): ≥ 2,000 requests/s and p99 ≤ 100 ms at 64 connections. Each server runs in a
 * process of its own (node:cluster), autocannon in this one.
 *
 * Rows: the whole body (Accept-Encoding: identity) beside the floor sending the same bytes; brotli, as
 * browsers and HTTP libraries ask, beside the floor sending the same brotli bytes; the 304.
 *
 * Options (environment): BENCH_SECONDS per run (default 8), BENCH_CONNECTIONS (default 64).
 */
import cluster from 'node:cluster';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { openDatabase } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { buildApp } from '../src/http/app.js';
import { prepareStaticBody } from '../src/http/static-body.js';
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

/** The floor: the same bytes from a bare Fastify route, whole and as the same brotli bytes the service sends. */
async function serveFloor(body: string, port: number) {
  const app = Fastify({ logger: false });
  const brotli = prepareStaticBody(body).encoded.br.bytes;
  app.get('/indicators', async (_request, reply) => reply.type('application/json; charset=utf-8').send(body));
  app.get('/indicators-br', async (_request, reply) => reply.type('application/json; charset=utf-8').header('content-encoding', 'br').send(brotli));
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
    const first = await fetch(`${service.address}/v1/indicators`, { headers: { ...auth, 'accept-encoding': 'identity' } });
    const body = await first.text();
    const etag = first.headers.get('etag');
    if (first.status !== 200 || etag === null) throw new Error(`GET /v1/indicators answered ${first.status} without an ETag`);
    const floor = await start({ role: 'floor', body });
    try {
      const brotliBytes = prepareStaticBody(body).encoded.br.bytes.length;
      console.log(`GET /v1/indicators: ${fmt(body.length / 1024)} KB, ${fmt(brotliBytes / 1024, 1)} KB with brotli; ${SECONDS} s per run\n`);
      console.log('connections | route                                  |   req/s |  p50 ms |  p99 ms | non-2xx/errors');
      for (const connections of CONNECTIONS) {
        const plain = { 'accept-encoding': 'identity' };
        const browser = { 'accept-encoding': 'gzip, deflate, br' };
        const bare = await load(`${floor.address}/indicators`, connections, plain);
        const full = await load(`${service.address}/v1/indicators`, connections, { ...auth, ...plain });
        const bareBrotli = await load(`${floor.address}/indicators-br`, connections, browser);
        const brotli = await load(`${service.address}/v1/indicators`, connections, { ...auth, ...browser });
        const cached = await load(`${service.address}/v1/indicators`, connections, { ...auth, ...plain, 'if-none-match': etag });
        const row = (label: string, run: Awaited<ReturnType<typeof load>>) =>
          console.log(`${String(connections).padStart(11)} | ${label.padEnd(38)} | ${fmt(run.rps).padStart(7)} | ${fmt(run.p50, 1).padStart(7)} | ${fmt(run.p99, 1).padStart(7)} | ${run.non2xx}/${run.errors}`);
        row('bare Fastify, same bytes', bare);
        row('service, 200 (whole body, identity)', full);
        row('bare Fastify, same brotli bytes', bareBrotli);
        row('service, 200 (brotli, as browsers ask)', brotli);
        row('service, 304 (ETag sent back)', cached);
        const verdict = (run: Awaited<ReturnType<typeof load>>) => (run.rps >= 2000 && run.p99 <= 100 ? 'met' : 'missed');
        console.log(
          `${''.padStart(11)} | ratio service/floor: ${fmt(full.rps / bare.rps, 2)} (identity), ${fmt(brotli.rps / bareBrotli.rps, 2)} (brotli); ` +
            `goal ≥ 2,000 req/s and p99 ≤ 100 ms: ${verdict(brotli)} with brotli, ${verdict(full)} whole\n`,
        );
      }
    } finally {
      await floor.close();
    }
  } finally {
    await service.close();
    await target.drop();
  }
}
