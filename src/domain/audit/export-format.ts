/**
 * The decision-log export (`GET /v1/audit/decisions/export`): one row per decision, in CSV or
 * NDJSON, followed by one manifest line that lets an auditor check the file offline.
 *
 * File layout (format version 2; version 1 differs only in writing CSV cells verbatim):
 * - CSV (RFC 4180, CRLF line ends): a header line, one record per decision, then the manifest
 *   line `#manifest,"<manifest JSON, quotes doubled>"`. Readers that know `#` comments skip
 *   it; others read a two-field record whose first field `#manifest` no data row can have
 *   (data rows start with the sequence number).
 * - NDJSON (LF line ends): one JSON object per decision, then `{"manifest":{...}}`.
 * - The manifest is always the last line. Its `bodySha256` is the SHA-256 of every byte before
 *   the manifest line (the CSV header included), so any edit to the rows shows; `rows`,
 *   `firstHash` and `lastHash` catch a truncated or spliced file, and each row's `prevHash`
 *   equals the `hash` of the tenant's previous decision whenever their sequences are adjacent.
 *
 * Cells: null is an empty unquoted CSV field, the empty string is `""`, so the two stay apart.
 * List-valued cells are joined with `;` (list versions as `source@version:contentDigest`), an
 * empty list being an empty field; NDJSON keeps them as arrays.
 *
 * Spreadsheets run a CSV cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return as a
 * formula, and an `externalRef` is whatever the caller sent. Such a CSV text cell gets a leading
 * apostrophe (OWASP, CSV injection), and so does a cell that already began with one, so a reader
 * gets the stored value back by removing exactly one leading apostrophe from any cell that has
 * one. The manifest hashes the bytes as written, so the file still verifies. NDJSON is written
 * verbatim, byte for byte what the database holds.
 *
 * Pure string work; hashing and streaming live in `src/audit/export-writer.ts`.
 */
import { z } from 'zod';
import { OUTCOMES, type Outcome } from '../rules/ruleset.js';
import { signedCheckpointSchema } from './checkpoint.js';
import { canonicalTimestamp, chainSequence, toChainListVersions, type ChainListVersion, type StoredChainRow } from './chain-record.js';

