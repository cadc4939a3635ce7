import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { queryRows } from '../../src/db/client.js';
import { insertWebhook } from '../../src/db/repositories/webhooks.repository.js';
import { createWebhookDispatcher, enqueueWebhookEvent } from '../../src/services/webhooks.service.js';
import { isPublicAddress, refusedAtDelivery } from '../../src/services/webhook-targets.js';
import { api, eventually } from '../helpers/cases-fixtures.js';
import { tenantIdOf } from '../helpers/audit-decisions.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/** Webhooks must not become a way to reach the operator's internal network (SSRF). */
let t: TestApp;

beforeAll(async () => {
  // The default a deployment gets: public targets only.
  t = await createTestApp({ appDeps: { webhooks: { allowPrivateNetworks: false } } });
});
afterAll(() => t.close());

describe('which addresses are public', () => {
  test.each([
    ['8.8.8.8', true],
    ['2606:4700:4700::1111', true],
    ['127.0.0.1', false],
    ['10.1.2.3', false],
    ['172.16.0.1', false],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['224.0.0.1', false],
    ['::1', false],
    ['fe80::1', false],
    ['fd00::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:8.8.8.8', true],
    ['not an address', false],
  ])('%s → %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});

describe('registering a webhook', () => {
  test.each([
    'http://127.0.0.1:8080/hook',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::1]/hook',
    'http://10.0.0.5/hook',
    'http://localhost:3000/hook',
    'http://db.internal/hook',
    'http://intranet/hook',
    'http://2130706433/hook',
  ])('%s is 400 naming /url', async (url) => {
    const response = await api(t, t.keys.admin).post('/v1/webhooks', { url, events: ['case.opened'] });
    expect(response.status, JSON.stringify(response.body)).toBe(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ field: '/url', message: expect.stringMatching(/not a public address|local host name/) })]);
  });

  test('a public host name is accepted', async () => {
    const response = await api(t, t.keys.admin).post('/v1/webhooks', { url: 'https://hooks.example.com/redflag', events: ['case.opened'] });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
  });
});

describe('delivering', () => {
  test('a name that resolves to a private address is refused at delivery time', async () => {
    const resolveTo = (address: string) => async () => [address];
    expect(await refusedAtDelivery('https://hooks.example.com/a', resolveTo('10.0.0.7'))).toMatch(/resolves to 10\.0\.0\.7/);
    expect(await refusedAtDelivery('https://hooks.example.com/a', resolveTo('93.184.216.34'))).toBeUndefined();
  });

  test('a stored webhook pointing inside the network is never called: the attempt records why', async () => {
    let calls = 0;
    const server = createServer((_request, response) => {
      calls += 1;
      response.writeHead(204).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const tenantId = await tenantIdOf(t.database.db, 'default');
    // Stored directly, as if registered while private networks were allowed (or by an older version).
    const hook = await insertWebhook(t.database.db, { id: uuidv7(), tenantId, url: `http://127.0.0.1:${port}/hook`, secret: 'whsec_test', events: ['case.opened'], createdAt: new Date().toISOString() });
    await t.database.db.transaction((tx) => enqueueWebhookEvent(tx, { tenantId, event: 'case.opened', data: { probe: true }, now: new Date().toISOString() }));
    const dispatcher = createWebhookDispatcher({ db: t.database.db, pollMs: 10, backoffBaseMs: 10_000, maxAttempts: 1 });
    dispatcher.start();
    try {
      const delivery = await eventually(async () => {
        const rows = await queryRows<{ status: string; last_error: string | null }>(t.database, sql`select status, last_error from webhook_deliveries where webhook_id = ${hook.id}`);
        return rows[0]?.status === 'failed' ? rows[0] : undefined;
      }, 'the delivery to be given up');
      expect(delivery.last_error).toMatch(/not sent: 127\.0\.0\.1 is not a public address/);
      expect(calls).toBe(0);
    } finally {
      await dispatcher.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
