/**
 * The README's backup and restore, done: pg_dump of a live database with decisions and signed
 * checkpoints, restored with psql into a fresh database, on which the chain and the checkpoints
 * verify, online and offline. PostgreSQL only (PGlite's backup is a copy of DATA_DIR while stopped).
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createCheckpointSigner } from '../../src/audit/checkpoint-signing.js';
import { runVerifyExportCli } from '../../src/audit/verify-export.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { migrationsAreCurrent } from '../../src/db/migrate.js';
import { buildApp } from '../../src/http/app.js';
import { signDueCheckpoints } from '../../src/services/audit-checkpoints.service.js';
import { screen } from '../helpers/cases-fixtures.js';
import { bearer, createTestApp, FIXED_NOW, type TestApp } from '../helpers/test-app.js';

const serverUrl = process.env.DATABASE_URL;
const signer = createCheckpointSigner(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
let t: TestApp;
let dir: string;
let restoredName: string;
let restored: Database;

async function admin(statement: string) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

describe.skipIf(!serverUrl)('backup and restore (PostgreSQL)', () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'redflag-backup-'));
    t = await createTestApp({ appDeps: { checkpoints: { signer, every: 2, minutes: 10, pollMs: 0 } } });
    for (let n = 1; n <= 5; n += 1) {
      await screen(t, { externalRef: `backup-${n}`, name: `Person Number${n}` });
      await signDueCheckpoints({ db: t.database.db, now: () => FIXED_NOW }, signer, { every: 2, minutes: 10 });
    }
    restoredName = `redflag_restore_${Date.now().toString(36)}`;
  });
  afterAll(async () => {
    await restored?.close();
    await t?.close();
    if (restoredName) await admin(`drop database if exists ${restoredName} with (force)`);
    rmSync(dir, { recursive: true, force: true });
  });

  test('a pg_dump restored with psql into a fresh database verifies: chain, stored checkpoints, export offline', async () => {
    const dump = path.join(dir, 'redflag.sql');
    // As the README says: a plain dump of the whole database, restored into an empty one.
    execFileSync('pg_dump', ['--no-owner', '--no-privileges', '--file', dump, t.database.url!]);
    await admin(`create database ${restoredName}`);
    const url = new URL(serverUrl!);
    url.pathname = `/${restoredName}`;
    execFileSync('psql', ['--quiet', '--no-psqlrc', '-v', 'ON_ERROR_STOP=1', '--dbname', url.toString(), '--file', dump], { stdio: ['ignore', 'ignore', 'pipe'] });

    restored = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 4 });
    expect(await migrationsAreCurrent(restored)).toBe(true);
    const app = await buildApp({
      database: restored,
      logStream: new Writable({ write: (_chunk, _encoding, callback) => callback() }),
      now: () => FIXED_NOW,
      monitoring: false,
      listRefreshMs: 0,
      retentionCheckMs: 0,
      checkpoints: { signer, pollMs: 0 },
    });
    try {
      await app.ready();
      const original = await request(t.app.server).get('/v1/audit/checkpoints').set(bearer(t.keys.auditor));
      expect(original.body.items.length).toBeGreaterThanOrEqual(3);
      const verified = await request(app.server).get('/v1/audit/verify').set(bearer(t.keys.auditor));
      expect(verified.body, JSON.stringify(verified.body)).toMatchObject({ ok: true, checked: 5, headMatches: true, checkpoints: { checked: original.body.items.length, invalid: 0 } });
      const copy = await request(app.server).get('/v1/audit/checkpoints').set(bearer(t.keys.auditor));
      expect(copy.body.items).toEqual(original.body.items);

      // Offline: the restored database's export against the checkpoints kept elsewhere, key pinned.
      const exported = await request(app.server).get('/v1/audit/decisions/export?format=csv').set(bearer(t.keys.auditor)).buffer(true);
      const file = path.join(dir, 'export.csv');
      writeFileSync(file, exported.text);
      const kept = path.join(dir, 'checkpoints.json');
      writeFileSync(kept, JSON.stringify(original.body));
      const key = path.join(dir, 'key.pem');
      writeFileSync(key, signer.key.publicKey);
      let out = '';
      const code = await runVerifyExportCli(['--checkpoints', kept, '--public-key', key, file], { write: (text: string) => (out += text) }, { write: (text: string) => (out += text) });
      expect(code, out).toBe(0);
      expect(out).toContain('(pinned)');
    } finally {
      await app.close();
    }
  });
});
