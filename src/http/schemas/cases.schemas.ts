import { z } from 'zod';
import { CASE_QUEUE_SORTS } from '../../domain/cases/case-queue.js';
import { CASE_EVENT_TYPES, CASE_OUTCOMES, CASE_STATUSES, DISPOSITIONS } from '../../domain/cases/case-state.js';
import { OUTCOMES } from '../../domain/rules/ruleset.js';
import { hitSchema } from './screening.schemas.js';

/** Reviewer prose: line breaks allowed, other control characters not (they hide text in logs and UIs). */
const prose = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value), 'must not contain control characters');

const requiredProse = (max: number) => prose(max).refine((value) => value.trim().length > 0, 'must not be empty or only whitespace');

export const MAX_NOTE_CHARS = 4000;

export const caseStatusSchema = z.enum(CASE_STATUSES);
export const dispositionSchema = z.enum(DISPOSITIONS);

/** A list's slug (`ofac-sdn`), or a tenant watchlist's (`acme:do-not-hire`). */
const LIST_SOURCE_SLUG = /^[a-z0-9][a-z0-9-]{1,39}(:[a-z0-9][a-z0-9-]{1,39})?$/;

/** The queue's filters: the queue reads by them, and its counts are given per choice of them. */
const caseQueueFilters = {
  status: z
    .enum([...CASE_STATUSES, 'active'])
    .optional()
    .describe('One status, or `active` for every status but closed; all cases when absent'),
  assignee: z.string().min(1).max(200).optional().describe('Only cases assigned to exactly this assignee'),
  unassigned: z.enum(['true', 'false']).optional().describe('`true`: only cases nobody is assigned to (not with `assignee`)'),
  outcome: z.enum(CASE_OUTCOMES).optional(),
  olderThanHours: z.coerce.number().min(0).max(100_000).optional().describe('Only cases opened at least this many hours ago'),
  q: z.string().trim().min(1).max(200).optional().describe("Part of the subject's reference or of a name it was screened under in the case, any letter case"),
  listSource: z
    .string()
    .regex(LIST_SOURCE_SLUG, 'must be a list slug such as ofac-sdn, or a watchlist as <tenant>:<watchlist>')
    .optional()
    .describe("Only cases whose decisions hit an entry of this list: a global list's slug (`ofac-sdn`, `un`, `redflag-curated`, ...) or a tenant watchlist's `<tenant slug>:<watchlist slug>`")
    .meta({ example: 'ofac-sdn' }),
};

function refuseUnassignedWithAssignee(query: { unassigned?: string | undefined; assignee?: string | undefined }, context: z.RefinementCtx) {
  if (query.unassigned === 'true' && query.assignee !== undefined) context.addIssue({ code: 'custom', path: ['unassigned'], message: 'unassigned=true cannot be combined with assignee' });
}

