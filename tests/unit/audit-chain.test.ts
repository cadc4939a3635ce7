import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { nodeSha256 } from '../../src/audit/node-sha256.js';
import {
  CHAIN_FORMAT_VERSION,
  ChainFormatError,
  GENESIS_PREV_HASH,
  canonicalChainPayload,
  canonicalTimestamp,
  computeChainHash,
  sealDecision,
  toChainRecord,
  type ChainableDecision,
  type StoredChainRow,
} from '../../src/domain/audit/chain-record.js';
import { createChainVerifier, verifyChain } from '../../src/domain/audit/chain-verify.js';
import { EXPLANATION, TENANT, chainOf, decision, nameHit, sealChain } from './audit-fixtures.js';

const LINK = { sequence: 1, prevHash: GENESIS_PREV_HASH };
const payloadOf = (item: ChainableDecision) => canonicalChainPayload(toChainRecord(item, LINK, nodeSha256));
const hashOf = (item: ChainableDecision) => computeChainHash(toChainRecord(item, LINK, nodeSha256), nodeSha256);
const verify = (rows: Iterable<StoredChainRow> | AsyncIterable<StoredChainRow>, options = {}) => verifyChain(rows, { sha256: nodeSha256, ...options });

function reversedKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reversedKeys) as T;
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([key, item]) => [key, reversedKeys(item)])) as T;
}

