import { mkdtemp, rm } from 'node:fs/promises';
import { createReadStream, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { AppError } from '../../errors.js';
import { ListImportError } from '../../lists/list-import.errors.js';
import { parseListFiles } from '../../lists/parse-list.js';
import type { ListIndexHolder } from '../../services/list-index.service.js';
import { listSourcesWithStatus } from '../../services/list-fetch.service.js';
import { diffListVersion, resolveListFormat, getEntry, listVersions, searchEntries, storeParsedList } from '../../services/lists.service.js';
import { actorOf, principalOf } from '../plugins/auth.plugin.js';
import { authErrorResponses, problemSchema, uuidParam } from '../schemas/common.schemas.js';
import {
  entryPageSchema,
  entrySearchQuery,
  importQuery,
  importResultSchema,
  listDiffSchema,
  listEntrySchema,
  listSourceSchema,
  listVersionSchema,
  sourceParam,
  versionParams,
} from '../schemas/lists.schemas.js';

/** A refused file as problem+json: 422 naming the file, and the line or element. */
export function importRefusal(error: ListImportError): AppError {
  return new AppError('unprocessable', `List import refused: ${error.message}`, [
    { field: error.file, message: [error.line ? `line ${error.line}` : undefined, error.element ? `element <${error.element}>` : undefined, error.reason].filter(Boolean).join(': ') },
  ]);
}

/** Largest list file accepted by upload. The full OFAC sdn.csv is about 5 MB. */
export const MAX_LIST_FILE_BYTES = 64 * 1024 * 1024;
const security = [{ bearerAuth: [] }];
const asList = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

type ListRouteDeps = { db: Db; lists: ListIndexHolder; now: () => Date };

/** Importing a global list (operator). */
function registerListImport(app: FastifyInstance, deps: ListRouteDeps): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.post(
    '/v1/lists/:source/imports',
    {
      config: { roles: ['operator'] },
      schema: {
        operationId: 'importList',
        tags: ['lists'],
        summary: 'Import list files as a new version of a global list (operator; multipart/form-data, one part per file)',
        description:
          'ofac-csv: sdn.csv with optional alt.csv, add.csv, sdn_comments.csv (or the cons_* files). un-xml: the UN consolidated XML (`regime` keeps chosen regimes). redflag-json: our curated format. ftm: an OpenSanctions entities.ftm.json, plain or gzip (`dataset` keeps chosen datasets). The first import of a new source slug creates it. The import is atomic: a refused file changes nothing. Identical files return the existing version (200). A version that would remove more than 20% of the active version\'s entries is refused (409, naming both counts) unless allowShrink=true.',
        consumes: ['multipart/form-data'],
        security,
        params: sourceParam,
        querystring: importQuery,
        response: { 200: importResultSchema, 201: importResultSchema, 400: problemSchema, ...authErrorResponses, 409: problemSchema, 413: problemSchema, 415: problemSchema, 422: problemSchema },
      },
    },
    async (request, reply) => {
      const { source } = request.params;
      const format = resolveListFormat(source, request.query.format);
      const filters = { datasets: asList(request.query.dataset), regimes: asList(request.query.regime) };
      if (!request.isMultipart()) throw new AppError('unsupported_media_type', 'Upload the list files as multipart/form-data');
      // Parts are spooled to disk so that memory stays flat whatever the file size.
      const spool = await mkdtemp(path.join(tmpdir(), 'redflag-import-'));
      try {
        const saved: { name: string; file: string }[] = [];
        for await (const part of request.files()) {
          const name = path.basename(part.filename || part.fieldname);
          const file = path.join(spool, `${saved.length}-${name.replace(/[^A-Za-z0-9._-]/g, '_')}`);
          await pipeline(part.file, createWriteStream(file));
          saved.push({ name, file });
        }
        if (saved.length === 0) throw new AppError('validation_failed', 'No file was uploaded', [{ field: 'files', message: 'at least one file part is required' }]);
        const files = saved.map(({ name, file }) => ({ name, stream: createReadStream(file) }));
        try {
          const parsed = await parseListFiles(format, files, filters);
          const outcome = await storeParsedList(deps.db, { source, parsed, importedBy: actorOf(request), allowShrink: request.query.allowShrink ?? false });
          if (outcome.created) await deps.lists.refresh(deps.db);
          return reply.code(outcome.created ? 201 : 200).send(outcome);
        } finally {
          for (const file of files) file.stream.destroy();
        }
      } catch (error) {
        if (error instanceof ListImportError) throw importRefusal(error);
        throw error;
      } finally {
        await rm(spool, { recursive: true, force: true });
      }
    },
  );
}

