import { z } from 'zod';
import { OUTCOMES } from '../../domain/rules/ruleset.js';
import { RESULT_STATUSES } from '../../services/monitoring.service.js';

const triggerSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('list_version'), source: z.string(), version: z.number().int(), versionId: z.uuid() }),
    z.object({ kind: z.literal('ruleset'), rulesetId: z.uuid(), version: z.number().int() }),
    z.object({
      kind: z.literal('link'),
      decisionId: z.uuid().describe('The later screening that shares identifiers with the subjects of this run'),
      sequence: z.number().int().describe("That decision's place in the tenant's decision chain"),
    }),
  ])
  .describe(
    'What started the run: a list version or a ruleset version becoming active, or a later screening sharing identifiers with earlier applicants (each is screened again: a laptop farm is found as a whole, its first member too)',
  )
  .meta({ id: 'MonitoringTrigger' });

export const monitoringRunSchema = z
  .object({
    id: z.uuid(),
    status: z.enum(['running', 'completed']),
    trigger: triggerSchema,
    total: z.number().int().describe('Subjects to screen again: the monitored ones (list or ruleset runs), or the earlier applicants a screening linked to (link runs)'),
    done: z.number().int().describe('Subjects processed so far (changed + unchanged + skipped + failed)'),
    changed: z.number().int().describe('New decision written: the outcome, score or evidence changed'),
    unchanged: z.number().int().describe('Nothing new: recorded here only, no decision written'),
    skipped: z.number().int().describe('Not screened: stored input erased, or the subject was screened again during the run'),
    failed: z.number().int(),
    createdAt: z.string(),
    completedAt: z.string().nullable(),
  })
  .meta({ id: 'MonitoringRun' });

export type MonitoringRunView = z.infer<typeof monitoringRunSchema>;

const decisionRefSchema = z.object({ decisionId: z.uuid(), outcome: z.enum(OUTCOMES), score: z.number().int() });

export const monitoringResultSchema = z
  .object({
    subjectId: z.uuid(),
    externalRef: z.string().nullable(),
    method: z.enum(['delta', 'full']).nullable().describe('delta: checked against the list entries that changed only; full: screened again in full'),
    previous: decisionRefSchema.nullable().describe('The decision the re-screen compared with'),
    new: decisionRefSchema.nullable().describe('The new decision, linked to the previous one by this result'),
    error: z.string().nullable().describe('Why the subject was skipped or failed'),
    processedAt: z.string().nullable(),
  })
  .meta({ id: 'MonitoringResult' });

export const monitoringRunPageSchema = z.object({
  items: z.array(monitoringRunSchema),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
});

export const monitoringRunDetailSchema = monitoringRunSchema
  .extend({
    results: z.object({
      status: z.enum(RESULT_STATUSES),
      items: z.array(monitoringResultSchema),
      nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page of results; null on the last page'),
    }),
  })
  .meta({ id: 'MonitoringRunDetail' });

export const monitoringRunsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.uuid().optional().describe('`nextCursor` of the previous page'),
});

export const monitoringRunQuery = z.object({
  results: z.enum(RESULT_STATUSES).default('changed').describe('Which results to list (default: subjects whose outcome changed)'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.uuid().optional().describe('`results.nextCursor` of the previous page'),
});
