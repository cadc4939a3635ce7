import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { api, screen, WATCHLIST } from '../helpers/cases-fixtures.js';
import { loadTestList } from '../helpers/list-fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let clock = new Date('2026-11-20T08:00:00.000Z');
const advanceHours = (hours: number) => {
  clock = new Date(clock.getTime() + hours * 3_600_000);
};

beforeAll(async () => {
  t = await createTestApp({
    beforeBuild: async (database) => {
      await loadTestList(database.db, 'test-watchlist', WATCHLIST);
    },
    appDeps: { now: () => clock },
  });
});
afterAll(() => t.close());

const reviewer = () => api(t, t.keys.reviewer);
const json = (body: unknown) => JSON.stringify(body);

async function eventsOf(caseId: string) {
  const response = await reviewer().get(`/v1/cases/${caseId}/events`);
  expect(response.status, json(response.body)).toBe(200);
  return response.body.items as { type: string; actor: { id: string; label: string | null; roles: string[] }; data: Record<string, unknown>; createdAt: string }[];
}

describe('cases open from decisions', () => {
  let firstCaseId: string;

  test('a review decision opens a case, and the decision view names it', async () => {
    const decision = await screen(t, { externalRef: 'cand-1', name: 'Sang Man Kim', birthDate: '1961-01-02' });
    expect(decision.outcome).toBe('review');
    expect(decision).toMatchObject({ caseId: expect.any(String), caseStatus: 'open', disposition: null });
    firstCaseId = decision.caseId!;

    const readBack = await reviewer().get(`/v1/decisions/${decision.id}`);
    expect(readBack.status, json(readBack.body)).toBe(200);
    expect(readBack.body).toMatchObject({ caseId: firstCaseId, caseStatus: 'open', disposition: null });

    const events = await eventsOf(firstCaseId);
    expect(events).toEqual([
      expect.objectContaining({ type: 'opened', actor: { id: 'system:screening', label: 'screening', owner: null, roles: [] }, data: { decisionId: decision.id, outcome: 'review', score: decision.score }, createdAt: clock.toISOString() }),
    ]);
  });

  test('a clear decision opens nothing', async () => {
    const decision = await screen(t, { externalRef: 'cand-clear', name: 'Maria Kowalska' });
    expect(decision).toMatchObject({ outcome: 'clear', caseId: null, caseStatus: null, disposition: null });
    const queue = await reviewer().get('/v1/cases');
    expect(queue.body.items.map((item: { externalRef: string }) => item.externalRef)).not.toContain('cand-clear');
  });

  test('a later hit on the same subject joins its open case instead of opening another', async () => {
    advanceHours(1);
    const decision = await screen(t, { externalRef: 'cand-1', name: 'Sang Man Kim', aliases: ['Pak Hwa Song'] });
    expect(decision.caseId).toBe(firstCaseId);
    const view = await reviewer().get(`/v1/cases/${firstCaseId}`);
    expect(view.body.decisionCount).toBe(2);
    expect(view.body.score).toBeGreaterThanOrEqual(decision.score);
    const events = await eventsOf(firstCaseId);
    expect(events.map((event) => event.type)).toEqual(['opened', 'decision_added']);
    expect(events[1]?.data).toMatchObject({ decisionId: decision.id, outcome: decision.outcome });
    const rows = await queryRows<{ n: number }>(t.database, sql`select count(*)::int as n from cases where subject_id = (select subject_id from cases where id = ${firstCaseId})`);
    expect(rows[0]?.n).toBe(1);
  });
});

