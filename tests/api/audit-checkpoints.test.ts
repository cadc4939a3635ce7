import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, verify as verifySignature, createPublicKey } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createCheckpointSigner, loadCheckpointSigner, SigningKeyError, type CheckpointSigner } from '../../src/audit/checkpoint-signing.js';
import { nodeSha256 } from '../../src/audit/node-sha256.js';
import { runVerifyExportCli } from '../../src/audit/verify-export.js';
import { queryRows } from '../../src/db/client.js';
import { canonicalTimestamp, sealDecision } from '../../src/domain/audit/chain-record.js';
import { checkpointPayload, type SignedCheckpoint } from '../../src/domain/audit/checkpoint.js';
import { buildApp } from '../../src/http/app.js';
import { signDueCheckpoints } from '../../src/services/audit-checkpoints.service.js';
import { tenantIdOf } from '../helpers/audit-decisions.js';
import { eventually } from '../helpers/cases-fixtures.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';

const POLICY = { every: 3, minutes: 10 };
let t: TestApp;
let signer: CheckpointSigner;
let tenantId: string;
let dir: string;
let clock = new Date('2026-03-01T10:00:00.000Z');
const advance = (minutes: number) => (clock = new Date(clock.getTime() + minutes * 60_000));
const ids: string[] = [];

function ed25519Pem(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

const get = (url: string, key = t.keys.auditor) => request(t.app.server).get(url).set(bearer(key));
const round = (with_ = signer) => signDueCheckpoints({ db: t.database.db, now: () => clock }, with_, POLICY);

async function screen(n: number) {
  advance(1);
  const response = await request(t.app.server).post('/v1/screenings').set(bearer(t.keys.screener)).send({ subject: { externalRef: `cp-${n}`, name: `Person Number${n}` } });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  ids.push(response.body.id);
}

async function exportFile(name: string): Promise<string> {
  const response = await get('/v1/audit/decisions/export?format=ndjson').buffer(true).parse((res, callback) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => callback(null, Buffer.concat(chunks)));
  });
  expect(response.status).toBe(200);
  const file = path.join(dir, name);
  writeFileSync(file, response.body as Buffer);
  return file;
}

async function cli(args: string[]) {
  let out = '';
  const code = await runVerifyExportCli(args, { write: (text: string) => (out += text) }, { write: (text: string) => (out += text) });
  return { code, out };
}

/** Rewrites decisions with the triggers off and re-seals every hash after them, as a database superuser could. */
async function asSuperuser(statements: ReturnType<typeof sql>[]) {
  await t.database.db.transaction(async (tx) => {
    await tx.execute(sql`alter table decisions disable trigger all`);
    await tx.execute(sql`alter table audit_checkpoints disable trigger all`);
    for (const statement of statements) await tx.execute(statement);
    await tx.execute(sql`alter table decisions enable trigger all`);
    await tx.execute(sql`alter table audit_checkpoints enable trigger all`);
  });
}

