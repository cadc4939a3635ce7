import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { CaseAction } from '../../domain/cases/case-state.js';
import { actOnCase, getCase, listCaseEvents, listCases, type CasesDeps } from '../../services/cases.service.js';
import { principalOf } from '../plugins/auth.plugin.js';
import {
  approvalBody,
  assignBody,
  caseActionResultSchema,
  caseEventListSchema,
  casePageSchema,
  caseQueueQuery,
  caseViewSchema,
  commentBody,
  dispositionBody,
} from '../schemas/cases.schemas.js';
import { authErrorResponses, problemSchema, uuidParam } from '../schemas/common.schemas.js';

const security = [{ bearerAuth: [] }];
const roles = ['reviewer'] as const;
const stepResponses = { 200: caseActionResultSchema, 400: problemSchema, ...authErrorResponses, 404: problemSchema, 409: problemSchema.describe('The step is not allowed in the case\'s current state') };

export function caseRoutes(deps: CasesDeps) {
  return async (app: FastifyInstance) => {
    const routes = app.withTypeProvider<ZodTypeProvider>();

    const act = async (request: FastifyRequest, caseId: string, action: CaseAction) => {
      const principal = principalOf(request);
      const { summary, event } = await actOnCase(deps, { tenantId: principal.tenantId, caseId, actor: { keyId: principal.keyId, roles: principal.roles }, action });
      return { case: summary, event };
    };

    routes.get(
      '/v1/cases',
      {
        config: { roles },
        schema: {
          operationId: 'listCases',
          tags: ['cases'],
          summary: 'The review queue: cases by score (highest first), then age (oldest first)',
          security,
          querystring: caseQueueQuery,
          response: { 200: casePageSchema, 400: problemSchema, ...authErrorResponses },
        },
      },
      async (request) => {
        const { status, assignee, outcome, olderThanHours, limit, offset } = request.query;
        return listCases(deps, principalOf(request).tenantId, {
          limit,
          offset,
          ...(status ? { status } : {}),
          ...(assignee !== undefined ? { assignee } : {}),
          ...(outcome ? { outcome } : {}),
          ...(olderThanHours !== undefined ? { olderThanHours } : {}),
        });
      },
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

    routes.post(
      '/v1/cases/:id/assign',
      {
        config: { roles },
        schema: { operationId: 'assignCase', tags: ['cases'], summary: 'Assign the case, or unassign it with null', security, params: uuidParam, body: assignBody, response: stepResponses },
      },
      async (request) => act(request, request.params.id, { type: 'assign', assignee: request.body.assignee }),
    );

    routes.post(
      '/v1/cases/:id/comments',
      {
        config: { roles },
        schema: { operationId: 'commentOnCase', tags: ['cases'], summary: 'Add a comment to the case record', security, params: uuidParam, body: commentBody, response: { ...stepResponses, 201: caseActionResultSchema } },
      },
      async (request, reply) => reply.code(201).send(await act(request, request.params.id, { type: 'comment', text: request.body.text })),
    );

    routes.post(
      '/v1/cases/:id/disposition',
      {
        config: { roles },
        schema: {
          operationId: 'disposeCase',
          tags: ['cases'],
          summary: 'Dispose of the case',
          description:
            'false_positive, and confirmed_match or cleared on a review case, close it. confirmed_match or cleared on a block case only proposes (status pending_approval): a different reviewer must approve (four-eyes). escalated keeps the case workable (status escalated); on a pending case it withdraws the proposal. A case closed as false_positive is remembered: later screenings of the subject against the same unchanged list entries do not open a case.',
          security,
          params: uuidParam,
          body: dispositionBody,
          response: stepResponses,
        },
      },
      async (request) => act(request, request.params.id, { type: 'dispose', disposition: request.body.disposition, note: request.body.note }),
    );

    routes.post(
      '/v1/cases/:id/approve',
      {
        config: { roles },
        schema: {
          operationId: 'approveCase',
          tags: ['cases'],
          summary: 'Approve the pending disposition as the second reviewer (four-eyes), which closes the case',
          description: 'The approver must be another API key than the one that proposed the disposition; the same key is 409.',
          security,
          params: uuidParam,
          body: approvalBody,
          response: stepResponses,
        },
      },
      async (request) => act(request, request.params.id, { type: 'approve', note: request.body.note }),
    );
  };
}
