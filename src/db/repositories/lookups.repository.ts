import { eq, sql } from 'drizzle-orm';
import type { IdentifierMatch, LinkedSubject } from '../../domain/rules/evaluation-context.js';
import type { IdentifierLookup, LinkKey, LinkKind } from '../../domain/rules/subject-lookups.js';
import type { DbOrTx } from '../client.js';
import { serviceSecrets, subjectLinkKeys } from '../schema/index.js';

/** Other subjects returned per screening at most: enough to show a farm, bounded for speed. */
const MAX_LINKED = 200;

/** Whose screening the lookups serve; their own keys are not another applicant's. */
export type LookupSubject =
  /** A new screening: the subject, if any, is the one with this externalRef. */
  | { externalRef: string }
  /** A known subject (re-screen, replay) and the decision that was its previous screening. */
  | { id: string | undefined; previousDecisionId: string | null | undefined };

export interface LookupQuery {
  tenantId: string;
  versionIds: readonly string[];
  identifiers: readonly IdentifierLookup[];
  links: readonly LinkKey[];
  subject?: LookupSubject | undefined;
  /** Only keys recorded by decisions before this place in the tenant's chain (a replay). */
  beforeSequence?: number | undefined;
}

export interface LookupAnswers {
  identifierMatches: IdentifierMatch[];
  linkedSubjects: LinkedSubject[];
  /** The keys of the subject's previous screening; absent when it has none. */
  previousLinkKeys?: LinkKey[];
}

const EMPTY = sql`'[]'::json`;

/** The subject's row as a one-row relation `me(id, last_decision_id)`, possibly empty. */
function subjectRelation(tenantId: string, subject: LookupSubject | undefined) {
  if (subject === undefined) return sql`select null::uuid as id, null::uuid as last_decision_id where false`;
  if ('externalRef' in subject) return sql`select id, last_decision_id from subjects where tenant_id = ${tenantId} and external_ref = ${subject.externalRef}`;
  return sql`select ${subject.id ?? null}::uuid as id, ${subject.previousDecisionId ?? null}::uuid as last_decision_id`;
}

/** List identifiers of the given versions equal to any of the lookups. */
function identifierMatchesJson(query: LookupQuery) {
  if (query.versionIds.length === 0 || query.identifiers.length === 0) return EMPTY;
  const pairs = sql.join(
    query.identifiers.map((lookup) => sql`(${lookup.kind}, ${lookup.normalized})`),
    sql`, `,
  );
  const versions = sql.join(
    query.versionIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  return sql`(select coalesce(json_agg(m), '[]'::json) from (
    select li.kind, li.normalized, e.id as "entryId", e.source, e.source_id as "sourceId", e.name, e.type, e.data
    from list_identifiers li join list_entries e on e.id = li.entry_id
    where li.list_version_id in (${versions}) and (li.kind, li.normalized) in (${pairs})) m)`;
}

/** Other subjects of the tenant holding any of the keys, one row per subject and key, at most MAX_LINKED. */
function linkedSubjectsJson(query: LookupQuery) {
  if (query.links.length === 0) return EMPTY;
  const keys = sql.join(
    [...new Set(query.links.map((link) => link.key))].map((key) => sql`${key}`),
    sql`, `,
  );
  // Chain order, not time: decisions may share a millisecond.
  const earlier =
    query.beforeSequence === undefined
      ? sql``
      : sql`and exists (select 1 from decisions d where d.id = k.decision_id and d.tenant_id = ${query.tenantId} and d.sequence < ${query.beforeSequence})`;
  return sql`(select coalesce(json_agg(l), '[]'::json) from (
    select distinct on (k.subject_id, k.key) k.key, k.kind, k.subject_id as "subjectId", s.external_ref as "externalRef", k.name_key as "nameKey", k.created_at as "createdAt"
    from subject_link_keys k join subjects s on s.id = k.subject_id
    where k.tenant_id = ${query.tenantId} and k.key in (${keys}) and k.subject_id is distinct from (select id from me) ${earlier}
    order by k.subject_id, k.key, k.created_at
    limit ${MAX_LINKED}) l)`;
}

/** The keys recorded with the subject's previous screening; null when there was none. */
const previousKeysJson = sql`(select case when (select last_decision_id from me) is null then null else coalesce(json_agg(p), '[]'::json) end from (
    select kind, key, field, display from subject_link_keys where decision_id = (select last_decision_id from me)) p)`;

interface StoredIdentifierMatch {
  kind: string;
  normalized: string;
  entryId: string;
  source: string;
  sourceId: string;
  name: string;
  type: string;
  data: { identifiers: { kind: string; normalized: string; country?: string }[]; attributes?: Record<string, string> };
}

interface StoredLink {
  key: string;
  kind: string;
  subjectId: string;
  externalRef: string | null;
  nameKey: string;
  createdAt: string;
}

/** JSON arrives parsed from node-postgres and as text from some paths; accept both. */
const parsed = <T>(value: unknown): T => (typeof value === 'string' ? (JSON.parse(value) as T) : (value as T));

/**
 * Everything a screening asks the database besides the in-memory name index, in one statement:
 * list identifiers equal to the subject's, other subjects sharing a link key (the laptop-farm
 * pattern, earliest first) and the keys of the subject's previous screening.
 */
export async function findScreeningLookups(db: DbOrTx, query: LookupQuery): Promise<LookupAnswers> {
  const result = (await db.execute(sql`
    with me as (${subjectRelation(query.tenantId, query.subject)})
    select ${identifierMatchesJson(query)} as identifiers, ${linkedSubjectsJson(query)} as linked, ${previousKeysJson} as previous`)) as unknown as {
    rows: { identifiers: unknown; linked: unknown; previous: unknown }[];
  };
  const row = result.rows[0];
  if (!row) throw new Error('lookup query returned no row');
  const identifierMatches = parsed<StoredIdentifierMatch[]>(row.identifiers).map((match): IdentifierMatch => {
    const identifier = match.data.identifiers.find((candidate) => candidate.kind === match.kind && candidate.normalized === match.normalized);
    return {
      kind: match.kind as IdentifierMatch['kind'],
      normalized: match.normalized,
      ...(identifier?.country ? { country: identifier.country } : {}),
      entry: { id: match.entryId, source: match.source, sourceId: match.sourceId, name: match.name, type: match.type, ...(match.data.attributes ? { attributes: match.data.attributes } : {}) },
    };
  });
  const linkedSubjects = parsed<StoredLink[]>(row.linked)
    .map((link) => ({ ...link, at: Date.parse(link.createdAt) }))
    .sort((a, b) => a.at - b.at)
    .map((link): LinkedSubject => ({ key: link.key, kind: link.kind as LinkKind, externalRef: link.externalRef ?? `subject:${link.subjectId}`, name: link.nameKey }));
  const previous = parsed<LinkKey[] | null>(row.previous);
  return { identifierMatches, linkedSubjects, ...(previous ? { previousLinkKeys: previous.map((key) => ({ kind: key.kind, key: key.key, field: key.field, display: key.display })) } : {}) };
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

/** A secret stored on first use; concurrent first uses agree on one value. */
export async function getOrCreateSecret(db: DbOrTx, name: string, generate: () => string): Promise<string> {
  await db.insert(serviceSecrets).values({ name, value: generate() }).onConflictDoNothing();
  const [row] = await db.select().from(serviceSecrets).where(eq(serviceSecrets.name, name));
  if (!row) throw new Error(`secret ${name} missing after insert`);
  return row.value;
}