async function resealFrom(sequence: number) {
  const rows = await queryRows<Record<string, unknown>>(
    t.database,
    sql`select id, tenant_id, external_ref, outcome, score, hits, ruleset_id, ruleset_version, list_versions, input, input_digest, created_at::text as created_at, sequence, prev_hash
        from decisions where tenant_id = ${tenantId} and sequence >= ${sequence} order by sequence`,
  );
  let previous = { sequence: sequence - 1, hash: String(rows[0]!.prev_hash) };
  const statements: ReturnType<typeof sql>[] = [];
  let lastCreatedAt = '';
  for (const row of rows) {
    lastCreatedAt = canonicalTimestamp(String(row.created_at));
    const sealed = sealDecision(
      {
        id: String(row.id),
        tenantId,
        externalRef: row.external_ref as string | null,
        outcome: String(row.outcome),
        score: Number(row.score),
        hits: row.hits as unknown[],
        rulesetId: String(row.ruleset_id),
        rulesetVersion: Number(row.ruleset_version),
        listVersions: row.list_versions as never,
        inputDigest: String(row.input_digest),
        createdAt: lastCreatedAt,
      } as never,
      previous.sequence === 0 ? null : previous,
      nodeSha256,
    );
    statements.push(sql`update decisions set prev_hash = ${sealed.prevHash}, hash = ${sealed.hash} where id = ${row.id}`);
    previous = { sequence: sealed.sequence, hash: sealed.hash };
  }
  statements.push(sql`update audit_chain_heads set sequence = ${previous.sequence}, hash = ${previous.hash}, last_created_at = ${lastCreatedAt} where tenant_id = ${tenantId}`);
  return statements;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'redflag-checkpoints-'));
  const keyFile = path.join(dir, 'signing.pem');
  writeFileSync(keyFile, ed25519Pem());
  signer = await loadCheckpointSigner(keyFile);
  // pollMs 0: no timer; the tests run each round themselves, at the times they choose.
  t = await createTestApp({ appDeps: { now: () => clock, checkpoints: { signer, ...POLICY, pollMs: 0 } } });
  tenantId = await tenantIdOf(t.database.db, 'default');
  await request(t.app.server).post('/v1/webhooks').set(bearer(t.keys.admin)).send({ url: 'https://hooks.example.com/audit', events: ['audit.checkpoint'] }).expect(201);
  await screen(1);
  expect((await round()).signed.map((c) => c.sequence), 'a chain gets its first checkpoint at once').toEqual([1]);
  for (const n of [2, 3]) await screen(n);
  expect((await round()).signed, 'two decisions: neither 3 decisions nor 10 minutes').toEqual([]);
  await screen(4);
  expect((await round()).signed.map((c) => c.sequence)).toEqual([4]);
  for (const n of [5, 6]) await screen(n);
  advance(11);
  expect((await round()).signed.map((c) => c.sequence), 'the head moved and the last checkpoint is over 10 minutes old').toEqual([6]);
  expect((await round()).signed, 'the head did not move since').toEqual([]);
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('signed audit checkpoints', () => {
  test('are listed oldest first with cursor paging, and each signature verifies with the published key', async () => {
    const page = await get('/v1/audit/checkpoints?limit=2');
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    expect(page.body.signing).toMatchObject({ enabled: true, currentKeyId: signer.key.keyId, every: 3, minutes: 10 });
    expect(page.body.items.map((c: SignedCheckpoint) => c.sequence)).toEqual([1, 4]);
    const rest = await get(`/v1/audit/checkpoints?limit=2&cursor=${page.body.nextCursor}`);
    expect(rest.body).toMatchObject({ items: [{ sequence: 6 }], nextCursor: null });

    const keys = await get('/v1/audit/checkpoints/public-key');
    expect(keys.status).toBe(200);
    expect(keys.body.keys).toHaveLength(1);
    const published = createPublicKey(keys.body.keys[0].publicKey);
    for (const checkpoint of [...page.body.items, ...rest.body.items] as SignedCheckpoint[]) {
      expect(checkpoint).toMatchObject({ tenantId, keyId: keys.body.keys[0].keyId });
      const { signature, ...claim } = checkpoint;
      expect(verifySignature(null, Buffer.from(checkpointPayload(claim)), published, Buffer.from(signature, 'base64'))).toBe(true);
    }
    // The other tenant sees none of these.
    expect((await get('/v1/audit/checkpoints', t.keys.otherTenantAdmin)).body.items).toEqual([]);
  });

  test('a malformed cursor or limit is a 400 naming the field', async () => {
    const cursor = await get('/v1/audit/checkpoints?cursor=bm9wZQ');
    expect(cursor.status).toBe(400);
    expect(cursor.headers['content-type']).toContain('application/problem+json');
    expect(JSON.stringify(cursor.body)).toContain('cursor');
    const limit = await get('/v1/audit/checkpoints?limit=0');
    expect(limit.status).toBe(400);
    expect(JSON.stringify(limit.body)).toContain('limit');
  });

  test('each checkpoint is queued as an audit.checkpoint webhook delivery carrying the public key', async () => {
    const rows = await queryRows<{ payload: { event: string; data: SignedCheckpoint & { publicKey: string } } }>(t.database, sql`select payload from webhook_deliveries where event = 'audit.checkpoint' order by created_at`);
    expect(rows.map((row) => row.payload.data.sequence)).toEqual([1, 4, 6]);
    expect(rows[0]!.payload.data.publicKey).toBe(signer.key.publicKey);
  });

  test('the chain verifies against them, and the export carries them in its manifest', async () => {
    const verified = await get('/v1/audit/verify');
    expect(verified.body, JSON.stringify(verified.body)).toMatchObject({ ok: true, checked: 6, checkpoints: { signing: true, checked: 3, matched: 3, invalid: 0, latest: { sequence: 6 } } });
    // A range in the middle: the checkpoint at 4 is checked by decision 4 and by decision 5's link.
    const middle = await get(`/v1/audit/verify?afterSequence=3&limit=2`);
    expect(middle.body, JSON.stringify(middle.body)).toMatchObject({ ok: true, checkpoints: { matched: 2 } });

    const file = await exportFile('good.ndjson');
    const keyFile = path.join(dir, 'keys.json');
    writeFileSync(keyFile, JSON.stringify((await get('/v1/audit/checkpoints/public-key')).body));
    const result = await cli(['--json', '--public-key', keyFile, file]);
    expect(result.code, result.out).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ ok: true, manifest: { formatVersion: 3, tenantId, head: { sequence: 6 } }, checkpoints: { considered: 3, valid: 3, matched: 3, keysPinned: true } });
    const human = await cli([file]);
    expect(human.out).toContain('NOT pinned');
  });

  test('a checkpoint signed with another key is refused when keys are pinned', async () => {
    const stranger = createCheckpointSigner(ed25519Pem());
    const forged = stranger.sign({ tenantId, sequence: 6, hash: 'f'.repeat(64), signedAt: clock.toISOString() });
    const forgedFile = path.join(dir, 'forged.json');
    writeFileSync(forgedFile, JSON.stringify([forged]));
    const pemFile = path.join(dir, 'key.pem');
    writeFileSync(pemFile, signer.key.publicKey);
    const result = await cli(['--json', '--public-key', pemFile, '--checkpoints', forgedFile, path.join(dir, 'good.ndjson')]);
    expect(result.code, result.out).toBe(1);
    expect(JSON.parse(result.out).problems).toEqual([expect.objectContaining({ code: 'checkpoint_unknown_key', sequence: 6 })]);
  });

  test('cutting off the newest decisions and moving the head back is detected by a checkpoint after the cut', async () => {
    const external = path.join(dir, 'kept-elsewhere.json');
    writeFileSync(external, JSON.stringify((await get('/v1/audit/checkpoints')).body));
    const saved = await queryRows<Record<string, unknown>>(t.database, sql`select * from decisions where tenant_id = ${tenantId} and sequence > 4`);
    const [head] = await queryRows<{ sequence: number; hash: string; last_created_at: string }>(t.database, sql`select sequence, hash, last_created_at::text from audit_chain_heads where tenant_id = ${tenantId}`);
    const [four] = await queryRows<{ hash: string; created_at: string }>(t.database, sql`select hash, created_at::text from decisions where tenant_id = ${tenantId} and sequence = 4`);
    // Everything a superuser would do: rows gone, head moved back, the checkpoints after the cut deleted too.
    await asSuperuser([
      sql`delete from decisions where tenant_id = ${tenantId} and sequence > 4`,
      sql`update audit_chain_heads set sequence = 4, hash = ${four!.hash}, last_created_at = ${four!.created_at} where tenant_id = ${tenantId}`,
    ]);
    try {
      const verified = await get('/v1/audit/verify');
      expect(verified.body, JSON.stringify(verified.body)).toMatchObject({ ok: false, firstBroken: { sequence: 6, reason: 'checkpoint_beyond_head' } });

      await asSuperuser([sql`delete from audit_checkpoints where tenant_id = ${tenantId} and sequence > 4`]);
      expect((await get('/v1/audit/verify')).body.ok, 'with the checkpoints gone too, the database alone cannot tell').toBe(true);
      const file = await exportFile('cut.ndjson');
      expect((await cli([file])).code, 'nor can the export on its own').toBe(0);
      const unpinned = await cli(['--json', '--checkpoints', external, file]);
      // Unpinned, the key the export's manifest names (it signed checkpoints 1 and 4) is used.
      expect(JSON.parse(unpinned.out)).toMatchObject({ ok: false, problems: [{ code: 'checkpoint_beyond_head', sequence: 6 }], checkpoints: { keysPinned: false } });
      const result = await cli(['--json', '--checkpoints', external, '--public-key', path.join(dir, 'keys.json'), file]);
      expect(result.code, result.out).toBe(1);
      expect(JSON.parse(result.out).problems).toEqual([expect.objectContaining({ code: 'checkpoint_beyond_head', sequence: 6 })]);
    } finally {
      const restoreCheckpoints = ((JSON.parse((await import('node:fs')).readFileSync(external, 'utf8')) as { items: SignedCheckpoint[] }).items)
        .filter((c) => c.sequence > 4)
        .map((c) => sql`insert into audit_checkpoints (id, tenant_id, sequence, hash, signed_at, key_id, signature) values (gen_random_uuid(), ${c.tenantId}, ${c.sequence}, ${c.hash}, ${c.signedAt}, ${c.keyId}, ${c.signature}) on conflict do nothing`);
      await asSuperuser([
        ...saved.map(
          (row) => sql`insert into decisions select * from json_populate_record(null::decisions, ${JSON.stringify(row)}::json)`,
        ),
        sql`update audit_chain_heads set sequence = ${head!.sequence}, hash = ${head!.hash}, last_created_at = ${head!.last_created_at} where tenant_id = ${tenantId}`,
        ...restoreCheckpoints,
      ]);
    }
    expect((await get('/v1/audit/verify')).body, 'restored').toMatchObject({ ok: true, checkpoints: { matched: 3 } });
  });

  test('without a key nothing is signed and both endpoints say so; a rotated key keeps old checkpoints verifiable', async () => {
    const silent = new Writable({ write: (_chunk, _encoding, callback) => callback() });
    const unsigned = await buildApp({ database: t.database, logStream: silent, now: () => clock, monitoring: false, listRefreshMs: 0, retentionCheckMs: 0 });
    const rotatedSigner = createCheckpointSigner(ed25519Pem());
    const rotated = await buildApp({ database: t.database, logStream: silent, now: () => clock, monitoring: false, listRefreshMs: 0, retentionCheckMs: 0, checkpoints: { signer: rotatedSigner, pollMs: 0 } });
    try {
      await unsigned.ready();
      const page = await request(unsigned.server).get('/v1/audit/checkpoints').set(bearer(t.keys.auditor));
      expect(page.status).toBe(200);
      expect(page.body.signing).toMatchObject({ enabled: false, currentKeyId: null });
      expect(page.body.signing.detail).toContain('AUDIT_SIGNING_KEY_FILE');
      expect(page.body.items, 'earlier checkpoints are still listed').toHaveLength(3);
      const keys = await request(unsigned.server).get('/v1/audit/checkpoints/public-key').set(bearer(t.keys.auditor));
      expect(keys.status).toBe(200);
      expect(keys.body).toMatchObject({ signing: { enabled: false }, keys: [{ keyId: signer.key.keyId, current: false }] });
      expect((await request(unsigned.server).get('/v1/audit/verify').set(bearer(t.keys.auditor))).body).toMatchObject({ ok: true, checkpoints: { signing: false, checked: 3 } });

      await rotated.ready();
      await screen(7);
      advance(11);
      expect((await round(rotatedSigner)).signed.map((c) => c.keyId)).toEqual([rotatedSigner.key.keyId]);
      const both = await request(rotated.server).get('/v1/audit/checkpoints/public-key').set(bearer(t.keys.auditor));
      expect(both.body.keys.map((key: { keyId: string; current: boolean }) => [key.keyId, key.current])).toEqual([
        [signer.key.keyId, false],
        [rotatedSigner.key.keyId, true],
      ]);
      expect((await request(rotated.server).get('/v1/audit/verify').set(bearer(t.keys.auditor))).body).toMatchObject({ ok: true, checkpoints: { checked: 4, matched: 4 } });
    } finally {
      await unsigned.close();
      await rotated.close();
    }
  });

  test('a decision rewritten and every hash after it re-sealed is detected by the signed checkpoints, and no further checkpoint is signed', async () => {
    const external = path.join(dir, 'before-reseal.json');
    writeFileSync(external, JSON.stringify((await get('/v1/audit/checkpoints')).body));
    await asSuperuser([sql`update decisions set score = 99 where id = ${ids[1]}`]);
    await asSuperuser(await resealFrom(2));
    const verified = await get('/v1/audit/verify');
    expect(verified.body, JSON.stringify(verified.body)).toMatchObject({ ok: false, checked: 7, headMatches: true, firstBroken: { sequence: 4, reason: 'checkpoint_mismatch' } });

    // The signer refuses to sign a head that does not extend its last checkpoint.
    await screen(8);
    advance(11);
    const refused = await signDueCheckpoints({ db: t.database.db, now: () => clock }, signer, POLICY);
    expect(refused.signed).toEqual([]);
    expect(refused.refused).toEqual([expect.objectContaining({ tenantId, sequence: 8 })]);

    // The superuser deletes the checkpoints too: only the copies kept elsewhere tell.
    await asSuperuser([sql`delete from audit_checkpoints where tenant_id = ${tenantId}`]);
    expect((await get('/v1/audit/verify')).body.ok).toBe(true);
    const file = await exportFile('resealed.ndjson');
    expect((await cli([file])).code, 'the export on its own verifies').toBe(0);
    const keys = path.join(dir, 'keys-after-rotation.json');
    writeFileSync(keys, JSON.stringify((await get('/v1/audit/checkpoints/public-key')).body));
    const result = await cli(['--json', '--checkpoints', external, '--public-key', keys, file]);
    expect(result.code, result.out).toBe(1);
    const problems = JSON.parse(result.out).problems as { code: string; sequence: number }[];
    expect(problems[0]).toMatchObject({ code: 'checkpoint_mismatch', sequence: 4 });
    expect(JSON.parse(result.out).checkpoints).toMatchObject({ considered: 4, valid: 4, matched: 1, keysPinned: true });
    expect(problems.map((p) => p.sequence)).toEqual(expect.arrayContaining([4, 6, 7]));
  });

  test('the app signs on its own timer, here for the other tenant, and a key from openssl genpkey works', async () => {
    const keyFile = path.join(dir, 'openssl.pem');
    execFileSync('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', keyFile]);
    const opensslSigner = await loadCheckpointSigner(keyFile);
    const silent = new Writable({ write: (_chunk, _encoding, callback) => callback() });
    const timed = await buildApp({ database: t.database, logStream: silent, now: () => clock, monitoring: false, listRefreshMs: 0, retentionCheckMs: 0, checkpoints: { signer: opensslSigner, every: 1, pollMs: 20 } });
    try {
      await timed.ready();
      await request(timed.server).post('/v1/screenings').set(bearer(t.keys.otherTenantScreener)).send({ subject: { name: 'Other Tenant Person' } }).expect(201);
      const signed = await eventually(async () => {
        const page = await request(timed.server).get('/v1/audit/checkpoints').set(bearer(t.keys.otherTenantAdmin));
        return page.body.items.length > 0 ? (page.body.items as SignedCheckpoint[]) : undefined;
      }, 'a checkpoint signed by the timer');
      expect(signed[0]).toMatchObject({ sequence: 1, keyId: opensslSigner.key.keyId });
    } finally {
      await timed.close();
    }
  });

  test('a key file that is not an Ed25519 private key stops start-up with the variable named', async () => {
    const file = path.join(dir, 'rsa.pem');
    writeFileSync(file, generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    await expect(loadCheckpointSigner(file)).rejects.toThrow(SigningKeyError);
    await expect(loadCheckpointSigner(file)).rejects.toThrow(/AUDIT_SIGNING_KEY_FILE.*not Ed25519/);
    await expect(loadCheckpointSigner(path.join(dir, 'missing.pem'))).rejects.toThrow(/AUDIT_SIGNING_KEY_FILE/);
  });
});
