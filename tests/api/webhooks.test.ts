import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { createWebhookDispatcher, enqueueWebhookEvent, verifyWebhookSignature } from '../../src/services/webhooks.service.js';
import { api, eventually, screen, WATCHLIST } from '../helpers/cases-fixtures.js';
import { loadTestList } from '../helpers/list-fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** A real HTTP receiver on 127.0.0.1: answers 500 to the first `failFirst` requests, then 204. */
async function startReceiver(options: { failFirst?: number } = {}) {
  const received: Received[] = [];
  let failuresLeft = options.failFirst ?? 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        response.writeHead(500).end('try again');
      } else {
        response.writeHead(204).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks/redflag`, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A port nothing listens on: bind one, note it, release it. */
async function closedPortUrl() {
  const receiver = await startReceiver();
  await receiver.close();
  return receiver.url;
}

const BACKOFF_MS = 100;
let t: TestApp;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  receiver = await startReceiver({ failFirst: 1 });
  t = await createTestApp({
    beforeBuild: async (database) => {
      await loadTestList(database.db, 'test-watchlist', WATCHLIST);
    },
    appDeps: { webhooks: { backoffBaseMs: BACKOFF_MS, pollMs: 50, maxAttempts: 4, timeoutMs: 2000 } },
  });
});
afterAll(async () => {
  await t.close();
  await receiver.close();
});

const admin = () => api(t, t.keys.admin);
const json = (body: unknown) => JSON.stringify(body);

describe('webhook registration', () => {
  test('returns the secret once; the listing never shows it', async () => {
    // A local port nothing listens on: later screenings in this file must not reach the internet.
    const url = await closedPortUrl();
    const created = await admin().post('/v1/webhooks', { url, events: ['case.opened'] });
    expect(created.status, json(created.body)).toBe(201);
    expect(created.body).toMatchObject({ id: expect.any(String), url, events: ['case.opened'], disabledAt: null, secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{40,}$/) });
    expect(created.headers.location).toBe(`/v1/webhooks/${created.body.id}`);
    const listed = await admin().get('/v1/webhooks');
    expect(listed.status).toBe(200);
    expect(listed.body.items).toContainEqual({ id: created.body.id, url, events: ['case.opened'], createdAt: expect.any(String), disabledAt: null });
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
  });

  test.each([
    ['an ftp URL', { url: 'ftp://hooks.example.com/a', events: ['case.opened'] }, '/url'],
    ['a javascript: URL', { url: 'javascript:alert(1)', events: ['case.opened'] }, '/url'],
    ['a file URL', { url: 'file:///etc/passwd', events: ['case.opened'] }, '/url'],
    ['not a URL', { url: 'hooks.example.com', events: ['case.opened'] }, '/url'],
    ['a URL with credentials', { url: 'https://user:pass@hooks.example.com/a', events: ['case.opened'] }, '/url'],
    ['an unknown event', { url: 'https://hooks.example.com/a', events: ['case.reopened'] }, '/events/0'],
    ['no events', { url: 'https://hooks.example.com/a', events: [] }, '/events'],
    ['an unknown field', { url: 'https://hooks.example.com/a', events: ['case.opened'], secret: 'mine' }, '/secret'],
  ])('%s is 400 naming the field', async (_label, body, field) => {
    const response = await admin().post('/v1/webhooks', body);
    expect(response.status, json(response.body)).toBe(400);
    expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
  });

  test('the deliveries of an unknown webhook are 404', async () => {
    expect((await admin().get('/v1/webhooks/0190f2a0-0000-7000-8000-000000000000/deliveries')).status).toBe(404);
  });
});

describe('signed deliveries with retries', () => {
  let webhookId: string;
  let secret: string;
  let caseId: string;

  test('case.opened reaches a receiver that fails the first attempt, after a backoff, signed; every attempt is recorded', async () => {
    const created = await admin().post('/v1/webhooks', { url: receiver.url, events: ['case.opened', 'case.disposed'] });
    expect(created.status, json(created.body)).toBe(201);
    webhookId = created.body.id;
    secret = created.body.secret;

    const decision = await screen(t, { externalRef: 'hook-1', name: 'Sang Man Kim' });
    caseId = decision.caseId!;
    await eventually(async () => (receiver.received.length >= 2 ? true : undefined), 'two attempts at the receiver');

    const [failed, succeeded] = [receiver.received[0]!, receiver.received[1]!];
    expect(succeeded.at - failed.at).toBeGreaterThanOrEqual(BACKOFF_MS - 10);
    expect(succeeded.body).toBe(failed.body);
    expect(succeeded.headers['x-redflag-delivery']).toBe(failed.headers['x-redflag-delivery']);
    expect(succeeded.headers['x-redflag-event']).toBe('case.opened');
    expect(succeeded.headers['content-type']).toBe('application/json');

    // The receiver's check: t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." + body)>.
    const signature = String(succeeded.headers['x-redflag-signature']);
    const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(signature);
    expect(match, signature).not.toBeNull();
    const expected = createHmac('sha256', secret).update(`${match![1]}.${succeeded.body}`).digest('hex');
    expect(match![2]).toBe(expected);
    expect(Math.abs(Number(match![1]) - Date.now() / 1000)).toBeLessThan(60);
    expect(verifyWebhookSignature({ secret, header: signature, body: succeeded.body, nowSeconds: Math.floor(Date.now() / 1000) })).toBe(true);
    expect(verifyWebhookSignature({ secret: 'whsec_wrong', header: signature, body: succeeded.body, nowSeconds: Math.floor(Date.now() / 1000) })).toBe(false);
    expect(verifyWebhookSignature({ secret, header: signature, body: succeeded.body.replace('hook-1', 'hook-2'), nowSeconds: Math.floor(Date.now() / 1000) })).toBe(false);
    expect(verifyWebhookSignature({ secret, header: signature, body: succeeded.body, nowSeconds: Math.floor(Date.now() / 1000) + 3600 })).toBe(false);

    const payload = JSON.parse(succeeded.body);
    expect(payload).toMatchObject({ id: expect.any(String), event: 'case.opened', data: { caseId, externalRef: 'hook-1', status: 'open', outcome: 'review', decisionId: decision.id } });

    const deliveries = await eventually(async () => {
      const page = await admin().get(`/v1/webhooks/${webhookId}/deliveries`);
      return page.body.items?.[0]?.status === 'delivered' ? page.body : undefined;
    }, 'the delivery to be recorded as delivered');
    expect(deliveries.total).toBe(1);
    // Queued by the statement that wrote the screening: a UUIDv7 made by PostgreSQL (migration 0009).
    expect(deliveries.items[0].id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Math.abs(parseInt(deliveries.items[0].id.replaceAll('-', '').slice(0, 12), 16) - Date.now())).toBeLessThan(60_000);
    expect(deliveries.items[0]).toMatchObject({ id: succeeded.headers['x-redflag-delivery'], event: 'case.opened', status: 'delivered', attempts: 2, lastStatusCode: 204, lastError: null, nextAttemptAt: null });
    expect(deliveries.items[0].attemptLog).toEqual([
      { at: expect.any(String), statusCode: 500, ms: expect.any(Number) },
      { at: expect.any(String), statusCode: 204, ms: expect.any(Number) },
    ]);
  });

  test('case.disposed is sent when the case closes (a false positive on a list hit: when the second person approves)', async () => {
    const before = receiver.received.length;
    const proposed = await api(t, t.keys.reviewer).post(`/v1/cases/${caseId}/disposition`, { disposition: 'false_positive', note: 'Different person.' });
    expect(proposed.body.case?.status, json(proposed.body)).toBe('pending_approval');
    const closed = await api(t, t.keys.admin).post(`/v1/cases/${caseId}/approve`, {});
    expect(closed.status, json(closed.body)).toBe(200);
    await eventually(async () => (receiver.received.length > before ? true : undefined), 'the case.disposed delivery');
    const delivery = receiver.received[before]!;
    expect(delivery.headers['x-redflag-event']).toBe('case.disposed');
    expect(JSON.parse(delivery.body)).toMatchObject({ event: 'case.disposed', data: { caseId, status: 'closed', disposition: 'false_positive', externalRef: 'hook-1' } });
  });

  test('comments, assignments and escalations send nothing; only subscribed events are queued', async () => {
    const onlyOpened = await admin().post('/v1/webhooks', { url: receiver.url, events: ['case.opened'] });
    const { caseId: another } = await screen(t, { externalRef: 'hook-2', name: 'Pak Hwa Song' });
    await api(t, t.keys.reviewer).post(`/v1/cases/${another}/comments`, { text: 'note' }).expect(201);
    await api(t, t.keys.reviewer).post(`/v1/cases/${another}/disposition`, { disposition: 'escalated', note: 'why' }).expect(200);
    await api(t, t.keys.reviewer).post(`/v1/cases/${another}/disposition`, { disposition: 'cleared', note: 'ok' }).expect(200);
    await api(t, t.keys.admin).post(`/v1/cases/${another}/approve`, {}).expect(200);
    const onlyOpenedDeliveries = await eventually(async () => {
      const page = (await admin().get(`/v1/webhooks/${onlyOpened.body.id}/deliveries`)).body;
      return page.items.every((item: { status: string }) => item.status === 'delivered') ? page : undefined;
    }, 'deliveries of the second webhook');
    expect(onlyOpenedDeliveries.items.map((item: { event: string }) => item.event)).toEqual(['case.opened']);
    const all = (await admin().get(`/v1/webhooks/${webhookId}/deliveries`)).body;
    expect(all.items.map((item: { event: string }) => item.event).sort()).toEqual(['case.disposed', 'case.disposed', 'case.opened', 'case.opened']);
  });

  test('an unreachable receiver: each attempt is recorded with its error, then the delivery is failed', async () => {
    const created = await admin().post('/v1/webhooks', { url: await closedPortUrl(), events: ['case.opened'] });
    await screen(t, { externalRef: 'hook-3', name: 'Han Chol Jin' });
    const failed = await eventually(async () => {
      const page = (await admin().get(`/v1/webhooks/${created.body.id}/deliveries`)).body;
      return page.items[0]?.status === 'failed' ? page.items[0] : undefined;
    }, 'the delivery to be given up', 15_000);
    expect(failed).toMatchObject({ attempts: 4, lastStatusCode: null, lastError: expect.stringMatching(/ECONNREFUSED|refused/i), nextAttemptAt: null });
    expect(failed.attemptLog).toHaveLength(4);
    const times = (failed.attemptLog as { at: string; error: string }[]).map((attempt) => new Date(attempt.at).getTime());
    // Backoff doubles: 100, 200, 400 ms between the four attempts (poll granularity aside).
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(BACKOFF_MS - 10);
    expect(times[3]! - times[2]!).toBeGreaterThanOrEqual(4 * BACKOFF_MS - 10);
  });
});

describe('several dispatchers on one database', () => {
  test('never send a delivery twice (FOR UPDATE SKIP LOCKED and a lease)', async () => {
    const counting = await startReceiver();
    try {
      const hook = await admin().post('/v1/webhooks', { url: counting.url, events: ['case.opened'] });
      const [row] = await queryRows<{ tenant_id: string }>(t.database, sql`select tenant_id from webhooks where id = ${hook.body.id}`);
      const tenantId = row!.tenant_id;
      const workers = [1, 2, 3].map(() => createWebhookDispatcher({ db: t.database.db, pollMs: 5, backoffBaseMs: BACKOFF_MS, batchSize: 3, allowPrivateNetworks: true }));
      await t.database.db.transaction(async (tx) => {
        for (let index = 0; index < 30; index += 1) {
          await enqueueWebhookEvent(tx, { tenantId, event: 'case.opened', data: { index }, now: new Date().toISOString() });
        }
      });
      for (const worker of workers) worker.start();
      try {
        await eventually(async () => {
          const page = (await admin().get(`/v1/webhooks/${hook.body.id}/deliveries?limit=200`)).body;
          return page.total === 30 && page.items.every((item: { status: string }) => item.status === 'delivered') ? true : undefined;
        }, 'all 30 deliveries', 15_000);
      } finally {
        await Promise.all(workers.map((worker) => worker.stop()));
      }
      const ids = counting.received.map((request) => String(request.headers['x-redflag-delivery']));
      expect(ids).toHaveLength(30);
      expect(new Set(ids).size).toBe(30);
    } finally {
      await counting.close();
    }
  });
});
