import { z } from 'zod';
import { ENTRY_TYPES } from '../../domain/lists/list-entry.js';
import { DATASET_NAME, LIST_FORMATS, REGIME_NAME } from '../../lists/parse-list.js';

export const sourceParam = z.object({
  source: z.string().regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'must be a list slug such as ofac-sdn').meta({ example: 'ofac-sdn' }),
});

export const versionParams = sourceParam.extend({ version: z.coerce.number().int().min(1).max(1_000_000) });

/** `?allowShrink=true`: the list really lost more than a fifth of its entries. */
export const allowShrinkQuery = z
  .stringbool()
  .optional()
  .describe('true: accept a version that removes more than 20% of the active version\'s entries (otherwise 409, nothing imported)');

const oneOrMany = (item: z.ZodString) => z.union([item, z.array(item).min(1).max(20)]);

export const importQuery = z.strictObject({
  format: z
    .enum(LIST_FORMATS)
    .optional()
    .describe('File format; defaults to the known format of the source (ofac-sdn → ofac-csv, un → un-xml, redflag-curated → redflag-json); required for a new source, which the first import creates'),
  dataset: oneOrMany(z.string().regex(DATASET_NAME, 'must be an OpenSanctions dataset name such as jp_mof_sanctions'))
    .optional()
    .describe('ftm only: keep the entities of these datasets (repeat the parameter for several)')
    .meta({ example: 'jp_mof_sanctions' }),
  regime: oneOrMany(z.string().regex(REGIME_NAME, 'must be a UN regime (UN_LIST_TYPE) such as DPRK'))
    .optional()
    .describe('un-xml only: keep the entries of these UN regimes (UN_LIST_TYPE; DPRK is the 1718 Committee list)')
    .meta({ example: 'DPRK' }),
  allowShrink: allowShrinkQuery,
});

const versionFilters = z
  .object({ datasets: z.array(z.string()).optional(), regimes: z.array(z.string()).optional() })
  .nullable()
  .describe('The FtM datasets or UN regimes the import kept; null when it kept everything');

const fileRecord = z.object({ name: z.string(), role: z.string(), sha256: z.string(), bytes: z.number().int(), rows: z.number().int() });

export const listVersionSchema = z
  .object({
    source: z.string(),
    version: z.number().int(),
    id: z.uuid(),
    format: z.string(),
    contentDigest: z.string().describe('SHA-256 over the file digests and the selection: equal for identical imports'),
    files: z.array(fileRecord),
    counts: z.record(z.string(), z.number()),
    filters: versionFilters,
    importedBy: z.string(),
    importedAt: z.string(),
  })
  .meta({ id: 'ListVersion' });

export type ListVersionView = z.infer<typeof listVersionSchema>;

export const importResultSchema = z
  .object({
    created: z.boolean().describe('False when identical files were already imported; that version is returned'),
    version: listVersionSchema,
    warnings: z.array(z.object({ file: z.string(), line: z.number().optional(), element: z.string().optional(), message: z.string() })),
  })
  .meta({ id: 'ListImportResult' });

export const listSourceSchema = z
  .object({
    source: z.string(),
    name: z.string(),
    format: z.string(),
    activeVersion: z.number().int().nullable(),
    activeVersionId: z.string().nullable(),
    contentDigest: z.string().nullable(),
    counts: z.record(z.string(), z.number()),
    importedAt: z.string().nullable(),
    ageHours: z.number().nullable().describe("Hours since the active version was imported"),
    currentAsOf: z
      .string()
      .nullable()
      .describe('Since when the list is known to be current: its import, or a later fetch that found the same content again'),
    maxAgeHours: z.number().nullable().describe('From LIST_SOURCES_FILE: older than this (since currentAsOf), the list is stale and list.stale is raised once'),
    stale: z.boolean(),
    everyMinutes: z.number().int().nullable().describe('From LIST_SOURCES_FILE: how often the list is fetched; null for lists only imported by hand'),
    nextFetchAt: z.string().nullable(),
    lastFetch: z
      .object({
        at: z.string(),
        result: z.enum(['new_version', 'unchanged', 'failed']),
        version: z.number().int().nullable().describe('The version the fetch made or found unchanged; after a failure, the one that stays active'),
        error: z.string().nullable(),
        nextRunAt: z.string(),
      })
      .nullable()
      .describe('The last scheduled or CLI fetch; null for lists only imported by hand'),
  })
  .meta({ id: 'ListSource' });

