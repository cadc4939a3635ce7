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

/**
 * The lookups of one subject: a function of the database (migration 0019) whose plan PostgreSQL
 * keeps, so that the one statement every screening runs is not planned again each time.
 * Parameters: $1 tenant, $2 externalRef, $3 subject id, $4 previous decision id (the subject by
 * $2 when $2 is set, else by $3/$4), $5 list version ids, $6/$7 identifier kinds and values, $8
 * link keys, $9 the chain position before which other applicants' keys count (a replay; null:
 * all), $10 at most this many linked rows, $11 at most this many of them per key and kind (null:
 * no bound).
 */
const SCREENING_LOOKUPS = 'select identifiers, linked, previous, known from redflag_screening_lookups($1::uuid, $2::text, $3::uuid, $4::uuid, $5::uuid[], $6::text[], $7::text[], $8::text[], $9::bigint, $10::int, $11::int)';

/**
 * The same lookups for many subjects of one tenant in one statement (concurrent screenings,
 * monitoring re-screens): each row of $3 (JSON) is one subject's inputs, answered exactly as the
 * single statement answers them. $1 tenant, $2 list version ids, $4 at most this many linked rows.
 */
const SCREENING_LOOKUPS_MANY = `
  select q.i, a.identifiers, a.linked, a.previous, a.known
  from json_to_recordset($3::json) as q(i int, "externalRef" text, "subjectId" uuid, "previousDecisionId" uuid, kinds text[], "values" text[], keys text[], "beforeSequence" bigint, "linkedPerKey" int)
  cross join lateral redflag_screening_lookups($1::uuid, q."externalRef", q."subjectId", q."previousDecisionId", $2::uuid[], q.kinds, q."values", q.keys, q."beforeSequence", $4::int, q."linkedPerKey") a
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
