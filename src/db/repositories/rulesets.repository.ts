import { and, asc, desc, eq } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Rule, Ruleset, Thresholds } from '../../domain/rules/ruleset.js';
import type { Severity } from '../../domain/rules/ruleset.js';
import type { DbOrTx } from '../client.js';
import { rules, rulesets } from '../schema/index.js';

export async function insertPublishedRuleset(
  tx: DbOrTx,
  input: { tenantId: string; version: number; thresholds: Thresholds; rules: readonly Omit<Rule, 'version'>[]; createdBy: string },
) {
  const rulesetId = uuidv7();
  await tx.insert(rulesets).values({
    id: rulesetId,
    tenantId: input.tenantId,
    version: input.version,
    status: 'published',
    thresholds: input.thresholds,
    createdBy: input.createdBy,
    publishedAt: new Date().toISOString(),
  });
  await tx.insert(rules).values(
    input.rules.map((rule) => ({
      id: uuidv7(),
      rulesetId,
      ruleKey: rule.key,
      kind: rule.kind,
      description: rule.description,
      enabled: rule.enabled,
      weight: rule.weight,
      severity: rule.severity,
      forcesBlock: rule.forcesBlock,
      indicatorIds: rule.indicatorIds,
      params: rule.params,
      ruleVersion: input.version,
    })),
  );
  return rulesetId;
}

/** The tenant's newest published ruleset with its rules. */
export async function findActiveRuleset(db: DbOrTx, tenantId: string): Promise<Ruleset | undefined> {
  const [head] = await db
    .select()
    .from(rulesets)
    .where(and(eq(rulesets.tenantId, tenantId), eq(rulesets.status, 'published')))
    .orderBy(desc(rulesets.version))
    .limit(1);
  return head ? withRules(db, head) : undefined;
}

/** One ruleset of the tenant by id, published or not: the one a stored decision cites (replay). */
export async function findRulesetById(db: DbOrTx, tenantId: string, id: string): Promise<Ruleset | undefined> {
  const [head] = await db
    .select()
    .from(rulesets)
    .where(and(eq(rulesets.tenantId, tenantId), eq(rulesets.id, id)));
  return head ? withRules(db, head) : undefined;
}

async function withRules(db: DbOrTx, head: typeof rulesets.$inferSelect): Promise<Ruleset> {
  const ruleRows = await db.select().from(rules).where(eq(rules.rulesetId, head.id)).orderBy(asc(rules.ruleKey));
  return {
    id: head.id,
    version: head.version,
    thresholds: head.thresholds,
    rules: ruleRows.map((row) => ({
      key: row.ruleKey,
      kind: row.kind,
      version: row.ruleVersion,
      description: row.description,
      enabled: row.enabled,
      weight: row.weight,
      severity: row.severity as Severity,
      forcesBlock: row.forcesBlock,
      indicatorIds: row.indicatorIds,
      params: row.params,
    })),
  };
}
