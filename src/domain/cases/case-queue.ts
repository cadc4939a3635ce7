/** The orders the review queue can be read in; each has a natural direction (see the repository). */
export const CASE_QUEUE_SORTS = ['score', 'age', 'outcome', 'status', 'assignee', 'name', 'reference', 'updated'] as const;
export type CaseQueueSort = (typeof CASE_QUEUE_SORTS)[number];
