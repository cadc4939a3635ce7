/**
 * Reads a redflag-json file (see `redflag-json.schema.ts`) into `ListEntry` values.
 *
 * Provenance goes into `attributes`, so every consumer sees it without knowing the format:
 * - `confidence`: `high` | `low` (derived: `low` when every source is [T]; such an entry must
 *   never block on its own),
 * - `reliability`: the best tag among the sources (`P` > `S` > `T`),
 * - `reliabilityTags`: all tags, e.g. `P,S`,
 * - `sources`: `document date [tag] (note); …`.
 */
import type { z } from 'zod';
import type { ListEntry, ListIdentifier, ListName } from '../domain/lists/list-entry.js';
import type { ReliabilityTag } from '../domain/indicators/indicator.schema.js';
import { normalizeIdentifier } from './redflag-json.normalize.js';
import { findUnstorableText } from '../shared/storable-text.js';
import { MAX_RECORD_BYTES, NAME_TOO_LONG, overlongName, RECORD_TOO_LARGE } from './list-limits.js';
import {
  deriveConfidence,
  type RedflagJsonEntry,
  type RedflagJsonSource,
  redflagJsonFileSchema,
} from './redflag-json.schema.js';

export interface RedflagJsonInputFile {
  /** File name, used in error messages only. */
  name: string;
  text: string;
}

export interface RedflagJsonIssue {
  /** Field path in the file, e.g. `entries[3].sources[0].reliability`; `(root)` for the file itself. */
  path: string;
  /** Index into `entries` when the issue is inside an entry. */
  entryIndex?: number;
  /** The entry's `sourceId`, when it could be read. */
  sourceId?: string;
  message: string;
}

/** A redflag-json file that is not JSON or does not match the schema. */
export class RedflagJsonError extends Error {
  readonly fileName: string;
  readonly issues: readonly RedflagJsonIssue[];

  constructor(fileName: string, issues: readonly RedflagJsonIssue[]) {
    const shown = issues.slice(0, 5).map(describeIssue).join('; ');
    const more = issues.length > 5 ? `; … and ${issues.length - 5} more` : '';
    super(`${fileName}: invalid redflag-json: ${shown}${more}`);
    this.name = 'RedflagJsonError';
    this.fileName = fileName;
    this.issues = issues;
  }
}

function describeIssue(issue: RedflagJsonIssue): string {
  const where = issue.sourceId !== undefined ? `${issue.path} (${issue.sourceId})` : issue.path;
  return `${where}: ${issue.message}`;
}

export interface RedflagJsonDocument {
  source: string;
  version: number;
  generatedAt: string;
  description?: string;
  entries: ListEntry[];
}

const RELIABILITY_RANK: Readonly<Record<ReliabilityTag, number>> = { P: 0, S: 1, T: 2 };
/** Letters outside the Latin script (Hangul, Han, kana, Cyrillic, …) mark an original-script name. */
const NON_LATIN_LETTER = /(?![\p{Script=Latin}])\p{L}/u;

