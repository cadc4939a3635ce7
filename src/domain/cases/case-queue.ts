import { CASE_OUTCOMES, CASE_STATUSES, type CaseOutcome, type CaseStatus } from './case-state.js';

/** The orders the review queue can be read in; each has a natural direction (see the repository). */
export const CASE_QUEUE_SORTS = ['score', 'age', 'outcome', 'status', 'assignee', 'name', 'reference', 'updated'] as const;
export type CaseQueueSort = (typeof CASE_QUEUE_SORTS)[number];

/** The waits the queue counts cases by: any (0), over a day, three days, a week. */
export const CASE_QUEUE_WAITS = [0, 24, 72, 168] as const;

/** Cases of a tenant that agree on everything the queue filters on, and how many they are. */
export interface CaseQueueGroup {
  status: CaseStatus;
  outcome: CaseOutcome;
  assignee: string | null;
  /** The longest of CASE_QUEUE_WAITS the cases have waited; -1 for cases opened after now (a clock step back). */
  waitedHours: number;
  /** Whether they waited as long as the request's `olderThanHours` asks (true when it asks nothing). */
  oldEnough: boolean;
  count: number;
}

/** The queue's filters that counts are given per choice of (search narrows every count alike). */
export interface CaseQueueFacetFilter {
  status?: readonly CaseStatus[];
  outcome?: CaseOutcome;
  assignee?: string;
  unassigned?: boolean;
  /** Whether `olderThanHours` was asked: then only `oldEnough` groups pass. */
  olderThan?: boolean;
}

export interface CaseQueueCounts {
  /** Cases every filter lets through: the queue's total. */
  total: number;
  status: Record<CaseStatus | 'active', number>;
  outcome: Record<CaseOutcome, number>;
  /** Each assignee (null: nobody) with its cases, most first. */
  assignee: { assignee: string | null; count: number }[];
  olderThanHours: { hours: number; count: number }[];
}

type Facet = 'status' | 'outcome' | 'assignee' | 'age';

function passes(group: CaseQueueGroup, filter: CaseQueueFacetFilter, ignored: Facet | null): boolean {
  if (ignored !== 'status' && filter.status && !filter.status.includes(group.status)) return false;
  if (ignored !== 'outcome' && filter.outcome && group.outcome !== filter.outcome) return false;
  if (ignored !== 'assignee' && filter.assignee !== undefined && group.assignee !== filter.assignee) return false;
  if (ignored !== 'assignee' && filter.unassigned && group.assignee !== null) return false;
  if (ignored !== 'age' && filter.olderThan && !group.oldEnough) return false;
  return true;
}

const sumOf = (groups: CaseQueueGroup[], include: (group: CaseQueueGroup) => boolean) => groups.reduce((sum, group) => (include(group) ? sum + group.count : sum), 0);

/**
 * How many cases each choice of a filter would show, the other filters as they are: what the
 * queue's filter menus say beside each choice (a facet count), so a choice never leads to an
 * empty queue unannounced.
 */
export function caseQueueCounts(groups: CaseQueueGroup[], filter: CaseQueueFacetFilter): CaseQueueCounts {
  const under = (ignored: Facet | null) => groups.filter((group) => passes(group, filter, ignored));
  const [byStatus, byOutcome, byAssignee, byAge] = [under('status'), under('outcome'), under('assignee'), under('age')];
  const status = Object.fromEntries(CASE_STATUSES.map((value) => [value, sumOf(byStatus, (group) => group.status === value)])) as Record<CaseStatus, number>;
  const assignees = new Map<string | null, number>();
  for (const group of byAssignee) assignees.set(group.assignee, (assignees.get(group.assignee) ?? 0) + group.count);
  return {
    total: sumOf(under(null), () => true),
    status: { ...status, active: sumOf(byStatus, (group) => group.status !== 'closed') },
    outcome: Object.fromEntries(CASE_OUTCOMES.map((value) => [value, sumOf(byOutcome, (group) => group.outcome === value)])) as Record<CaseOutcome, number>,
    assignee: [...assignees]
      .map(([assignee, count]) => ({ assignee, count }))
      .sort((a, b) => b.count - a.count || (a.assignee ?? '').localeCompare(b.assignee ?? '')),
    olderThanHours: CASE_QUEUE_WAITS.map((hours) => ({ hours, count: sumOf(byAge, (group) => group.waitedHours >= hours) })),
  };
}
