import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';
import { listsData } from '../helpers/shared-data.js';

let t: TestApp;
const tiny = (name: string) => listsData('ofac-sdn', '2025-05_watchman-tiny', name);

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function tableCounts() {
  const rows = await queryRows<{ versions: number; entries: number; identifiers: number }>(
    t.database,
    sql`select (select count(*)::int from list_versions) as versions, (select count(*)::int from list_entries) as entries, (select count(*)::int from list_identifiers) as identifiers`,
  );
  return rows[0];
}

function upload(source: string, files: [string, Buffer | string][], query = '') {
  let pending = request(t.app.server).post(`/v1/lists/${source}/imports${query}`).set(bearer(t.keys.operator));
  for (const [name, content] of files) {
    pending = pending.attach('files', typeof content === 'string' ? readFileSync(content) : content, name);
  }
  return pending;
}

describe('importing OFAC files over HTTP', () => {
  let firstVersionId: string;

  test('sdn.csv with alt, add and comments becomes version 1 with counts and file digests', async () => {
    const response = await upload('ofac-sdn', [
      ['sdn.csv', tiny('sdn.csv')],
      ['alt.csv', tiny('alt.csv')],
      ['add.csv', tiny('add.csv')],
      ['sdn_comments.csv', tiny('sdn_comments.csv')],
    ]);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body.created).toBe(true);
    expect(response.body.version).toMatchObject({ source: 'ofac-sdn', version: 1, format: 'ofac-csv', counts: expect.objectContaining({ entries: 17 }) });
    expect(response.body.version.files.find((file: { role: string }) => file.role === 'primary')).toMatchObject({
      name: 'sdn.csv',
      sha256: '3fbc56312213c443b233ee6a0d2931561832d55f13a9748405d8fae9b0985c73',
      rows: 17,
    });
    firstVersionId = response.body.version.id;
  });

  test('the same files again return the existing version, nothing new is written', async () => {
    const before = await tableCounts();
    const response = await upload('ofac-sdn', [
      ['sdn.csv', tiny('sdn.csv')],
      ['alt.csv', tiny('alt.csv')],
      ['add.csv', tiny('add.csv')],
      ['sdn_comments.csv', tiny('sdn_comments.csv')],
    ]);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({ created: false, version: { id: firstVersionId, version: 1 } });
    expect(await tableCounts()).toEqual(before);
  });

  test('a changed file makes version 2, and the diff names added, removed and changed entries', async () => {
    const lines = readFileSync(tiny('sdn.csv'), 'utf8').split('\r\n');
    const changed = lines
      .filter((line) => !line.startsWith('10278,')) // removed
      .map((line) => (line.startsWith('15102,') ? line.replace('DOB 12 Oct 1972', 'DOB 13 Oct 1972') : line)); // changed
    changed.splice(1, 0, '99999901,"NEWLY, Listed","individual","DPRK3",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- '); // added
    const response = await upload('ofac-sdn', [['sdn.csv', Buffer.from(changed.join('\r\n'))]]);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body.version.version).toBe(2);

    const diff = await request(t.app.server).get('/v1/lists/ofac-sdn/versions/2/diff').set(bearer(t.keys.reviewer));
    expect(diff.status, JSON.stringify(diff.body)).toBe(200);
    expect(diff.body.previousVersion).toBe(1);
    expect(diff.body.added.map((row: { sourceId: string }) => row.sourceId)).toEqual(['99999901']);
    expect(diff.body.removed.map((row: { sourceId: string }) => row.sourceId)).toEqual(['10278']);
    // Version 2 has no alt/add/comments files, so entries that had aliases or addresses changed too.
    expect(diff.body.changed.map((row: { sourceId: string }) => row.sourceId)).toContain('15102');
    // Each changed entry names the fields that differ: 15102's new birth date among them, never a field both versions share.
    const changedEntry = diff.body.changed.find((row: { sourceId: string }) => row.sourceId === '15102');
    expect(changedEntry.changedFields).toContain('birthDates');
    expect(changedEntry.changedFields).not.toContain('sourceId');
    expect(changedEntry.changedFields).not.toContain('type');
    expect(diff.body.added[0].changedFields).toEqual([]);
    expect(diff.body.removed[0].changedFields).toEqual([]);

    const versions = await request(t.app.server).get('/v1/lists/ofac-sdn/versions').set(bearer(t.keys.auditor));
    expect(versions.body.items.map((version: { version: number }) => version.version)).toEqual([2, 1]);
  });

  test('screenings now cite version 2 of the list', async () => {
    const response = await request(t.app.server).post('/v1/screenings').set(bearer(t.keys.screener)).send({ subject: { name: 'Listed Newly' } });
    expect(response.status).toBe(201);
    expect(response.body.listVersions).toEqual([expect.objectContaining({ source: 'ofac-sdn', version: 2 })]);
    expect(response.body.hits[0]?.entry?.sourceId).toBe('99999901');
  });
});

