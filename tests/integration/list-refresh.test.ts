import request from 'supertest';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { buildApp } from '../../src/http/app.js';
import { bearer, captureLogs, createTestApp, type TestApp } from '../helpers/test-app.js';
import { listEntry, loadTestList } from '../helpers/list-fixtures.js';

let first: TestApp;
let second: FastifyInstance;
let secondDatabase: Database | undefined;

beforeAll(async () => {
  first = await createTestApp();
  // A second instance: its own connection pool on a real server, the same embedded database otherwise.
  secondDatabase = first.database.url ? await openDatabase({ kind: 'postgres', url: first.database.url }) : undefined;
  second = await buildApp({ database: secondDatabase ?? first.database, logStream: captureLogs().stream, listRefreshMs: 50 });
  await second.ready();
});
afterAll(async () => {
  await second.close();
  await secondDatabase?.close();
  await first.close();
});

describe('a list version activated elsewhere', () => {
  test('reaches another instance without a restart', async () => {
    const screen = () => request(second.server).post('/v1/screenings').set(bearer(first.keys.screener)).send({ subject: { name: 'Ri Pyong Chol' } });
    expect((await screen()).body.hits).toEqual([]);

    await loadTestList(first.database.db, 'late-list', [listEntry({ sourceId: 'X-1', name: 'RI, Pyong Chol' })]);

    let latest: request.Response | undefined;
    // The second instance polls every 50 ms; allow it up to 5 s.
    for (let attempt = 0; attempt < 100 && !latest?.body?.listVersions?.length; attempt += 1) {
      latest = await screen();
      if (latest.body.listVersions.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(latest?.body.listVersions).toEqual([expect.objectContaining({ source: 'late-list', version: 1 })]);
    expect(latest?.body.hits[0]?.entry?.sourceId).toBe('X-1');
  });
});
