/** Decisions and sealed chains for the audit tests (not a test file itself). */
import { sealDecision, type ChainableDecision, type ChainHead, type StoredChainRow } from '../../src/domain/audit/chain-record.js';
import { nodeSha256 } from '../../src/audit/node-sha256.js';

export const TENANT = '01890a5d-ac96-774b-bcce-b302099a8057';

export const EXPLANATION = {
  version: 1,
  queryName: 'Kim Jong Un',
  matchedName: 'KIM Jong Un',
  korean: true,
  tokens: [{ query: 'Kim', listed: 'KIM', score: 1, how: 'exact', weight: 1 }],
  components: [{ component: 'tokens', effect: '+', value: 0.9123, delta: 0.7298, detail: 'three of three tokens' }],
  nameScore: 0.9123,
  score: 0.9123,
  threshold: 0.85,
  match: true,
};

export function nameHit(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ruleId: 'sanctions-name-match',
    ruleVersion: 1,
    indicatorIds: ['ofac-sdn-match', 'un-1718-match'],
    points: 91,
    field: '/subject/name',
    value: 'Kim Jong Un',
    entry: { id: '01890a5d-0000-7000-8000-000000000001', source: 'ofac-sdn', sourceId: '12345', name: 'KIM, Jong Un' },
    similarity: 0.912,
    explanation: EXPLANATION,
    ...overrides,
  };
}

export function decision(index: number, overrides: Partial<ChainableDecision> & { input?: unknown } = {}): ChainableDecision & { input: unknown } {
  const ms = Date.UTC(2025, 0, 31, 9, 0, 0) + index * 1500;
  return {
    id: `01890a5d-ac96-774b-bcce-${String(index).padStart(12, '0')}`,
    tenantId: TENANT,
    createdAt: new Date(ms).toISOString(),
    externalRef: `contractor-${index}`,
    outcome: index % 3 === 0 ? 'block' : index % 3 === 1 ? 'clear' : 'review',
    score: (index * 37) % 101,
    hits: index % 2 === 0 ? [nameHit()] : [],
    rulesetVersion: 3,
    listVersions: [
      { source: 'un-1718', versionId: '01890a5d-0000-7000-8000-0000000000aa', version: 2, contentDigest: 'b'.repeat(64) },
      { source: 'ofac-sdn', versionId: '01890a5d-0000-7000-8000-0000000000bb', version: 7, contentDigest: 'a'.repeat(64) },
    ],
    input: { subject: { name: `Person ${index}`, emails: [`p${index}@example.com`] } },
    inputDigest: nodeSha256(`input-${index}`),
    ...overrides,
  };
}

/** Seals decisions in order, as the insert transaction would, and returns the stored rows. */
export function sealChain(decisions: readonly (ChainableDecision & { input?: unknown })[], previous: ChainHead | null = null): (StoredChainRow & { input?: unknown })[] {
  let head = previous;
  return decisions.map((item) => {
    const sealed = sealDecision(item, head, nodeSha256);
    head = { sequence: sealed.sequence, hash: sealed.hash };
    return { ...item, sequence: sealed.sequence, prevHash: sealed.prevHash, hash: sealed.hash };
  });
}

export function chainOf(length: number): (StoredChainRow & { input?: unknown })[] {
  return sealChain(Array.from({ length }, (_, index) => decision(index + 1)));
}
