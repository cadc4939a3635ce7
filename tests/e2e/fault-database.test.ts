import { createServer, connect, type Server, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { buildApp } from '../../src/http/app.js';
import { createApiKey } from '../../src/services/api-keys.service.js';
import { bootstrapIfEmpty } from '../../src/services/bootstrap.service.js';
import { captureLogs } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { freePort } from '../helpers/server-process.js';

/**
 * The database goes away under a running app and comes back. The app reaches PostgreSQL through
 * a TCP relay this test can cut: open connections are reset and new ones refused, as in a server
 * restart. Requests meanwhile get 503 problem+json (never 500), readiness says so, and the app
 * recovers by itself. (`npm run fault:pg-restart` does the same with a real restart.)
 */

/** A TCP relay to PostgreSQL that can be cut and restored on the same port. */
function relay(target: { host: string; port: number }, port: number) {
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  return {
    start: () =>
      new Promise<void>((resolve, reject) => {
        server = createServer((client) => {
          const upstream = connect(target.port, target.host);
          for (const socket of [client, upstream]) {
            sockets.add(socket);
            socket.on('close', () => sockets.delete(socket));
            socket.on('error', () => {
              client.destroy();
              upstream.destroy();
            });
          }
          client.pipe(upstream).pipe(client);
        });
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => resolve());
      }),
    cut: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        if (server) server.close(() => resolve());
        else resolve();
      }),
  };
}

let database: TestDatabase;
let appDatabase: Database;
let app: FastifyInstance;
let link: ReturnType<typeof relay>;
let screenerKey: string;
let auditorKey: string;

describe.skipIf(!process.env.DATABASE_URL)('losing PostgreSQL while serving', () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    const bootstrap = await bootstrapIfEmpty(database.db, {});
    screenerKey = bootstrap.created ? bootstrap.apiKey : '';
    auditorKey = (await createApiKey(database.db, { tenantSlug: 'default', roles: ['auditor'], owner: 'fault test' })).key;
    const direct = new URL(database.url!);
    const port = await freePort();
    link = relay({ host: direct.hostname, port: Number(direct.port || 5432) }, port);
    await link.start();
    const relayed = new URL(database.url!);
    relayed.hostname = '127.0.0.1';
    relayed.port = String(port);
    appDatabase = await openDatabase({ kind: 'postgres', url: relayed.toString() });
    const { stream } = captureLogs();
    app = await buildApp({ database: appDatabase, logStream: stream, listRefreshMs: 0, retentionCheckMs: 0, rateLimitPerMinute: 0, webhooks: { pollMs: 0 }, monitoring: false });
    await app.ready();
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await appDatabase?.close();
    await link?.cut();
    await database?.destroy();
  });

  const screen = (name: string) => app.inject({ method: 'POST', url: '/v1/screenings', headers: { authorization: `Bearer ${screenerKey}` }, payload: { subject: { name } } });

  test('requests get 503 problem+json while it is gone, and succeed again once it is back', { timeout: 60_000 }, async () => {
    const before = await screen('Before Outage');
    expect(before.statusCode, before.body).toBe(201);

    // Cut while screenings are inside their transactions (held there by a lock taken directly,
    // not through the relay): a connection dropping under a checked-out client must fail that
    // request with 503, not crash the process with an unhandled 'error' event.
    const blocker = new pg.Client({ connectionString: database.url });
    await blocker.connect();
    await blocker.query('begin');
    await blocker.query('lock table subjects in exclusive mode');
    const inFlight = Array.from({ length: 6 }, (_, index) => screen(`In Flight ${index}`));
    await new Promise((resolve) => setTimeout(resolve, 500));
    await link.cut();
    await blocker.query('rollback');
    await blocker.end();
    const answered = await Promise.all(inFlight);
    expect(answered.map((response) => response.statusCode)).toEqual(answered.map(() => 503));
    for (const response of answered) {
      expect([201, 503], response.body).toContain(response.statusCode);
      if (response.statusCode === 503) expect(response.headers['content-type']).toContain('application/problem+json');
    }
    const acknowledged = answered.filter((response) => response.statusCode === 201).map((response) => response.json<{ id: string }>().id);

    for (const attempt of [screen('During Outage'), app.inject({ method: 'GET', url: `/v1/decisions/${before.json<{ id: string }>().id}`, headers: { authorization: `Bearer ${screenerKey}` } }), app.inject({ method: 'GET', url: '/readyz' })]) {
      const response = await attempt;
      expect(response.statusCode, response.body).toBe(503);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json()).toMatchObject({ type: 'https://redflag.dev/problems/unavailable', status: 503 });
      expect(response.body).not.toMatch(/select|insert|ECONNREFUSED|127\.0\.0\.1/i);
    }
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 'liveness stays up: restarting would not help').toBe(200);

    await link.start();
    const after = await screen('After Outage');
    expect(after.statusCode, after.body).toBe(201);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    const verify = await app.inject({ method: 'GET', url: '/v1/audit/verify', headers: { authorization: `Bearer ${auditorKey}` } });
    expect(verify.json(), verify.body).toMatchObject({ ok: true });
    for (const id of acknowledged) {
      const stored = await app.inject({ method: 'GET', url: `/v1/decisions/${id}`, headers: { authorization: `Bearer ${screenerKey}` } });
      expect(stored.statusCode, 'every decision acknowledged before the cut is stored').toBe(200);
    }
  });
});
