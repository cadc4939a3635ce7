/**
 * Canonical form of one link of the tamper-evident decision log (issue #6).
 *
 * Each decision is sealed with `hash = SHA-256(canonicalChainPayload(record))`, where the record
 * carries the previous decision's hash, so altering, deleting or reordering a stored decision
 * breaks the chain from that point on. The chain is per tenant and ordered by a per-tenant
 * `sequence` (1, 2, 3, …); the genesis record links to 64 zeros.
 *
 * Canonical-form rules (format version 1; change any of them only with a new version):
 * - JSON text per RFC 8785 (sorted keys, no whitespace, fixed string escaping), UTF-8 bytes.
 *   Strings are hashed exactly as stored: no Unicode normalisation, so NFC and NFD spellings
 *   of the same name are different records (the database keeps them apart too).
 * - Every number in the payload is a safe integer. Scores and points are integers already;
 *   a hit's `similarity` (0..1, rounded to 3 decimals by the evaluator) becomes
 *   `similarityMilli` (integer thousandths). A similarity with more precision is refused
 *   rather than rounded, so a tampered 4th decimal cannot hide behind rounding.
 * - Times are UTC ISO-8601 with exactly three fraction digits (`2025-01-31T09:15:00.000Z`);
 *   PostgreSQL's text form is accepted on input and normalised. Sub-millisecond digits are
 *   refused: the insert path must store millisecond times so the stored value is the hashed one.
 * - Optional values are always present, as `null` when absent (absent and null are the same
 *   thing in this form); a hit's `forcesBlock` is `false` when absent.
 * - Array order is kept where it carries meaning (hits: the first name hit is the scoring one;
 *   indicator ids as the rule lists them). `listVersions` is a set and is sorted by source,
 *   then version, so the order a snapshot happened to list them in does not matter.
 * - The input is never hashed, only its digest: inputs may be erased under the retention
 *   policy and the chain must still verify.
 * - Hit keys without a fixed form here (today `explanation`; tomorrow any new field until it
 *   gets one) are hashed as `opaqueDigest`, the SHA-256 of their RFC 8785 JSON. RFC 8785 fixes
 *   the spelling of the explanation's 4-decimal numbers, and the payload stays small and free
 *   of floats however large the explanation grows.
 *
 * Pure: the SHA-256 function is injected (`src/audit/node-sha256.ts` supplies node:crypto's).
 */
import canonicalize from 'canonicalize';
import { OUTCOMES, type Outcome } from '../rules/ruleset.js';

export const CHAIN_FORMAT_VERSION = 1;

/** prevHash of a tenant's first decision. */
export const GENESIS_PREV_HASH = '0'.repeat(64);

/** SHA-256 of the UTF-8 bytes of `text`, as 64 lowercase hex digits. */
export type Sha256Hex = (text: string) => string;

export interface ChainListVersion {
  source: string;
  version: number;
  contentDigest: string;
}

export interface ChainHitEntry {
  id: string;
  source: string;
  sourceId: string;
  name: string;
}

/** A hit in canonical form: fixed keys, integers only. */
export interface ChainHit {
  ruleId: string;
  ruleVersion: number;
  indicatorIds: string[];
  points: number;
  field: string;
  value: string | null;
  entry: ChainHitEntry | null;
  /** `similarity` × 1000, an integer; null when the hit has no similarity. */
  similarityMilli: number | null;
  related: string[] | null;
  forcesBlock: boolean;
  /** SHA-256 of the RFC 8785 JSON of the hit's other keys (the explanation); null when none. */
  opaqueDigest: string | null;
}

/** Exactly the fields that are hashed for one decision. */
export interface ChainRecord {
  tenantId: string;
  sequence: number;
  id: string;
  createdAt: string;
  externalRef: string | null;
  outcome: Outcome;
  score: number;
  hits: ChainHit[];
  rulesetVersion: number;
  listVersions: ChainListVersion[];
  inputDigest: string;
  prevHash: string;
}

/**
 * A decision as the service holds it before sealing, or as read back from the database.
 * `hits` and `listVersions` are `unknown` because they come from JSON columns: they are
 * checked, not trusted.
 */
export interface ChainableDecision {
  id: string;
  tenantId: string;
  createdAt: string | Date;
  externalRef: string | null;
  outcome: string;
  score: number;
  hits: unknown;
  rulesetVersion: number;
  listVersions: unknown;
  inputDigest: string;
}

/** Where a decision sits in its tenant's chain. */
export interface ChainLink {
  sequence: number;
  prevHash: string;
}

/** The last sealed decision of a chain (or of a verified range). */
export interface ChainHead {
  sequence: number;
  hash: string;
}

