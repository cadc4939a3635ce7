import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('health', () => {
  test('/healthz answers ok', async () => {
    const response = await request(t.app.server).get('/healthz');
    expect(response.body).toEqual({ status: 'ok' });
  });

  test('/readyz reports the database kind when migrations are applied', async () => {
    const response = await request(t.app.server).get('/readyz');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ready', database: process.env.DATABASE_URL ? 'postgres' : 'pglite' });
  });
});
