import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ENTRY_TYPES } from '../../domain/lists/list-entry.js';
import { compareNames, DEFAULT_MATCH_THRESHOLD, GENDERS } from '../../domain/screening/index.js';
import type { ListIndexHolder } from '../../services/list-index.service.js';
import { principalOf } from '../plugins/auth.plugin.js';
import { authErrorResponses, problemSchema } from '../schemas/common.schemas.js';

const security = [{ bearerAuth: [] }];

/** A name as a client may send it: bounded, printable. Blank names are refused, not matched. */
const nameField = z
  .string()
  .max(500)
  .refine((value) => value.trim().length > 0, 'must not be empty or only whitespace')
  .refine((value) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value), 'must not contain control characters');

const explanationSchema = z
  .object({
    version: z.number(),
    queryName: z.string(),
    matchedName: z.string(),
    matchedNameKind: z.string().optional(),
    matchedNameStrength: z.string().optional(),
    queryType: z.string().optional(),
    listedType: z.string().optional(),
    korean: z.boolean(),
    tokens: z
      .array(z.unknown())
      .describe('Query token, listed token, token score and how they matched (exact, korean-variant, fuzzy, initial, transliterated, name-family), with the transliteration used for a token in another script'),
    unmatchedQuery: z.array(z.string()),
    unmatchedListed: z.array(z.string()),
    titles: z.array(z.string()).optional().describe('Titles and honorifics removed before comparing ("query: president")'),
    components: z.array(z.unknown()).describe('Each score component with its delta: name, type, birth date, gender, nationality, weak alias ...'),
    nameScore: z.number(),
    score: z.number(),
    threshold: z.number(),
    match: z.boolean(),
  })
  .describe('Which query name matched which listed name, the token pairs and every score component')
  .meta({ id: 'MatchExplanation' });

const birthDateField = z
  .string()
  .regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'must be YYYY, YYYY-MM or YYYY-MM-DD')
  .describe('Birth date or year: a year or less from the listed one barely changes the score; the penalty grows with the gap, in full from ten years');
const genderField = z.enum(GENDERS).describe('A known different gender from the listed one lowers the score');

const matchRequest = z
  .strictObject({
    name: nameField.meta({ example: '김정은' }),
    type: z.enum(ENTRY_TYPES).optional(),
    birthDate: birthDateField.optional().meta({ example: '1984' }),
    gender: genderField.optional(),
    nationality: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code').optional().meta({ example: 'KP' }),
    sources: z.array(z.string().max(40)).max(20).optional().meta({ example: ['ofac-sdn', 'un'] }),
    limit: z.number().int().min(1).max(100).default(10),
    threshold: z.number().min(0).max(1).optional().describe(`Score at or above which a result is returned (default ${DEFAULT_MATCH_THRESHOLD}, chosen on evaluation data)`),
  })
  .meta({ id: 'MatchRequest' });

const matchResult = z.object({
  entry: z.object({ id: z.string(), source: z.string(), sourceId: z.string().describe('OFAC ent_num, UN reference number'), name: z.string(), type: z.string(), programs: z.array(z.string()) }),
  matchedName: z.string(),
  score: z.number().min(0).max(1),
  explanation: explanationSchema,
});

const compareSide = z.strictObject({
  name: nameField,
  type: z.enum(ENTRY_TYPES).optional(),
  birthDate: birthDateField.optional(),
  gender: genderField.optional(),
});

const compareRequest = z
  .strictObject({ a: compareSide, b: compareSide })
  .describe('Birth dates and genders are compared when both sides give one')
  .meta({ id: 'CompareNamesRequest', example: { a: { name: 'Kim Jong Un', birthDate: '1984' }, b: { name: 'KIM, Jong-un', birthDate: '1984-01-08' } } });

export function matchingRoutes(deps: { lists: ListIndexHolder }) {
  return async (app: FastifyInstance) => {
    const routes = app.withTypeProvider<ZodTypeProvider>();
    routes.post(
      '/v1/match',
      {
        config: { roles: ['screener', 'reviewer'] },
        schema: {
          operationId: 'matchName',
          tags: ['matching'],
          summary: 'Search the active lists for a name, ranked, with an explanation per result',
          security,
          body: matchRequest,
          response: { 200: z.object({ results: z.array(matchResult) }), 400: problemSchema, ...authErrorResponses },
        },
      },
      async (request) => {
        const { name, type, birthDate, gender, nationality, sources, limit, threshold } = request.body;
        // The tenant's watchlists are searched too: its own lists, never another tenant's.
        const snapshot = deps.lists.forTenant(principalOf(request).tenantId);
        const results = snapshot.searchNames(
          {
            name,
            ...(type ? { type } : {}),
            ...(birthDate ? { birthDate } : {}),
            ...(gender ? { gender } : {}),
            ...(nationality ? { nationality } : {}),
            ...(sources ? { sources } : {}),
          },
          { threshold: threshold ?? DEFAULT_MATCH_THRESHOLD, limit },
        );
        // The index returns the engine's full explanation; the rules core only sees it as opaque.
        return { results: results as z.infer<typeof matchResult>[] };
      },
    );

    routes.post(
      '/v1/names/compare',
      {
        config: { roles: ['screener', 'reviewer'] },
        schema: {
          operationId: 'compareNames',
          tags: ['matching'],
          summary: 'Score one pair of names with the screening engine, for reviewers comparing side by side',
          security,
          body: compareRequest,
          response: { 200: z.object({ score: z.number(), match: z.boolean(), explanation: explanationSchema }), 400: problemSchema, ...authErrorResponses },
        },
      },
      async (request) => compareNames(request.body.a, request.body.b),
    );
  };
}
