/**
 * The API's response shapes as the console sees them: inferred from the zod schemas the server
 * validates its responses with, so renaming a field fails `npm run typecheck` here too. Type-only
 * imports: the bundle contains nothing of the server (tests/unit/console-bundle.test.ts checks).
 */
import type { z } from 'zod';
import type { currentApiKeySchema } from '../../schemas/api-keys.schemas.js';
import type { auditEventPageSchema, verifyReportSchema } from '../../schemas/audit.schemas.js';
import type { caseActionResultSchema, caseEventListSchema, caseEventSchema, casePageSchema, caseQueueCountsSchema, caseSummarySchema, caseViewSchema, caseWorkerListSchema } from '../../schemas/cases.schemas.js';
import type { dryRunSchema, rulesetSchema, rulesetSummarySchema } from '../../routes/rulesets.routes.js';
import type { problemSchema } from '../../schemas/common.schemas.js';
import type { decisionSchema } from '../../schemas/screening.schemas.js';
import type { listDiffSchema, listSourceSchema, listVersionSchema } from '../../schemas/lists.schemas.js';

export type Me = z.infer<typeof currentApiKeySchema>;
export type CasePage = z.infer<typeof casePageSchema>;
export type CaseSummary = z.infer<typeof caseSummarySchema>;
export type CaseQueueItem = CasePage['items'][number];
export type CaseQueueCounts = z.infer<typeof caseQueueCountsSchema>;
export type CaseWorkerList = z.infer<typeof caseWorkerListSchema>;
export type CaseView = z.infer<typeof caseViewSchema>;
export type CaseDecision = CaseView['decisions'][number];
export type CaseHit = CaseDecision['hits'][number];
export type CaseListEntry = NonNullable<CaseHit['listEntry']>;
export type CaseEvent = z.infer<typeof caseEventSchema>;
export type CaseEventList = z.infer<typeof caseEventListSchema>;
export type CaseActionResult = z.infer<typeof caseActionResultSchema>;
export type Problem = z.infer<typeof problemSchema>;
export type VerifyReport = z.infer<typeof verifyReportSchema>;
export type AuditEventPage = z.infer<typeof auditEventPageSchema>;
export type ListSourceList = { items: ListSource[] };
export type ListSource = z.infer<typeof listSourceSchema>;
export type ListDiff = z.infer<typeof listDiffSchema>;
export type ListVersionList = { items: z.infer<typeof listVersionSchema>[] };
export type Ruleset = z.infer<typeof rulesetSchema>;
export type RulesetSummaryList = { items: z.infer<typeof rulesetSummarySchema>[] };
export type DryRun = z.infer<typeof dryRunSchema>;
export type ScreeningDecision = z.infer<typeof decisionSchema>;
