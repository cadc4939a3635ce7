import { z } from 'zod';
import { OUTCOMES } from '../../domain/rules/ruleset.js';

/** Printable text: control characters would make names unreadable to reviewers and logs. */
const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value), 'must not contain control characters');

const personName = text(300)
  .refine((value) => value.trim().length > 0, 'must not be empty or only whitespace')
  .meta({ example: 'Jane Roe' });

export const subjectSchema = z
  .strictObject({
    externalRef: text(200).optional().describe("The caller's own id for this person").meta({ example: 'cand-1042' }),
    name: personName.describe('Full legal name as the person gave it'),
    aliases: z.array(personName).max(50).optional().describe('Other names the person uses').meta({ example: ['J. Roe'] }),
    birthDate: z.iso.date().optional().describe('Date of birth, YYYY-MM-DD').meta({ example: '1990-04-25' }),
    nationality: z
      .string()
      .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code')
      .optional()
      .describe('ISO 3166-1 alpha-2')
      .meta({ example: 'US' }),
  })
  .meta({ id: 'Subject', description: 'The contractor or freelancer profile to screen' });

export const screeningRequestSchema = z
  .strictObject({ subject: subjectSchema })
  .meta({ id: 'ScreeningRequest', example: { subject: { externalRef: 'cand-1042', name: 'Jane Roe', birthDate: '1990-04-25', nationality: 'US' } } });

const hitSchema = z
  .object({
    ruleId: z.string().meta({ example: 'list-name-match' }),
    ruleVersion: z.number().int(),
    indicatorIds: z.array(z.string()),
    points: z.number().int().describe('Points this hit added to the score'),
    field: z.string().describe('Path of the subject field that fired the rule').meta({ example: '/subject/name' }),
    value: z.string().optional().describe('The matched value, redacted to what a reviewer needs'),
    entry: z
      .object({ id: z.string(), source: z.string(), sourceId: z.string(), name: z.string() })
      .optional()
      .describe('The list entry matched'),
    similarity: z.number().min(0).max(1).optional(),
    related: z.array(z.string()).optional(),
    forcesBlock: z.boolean().optional(),
    explanation: z.unknown().optional().describe('How the match was scored'),
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
      z.object({ source: z.string(), versionId: z.string(), version: z.number().int(), contentDigest: z.string() }),
    ),
    inputDigest: z.string().describe('SHA-256 of the canonical JSON of the screened input'),
    createdAt: z.string().describe('UTC ISO-8601'),
  })
  .meta({ id: 'Decision' });
