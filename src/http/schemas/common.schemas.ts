import { z } from 'zod';

export const problemSchema = z
  .object({
    type: z.string().meta({ example: 'https://redflag.dev/problems/validation-failed' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z
      .array(z.object({ field: z.string().meta({ example: '/subject/name' }), message: z.string() }))
      .optional()
      .describe('One item per invalid field, for validation errors'),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

/** Responses every authenticated route can give. */
export const authErrorResponses = {
  401: problemSchema.describe('Missing or invalid API key'),
  403: problemSchema.describe('The key lacks the required role'),
  429: problemSchema.describe('Rate limit of the API key reached; retry after `Retry-After` seconds'),
  503: problemSchema.describe('Database unreachable, instance shutting down or request deadline passed; retry after `Retry-After` seconds'),
} as const;

export const uuidParam = z.object({ id: z.uuid().describe('Resource id (UUIDv7)') });

/** An Idempotency-Key header: a retried request with the same key and body makes nothing new. */
export const idempotencyHeaders = (what: string) =>
  z.object({
    'idempotency-key': z.string().min(1).max(200).optional().describe(what),
  });
