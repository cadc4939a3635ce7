import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Db } from '../../db/client.js';
import type { KeyedHash } from '../../domain/rules/subject-lookups.js';
import type { ListIndexHolder } from '../../services/list-index.service.js';
import { VERIFY_TIME_BUDGET_MS, exportAuditEvents, exportDecisionLog, listAuditEvents, toInstant, verifyDecisionLog } from '../../services/audit.service.js';
import { eraseSubject } from '../../services/erasure.service.js';
import type { CheckpointSigner } from '../../audit/checkpoint-signing.js';
import { DEFAULT_CHECKPOINT_POLICY, listCheckpoints, listSigningKeys, signingStatus, type CheckpointPolicy } from '../../services/audit-checkpoints.service.js';
import { replayDecision } from '../../services/replay.service.js';
import { principalOf } from '../plugins/auth.plugin.js';
import {
  auditEventPageSchema,
  auditEventSchema,
  checkpointPageSchema,
  checkpointsQuery,
  erasureRequestSchema,
  erasureResultSchema,
  eventsExportQuery,
  eventsQuery,
  exportBodySchema,
  exportQuery,
  publicKeysSchema,
  replayResultSchema,
  verifyQuery,
  verifyReportSchema,
} from '../schemas/audit.schemas.js';
import { authErrorResponses, problemSchema, uuidParam } from '../schemas/common.schemas.js';

const security = [{ bearerAuth: [] }];

/**
 * Sends a file download. The response schemas describe the file's content for OpenAPI; the
 * typed reply only knows JSON bodies, so the stream goes through the untyped one.
 */
function sendDownload(reply: FastifyReply, input: { stream: Readable; contentType: string; filename: string }) {
  return reply
    .type(input.contentType)
    .header('content-disposition', `attachment; filename="${input.filename}"`)
    .header('cache-control', 'no-store')
    .send(input.stream);
}

const range = (query: { from?: string | undefined; to?: string | undefined }) => ({ from: toInstant(query.from, 'from'), to: toInstant(query.to, 'to') });

type AuditRouteDeps = { db: Db; lists: ListIndexHolder; now: () => Date; keyedHash: KeyedHash; signer?: CheckpointSigner; checkpointPolicy?: CheckpointPolicy };

/** Verifying the decision chain, and the signed checkpoints it is checked against. */
function registerChainVerification(app: FastifyInstance, deps: AuditRouteDeps): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const signing = signingStatus(deps.signer, deps.checkpointPolicy ?? DEFAULT_CHECKPOINT_POLICY);
  routes.get(
    '/v1/audit/verify',
    {
      // The service answers within its time budget (VERIFY_TIME_BUDGET_MS); the deadline is a backstop.
      config: { roles: ['auditor'], handlerTimeoutMs: VERIFY_TIME_BUDGET_MS * 2 },
      schema: {
        operationId: 'verifyDecisionChain',
        tags: ['audit'],
        summary: "Recompute the tenant's decision hash chain over a time range",
        description:
          'Checks every decision created in [from, to): its hash recomputed from its fields, its link to the decision before (the one before the range included), and the chain head when the range reaches it. Names the first broken link. One request checks at most `limit` decisions (up to 1,000,000) and works for about ten seconds; a longer range answers `complete: false`, and the next request continues with `afterSequence` set to `nextAfterSequence`.',
        security,
        querystring: verifyQuery,
        response: { 200: verifyReportSchema, 400: problemSchema, ...authErrorResponses },
      },
    },
    async (request) => {
      const { afterSequence, limit } = request.query;
      return verifyDecisionLog(deps, {
        tenantId: principalOf(request).tenantId,
        ...range(request.query),
        ...(afterSequence !== undefined ? { afterSequence } : {}),
        ...(limit !== undefined ? { maxRows: limit } : {}),
      });
    },
  );

  routes.get(
    '/v1/audit/checkpoints',
    {
      config: { roles: ['auditor'] },
      schema: {
        operationId: 'listAuditCheckpoints',
        tags: ['audit'],
        summary: "The tenant's signed chain heads, oldest first",
        description:
          "Every AUDIT_CHECKPOINT_EVERY decisions or AUDIT_CHECKPOINT_MINUTES, when the chain head moved, the service signs it with an Ed25519 key that is not in the database. Keep copies elsewhere (or subscribe a webhook to `audit.checkpoint`): a copy made before someone with database access rewrites and re-seals the chain, or cuts off its newest decisions, exposes the change (`npm run cli -- audit verify-export --checkpoints <file>`). `signing` says whether this instance signs; without AUDIT_SIGNING_KEY_FILE it signs nothing and earlier checkpoints are still listed.",
        security,
        querystring: checkpointsQuery,
        response: { 200: checkpointPageSchema, 400: problemSchema, ...authErrorResponses },
      },
    },
    async (request) => {
      const { limit, cursor, afterSequence } = request.query;
      const page = await listCheckpoints(deps.db, {
        tenantId: principalOf(request).tenantId,
        limit,
        ...(cursor !== undefined ? { cursor } : {}),
        ...(afterSequence !== undefined ? { afterSequence } : {}),
      });
      return { signing, ...page };
    },
  );

  routes.get(
    '/v1/audit/checkpoints/public-key',
    {
      config: { roles: ['auditor'] },
      schema: {
        operationId: 'listAuditSigningKeys',
        tags: ['audit'],
        summary: 'The public keys that sign audit checkpoints: every key ever used, and the current one',
        description: 'Key ids are SHA-256 fingerprints of the DER public key, so a rotated key keeps its old checkpoints verifiable. Pin the keys you trust: `audit verify-export --public-key <file>` takes this response or a PEM.',
        security,
        response: { 200: publicKeysSchema, ...authErrorResponses },
      },
    },
    async () => ({ signing, keys: await listSigningKeys(deps.db, deps.signer) }),
  );
}

