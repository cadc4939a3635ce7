/**
 * "redflag-json": our own list file format, used for the curated list `redflag-curated`
 * (`seed/redflag-curated.json`) and any other hand-maintained list.
 *
 * An entry carries what `ListEntry` carries (names, identifiers, addresses, …) plus provenance:
 * the documents it rests on, each with its date and reliability tag (P/S/T), and a confidence
 * derived from them: `high` when any source is [P] or [S], `low` when every source is [T]
 * (third-party leads that must never block on their own).
 *
 * `seed/redflag-json.schema.json` is generated from `redflagJsonFileSchema` by
 * `scripts/curated-schema.ts`; a test fails when the committed file drifts.
 */
import { z } from 'zod';
import {
  ENTRY_TYPES,
  IDENTIFIER_KINDS,
  NAME_STRENGTHS,
} from '../domain/lists/list-entry.js';
import { isoPartialDateSchema, RELIABILITY_TAGS, type ReliabilityTag } from '../domain/indicators/indicator.schema.js';

export const REDFLAG_JSON_FORMAT = 'redflag-json';
export const REDFLAG_JSON_VERSION = 1;
export const CURATED_LIST_SOURCE = 'redflag-curated';

export const CONFIDENCE_LEVELS = ['high', 'low'] as const;
export type Confidence = (typeof CONFIDENCE_LEVELS)[number];

/** Attribute keys the parser sets itself from the provenance; a file must not set them. */
export const RESERVED_ATTRIBUTE_KEYS = ['confidence', 'reliability', 'sources', 'reliabilityTags'] as const;

/** `high` when any source is [P] or [S]; `low` when all are [T]. */
export function deriveConfidence(reliabilities: readonly ReliabilityTag[]): Confidence {
  return reliabilities.some((tag) => tag === 'P' || tag === 'S') ? 'high' : 'low';
}

const text = z.string().trim().min(1);
const countryCode = z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 code');
const ETH_STYLE_ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DOMAIN = /^(?=.{1,253}$)(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}$/;
const PHONE = /^\+?[0-9][0-9 ().-]{4,}$/;

export const redflagJsonSourceSchema = z
  .strictObject({
    /** A catalogue source key (`OFAC`, `DOJ`, `US22`, …) or a document title. */
    document: text,
    /** `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; `null` when the source gives no date (say why in `note`). */
    date: isoPartialDateSchema.nullable(),
    reliability: z
      .enum(RELIABILITY_TAGS)
      .describe('P primary (government text or full mirror), S secondary (press, law-firm note), T third party (lead to verify)'),
    note: text.optional(),
  })
  .meta({ description: 'A document an entry rests on, with its reliability tag: P primary, S secondary, T third party' });

export const redflagJsonAliasSchema = z.strictObject({
  name: text,
  kind: z.enum(['aka', 'fka', 'nka']).default('aka'),
  strength: z.enum(NAME_STRENGTHS).default('strong'),
  /** `original` for names in their original script (Hangul, Hanzi, Cyrillic); inferred when absent. */
  script: z.enum(['latin', 'original']).optional(),
});

export const redflagJsonDateSchema = z.strictObject({
  value: isoPartialDateSchema,
  to: isoPartialDateSchema.optional(),
  circa: z.boolean().optional(),
});

export const redflagJsonAddressSchema = z
  .strictObject({
    line: text.optional(),
    city: text.optional(),
    region: text.optional(),
    postalCode: text.optional(),
    country: countryCode.optional(),
    countryName: text.optional(),
  })
  .refine((address) => Object.keys(address).length > 0, { message: 'an address needs at least one field' });

export const redflagJsonIdentifierSchema = z
  .strictObject({
    // Link keys are a watchlist's own form (keyed hashes); a list publishes values.
    kind: z.enum(IDENTIFIER_KINDS).exclude(['link_key']),
    /** As the source writes it; the parser derives `normalized`. */
    value: text,
    /** Wallets only: the currency code (ETH, XBT, TRX, USDT, …). */
    currency: z
      .string()
      .regex(/^[A-Z0-9]{2,10}$/, 'expected an upper-case currency code')
      .optional(),
    country: countryCode.optional(),
    note: text.optional(),
  })
  .superRefine((identifier, ctx) => {
    const bad = (message: string, path: string = 'value') => ctx.addIssue({ code: 'custom', path: [path], message });
    if (identifier.kind === 'wallet' && identifier.currency === undefined) bad('a wallet needs a currency', 'currency');
    if (identifier.kind !== 'wallet' && identifier.currency !== undefined) bad('only wallets have a currency', 'currency');
    if (identifier.kind === 'wallet' && identifier.currency === 'ETH' && !ETH_STYLE_ADDRESS.test(identifier.value.trim())) {
      bad('an ETH address is 0x followed by 40 hex digits');
    }
    if (identifier.kind === 'email' && !EMAIL.test(identifier.value.trim())) bad('not an e-mail address');
    if (identifier.kind === 'domain' && !DOMAIN.test(identifier.value.trim())) bad('not a domain name');
    if (identifier.kind === 'phone' && !PHONE.test(identifier.value.trim())) bad('not a phone number');
  });

