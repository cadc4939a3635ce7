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
 * The lookups of one subject or many, as a function of the database (migration 0019) whose plan
 * PostgreSQL keeps, so that the one statement every screening runs is not planned again each
 * time. $1 tenant, $2 list version ids, $3 (JSON) one row of inputs per subject, answered in its
 * `i` order, $4 at most this many linked rows per subject.
 */
const SCREENING_LOOKUPS = 'select i, identifiers, linked, previous, known from redflag_screening_lookups($1::uuid, $2::uuid[], $3::json, $4::int)';

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
  const [answers] = await findScreeningLookupsMany(db, { tenantId: query.tenantId, versionIds: query.versionIds, subjects: [query] });
  return answers!;
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
  const rows = await queryPrepared<LookupRow & { i: number }>(db, 'screening_lookups', SCREENING_LOOKUPS, [query.tenantId, [...query.versionIds], JSON.stringify(batch), MAX_LINKED]);
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