/** Exporting the decision log. */
function registerDecisionExport(app: FastifyInstance, deps: AuditRouteDeps): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.get(
    '/v1/audit/decisions/export',
    {
      config: { roles: ['auditor'] },
      schema: {
        operationId: 'exportDecisionLog',
        tags: ['audit'],
        summary: 'Export the decision log of a time range (CSV or NDJSON, streamed, with a manifest)',
        security,
        querystring: exportQuery,
        response: {
          200: { description: 'The export file', content: { 'text/csv': { schema: exportBodySchema }, 'application/x-ndjson': { schema: exportBodySchema } } },
          400: problemSchema,
          ...authErrorResponses,
        },
      },
    },
    async (request, reply) => {
      const { outcome, format } = request.query;
      const exported = await exportDecisionLog(deps, {
        tenantId: principalOf(request).tenantId,
        ...range(request.query),
        outcome: outcome ?? null,
        format,
        onEnd: ({ manifest, ...summary }) => {
          if (summary.completed) request.log.info({ export: { ...summary, bodySha256: manifest?.bodySha256 } }, 'decision export completed');
          else request.log.warn({ export: summary }, 'decision export stopped early');
        },
      });
      return sendDownload(reply, exported);
    },
  );
}

/** Administrative changes: listing and exporting them. */
function registerAuditEventRoutes(app: FastifyInstance, deps: AuditRouteDeps): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.get(
    '/v1/audit/events',
    {
      config: { roles: ['auditor'] },
      schema: {
        operationId: 'listAuditEvents',
        tags: ['audit'],
        summary: 'Administrative changes (keys, list imports, erasures, rulesets, dispositions), oldest first',
        security,
        querystring: eventsQuery,
        response: { 200: auditEventPageSchema, 400: problemSchema, ...authErrorResponses },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      return listAuditEvents(deps, { tenantId: principalOf(request).tenantId, ...range(request.query), limit, ...(cursor ? { cursor } : {}) });
    },
  );

  routes.get(
    '/v1/audit/events/export',
    {
      config: { roles: ['auditor'] },
      schema: {
        operationId: 'exportAuditEvents',
        tags: ['audit'],
        summary: 'Every audit event of a time range as NDJSON (streamed)',
        security,
        querystring: eventsExportQuery,
        response: {
          200: { description: 'One AuditEvent per line', content: { 'application/x-ndjson': { schema: auditEventSchema } } },
          400: problemSchema,
          ...authErrorResponses,
        },
      },
    },
    async (request, reply) => {
      const stream = exportAuditEvents(deps, { tenantId: principalOf(request).tenantId, ...range(request.query) });
      const stamp = deps.now().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
      return sendDownload(reply, { stream, contentType: 'application/x-ndjson', filename: `redflag-audit-events-${stamp}.ndjson` });
    },
  );
}

/** One decision replayed; one subject erased. */
function registerDecisionRoutes(app: FastifyInstance, deps: AuditRouteDeps): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.post(
    '/v1/decisions/:id/replay',
    {
      config: { roles: ['auditor', 'reviewer'] },
      schema: {
        operationId: 'replayDecision',
        tags: ['audit'],
        summary: 'Recompute a decision from its stored input with the ruleset and list versions it cites',
        security,
        params: uuidParam,
        response: { 200: replayResultSchema, 400: problemSchema, ...authErrorResponses, 404: problemSchema, 409: problemSchema.describe('The stored input was erased') },
      },
    },
    async (request) => replayDecision(deps, { tenantId: principalOf(request).tenantId, decisionId: request.params.id }),
  );

  routes.post(
    '/v1/subjects/erasure',
    {
      config: { roles: ['admin'] },
      schema: {
        operationId: 'eraseSubject',
        tags: ['audit'],
        summary: "Erase a subject's personal data now (stored inputs and link keys); digests stay in the chain",
        security,
        body: erasureRequestSchema,
        response: { 200: erasureResultSchema, 400: problemSchema, ...authErrorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return eraseSubject(deps, { tenantId: principal.tenantId, externalRef: request.body.externalRef, actor: `api-key:${principal.keyId}` });
    },
  );
}

export function auditRoutes(deps: AuditRouteDeps) {
  return async (app: FastifyInstance) => {
    registerChainVerification(app, deps);
    registerDecisionExport(app, deps);
    registerAuditEventRoutes(app, deps);
    registerDecisionRoutes(app, deps);
  };
}
