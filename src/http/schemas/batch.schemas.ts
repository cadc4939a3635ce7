import { z } from 'zod';
import { AppError, type FieldProblem } from '../../errors.js';
import { MAX_BATCH_ITEMS, type BatchItem } from '../../services/batch.service.js';
import { problemSchema } from './common.schemas.js';
import { decisionSchema, screeningRequestSchema } from './screening.schemas.js';

/**
 * The documented body. Validation is per item in the handler (the route's own validator only
 * passes the body through), so one invalid profile fails alone instead of failing the request.
 */
export const batchRequestSchema = z
  .object({
    items: z.array(screeningRequestSchema).min(1).max(MAX_BATCH_ITEMS).describe(`1 to ${MAX_BATCH_ITEMS} screening requests, screened in order`),
  })
  .meta({
    id: 'BatchScreeningRequest',
    example: { items: [{ subject: { externalRef: 'cand-1042', name: 'Jane Roe', nationality: 'US' }, monitor: true }, { subject: { externalRef: 'cand-1043', name: 'Kim Sang Man' } }] },
  });

export const batchResultSchema = z
  .object({
    index: z.number().int().describe('Position of the item in the request, from 0'),
    line: z.number().int().optional().describe('NDJSON requests: the line the item was on, from 1'),
    status: z.number().int().describe('201 screened; 200 screened before by a request with the same Idempotency-Key (its decision); 400 invalid item; 422 refused (duplicate externalRef, or the same Idempotency-Key with another body for this item); 409 or 500 as for a single screening'),
    decision: decisionSchema.optional().describe('The decision, for status 201 or 200'),
    error: problemSchema.optional().describe("The item's problem, for any other status"),
  })
  .meta({ id: 'BatchScreeningResult' });

export const batchResponseSchema = z.object({ results: z.array(batchResultSchema).describe('One result per item, in request order') }).meta({ id: 'BatchScreeningResponse' });

function issueProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.flatMap((issue) => {
    const base = issue.path.length > 0 ? `/${issue.path.map(String).join('/')}` : '';
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ field: `${base}/${key}`, message: 'unknown field' }));
    return [{ field: base || '/', message: issue.message }];
  });
}

/** One raw item (a JSON array element or an NDJSON line's value) checked as a screening request. */
export function toBatchItem(raw: unknown, line?: number): BatchItem {
  const parsed = screeningRequestSchema.safeParse(raw);
  const at = line !== undefined ? { line } : {};
  if (!parsed.success) {
    const errors = issueProblems(parsed.error);
    const where = line !== undefined ? `Line ${line}` : 'This item';
    return { ...at, error: new AppError('validation_failed', `${where} is not a valid screening request: ${errors.map((problem) => `${problem.field}: ${problem.message}`).join('; ')}`, errors) };
  }
  return { ...at, subject: parsed.data.subject, ...(parsed.data.monitor !== undefined ? { monitor: parsed.data.monitor } : {}) };
}

/** An NDJSON line that is not JSON. */
export function invalidLine(line: number, message: string): BatchItem {
  return { line, error: new AppError('invalid_json', `Line ${line} is not valid JSON: ${message}`, [{ field: `line ${line}`, message: 'not valid JSON' }]) };
}