describe('canonical chain payload', () => {
  test('golden payload and hash of format version 1 (a change here is a chain format change)', () => {
    const item = decision(2, { externalRef: 'Ref, "quoted" 김정은' });
    expect(CHAIN_FORMAT_VERSION).toBe(1);
    const payload = payloadOf(item);
    expect(payload).toBe(
      '{"createdAt":"2025-01-31T09:00:03.000Z","externalRef":"Ref, \\"quoted\\" 김정은",' +
        '"hits":[{"entry":{"id":"01890a5d-0000-7000-8000-000000000001","name":"KIM, Jong Un","source":"ofac-sdn","sourceId":"12345"},' +
        '"field":"/subject/name","forcesBlock":false,"indicatorIds":["ofac-sdn-match","un-1718-match"],' +
        `"opaqueDigest":"${nodeSha256(JSON.stringify({ explanation: sortKeysDeep(EXPLANATION) }))}",` +
        '"points":91,"related":null,"ruleId":"sanctions-name-match","ruleVersion":1,"similarityMilli":912,"value":"Kim Jong Un"}],' +
        '"id":"01890a5d-ac96-774b-bcce-000000000002",' +
        `"inputDigest":"${nodeSha256('input-2')}",` +
        `"listVersions":[{"contentDigest":"${'a'.repeat(64)}","source":"ofac-sdn","version":7},{"contentDigest":"${'b'.repeat(64)}","source":"un-1718","version":2}],` +
        `"outcome":"review","prevHash":"${GENESIS_PREV_HASH}","rulesetVersion":3,"score":74,"sequence":1,` +
        `"tenantId":"${TENANT}","v":1}`,
    );
    expect(hashOf(item)).toBe(nodeSha256(payload));
    expect(hashOf(item)).toBe('5d5323bd01c0ed1820c7ee6bd9f7e8930435355ca76552b2879cf3e718848102');
  });

  test.each<[string, (item: ChainableDecision) => ChainableDecision]>([
    ['object keys in reverse insertion order', (item) => reversedKeys(item)],
    ['list versions in another order', (item) => ({ ...item, listVersions: [...(item.listVersions as unknown[])].reverse() })],
    ['list version surrogate ids changed', (item) => ({ ...item, listVersions: (item.listVersions as object[]).map((lv) => ({ ...lv, versionId: 'other' })) })],
    ['explanation keys reordered', (item) => ({ ...item, hits: [nameHit({ explanation: reversedKeys(EXPLANATION) })] })],
    ['undefined-valued hit keys (dropped by JSON storage)', (item) => ({ ...item, hits: [{ ...nameHit(), related: undefined, forcesBlock: undefined, extra: undefined }] })],
    ['createdAt as a Date', (item) => ({ ...item, createdAt: new Date(item.createdAt) })],
    ['createdAt in PostgreSQL text form', (item) => ({ ...item, createdAt: '2025-01-31 09:00:03+00' })],
    ['createdAt with an offset', (item) => ({ ...item, createdAt: '2025-01-31T10:00:03.000+01:00' })],
    ['uppercase uuids', (item) => ({ ...item, id: item.id.toUpperCase(), tenantId: item.tenantId.toUpperCase() })],
    ['the input erased', (item) => ({ ...item, input: null }) as ChainableDecision],
    ['similarity as the evaluator rounds it', (item) => ({ ...item, hits: [nameHit({ similarity: Math.round(0.91234 * 1000) / 1000 })] })],
  ])('is unchanged with %s', (_name, change) => {
    const item = decision(2);
    expect(payloadOf(change(item))).toBe(payloadOf(item));
  });

  test.each<[string, (item: ChainableDecision) => ChainableDecision]>([
    ['NFD instead of NFC in the external ref', (item) => ({ ...item, externalRef: 'Jos\u0065\u0301' })],
    ['external ref null instead of empty', (item) => ({ ...item, externalRef: null })],
    ['hit order', (item) => ({ ...item, hits: [...(item.hits as unknown[])].reverse() })],
    ['indicator id order', (item) => ({ ...item, hits: [nameHit({ indicatorIds: ['un-1718-match', 'ofac-sdn-match'] })] })],
    ['a number deep in the explanation', (item) => ({ ...item, hits: [nameHit({ explanation: { ...EXPLANATION, nameScore: 0.9124 } })] })],
    ['a new hit key', (item) => ({ ...item, hits: [nameHit({ note: 'x' })] })],
    ['forcesBlock true', (item) => ({ ...item, hits: [nameHit({ forcesBlock: true })] })],
    ['createdAt one millisecond later', (item) => ({ ...item, createdAt: '2025-01-31T09:00:03.001Z' })],
  ])('changes with %s', (_name, change) => {
    const item = decision(2, { externalRef: 'Jos\u00e9', hits: [nameHit(), nameHit({ points: 0, value: 'Kim J. U.' })] });
    expect(payloadOf(change(item))).not.toBe(payloadOf(item));
  });

  test('writes unicode as UTF-8 text and escapes only what RFC 8785 escapes', () => {
    const payload = payloadOf(decision(1, { externalRef: '김정은 😀 \u0001 \\ / é' }));
    expect(payload).toContain('"externalRef":"김정은 😀 \\u0001 \\\\ / é"');
  });

  test('empty string and null stay apart; absent optional hit fields are null', () => {
    expect(payloadOf(decision(1, { externalRef: '' }))).toContain('"externalRef":""');
    expect(payloadOf(decision(1, { externalRef: null }))).toContain('"externalRef":null');
    const bare = { ruleId: 'r', ruleVersion: 1, indicatorIds: [], points: 5, field: '/subject/emails/0' };
    expect(payloadOf(decision(1, { hits: [bare] }))).toContain(
      '"hits":[{"entry":null,"field":"/subject/emails/0","forcesBlock":false,"indicatorIds":[],"opaqueDigest":null,"points":5,"related":null,"ruleId":"r","ruleVersion":1,"similarityMilli":null,"value":null}]',
    );
  });

  test('never contains the input, only its digest', () => {
    const item = decision(1, { input: { subject: { name: 'Secret Person' } } });
    expect(payloadOf(item)).not.toContain('Secret Person');
    expect(payloadOf(item)).toContain(item.inputDigest);
  });

  test.each<[string, Partial<ChainableDecision>, RegExp]>([
    ['a fractional score', { score: 42.5 }, /score must be a safe integer/],
    ['a score above 100', { score: 101 }, /score must be 0..100/],
    ['a similarity with 4 decimals', { hits: [nameHit({ similarity: 0.9125 })] }, /more than 3 decimals/],
    ['fractional points', { hits: [nameHit({ points: 9.5 })] }, /points must be a safe integer/],
    ['NaN inside the explanation', { hits: [nameHit({ explanation: { score: Number.NaN } })] }, /no RFC 8785 form/],
    ['an unknown outcome', { outcome: 'approve' }, /outcome must be one of/],
    ['sub-millisecond time', { createdAt: '2025-01-31T09:00:03.000123Z' }, /sub-millisecond/],
    ['an impossible date', { createdAt: '2025-02-30T09:00:03Z' }, /not a valid date/],
    ['a time without zone', { createdAt: '2025-01-31T09:00:03' }, /not an ISO-8601 time/],
    ['an uppercase digest', { inputDigest: 'A'.repeat(64) }, /inputDigest must be 64 lowercase hex/],
    ['hits that are not an array', { hits: { 0: nameHit() } }, /hits must be an array/],
    ['a lone surrogate', { externalRef: 'bad \ud800 ref' }, /lone surrogate/],
    ['an extra key in a list entry reference', { hits: [nameHit({ entry: { id: 'e', source: 's', sourceId: '1', name: 'n', more: 1 } })] }, /unexpected key "more"/],
  ])('refuses %s', (_name, overrides, message) => {
    expect(() => sealDecision(decision(1, overrides), null, nodeSha256)).toThrow(ChainFormatError);
    expect(() => sealDecision(decision(1, overrides), null, nodeSha256)).toThrow(message);
  });

  test.each([
    ['2025-01-31T09:00:03Z', '2025-01-31T09:00:03.000Z'],
    ['2025-01-31T09:00:03.5Z', '2025-01-31T09:00:03.500Z'],
    ['2025-01-31 09:00:03.123000+00', '2025-01-31T09:00:03.123Z'],
    ['2025-01-31T01:00:03.120-08:00', '2025-01-31T09:00:03.120Z'],
    ['2025-01-31T14:30:03+0530', '2025-01-31T09:00:03.000Z'],
    ['2024-12-31T23:59:59.999-00:30', '2025-01-01T00:29:59.999Z'],
  ])('normalises time %s', (input, expected) => {
    expect(canonicalTimestamp(input)).toBe(expected);
  });
});