export const redflagJsonEntrySchema = z
  .strictObject({
    /** Stable curated id, `RF-0001` …; never reused. */
    sourceId: z
      .string()
      .regex(/^RF-\d{4,}$/, 'expected RF- followed by at least 4 digits')
      .describe('Stable curated id (RF-0001, …), never reused'),
    type: z.enum(ENTRY_TYPES),
    /** Primary name as the source publishes it. */
    name: text,
    /** Script of the primary name; inferred when absent. */
    nameScript: z.enum(['latin', 'original']).optional(),
    aliases: z.array(redflagJsonAliasSchema).default([]),
    programs: z.array(text).default([]),
    birthDates: z.array(redflagJsonDateSchema).default([]),
    birthPlaces: z.array(text).default([]),
    nationalities: z.array(countryCode).default([]),
    citizenships: z.array(countryCode).default([]),
    addresses: z.array(redflagJsonAddressSchema).default([]),
    identifiers: z.array(redflagJsonIdentifierSchema).default([]),
    remarks: text.optional(),
    /** Date of designation or listing, `YYYY-MM-DD`, when there is one. */
    listedOn: z.iso.date().optional(),
    sources: z.array(redflagJsonSourceSchema).min(1).describe('The documents the entry rests on'),
    /** Optional in the file; when present it must equal the confidence derived from `sources`. */
    confidence: z
      .enum(CONFIDENCE_LEVELS)
      .optional()
      .describe('Derived from sources: high when any source is P or S, low when all are T (never blocks on its own)'),
    /** Extras shown to reviewers (`ofacEntNum`, `unRef`, `category`, `relatedSourceId`, …). */
    attributes: z.record(z.string().regex(/^[a-z][A-Za-z0-9]*$/, 'expected a camelCase key'), z.string()).default({}),
  })
  .superRefine((entry, ctx) => {
    const derived = deriveConfidence(entry.sources.map((source) => source.reliability));
    if (entry.confidence !== undefined && entry.confidence !== derived) {
      ctx.addIssue({
        code: 'custom',
        path: ['confidence'],
        message: `declared confidence "${entry.confidence}" but the sources give "${derived}" (high needs a [P] or [S] source)`,
      });
    }
    for (const key of RESERVED_ATTRIBUTE_KEYS) {
      if (key in entry.attributes) {
        ctx.addIssue({ code: 'custom', path: ['attributes', key], message: `"${key}" is set by the parser from sources` });
      }
    }
    entry.sources.forEach((source, index) => {
      if (source.date === null && source.note === undefined) {
        ctx.addIssue({ code: 'custom', path: ['sources', index, 'note'], message: 'a source without a date needs a note' });
      }
    });
  });

export const redflagJsonFileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    format: z.literal(REDFLAG_JSON_FORMAT),
    version: z.literal(REDFLAG_JSON_VERSION),
    /** List source id, e.g. `redflag-curated`. */
    source: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'expected a lower-case slug'),
    /** When the file was produced (UTC, ISO-8601). */
    generatedAt: z.iso.datetime(),
    description: text.optional(),
    entries: z.array(redflagJsonEntrySchema),
  })
  .superRefine((file, ctx) => {
    const seen = new Map<string, number>();
    file.entries.forEach((entry, index) => {
      const first = seen.get(entry.sourceId);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['entries', index, 'sourceId'],
          message: `duplicate sourceId ${entry.sourceId} (first at entries[${first}])`,
        });
      } else {
        seen.set(entry.sourceId, index);
      }
    });
  })
  .meta({
    title: 'redflag-json',
    description:
      'redflag curated list file: list entries (names, identifiers, addresses) with provenance (source documents, dates, P/S/T reliability) and derived confidence',
  });

export type RedflagJsonFile = z.infer<typeof redflagJsonFileSchema>;
export type RedflagJsonFileInput = z.input<typeof redflagJsonFileSchema>;
export type RedflagJsonEntry = z.infer<typeof redflagJsonEntrySchema>;
export type RedflagJsonSource = z.infer<typeof redflagJsonSourceSchema>;

/**
 * The JSON Schema of the file format (draft 2020-12, input shape: fields with defaults are
 * optional). Refinements (confidence check, unique ids, wallet currency) are not expressible
 * there and are enforced by `parseRedflagJson` only.
 */
export function redflagJsonJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(redflagJsonFileSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
}

/** The committed text of `seed/redflag-json.schema.json`. */
export function redflagJsonJsonSchemaText(): string {
  return `${JSON.stringify(redflagJsonJsonSchema(), null, 2)}\n`;
}
