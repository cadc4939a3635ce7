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
} as const;

export const uuidParam = z.object({ id: z.uuid().describe('Resource id (UUIDv7)') });