/** `entries[3].sources[0].reliability` from zod's path array. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out === '' ? '(root)' : out;
}

function toIssues(error: z.ZodError, raw: unknown): RedflagJsonIssue[] {
  const rawEntries =
    typeof raw === 'object' && raw !== null && Array.isArray((raw as { entries?: unknown }).entries)
      ? ((raw as { entries: unknown[] }).entries)
      : [];
  return error.issues.map((issue) => {
    const result: RedflagJsonIssue = { path: formatPath(issue.path), message: issue.message };
    if (issue.path[0] === 'entries' && typeof issue.path[1] === 'number') {
      result.entryIndex = issue.path[1];
      const rawEntry = rawEntries[issue.path[1]];
      const sourceId =
        typeof rawEntry === 'object' && rawEntry !== null ? (rawEntry as { sourceId?: unknown }).sourceId : undefined;
      if (typeof sourceId === 'string') result.sourceId = sourceId;
    }
    return result;
  });
}

/** Line and column (1-based) of a character offset, for JSON syntax errors. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

function parseJson(file: RedflagJsonInputFile): unknown {
  const text = file.text.charCodeAt(0) === 0xfeff ? file.text.slice(1) : file.text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message);
    const where = position?.[1] !== undefined ? lineAndColumn(text, Number(position[1])) : undefined;
    throw new RedflagJsonError(file.name, [
      {
        path: '(root)',
        message: `not valid JSON${where ? ` at line ${where.line}, column ${where.column}` : ''}: ${message}`,
      },
    ]);
  }
  const unstorable = findUnstorableText(parsed);
  if (unstorable) {
    throw new RedflagJsonError(file.name, [
      { path: unstorable.field, message: unstorable.reason === 'nul' ? 'text must not contain NUL (\\u0000)' : 'text has an unpaired UTF-16 surrogate escape; it is not valid Unicode' },
    ]);
  }
  return parsed;
}

function scriptOf(name: string): 'latin' | 'original' {
  return NON_LATIN_LETTER.test(name) ? 'original' : 'latin';
}

function describeSource(source: RedflagJsonSource): string {
  const date = source.date ?? 'undated';
  const note = source.note !== undefined ? ` (${source.note})` : '';
  return `${source.document} ${date} [${source.reliability}]${note}`;
}

function toListEntry(entry: RedflagJsonEntry): ListEntry {
  const names: ListName[] = [
    { full: entry.name, kind: 'primary', strength: 'strong', script: entry.nameScript ?? scriptOf(entry.name) },
    ...entry.aliases.map(
      (alias): ListName => ({
        full: alias.name,
        kind: alias.kind,
        strength: alias.strength,
        script: alias.script ?? scriptOf(alias.name),
      }),
    ),
  ];
  const identifiers = entry.identifiers.map((identifier): ListIdentifier => {
    const value = identifier.value.trim();
    return {
      kind: identifier.kind,
      value,
      normalized: normalizeIdentifier(identifier.kind, value),
      ...(identifier.currency !== undefined ? { currency: identifier.currency } : {}),
      ...(identifier.country !== undefined ? { country: identifier.country } : {}),
      ...(identifier.note !== undefined ? { note: identifier.note } : {}),
    };
  });
  const tags = [...new Set(entry.sources.map((source) => source.reliability))].sort(
    (a, b) => RELIABILITY_RANK[a] - RELIABILITY_RANK[b],
  );
  return {
    sourceId: entry.sourceId,
    type: entry.type,
    name: entry.name,
    names,
    programs: entry.programs,
    birthDates: entry.birthDates.map((date) => ({
      value: date.value,
      ...(date.to !== undefined ? { to: date.to } : {}),
      ...(date.circa !== undefined ? { circa: date.circa } : {}),
    })),
    birthPlaces: entry.birthPlaces,
    nationalities: entry.nationalities,
    citizenships: entry.citizenships,
    addresses: entry.addresses.map((address) => ({ ...address })),
    identifiers,
    ...(entry.remarks !== undefined ? { remarks: entry.remarks } : {}),
    ...(entry.listedOn !== undefined ? { listedOn: entry.listedOn } : {}),
    attributes: {
      ...entry.attributes,
      confidence: deriveConfidence(tags),
      reliability: tags[0] ?? 'T',
      reliabilityTags: tags.join(','),
      sources: entry.sources.map(describeSource).join('; '),
    },
  };
}

/** Validates a redflag-json file and returns its header and entries. Throws `RedflagJsonError`. */
export function readRedflagJson(file: RedflagJsonInputFile): RedflagJsonDocument {
  const raw = parseJson(file);
  const parsed = redflagJsonFileSchema.safeParse(raw);
  if (!parsed.success) throw new RedflagJsonError(file.name, toIssues(parsed.error, raw));
  const { data } = parsed;
  const entries = data.entries.map(toListEntry);
  const issues = entries.flatMap((entry, index): RedflagJsonIssue[] => {
    const size = Buffer.byteLength(JSON.stringify(data.entries[index]));
    if (size > MAX_RECORD_BYTES) return [{ path: `/entries/${index}`, entryIndex: index, sourceId: entry.sourceId, message: RECORD_TOO_LARGE }];
    return overlongName(entry) === undefined ? [] : [{ path: `/entries/${index}`, entryIndex: index, sourceId: entry.sourceId, message: NAME_TOO_LONG }];
  });
  if (issues.length > 0) throw new RedflagJsonError(file.name, issues);
  return {
    source: data.source,
    version: data.version,
    generatedAt: data.generatedAt,
    ...(data.description !== undefined ? { description: data.description } : {}),
    entries,
  };
}

/** Validates a redflag-json file and returns its entries as `ListEntry` values. Throws `RedflagJsonError`. */
export function parseRedflagJson(file: RedflagJsonInputFile): ListEntry[] {
  return readRedflagJson(file).entries;
}
