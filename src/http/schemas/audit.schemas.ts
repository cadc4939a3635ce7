import { z } from 'zod';
import { EXPORT_FORMATS } from '../../domain/audit/export-format.js';
import { OUTCOMES } from '../../domain/rules/ruleset.js';
import { hitSchema } from './screening.schemas.js';

const instant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()])
  .describe('UTC ISO-8601 time, or a date meaning its midnight UTC');

/** A half-open time range [from, to): from after to is refused, naming `from`. */
const timeRange = {
  from: instant.optional().describe('Start of the range (inclusive); open when absent').meta({ example: '2026-01-01' }),
  to: instant.optional().describe('End of the range (exclusive); open when absent').meta({ example: '2026-02-01' }),
};

function fromNotAfterTo(query: { from?: string | undefined; to?: string | undefined }, context: z.RefinementCtx) {
  if (query.from !== undefined && query.to !== undefined && Date.parse(query.from) > Date.parse(query.to)) {
    context.addIssue({ code: 'custom', path: ['from'], message: 'from is after to' });
  }
}

export const verifyQuery = z
  .strictObject({
    ...timeRange,
    afterSequence: z.coerce
      .number()
      .int()
      .min(0)
      .optional()
      .describe('Continue a verification that stopped at `nextAfterSequence`: check only the decisions after it'),
    limit: z.coerce.number().int().min(1).max(1_000_000).optional().describe('Most decisions checked by this request (default and maximum 1,000,000)'),
  })
  .superRefine(fromNotAfterTo);

const chainBreakReasons = [
  'hash_mismatch',
  'prev_link_mismatch',
  'sequence_gap',
  'head_mismatch',
  'checkpoint_mismatch',
  'checkpoint_beyond_head',
  'checkpoint_signature_invalid',
] as const;

export const checkpointSchema = z
  .object({
    tenantId: z.uuid(),
    sequence: z.number().int().describe('Chain position of the signed head'),
    hash: z.string().describe('Hash of the decision at that position'),
    signedAt: z.string(),
    keyId: z.string().describe('SHA-256 (hex) of the DER public key that signed: see GET /v1/audit/checkpoints/public-key'),
    signature: z.string().describe('Ed25519 signature, base64, over the RFC 8785 JSON of {format: "redflag.audit-checkpoint", formatVersion: 1, tenantId, sequence, hash, signedAt, keyId}'),
  })
  .meta({ id: 'AuditCheckpoint' });
const chainPosition = z.object({ sequence: z.number().int(), hash: z.string() });

export const verifyReportSchema = z
  .object({
    ok: z.boolean().describe('Every decision in the range recomputes to its hash and links to the one before; the head matches when reached'),
    from: z.string().nullable(),
    to: z.string().nullable(),
    firstSequence: z.number().int().nullable().describe('First chain position this request covered'),
    lastSequence: z.number().int().nullable(),
    checked: z.number().int().describe('Decisions that verified'),
    anchor: z
      .enum(['genesis', 'matched', 'mismatched', 'unchecked', 'empty'])
      .describe('How the first decision linked to what came before: the genesis hash, or the decision before the range'),
    head: chainPosition.nullable().describe("The tenant's chain head as recorded when the request started"),
    reachesHead: z.boolean().describe('The range includes the newest decision, so deleting the newest decisions would show'),
    headMatches: z.boolean().nullable(),
    complete: z.boolean().describe('False when this request stopped before the end of the range (`limit` reached or about ten seconds spent): continue with `afterSequence`'),
    nextAfterSequence: z.number().int().nullable(),
    firstBroken: z
      .object({
        id: z.uuid().nullable().describe('The decision at fault; null when it is missing'),
        sequence: z.number().int().nullable(),
        reason: z.enum(chainBreakReasons),
        detail: z.string(),
      })
      .nullable()
      .describe('The first broken link, when there is one; checkpoint_* reasons come from signed checkpoints (a chain re-sealed after a change, or cut back)'),
    checkpoints: z
      .object({
        signing: z.boolean().describe('Whether this instance signs checkpoints (AUDIT_SIGNING_KEY_FILE set)'),
        checked: z.number().int().describe('Stored checkpoints bearing on the range (and the latest one) whose signatures verified'),
        matched: z.number().int().describe('Of those, how many a decision in the range or the chain head agreed with'),
        invalid: z.number().int().describe('Stored checkpoints whose signature did not verify'),
        latest: checkpointSchema.nullable(),
      })
      .describe('The signed checkpoints the range was checked against'),
  })
  .meta({ id: 'ChainVerification' });

export type ChainVerificationView = z.infer<typeof verifyReportSchema>;