describe('the hand-written payload serialiser', () => {
  // Any code points (astral ones too), but no lone surrogates: those are refused on purpose.
  const text = fc.string({ unit: 'binary', maxLength: 12 }).filter((value) => !/[\ud800-\udfff]/u.test(value));
  const hitArb = fc.record({
    ruleId: text,
    ruleVersion: fc.integer({ min: 0, max: 1e6 }),
    indicatorIds: fc.array(text, { maxLength: 3 }),
    points: fc.integer({ min: -100, max: 100 }),
    field: text,
    value: fc.option(text, { nil: null }),
    entry: fc.option(fc.record({ id: text, source: text, sourceId: text, name: text }), { nil: null }),
    similarityMilli: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: null }),
    related: fc.option(fc.array(text, { maxLength: 2 }), { nil: null }),
    forcesBlock: fc.boolean(),
    opaqueDigest: fc.option(fc.stringMatching(/^[0-9a-f]{64}$/), { nil: null }),
  });
  const recordArb = fc.record({
    tenantId: text,
    sequence: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    id: text,
    createdAt: text,
    externalRef: fc.option(text, { nil: null }),
    outcome: fc.constantFrom('clear' as const, 'review' as const, 'block' as const),
    score: fc.integer({ min: 0, max: 100 }),
    hits: fc.array(hitArb, { maxLength: 3 }),
    rulesetVersion: fc.integer({ min: 0, max: 1e9 }),
    listVersions: fc.array(fc.record({ source: text, version: fc.integer(), contentDigest: text }), { maxLength: 3 }),
    inputDigest: text,
    prevHash: text,
  });

  test('writes exactly what RFC 8785 (the canonicalize package) writes', () => {
    fc.assert(
      fc.property(recordArb, (record) => {
        expect(canonicalChainPayload(record)).toBe(canonicalize({ ...record, v: CHAIN_FORMAT_VERSION }));
      }),
      { numRuns: 500 },
    );
  });

  test('refuses a hand-built record with a float', () => {
    const record = toChainRecord(decision(2), LINK, nodeSha256);
    expect(() => canonicalChainPayload({ ...record, score: 0.5 })).toThrow(ChainFormatError);
    expect(() => canonicalChainPayload({ ...record, hits: [{ ...record.hits[0]!, similarityMilli: 912.5 }] })).toThrow(ChainFormatError);
  });
});

