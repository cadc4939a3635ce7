import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { AppError } from '../../errors.js';
import { MAX_BATCH_ITEMS, screenBatch, type BatchItem } from '../../services/batch.service.js';
import type { ScreeningDeps } from '../../services/screening.service.js';
import { principalOf } from '../plugins/auth.plugin.js';
import { decodeUtf8Body } from '../plugins/json-body.plugin.js';
import { problemFor } from '../plugins/errors.plugin.js';
import { batchRequestSchema, batchResponseSchema, invalidLine, toBatchItem } from '../schemas/batch.schemas.js';
import { authErrorResponses, idempotencyHeaders, problemSchema } from '../schemas/common.schemas.js';

/** 1,000 full profiles with logins and work history stay well under this. */
export const BATCH_BODY_LIMIT_BYTES = 10 * 1024 * 1024;
export const NDJSON_CONTENT_TYPE = 'application/x-ndjson';

/** What the NDJSON parser hands the handler: every non-blank line with its number. */
class NdjsonBody {
  constructor(readonly lines: readonly { line: number; value?: unknown; error?: string }[]) {}
}

export function batchScreeningRoutes(deps: ScreeningDeps) {
  return async (app: FastifyInstance) => {
    // Registered in this plugin's scope only: everywhere else NDJSON stays a 415.
    const parseJson = app.getDefaultJsonParser('error', 'error');
    app.addContentTypeParser(NDJSON_CONTENT_TYPE, { parseAs: 'buffer' }, (request, body, done) => {
      let text: string;
      try {
        text = decodeUtf8Body(body as Buffer);
      } catch (error) {
        done(error as AppError, undefined);
        return;
      }
      const lines: { line: number; value?: unknown; error?: string }[] = [];
      text.split('\n').forEach((raw, position) => {
        const content = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
        if (content.trim() === '') return;
        // The same parser as JSON bodies (it refuses __proto__ keys); it answers synchronously.
        parseJson(request, content, (error, value) => lines.push(error ? { line: position + 1, error: error.message } : { line: position + 1, value }));
      });
      done(null, new NdjsonBody(lines));
    });

    const routes = app.withTypeProvider<ZodTypeProvider>();
    routes.post(
      '/v1/screenings/batch',
      {
        // 1,000 screenings one after another take longer than the app-wide handler deadline.
        config: { roles: ['screener'], handlerTimeoutMs: 300_000 },
        bodyLimit: BATCH_BODY_LIMIT_BYTES,
        // Items are validated one by one in the handler, so an invalid one fails alone.
        validatorCompiler: () => (data: unknown) => ({ value: data }),
        schema: {
          operationId: 'createScreeningBatch',
          tags: ['screenings'],
          summary: `Screen up to ${MAX_BATCH_ITEMS} profiles, each with its own decision or error`,
          description:
            `JSON: { "items": [ { "subject": ..., "monitor": true }, ... ] }. NDJSON (Content-Type: ${NDJSON_CONTENT_TYPE}): one { "subject": ..., "monitor"? } per line; ` +
            'blank lines are ignored and results carry the line number. Items are screened in order, each exactly like POST /v1/screenings ' +
            '(own decision, own case). The response is 200 with one result per item: 201 with the decision, or the problem of that item ' +
            '(400 invalid profile or a line that is not JSON, 422 an externalRef repeated in the batch: later items are refused). ' +
            `More than ${MAX_BATCH_ITEMS} items, or a body that is not a batch, is a 400 for the whole request. ` +
            'Each item counts as one request against the API key\'s rate limit; a batch that does not fit in what is left of it is a 429 (nothing screened).',
          consumes: ['application/json', NDJSON_CONTENT_TYPE],
          security: [{ bearerAuth: [] }],
          headers: idempotencyHeaders(
            'Send the same key again with the same body (a retry after a lost answer) and every item already screened gets its earlier decision back (status 200) instead of a new one; an item whose body differs from the first time is 422',
          ),
          body: batchRequestSchema,
          response: { 200: batchResponseSchema, 400: problemSchema, ...authErrorResponses, 413: problemSchema, 415: problemSchema },
        },
      },
      async (request, reply) => {
        const { tenantId } = principalOf(request);
        const items = batchItemsOf(request.body as unknown);
        // Each item is a screening: the batch counts as that many requests against the key's limit.
        await app.chargeRequests(request, reply, items.length - 1);
        const results = [];
        const idempotencyKey = request.headers['idempotency-key'];
        const options = { onUnexpectedError: (error: unknown, index: number) => logUnexpected(request, error, index), ...(idempotencyKey ? { idempotencyKey } : {}) };
        for await (const result of screenBatch(deps, tenantId, items, options)) {
          const position = { index: result.index, ...(result.line !== undefined ? { line: result.line } : {}) };
          results.push(
            'decision' in result
              ? { ...position, status: result.status, decision: result.decision }
              : { ...position, status: result.status, error: problemFor(result.error.code, result.error.message, result.error.errors) },
          );
        }
        return { results };
      },
    );
  };
}

function batchItemsOf(body: unknown): BatchItem[] {
  const items: unknown[] | readonly { line: number; value?: unknown; error?: string }[] | undefined =
    body instanceof NdjsonBody ? body.lines : typeof body === 'object' && body !== null && Array.isArray((body as { items?: unknown }).items) ? (body as { items: unknown[] }).items : undefined;
  if (items === undefined) {
    throw new AppError('validation_failed', `Send { "items": [ ... ] } as JSON, or one screening request per line as ${NDJSON_CONTENT_TYPE}`, [
      { field: '/items', message: 'required: an array of screening requests' },
    ]);
  }
  if (items.length === 0) throw new AppError('validation_failed', 'The batch is empty', [{ field: '/items', message: 'at least one item' }]);
  if (items.length > MAX_BATCH_ITEMS) {
    throw new AppError('validation_failed', `A batch holds at most ${MAX_BATCH_ITEMS} profiles; this one has ${items.length}. Split it into several requests.`, [
      { field: '/items', message: `at most ${MAX_BATCH_ITEMS} items` },
    ]);
  }
  if (body instanceof NdjsonBody) return body.lines.map((line) => (line.error !== undefined ? invalidLine(line.line, line.error) : toBatchItem(line.value, line.line)));
  return (items as unknown[]).map((item) => toBatchItem(item));
}

function logUnexpected(request: FastifyRequest, error: unknown, index: number) {
  request.log.error({ err: { message: error instanceof Error ? error.message : String(error) }, batchIndex: index }, 'batch item failed unexpectedly');
}