/** Lists, their versions and what changed between versions. */
function registerListVersions(app: FastifyInstance, deps: ListRouteDeps): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.get(
    '/v1/lists',
    {
      config: { roles: ['reviewer', 'auditor', 'operator'] },
      schema: {
        operationId: 'listLists',
        tags: ['lists'],
        summary: 'Lists, their active versions and how old they are, and for fetched lists the last fetch',
        security,
        response: { 200: z.object({ items: z.array(listSourceSchema) }), ...authErrorResponses },
      },
    },
    async () => ({ items: await listSourcesWithStatus(deps.db, deps.now()) }),
  );

  routes.get(
    '/v1/lists/:source/versions',
    {
      config: { roles: ['reviewer', 'auditor', 'operator'] },
      schema: {
        operationId: 'listListVersions',
        tags: ['lists'],
        summary: 'Every imported version of a list, newest first',
        security,
        params: sourceParam,
        response: { 200: z.object({ items: z.array(listVersionSchema) }), 400: problemSchema, ...authErrorResponses, 404: problemSchema },
      },
    },
    async (request) => ({ items: await listVersions(deps.db, request.params.source) }),
  );

  routes.get(
    '/v1/lists/:source/versions/:version/diff',
    {
      config: { roles: ['reviewer', 'auditor', 'operator'] },
      schema: {
        operationId: 'diffListVersion',
        tags: ['lists'],
        summary: 'Entries added, removed and changed against the previous version',
        security,
        params: versionParams,
        response: { 200: listDiffSchema, 400: problemSchema, ...authErrorResponses, 404: problemSchema },
      },
    },
    async (request) => diffListVersion(deps.db, request.params.source, request.params.version),
  );
}

/** Searching and reading list entries. */
function registerListEntries(app: FastifyInstance, deps: ListRouteDeps): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.get(
    '/v1/lists/entries',
    {
      config: { roles: ['reviewer'] },
      schema: {
        operationId: 'searchListEntries',
        tags: ['lists'],
        summary: 'Search the entries of the active list versions (paged)',
        security,
        querystring: entrySearchQuery,
        response: { 200: entryPageSchema, 400: problemSchema, ...authErrorResponses },
      },
    },
    async (request) => {
      const { q, source, type, program, limit, offset } = request.query;
      const { tenantId } = principalOf(request);
      return searchEntries(deps.db, deps.lists.forTenant(tenantId), { tenantId, limit, offset, ...(q ? { q } : {}), ...(source ? { source } : {}), ...(type ? { type } : {}), ...(program ? { program } : {}) });
    },
  );

  routes.get(
    '/v1/lists/entries/:id',
    {
      config: { roles: ['reviewer', 'screener'] },
      schema: {
        operationId: 'getListEntry',
        tags: ['lists'],
        summary: 'One list entry with everything the list says about it',
        security,
        params: uuidParam,
        response: { 200: listEntrySchema, 400: problemSchema, ...authErrorResponses, 404: problemSchema },
      },
    },
    async (request) => getEntry(deps.db, request.params.id, principalOf(request).tenantId),
  );
}

export function listRoutes(deps: ListRouteDeps) {
  return async (app: FastifyInstance) => {
    await app.register(fastifyMultipart, { limits: { fileSize: MAX_LIST_FILE_BYTES, files: 8, fields: 4, parts: 12 } });
    registerListImport(app, deps);
    registerListVersions(app, deps);
    registerListEntries(app, deps);
  };
}