/**
 * A stored decision with its chain columns. `sequence` may arrive as a string or bigint from
 * a `bigint` column; it is checked to be a safe integer. Other columns (the erasable `input`,
 * the idempotency key) may be present and are ignored.
 */
export interface StoredChainRow extends ChainableDecision {
  sequence: number | bigint | string;
  prevHash: string;
  hash: string;
}

/** The decision cannot be put in canonical form: refused when sealing, a break when verifying. */
export class ChainFormatError extends Error {
  override readonly name = 'ChainFormatError';
}

const HEX64 = /^[0-9a-f]{64}$/;

function fail(message: string): never {
  throw new ChainFormatError(message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function safeInteger(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) fail(`${what} must be a safe integer, got ${String(value)}`);
  return value;
}

function string(value: unknown, what: string): string {
  if (typeof value !== 'string') fail(`${what} must be a string`);
  return value;
}

function optionalString(value: unknown, what: string): string | null {
  return value === undefined || value === null ? null : string(value, what);
}

function stringArray(value: unknown, what: string): string[] {
  if (!Array.isArray(value)) fail(`${what} must be an array of strings`);
  return value.map((item, index) => string(item, `${what}[${index}]`));
}

function hex64(value: unknown, what: string): string {
  if (typeof value !== 'string' || !HEX64.test(value)) fail(`${what} must be 64 lowercase hex digits`);
  return value;
}

/** Accepts a number, a decimal string or a bigint (a `bigint` column read by node-postgres). */
export function chainSequence(value: unknown): number {
  const number =
    typeof value === 'bigint' ? Number(value) : typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : value;
  const sequence = safeInteger(number, 'sequence');
  if (sequence < 1) fail(`sequence must be at least 1, got ${sequence}`);
  return sequence;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2})?)$/i;

/**
 * Normalises an ISO-8601 time or PostgreSQL's `timestamptz` text (`2025-01-31 09:15:00.123+00`)
 * to `YYYY-MM-DDTHH:mm:ss.sssZ`. Parsed by hand because `Date` parsing of non-ISO text varies
 * between engines, and a verifier in another language must get the same string.
 */
export function canonicalTimestamp(value: string | Date): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) fail('createdAt is an invalid Date');
    return value.toISOString();
  }
  const match = TIMESTAMP.exec(value);
  if (!match) fail(`createdAt is not an ISO-8601 time: ${value}`);
  const [, year, month, day, hour, minute, second, fraction = '', zone = 'Z'] = match;
  if (/[1-9]/.test(fraction.slice(3))) fail(`createdAt has sub-millisecond precision: ${value}`);
  const millis = Number(fraction.slice(0, 3).padEnd(3, '0'));
  let offsetMinutes = 0;
  if (zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0')) * (zone.startsWith('-') ? -1 : 1);
  }
  const [y, mo, d, h, mi, s] = [year, month, day, hour, minute, second].map(Number) as [number, number, number, number, number, number];
  const utc = new Date(Date.UTC(y, mo - 1, d, h, mi, s, millis));
  // Date.UTC rolls 2025-02-30 over into March (and maps years below 100 to 19xx): compare back.
  const parts = [utc.getUTCFullYear(), utc.getUTCMonth() + 1, utc.getUTCDate(), utc.getUTCHours(), utc.getUTCMinutes(), utc.getUTCSeconds()];
  if (parts.join() !== [y, mo, d, h, mi, s].join()) fail(`createdAt is not a valid date: ${value}`);
  return new Date(utc.getTime() - offsetMinutes * 60_000).toISOString();
}

function chainOutcome(value: unknown): Outcome {
  if (!(OUTCOMES as readonly unknown[]).includes(value)) fail(`outcome must be one of ${OUTCOMES.join(', ')}, got ${String(value)}`);
  return value as Outcome;
}

function similarityMilli(value: unknown, what: string): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(`${what} must be a number`);
  const milli = Math.round(value * 1000);
  // Exactly the value the evaluator's Math.round(x * 1000) / 1000 produces, or refused.
  if (milli / 1000 !== value) fail(`${what} has more than 3 decimals: ${value}`);
  return milli;
}

const ENTRY_KEYS = new Set(['id', 'source', 'sourceId', 'name']);

function chainHitEntry(value: unknown, what: string): ChainHitEntry | null {
  if (value === undefined || value === null) return null;
  if (!isRecord(value)) fail(`${what} must be an object`);
  for (const key of Object.keys(value)) {
    // The list-entry reference is a fixed shape: a new key needs a new chain format version.
    if (!ENTRY_KEYS.has(key) && value[key] !== undefined) fail(`${what} has an unexpected key "${key}"`);
  }
  return {
    id: string(value.id, `${what}.id`),
    source: string(value.source, `${what}.source`),
    sourceId: string(value.sourceId, `${what}.sourceId`),
    name: string(value.name, `${what}.name`),
  };
}

