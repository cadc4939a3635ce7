import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import type { KeyedHash } from '../../domain/rules/subject-lookups.js';
import { ListImportError } from '../../lists/list-import.errors.js';
import { CSV_HEADER, MAX_WATCHLIST_BYTES, WATCHLIST_IDENTIFIER_KINDS } from '../../lists/watchlist.importer.js';
import type { ListIndexHolder } from '../../services/list-index.service.js';
import { createWatchlist, importWatchlist, listWatchlists, watchlistDiff, watchlistVersions, type WatchlistContent } from '../../services/watchlists.service.js';
import { actorOf, principalOf } from '../plugins/auth.plugin.js';
import { authErrorResponses, problemSchema } from '../schemas/common.schemas.js';
import { importResultSchema, listDiffSchema, listVersionSchema } from '../schemas/lists.schemas.js';
import { watchlistBody, watchlistImportBody, watchlistImportQuery, watchlistListSchema, watchlistSchema, watchlistSlugParam, watchlistVersionParams } from '../schemas/watchlists.schemas.js';
import { importRefusal } from './lists.routes.js';

const security = [{ bearerAuth: [] }];
const CSV_CONTENT_TYPE = 'text/csv';

/** A CSV body stays a stream: the importer reads it row by row, whatever its size. */
class CsvBody {
  constructor(readonly stream: Readable) {}
}

const scopeOf = (request: Parameters<typeof principalOf>[0]) => {
  const { tenantId, tenantSlug } = principalOf(request);
  return { tenantId, tenantSlug };
};

type WatchlistRouteDeps = { db: Db; lists: ListIndexHolder; keyedHash: KeyedHash };

/** Creating and listing a tenant's watchlists. */
function registerWatchlistManagement(app: FastifyInstance, deps: WatchlistRouteDeps): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.post(
    '/v1/watchlists',
    {
      config: { roles: ['admin'] },
      schema: {
        operationId: 'createWatchlist',
        tags: ['watchlists'],
        summary: "Create one of the tenant's own watchlists (empty until its first import)",
        security,
        body: watchlistBody,
        response: { 201: watchlistSchema, 400: problemSchema, ...authErrorResponses, 409: problemSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await createWatchlist(deps.db, { ...scopeOf(request), ...request.body, actor: actorOf(request) })),
  );

  routes.get(
    '/v1/watchlists',
    {
      config: { roles: ['admin', 'reviewer', 'auditor'] },
      schema: { operationId: 'listWatchlists', tags: ['watchlists'], summary: "The tenant's watchlists and their active versions", security, response: { 200: watchlistListSchema, ...authErrorResponses } },
    },
    async (request) => ({ items: await listWatchlists(deps.db, scopeOf(request)) }),
  );
}

/** Importing a new version of a watchlist (JSON or CSV). */
function registerWatchlistImport(app: FastifyInstance, deps: WatchlistRouteDeps): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.post(
    '/v1/watchlists/:slug/imports',
    {
      config: { roles: ['admin'], handlerTimeoutMs: 300_000 },
      bodyLimit: MAX_WATCHLIST_BYTES,
      // The importer validates (422 naming the entry and field); route validation would say 400.
      validatorCompiler: (route) => (route.httpPart === 'body' ? (data: unknown) => ({ value: data }) : validatorCompiler(route as unknown as Parameters<typeof validatorCompiler>[0])),
      schema: {
        operationId: 'importWatchlist',
        tags: ['watchlists'],
        summary: 'Import the whole watchlist as a new version (JSON or CSV)',
        description:
          `application/json: { "entries": [ { "name"?, "type"?: "individual" | "entity", "identifiers"?: [ { "kind", "value" } ], "note"? } ] }. ` +
          `${CSV_CONTENT_TYPE}: the header ${CSV_HEADER.join(',')}, one identifier a row (or a name alone); rows with the same name and type form one entry, a row without a name is an entry of its own. ` +
          `Identifier kinds: ${WATCHLIST_IDENTIFIER_KINDS.join(', ')}. Each is matched exactly after normalisation, as the link key of its canonical form (document and account numbers are never stored), and any hit forces block; names are matched like list names. ` +
          'Versioned like global lists (identical content returns the existing version, 200); a version removing more than 20% of the active one\'s entries is 409 unless allowShrink=true. A bad row is 422 naming the file, the line (CSV) or entry (JSON) and the field; nothing is imported.',
        consumes: ['application/json', CSV_CONTENT_TYPE],
        security,
        params: watchlistSlugParam,
        querystring: watchlistImportQuery,
        body: watchlistImportBody,
        response: { 200: importResultSchema, 201: importResultSchema, 400: problemSchema, ...authErrorResponses, 404: problemSchema, 409: problemSchema, 413: problemSchema, 415: problemSchema, 422: problemSchema },
      },
    },
    async (request, reply) => {
      const body = request.body as unknown;
      const content: WatchlistContent = body instanceof CsvBody ? { csv: body.stream } : { json: body };
      try {
        const outcome = await importWatchlist(deps, { ...scopeOf(request), slug: request.params.slug, content, allowShrink: request.query.allowShrink ?? false, actor: actorOf(request) });
        // This instance uses the new version at once; the others within LIST_REFRESH_SECONDS.
        if (outcome.created) await deps.lists.refresh(deps.db);
        return reply.code(outcome.created ? 201 : 200).send(outcome);
      } catch (error) {
        if (error instanceof ListImportError) throw importRefusal(error);
        throw error;
      } finally {
        if (body instanceof CsvBody) body.stream.resume();
      }
    },
  );
}

/** A watchlist's versions and what changed between them. */
function registerWatchlistVersions(app: FastifyInstance, deps: WatchlistRouteDeps): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.get(
    '/v1/watchlists/:slug/versions',
    {
      config: { roles: ['admin', 'reviewer', 'auditor'] },
      schema: {
        operationId: 'listWatchlistVersions',
        tags: ['watchlists'],
        summary: 'Every version of a watchlist, newest first (who imported it, when, digest, counts)',
        security,
        params: watchlistSlugParam,
        response: { 200: z.object({ items: z.array(listVersionSchema) }), 400: problemSchema, ...authErrorResponses, 404: problemSchema },
      },
    },
    async (request) => ({ items: await watchlistVersions(deps.db, scopeOf(request), request.params.slug) }),
  );

  routes.get(
    '/v1/watchlists/:slug/versions/:version/diff',
    {
      config: { roles: ['admin', 'reviewer', 'auditor'] },
      schema: {
        operationId: 'diffWatchlistVersion',
        tags: ['watchlists'],
        summary: 'Entries added, removed and changed against the previous version',
        security,
        params: watchlistVersionParams,
        response: { 200: listDiffSchema.extend({ slug: z.string() }), 400: problemSchema, ...authErrorResponses, 404: problemSchema },
      },
    },
    async (request) => watchlistDiff(deps.db, scopeOf(request), request.params.slug, request.params.version),
  );
}

/** A tenant's own watchlists, managed by its admins (readable by its reviewers and auditors). */
export function watchlistRoutes(deps: WatchlistRouteDeps) {
  return async (app: FastifyInstance) => {
    // In this plugin's scope only: everywhere else CSV stays a 415.
    app.addContentTypeParser(CSV_CONTENT_TYPE, (_request, payload, done) => done(null, new CsvBody(payload)));
    registerWatchlistManagement(app, deps);
    registerWatchlistImport(app, deps);
    registerWatchlistVersions(app, deps);
  };
}
