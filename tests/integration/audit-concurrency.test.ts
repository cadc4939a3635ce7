import { sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { nodeSha256 } from '../../src/audit/node-sha256.js';
import { queryRows } from '../../src/db/client.js';
import { decisions } from '../../src/db/schema/index.js';
import { sealDecision } from '../../src/domain/audit/chain-record.js';
import { canonicalDigest } from '../../src/shared/hashing.js';
import { tenantIdOf } from '../helpers/audit-decisions.js';
import { bearer, createTestApp, FIXED_NOW, type TestApp } from '../helpers/test-app.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const screen = (body: object, idempotencyKey?: string) => {
  const pending = request(t.app.server).post('/v1/screenings').set(bearer(t.keys.screener));
  return (idempotencyKey ? pending.set('Idempotency-Key', idempotencyKey) : pending).send(body);
};

describe('concurrent screenings', () => {
  // Only a real server runs transactions in parallel; PGlite serialises them.
  test.skipIf(!process.env.DATABASE_URL)('200 at once form one chain: sequences 1..200, no fork, and it verifies', { timeout: 120_000 }, async () => {
    const responses = await Promise.all(Array.from({ length: 200 }, (_, index) => screen({ subject: { externalRef: `c-${index}`, name: `Parallel Person ${index}` } })));
    expect(responses.map((response) => response.status)).toEqual(Array.from({ length: 200 }, () => 201));
    const rows = await queryRows<{ sequence: string | number; prev_hash: string; hash: string }>(
      t.database,
      sql`select d.sequence, d.prev_hash, d.hash from decisions d join tenants t on t.id = d.tenant_id where t.slug = 'default' order by d.sequence`,
    );
    expect(rows.map((row) => Number(row.sequence))).toEqual(Array.from({ length: 200 }, (_, index) => index + 1));
    // No fork: every prev_hash is used once, and it is the hash of the row before.
    expect(new Set(rows.map((row) => row.prev_hash)).size).toBe(200);
    rows.slice(1).forEach((row, index) => expect(row.prev_hash).toBe(rows[index]!.hash));
    const verify = await request(t.app.server).get('/v1/audit/verify').set(bearer(t.keys.auditor));
    expect(verify.body, JSON.stringify(verify.body)).toMatchObject({ ok: true, checked: 200, anchor: 'genesis', headMatches: true });
  });

  /**
   * Another replica appending to the same chain, as it does: under the head's row lock, with its
   * own clock (here later than this instance's), so a request of this instance that sealed
   * against a head the replica has moved must seal again, and every request that sealed after it
   * must notice that the head it expected was never stored.
   */
  async function appendAsAnotherReplica(tenantId: string, offsetMs: number) {
    await t.database.db.transaction(async (tx) => {
      const [head] = await queryRows<{ sequence: string | number; hash: string }>({ db: tx }, sql`select sequence, hash from audit_chain_heads where tenant_id = ${tenantId} for update`);
      const [ruleset] = await queryRows<{ id: string; version: number }>({ db: tx }, sql`select id, version from rulesets where tenant_id = ${tenantId} and status = 'published' order by version desc limit 1`);
      const createdAt = new Date(FIXED_NOW.getTime() + offsetMs).toISOString();
      const subject = { name: `Replica Person ${offsetMs}` };
      const draft = {
        id: uuidv7(),
        tenantId,
        externalRef: null,
        outcome: 'clear',
        score: 0,
        hits: [],
        rulesetId: ruleset!.id,
        rulesetVersion: ruleset!.version,
        listVersions: [],
        input: { subject },
        inputDigest: canonicalDigest({ subject }),
        createdAt,
      };
      const previous = head && Number(head.sequence) > 0 ? { sequence: Number(head.sequence), hash: head.hash } : null;
      const sealed = sealDecision(draft, previous, nodeSha256);
      await tx.insert(decisions).values({ ...draft, sequence: sealed.sequence, prevHash: sealed.prevHash, hash: sealed.hash });
      await tx.execute(sql`update audit_chain_heads set sequence = ${sealed.sequence}, hash = ${sealed.hash}, last_created_at = ${createdAt} where tenant_id = ${tenantId}`);
    });
  }

  test.skipIf(!process.env.DATABASE_URL)('screenings racing another replica on the same chain still form one chain that verifies', { timeout: 120_000 }, async () => {
    const tenantId = await tenantIdOf(t.database.db, 'default');
    const before = await queryRows<{ n: number }>(t.database, sql`select count(*)::int as n from decisions where tenant_id = ${tenantId}`);
    const screenings = Array.from({ length: 120 }, (_, index) => screen({ subject: { externalRef: `race-replica-${index}`, name: `Racing Person ${index}` } }));
    const replica = (async () => {
      for (let step = 1; step <= 12; step += 1) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        await appendAsAnotherReplica(tenantId, step * 1000);
      }
    })();
    const [responses] = await Promise.all([Promise.all(screenings), replica]);
    expect(responses.map((response) => response.status)).toEqual(responses.map(() => 201));
    const rows = await queryRows<{ sequence: string | number; prev_hash: string; hash: string; created_at: string }>(
      t.database,
      sql`select sequence, prev_hash, hash, created_at::text from decisions where tenant_id = ${tenantId} order by sequence`,
    );
    expect(rows.length).toBe(before[0]!.n + 120 + 12);
    rows.slice(1).forEach((row, index) => expect(row.prev_hash).toBe(rows[index]!.hash));
    const verify = await request(t.app.server).get('/v1/audit/verify').set(bearer(t.keys.auditor));
    expect(verify.body, JSON.stringify(verify.body)).toMatchObject({ ok: true, headMatches: true });
  });

  test.skipIf(!process.env.DATABASE_URL)('one applicant screened many times at once, some clear and some opening a case: every request succeeds', { timeout: 120_000 }, async () => {
    // Clear screenings write in one statement (chain head, then subject); case-opening ones in a
    // transaction (subject, then head). Any deadlock between them must be retried, never a 500.
    const bodies = Array.from({ length: 40 }, (_, index) => ({ subject: { externalRef: 'same-applicant', name: 'Same Applicant', ...(index % 2 === 0 ? { nationality: 'KP' } : {}) } }));
    const responses = await Promise.all(bodies.map((body) => screen(body)));
    expect(responses.map((response) => response.status)).toEqual(bodies.map(() => 201));
    expect(new Set(responses.map((response) => response.body.outcome))).toEqual(new Set(['clear', 'block']));
    const verify = await request(t.app.server).get('/v1/audit/verify').set(bearer(t.keys.auditor));
    expect(verify.body, JSON.stringify(verify.body)).toMatchObject({ ok: true, headMatches: true });
  });

  test('a new applicant screened many times at once, every screening opening a case: one case holds every decision', { timeout: 120_000 }, async () => {
    // Each request finds no subject and is written as a new applicant's; all but the first find
    // the subject there as they write (RF001) and are written again, in a transaction that joins
    // the case the first one opened.
    const bodies = Array.from({ length: 12 }, () => ({ subject: { externalRef: 'new-and-flagged', name: 'New Flagged', nationality: 'KP' } }));
    const responses = await Promise.all(bodies.map((body) => screen(body)));
    expect(responses.map((response) => response.status), JSON.stringify(responses.map((response) => response.body))).toEqual(bodies.map(() => 201));
    const caseIds = new Set(responses.map((response) => response.body.caseId));
    expect(caseIds.size).toBe(1);
    const [caseId] = [...caseIds];
    const cases = await queryRows<{ id: string; decisions: number; opened: number }>(
      t.database,
      sql`select c.id, (select count(*)::int from case_decisions cd where cd.case_id = c.id) as decisions,
            (select count(*)::int from case_events e where e.case_id = c.id and e.type = 'opened') as opened
          from cases c join subjects s on s.id = c.subject_id where s.external_ref = 'new-and-flagged'`,
    );
    expect(cases).toEqual([{ id: caseId, decisions: 12, opened: 1 }]);
    const verify = await request(t.app.server).get('/v1/audit/verify').set(bearer(t.keys.auditor));
    expect(verify.body, JSON.stringify(verify.body)).toMatchObject({ ok: true, headMatches: true });
  });

  test('the same Idempotency-Key sent several times at once makes one decision; all get it back', async () => {
    const body = { subject: { externalRef: 'idem-race', name: 'Idem Race' } };
    const responses = await Promise.all(Array.from({ length: 8 }, () => screen(body, 'race-1')));
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses, JSON.stringify(responses.map((response) => response.body))).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(responses.map((response) => response.body.id)).size).toBe(1);
    const count = await queryRows<{ n: number }>(t.database, sql`select count(*)::int as n from decisions where idempotency_key = 'race-1'`);
    expect(count[0]?.n).toBe(1);
  });

  test('a racing request with the same key and another body is 422', async () => {
    const responses = await Promise.all([
      screen({ subject: { name: 'First Body' } }, 'race-2'),
      screen({ subject: { name: 'Second Body' } }, 'race-2'),
      screen({ subject: { name: 'Third Body' } }, 'race-2'),
    ]);
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses, JSON.stringify(responses.map((response) => response.body))).toEqual([201, 422, 422]);
    const verify = await request(t.app.server).get('/v1/audit/verify').set(bearer(t.keys.auditor));
    expect(verify.body.ok).toBe(true);
  });
});