const FIXED_HIT_KEYS = new Set(['ruleId', 'ruleVersion', 'indicatorIds', 'points', 'field', 'value', 'entry', 'similarity', 'related', 'forcesBlock']);

function canonicalText(value: unknown): string {
  let text: string | undefined;
  try {
    text = canonicalize(value);
  } catch (error) {
    // canonicalize refuses NaN, Infinity, lone surrogates and cycles.
    fail(`value has no RFC 8785 form: ${(error as Error).message}`);
  }
  if (text === undefined) fail('value has no RFC 8785 form');
  return text;
}

function chainHit(value: unknown, index: number, sha256: Sha256Hex): ChainHit {
  const what = `hits[${index}]`;
  if (!isRecord(value)) fail(`${what} must be an object`);
  const forcesBlock = value.forcesBlock;
  if (forcesBlock !== undefined && forcesBlock !== null && typeof forcesBlock !== 'boolean') fail(`${what}.forcesBlock must be a boolean`);
  const opaque: Record<string, unknown> = {};
  let hasOpaque = false;
  for (const key of Object.keys(value)) {
    // Undefined values vanish when the hits are stored as JSON, so they must not count here.
    if (FIXED_HIT_KEYS.has(key) || value[key] === undefined) continue;
    opaque[key] = value[key];
    hasOpaque = true;
  }
  return {
    ruleId: string(value.ruleId, `${what}.ruleId`),
    ruleVersion: safeInteger(value.ruleVersion, `${what}.ruleVersion`),
    indicatorIds: stringArray(value.indicatorIds, `${what}.indicatorIds`),
    points: safeInteger(value.points, `${what}.points`),
    field: string(value.field, `${what}.field`),
    value: optionalString(value.value, `${what}.value`),
    entry: chainHitEntry(value.entry, `${what}.entry`),
    similarityMilli: similarityMilli(value.similarity, `${what}.similarity`),
    related: value.related === undefined || value.related === null ? null : stringArray(value.related, `${what}.related`),
    forcesBlock: forcesBlock === true,
    opaqueDigest: hasOpaque ? sha256(canonicalText(opaque)) : null,
  };
}

/** Puts stored hits (a JSON column) in canonical form; throws ChainFormatError when they do not fit. */
export function toChainHits(hits: unknown, sha256: Sha256Hex): ChainHit[] {
  if (!Array.isArray(hits)) fail('hits must be an array');
  return hits.map((hit, index) => chainHit(hit, index, sha256));
}

function compareListVersions(a: ChainListVersion, b: ChainListVersion): number {
  if (a.source !== b.source) return a.source < b.source ? -1 : 1;
  if (a.version !== b.version) return a.version - b.version;
  return a.contentDigest < b.contentDigest ? -1 : a.contentDigest > b.contentDigest ? 1 : 0;
}

/**
 * Keeps source, version and content digest. The list version's row id is a surrogate key for
 * the same (source, version) and is deliberately not hashed; the digest pins the content.
 */
export function toChainListVersions(listVersions: unknown): ChainListVersion[] {
  if (!Array.isArray(listVersions)) fail('listVersions must be an array');
  return listVersions
    .map((item: unknown, index): ChainListVersion => {
      const what = `listVersions[${index}]`;
      if (!isRecord(item)) fail(`${what} must be an object`);
      return {
        source: string(item.source, `${what}.source`),
        version: safeInteger(item.version, `${what}.version`),
        contentDigest: string(item.contentDigest, `${what}.contentDigest`),
      };
    })
    .sort(compareListVersions);
}

/**
 * Builds the hashed record of a decision at a given place in the chain. Throws ChainFormatError
 * when a value has no canonical form (a float score, a 4-decimal similarity, a bad time):
 * sealing must refuse such a decision rather than hash something the database will not return.
 */
export function toChainRecord(decision: ChainableDecision, link: ChainLink, sha256: Sha256Hex): ChainRecord {
  const score = safeInteger(decision.score, 'score');
  if (score < 0 || score > 100) fail(`score must be 0..100, got ${score}`);
  return {
    tenantId: string(decision.tenantId, 'tenantId').toLowerCase(),
    sequence: chainSequence(link.sequence),
    id: string(decision.id, 'id').toLowerCase(),
    createdAt: canonicalTimestamp(decision.createdAt),
    externalRef: optionalString(decision.externalRef, 'externalRef'),
    outcome: chainOutcome(decision.outcome),
    score,
    hits: toChainHits(decision.hits, sha256),
    rulesetVersion: safeInteger(decision.rulesetVersion, 'rulesetVersion'),
    listVersions: toChainListVersions(decision.listVersions),
    inputDigest: hex64(decision.inputDigest, 'inputDigest'),
    prevHash: hex64(link.prevHash, 'prevHash'),
  };
}

