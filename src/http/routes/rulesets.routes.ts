import { combinationSchema } from '../../domain/rules/evidence-combination.js';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { INDICATORS } from '../../domain/indicators/indicators.data.js';
import { indicatorSchema } from '../../domain/indicators/indicator.schema.js';
import { SEVERITIES } from '../../domain/rules/ruleset.js';
import { UNCHECKABLE_INDICATORS } from '../../domain/rules/uncheckable-indicators.data.js';
import { changeDraftRule, changeDraftThresholds, createDraft, dryRunDraft, getRuleset, listRulesets, publishDraft, type RulesetDeps } from '../../services/rulesets.service.js';
import { principalOf } from '../plugins/auth.plugin.js';
import { sendStaticBody, staticJson } from '../static-body.js';
import { authErrorResponses, problemSchema } from '../schemas/common.schemas.js';

const security = [{ bearerAuth: [] }];

const indicatorCatalogueSchema = z.object({ items: z.array(indicatorSchema), uncheckable: z.array(z.object({ id: z.string(), reason: z.string() })) });
const indicatorCatalogue = staticJson(indicatorCatalogueSchema, () => ({
  items: [...INDICATORS],
  uncheckable: Object.entries(UNCHECKABLE_INDICATORS).map(([id, reason]) => ({ id, reason })),
}));
const versionParam = z.object({ version: z.coerce.number().int().min(1).max(1_000_000) });
const ruleParams = versionParam.extend({ ruleKey: z.string().regex(/^[a-z0-9-]{1,80}$/, 'must be a rule key such as list-name-match') });
const thresholdsSchema = z.strictObject({ review: z.number().int().min(1).max(100), block: z.number().int().min(1).max(100) });

const ruleSchema = z.object({
  key: z.string(),
  kind: z.string(),
  version: z.number().int().describe('Ruleset version in which this rule last changed'),
  description: z.string(),
  enabled: z.boolean(),
  weight: z.number().int(),
  severity: z.enum(SEVERITIES),
  forcesBlock: z.boolean(),
  indicatorIds: z.array(z.string()),
  params: z.record(z.string(), z.unknown()),
});
export const rulesetSchema = z
  .object({
    id: z.string(),
    version: z.number().int(),
    status: z.enum(['draft', 'published']),
    active: z.boolean(),
    thresholds: thresholdsSchema,
    combination: combinationSchema.optional().describe('How hits become a score (docs/scoring.md); absent: additive points'),
    rules: z.array(ruleSchema),
  })
  .meta({ id: 'Ruleset' });
const draftSourceSchema = z
  .strictObject({
    from: z
      .enum(['active', 'default'])
      .default('active')
      .describe('active: a copy of the active version; default: the default ruleset new tenants get today (how an existing tenant takes up a new default)'),
  })
  .nullish();
export const rulesetSummarySchema = z.object({
  id: z.string(),
  version: z.number().int(),
  status: z.enum(['draft', 'published']),
  thresholds: z.object({ review: z.number(), block: z.number() }),
  createdBy: z.string(),
  createdAt: z.string(),
  publishedAt: z.string().nullable(),
});
const ruleChangeSchema = z
  .strictObject({
    enabled: z.boolean().optional(),
    weight: z.number().int().min(0).max(100).optional(),
    severity: z.enum(SEVERITIES).optional(),
    forcesBlock: z.boolean().optional(),
    params: z.record(z.string(), z.unknown()).optional().describe('The whole parameter object of the rule; validated against the rule kind'),
  })
  .meta({ example: { weight: 70, params: { minSimilarity: 0.9, maxHits: 5, targets: ['person'] } } });
export const dryRunSchema = z.object({
  version: z.number().int(),
  evaluated: z.number().int(),
  unchanged: z.number().int(),
  changed: z.number().int(),
  changes: z.array(
    z.object({
      decisionId: z.string(),
      externalRef: z.string().nullable(),
      before: z.object({ outcome: z.string(), score: z.number(), rulesetVersion: z.number() }),
      after: z.object({ outcome: z.string(), score: z.number() }),
      rulesFired: z.array(z.string()),
    }),
  ),
});

const actorOf = (request: Parameters<typeof principalOf>[0]) => `api-key:${principalOf(request).keyId}`;

