import { eq } from 'drizzle-orm';
import type { IdentifierMatch, LinkedSubject } from '../../domain/rules/evaluation-context.js';
import type { IdentifierLookup, LinkKey, LinkKind } from '../../domain/rules/subject-lookups.js';
import { queryPrepared, type Db, type DbOrTx } from '../client.js';
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
  /** Whether the subject was stored when this was read: false for an applicant never screened before. */
  subjectKnown: boolean;
}

/**
 * One fixed text (arrays, not lists of parameters), so PostgreSQL can keep it prepared per
 * connection: it is the one statement every screening runs, and planning it cost more than
 * running it. Parameters: $1 tenant, $2 externalRef, $3 subject id, $4 previous decision id
 * (the subject by $2 when $2 is set, else by $3/$4), $5 list version ids, $6/$7 identifier kinds
 * and values, $8 link keys, $9 the chain position before which other applicants' keys count (a
 * replay; null: all), $10 at most this many linked rows.
 */
const SCREENING_LOOKUPS = `
  with me as (
    select id, last_decision_id from subjects where $2::text is not null and tenant_id = $1::uuid and external_ref = $2::text
    union all
    select $3::uuid, $4::uuid where $2::text is null and ($3::uuid is not null or $4::uuid is not null)
  )
  select
    (select coalesce(json_agg(m), '[]'::json) from (
      select li.kind, li.normalized, e.id as "entryId", e.source, e.source_id as "sourceId", e.name, e.type, e.data
      from list_identifiers li join list_entries e on e.id = li.entry_id
      where li.list_version_id = any($5::uuid[])
        and (li.kind, li.normalized) in (select * from unnest($6::text[], $7::text[]))) m) as identifiers,
    (select coalesce(json_agg(l), '[]'::json) from (
      select distinct on (k.subject_id, k.key) k.key, k.kind, k.subject_id as "subjectId", s.external_ref as "externalRef", k.name_key as "nameKey", k.created_at as "createdAt"
      from unnest($8::text[]) as wanted(key)
      -- Key by key through the (tenant, key) index, whatever the statistics said when the plan
      -- was cached: the limit keeps PostgreSQL from turning this into one scan of every key.
      cross join lateral (
        select * from subject_link_keys k
        where k.tenant_id = $1::uuid and k.key = wanted.key and k.subject_id is distinct from (select id from me)
          -- Chain order, not time: decisions may share a millisecond.
          -- (A lookup by the decision's key per row: an EXISTS here became a hash of every earlier decision.)
          and ($9::bigint is null or (select d.sequence from decisions d where d.id = k.decision_id) < $9::bigint)
        order by k.created_at
        limit $10::int) k
      join subjects s on s.id = k.subject_id
      order by k.subject_id, k.key, k.created_at
      limit $10::int) l) as linked,
    (select case when (select last_decision_id from me) is null then null else coalesce(json_agg(p), '[]'::json) end from (
      select kind, key, field, display from subject_link_keys where decision_id = (select last_decision_id from me)) p) as previous,
    exists (select 1 from me) as known`;

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
export async function findScreeningLookups(db: Db, query: LookupQuery): Promise<LookupAnswers> {
  const subject = query.subject;
  const byRef = subject !== undefined && 'externalRef' in subject ? subject.externalRef : null;
  const known = subject !== undefined && !('externalRef' in subject) ? subject : undefined;
  const rows = await queryPrepared<{ identifiers: unknown; linked: unknown; previous: unknown; known: boolean }>(db, 'screening_lookups', SCREENING_LOOKUPS, [
    query.tenantId,
    byRef,
    known?.id ?? null,
    known?.previousDecisionId ?? null,
    [...query.versionIds],
    query.identifiers.map((lookup) => lookup.kind),
    query.identifiers.map((lookup) => lookup.normalized),
    [...new Set(query.links.map((link) => link.key))],
    query.beforeSequence ?? null,
    MAX_LINKED,
  ]);
  const row = rows[0];
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
  return { identifierMatches, linkedSubjects, subjectKnown: row.known, ...(previous ? { previousLinkKeys: previous.map((key) => ({ kind: key.kind, key: key.key, field: key.field, display: key.display })) } : {}) };
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
