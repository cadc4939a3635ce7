import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApiKey } from '../../src/services/api-keys.service.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';

/** Failed authentication is limited per client address: each wrong key costs a database query. */
let t: TestApp;
const LIMIT = 5;

beforeAll(async () => {
  // Behind a proxy that sets X-Forwarded-For, so the test can speak from several addresses.
  t = await createTestApp({ appDeps: { authFailuresPerMinute: LIMIT, trustProxy: true } });
});
afterAll(() => t.close());

const from = (address: string, key?: string) => {
  const pending = request(t.app.server).get('/v1/cases').set('X-Forwarded-For', address);
  return key === undefined ? pending : pending.set(bearer(key));
};
const wrongKey = (n: number) => `rf_wrong-key-number-${n}-${'x'.repeat(20)}`;

describe('failed authentication per client address', () => {
  test('requests without a key are 401 and do not count: they cost no database query', async () => {
    for (let n = 0; n < LIMIT * 3; n += 1) expect((await from('203.0.113.7')).status).toBe(401);
    expect((await from('203.0.113.7', wrongKey(0))).status).toBe(401);
  });

  test(`after ${LIMIT} wrong keys an address gets 429 problem+json with Retry-After; a working key it used just before still gets through`, async () => {
    const address = '198.51.100.20';
    expect((await from(address, t.keys.reviewer)).status).toBe(200);
    for (let n = 1; n <= LIMIT; n += 1) {
      const response = await from(address, wrongKey(n));
      expect(response.status, `wrong key ${n}`).toBe(401);
    }
    const refused = await from(address, wrongKey(99));
    expect(refused.status, JSON.stringify(refused.body)).toBe(429);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body.type).toBe('https://redflag.dev/problems/rate-limited');
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.body.detail).toMatch(/not valid/);

    expect((await from(address, t.keys.reviewer)).status, 'a key checked a moment ago is known without the database').toBe(200);
    // A key the instance has not seen lately would need the query the limit saves: it waits too.
    const unseen = (await createApiKey(t.database.db, { tenantSlug: 'default', roles: ['reviewer'], owner: 'Unseen Reviewer' })).key;
    expect((await from(address, unseen)).status).toBe(429);
    expect((await from('198.51.100.21', unseen)).status, 'another address is not affected').toBe(200);
  });
});
