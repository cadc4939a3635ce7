import { sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { createApiKey } from '../../src/services/api-keys.service.js';
import { listEntry, loadTestList } from '../helpers/list-fixtures.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * A tenant's own watchlists: imported as JSON or CSV, versioned like global lists, used by its
 * screenings only (an identifier hit forces block, a name hit scores like a list name hit), and
 * fed by its approved confirmed matches.
 */
let t: TestApp;
const json = (body: unknown) => JSON.stringify(body);
const BANK = 'GB33 BUKB 2020 1555 5555 55';
const PASSPORT = 'X1234 5678';

beforeAll(async () => {
  t = await createTestApp({
    beforeBuild: async (database) => {
      await loadTestList(database.db, 'test-list', [listEntry({ sourceId: 'kim-1', name: 'KIM, Sang Man', nationalities: ['KP'] })]);
    },
  });
});
afterAll(() => t.close());

const admin = () => ({
  post: (path: string, body?: unknown) => request(t.app.server).post(path).set(bearer(t.keys.admin)).send(body as object),
  get: (path: string) => request(t.app.server).get(path).set(bearer(t.keys.admin)),
});

function importJson(slug: string, body: unknown, query = '', key = t.keys.admin) {
  return request(t.app.server).post(`/v1/watchlists/${slug}/imports${query}`).set(bearer(key)).send(body as object);
}

function importCsv(slug: string, text: string, query = '') {
  return request(t.app.server).post(`/v1/watchlists/${slug}/imports${query}`).set(bearer(t.keys.admin)).set('Content-Type', 'text/csv').send(text);
}

async function screen(subject: Record<string, unknown>, key = t.keys.screener) {
  const response = await request(t.app.server).post('/v1/screenings').set(bearer(key)).send({ subject });
  expect(response.status, json(response.body)).toBe(201);
  return response.body as { outcome: string; score: number; hits: { ruleId: string; field: string; entry?: { id: string; source: string; name: string } }[]; listVersions: { source: string; version: number }[]; caseId: string | null };
}

const watchlistEntries = async () => queryRows<{ data: string }>(t.database, sql`select data::text as data from list_entries where source like 'default:%'`);

describe('creating a watchlist', () => {
  test('an admin creates one; a taken slug is 409, a bad one 400 naming the field', async () => {
    const created = await admin().post('/v1/watchlists', { slug: 'internal', name: 'Do not hire' });
    expect(created.status, json(created.body)).toBe(201);
    expect(created.body).toMatchObject({ slug: 'internal', name: 'Do not hire', source: 'default:internal', activeVersion: null });
    expect((await admin().post('/v1/watchlists', { slug: 'internal', name: 'Again' })).status).toBe(409);
    const bad = await admin().post('/v1/watchlists', { slug: 'Has Spaces', name: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('/slug');
    // A screener or reviewer cannot create or import.
    expect((await request(t.app.server).post('/v1/watchlists').set(bearer(t.keys.reviewer)).send({ slug: 'mine', name: 'x' })).status).toBe(403);
  });
});

describe('importing and screening against it', () => {
  test('a JSON file becomes version 1; document and account numbers are never stored', async () => {
    const response = await importJson('internal', {
      entries: [
        {
          name: 'Jin Sung-Il',
          type: 'individual',
          identifiers: [
            { kind: 'email', value: 'jin.dev+jobs@gmail.com' },
            { kind: 'bank_account', value: BANK },
            { kind: 'document', value: PASSPORT },
            { kind: 'phone', value: '+1 (415) 555-0134' },
          ],
          note: 'Laptop farm, internal case 2025-14',
        },
        { identifiers: [{ kind: 'ip', value: '175.45.176.10' }], note: 'Partner feed' },
        { identifiers: [{ kind: 'photo_digest', value: 'AB12CD34EF56AB12CD34EF56' }] },
        { identifiers: [{ kind: 'email_domain', value: 'Fake-Staffing.example' }] },
        { identifiers: [{ kind: 'url', value: 'https://github.com/jinsungil-dev/' }] },
        { identifiers: [{ kind: 'address', value: '12 Oak Street, 78701, US' }] },
        { identifiers: [{ kind: 'wallet', value: '0xAbC1230000000000000000000000000000000def' }] },
      ],
    });
    expect(response.status, json(response.body)).toBe(201);
    expect(response.body.version).toMatchObject({ source: 'default:internal', version: 1, format: 'watchlist-json', counts: expect.objectContaining({ entries: 7, identifiers: 10 }) });
    const stored = (await watchlistEntries()).map((row) => row.data).join('\n');
    expect(stored).not.toContain('2020155555');
    expect(stored).not.toContain('12345678');
    expect(stored).not.toContain('X1234');
  });

  test.each([
    ['a watchlisted bank account', { payment: { method: 'bank', bankAccount: 'gb33bukb20201555555555' } }, '/subject/payment/bankAccount', 'watchlist-identifier-match'],
    ['a watchlisted passport number, whatever its spacing', { documents: [{ type: 'passport', country: 'US', number: 'X12345678' }] }, '/subject/documents/0/number', 'list-document-match'],
    ["the watchlisted e-mail's inbox under another spelling", { emails: ['jindev@gmail.com'] }, '/subject/emails/0', 'list-contact-match'],
    ['a watchlisted login IP', { logins: [{ ip: '175.45.176.10', country: 'KP', at: '2026-11-01T01:00:00Z' }] }, '/subject/logins/0/ip', 'watchlist-identifier-match'],
    ['a watchlisted photo', { profiles: [{ platform: 'linkedin', photoDigest: 'ab12cd34ef56ab12cd34ef56' }] }, '/subject/profiles/0/photoDigest', 'watchlist-identifier-match'],
    ['an e-mail at a watchlisted domain', { emails: ['recruiter@fake-staffing.example'] }, '/subject/emails/0', 'list-domain-match'],
    ['a watchlisted profile URL', { profiles: [{ platform: 'github', url: 'http://www.github.com/jinsungil-dev' }] }, '/subject/profiles/0/url', 'list-domain-match'],
    ['a watchlisted shipping address', { addresses: [{ kind: 'shipping', line1: '12 Oak St', city: 'Austin', postalCode: '78701', country: 'US' }] }, '/subject/addresses/0', 'watchlist-identifier-match'],
    ['a watchlisted wallet', { payment: { method: 'crypto', wallets: ['0xabc1230000000000000000000000000000000DEF'] } }, '/subject/payment/wallets/0', 'list-wallet-match'],
  ])('%s blocks, citing the watchlist and its version', async (_label, profile, field, ruleId) => {
    const decision = await screen({ name: 'Alex Morgan', ...profile });
    expect(decision.outcome, json(decision)).toBe('block');
    const hit = decision.hits.find((candidate) => candidate.entry?.source === 'default:internal');
    expect(hit, json(decision.hits)).toMatchObject({ ruleId, field });
    expect(decision.listVersions).toContainEqual(expect.objectContaining({ source: 'default:internal', version: 1 }));
  });

  test('a watchlisted name scores like a list name hit (review), in any order', async () => {
    const decision = await screen({ name: 'Sung Il Jin' });
    expect(decision.outcome).toBe('review');
    expect(decision.hits[0]).toMatchObject({ ruleId: 'list-name-match', entry: { source: 'default:internal', name: 'Jin Sung-Il' } });
  });

  test('a reviewer opens the watchlist entry behind a hit; the entry search finds it', async () => {
    const decision = await screen({ name: 'Morgan Lee', payment: { method: 'bank', bankAccount: BANK } });
    const entryId = decision.hits.find((hit) => hit.entry?.source === 'default:internal')!.entry!.id;
    const entry = await request(t.app.server).get(`/v1/lists/entries/${entryId}`).set(bearer(t.keys.reviewer));
    expect(entry.status).toBe(200);
    expect(entry.body).toMatchObject({ source: 'default:internal', name: 'Jin Sung-Il', remarks: 'Laptop farm, internal case 2025-14' });
    expect(entry.body.identifiers).toContainEqual(expect.objectContaining({ kind: 'link_key', watchlistKind: 'bank_account', value: 'bank account' }));
    const found = await request(t.app.server).get('/v1/lists/entries?q=Sung%20Il%20Jin').set(bearer(t.keys.reviewer));
    expect(found.body.items[0]).toMatchObject({ source: 'default:internal', name: 'Jin Sung-Il' });
  });
});

describe('another tenant', () => {
  test('never matches, sees or reaches this tenant\'s watchlists', async () => {
    const decision = await screen({ name: 'Sung Il Jin', payment: { method: 'bank', bankAccount: BANK }, logins: [{ ip: '175.45.176.10', at: '2026-11-01T01:00:00Z' }] }, t.keys.otherTenantScreener);
    expect(decision.hits.filter((hit) => hit.entry?.source.startsWith('default:'))).toEqual([]);
    expect(decision.listVersions.map((version) => version.source)).not.toContain('default:internal');
    expect((await request(t.app.server).get('/v1/watchlists').set(bearer(t.keys.otherTenantAdmin))).body.items).toEqual([]);
    expect((await request(t.app.server).get('/v1/watchlists/internal/versions').set(bearer(t.keys.otherTenantAdmin))).status).toBe(404);
    expect((await importJson('internal', { entries: [{ name: 'Someone' }] }, '', t.keys.otherTenantAdmin)).status).toBe(404);
    const [entry] = await queryRows<{ id: string }>(t.database, sql`select id from list_entries where source = 'default:internal' limit 1`);
    expect((await request(t.app.server).get(`/v1/lists/entries/${entry!.id}`).set(bearer(t.keys.otherTenantAdmin))).status).toBe(404);
    const search = await request(t.app.server).get('/v1/lists/entries?q=Jin%20Sung-Il').set(bearer(t.keys.otherTenantAdmin));
    expect(search.body.items.filter((item: { source: string }) => item.source.startsWith('default:'))).toEqual([]);
  });
});

describe('CSV, versions and refusals', () => {
  test('a CSV file: rows with the same name and type are one entry; a new version with its diff', async () => {
    const csv = [
      'name,type,kind,value,note',
      'Jin Sung-Il,individual,email,jin.dev@gmail.com,Laptop farm',
      'Jin Sung-Il,individual,bank_account,GB33BUKB20201555555555,',
      ',,ip,175.45.176.10,Partner feed',
      ',,photo_digest,ab12cd34ef56ab12cd34ef56,',
      ',,email_domain,fake-staffing.example,',
      ',,url,github.com/jinsungil-dev,',
      ',,address,"12 Oak Street, 78701, US",',
      '"Park, Min-Ho",individual,phone,+82 10 5555 0199,"Quoted, with a comma"',
      'Chosun Soft Ltd,entity,,,Front company',
    ].join('\r\n');
    const response = await importCsv('internal', csv);
    expect(response.status, json(response.body)).toBe(201);
    expect(response.body.version).toMatchObject({ version: 2, format: 'watchlist-csv', counts: expect.objectContaining({ entries: 8, individual: 2, entity: 1 }) });
    const diff = await admin().get('/v1/watchlists/internal/versions/2/diff');
    expect(diff.status, json(diff.body)).toBe(200);
    expect(diff.body.added.map((row: { name: string }) => row.name).sort()).toEqual(['Chosun Soft Ltd', 'Park, Min-Ho']);
    // The wallet entry is gone; the named entry lost identifiers, so it changed.
    expect(diff.body.removed.length).toBe(1);
    expect(diff.body.changed.map((row: { name: string }) => row.name)).toEqual(['Jin Sung-Il']);
    expect(diff.body.changed[0].changedFields).toEqual(['identifiers', 'remarks']);
    const versions = await request(t.app.server).get('/v1/watchlists/internal/versions').set(bearer(t.keys.auditor));
    expect(versions.body.items.map((version: { version: number; importedBy: string }) => version.version)).toEqual([2, 1]);
    expect(versions.body.items[0].importedBy).toMatch(/^api-key:/);
  });

  test.each([
    ['an unknown kind', 'name,type,kind,value,note\nA Person,individual,fax,12345,\n', 'line 2', 'kind'],
    ['an e-mail that is not one', 'name,type,kind,value,note\nA Person,individual,email,not-an-email,\n', 'line 2', 'value: not an e-mail address'],
    ['a value without a kind', 'name,type,kind,value,note\nA Person,individual,,12345,\n', 'line 2', 'kind: required with a value'],
    ['a wrong header', 'name,kind,value\nA Person,email,a@b.example\n', 'line 1', 'the header must be name,type,kind,value,note'],
    ['a name over 1,000 characters', `name,type,kind,value,note\n${'N'.repeat(1001)},individual,,,\n`, 'line 2', 'name: longer than 1000 characters'],
    ['a record over 64 KB', `name,type,kind,value,note\nA,individual,,,"${'x'.repeat(70_000)}"\n`, 'line 2', 'larger than 64 KB'],
  ])('%s is 422 naming the file, line and field; nothing is imported', async (_label, csv, line, reason) => {
    const before = await queryRows<{ n: number }>(t.database, sql`select count(*)::int as n from list_versions where source = 'default:internal'`);
    const response = await importCsv('internal', csv);
    expect(response.status, json(response.body)).toBe(422);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body.errors[0].field).toBe('entries.csv');
    expect(response.body.errors[0].message).toContain(line);
    expect(response.body.errors[0].message).toContain(reason);
    expect(await queryRows<{ n: number }>(t.database, sql`select count(*)::int as n from list_versions where source = 'default:internal'`)).toEqual(before);
  });

  test('a bad JSON entry is 422 naming the entry and field', async () => {
    const response = await importJson('internal', { entries: [{ name: 'Fine' }, { identifiers: [{ kind: 'phone', value: '12' }] }] });
    expect(response.status, json(response.body)).toBe(422);
    expect(response.body.errors[0]).toMatchObject({ field: 'entries.json', message: expect.stringContaining('/entries/1/identifiers/0/value') });
    const unknownField = await importJson('internal', { entries: [{ name: 'Fine', rank: 'general' }] });
    expect(unknownField.status).toBe(422);
  });

  test('a version dropping most entries is 409 naming both counts unless allowShrink', async () => {
    const refused = await importJson('internal', { entries: [{ name: 'Only One' }] });
    expect(refused.status, json(refused.body)).toBe(409);
    expect(refused.body.detail).toMatch(/remove 8 of the 8 entries of default:internal version 2/);
    const accepted = await importJson('internal', { entries: [{ name: 'Jin Sung-Il', identifiers: [{ kind: 'bank_account', value: BANK }] }] }, '?allowShrink=true');
    expect(accepted.status, json(accepted.body)).toBe(201);
  });

  test('an unknown watchlist is 404; an empty body 422', async () => {
    expect((await importJson('nope', { entries: [{ name: 'x' }] })).status).toBe(404);
    expect((await importJson('internal', {})).status).toBe(422);
  });
});

describe('confirmed matches feed the confirmed-cases watchlist', () => {
  test('after an approved confirmed_match, the next persona reusing an identifier is blocked', async () => {
    const flagged = await screen({ externalRef: 'persona-1', name: 'Sang Man Kim', emails: ['kim.dev.2025@outlook.example'], phones: ['+1 212 555 0111'] });
    expect(flagged.caseId).not.toBeNull();
    const reviewer = (await createApiKey(t.database.db, { tenantSlug: 'default', roles: ['reviewer'], owner: 'Second Reviewer', label: 'second reviewer' })).key;
    const proposed = await request(t.app.server).post(`/v1/cases/${flagged.caseId}/disposition`).set(bearer(t.keys.reviewer)).send({ disposition: 'confirmed_match', note: 'Same person.' });
    expect(proposed.status, json(proposed.body)).toBe(200);
    if (proposed.body.case.status === 'pending_approval') {
      const approved = await request(t.app.server).post(`/v1/cases/${flagged.caseId}/approve`).set(bearer(reviewer)).send({ note: 'Agreed.' });
      expect(approved.status, json(approved.body)).toBe(200);
    }
    const watchlists = await admin().get('/v1/watchlists');
    expect(watchlists.body.items).toContainEqual(expect.objectContaining({ slug: 'confirmed-cases', activeVersion: 1 }));
    const next = await screen({ externalRef: 'persona-2', name: 'Daniel Brooks', phones: ['+12125550111'] });
    expect(next.outcome, json(next)).toBe('block');
    expect(next.hits).toContainEqual(expect.objectContaining({ ruleId: 'list-contact-match', field: '/subject/phones/0', entry: expect.objectContaining({ source: 'default:confirmed-cases' }) }));
  });
});
