import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';
import { listsData } from '../helpers/shared-data.js';

let t: TestApp;
const zala = () => readFileSync(listsData('opensanctions-ftm', 'zala', 'entities.ftm.json'));

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

function upload(source: string, files: [string, Buffer][], query = '') {
  let pending = request(t.app.server).post(`/v1/lists/${source}/imports${query}`).set(bearer(t.keys.operator));
  for (const [name, content] of files) pending = pending.attach('files', content, name);
  return pending;
}

const versionCount = async () =>
  (await queryRows<{ n: number }>(t.database, sql`select count(*)::int as n from list_versions`))[0]?.n ?? 0;

describe('importing OpenSanctions FtM entities over HTTP', () => {
  test('the first import of a new slug creates the source; gzip is read as such', async () => {
    const response = await upload('os-sanctions', [['entities.ftm.json.gz', gzipSync(zala())]], '?format=ftm');
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body.version).toMatchObject({
      source: 'os-sanctions',
      version: 1,
      format: 'ftm',
      filters: null,
      counts: expect.objectContaining({ entries: 14, lines: 91, notTargets: 3, individual: 6, entity: 8 }),
    });
    const lists = await request(t.app.server).get('/v1/lists').set(bearer(t.keys.reviewer));
    expect(lists.body.items).toContainEqual(expect.objectContaining({ source: 'os-sanctions', name: 'os-sanctions', format: 'ftm', activeVersion: 1 }));
  });

  test('?dataset keeps those datasets, makes a version that records them, and the same request again finds it', async () => {
    const first = await upload('os-sanctions', [['entities.ftm.json', zala()]], '?format=ftm&dataset=us_ofac_sdn&dataset=gb_fcdo_sanctions&allowShrink=true');
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.version).toMatchObject({ version: 2, filters: { datasets: ['gb_fcdo_sanctions', 'us_ofac_sdn'] } });
    expect(first.body.version.counts.entries).toBeLessThan(14);
    const again = await upload('os-sanctions', [['entities.ftm.json', zala()]], '?format=ftm&dataset=gb_fcdo_sanctions&dataset=us_ofac_sdn');
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body.version.id).toBe(first.body.version.id);
  });

  test('an entry shows its datasets and referents; a screening that matches it names the source', async () => {
    const page = await request(t.app.server).get('/v1/lists/entries').query({ q: 'Osetrova', source: 'os-sanctions' }).set(bearer(t.keys.reviewer));
    expect(page.body.total, JSON.stringify(page.body)).toBe(1);
    const entry = await request(t.app.server).get(`/v1/lists/entries/${page.body.items[0].id}`).set(bearer(t.keys.reviewer));
    expect(entry.body.attributes).toMatchObject({ ofacEntNum: '46001', referents: expect.stringContaining('ofac-46001') });

    const screening = await request(t.app.server)
      .post('/v1/screenings')
      .set(bearer(t.keys.screener))
      .send({ subject: { name: 'Maria Aleksandrovna Osetrova', birthDate: '1988-01-07' } });
    expect(screening.status, JSON.stringify(screening.body)).toBe(201);
    expect(screening.body.outcome).not.toBe('clear');
    expect(screening.body.hits).toContainEqual(expect.objectContaining({ entry: expect.objectContaining({ source: 'os-sanctions', sourceId: 'NK-2Tbri3s6GgNtAwsSXh4qpL' }) }));
    expect(screening.body.listVersions).toContainEqual(expect.objectContaining({ source: 'os-sanctions', version: 2 }));
  });

  test('a line that is not JSON is 422 naming the file and the line; nothing is imported', async () => {
    const before = await versionCount();
    const lines = zala().toString('utf8').split('\n');
    lines.splice(2, 0, '{"id": "broken", "schema": ');
    const response = await upload('os-sanctions', [['entities.ftm.json', Buffer.from(lines.join('\n'))]], '?format=ftm');
    expect(response.status, JSON.stringify(response.body)).toBe(422);
    expect(response.body.errors[0]).toMatchObject({ field: 'entities.ftm.json', message: expect.stringMatching(/^line 3: not JSON/) });
    expect(await versionCount()).toBe(before);
  });

  test('a new slug needs its format; datasets need format ftm; a bad dataset name is 400', async () => {
    expect((await upload('jp-mof', [['entities.ftm.json', zala()]])).status).toBe(400);
    expect((await upload('ofac-sdn', [['sdn.csv', zala()]], '?dataset=us_ofac_sdn')).status).toBe(400);
    const bad = await upload('jp-mof', [['entities.ftm.json', zala()]], '?format=ftm&dataset=Not%20A%20Dataset');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toMatch(/dataset/);
  });
});

describe('the UN list by regime', () => {
  const unFile = () => readFileSync(listsData('un-consolidated', '2026-02-27', 'UN_consolidated.xml'));

  test('?regime=DPRK keeps the 1718 list, and the version says so', async () => {
    const response = await upload('un', [['UN_consolidated.xml', unFile()]], '?regime=DPRK');
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body.version).toMatchObject({ filters: { regimes: ['DPRK'] }, counts: expect.objectContaining({ entries: 155, parsedEntries: 1003 }) });
    const versions = await request(t.app.server).get('/v1/lists/un/versions').set(bearer(t.keys.auditor));
    expect(versions.body.items[0].filters).toEqual({ regimes: ['DPRK'] });
  });

  test('the whole file is another version; a regime the list lacks is 422', async () => {
    const all = await upload('un', [['UN_consolidated.xml', unFile()]]);
    expect(all.status).toBe(201);
    expect(all.body.version).toMatchObject({ version: 2, filters: null, counts: expect.objectContaining({ entries: 1003 }) });
    const missing = await upload('un', [['UN_consolidated.xml', unFile()]], '?regime=Narnia');
    expect(missing.status).toBe(422);
    expect(missing.body.detail).toMatch(/no entries of regime Narnia/);
  });
});