describe('concurrent screenings of one subject', () => {
  test('open one case between them, which holds every decision', async () => {
    advanceHours(1);
    const decisions = await Promise.all([1, 2, 3, 4, 5].map(() => screen(t, { externalRef: 'cand-race', name: 'Sang Man Kim' })));
    const caseIds = new Set(decisions.map((decision) => decision.caseId));
    expect(caseIds.size, json(decisions.map((decision) => decision.caseId))).toBe(1);
    const view = await reviewer().get(`/v1/cases/${decisions[0]!.caseId}`);
    expect(view.body.decisionCount).toBe(5);
    // Closed here so the queue tests below see only the cases they open (clearing a list hit takes two people).
    await reviewer().post(`/v1/cases/${decisions[0]!.caseId}/disposition`, { disposition: 'cleared', note: 'test fixture' }).expect(200);
    await api(t, t.keys.admin).post(`/v1/cases/${decisions[0]!.caseId}/approve`, {}).expect(200);
  });
});

describe('the case view', () => {
  test('shows each hit beside the matched list entry and the subject, with the cited indicator and the earlier decisions', async () => {
    advanceHours(1);
    const earlier = await screen(t, { externalRef: 'cand-2', name: 'Jane Roe' });
    expect(earlier.outcome).toBe('clear');
    advanceHours(1);
    const decision = await screen(t, { externalRef: 'cand-2', name: 'Sang Man Kim', birthDate: '1961-03-04' });
    const response = await reviewer().get(`/v1/cases/${decision.caseId}`);
    expect(response.status, json(response.body)).toBe(200);
    const view = response.body;
    expect(view).toMatchObject({ id: decision.caseId, externalRef: 'cand-2', status: 'open', outcome: 'review', assignee: null, decisionCount: 1 });
    expect(view.decisions).toHaveLength(1);
    expect(view.decisions[0].subject).toMatchObject({ name: 'Sang Man Kim', birthDate: '1961-03-04' });
    const hit = view.decisions[0].hits.find((candidate: { ruleId: string }) => candidate.ruleId === 'list-name-match');
    expect(hit, json(view.decisions[0].hits)).toBeDefined();
    expect(hit.value).toBeDefined();
    expect(hit.listEntry).toMatchObject({
      source: 'test-watchlist',
      sourceId: 'W-1',
      version: 1,
      name: 'KIM, Sang Man',
      names: [{ full: 'KIM, Sang Man', kind: 'primary', strength: 'strong' }],
      programs: ['DPRK3'],
      birthDates: [{ value: '1961-08-12' }],
      nationalities: ['KP'],
      identifiers: [],
      contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(hit.indicators).toEqual([
      expect.objectContaining({ id: 'LIST-SDN-PERSON', title: expect.any(String), description: expect.any(String), citation: expect.any(String), sourceDocument: expect.any(String) }),
    ]);
    expect(view.history).toEqual([{ id: earlier.id, outcome: 'clear', score: earlier.score, createdAt: expect.any(String) }]);
  });

  test('an unknown case is 404 problem+json', async () => {
    const response = await reviewer().get('/v1/cases/0190f2a0-0000-7000-8000-000000000000');
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
  });
});

describe('the queue', () => {
  test('is sorted by score (highest first), then age (oldest first), and paged', async () => {
    advanceHours(1);
    await screen(t, { externalRef: 'cand-3', name: 'Han Chol Jin' });
    advanceHours(1);
    await screen(t, { externalRef: 'cand-4', name: 'Ri Kyong Sik' });
    const response = await reviewer().get('/v1/cases');
    expect(response.status, json(response.body)).toBe(200);
    const items = response.body.items as { score: number; openedAt: string; externalRef: string }[];
    expect(response.body.total).toBe(items.length);
    expect(items.length).toBeGreaterThanOrEqual(4);
    for (let index = 1; index < items.length; index += 1) {
      const [before, after] = [items[index - 1]!, items[index]!];
      expect(before.score > after.score || (before.score === after.score && before.openedAt <= after.openedAt), json([before, after])).toBe(true);
    }
    const page = await reviewer().get('/v1/cases?limit=1&offset=1');
    expect(page.body).toMatchObject({ total: items.length, limit: 1, offset: 1, items: [expect.objectContaining({ id: (response.body.items[1] as { id: string }).id })] });
  });

  test('filters by status, assignee, outcome and age', async () => {
    const all = (await reviewer().get('/v1/cases')).body.items as { id: string; externalRef: string; openedAt: string; status: string }[];
    const target = all.find((item) => item.externalRef === 'cand-3')!;
    await reviewer().post(`/v1/cases/${target.id}/assign`, { assignee: 'analyst.kim' }).expect(200);

    const assigned = await reviewer().get('/v1/cases?assignee=analyst.kim');
    expect(assigned.body.items.map((item: { id: string }) => item.id)).toEqual([target.id]);

    const escalate = await reviewer().post(`/v1/cases/${target.id}/disposition`, { disposition: 'escalated', note: 'needs the sanctions team' });
    expect(escalate.status, json(escalate.body)).toBe(200);
    const escalated = await reviewer().get('/v1/cases?status=escalated');
    expect(escalated.body.items.map((item: { id: string }) => item.id)).toEqual([target.id]);
    const open = await reviewer().get('/v1/cases?status=open');
    expect(open.body.items.map((item: { id: string }) => item.id)).not.toContain(target.id);
    const active = await reviewer().get('/v1/cases?status=active');
    expect(active.body.total).toBe(all.filter((item) => item.status !== 'closed').length);
    expect((await reviewer().get('/v1/cases?status=closed')).body.items.map((item: { externalRef: string }) => item.externalRef)).toEqual(['cand-race']);

    expect((await reviewer().get('/v1/cases?outcome=block')).body.total).toBe(0);
    expect((await reviewer().get('/v1/cases?outcome=review')).body.total).toBe(all.length);

    // Cases were opened an hour or more apart; the clock is now at the newest one.
    const hoursOld = (item: { openedAt: string }) => (clock.getTime() - new Date(item.openedAt).getTime()) / 3_600_000;
    const olderThan = await reviewer().get('/v1/cases?olderThanHours=3');
    expect(olderThan.status, json(olderThan.body)).toBe(200);
    const expected = all.filter((item) => hoursOld(item) >= 3).map((item) => item.id).sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(all.length);
    expect((olderThan.body.items as { id: string }[]).map((item) => item.id).sort()).toEqual(expected);
  });
});

describe('the queue a reviewer works in', () => {
  type Item = { id: string; externalRef: string; subjectName: string | null; assignee: string | null; outcome: string; topReason: { ruleId: string; points: number; entry: { source: string; name: string } | null } | null };
  const items = async (query: string) => {
    const response = await reviewer().get(`/v1/cases${query}`);
    expect(response.status, json(response.body)).toBe(200);
    return response.body.items as Item[];
  };

  test('names each subject and its top reason (the rule and list entry that weighed most)', async () => {
    const [item] = (await items('?q=cand-4'));
    expect(item).toMatchObject({ externalRef: 'cand-4', subjectName: 'Ri Kyong Sik', topReason: { ruleId: expect.any(String), points: expect.any(Number), entry: { source: 'test-watchlist', name: expect.any(String) } } });
  });

  test('searches by part of a name or reference in any letter case, and says nothing of the % and _ wildcards', async () => {
    expect((await items('?q=kyong%20SIK')).map((item) => item.externalRef)).toEqual(['cand-4']);
    expect((await items('?q=CAND-3')).map((item) => item.externalRef)).toEqual(['cand-3']);
    expect(await items('?q=%25')).toEqual([]);
    expect(await items('?q=cand_3')).toEqual([]);
  });

  test('filters unassigned cases and sorts by any column, either way', async () => {
    const unassigned = await items('?unassigned=true');
    expect(unassigned.length).toBeGreaterThan(0);
    expect(unassigned.every((item) => item.assignee === null), json(unassigned)).toBe(true);
    expect((await items('')).length).toBeGreaterThan(unassigned.length);

    const refs = (await items('?sort=reference')).map((item) => item.externalRef);
    expect(refs).toEqual([...refs].sort());
    expect((await items('?sort=reference&order=desc')).map((item) => item.externalRef)).toEqual([...refs].sort().reverse());
    const names = (await items('?sort=name')).map((item) => item.subjectName!.toLowerCase());
    expect(names).toEqual([...names].sort());
  });

  test('counts per filter choice agree with the total the queue shows for that choice, the other filters kept', async () => {
    type Counts = { total: number; status: Record<string, number>; outcome: Record<string, number>; assignee: { assignee: string | null; count: number }[]; olderThanHours: { hours: number; count: number }[] };
    const totalOf = async (query: Record<string, string>) => {
      const response = await reviewer().get(`/v1/cases?${new URLSearchParams(query)}`);
      expect(response.status, json(response.body)).toBe(200);
      return response.body.total as number;
    };
    for (const filters of [{}, { status: 'active' }, { outcome: 'review', q: 'cand' }, { unassigned: 'true' }, { assignee: 'analyst.kim', olderThanHours: '1' }] as Record<string, string>[]) {
      const response = await reviewer().get(`/v1/cases/counts?${new URLSearchParams(filters)}`);
      expect(response.status, json(response.body)).toBe(200);
      const counts = response.body as Counts;
      const without = (...names: string[]) => Object.fromEntries(Object.entries(filters).filter(([name]) => !names.includes(name)));
      expect(counts.total, json(filters)).toBe(await totalOf(filters));
      for (const [status, count] of Object.entries(counts.status)) expect(count, `${json(filters)} status=${status}`).toBe(await totalOf({ ...without('status'), status }));
      for (const [outcome, count] of Object.entries(counts.outcome)) expect(count, `${json(filters)} outcome=${outcome}`).toBe(await totalOf({ ...without('outcome'), outcome }));
      for (const { assignee, count } of counts.assignee) {
        expect(count, `${json(filters)} assignee=${assignee}`).toBe(await totalOf({ ...without('assignee', 'unassigned'), ...(assignee === null ? { unassigned: 'true' } : { assignee }) }));
      }
      expect(counts.assignee.reduce((sum, item) => sum + item.count, 0)).toBe(await totalOf(without('assignee', 'unassigned')));
      for (const { hours, count } of counts.olderThanHours) expect(count, `${json(filters)} ${hours} h`).toBe(await totalOf({ ...without('olderThanHours'), olderThanHours: String(hours) }));
    }
    const all = (await reviewer().get('/v1/cases/counts')).body as Counts;
    expect(all.assignee.map((item) => item.assignee)).toEqual(expect.arrayContaining([null, 'analyst.kim']));
    expect(all.status.escalated).toBeGreaterThan(0);
  });

  test("counts only the tenant's own cases", async () => {
    const before = (await reviewer().get('/v1/cases/counts')).body;
    const other = await screen(t, { externalRef: 'other-tenant-1', name: 'Ri Kyong Sik' }, t.keys.otherTenantScreener);
    expect(other.caseId).toBeTruthy();
    expect((await reviewer().get('/v1/cases/counts')).body).toEqual(before);
    const theirs = await api(t, t.keys.otherTenantAdmin).get('/v1/cases/counts?q=other-tenant');
    expect(theirs.status, json(theirs.body)).toBe(200);
    expect(theirs.body).toMatchObject({ total: 1, status: { open: 1, active: 1 }, assignee: [{ assignee: null, count: 1 }] });
  });

  test('refuses unassigned with an assignee, and an unknown sort, naming the field', async () => {
    const both = await reviewer().get('/v1/cases?unassigned=true&assignee=analyst.kim');
    expect(both.status).toBe(400);
    expect(both.body.errors, json(both.body)).toEqual([expect.objectContaining({ field: expect.stringContaining('unassigned') })]);
    const sort = await reviewer().get('/v1/cases?sort=shoe-size');
    expect(sort.status).toBe(400);
    expect(sort.body.errors, json(sort.body)).toEqual([expect.objectContaining({ field: expect.stringContaining('sort') })]);
  });

  test('lists who cases can be assigned to: owners of working reviewer and admin keys, each once', async () => {
    const response = await reviewer().get('/v1/cases/assignees');
    expect(response.status, json(response.body)).toBe(200);
    const owners = (response.body.items as { owner: string }[]).map((item) => item.owner);
    expect(owners).toContain('reviewer of default');
    expect(new Set(owners).size).toBe(owners.length);
    expect(owners.some((owner) => owner.startsWith('screener'))).toBe(false);
  });

  test('a case names the other subjects its link hits share an identifier with, and their cases', async () => {
    const farm = { kind: 'shipping', line1: '400 Warehouse Rd Apt 2', city: 'Nashville', postalCode: '37201', country: 'US' };
    for (const [index, name] of ['Mark Jensen', 'Luis Ortega', 'Sam Whitaker'].entries()) await screen(t, { externalRef: `farm-${index + 1}`, name, addresses: [farm] });
    const [third] = await items('?q=farm-3');
    expect(third, 'the third applicant at the address has a case').toBeDefined();
    const view = await reviewer().get(`/v1/cases/${third!.id}`);
    expect(view.status, json(view.body)).toBe(200);
    expect(view.body.subjectName).toBe('Sam Whitaker');
    const linked = view.body.linkedSubjects as { externalRef: string; subjectId: string | null; fields: string[] }[];
    expect(linked.map((item) => item.externalRef).sort()).toEqual(['farm-1', 'farm-2']);
    expect(linked.every((item) => item.subjectId !== null && item.fields.length > 0), json(linked)).toBe(true);
  });
});

describe('reviewer steps', () => {
  let caseId: string;
  beforeAll(async () => {
    advanceHours(1);
    caseId = (await screen(t, { externalRef: 'cand-5', name: 'Pak Hwa Song' })).caseId!;
  });

  test('assign, unassign and comment are recorded with the actor and the time', async () => {
    const assigned = await reviewer().post(`/v1/cases/${caseId}/assign`, { assignee: 'analyst.lee' });
    expect(assigned.status, json(assigned.body)).toBe(200);
    expect(assigned.body.case).toMatchObject({ id: caseId, assignee: 'analyst.lee', status: 'open' });
    expect(assigned.body.event).toMatchObject({ type: 'assigned', data: { assignee: 'analyst.lee', previous: null } });

    const unassigned = await reviewer().post(`/v1/cases/${caseId}/assign`, { assignee: null });
    expect(unassigned.body.case.assignee).toBeNull();

    const comment = await reviewer().post(`/v1/cases/${caseId}/comments`, { text: 'Birth year differs by 30 years.\nDifferent nationality.' });
    expect(comment.status, json(comment.body)).toBe(201);

    const events = await eventsOf(caseId);
    expect(events.map((event) => event.type)).toEqual(['opened', 'assigned', 'assigned', 'commented']);
    const commented = events[3]!;
    expect(commented.actor.id).toMatch(/^api-key:[0-9a-f-]{36}$/);
    expect(commented.actor.roles).toEqual(['reviewer']);
    expect(commented.data).toEqual({ text: 'Birth year differs by 30 years.\nDifferent nationality.' });
    expect(commented.createdAt).toBe(clock.toISOString());
  });

  test('a review case disposed as confirmed_match closes at once (no second reviewer needed), and the decision view shows it', async () => {
    const response = await reviewer().post(`/v1/cases/${caseId}/disposition`, { disposition: 'confirmed_match', note: 'Same person: passport copy matches.' });
    expect(response.status, json(response.body)).toBe(200);
    expect(response.body.case).toMatchObject({ status: 'closed', disposition: 'confirmed_match', closedAt: clock.toISOString() });
    const decisionId = ((await reviewer().get(`/v1/cases/${caseId}`)).body.decisions[0] as { id: string }).id;
    const decision = await reviewer().get(`/v1/decisions/${decisionId}`);
    expect(decision.body).toMatchObject({ caseId, caseStatus: 'closed', disposition: 'confirmed_match' });
  });

  test.each([
    ['disposing a closed case', 'disposition', { disposition: 'cleared', note: 'again' }],
    ['approving a closed case', 'approve', { note: 'ok' }],
    ['assigning a closed case', 'assign', { assignee: 'x' }],
    ['commenting on a closed case', 'comments', { text: 'late note' }],
  ])('%s is 409 with a reason', async (_label, step, body) => {
    const before = (await eventsOf(caseId)).length;
    const response = await reviewer().post(`/v1/cases/${caseId}/${step}`, body);
    expect(response.status, json(response.body)).toBe(409);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body.detail).toMatch(/closed/);
    expect((await eventsOf(caseId)).length).toBe(before);
  });

  test('approving a case that is not pending approval is 409', async () => {
    advanceHours(1);
    const open = (await screen(t, { externalRef: 'cand-6', name: 'Han Chol Jin' })).caseId!;
    const response = await reviewer().post(`/v1/cases/${open}/approve`, { note: 'ok' });
    expect(response.status, json(response.body)).toBe(409);
    expect(response.body.detail).toMatch(/pending approval/);
  });

  test('case events cannot be changed or deleted, even with SQL', async () => {
    await expect(t.database.db.execute(sql`update case_events set actor = 'someone else' where case_id = ${caseId}`)).rejects.toThrow();
    await expect(t.database.db.execute(sql`delete from case_events where case_id = ${caseId}`)).rejects.toThrow();
  });
});

describe('bad input to the case routes is 400 naming the field, and changes nothing', () => {
  let caseId: string;
  beforeAll(async () => {
    advanceHours(1);
    caseId = (await screen(t, { externalRef: 'cand-7', name: 'Ri Kyong Sik' })).caseId!;
  });

  test.each([
    ['an unknown disposition', 'disposition', { disposition: 'maybe', note: 'n' }, '/disposition'],
    ['a disposition without a note', 'disposition', { disposition: 'false_positive' }, '/note'],
    ['a blank disposition note', 'disposition', { disposition: 'false_positive', note: '   ' }, '/note'],
    ['an empty comment', 'comments', { text: '' }, '/text'],
    ['a whitespace-only comment', 'comments', { text: ' \n ' }, '/text'],
    ['a 10,000-character comment', 'comments', { text: 'a'.repeat(10_000) }, '/text'],
    ['a comment with control characters', 'comments', { text: 'bell\u0007' }, '/text'],
    ['an unknown field in a comment', 'comments', { text: 'ok', html: '<b>' }, '/html'],
    ['an assignee of the wrong type', 'assign', { assignee: 42 }, '/assignee'],
    ['a missing assignee', 'assign', {}, '/assignee'],
    ['an approval note that is too long', 'approve', { note: 'a'.repeat(10_000) }, '/note'],
  ])('%s', async (_label, step, body, field) => {
    const before = (await eventsOf(caseId)).length;
    const response = await reviewer().post(`/v1/cases/${caseId}/${step}`, body);
    expect(response.status, json(response.body)).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    expect((await eventsOf(caseId)).length).toBe(before);
  });

  test.each([
    ['an unknown status', '/v1/cases?status=done', 'querystring:/status'],
    ['a negative age', '/v1/cases?olderThanHours=-1', 'querystring:/olderThanHours'],
    ['a limit above 200', '/v1/cases?limit=1000', 'querystring:/limit'],
    ['an unknown query parameter', '/v1/cases?colour=red', 'querystring:/colour'],
    ['a malformed case id', '/v1/cases/not-a-uuid', 'params:/id'],
    ['counts with an unknown status', '/v1/cases/counts?status=done', 'querystring:/status'],
    ['counts with paging', '/v1/cases/counts?limit=10', 'querystring:/limit'],
    ['counts unassigned to someone', '/v1/cases/counts?unassigned=true&assignee=analyst.kim', 'querystring:/unassigned'],
  ])('%s', async (_label, path, field) => {
    const response = await reviewer().get(path);
    expect(response.status, json(response.body)).toBe(400);
    expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
  });
});
