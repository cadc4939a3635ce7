import { describe, expect, test } from 'vitest';
import { checkpointDue, checkpointPayload, createCheckpointMatcher, type SignedCheckpoint } from '../../src/domain/audit/checkpoint.js';

const TENANT = '0190f2a0-0000-7000-8000-000000000001';
const h = (c: string) => c.repeat(64);
const checkpoint = (sequence: number, hash: string): SignedCheckpoint => ({ tenantId: TENANT, sequence, hash, signedAt: '2026-03-01T10:00:00.000Z', keyId: h('a'), signature: 'AA==' });

describe('checkpointDue', () => {
  const now = new Date('2026-03-01T10:30:00.000Z');
  test.each([
    ['no decision yet', 0, null, false],
    ["a chain's first checkpoint at once", 1, null, true],
    ['head not moved', 5, { sequence: 5, signedAt: '2026-03-01T09:00:00.000Z' }, false],
    ['moved by fewer than every, recently', 7, { sequence: 5, signedAt: '2026-03-01T10:25:00.000Z' }, false],
    ['moved by every', 8, { sequence: 5, signedAt: '2026-03-01T10:25:00.000Z' }, true],
    ['moved a little, last checkpoint old enough', 6, { sequence: 5, signedAt: '2026-03-01T10:20:00.000Z' }, true],
  ] as const)('%s', (_name, sequence, last, due) => {
    expect(checkpointDue({ head: { sequence }, last, now, every: 3, minutes: 10 })).toBe(due);
  });

  test('minutes 0 signs by count only', () => {
    expect(checkpointDue({ head: { sequence: 6 }, last: { sequence: 5, signedAt: '2020-01-01T00:00:00.000Z' }, now, every: 3, minutes: 0 })).toBe(false);
  });
});

describe('the signed form', () => {
  test('is RFC 8785 JSON with the format, its version and a lowercase tenant id', () => {
    expect(checkpointPayload({ tenantId: TENANT.toUpperCase(), sequence: 4, hash: h('b'), signedAt: '2026-03-01T10:00:00.000Z', keyId: h('c') })).toBe(
      `{"format":"redflag.audit-checkpoint","formatVersion":1,"hash":"${h('b')}","keyId":"${h('c')}","sequence":4,"signedAt":"2026-03-01T10:00:00.000Z","tenantId":"${TENANT}"}`,
    );
  });
});

describe('createCheckpointMatcher', () => {
  test('a row at the checkpoint and the row after it must carry its hash', () => {
    const matcher = createCheckpointMatcher([checkpoint(4, h('4'))]);
    expect(matcher.row({ tenantId: TENANT, sequence: 3, prevHash: h('2'), hash: h('3') })).toEqual([]);
    expect(matcher.row({ tenantId: TENANT, sequence: 4, prevHash: h('3'), hash: h('4') })).toEqual([]);
    expect(matcher.row({ tenantId: TENANT, sequence: 5, prevHash: h('e'), hash: h('5') })).toEqual([expect.objectContaining({ reason: 'checkpoint_mismatch', sequence: 4 })]);
    expect(matcher.matchedCount()).toBe(1);
  });

  test('a rewritten row at the checkpoint is a mismatch; another tenant is not concerned', () => {
    const matcher = createCheckpointMatcher([checkpoint(4, h('4'))]);
    expect(matcher.row({ tenantId: TENANT, sequence: 4, prevHash: h('3'), hash: h('f') })).toHaveLength(1);
    expect(matcher.row({ tenantId: '0190f2a0-0000-7000-8000-000000000002', sequence: 4, prevHash: h('3'), hash: h('f') })).toEqual([]);
  });

  test('a checkpoint beyond the head means the chain was cut back; at the head, the hashes must agree', () => {
    const matcher = createCheckpointMatcher([checkpoint(4, h('4')), checkpoint(6, h('6'))]);
    expect(matcher.head(TENANT, { sequence: 5, hash: h('5') })).toEqual([expect.objectContaining({ reason: 'checkpoint_beyond_head', sequence: 6 })]);
    expect(matcher.head(TENANT, null).map((problem) => problem.sequence)).toEqual([4, 6]);
    expect(matcher.head(TENANT, { sequence: 6, hash: h('d') })).toEqual([expect.objectContaining({ reason: 'checkpoint_mismatch', sequence: 6 })]);
    expect(matcher.head(TENANT, { sequence: 6, hash: h('6') })).toEqual([]);
  });
});