export const exportQuery = z
  .strictObject({
    ...timeRange,
    outcome: z.enum(OUTCOMES).optional().describe('Only decisions with this outcome'),
    format: z.enum(EXPORT_FORMATS).default('csv').describe('csv (RFC 4180) or ndjson; both end with a manifest line'),
  })
  .superRefine(fromNotAfterTo);

export const exportBodySchema = z
  .string()
  .describe(
    'One row per decision in chain order (sequence, time, id, external ref, outcome, score, rule and indicator ids, ruleset and list versions, case status and disposition, prev hash, hash), then a manifest line with the row count, first and last hash and the SHA-256 of the rows. Check it offline with `npm run cli -- audit verify-export <file>`.',
  );

export const eventsQuery = z
  .strictObject({
    ...timeRange,
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    cursor: z.string().max(400).optional().describe('`nextCursor` of the previous page'),
  })
  .superRefine(fromNotAfterTo);

export const eventsExportQuery = z.strictObject({ ...timeRange }).superRefine(fromNotAfterTo);

export const auditEventSchema = z
  .object({
    id: z.uuid(),
    tenantId: z.uuid().nullable().describe('null for changes that concern every tenant (list imports)'),
    actor: z.string().describe('`api-key:<id>`, `cli:<user>` or `system:<job>`').meta({ example: 'api-key:0190f2a0-0000-7000-8000-000000000000' }),
    action: z.string().meta({ example: 'subject.erased' }),
    targetType: z.string(),
    targetId: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
  })
  .meta({ id: 'AuditEvent' });

export type AuditEventView = z.infer<typeof auditEventSchema>;

export const auditEventPageSchema = z.object({
  items: z.array(auditEventSchema),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
});

export const erasureRequestSchema = z
  .strictObject({
    externalRef: z.string().min(1).max(200).describe("The caller's reference of the subject, as sent in screenings"),
  })
  .meta({ example: { externalRef: 'cand-1042' } });

export const erasureResultSchema = z
  .object({
    externalRef: z.string(),
    subjectFound: z.boolean(),
    decisionsErased: z.number().int().describe("Decisions whose stored input was erased now (their digests stay in the hash chain)"),
    alreadyErased: z.number().int().describe('Decisions of the subject erased before (retention or an earlier request)'),
    linkKeysDeleted: z.number().int().describe("The subject's stored identifiers used for cross-subject links"),
    erasedAt: z.string(),
  })
  .meta({ id: 'SubjectErasure' });

const replayedOutcomeSchema = z.object({ outcome: z.enum(OUTCOMES), score: z.number().int(), hits: z.array(hitSchema) });

export const replayResultSchema = z
  .object({
    decisionId: z.uuid(),
    identical: z.boolean().describe('The replay gives the same outcome, score and hits'),
    rulesetVersion: z.number().int(),
    listVersions: z.array(z.object({ source: z.string(), versionId: z.string(), version: z.number().int(), contentDigest: z.string() })),
    inputDigestMatches: z.boolean().describe('The stored input still hashes to the digest sealed in the chain'),
    original: replayedOutcomeSchema,
    replayed: replayedOutcomeSchema,
    differences: z.array(z.object({ path: z.string().meta({ example: '/score' }), original: z.unknown(), replayed: z.unknown() })),
  })
  .meta({ id: 'DecisionReplay' });

export type DecisionReplayView = z.infer<typeof replayResultSchema>;

export const checkpointsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(400).optional().describe('`nextCursor` of the previous page'),
  afterSequence: z.coerce.number().int().min(0).optional().describe('Only checkpoints after this chain position (ignored with `cursor`)'),
});

const signingStatusSchema = z
  .object({
    enabled: z.boolean(),
    currentKeyId: z.string().nullable(),
    every: z.number().int().nullable().describe('AUDIT_CHECKPOINT_EVERY'),
    minutes: z.number().nullable().describe('AUDIT_CHECKPOINT_MINUTES'),
    detail: z.string(),
  })
  .describe('Whether this instance signs checkpoints, and how often');

export const checkpointPageSchema = z
  .object({
    signing: signingStatusSchema,
    items: z.array(checkpointSchema),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
  })
  .meta({ id: 'AuditCheckpointPage' });

export const publicKeysSchema = z
  .object({
    signing: signingStatusSchema,
    keys: z.array(
      z.object({
        keyId: z.string().describe('SHA-256 (hex) of the DER SubjectPublicKeyInfo'),
        algorithm: z.literal('ed25519'),
        publicKey: z.string().describe('SPKI PEM'),
        firstUsedAt: z.string().nullable().describe('When it signed its first checkpoint; null for the current key before that'),
        current: z.boolean(),
      }),
    ),
  })
  .meta({ id: 'AuditSigningKeys' });

export type SigningKeyView = z.infer<typeof publicKeysSchema>['keys'][number];
