import { eq } from 'drizzle-orm';
import type { IdentifierMatch, LinkedGroup, LinkedSubject } from '../../domain/rules/evaluation-context.js';
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
  /**
   * Other subjects returned per key and kind at most, the earliest; the groups that had more are
   * named in `linkedSubjectsCut`. Absent: all of the (at most `MAX_LINKED`) linked subjects.
   */
  linkedPerKey?: number | undefined;
}

export interface LookupAnswers {
  identifierMatches: IdentifierMatch[];
  linkedSubjects: LinkedSubject[];
  /** Keys and kinds of which `linkedSubjects` holds only the earliest `linkedPerKey`; absent when none. */
  linkedSubjectsCut?: LinkedGroup[];
  /** The keys of the subject's previous screening; absent when it has none. */
  previousLinkKeys?: LinkKey[];
  /** Whether the subject was stored when this was read: false for an applicant never screened before. */
  subjectKnown: boolean;
}

/** Where the lookup statement takes each of its inputs from: parameters, or a row of a batch. */
interface LookupInputs {
  tenant: string;
  externalRef: string;
  subjectId: string;
  previousDecisionId: string;
  versionIds: string;
  kinds: string;
  values: string;
  keys: string;
  beforeSequence: string;
  limit: string;
  perKey: string;
}

/** The lookups of one subject as one select; the single statement and the batch share it. */
const lookupsSelect = (p: LookupInputs) => `
  with me as (
    select id, last_decision_id from subjects where ${p.externalRef} is not null and tenant_id = ${p.tenant} and external_ref = ${p.externalRef}
    union all
    select ${p.subjectId}, ${p.previousDecisionId} where ${p.externalRef} is null and (${p.subjectId} is not null or ${p.previousDecisionId} is not null)
  )
  select
    (select coalesce(json_agg(m), '[]'::json) from (
      select li.kind, li.normalized, e.id as "entryId", e.source, e.source_id as "sourceId", e.name, e.type, e.data
      from list_identifiers li join list_entries e on e.id = li.entry_id
      where li.list_version_id = any(${p.versionIds})
        and (li.kind, li.normalized) in (select * from unnest(${p.kinds}, ${p.values}))) m) as identifiers,
    -- Earliest first, as the rules read them: by the millisecond (all a stored time carries to
    -- JavaScript, and what replays of older decisions sorted by), then by the subject and key the
    -- rows were taken in. Each row a [key, kind, externalRef, name] array: this is the biggest
    -- answer a screening gets (a farm's 200 holders), parsed on every flagged screening. With a
    -- per-key bound, only the earliest that many of each key and kind, and [key, kind] of each
    -- group that had more ("cut").
    (select json_build_object(
        'holders', coalesce(json_agg(json_build_array(l.key, l.kind, coalesce(l.external_ref, 'subject:' || l.subject_id), l.name_key) order by l.at, l.subject_id, l.key)
          filter (where ${p.perKey} is null or l.rank <= ${p.perKey}), '[]'::json),
        'cut', coalesce(json_agg(json_build_array(l.key, l.kind)) filter (where l.rank = ${p.perKey} + 1), '[]'::json))
      from (
      select f.*, date_trunc('milliseconds', f.created_at) as at,
        row_number() over (partition by f.key, f.kind order by date_trunc('milliseconds', f.created_at), f.subject_id) as rank
      from (
      select distinct on (k.subject_id, k.key) k.key, k.kind, k.subject_id, s.external_ref, k.name_key, k.created_at
      from unnest(${p.keys}) as wanted(key)
      -- Key by key through the (tenant, key) index, whatever the statistics said when the plan
      -- was cached: the limit keeps PostgreSQL from turning this into one scan of every key.
      cross join lateral (
        select * from subject_link_keys k
        where k.tenant_id = ${p.tenant} and k.key = wanted.key and k.subject_id is distinct from (select id from me)
          -- Chain order, not time: decisions may share a millisecond.
          -- (A lookup by the decision's key per row: an EXISTS here became a hash of every earlier decision.)
          and (${p.beforeSequence} is null or (select d.sequence from decisions d where d.id = k.decision_id) < ${p.beforeSequence})
        order by k.created_at
        limit ${p.limit}) k
      join subjects s on s.id = k.subject_id
      order by k.subject_id, k.key, k.created_at
      limit ${p.limit}) f) l) as linked,
    (select case when (select last_decision_id from me) is null then null else coalesce(json_agg(p), '[]'::json) end from (
      select kind, key, field, display from subject_link_keys where decision_id = (select last_decision_id from me)) p) as previous,
    exists (select 1 from me) as known`;

/**
 * One fixed text (arrays, not lists of parameters), so PostgreSQL can keep it prepared per
 * connection: it is the one statement every screening runs, and planning it cost more than
 * running it. Parameters: $1 tenant, $2 externalRef, $3 subject id, $4 previous decision id
 * (the subject by $2 when $2 is set, else by $3/$4), $5 list version ids, $6/$7 identifier kinds
 * and values, $8 link keys, $9 the chain position before which other applicants' keys count (a
 * replay; null: all), $10 at most this many linked rows, $11 at most this many of them per key and
 * kind (null: no bound).
 */
const SCREENING_LOOKUPS = lookupsSelect({
  tenant: '$1::uuid',
  externalRef: '$2::text',
  subjectId: '$3::uuid',
  previousDecisionId: '$4::uuid',
  versionIds: '$5::uuid[]',
  kinds: '$6::text[]',
  values: '$7::text[]',
  keys: '$8::text[]',
  beforeSequence: '$9::bigint',
  limit: '$10::int',
  perKey: '$11::int',
});