export const EXPORT_FORMATS = ['csv', 'ndjson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_FORMAT_NAME = 'redflag.decision-export';
export const EXPORT_FORMAT_VERSION = 3;
/**
 * Versions the offline verifier reads: files written before CSV cells were neutralised (1) or
 * before the manifest carried the chain head and signed checkpoints (2) still verify.
 */
export const READABLE_FORMAT_VERSIONS = [1, 2, 3] as const;

export interface ExportRow {
  sequence: number;
  createdAt: string;
  decisionId: string;
  tenantId: string;
  externalRef: string | null;
  outcome: string;
  score: number;
  ruleIds: string[];
  indicatorIds: string[];
  rulesetVersion: number;
  listVersions: ChainListVersion[];
  caseStatus: string | null;
  caseDisposition: string | null;
  prevHash: string;
  hash: string;
}

/** CSV column names, in file order; the NDJSON keys are the ExportRow keys in the same order. */
export const EXPORT_CSV_COLUMNS = [
  'sequence',
  'created_at',
  'decision_id',
  'tenant_id',
  'external_ref',
  'outcome',
  'score',
  'rule_ids',
  'indicator_ids',
  'ruleset_version',
  'list_versions',
  'case_status',
  'case_disposition',
  'prev_hash',
  'hash',
] as const;

export const EXPORT_CSV_HEADER = `${EXPORT_CSV_COLUMNS.join(',')}\r\n`;
export const CSV_MANIFEST_PREFIX = '#manifest,';
export const NDJSON_MANIFEST_PREFIX = '{"manifest":';

/** Rows selected by created_at in [from, to) (either bound open when null) and, optionally, outcome. */
export interface ExportFilter {
  from: string | null;
  to: string | null;
  outcome: Outcome | null;
}

export const exportManifestSchema = z.object({
  format: z.literal(EXPORT_FORMAT_NAME),
  formatVersion: z.union(READABLE_FORMAT_VERSIONS.map((version) => z.literal(version))),
  rows: z.number().int().min(0),
  firstHash: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
  lastHash: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
  bodySha256: z.string().regex(/^[0-9a-f]{64}$/),
  filter: z.object({
    from: z.string().nullable(),
    to: z.string().nullable(),
    outcome: z.enum(OUTCOMES).nullable(),
  }),
  generatedAt: z.string(),
  /** Version 3: whose chain the rows are. */
  tenantId: z.uuid().optional(),
  /** Version 3: the tenant's chain head when the export was made (null: no decision yet). */
  head: z.object({ sequence: z.number().int().min(1), hash: z.string().regex(/^[0-9a-f]{64}$/) }).nullable().optional(),
  /** Version 3: the signed checkpoints bearing on the rows (and the tenant's latest one). */
  checkpoints: z.array(signedCheckpointSchema).optional(),
  /** Version 3: the public keys that signed them, as the service knows them (pin them with --public-key). */
  keys: z.array(z.object({ keyId: z.string(), algorithm: z.string(), publicKey: z.string() })).optional(),
});

export type ExportManifest = z.infer<typeof exportManifestSchema>;

/** Case columns for a decision; null when no case was opened (or cases are not wired yet). */
export interface ExportCaseInfo {
  status: string | null;
  disposition: string | null;
}

function unique(values: Iterable<string>): string[] {
  return [...new Set(values)];
}

/**
 * Maps a stored decision (with its chain columns) to an export row. Rule and indicator ids are
 * listed once each, in the order the hits first name them; hits that are not objects are skipped
 * (the chain verifier, not the export, judges a malformed row).
 */
export function toExportRow(row: StoredChainRow, caseInfo: ExportCaseInfo | null = null): ExportRow {
  const hits = Array.isArray(row.hits) ? (row.hits as unknown[]).filter((hit): hit is Record<string, unknown> => typeof hit === 'object' && hit !== null) : [];
  return {
    sequence: chainSequence(row.sequence),
    createdAt: canonicalTimestamp(row.createdAt),
    decisionId: row.id,
    tenantId: row.tenantId,
    externalRef: row.externalRef,
    outcome: row.outcome,
    score: row.score,
    ruleIds: unique(hits.flatMap((hit) => (typeof hit.ruleId === 'string' ? [hit.ruleId] : []))),
    indicatorIds: unique(hits.flatMap((hit) => (Array.isArray(hit.indicatorIds) ? hit.indicatorIds.filter((id): id is string => typeof id === 'string') : []))),
    rulesetVersion: row.rulesetVersion,
    listVersions: toChainListVersions(row.listVersions),
    caseStatus: caseInfo?.status ?? null,
    caseDisposition: caseInfo?.disposition ?? null,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

const NEEDS_QUOTES = /[",\r\n]/;
/** What a spreadsheet reads as the start of a formula, and the apostrophe that neutralises it. */
const NEEDS_APOSTROPHE = /^[=+\-@\t\r']/;

/** A text cell a spreadsheet will not run: see the file comment. */
export const neutraliseCsvText = (text: string) => (NEEDS_APOSTROPHE.test(text) ? `'${text}` : text);

/** One RFC 4180 field: quoted when it holds a comma, quote or line break, or is empty; text neutralised. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = typeof value === 'string' ? neutraliseCsvText(value) : String(value);
  if (text === '' || NEEDS_QUOTES.test(text)) return `"${text.replaceAll('"', '""')}"`;
  return text;
}

/** List cells are never null, so an empty list is written as a bare empty field. */
function listCell(values: readonly string[]): string | null {
  return values.length === 0 ? null : values.join(';');
}

export function formatCsvRow(row: ExportRow): string {
  return `${[
    row.sequence,
    row.createdAt,
    row.decisionId,
    row.tenantId,
    row.externalRef,
    row.outcome,
    row.score,
    listCell(row.ruleIds),
    listCell(row.indicatorIds),
    row.rulesetVersion,
    listCell(row.listVersions.map((lv) => `${lv.source}@${lv.version}:${lv.contentDigest}`)),
    row.caseStatus,
    row.caseDisposition,
    row.prevHash,
    row.hash,
  ]
    .map(csvField)
    .join(',')}\r\n`;
}

export function formatNdjsonRow(row: ExportRow): string {
  // Built key by key so the byte layout does not depend on how the caller built the object.
  return `${JSON.stringify({
    sequence: row.sequence,
    createdAt: row.createdAt,
    decisionId: row.decisionId,
    tenantId: row.tenantId,
    externalRef: row.externalRef,
    outcome: row.outcome,
    score: row.score,
    ruleIds: row.ruleIds,
    indicatorIds: row.indicatorIds,
    rulesetVersion: row.rulesetVersion,
    listVersions: row.listVersions.map((lv) => ({ source: lv.source, version: lv.version, contentDigest: lv.contentDigest })),
    caseStatus: row.caseStatus,
    caseDisposition: row.caseDisposition,
    prevHash: row.prevHash,
    hash: row.hash,
  })}\n`;
}

export function manifestJson(manifest: ExportManifest): string {
  return JSON.stringify({
    format: manifest.format,
    formatVersion: manifest.formatVersion,
    rows: manifest.rows,
    firstHash: manifest.firstHash,
    lastHash: manifest.lastHash,
    bodySha256: manifest.bodySha256,
    filter: { from: manifest.filter.from, to: manifest.filter.to, outcome: manifest.filter.outcome },
    generatedAt: manifest.generatedAt,
    ...(manifest.tenantId !== undefined ? { tenantId: manifest.tenantId } : {}),
    ...(manifest.head !== undefined ? { head: manifest.head && { sequence: manifest.head.sequence, hash: manifest.head.hash } } : {}),
    ...(manifest.checkpoints !== undefined
      ? {
          checkpoints: manifest.checkpoints.map((c) => ({ tenantId: c.tenantId, sequence: c.sequence, hash: c.hash, signedAt: c.signedAt, keyId: c.keyId, signature: c.signature })),
        }
      : {}),
    ...(manifest.keys !== undefined ? { keys: manifest.keys.map((key) => ({ keyId: key.keyId, algorithm: key.algorithm, publicKey: key.publicKey })) } : {}),
  });
}

export function formatManifestLine(format: ExportFormat, manifest: ExportManifest): string {
  const json = manifestJson(manifest);
  return format === 'csv' ? `${CSV_MANIFEST_PREFIX}${csvField(json)}\r\n` : `${NDJSON_MANIFEST_PREFIX}${json}}\n`;
}

export type ParsedManifest = { ok: true; manifest: ExportManifest } | { ok: false; error: string };

/** Reads a manifest line (with or without its line end) in either format. */
export function parseManifestLine(format: ExportFormat, line: string): ParsedManifest {
  const text = line.replace(/\r?\n$/, '');
  let json: unknown;
  try {
    if (format === 'csv') {
      if (!text.startsWith(CSV_MANIFEST_PREFIX)) return { ok: false, error: `the line does not start with ${CSV_MANIFEST_PREFIX}` };
      const field = text.slice(CSV_MANIFEST_PREFIX.length);
      if (!/^"(?:[^"]|"")*"$/.test(field)) return { ok: false, error: 'the manifest field is not one quoted CSV field' };
      json = JSON.parse(field.slice(1, -1).replaceAll('""', '"'));
    } else {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || !('manifest' in parsed) || Object.keys(parsed).length !== 1) {
        return { ok: false, error: 'the line is not {"manifest": {...}}' };
      }
      json = parsed.manifest;
    }
  } catch (error) {
    return { ok: false, error: `the manifest is not valid JSON: ${(error as Error).message}` };
  }
  const result = exportManifestSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    return { ok: false, error: `the manifest is invalid at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'unknown'}` };
  }
  return { ok: true, manifest: result.data };
}
