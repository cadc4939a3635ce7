import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { isDatabaseUnavailable } from '../../src/http/plugins/errors.plugin.js';
import { DOCS_CSP } from '../../src/http/plugins/security.plugin.js';
import { createApiKey } from '../../src/services/api-keys.service.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Security headers, per-key rate limits, the handler deadline and the mapping of a lost database
 * to 503. One app with a tiny rate limit and a short deadline serves the whole file.
 */
const CHROMIUM = '/usr/bin/chromium';
const RATE_LIMIT = 4;
const DEADLINE_MS = 1000;

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ appDeps: { rateLimitPerMinute: RATE_LIMIT, requestTimeoutMs: DEADLINE_MS } });
});
afterAll(() => t?.close());

const get = (url: string, key?: string) => t.app.inject({ method: 'GET', url, headers: key ? bearer(key) : {} });

function expectProblem(response: { statusCode: number; headers: Record<string, unknown>; body: string }, status: number) {
  expect(response.statusCode, response.body).toBe(status);
  expect(String(response.headers['content-type'])).toContain('application/problem+json');
  expect(JSON.parse(response.body)).toMatchObject({ status, type: expect.stringMatching(/^https:\/\//), title: expect.any(String), detail: expect.any(String) });
}

describe('security headers', () => {
  test('API responses forbid framing, sniffing and loading anything', async () => {
    const response = await get('/healthz');
    expect(response.headers).toMatchObject({
      'content-security-policy': "default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'",
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'referrer-policy': 'no-referrer',
      'cross-origin-resource-policy': 'same-origin',
      'strict-transport-security': expect.stringContaining('max-age='),
    });
    expect(response.headers['x-powered-by']).toBeUndefined();
    // Errors carry them too.
    expect((await get('/v1/nothing')).headers['content-security-policy']).toContain("default-src 'none'");
  });

  test('/docs gets a policy swagger-ui can work with; the console keeps its own stricter one', async () => {
    const docs = await get('/docs/');
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-security-policy']).toBe(DOCS_CSP);
    const consolePage = await get('/console');
    expect(consolePage.statusCode).toBe(200);
    expect(consolePage.headers['content-security-policy']).toMatch(/^default-src 'none'; script-src 'self'; style-src 'self';/);
    expect(consolePage.headers['x-frame-options']).toBe('DENY');
  });

  test.skipIf(!existsSync(CHROMIUM))('swagger-ui renders every operation in Chromium without a CSP violation', { timeout: 60_000 }, async () => {
    const base = (await t.app.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(`${base}/docs/`);
      await page.waitForSelector('.opblock', { timeout: 30_000 });
      const operations = await page.locator('.opblock').count();
      expect(operations).toBeGreaterThan(10);
      expect(problems.filter((text) => /Content Security Policy|Refused to/i.test(text))).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

describe('rate limits per API key', () => {
  test(`a key gets ${RATE_LIMIT} requests a minute, then 429 problem+json with Retry-After; other keys and public routes are unaffected`, async () => {
    const key = (await createApiKey(t.database.db, { tenantSlug: 'default', roles: ['reviewer'], owner: 'hardening test' })).key;
    const sameTenant = (await createApiKey(t.database.db, { tenantSlug: 'default', roles: ['reviewer'], owner: 'hardening test' })).key;
    for (let index = 0; index < RATE_LIMIT; index += 1) {
      const response = await get('/v1/lists', key);
      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers['x-ratelimit-remaining']).toBe(String(RATE_LIMIT - index - 1));
    }
    const limited = await get('/v1/lists', key);
    expectProblem(limited, 429);
    expect(limited.json().type).toBe('https://redflag.dev/problems/rate-limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);

    // Keyed by API key, not by address: every inject comes from 127.0.0.1.
    expect((await get('/v1/lists', sameTenant)).statusCode).toBe(200);
    for (let index = 0; index < RATE_LIMIT * 3; index += 1) {
      for (const url of ['/healthz', '/readyz', '/openapi.json', '/docs/', '/console']) expect((await get(url)).statusCode, url).toBe(200);
    }
    // Missing or wrong keys are refused by authentication, not counted against anyone.
    expectProblem(await get('/v1/lists'), 401);
    expectProblem(await get('/v1/lists', 'rf_not-a-real-key'), 401);
  });
});

describe('rate limits count batch items', () => {
  const batch = (key: string, count: number, prefix: string) =>
    t.app.inject({
      method: 'POST',
      url: '/v1/screenings/batch',
      headers: bearer(key),
      payload: { items: Array.from({ length: count }, (_, index) => ({ subject: { externalRef: `${prefix}-${index}`, name: `Batch Person ${index}` } })) },
    });
  const screened = async (prefix: string) =>
    (await queryRows<{ n: number }>(t.database, sql`select count(*)::int as n from decisions where external_ref like ${`${prefix}-%`}`))[0]!.n;

  test(`a batch of n items counts as n requests; one that does not fit is 429 and screens nothing`, async () => {
    const key = (await createApiKey(t.database.db, { tenantSlug: 'default', roles: ['screener'], owner: 'hardening test' })).key;
    const fits = await batch(key, RATE_LIMIT - 1, 'fits');
    expect(fits.statusCode, fits.body).toBe(200);
    expect(await screened('fits')).toBe(RATE_LIMIT - 1);
    // One request left: a batch of two does not fit, and nothing of it is screened or charged.
    const tooMany = await batch(key, 2, 'too-many');
    expectProblem(tooMany, 429);
    expect(tooMany.json().detail).toMatch(/counts as 2 requests/);
    expect(Number(tooMany.headers['retry-after'])).toBeGreaterThan(0);
    expect(await screened('too-many')).toBe(0);
    // The refused batch itself used the last request.
    expectProblem(await batch(key, 1, 'after'), 429);
  });

  test('a batch larger than the whole allowance says it can never fit', async () => {
    const key = (await createApiKey(t.database.db, { tenantSlug: 'default', roles: ['screener'], owner: 'hardening test' })).key;
    const huge = await batch(key, RATE_LIMIT + 1, 'huge');
    expectProblem(huge, 429);
    expect(huge.json().detail).toMatch(new RegExp(`at most ${RATE_LIMIT} items`));
    expect(await screened('huge')).toBe(0);
  });
});

describe('handler deadline', () => {
  test('a request stuck behind a lock gets 503 problem+json at the deadline; the service recovers', { timeout: 20_000 }, async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    // Authentication reads api_keys first, so every protected request waits for this lock.
    const holder = t.database.db.transaction(async (tx) => {
      await tx.execute(sql`lock table api_keys in access exclusive mode`);
      locked();
      await released;
    });
    await isLocked;
    const started = Date.now();
    const stuck = await t.app.inject({ method: 'POST', url: '/v1/screenings', headers: bearer(t.keys.screener), payload: { subject: { name: 'Stuck Person' } } });
    const waited = Date.now() - started;
    release();
    await holder;
    expectProblem(stuck, 503);
    expect(stuck.json().type).toBe('https://redflag.dev/problems/unavailable');
    expect(stuck.headers['retry-after']).toBe('1');
    expect(waited).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
    expect(waited).toBeLessThan(DEADLINE_MS + 4000);

    await sleep(50);
    const after = await t.app.inject({ method: 'POST', url: '/v1/screenings', headers: bearer(t.keys.screener), payload: { subject: { name: 'Next Person' } } });
    expect(after.statusCode, after.body).toBe(201);
  });
});

describe('a lost database', () => {
  test('connection errors, as pg and drizzle report them, count as unavailable (503), others do not', async () => {
    // Port 1 on loopback: nothing listens there, so this is the error a stopped server gives.
    const pool = new pg.Pool({ connectionString: 'postgresql://postgres@127.0.0.1:1/none', connectionTimeoutMillis: 2000 });
    pool.on('error', () => undefined);
    const refused = await drizzle(pool)
      .execute(sql`select 1`)
      .then(() => undefined, (error: unknown) => error);
    await pool.end();
    expect(refused).toBeInstanceOf(Error);
    expect(isDatabaseUnavailable(refused)).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('Failed query: select 1'), { cause: Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }) }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('Failed query: insert'), { cause: Object.assign(new Error('duplicate key'), { code: '23505' }) }))).toBe(false);
    // drizzle quotes bound values in its message; a value is no evidence of a lost connection.
    expect(isDatabaseUnavailable(new Error('Failed query: select $1\nparams: Connection terminated'))).toBe(false);
  });
});