/**
 * The same select for many subjects of one tenant in one statement (monitoring re-screens): each
 * row of $3 (JSON) is one subject's inputs, answered exactly as the single statement answers them.
 * $1 tenant, $2 list version ids, $4 at most this many linked rows.
 */
const SCREENING_LOOKUPS_MANY = `
  select q.i, a.identifiers, a.linked, a.previous, a.known
  from json_to_recordset($3::json) as q(i int, "externalRef" text, "subjectId" uuid, "previousDecisionId" uuid, kinds text[], "values" text[], keys text[], "beforeSequence" bigint, "linkedPerKey" int)
  cross join lateral (${lookupsSelect({
    tenant: '$1::uuid',
    externalRef: 'q."externalRef"',
    subjectId: 'q."subjectId"',
    previousDecisionId: 'q."previousDecisionId"',
    versionIds: '$2::uuid[]',
    kinds: 'q.kinds',
    values: 'q."values"',
    keys: 'q.keys',
    beforeSequence: 'q."beforeSequence"',
    limit: '$4::int',
    perKey: 'q."linkedPerKey"',
  })}) a
  order by q.i`;

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

/** Linked rows as the statement builds them: key, kind, the other subject's reference, its stored name. */
interface StoredLinks {
  holders: [key: string, kind: string, externalRef: string, nameKey: string][];
  cut: [key: string, kind: string][];
}

/** JSON arrives parsed from node-postgres and as text from some paths; accept both. */
const parsed = <T>(value: unknown): T => (typeof value === 'string' ? (JSON.parse(value) as T) : (value as T));

/** A subject's inputs to the lookup statement: whose screening it is and what it looks up. */
function lookupInputsOf(query: Omit<LookupQuery, 'tenantId' | 'versionIds'>) {
  const subject = query.subject;
  const known = subject !== undefined && !('externalRef' in subject) ? subject : undefined;
  return {
    externalRef: subject !== undefined && 'externalRef' in subject ? subject.externalRef : null,
    subjectId: known?.id ?? null,
    previousDecisionId: known?.previousDecisionId ?? null,
    kinds: query.identifiers.map((lookup) => lookup.kind),
    values: query.identifiers.map((lookup) => lookup.normalized),
    keys: [...new Set(query.links.map((link) => link.key))],
    beforeSequence: query.beforeSequence ?? null,
    linkedPerKey: query.linkedPerKey ?? null,
  };
}

interface LookupRow {
  identifiers: unknown;
  linked: unknown;
  previous: unknown;
  known: boolean;
}

/**
 * Everything a screening asks the database besides the in-memory name index, in one statement:
 * list identifiers equal to the subject's, other subjects sharing a link key (the laptop-farm
 * pattern, earliest first) and the keys of the subject's previous screening.
 */
export async function findScreeningLookups(db: Db, query: LookupQuery): Promise<LookupAnswers> {
  const inputs = lookupInputsOf(query);
  const rows = await queryPrepared<LookupRow>(db, 'screening_lookups', SCREENING_LOOKUPS, [
    query.tenantId,
    inputs.externalRef,
    inputs.subjectId,
    inputs.previousDecisionId,
    [...query.versionIds],
    inputs.kinds,
    inputs.values,
    inputs.keys,
    inputs.beforeSequence,
    MAX_LINKED,
    inputs.linkedPerKey,
  ]);
  const row = rows[0];
  if (!row) throw new Error('lookup query returned no row');
  return answersOf(row);
}

/**
 * The lookups of many subjects of one tenant against the same list versions, in one statement:
 * each answer equals what `findScreeningLookups` gives for that subject (monitoring re-screens).
 */
export async function findScreeningLookupsMany(
  db: DbOrTx,
  query: Pick<LookupQuery, 'tenantId' | 'versionIds'> & { subjects: readonly Omit<LookupQuery, 'tenantId' | 'versionIds'>[] },
): Promise<LookupAnswers[]> {
  if (query.subjects.length === 0) return [];
  const batch = query.subjects.map((subject, i) => ({ i, ...lookupInputsOf(subject) }));
  const rows = await queryPrepared<LookupRow & { i: number }>(db, 'screening_lookups_many', SCREENING_LOOKUPS_MANY, [query.tenantId, [...query.versionIds], JSON.stringify(batch), MAX_LINKED]);
  if (rows.length !== batch.length) throw new Error(`lookup query returned ${rows.length} rows for ${batch.length} subjects`);
  return rows.map(answersOf);
}

function answersOf(row: LookupRow): LookupAnswers {
  const identifierMatches = parsed<StoredIdentifierMatch[]>(row.identifiers).map((match): IdentifierMatch => {
    const identifier = match.data.identifiers.find((candidate) => candidate.kind === match.kind && candidate.normalized === match.normalized);
    return {
      kind: match.kind as IdentifierMatch['kind'],
      normalized: match.normalized,
      ...(identifier?.country ? { country: identifier.country } : {}),
      entry: { id: match.entryId, source: match.source, sourceId: match.sourceId, name: match.name, type: match.type, ...(match.data.attributes ? { attributes: match.data.attributes } : {}) },
    };
  });
  const linked = parsed<StoredLinks>(row.linked);
  const linkedSubjects = linked.holders.map(([key, kind, externalRef, name]): LinkedSubject => ({ key, kind: kind as LinkKind, externalRef, name }));
  const previous = parsed<LinkKey[] | null>(row.previous);
  return {
    identifierMatches,
    linkedSubjects,
    ...(linked.cut.length > 0 ? { linkedSubjectsCut: linked.cut.map(([key, kind]): LinkedGroup => ({ key, kind: kind as LinkKind })) } : {}),
    subjectKnown: row.known,
    ...(previous ? { previousLinkKeys: previous.map((key) => ({ kind: key.kind, key: key.key, field: key.field, display: key.display })) } : {}) };
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
