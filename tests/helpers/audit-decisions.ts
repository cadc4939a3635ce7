import { and, desc, eq, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { nodeSha256 } from '../../src/audit/node-sha256.js';
import type { Db } from '../../src/db/client.js';
import { queryRows } from '../../src/db/client.js';
import { auditChainHeads, decisions, rulesets, tenants } from '../../src/db/schema/index.js';
import { sealDecision } from '../../src/domain/audit/chain-record.js';
import { canonicalDigest } from '../../src/shared/hashing.js';

export async function tenantIdOf(db: Db, slug: string): Promise<string> {
  const [row] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, slug));
  if (!row) throw new Error(`no tenant ${slug}`);
  return row.id;
}

/**
 * Appends `count` sealed decisions to a tenant's chain directly in the database, much faster
 * than screening them over HTTP: for tests that need a long chain (exports cut short, paging).
 * Every third decision has a list hit; times start at `startAt` and advance `stepMs` each.
 */
export async function insertChainedDecisions(db: Db, input: { tenantId: string; count: number; startAt: Date; stepMs?: number }): Promise<void> {
  const [ruleset] = await db
    .select({ id: rulesets.id, version: rulesets.version })
    .from(rulesets)
    .where(and(eq(rulesets.tenantId, input.tenantId), eq(rulesets.status, 'published')))
    .orderBy(desc(rulesets.version))
    .limit(1);
  if (!ruleset) throw new Error('tenant has no published ruleset');
  const [head] = await queryRows<{ sequence: string | number; hash: string }>({ db }, sql`select sequence, hash from audit_chain_heads where tenant_id = ${input.tenantId}`);
  let previous = head && Number(head.sequence) > 0 ? { sequence: Number(head.sequence), hash: head.hash } : null;
  let batch: (typeof decisions.$inferInsert)[] = [];
  let lastCreatedAt = input.startAt.toISOString();
  for (let index = 0; index < input.count; index += 1) {
    const createdAt = new Date(input.startAt.getTime() + index * (input.stepMs ?? 1000)).toISOString();
    const subject = { externalRef: `bulk-${index}`, name: `Bulk Person ${index}` };
    const hits =
      index % 3 === 0
        ? [{ ruleId: 'list-name-match', ruleVersion: 1, indicatorIds: ['sanctions-list-match'], points: 45, field: '/subject/name', value: subject.name, entry: { id: uuidv7(), source: 'test', sourceId: String(index), name: 'KIM, Bulk' }, similarity: 0.912, explanation: { method: 'fuse', fuseScore: 0.0881 } }]
        : [];
    const draft = {
      id: uuidv7(),
      tenantId: input.tenantId,
      externalRef: subject.externalRef,
      outcome: hits.length > 0 ? 'review' : 'clear',
      score: hits.length > 0 ? 45 : 0,
      hits,
      rulesetId: ruleset.id,
      rulesetVersion: ruleset.version,
      listVersions: [{ source: 'test', versionId: uuidv7(), version: 1, contentDigest: 'f'.repeat(64) }],
      input: { subject },
      inputDigest: canonicalDigest({ subject }),
      createdAt,
    };
    const seal = sealDecision(draft, previous, nodeSha256);
    batch.push({ ...draft, sequence: seal.sequence, prevHash: seal.prevHash, hash: seal.hash });
    previous = { sequence: seal.sequence, hash: seal.hash };
    lastCreatedAt = createdAt;
    if (batch.length === 500) {
      await db.insert(decisions).values(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await db.insert(decisions).values(batch);
  if (previous) {
    await db
      .insert(auditChainHeads)
      .values({ tenantId: input.tenantId, sequence: previous.sequence, hash: previous.hash, lastCreatedAt })
      .onConflictDoUpdate({ target: auditChainHeads.tenantId, set: { sequence: previous.sequence, hash: previous.hash, lastCreatedAt } });
  }
}

/** Runs SQL with the append-only trigger off, as someone with table-owner rights could: tampering for tests. */
export async function tamper(db: Db, statement: ReturnType<typeof sql>): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`alter table decisions disable trigger decisions_append_only`);
    await tx.execute(statement);
    await tx.execute(sql`alter table decisions enable trigger decisions_append_only`);
  });
}
