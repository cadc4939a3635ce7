import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { CaseAction } from '../../domain/cases/case-state.js';
import { actOnCase, countCases, getCase, listCaseEvents, listCases, listCaseWorkers, type CaseQueueQuery, type CasesDeps } from '../../services/cases.service.js';
import { principalOf } from '../plugins/auth.plugin.js';
import {
  approvalBody,
  assignBody,
  caseActionResultSchema,
  caseEventListSchema,
  casePageSchema,
  caseQueueCountsQuery,
  caseQueueCountsSchema,
  caseQueueQuery,
  caseViewSchema,
  caseWorkerListSchema,
  commentBody,
  dispositionBody,
  reopenBody,
} from '../schemas/cases.schemas.js';
import { authErrorResponses, problemSchema, uuidParam } from '../schemas/common.schemas.js';

const security = [{ bearerAuth: [] }];
const roles = ['reviewer'] as const;
const stepResponses = {
  200: caseActionResultSchema,
  400: problemSchema,
  ...authErrorResponses,
  404: problemSchema,
  409: problemSchema.describe(
    "The step is not allowed in the case's current state; an approval by the proposer (`four-eyes-same-owner`) or by someone related to the proposer by key lineage (`four-eyes-key-lineage`)",
  ),
};

/** One step on a case, taken by the request's key. */
async function act(deps: CasesDeps, request: FastifyRequest, caseId: string, action: CaseAction) {
  const principal = principalOf(request);
  const { summary, event } = await actOnCase(deps, { tenantId: principal.tenantId, caseId, actor: { keyId: principal.keyId, roles: principal.roles }, action });
  return { case: summary, event };
}

/** The queue's filters as the service takes them: absent ones left out, `unassigned=false` meaning no filter. */
function queueFilters(query: z.infer<typeof caseQueueCountsQuery>): Omit<CaseQueueQuery, 'sort' | 'order' | 'limit' | 'offset'> {
  const { status, assignee, unassigned, outcome, olderThanHours, q, listSource } = query;
  return {
    ...(status ? { status } : {}),
    ...(assignee !== undefined ? { assignee } : {}),
    ...(unassigned === 'true' ? { unassigned: true } : {}),
    ...(outcome ? { outcome } : {}),
    ...(olderThanHours !== undefined ? { olderThanHours } : {}),
    ...(q !== undefined ? { q } : {}),
    ...(listSource !== undefined ? { listSource } : {}),
  };
}

/** The queue's counts per filter choice, for its filter menus. */
function registerCaseCounts(app: FastifyInstance, deps: CasesDeps): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/cases/counts',
    {
      config: { roles },
      schema: {
        operationId: 'countCases',
        tags: ['cases'],
        summary: "How many cases each choice of the queue's filters (status, outcome, assignee, age, list source) would show, the other filters and the search as asked",
        security,
        querystring: caseQueueCountsQuery,
        response: { 200: caseQueueCountsSchema, 400: problemSchema, ...authErrorResponses },
      },
    },
    async (request) => countCases(deps, principalOf(request).tenantId, queueFilters(request.query)),
  );
}

/** The queue, who can be assigned, a case, and its events. */
function registerCaseReading(app: FastifyInstance, deps: CasesDeps): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.get(
    '/v1/cases',
    {
      config: { roles },
      schema: {
        operationId: 'listCases',
        tags: ['cases'],
        summary: 'The review queue: cases by score (highest first), then age (oldest first), or as `sort` asks; search, filters, paging',
        security,
        querystring: caseQueueQuery,
        response: { 200: casePageSchema, 400: problemSchema, ...authErrorResponses },
      },
    },
    async (request) => {
      const { sort, order, limit, offset } = request.query;
      return listCases(deps, principalOf(request).tenantId, { ...queueFilters(request.query), limit, offset, sort, ...(order ? { order } : {}) });
    },
  );

  routes.get(
    '/v1/cases/assignees',
    {
      config: { roles },
      schema: {
        operationId: 'listCaseAssignees',
        tags: ['cases'],
        summary: 'Who cases can be assigned to: the owners of the tenant\'s working reviewer and admin keys',
        security,
        response: { 200: caseWorkerListSchema, ...authErrorResponses },
      },
    },
    async (request) => listCaseWorkers(deps, principalOf(request).tenantId),
  );

  routes.get(
    '/v1/cases/:id',
    {
      config: { roles },
      schema: {
        operationId: 'getCase',
        tags: ['cases'],
        summary: 'A case with its decisions, each hit beside the matched list entry and the cited indicators, and the subject\'s other decisions',
        security,
        params: uuidParam,
        response: { 200: caseViewSchema, 400: problemSchema, ...authErrorResponses, 404: problemSchema },
      },
    },
    async (request) => getCase(deps, principalOf(request).tenantId, request.params.id),
  );

  routes.get(
    '/v1/cases/:id/events',
    {
      config: { roles },
      schema: {
        operationId: 'listCaseEvents',
        tags: ['cases'],
        summary: 'Every step on the case, oldest first, with actor and time (append-only)',
        security,
        params: uuidParam,
        response: { 200: caseEventListSchema, 400: problemSchema, ...authErrorResponses, 404: problemSchema },
      },
    },
    async (request) => listCaseEvents(deps, principalOf(request).tenantId, request.params.id),
  );
}