describe('reading lists and entries', () => {
  test('GET /v1/lists shows each source with its active version', async () => {
    const response = await request(t.app.server).get('/v1/lists').set(bearer(t.keys.reviewer));
    expect(response.status).toBe(200);
    expect(response.body.items).toEqual([expect.objectContaining({ source: 'ofac-sdn', activeVersion: 2, format: 'ofac-csv' })]);
  });

  test('entry search is paged and reads only active versions; an entry shows everything parsed', async () => {
    const page = await request(t.app.server).get('/v1/lists/entries').query({ q: 'lifshits', limit: 5 }).set(bearer(t.keys.reviewer));
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    expect(page.body).toMatchObject({ total: 1, limit: 5, offset: 0 });
    const entry = await request(t.app.server).get(`/v1/lists/entries/${page.body.items[0].id}`).set(bearer(t.keys.reviewer));
    expect(entry.status).toBe(200);
    expect(entry.body).toMatchObject({ source: 'ofac-sdn', version: 2, sourceId: '29702', type: 'individual' });
    expect(entry.body.identifiers.map((identifier: { kind: string }) => identifier.kind)).toEqual(expect.arrayContaining(['email', 'wallet', 'passport']));

    const all = await request(t.app.server).get('/v1/lists/entries').query({ limit: 10, offset: 10 }).set(bearer(t.keys.reviewer));
    expect(all.body.total).toBe(17);
    expect(all.body.items).toHaveLength(7);
  });

  test('an unknown list is 404; a bad query is 400 naming the parameter', async () => {
    expect((await request(t.app.server).get('/v1/lists/nope/versions').set(bearer(t.keys.reviewer))).status).toBe(404);
    expect((await request(t.app.server).get('/v1/lists/ofac-sdn/versions/9/diff').set(bearer(t.keys.reviewer))).status).toBe(404);
    const bad = await request(t.app.server).get('/v1/lists/entries').query({ limit: 5000 }).set(bearer(t.keys.reviewer));
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('querystring:/limit');
  });
});

describe('refused imports change nothing', () => {
  const html = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>oops</body></html>';
  const cases: [string, string, [string, Buffer | string][], string, RegExp][] = [
    ['an empty file', 'ofac-sdn', [['sdn.csv', Buffer.alloc(0)]], '', /sdn\.csv/],
    ['an HTML error page saved as sdn.csv', 'ofac-sdn', [['sdn.csv', Buffer.from(html)]], '', /HTML/],
    ['Latin-1 bytes in a CSV', 'ofac-sdn', [['sdn.csv', Buffer.concat([Buffer.from('36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"Caf'), Buffer.from([0xe9]), Buffer.from('"\r\n')])]], '', /UTF-8/],
    ['truncated UN XML', 'un', [['UN_consolidated.xml', Buffer.from('<?xml version="1.0"?><CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID>')]], '', /UN_consolidated\.xml/],
    ['a CSV sent as un-xml', 'un', [['sdn.csv', tiny('sdn.csv')]], '', /sdn\.csv/],
    ['a UN XML file with the ofac-csv format flag', 'ofac-sdn', [['sdn.csv', listsData('un-consolidated', '2026-02-27', 'UN_consolidated.xml')]], '', /XML/],
    ['a redflag-json file that is not JSON', 'redflag-curated', [['curated.json', Buffer.from('{"format": "redflag-json", ')]], '', /curated\.json/],
  ];

  test.each(cases)('%s', async (_label, source, files, query, message) => {
    const before = await tableCounts();
    const response = await upload(source, files, query);
    expect(response.status, JSON.stringify(response.body)).toBe(422);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body.detail).toMatch(message);
    expect(response.body.errors[0].field).toBeTruthy();
    expect(await tableCounts()).toEqual(before);
  });

  test('a wrong format for a known source is 400; an upload with no files is 400; JSON instead of multipart is 415', async () => {
    expect((await upload('ofac-sdn', [['sdn.csv', tiny('sdn.csv')]], '?format=un-xml')).status).toBe(400);
    expect((await upload('ofac-sdn', [])).status).toBe(415);
    const json = await request(t.app.server).post('/v1/lists/ofac-sdn/imports').set(bearer(t.keys.operator)).send({ files: [] });
    expect(json.status).toBe(415);
  });

  test('a file over the upload limit is 413 and the service stays up', async () => {
    const { MAX_LIST_FILE_BYTES } = await import('../../src/http/routes/lists.routes.js');
    const big = Buffer.alloc(MAX_LIST_FILE_BYTES + 1024, 0x41);
    const response = await upload('ofac-sdn', [['sdn.csv', big]]);
    expect(response.status, JSON.stringify(response.body)).toBe(413);
    expect((await request(t.app.server).get('/healthz')).status).toBe(200);
  });
});

test('source path segments are validated', async () => {
  const response = await upload('Not A Slug', [['sdn.csv', tiny('sdn.csv')]]);
  expect(response.status).toBe(400);
});
