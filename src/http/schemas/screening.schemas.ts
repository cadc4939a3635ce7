import { z } from 'zod';
import { CASE_STATUSES, DISPOSITIONS } from '../../domain/cases/case-state.js';
import { OUTCOMES } from '../../domain/rules/ruleset.js';
import { subjectSchema } from './subject.schema.js';

export { subjectSchema } from './subject.schema.js';

/** The example of the issue #5 contract: what an HR system typically knows before hiring. */
const REQUEST_EXAMPLE = {
  subject: {
    externalRef: 'cand-1042',
    name: 'Jane Roe',
    aliases: ['J. Roe'],
    birthDate: '1990-04-25',
    nationality: 'US',
    claimedLocation: { country: 'US', city: 'Austin', timezone: 'America/Chicago' },
    emails: ['jane@example.com'],
    phones: ['+1 512 555 0100'],
    addresses: [{ kind: 'shipping', line1: '12 Oak St', city: 'Austin', postalCode: '78701', country: 'US' }],
    employment: [{ employer: 'Acme Soft', domain: 'acmesoft.example' }],
    profiles: [{ platform: 'github', url: 'https://github.com/jroe', displayName: 'Jane Roe' }],
    logins: [{ ip: '203.0.113.5', country: 'US', at: '2026-11-01T15:00:00Z' }],
    payment: { method: 'bank', accountHolderName: 'Jane Roe', bankCountry: 'US', wallets: [] },
    documents: [{ type: 'passport', country: 'US', number: 'X1234567' }],
    interview: { videoCompleted: true, cameraOn: true },
    engagement: { via: 'direct' },
  },
  monitor: false,
};

export const screeningRequestSchema = z
  .strictObject({
    subject: subjectSchema,
    monitor: z.boolean().optional().describe('Screen this subject again when lists or rules change').meta({ example: false }),
  })
  .meta({ id: 'ScreeningRequest', example: REQUEST_EXAMPLE });

export const hitSchema = z
  .object({
    ruleId: z.string().meta({ example: 'list-name-match' }),
    ruleVersion: z.number().int(),
    indicatorIds: z.array(z.string()),
    points: z.number().int().describe('Points this hit added to the score'),
    field: z.string().describe('Path of the subject field that fired the rule').meta({ example: '/subject/name' }),
    value: z.string().optional().describe('The matched value, redacted to what a reviewer needs'),
    matchedName: z.string().optional().describe('For name matches: the listed name or alias the value matched'),
    entry: z
      .object({ id: z.string(), source: z.string(), sourceId: z.string(), name: z.string() })
      .optional()
      .describe('The list entry matched'),
    similarity: z.number().min(0).max(1).optional(),
    related: z.array(z.string()).optional(),
    forcesBlock: z.boolean().optional(),
    explanation: z.unknown().optional().describe('How the match was scored'),
    lowered: z
      .array(
        z.object({
          reason: z.enum(['undescribed-entry', 'common-name']),
          points: z.number().describe('Points taken off'),
          detail: z.string(),
        }),
      )
      .optional()
      .describe(
        'Why a name-only list match counts less than its weight × similarity: the entry lists nothing that tells its person from a namesake (no birth date, nationality, identity document or street address), or the full name is a very common one and no birth date agrees (docs/scoring.md)',
      ),
    combination: z
      .object({
        escalateTo: z.enum(OUTCOMES),
        members: z.array(z.string()).describe('The rules whose hits together make the combination'),
        description: z.string(),
      })
      .optional()
      .describe('For the hit of a named high-risk combination (its key is the ruleId, 0 points): the outcome it escalates to and the rules that fired it'),
    previouslyCleared: z
      .boolean()
      .optional()
      .describe(
        'Reviewers closed an earlier case of this subject as a false positive having seen this same evidence: same list entry (unchanged since), rule, field and matched name, at a similarity at least as high. The hit is shown but counts 0 points. Identifier hits and hits that force a block are never marked',
      ),
    suppressedBy: z
      .object({
        caseId: z.uuid(),
        eventId: z.uuid().describe('The case event that closed the case (the disposal, or the second reviewer\'s approval)'),
        disposition: z.literal('false_positive'),
        clearedAt: z.string(),
      })
      .optional()
      .describe('For a previously cleared hit: the case and disposition that cleared it'),
  })
  .meta({ id: 'Hit' });

export const decisionSchema = z
  .object({
    id: z.uuid(),
    externalRef: z.string().nullable(),
    outcome: z.enum(OUTCOMES),
    score: z.number().int().min(0).max(100),
    hits: z.array(hitSchema),
    rulesetVersion: z.number().int(),
    listVersions: z.array(
      z.object({
        source: z.string(),
        versionId: z.string(),
        version: z.number().int(),
        contentDigest: z.string(),
        importedAt: z.string().nullable().describe('When this list version was imported'),
        ageHours: z.number().nullable().describe('How old the list version was when the decision was made (hours since its import)'),
      }),
    ),
    inputDigest: z.string().describe('SHA-256 of the canonical JSON of the screened input'),
    createdAt: z.string().describe('UTC ISO-8601'),
    caseId: z.uuid().nullable().describe('The review case this decision opened or joined; null for clear decisions'),
    caseStatus: z.enum(CASE_STATUSES).nullable().describe('Where the case stands now'),
    disposition: z.enum(DISPOSITIONS).nullable().describe("The case's final disposition once closed"),
  })
  .meta({ id: 'Decision' });

export type DecisionView = z.infer<typeof decisionSchema>;
