import { and, asc, desc, eq } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Combination } from '../../domain/rules/evidence-combination.js';
import type { Rule, Ruleset, Thresholds } from '../../domain/rules/ruleset.js';
import type { Severity } from '../../domain/rules/ruleset.js';
import type { DbOrTx } from '../client.js';
import { rules, rulesets } from '../schema/index.js';

function ruleRow(rulesetId: string, rule: Rule): typeof rules.$inferInsert {
  return {
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
    ruleVersion: rule.version,
  };
}

export async function insertPublishedRuleset(
  tx: DbOrTx,
  input: { tenantId: string; version: number; thresholds: Thresholds; combination?: Combination | undefined; rules: readonly Omit<Rule, 'version'>[]; createdBy: string },
) {
  const rulesetId = uuidv7();
  await tx.insert(rulesets).values({
    id: rulesetId,
    tenantId: input.tenantId,
    version: input.version,
    status: 'published',
    thresholds: input.thresholds,
    combination: input.combination ?? null,
    createdBy: input.createdBy,
    publishedAt: new Date().toISOString(),
  });
  await tx.insert(rules).values(input.rules.map((rule) => ruleRow(rulesetId, { ...rule, version: input.version })));
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
    ...(head.combination ? { combination: head.combination } : {}),
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

export type RulesetRow = typeof rulesets.$inferSelect;

export async function listRulesetVersions(db: DbOrTx, tenantId: string) {
  return db.select().from(rulesets).where(eq(rulesets.tenantId, tenantId)).orderBy(desc(rulesets.version));
}

export async function findRulesetRow(db: DbOrTx, tenantId: string, version: number): Promise<RulesetRow | undefined> {
  const [row] = await db
    .select()
    .from(rulesets)
    .where(and(eq(rulesets.tenantId, tenantId), eq(rulesets.version, version)));
  return row;
}

export async function findRulesetByVersion(db: DbOrTx, tenantId: string, version: number): Promise<Ruleset | undefined> {
  const head = await findRulesetRow(db, tenantId, version);
  return head ? withRules(db, head) : undefined;
}

/** Copies a ruleset's rules (keeping each rule's version) into a new draft one version up. */
export async function insertDraftFrom(tx: DbOrTx, source: Pick<Ruleset, 'thresholds' | 'combination' | 'rules'>, input: { tenantId: string; version: number; createdBy: string }) {
  const id = uuidv7();
  await tx.insert(rulesets).values({ id, tenantId: input.tenantId, version: input.version, status: 'draft', thresholds: source.thresholds, combination: source.combination ?? null, createdBy: input.createdBy });
  await tx.insert(rules).values(source.rules.map((rule) => ruleRow(id, rule)));
  return id;
}

export async function updateDraftRule(tx: DbOrTx, rulesetId: string, rule: Rule) {
  await tx
    .update(rules)
    .set({ enabled: rule.enabled, weight: rule.weight, severity: rule.severity, forcesBlock: rule.forcesBlock, params: rule.params, ruleVersion: rule.version })
    .where(and(eq(rules.rulesetId, rulesetId), eq(rules.ruleKey, rule.key)));
}

export async function updateDraftThresholds(tx: DbOrTx, rulesetId: string, thresholds: Thresholds) {
  await tx.update(rulesets).set({ thresholds }).where(and(eq(rulesets.id, rulesetId), eq(rulesets.status, 'draft')));
}

export async function markPublished(tx: DbOrTx, rulesetId: string, at: string) {
  await tx.update(rulesets).set({ status: 'published', publishedAt: at }).where(and(eq(rulesets.id, rulesetId), eq(rulesets.status, 'draft')));
}
