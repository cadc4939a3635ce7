import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { IdentifierMatch, LinkedSubject } from '../../domain/rules/evaluation-context.js';
import type { IdentifierLookup, LinkKey, LinkKind } from '../../domain/rules/subject-lookups.js';
import type { DbOrTx } from '../client.js';
import { listEntries, listIdentifiers, serviceSecrets, subjectLinkKeys, subjects } from '../schema/index.js';

/** Other subjects returned per screening at most: enough to show a farm, bounded for speed. */
const MAX_LINKED = 200;

/** List identifiers of the given versions equal to any of the lookups (one indexed query). */
export async function findIdentifierMatches(db: DbOrTx, versionIds: string[], lookups: readonly IdentifierLookup[]): Promise<IdentifierMatch[]> {
  if (versionIds.length === 0 || lookups.length === 0) return [];
  const pairs = lookups.map((lookup) => sql`(${lookup.kind}, ${lookup.normalized})`);
  const rows = await db
    .select({
      kind: listIdentifiers.kind,
      normalized: listIdentifiers.normalized,
      entryId: listEntries.id,
      source: listEntries.source,
      sourceId: listEntries.sourceId,
      name: listEntries.name,
      type: listEntries.type,
      data: listEntries.data,
    })
    .from(listIdentifiers)
    .innerJoin(listEntries, eq(listEntries.id, listIdentifiers.entryId))
    .where(and(inArray(listIdentifiers.listVersionId, versionIds), sql`(${listIdentifiers.kind}, ${listIdentifiers.normalized}) in (${sql.join(pairs, sql`, `)})`));
  return rows.map((row) => {
    const identifier = row.data.identifiers.find((candidate) => candidate.kind === row.kind && candidate.normalized === row.normalized);
    return {
      kind: row.kind as IdentifierMatch['kind'],
      normalized: row.normalized,
      ...(identifier?.country ? { country: identifier.country } : {}),
      entry: { id: row.entryId, source: row.source, sourceId: row.sourceId, name: row.name, type: row.type, attributes: row.data.attributes },
    };
  });
}

/**
 * Other subjects of the tenant holding any of these keys, earliest first. With
 * `beforeSequence`, only keys recorded by decisions earlier in the tenant's chain: what the
 * screening at that place saw (a replay). Chain order, not time: decisions may share a millisecond.
 */
export async function findLinkedSubjects(
  db: DbOrTx,
  tenantId: string,
  keys: readonly LinkKey[],
  excludeSubjectId: string | undefined,
  beforeSequence?: number,
): Promise<LinkedSubject[]> {
  if (keys.length === 0) return [];
  const rows = await db
    .selectDistinctOn([subjectLinkKeys.subjectId, subjectLinkKeys.key], {
      key: subjectLinkKeys.key,
      kind: subjectLinkKeys.kind,
      subjectId: subjectLinkKeys.subjectId,
      externalRef: subjects.externalRef,
      nameKey: subjectLinkKeys.nameKey,
      createdAt: subjectLinkKeys.createdAt,
    })
    .from(subjectLinkKeys)
    .innerJoin(subjects, eq(subjects.id, subjectLinkKeys.subjectId))
    .where(
      and(
        eq(subjectLinkKeys.tenantId, tenantId),
        inArray(subjectLinkKeys.key, [...new Set(keys.map((key) => key.key))]),
        excludeSubjectId ? sql`${subjectLinkKeys.subjectId} <> ${excludeSubjectId}` : undefined,
        beforeSequence !== undefined
          ? sql`exists (select 1 from decisions d where d.id = ${subjectLinkKeys.decisionId} and d.tenant_id = ${tenantId} and d.sequence < ${beforeSequence})`
          : undefined,
      ),
    )
    .orderBy(asc(subjectLinkKeys.subjectId), asc(subjectLinkKeys.key), asc(subjectLinkKeys.createdAt))
    .limit(MAX_LINKED);
  return rows
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .map((row) => ({ key: row.key, kind: row.kind as LinkKind, externalRef: row.externalRef ?? `subject:${row.subjectId}`, name: row.nameKey }));
}

/** The link keys recorded with a decision (the subject's previous screening). */
export async function findLinkKeysOfDecision(db: DbOrTx, decisionId: string): Promise<LinkKey[]> {
  const rows = await db
    .select({ kind: subjectLinkKeys.kind, key: subjectLinkKeys.key, field: subjectLinkKeys.field, display: subjectLinkKeys.display })
    .from(subjectLinkKeys)
    .where(eq(subjectLinkKeys.decisionId, decisionId));
  return rows.map((row) => ({ ...row, kind: row.kind as LinkKind }));
}

export async function insertLinkKeys(
  tx: DbOrTx,
  input: { tenantId: string; subjectId: string; decisionId: string; nameKey: string; keys: readonly LinkKey[]; at: string },
) {
  if (input.keys.length === 0) return;
  await tx.insert(subjectLinkKeys).values(
    input.keys.map((key) => ({
      tenantId: input.tenantId,
      subjectId: input.subjectId,
      decisionId: input.decisionId,
      kind: key.kind,
      key: key.key,
      field: key.field,
      display: key.display,
      nameKey: input.nameKey,
      createdAt: input.at,
    })),
  );
}

export async function findSubjectByExternalRef(db: DbOrTx, tenantId: string, externalRef: string) {
  const [row] = await db.select().from(subjects).where(and(eq(subjects.tenantId, tenantId), eq(subjects.externalRef, externalRef)));
  return row;
}

/** A secret stored on first use; concurrent first uses agree on one value. */
export async function getOrCreateSecret(db: DbOrTx, name: string, generate: () => string): Promise<string> {
  await db.insert(serviceSecrets).values({ name, value: generate() }).onConflictDoNothing();
  const [row] = await db.select().from(serviceSecrets).where(eq(serviceSecrets.name, name));
  if (!row) throw new Error(`secret ${name} missing after insert`);
  return row.value;
}
