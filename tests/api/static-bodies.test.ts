import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * The public files that do not change while the process runs (the OpenAPI document, the console's
 * page, script and style) are sent compressed when the client accepts it, with a strong ETag per
 * coding, and keep their own headers (the console's content security policy).
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });

describe('static bodies', () => {
  test.each([
    ['/openapi.json', 'application/json; charset=utf-8'],
    ['/console', 'text/html; charset=utf-8'],
    ['/console/console.js', 'text/javascript; charset=utf-8'],
    ['/console/console.css', 'text/css; charset=utf-8'],
  ])('%s: the same bytes whole, with gzip and with brotli; any of its ETags revalidates', async (url, contentType) => {
    const plain = await get(url);
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-type']).toBe(contentType);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toContain('Accept-Encoding');
    const gzipped = await get(url, { 'accept-encoding': 'gzip' });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzipped.rawPayload).toString('utf8')).toBe(plain.payload);
    const brotli = await get(url, { 'accept-encoding': 'gzip, deflate, br' });
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(brotli.rawPayload).toString('utf8')).toBe(plain.payload);
    for (const tag of [plain.headers.etag, gzipped.headers.etag, brotli.headers.etag]) {
      const again = await get(url, { 'accept-encoding': 'br', 'if-none-match': String(tag) });
      expect(again.statusCode).toBe(304);
      expect(again.payload).toBe('');
    }
    expect((await get(url, { 'if-none-match': '"elsewhere"' })).statusCode).toBe(200);
  });

  test('the OpenAPI document is the one the app describes', async () => {
    expect(JSON.parse((await get('/openapi.json')).payload)).toEqual(JSON.parse(JSON.stringify(t.app.swagger())));
  });

  test('the console keeps its security headers on every coding and on a 304', async () => {
    const brotli = await get('/console/console.js', { 'accept-encoding': 'br' });
    const revalidated = await get('/console/console.js', { 'if-none-match': String(brotli.headers.etag) });
    for (const response of [brotli, revalidated]) {
      expect(response.headers['content-security-policy']).toMatch(/^default-src 'none'; script-src 'self';/);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['cache-control']).toBe('no-cache');
    }
  });
});