// Paired surrogates form one code point under the u flag, so this matches lone ones only.
const LONE_SURROGATE = /[\ud800-\udfff]/u;

function jsonString(value: string): string {
  if (LONE_SURROGATE.test(value)) fail('a string has a lone surrogate, which has no RFC 8785 form');
  // RFC 8785 serialises strings exactly as ECMAScript JSON.stringify does.
  return JSON.stringify(value);
}

function jsonStringOrNull(value: string | null): string {
  return value === null ? 'null' : jsonString(value);
}

function jsonInteger(value: number, what: string): string {
  return String(safeInteger(value, what));
}

function jsonStrings(values: readonly string[]): string {
  return `[${values.map(jsonString).join(',')}]`;
}

function hitJson(hit: ChainHit): string {
  const entry = hit.entry
    ? `{"id":${jsonString(hit.entry.id)},"name":${jsonString(hit.entry.name)},"source":${jsonString(hit.entry.source)},"sourceId":${jsonString(hit.entry.sourceId)}}`
    : 'null';
  return (
    `{"entry":${entry},"field":${jsonString(hit.field)},"forcesBlock":${hit.forcesBlock ? 'true' : 'false'},` +
    `"indicatorIds":${jsonStrings(hit.indicatorIds)},"opaqueDigest":${jsonStringOrNull(hit.opaqueDigest)},` +
    `"points":${jsonInteger(hit.points, 'points')},"related":${hit.related ? jsonStrings(hit.related) : 'null'},` +
    `"ruleId":${jsonString(hit.ruleId)},"ruleVersion":${jsonInteger(hit.ruleVersion, 'ruleVersion')},` +
    `"similarityMilli":${hit.similarityMilli === null ? 'null' : jsonInteger(hit.similarityMilli, 'similarityMilli')},` +
    `"value":${jsonStringOrNull(hit.value)}}`
  );
}

function listVersionJson(listVersion: ChainListVersion): string {
  return `{"contentDigest":${jsonString(listVersion.contentDigest)},"source":${jsonString(listVersion.source)},"version":${jsonInteger(listVersion.version, 'version')}}`;
}

/**
 * The exact text that is hashed: RFC 8785 JSON of the record plus the format version `v`.
 *
 * Written out by hand for this one fixed shape, keys already in RFC 8785 order: it runs for
 * every row of a million-row verification, and a generic canonicaliser (sorting keys, walking
 * values) costs several times more. A test checks it against the `canonicalize` package on
 * random records; all numbers must be safe integers, so the number rule is just String(n).
 */
export function canonicalChainPayload(record: ChainRecord): string {
  return (
    `{"createdAt":${jsonString(record.createdAt)},"externalRef":${jsonStringOrNull(record.externalRef)},` +
    `"hits":[${record.hits.map(hitJson).join(',')}],"id":${jsonString(record.id)},"inputDigest":${jsonString(record.inputDigest)},` +
    `"listVersions":[${record.listVersions.map(listVersionJson).join(',')}],"outcome":${jsonString(record.outcome)},` +
    `"prevHash":${jsonString(record.prevHash)},"rulesetVersion":${jsonInteger(record.rulesetVersion, 'rulesetVersion')},` +
    `"score":${jsonInteger(record.score, 'score')},"sequence":${jsonInteger(record.sequence, 'sequence')},` +
    `"tenantId":${jsonString(record.tenantId)},"v":${CHAIN_FORMAT_VERSION}}`
  );
}

export function computeChainHash(record: ChainRecord, sha256: Sha256Hex): string {
  return sha256(canonicalChainPayload(record));
}

/** The link that follows `previous` (null: the tenant has no decision yet). */
export function nextChainLink(previous: ChainHead | null): ChainLink {
  return previous ? { sequence: previous.sequence + 1, prevHash: previous.hash } : { sequence: 1, prevHash: GENESIS_PREV_HASH };
}

export interface SealedDecision extends ChainLink {
  hash: string;
  record: ChainRecord;
}

/**
 * Chain columns for a new decision, given its tenant's current head (read under a lock in the
 * insert transaction). Throws ChainFormatError when the decision has no canonical form.
 */
export function sealDecision(decision: ChainableDecision, previous: ChainHead | null, sha256: Sha256Hex): SealedDecision {
  const link = nextChainLink(previous);
  const record = toChainRecord(decision, link, sha256);
  return { sequence: record.sequence, prevHash: record.prevHash, hash: computeChainHash(record, sha256), record };
}