function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeysDeep((value as Record<string, unknown>)[key])]));
}

describe('sealing a chain', () => {
  test('links each decision to the previous hash, starting from 64 zeros', () => {
    const rows = chainOf(4);
    expect(rows.map((row) => row.sequence)).toEqual([1, 2, 3, 4]);
    expect(rows[0]!.prevHash).toBe(GENESIS_PREV_HASH);
    for (let index = 1; index < rows.length; index += 1) expect(rows[index]!.prevHash).toBe(rows[index - 1]!.hash);
    expect(new Set(rows.map((row) => row.hash)).size).toBe(4);
  });

  test('continues from a given head', () => {
    const [first] = chainOf(1);
    const [second] = sealChain([decision(2)], { sequence: Number(first!.sequence), hash: first!.hash });
    expect(second).toMatchObject({ sequence: 2, prevHash: first!.hash });
  });
});

describe('verifyChain', () => {
  test('accepts an intact chain', async () => {
    const rows = chainOf(6);
    expect(await verify(rows, { from: 1 })).toEqual({ ok: true, checked: 6, anchor: 'genesis', lastHash: rows[5]!.hash, lastSequence: 6 });
  });

  test('accepts an empty chain', async () => {
    expect(await verify([], { from: 1 })).toEqual({ ok: true, checked: 0, anchor: 'empty', lastHash: GENESIS_PREV_HASH, lastSequence: 0 });
  });

  test('still verifies after inputs are erased (only their digest is chained)', async () => {
    const rows = chainOf(5).map((row) => ({ ...row, input: null }));
    expect(await verify(rows, { from: 1 })).toMatchObject({ ok: true, checked: 5 });
  });

  test('accepts rows read back from the database (bigint as string, PostgreSQL time text)', async () => {
    const rows = chainOf(3).map((row) => ({
      ...row,
      sequence: String(row.sequence),
      createdAt: String(row.createdAt).replace('T', ' ').replace('Z', '+00'),
      hits: JSON.parse(JSON.stringify(row.hits)) as unknown,
    }));
    expect(await verify(rows)).toMatchObject({ ok: true, checked: 3 });
  });

  type Tamper = (rows: StoredChainRow[]) => StoredChainRow[];
  const at = (index: number, change: (row: StoredChainRow) => StoredChainRow): Tamper => (rows) => rows.map((row, i) => (i === index ? change(row) : row));
  const rehash = (row: StoredChainRow): StoredChainRow => ({ ...row, hash: sealDecision(row, { sequence: Number(row.sequence) - 1, hash: row.prevHash }, nodeSha256).hash });

  test.each<[string, Tamper, { sequence: number; reason: string }, number]>([
    ['an altered score', at(2, (row) => ({ ...row, score: row.score + 1 })), { sequence: 3, reason: 'hash_mismatch' }, 2],
    ['an altered outcome', at(2, (row) => ({ ...row, outcome: 'clear' })), { sequence: 3, reason: 'hash_mismatch' }, 2],
    ['altered hit points', at(3, (row) => ({ ...row, hits: [nameHit({ points: 90 })] })), { sequence: 4, reason: 'hash_mismatch' }, 3],
    ['an altered explanation', at(3, (row) => ({ ...row, hits: [nameHit({ explanation: { ...EXPLANATION, threshold: 0.5 } })] })), { sequence: 4, reason: 'hash_mismatch' }, 3],
    ['a removed hit', at(3, (row) => ({ ...row, hits: [] })), { sequence: 4, reason: 'hash_mismatch' }, 3],
    ['a similarity nudged in the 4th decimal', at(3, (row) => ({ ...row, hits: [nameHit({ similarity: 0.9121 })] })), { sequence: 4, reason: 'hash_mismatch' }, 3],
    ['an altered input digest', at(1, (row) => ({ ...row, inputDigest: nodeSha256('other') })), { sequence: 2, reason: 'hash_mismatch' }, 1],
    ['a deleted row', (rows) => rows.filter((_, i) => i !== 2), { sequence: 4, reason: 'sequence_gap' }, 2],
    ['reordered rows', (rows) => [rows[0]!, rows[2]!, rows[1]!, ...rows.slice(3)], { sequence: 3, reason: 'sequence_gap' }, 1],
    ['a duplicated row', (rows) => [rows[0]!, rows[1]!, rows[1]!, ...rows.slice(2)], { sequence: 2, reason: 'sequence_gap' }, 2],
    ['swapped sequence numbers', (rows) => rows.map((row, i) => (i === 1 ? { ...rows[2]!, sequence: 2 } : i === 2 ? { ...rows[1]!, sequence: 3 } : row)), { sequence: 2, reason: 'prev_link_mismatch' }, 1],
    ['a forged prevHash', at(3, (row) => ({ ...row, prevHash: 'f'.repeat(64) })), { sequence: 4, reason: 'prev_link_mismatch' }, 3],
    ['a forged genesis prevHash', at(0, (row) => ({ ...row, prevHash: 'f'.repeat(64) })), { sequence: 1, reason: 'prev_link_mismatch' }, 0],
    ['an altered row whose hash was recomputed', at(2, (row) => rehash({ ...row, score: 0 })), { sequence: 4, reason: 'prev_link_mismatch' }, 3],
    ['an altered stored hash', at(4, (row) => ({ ...row, hash: 'e'.repeat(64) })), { sequence: 5, reason: 'hash_mismatch' }, 4],
    ['a deleted first row', (rows) => rows.slice(1), { sequence: 2, reason: 'sequence_gap' }, 0],
    ['a row of another tenant', at(2, (row) => ({ ...row, tenantId: '01890a5d-ffff-7000-8000-000000000000' })), { sequence: 3, reason: 'prev_link_mismatch' }, 2],
    ['a malformed hits column', at(2, (row) => ({ ...row, hits: 'garbage' })), { sequence: 3, reason: 'hash_mismatch' }, 2],
  ])('detects and names %s', async (_name, tamper, expected, checked) => {
    const rows = chainOf(6);
    const result = await verify(tamper(rows), { from: 1 });
    expect(result.ok).toBe(false);
    expect(result.firstBroken).toMatchObject(expected);
    expect(result.firstBroken?.detail).toEqual(expect.any(String));
    expect(result.checked).toBe(checked);
  });

  test('verifies a sub-range from its first stored prevHash, checking the anchor when given', async () => {
    const rows = chainOf(8);
    const range = rows.slice(3, 6);
    const before = rows[2]!;
    expect(await verify(range)).toMatchObject({ ok: true, checked: 3, anchor: 'unchecked', lastHash: rows[5]!.hash, lastSequence: 6 });
    expect(await verify(range, { anchor: { sequence: 3, hash: before.hash } })).toMatchObject({ ok: true, anchor: 'matched' });
    expect(await verify(range, { anchor: { sequence: 3, hash: rows[1]!.hash } })).toMatchObject({
      ok: false,
      anchor: 'mismatched',
      firstBroken: { sequence: 4, reason: 'prev_link_mismatch' },
    });
    expect(await verify(range, { anchor: { sequence: 2, hash: rows[1]!.hash } })).toMatchObject({ ok: false, firstBroken: { sequence: 4, reason: 'sequence_gap' } });
    expect(await verify(range.slice(1), { from: 4 })).toMatchObject({ ok: false, firstBroken: { sequence: 5, reason: 'sequence_gap' } });
  });

  test('catches a truncated tail only against an expected head', async () => {
    const rows = chainOf(5);
    const head = { sequence: 5, hash: rows[4]!.hash };
    expect(await verify(rows.slice(0, 4), { from: 1 })).toMatchObject({ ok: true });
    expect(await verify(rows.slice(0, 4), { from: 1, expectHead: head })).toMatchObject({ ok: false, headMatches: false, lastSequence: 4 });
    expect(await verify(rows, { from: 1, expectHead: head })).toMatchObject({ ok: true, headMatches: true });
  });

  test('streams an async iterable and stops pulling at the first break', async () => {
    const rows = chainOf(10);
    rows[2] = { ...rows[2]!, score: 99 };
    let pulled = 0;
    async function* source() {
      for (const row of rows) {
        pulled += 1;
        yield row;
      }
    }
    expect(await verify(source())).toMatchObject({ ok: false, checked: 2, firstBroken: { sequence: 3 } });
    expect(pulled).toBe(3);
  });

  test('the incremental verifier refuses rows after a break', () => {
    const rows = chainOf(3);
    const verifier = createChainVerifier({ sha256: nodeSha256 });
    expect(verifier.push({ ...rows[0]!, score: 1 })).toMatchObject({ reason: 'hash_mismatch' });
    expect(() => verifier.push(rows[1]!)).toThrow(/after a break/);
  });
});