/** The indicator catalogue and the rulesets. */
function registerRulesetReading(app: FastifyInstance, deps: RulesetDeps): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.get(
    '/v1/indicators',
    {
      config: { roles: ['screener', 'reviewer', 'rules_admin', 'auditor'] },
      schema: {
        operationId: 'listIndicators',
        tags: ['rules'],
        summary: 'The red-flag indicators of the government guidance, with citations, and which cannot be checked from a profile',
        description:
          'The catalogue is built once per process. It carries a strong ETag (send it back in If-None-Match for a 304) and is sent compressed with brotli or gzip when Accept-Encoding allows (Vary: Accept-Encoding; each coding has its own ETag, and any of them revalidates).',
        security,
        response: {
          200: indicatorCatalogueSchema,
          304: z.null().describe('Not modified: the catalogue is the one whose ETag was sent in If-None-Match'),
          ...authErrorResponses,
        },
      },
    },
    async (request, reply) => sendStaticBody(request, reply, indicatorCatalogue(), { contentType: 'application/json; charset=utf-8', cacheControl: 'private, no-cache' }),
  );

  routes.get(
    '/v1/rulesets',
    { config: { roles: ['rules_admin', 'auditor'] }, schema: { operationId: 'listRulesets', tags: ['rules'], summary: 'Every ruleset version of the tenant, newest first', security, response: { 200: z.object({ items: z.array(rulesetSummarySchema) }), ...authErrorResponses } } },
    async (request) => ({ items: await listRulesets(deps.db, principalOf(request).tenantId) }),
  );

  routes.get(
    '/v1/rulesets/:version',
    { config: { roles: ['rules_admin', 'auditor', 'reviewer'] }, schema: { operationId: 'getRuleset', tags: ['rules'], summary: 'One ruleset version with its rules', security, params: versionParam, response: { 200: rulesetSchema, 400: problemSchema, ...authErrorResponses, 404: problemSchema } } },
    async (request) => getRuleset(deps.db, principalOf(request).tenantId, request.params.version),
  );
}

/** Drafting, editing, publishing and dry-running rulesets. */
function registerRulesetEditing(app: FastifyInstance, deps: RulesetDeps): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.post(
    '/v1/rulesets/drafts',
    {
      config: { roles: ['rules_admin'] },
      schema: {
        operationId: 'createRulesetDraft',
        tags: ['rules'],
        summary: 'Create a draft copied from the active version, or from the current default ruleset (one draft at a time)',
        security,
        body: draftSourceSchema,
        response: { 201: rulesetSchema, 400: problemSchema, ...authErrorResponses, 409: problemSchema },
      },
    },
    async (request, reply) => {
      const { tenantId } = principalOf(request);
      const version = await createDraft(deps.db, tenantId, actorOf(request), request.body?.from ?? 'active');
      return reply.code(201).send(await getRuleset(deps.db, tenantId, version));
    },
  );

  routes.patch(
    '/v1/rulesets/:version/rules/:ruleKey',
    {
      config: { roles: ['rules_admin'] },
      schema: { operationId: 'changeDraftRule', tags: ['rules'], summary: 'Change one rule of a draft (weight, parameters, enabled, severity, forcesBlock)', security, params: ruleParams, body: ruleChangeSchema, response: { 200: rulesetSchema, 400: problemSchema, ...authErrorResponses, 404: problemSchema, 409: problemSchema } },
    },
    async (request) => changeDraftRule(deps.db, principalOf(request).tenantId, request.params.version, request.params.ruleKey, request.body, actorOf(request)),
  );

  routes.put(
    '/v1/rulesets/:version/thresholds',
    { config: { roles: ['rules_admin'] }, schema: { operationId: 'setDraftThresholds', tags: ['rules'], summary: 'Set the review and block thresholds of a draft', security, params: versionParam, body: thresholdsSchema, response: { 200: rulesetSchema, 400: problemSchema, ...authErrorResponses, 404: problemSchema, 409: problemSchema } } },
    async (request) => changeDraftThresholds(deps.db, principalOf(request).tenantId, request.params.version, request.body, actorOf(request)),
  );

  routes.post(
    '/v1/rulesets/:version/publish',
    { config: { roles: ['rules_admin'] }, schema: { operationId: 'publishRuleset', tags: ['rules'], summary: 'Validate a draft and make it the active version; published versions never change', security, params: versionParam, response: { 200: rulesetSchema, 400: problemSchema, ...authErrorResponses, 404: problemSchema, 409: problemSchema } } },
    async (request) => publishDraft(deps.db, principalOf(request).tenantId, request.params.version, actorOf(request), deps.now().toISOString(), deps.rulesets),
  );

  routes.post(
    '/v1/rulesets/:version/dry-run',
    {
      config: { roles: ['rules_admin'] },
      schema: {
        operationId: 'dryRunRuleset',
        tags: ['rules'],
        summary: 'Evaluate a draft over the last N stored screening inputs and show which decisions would change',
        security,
        params: versionParam,
        body: z.strictObject({ limit: z.number().int().min(1).max(1000).default(100) }),
        response: { 200: dryRunSchema, 400: problemSchema, ...authErrorResponses, 404: problemSchema, 409: problemSchema },
      },
    },
    async (request) => dryRunDraft(deps, principalOf(request).tenantId, request.params.version, request.body.limit),
  );
}

export function rulesetRoutes(deps: RulesetDeps) {
  return async (app: FastifyInstance) => {
    registerRulesetReading(app, deps);
    registerRulesetEditing(app, deps);
  };
}
