import { sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { findScreeningLookups, findScreeningLookupsMany } from '../../src/db/repositories/lookups.repository.js';
import type { LinkedSubject } from '../../src/domain/rules/evaluation-context.js';
import type { LinkKey } from '../../src/domain/rules/subject-lookups.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * The order of other applicants sharing a key decides which of them a `subject_link` hit names,
 * and stored decisions replay through the same lookup: it must stay the order the service has
 * always given them, earliest first by the millisecond (what `Date.parse` reads of a stored time),
 * ties kept in the order of subject and key.
 */
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

async function screen(externalRef: string, name: string, contact: { phones: string[]; emails?: string[] } = { phones: ['+1 512 555 0199'], emails: ['farm@example.com'] }) {
  const response = await request(t.app.server).post('/v1/screenings').set(bearer(t.keys.screener)).send({ subject: { externalRef, name, ...contact } });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { id: string; hits: { ruleId: string; related?: string[] }[] };
}

/** The order before the statement sorted: rows by subject, key and time, then a stable sort by `Date.parse`. */
function earliestFirstAsParsed(rows: { key: string; kind: string; subjectId: string; externalRef: string | null; nameKey: string; createdAt: string }[]): LinkedSubject[] {
  return rows
    .map((row) => ({ ...row, at: Date.parse(row.createdAt) }))
    .sort((a, b) => a.at - b.at)
    .map((row) => ({ key: row.key, kind: row.kind as LinkedSubject['kind'], externalRef: row.externalRef ?? `subject:${row.subjectId}`, name: row.nameKey }));
}

test('linked subjects come earliest first by the millisecond, ties in subject and key order, as JavaScript sorted them', async () => {
  const names = ['Ann Lee', 'Bo Park', 'Cy Dunn', 'Di Moss', 'Ed Wynn', 'Flo Hart', 'Gus Rye', 'Hal Oak'];
  for (const [i, name] of names.entries()) await screen(`farm-${i}`, name);
  // Times that disagree with subject order: several share a millisecond but not a microsecond,
  // one subject has no externalRef, and one key of one subject is earlier than its other key.
  await queryRows(
    t.database,
    sql`update subject_link_keys k set created_at = timestamptz '2026-11-20T10:00:00Z' + (x.offset_us * interval '1 microsecond')
        from (select subject_id, key, (array[900, 100, 400, 2000, 2999, 250, 1500, 1100, 5000, 50, 1999, 300, 1001, 7000, 2500, 2200])[row_number() over (order by subject_id desc, key)] as offset_us
              from subject_link_keys) x
        where k.subject_id = x.subject_id and k.key = x.key`,
  );
  await queryRows(t.database, sql`update subjects set external_ref = null where external_ref = 'farm-3'`);

  const tenantId = (await queryRows<{ id: string }>(t.database, sql`select id from tenants where slug = 'default'`))[0]!.id;
  const links = await queryRows<LinkKey>(t.database, sql`select distinct on (key) kind, key, field, display from subject_link_keys order by key`);
  expect(links.length).toBe(2);
  const rows = await queryRows<{ key: string; kind: string; subjectId: string; externalRef: string | null; nameKey: string; createdAt: string }>(
    t.database,
    sql`select k.key, k.kind, k.subject_id as "subjectId", s.external_ref as "externalRef", k.name_key as "nameKey", to_json(k.created_at) #>> '{}' as "createdAt"
        from subject_link_keys k join subjects s on s.id = k.subject_id order by k.subject_id, k.key, k.created_at`,
  );
  expect(rows.length).toBe(names.length * 2);
  const expected = earliestFirstAsParsed(rows);
  // The fixture does exercise both tie-breaks: equal milliseconds, and an order other than by time alone.
  expect(new Set(rows.map((row) => Date.parse(row.createdAt))).size).toBeLessThan(rows.length);
  expect(expected.map((linked) => linked.externalRef)).toContain(`subject:${rows.find((row) => row.externalRef === null)!.subjectId}`);

  const query = { tenantId, versionIds: [], identifiers: [], links, subject: { externalRef: 'farm-new' } };
  const single = await findScreeningLookups(t.database.db, query);
  expect(single.linkedSubjects).toEqual(expected);
  const [many] = await findScreeningLookupsMany(t.database.db, { tenantId, versionIds: [], subjects: [query] });
  expect(many).toEqual(single);
  expect(single.linkedSubjectsCut).toBeUndefined();

  // Bounded per key and kind: the earliest of each group in the same order, and the groups cut.
  const bounded = await findScreeningLookups(t.database.db, { ...query, linkedPerKey: 3 });
  const rank = new Map<string, number>();
  const earliest = expected.filter((linked) => {
    const group = `${linked.key} ${linked.kind}`;
    rank.set(group, (rank.get(group) ?? 0) + 1);
    return rank.get(group)! <= 3;
  });
  expect(bounded.linkedSubjects).toEqual(earliest);
  const groupsCut = [...rank].filter(([, count]) => count > 3).map(([group]) => group);
  expect(groupsCut.length).toBe(2);
  expect((bounded.linkedSubjectsCut ?? []).map((group) => `${group.key} ${group.kind}`).sort()).toEqual(groupsCut.sort());
  const [boundedMany] = await findScreeningLookupsMany(t.database.db, { tenantId, versionIds: [], subjects: [{ ...query, linkedPerKey: 3 }] });
  expect(boundedMany).toEqual(bounded);
});

test('an applicant who applied many times before under other references is still linked to the other people behind the phone', async () => {
  // More earlier holders with the applicant's own name than the service reads at first (40 per
  // key): the link rule asks for every holder, and the decision and its replay name the others.
  const phone = { phones: ['+1 206 555 0142'] };
  for (let n = 1; n <= 42; n += 1) await screen(`again-${n}`, 'Jane Roe', phone);
  for (const n of [43, 44, 45]) await screen(`other-${n}`, `Someone Else ${n}`, phone);
  const decision = await screen('jane-now', 'Jane Roe', phone);
  expect(decision.hits.find((hit) => hit.ruleId === 'shared-contact')?.related, JSON.stringify(decision.hits)).toEqual(['other-43', 'other-44', 'other-45']);
  const replay = await request(t.app.server).post(`/v1/decisions/${decision.id}/replay`).set(bearer(t.keys.auditor));
  expect(replay.status, JSON.stringify(replay.body)).toBe(200);
  expect(replay.body.identical, JSON.stringify(replay.body)).toBe(true);
});