export const caseQueueQuery = z
  .strictObject({
    ...caseQueueFilters,
    sort: z
      .enum(CASE_QUEUE_SORTS)
      .default('score')
      .describe('score (highest first), age (oldest first), outcome (most severe first), status, assignee, name, reference, updated (latest first); ties: score, then age'),
    order: z.enum(['asc', 'desc']).optional().describe("Reverses a sort's natural direction"),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .superRefine(refuseUnassignedWithAssignee);

export const caseQueueCountsQuery = z.strictObject(caseQueueFilters).superRefine(refuseUnassignedWithAssignee);

const countOf = z.number().int();
export const caseQueueCountsSchema = z
  .object({
    total: countOf.describe('Cases every filter lets through (what GET /v1/cases would total)'),
    status: z.object({ open: countOf, escalated: countOf, pending_approval: countOf, closed: countOf, active: countOf }).describe('Per status, and `active` (all but closed)'),
    outcome: z.object({ review: countOf, block: countOf }),
    assignee: z.array(z.object({ assignee: z.string().nullable().describe('null: nobody'), count: countOf })).describe('Each assignee with its cases, most first'),
    olderThanHours: z.array(z.object({ hours: z.number().int(), count: countOf })).describe('Cases opened at least this many hours ago: 0 (any age), a day, three days, a week'),
    listSource: z
      .array(z.object({ source: z.string().describe("A list's slug"), count: countOf }))
      .describe('Each list the cases hit entries of, with its cases (a case hitting two lists counts under both), most first'),
  })
  .meta({
    id: 'CaseQueueCounts',
    description: 'How many cases each choice of a filter would show, with the other filters and the search as asked (the choice of the filter itself set aside)',
  });

export const caseSummarySchema = z
  .object({
    id: z.uuid(),
    subjectId: z.uuid(),
    externalRef: z.string().nullable().describe("The caller's id for the screened person"),
    subjectName: z.string().nullable().describe('The name the newest decision of the case screened; null once the input was erased'),
    status: caseStatusSchema,
    outcome: z.enum(CASE_OUTCOMES).describe('Most severe outcome among the decisions of the case'),
    score: z.number().int().min(0).max(100).describe('Highest score among the decisions of the case'),
    assignee: z.string().nullable(),
    disposition: dispositionSchema.nullable().describe('Set when the case is closed'),
    pendingDisposition: z
      .enum([...DISPOSITIONS, 'reopen'])
      .nullable()
      .describe('Proposed step awaiting a second person (four-eyes): a disposition, or `reopen` for a closed case'),
    proposedBy: z.string().nullable().describe('Actor who proposed the pending step'),
    proposedByOwner: z.string().nullable().describe('Owner of the key that proposed the pending step; the approver must be another person'),
    decisionCount: z.number().int(),
    openedAt: z.string(),
    updatedAt: z.string(),
    closedAt: z.string().nullable(),
  })
  .meta({ id: 'CaseSummary' });

export type CaseSummaryView = z.infer<typeof caseSummarySchema>;

export const caseQueueItemSchema = caseSummarySchema
  .extend({
    topReason: z
      .object({
        ruleId: z.string(),
        points: z.number().int(),
        field: z.string().describe('The subject field that fired the rule'),
        entry: z.object({ source: z.string(), sourceId: z.string(), name: z.string() }).nullable().describe('The list entry, for a list hit'),
      })
      .nullable()
      .describe('The hit of the newest decision that weighed most; null when it has no hits'),
  })
  .meta({ id: 'CaseQueueItem' });

export type TopReasonView = NonNullable<z.infer<typeof caseQueueItemSchema>['topReason']>;

export const casePageSchema = z
  .object({ total: z.number().int(), limit: z.number().int(), offset: z.number().int(), items: z.array(caseQueueItemSchema) })
  .meta({ id: 'CasePage', description: 'Sorted as `sort` asks (by default score, highest first), then by age (oldest first)' });

export const caseWorkerListSchema = z
  .object({ items: z.array(z.object({ owner: z.string().describe('A person who can be assigned cases') })) })
  .meta({ id: 'CaseWorkerList', description: "Owners of the tenant's working reviewer and admin keys, each once, by name" });

const listEntrySideSchema = z
  .object({
    id: z.string(),
    source: z.string(),
    sourceId: z.string(),
    version: z.number().int().describe('List version the entry belongs to'),
    type: z.string(),
    name: z.string(),
    names: z.array(z.object({ full: z.string(), kind: z.string(), strength: z.string(), script: z.string().optional() })),
    programs: z.array(z.string()),
    birthDates: z.array(z.object({ value: z.string(), to: z.string().optional(), circa: z.boolean().optional() })),
    nationalities: z.array(z.string()),
    citizenships: z.array(z.string()),
    identifiers: z.array(z.object({ kind: z.string(), value: z.string() })),
    remarks: z.string().optional(),
    contentHash: z.string(),
  })
  .meta({ id: 'CaseListEntry', description: 'The matched list entry, to compare with the subject side by side' });

const indicatorCitationSchema = z
  .object({ id: z.string(), title: z.string(), description: z.string(), citation: z.string(), sourceDocument: z.string() })
  .meta({ id: 'IndicatorCitation' });

const caseHitSchema = hitSchema.extend({
  listEntry: listEntrySideSchema.nullable().describe('The list entry of a list hit; null for other hits'),
  indicators: z.array(indicatorCitationSchema).describe('The red-flag indicators the rule cites, with their source'),
});

const caseDecisionSchema = z.object({
  id: z.uuid(),
  outcome: z.enum(OUTCOMES),
  score: z.number().int(),
  rulesetVersion: z.number().int(),
  createdAt: z.string(),
  addedAt: z.string().describe('When the decision joined the case'),
  subject: z.record(z.string(), z.unknown()).nullable().describe('The profile as screened; null once erased'),
  hits: z.array(caseHitSchema),
});

export const caseViewSchema = caseSummarySchema
  .extend({
    decisions: z.array(caseDecisionSchema),
    linkedSubjects: z
      .array(
        z.object({
          externalRef: z.string(),
          subjectId: z.uuid().nullable().describe('null when the reference is no longer known (erased)'),
          fields: z.array(z.string()).describe("The fields of this case's subject the other subject shares"),
          caseId: z.uuid().nullable().describe("The other subject's newest case, to open"),
          caseStatus: caseStatusSchema.nullable(),
          disposition: dispositionSchema.nullable().describe('How that case was closed: confirmed_match, cleared ...'),
        }),
      )
      .describe("Other subjects the case's link hits name (shared e-mail, wallet, address ...)"),
    history: z
      .array(z.object({ id: z.uuid(), outcome: z.enum(OUTCOMES), score: z.number().int(), createdAt: z.string() }))
      .describe("The subject's other decisions, newest first"),
  })
  .meta({ id: 'Case' });

export type ListEntryView = z.infer<typeof listEntrySideSchema>;
export type IndicatorCitationView = z.infer<typeof indicatorCitationSchema>;
export type CaseHitView = z.infer<typeof caseHitSchema>;
export type CaseDecisionView = z.infer<typeof caseDecisionSchema>;
export type CaseView = z.infer<typeof caseViewSchema>;
export type LinkedSubjectView = CaseView['linkedSubjects'][number];

export const caseEventSchema = z
  .object({
    id: z.uuid(),
    type: z.enum(CASE_EVENT_TYPES),
    actor: z.object({
      id: z.string().describe('`api-key:<id>`, or `system:screening` for steps taken by a screening'),
      label: z.string().nullable(),
      owner: z.string().nullable().describe('The person or system the key belongs to'),
      roles: z.array(z.string()),
    }),
    data: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
  })
  .meta({ id: 'CaseEvent' });

export type CaseEventView = z.infer<typeof caseEventSchema>;

export const caseEventListSchema = z.object({ items: z.array(caseEventSchema) }).meta({ id: 'CaseEventList' });

export const assignBody = z
  .strictObject({
    assignee: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .nullable()
      .describe('Who works the case; null unassigns')
      .meta({ example: 'analyst.kim' }),
  })
  .meta({ id: 'CaseAssignment' });

export const commentBody = z
  .strictObject({ text: requiredProse(MAX_NOTE_CHARS).meta({ example: 'Birth year differs from the listed person by 12 years.' }) })
  .meta({ id: 'CaseComment' });

export const dispositionBody = z
  .strictObject({
    disposition: dispositionSchema,
    note: requiredProse(MAX_NOTE_CHARS).describe('Why; kept in the case record'),
  })
  .meta({ id: 'CaseDisposition', example: { disposition: 'false_positive', note: 'Different birth date and nationality.' } });

export const reopenBody = z
  .strictObject({ note: requiredProse(MAX_NOTE_CHARS).describe('Why the case is reopened; kept in the case record') })
  .meta({ id: 'CaseReopening', example: { note: 'The listed person\'s birth date was corrected; the comparison must be made again.' } });

export const approvalBody = z
  .strictObject({ note: prose(MAX_NOTE_CHARS).default('').describe('Optional remark of the approving reviewer') })
  .meta({ id: 'CaseApproval' });

export const caseActionResultSchema = z
  .object({ case: caseSummarySchema, event: caseEventSchema })
  .meta({ id: 'CaseActionResult', description: 'The case after the step, and the event that records it' });