export type ListSourceView = z.infer<typeof listSourceSchema>;
export type LastFetchView = NonNullable<ListSourceView['lastFetch']>;

export const entrySearchQuery = z.strictObject({
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe('A name, in any order, case, punctuation or script: ranked matches first (with the name matched and a score), then names containing the text'),
  source: z.string().max(40).optional(),
  type: z.enum(ENTRY_TYPES).optional(),
  program: z.string().max(40).optional().meta({ example: 'DPRK3' }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const entrySummarySchema = z.object({
  id: z.string(),
  source: z.string(),
  sourceId: z.string(),
  type: z.string(),
  name: z.string(),
  programs: z.array(z.string()),
  matchedName: z.string().nullable().describe('The name or alias that matched q (null without q)'),
  score: z.number().nullable().describe('Similarity 0–1 of a ranked match; null for a name that only contains q'),
});

export const entryPageSchema = z
  .object({ total: z.number().int(), limit: z.number().int(), offset: z.number().int(), items: z.array(entrySummarySchema) })
  .meta({ id: 'ListEntryPage' });

export const listEntrySchema = z
  .object({
    id: z.string(),
    source: z.string(),
    version: z.number().int(),
    listVersionId: z.string(),
    sourceId: z.string().describe("The list's own id: OFAC ent_num, UN reference number"),
    type: z.string(),
    name: z.string(),
    names: z.array(z.object({ full: z.string(), kind: z.string(), strength: z.string(), script: z.string().optional() })),
    programs: z.array(z.string()),
    birthDates: z.array(z.object({ value: z.string(), to: z.string().optional(), circa: z.boolean().optional() })),
    birthPlaces: z.array(z.string()),
    nationalities: z.array(z.string()),
    citizenships: z.array(z.string()),
    addresses: z.array(
      z.object({
        line: z.string().optional(),
        city: z.string().optional(),
        region: z.string().optional(),
        postalCode: z.string().optional(),
        country: z.string().optional().describe('ISO 3166-1 alpha-2 when known'),
        countryName: z.string().optional(),
      }),
    ),
    identifiers: z.array(
      z.object({
        kind: z.string().describe('`link_key` for a watchlist identifier kept as the keyed hash of its canonical form'),
        value: z.string(),
        normalized: z.string(),
        currency: z.string().optional(),
        country: z.string().optional(),
        note: z.string().optional(),
        watchlistKind: z.string().optional().describe("A watchlist identifier's kind as imported (bank_account, ip, ...)"),
      }),
    ),
    remarks: z.string().optional(),
    listedOn: z.string().optional(),
    attributes: z.record(z.string(), z.string()),
  })
  .meta({ id: 'ListEntry' });

const diffRow = z.object({
  sourceId: z.string(),
  name: z.string(),
  entryId: z.string(),
  previousEntryId: z.string().nullable(),
  changedFields: z
    .array(z.string())
    .describe('For a changed entry, the fields of the entry whose value differs from the previous version (names, birthDates, identifiers, addresses, programs, remarks ...); empty for an added or removed one'),
});
export const listDiffSchema = z
  .object({
    source: z.string(),
    version: z.number().int(),
    previousVersion: z.number().int().nullable(),
    added: z.array(diffRow),
    removed: z.array(diffRow),
    changed: z.array(diffRow),
  })
  .meta({ id: 'ListVersionDiff' });