/** Steps that do not decide the case: assigning it, commenting on it. */
function registerCaseWork(app: FastifyInstance, deps: CasesDeps): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.post(
    '/v1/cases/:id/assign',
    {
      config: { roles },
      schema: { operationId: 'assignCase', tags: ['cases'], summary: 'Assign the case, or unassign it with null', security, params: uuidParam, body: assignBody, response: stepResponses },
    },
    async (request) => act(deps, request, request.params.id, { type: 'assign', assignee: request.body.assignee }),
  );

  routes.post(
    '/v1/cases/:id/comments',
    {
      config: { roles },
      schema: { operationId: 'commentOnCase', tags: ['cases'], summary: 'Add a comment to the case record', security, params: uuidParam, body: commentBody, response: { ...stepResponses, 201: caseActionResultSchema } },
    },
    async (request, reply) => reply.code(201).send(await act(deps, request, request.params.id, { type: 'comment', text: request.body.text })),
  );
}

/** Steps that decide the case, under four-eyes: disposing, approving, reopening. */
function registerCaseDecisions(app: FastifyInstance, deps: CasesDeps): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.post(
    '/v1/cases/:id/disposition',
    {
      config: { roles },
      schema: {
        operationId: 'disposeCase',
        tags: ['cases'],
        summary: 'Dispose of the case',
        description:
          'Four-eyes: false_positive or cleared on a case whose decisions hold any list hit (a name match or an identifier), and confirmed_match, cleared or false_positive on a block case, only propose (status pending_approval): another person must approve. Otherwise the disposition closes the case. escalated keeps the case workable (status escalated); on a pending case it withdraws the proposal (a pending reopening: the case stays closed). A case closed as false_positive is remembered: a later screening of the subject has a name hit suppressed only when it is the same evidence (entry, rule, field, matched name) at a similarity not higher; identifier hits and hits that force a block never are.',
        security,
        params: uuidParam,
        body: dispositionBody,
        response: stepResponses,
      },
    },
    async (request) => act(deps, request, request.params.id, { type: 'dispose', disposition: request.body.disposition, note: request.body.note }),
  );

  routes.post(
    '/v1/cases/:id/approve',
    {
      config: { roles },
      schema: {
        operationId: 'approveCase',
        tags: ['cases'],
        summary: 'Approve the pending disposition as the second reviewer (four-eyes), which closes the case',
        description:
          'The approver must be another person than the proposer: a key of another owner, and neither of the two may hold a key created (directly or through other keys) by a key the other holds. Otherwise 409 naming the rule: `four-eyes-same-owner` or `four-eyes-key-lineage`.',
        security,
        params: uuidParam,
        body: approvalBody,
        response: stepResponses,
      },
    },
    async (request) => act(deps, request, request.params.id, { type: 'approve', note: request.body.note }),
  );

  routes.post(
    '/v1/cases/:id/reopen',
    {
      config: { roles },
      schema: {
        operationId: 'reopenCase',
        tags: ['cases'],
        summary: 'Reopen a closed case',
        description:
          'A closed case whose decisions hold a list hit is only proposed for reopening (status pending_approval, pendingDisposition reopen): another person must approve, and escalated declines it. Any other closed case reopens at once. Reopening withdraws the false-positive memory the case recorded. 409 when the case is not closed, or its subject has another case in the queue.',
        security,
        params: uuidParam,
        body: reopenBody,
        response: stepResponses,
      },
    },
    async (request) => act(deps, request, request.params.id, { type: 'reopen', note: request.body.note }),
  );
}

export function caseRoutes(deps: CasesDeps) {
  return async (app: FastifyInstance) => {
    registerCaseCounts(app, deps);
    registerCaseReading(app, deps);
    registerCaseWork(app, deps);
    registerCaseDecisions(app, deps);
  };
}
