import { describe, expect, test } from 'vitest';
import { caseQueueCounts, type CaseQueueGroup } from '../../src/domain/cases/case-queue.js';

const group = (overrides: Partial<CaseQueueGroup>): CaseQueueGroup => ({ status: 'open', outcome: 'review', assignee: null, waitedHours: 0, oldEnough: true, count: 1, ...overrides });

const GROUPS = [
  group({ status: 'open', outcome: 'review', assignee: null, waitedHours: 0, count: 3 }),
  group({ status: 'open', outcome: 'block', assignee: 'kim', waitedHours: 24, count: 2 }),
  group({ status: 'escalated', outcome: 'block', assignee: 'kim', waitedHours: 168, oldEnough: false, count: 1 }),
  group({ status: 'closed', outcome: 'review', assignee: 'lee', waitedHours: 72, count: 4 }),
];

describe('the queue counts per filter choice', () => {
  test('without filters: every group counted in each facet, waits cumulative', () => {
    expect(caseQueueCounts(GROUPS, {})).toEqual({
      total: 10,
      status: { open: 5, escalated: 1, pending_approval: 0, closed: 4, active: 6 },
      outcome: { review: 7, block: 3 },
      assignee: [
        { assignee: 'lee', count: 4 },
        { assignee: null, count: 3 },
        { assignee: 'kim', count: 3 },
      ],
      olderThanHours: [
        { hours: 0, count: 10 },
        { hours: 24, count: 7 },
        { hours: 72, count: 5 },
        { hours: 168, count: 1 },
      ],
    });
  });

  test("each facet counts under the other filters, setting its own aside", () => {
    const counts = caseQueueCounts(GROUPS, { status: ['open', 'escalated', 'pending_approval'], outcome: 'block' });
    expect(counts.total).toBe(3);
    // The status menu: block cases per status (its own filter aside).
    expect(counts.status).toEqual({ open: 2, escalated: 1, pending_approval: 0, closed: 0, active: 3 });
    // The outcome menu: active cases per outcome.
    expect(counts.outcome).toEqual({ review: 3, block: 3 });
    expect(counts.assignee).toEqual([{ assignee: 'kim', count: 3 }]);
  });

  test('unassigned, an assignee and an age filter narrow the other facets', () => {
    expect(caseQueueCounts(GROUPS, { unassigned: true }).status).toMatchObject({ open: 3, closed: 0 });
    expect(caseQueueCounts(GROUPS, { assignee: 'kim' }).outcome).toEqual({ review: 0, block: 3 });
    const old = caseQueueCounts(GROUPS, { olderThan: true });
    expect(old.total).toBe(9);
    expect(old.status.escalated).toBe(0);
    // The age menu sets the age filter aside: the escalated case that is not old enough still counts there.
    expect(old.olderThanHours.find((wait) => wait.hours === 168)?.count).toBe(1);
    expect(old.olderThanHours.find((wait) => wait.hours === 0)?.count).toBe(10);
  });

  test('a case opened after now (the clock stepped back) has waited for none of the waits', () => {
    expect(caseQueueCounts([group({ waitedHours: -1 })], {}).olderThanHours.every((wait) => wait.count === 0)).toBe(true);
  });

  test('no cases: zeros everywhere, no assignees', () => {
    expect(caseQueueCounts([], { outcome: 'review' })).toMatchObject({ total: 0, status: { active: 0 }, outcome: { review: 0, block: 0 }, assignee: [] });
  });
});