describe('property: any single-field alteration of any record is detected', () => {
  const hitArb = fc.record({
    ruleId: fc.string({ minLength: 1, maxLength: 12 }),
    ruleVersion: fc.integer({ min: 1, max: 50 }),
    indicatorIds: fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }),
    points: fc.integer({ min: 0, max: 100 }),
    field: fc.constantFrom('/subject/name', '/subject/emails/0', '/subject/wallets/1'),
    value: fc.option(fc.string({ unit: 'grapheme', maxLength: 12 }), { nil: undefined }),
    similarity: fc.option(fc.integer({ min: 0, max: 1000 }).map((milli) => milli / 1000), { nil: undefined }),
    related: fc.option(fc.array(fc.uuid(), { maxLength: 2 }), { nil: undefined }),
    explanation: fc.option(fc.record({ score: fc.integer({ min: 0, max: 10_000 }).map((n) => n / 10_000), detail: fc.string({ maxLength: 10 }) }), { nil: undefined }),
  });
  const decisionArb = fc.record({
    externalRef: fc.option(fc.string({ unit: 'grapheme', maxLength: 20 }), { nil: null }),
    outcome: fc.constantFrom('clear', 'review', 'block'),
    score: fc.integer({ min: 0, max: 100 }),
    hits: fc.array(hitArb, { maxLength: 3 }),
    rulesetVersion: fc.integer({ min: 1, max: 20 }),
    listVersion: fc.integer({ min: 1, max: 99 }),
  });

  type Row = StoredChainRow & { hits: Record<string, unknown>[] };
  const flip = (hex: string) => (hex[0] === 'a' ? 'b' : 'a') + hex.slice(1);
  const nextOutcome: Record<string, string> = { clear: 'review', review: 'block', block: 'clear' };
  const mutations: Record<string, (row: Row, pick: number) => Row> = {
    tenantId: (row) => ({ ...row, tenantId: row.tenantId.replace(/.$/, (c) => (c === '0' ? '1' : '0')) }),
    sequence: (row) => ({ ...row, sequence: Number(row.sequence) + 1 }),
    id: (row) => ({ ...row, id: row.id.replace(/.$/, (c) => (c === '0' ? '1' : '0')) }),
    createdAt: (row) => ({ ...row, createdAt: new Date(Date.parse(String(row.createdAt)) + 1).toISOString() }),
    externalRef: (row) => ({ ...row, externalRef: row.externalRef === null ? '' : `${row.externalRef}x` }),
    outcome: (row) => ({ ...row, outcome: nextOutcome[row.outcome]! }),
    score: (row) => ({ ...row, score: (row.score + 1) % 101 }),
    rulesetVersion: (row) => ({ ...row, rulesetVersion: row.rulesetVersion + 1 }),
    listVersions: (row, pick) => ({
      ...row,
      listVersions: (row.listVersions as { source: string; version: number; contentDigest: string }[]).map((lv) =>
        pick % 3 === 0 ? { ...lv, version: lv.version + 1 } : pick % 3 === 1 ? { ...lv, contentDigest: flip(lv.contentDigest) } : { ...lv, source: `${lv.source}x` },
      ),
    }),
    inputDigest: (row) => ({ ...row, inputDigest: flip(row.inputDigest) }),
    prevHash: (row) => ({ ...row, prevHash: flip(row.prevHash) }),
    hash: (row) => ({ ...row, hash: flip(row.hash) }),
    hits: (row, pick) => {
      if (row.hits.length === 0) return { ...row, hits: [{ ruleId: 'added', ruleVersion: 1, indicatorIds: [], points: 0, field: '/subject/name' }] };
      const [first, ...rest] = row.hits as [Record<string, unknown>, ...Record<string, unknown>[]];
      const hitChanges: ((hit: Record<string, unknown>) => Record<string, unknown>)[] = [
        (hit) => ({ ...hit, points: (hit.points as number) + 1 }),
        (hit) => ({ ...hit, ruleId: `${hit.ruleId as string}x` }),
        (hit) => ({ ...hit, ruleVersion: (hit.ruleVersion as number) + 1 }),
        (hit) => ({ ...hit, indicatorIds: [...(hit.indicatorIds as string[]), 'x'] }),
        (hit) => ({ ...hit, field: `${hit.field as string}/x` }),
        (hit) => ({ ...hit, value: hit.value === undefined ? 'x' : undefined }),
        (hit) => ({ ...hit, similarity: hit.similarity === undefined ? 0.5 : (Math.round((hit.similarity as number) * 1000) + 1) / 1000 }),
        (hit) => ({ ...hit, related: hit.related === undefined ? [] : undefined }),
        (hit) => ({ ...hit, forcesBlock: true }),
        (hit) => ({ ...hit, explanation: hit.explanation === undefined ? { x: 1 } : { ...(hit.explanation as object), score: 2 } }),
        (hit) => ({ ...hit, entry: { id: 'e', source: 's', sourceId: '1', name: 'n' } }),
      ];
      const change = hitChanges[pick % hitChanges.length]!;
      // Odd picks reorder the hits (when there is more than one), even picks change the first.
      return { ...row, hits: pick % 2 === 1 && rest.length > 0 ? [...rest, first] : [change(first), ...rest] };
    },
  };

  test('detected at the altered record', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(decisionArb, { minLength: 1, maxLength: 6 }),
        fc.nat(),
        fc.constantFrom(...Object.keys(mutations)),
        fc.nat(),
        async (specs, rawIndex, field, pick) => {
          const rows = sealChain(
            specs.map((spec, index) =>
              decision(index + 1, {
                externalRef: spec.externalRef,
                outcome: spec.outcome,
                score: spec.score,
                hits: spec.hits,
                rulesetVersion: spec.rulesetVersion,
                listVersions: [{ source: 'ofac-sdn', version: spec.listVersion, contentDigest: 'c'.repeat(64) }],
              }),
            ),
          ) as Row[];
          const index = rawIndex % rows.length;
          const original = rows[index]!;
          const altered = mutations[field]!(original, pick);
          // Rotating identical hits is no alteration at all.
          fc.pre(JSON.stringify(altered) !== JSON.stringify(original));
          const tampered = rows.map((row, i) => (i === index ? altered : row));
          const result = await verify(tampered, { from: 1 });
          expect(result.ok).toBe(false);
          expect(result.firstBroken?.id).toBe(altered.id);
          expect(result.checked).toBe(index);
        },
      ),
      { numRuns: 400 },
    );
  });
});
