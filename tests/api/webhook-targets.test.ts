import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { queryRows } from '../../src/db/client.js';
import { insertWebhook } from '../../src/db/repositories/webhooks.repository.js';
import { createWebhookDispatcher, enqueueWebhookEvent } from '../../src/services/webhooks.service.js';
import { connectLookup, isPublicAddress } from '../../src/services/webhook-targets.js';
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
    // Every IPv6 form that carries a non-public IPv4 address.
    ['::127.0.0.1', false],
    ['::7f00:1', false],
    ['::a9fe:a9fe', false],
    ['::ffff:0:127.0.0.1', false],
    ['64:ff9b::a9fe:a9fe', false],
    ['64:ff9b:1::a00:1', false],
    ['2002:a9fe:a9fe::1', false],
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', false],
    ['2001:db9::5efe:10.0.0.1', false],
    ['2606:4700::200:5efe:c0a8:101', false],
    ['2606:4700::5efe:8.8.8.8', true],
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
    'http://[::127.0.0.1]/hook',
    'http://[::a9fe:a9fe]/',
    'http://[::ffff:169.254.169.254]/',
    'http://[64:ff9b::7f00:1]/hook',
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

/** A receiver on 127.0.0.1 that answers 204 and counts what reaches it. */
async function countingReceiver() {
  const receiver = { calls: 0, port: 0, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  const server = createServer((_request, response) => {
    receiver.calls += 1;
    response.writeHead(204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.port = (server.address() as AddressInfo).port;
  return receiver;
}

describe('delivering', () => {
  test('a connection resolves the host through the check: a private address fails it, a public one is used', async () => {
    const lookupWith = (address: string, allowPrivate = false) => {
      const lookup = connectLookup({ allowPrivate, resolve: async () => [address] });
      return new Promise<{ error: NodeJS.ErrnoException | null; address: unknown }>((resolve) =>
        lookup('hooks.example.com', { all: true }, (error, found) => resolve({ error, address: found })),
      );
    };
    const refused = await lookupWith('10.0.0.7');
    expect(refused.error?.message).toMatch(/hooks\.example\.com resolves to 10\.0\.0\.7, which is not a public address/);
    expect(refused.error?.code).toBe('EADDRNOTPUBLIC');
    expect((await lookupWith('93.184.216.34')).address).toEqual([{ address: '93.184.216.34', family: 4 }]);
    expect((await lookupWith('10.0.0.7', true)).address).toEqual([{ address: '10.0.0.7', family: 4 }]);
  });

  test('a public name that resolves inside the network when the delivery connects (DNS rebinding) gets nowhere', async () => {
    const receiver = await countingReceiver();
    const { port } = receiver;
    const tenantId = await tenantIdOf(t.database.db, 'default');
    // Registered as a public name; by the time the delivery connects, it answers 127.0.0.1.
    const hook = await insertWebhook(t.database.db, { id: uuidv7(), tenantId, url: `http://rebind.example.com:${port}/hook`, secret: 'whsec_test', events: ['case.opened'], createdAt: new Date().toISOString() });
    const deliveryOf = async () => {
      const rows = await queryRows<{ status: string; last_error: string | null; last_status_code: number | null }>(
        t.database,
        sql`select status, last_error, last_status_code from webhook_deliveries where webhook_id = ${hook.id} order by created_at desc limit 1`,
      );
      return rows[0];
    };
    const rebinding = async () => ['127.0.0.1'];
    try {
      await t.database.db.transaction((tx) => enqueueWebhookEvent(tx, { tenantId, event: 'case.opened', data: { probe: 'rebind' }, now: new Date().toISOString() }));
      const refusing = createWebhookDispatcher({ db: t.database.db, pollMs: 10, backoffBaseMs: 10_000, maxAttempts: 1, resolveHost: rebinding });
      refusing.start();
      const failed = await eventually(async () => ((await deliveryOf())?.status === 'failed' ? deliveryOf() : undefined), 'the delivery to be given up');
      await refusing.stop();
      expect(failed?.last_error).toMatch(/rebind\.example\.com resolves to 127\.0\.0\.1, which is not a public address/);
      expect(receiver.calls).toBe(0);

      // The same resolver with private networks allowed reaches the receiver: the connection
      // really is made to the address the check saw.
      await t.database.db.transaction((tx) => enqueueWebhookEvent(tx, { tenantId, event: 'case.opened', data: { probe: 'allowed' }, now: new Date().toISOString() }));
      const allowing = createWebhookDispatcher({ db: t.database.db, pollMs: 10, backoffBaseMs: 10_000, maxAttempts: 1, resolveHost: rebinding, allowPrivateNetworks: true });
      allowing.start();
      const delivered = await eventually(async () => ((await deliveryOf())?.status === 'delivered' ? deliveryOf() : undefined), 'the allowed delivery');
      await allowing.stop();
      expect(delivered?.last_status_code).toBe(204);
      expect(receiver.calls).toBe(1);
    } finally {
      await receiver.close();
    }
  });

  test('a stored webhook pointing inside the network is never called: the attempt records why', async () => {
    const receiver = await countingReceiver();
    const { port } = receiver;
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
      expect(receiver.calls).toBe(0);
    } finally {
      await dispatcher.stop();
      await receiver.close();
    }
  });
});
