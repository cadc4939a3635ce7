/**
 * Appending decisions to a tenant's hash chain (issue #6) without making every screening of the
 * tenant wait for the one before it to commit.
 *
 * The chain has one head row per tenant; a decision is sealed against the head (its hash covers
 * the previous one) and moves it. Two ways in:
 *
 * - `appendScreening`: new screenings that need nothing read inside a transaction (most: clear
 *   with no list entry; and every first screening of an applicant, whose case, if it opens one,
 *   is new too) are queued and written by one statement per batch, group-commit style: subject,
 *   link keys, decision, and a new case with its first event and webhook deliveries. While one
 *   batch is being written the next one gathers, so under load many decisions share one
 *   statement, one head update and one commit.
 * - `appendDecision`: inside a transaction that wrote more (joining an open case, false-positive
 *   memory, a re-screen), last, so the head is locked only from here to commit.
 *
 * Both seal against the head this process last wrote (`known`); batches, and transactions that
 * find it free, take `gate` so that they seal in the order their statements reach PostgreSQL.
 * Each statement moves the head only if it is still the expected one (sequence and hash). When
 * something else moved it first (another replica, a transaction that did not find the gate free,
 * one that rolled back), a batch's statement fails with serialization_failure having written
 * nothing (migration 0008) and the batch is sealed again in a transaction holding the head; a
 * transaction's append locks the head and seals again. When the head keeps being moved by
 * another instance, batches take a per-tenant writers' lock first for a while (`contendedUntil`).
 * The chain never forks.
 */
import { E_ALREADY_LOCKED, Mutex, tryAcquire, type MutexInterface } from 'async-mutex';
import { eq, getTableColumns, sql } from 'drizzle-orm';
import type { ChainHead } from '../domain/audit/chain-record.js';
import type { LinkKey } from '../domain/rules/subject-lookups.js';
import { queryPrepared, type Db, type DbOrTx } from './client.js';
import { isTransientConflict } from './errors.js';
import { GENESIS_HASH, type ChainSeal, type DecisionRow, type UnchainedDecision } from './repositories/decisions.repository.js';
import { auditChainHeads, caseEvents, cases } from './schema/index.js';

export type Seal = (decision: UnchainedDecision, head: ChainHead | null) => ChainSeal;

/**
 * A screening's subject row and link keys, written with its decision: the subject found by
 * externalRef or created, pointed at the decision, and the keys recorded with it.
 */
export interface SubjectWrite {
  /** The id a new subject gets; an existing one keeps its own. */
  newId: string;
  externalRef: string | null;
  monitored: boolean;
  nameKey: string;
  links: readonly LinkKey[];
  /**
   * The subject must be created by this write (its screening skipped what only a known subject
   * needs: false-positive memory, joining an open case). If it exists after all, the statement
   * fails with RF001 having written nothing (migration 0009).
   */
  mustBeNew: boolean;
  /** The case the decision opens for the new subject, its first event and the notification. */
  opensCase?: CaseOpeningWrite;
}

/** Rows as the service builds them (see caseOpening in services/cases.service.ts). */
export interface CaseOpeningWrite {
  caseRow: typeof cases.$inferInsert;
  event: typeof caseEvents.$inferInsert;
  /** The `case.opened` body, queued for every webhook of the tenant subscribed to it. */
  webhookPayload: { event: string; createdAt: string } & Record<string, unknown>;
}

/** A row keyed by column name, for json_populate_record: the table's own mapping, not a copy of it. */
function byColumnName(table: typeof cases | typeof caseEvents, row: Record<string, unknown>): Record<string, unknown> {
  const columns = getTableColumns(table) as Record<string, { name: string }>;
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [columns[key]!.name, value]));
}

interface KnownHead {
  sequence: number;
  hash: string;
  lastCreatedAt: string | undefined;
}

interface QueuedScreening {
  db: Db;
  decision: UnchainedDecision;
  subject: SubjectWrite;
  seal: Seal;
  resolve: (row: DecisionRow) => void;
  reject: (error: unknown) => void;
}

class TenantChain {
  /** The head as this process last wrote it (committed, or in a transaction about to commit). */
  known: KnownHead | undefined;
  /** One statement that moves the head at a time, in the order they sealed. */
  readonly gate = new Mutex();
  readonly queue: QueuedScreening[] = [];
  draining = false;
  /**
   * Until this time (ms), batches take the writers' lock and read the head before sealing instead
   * of sealing against `known`: another instance is appending too, and a batch that finds the
   * head moved has done all its work for nothing.
   */
  contendedUntil = 0;
  /** Appends by this instance's transactions, which move the head under a batch without being another instance. */
  localAppends = 0;
}

/** How long batches take the writers' lock after one found the head moved by another instance. */
const CONTENDED_MS = 5000;

/** Decisions per batch statement at most: bounded statement size, still far fewer commits. */
const MAX_BATCH = 100;

/**
 * A transaction's append takes the gate only if it is free, and otherwise locks the head in
 * PostgreSQL. It must not wait for the gate: it holds a database connection (and row locks) while
 * it waits, and the batch holding the gate may need a connection from the same pool, or a row
 * that transaction holds, to finish: a cycle PostgreSQL cannot see because half of it is here.
 */

async function readHead(db: DbOrTx, tenantId: string, lock: boolean): Promise<KnownHead> {
  const select = () => {
    const query = db.select().from(auditChainHeads).where(eq(auditChainHeads.tenantId, tenantId));
    return lock ? query.for('update') : query;
  };
  let [head] = await select();
  if (!head) {
    // The tenant's first decision: create the head (concurrent first decisions agree on one row).
    await db.insert(auditChainHeads).values({ tenantId, sequence: 0, hash: GENESIS_HASH }).onConflictDoNothing();
    [head] = await select();
  }
  if (!head) throw new Error('chain head missing after insert');
  return { sequence: head.sequence, hash: head.hash, lastCreatedAt: head.lastCreatedAt ? new Date(head.lastCreatedAt).toISOString() : undefined };
}

/** Seals `decision` after `head`; its time is never earlier than the head's, so time ranges follow chain order. */
function sealAfter(decision: UnchainedDecision, head: KnownHead, seal: Seal): DecisionRow {
  const timed = head.lastCreatedAt && head.lastCreatedAt > decision.createdAt ? { ...decision, createdAt: head.lastCreatedAt } : decision;
  const sealed = seal(timed, head.sequence === 0 ? null : { sequence: head.sequence, hash: head.hash });
  return {
    ...timed,
    externalRef: timed.externalRef ?? null,
    input: timed.input ?? null,
    idempotencyKey: timed.idempotencyKey ?? null,
    subjectId: timed.subjectId ?? null,
    inputErasedAt: null,
    ...sealed,
  };
}

const headOf = (row: DecisionRow): KnownHead => ({ sequence: row.sequence, hash: row.hash, lastCreatedAt: row.createdAt });

const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

/**
 * Moves the head from `expected` to `row` and inserts the decision, in one statement: the update
 * matches only while the stored head is still `expected` (sequence and hash: a decision sealed
 * again after a conflict takes the same sequence with another hash), and the insert happens only
 * if it matched. The head row stays locked until the transaction ends.
 */
async function insertIfHeadIs(tx: DbOrTx, row: DecisionRow, expected: KnownHead): Promise<boolean> {
  const result = (await tx.execute(sql`
    with moved as (
      update audit_chain_heads set sequence = ${row.sequence}, hash = ${row.hash}, last_created_at = ${row.createdAt}
      where tenant_id = ${row.tenantId} and sequence = ${expected.sequence} and hash = ${expected.hash}
      returning tenant_id
    )
    insert into decisions (id, tenant_id, external_ref, outcome, score, hits, ruleset_id, ruleset_version, list_versions,
      input, input_digest, idempotency_key, subject_id, sequence, prev_hash, hash, created_at)
    select ${row.id}, ${row.tenantId}, ${row.externalRef}, ${row.outcome}, ${row.score}, ${json(row.hits)}::jsonb, ${row.rulesetId},
      ${row.rulesetVersion}, ${json(row.listVersions)}::jsonb, ${json(row.input)}::jsonb, ${row.inputDigest}, ${row.idempotencyKey},
      ${row.subjectId}::uuid, ${row.sequence}, ${row.prevHash}, ${row.hash}, ${row.createdAt}
    from moved
    returning id`)) as unknown as { rows: unknown[] };
  return result.rows.length === 1;
}

/** DecisionChains.appendDecision, on the tenant's chain. */
async function appendDecision(chain: TenantChain, tx: DbOrTx, decision: UnchainedDecision, seal: Seal, options: { lockHead?: boolean }): Promise<DecisionRow> {
  if (!options.lockHead) {
    let release: MutexInterface.Releaser | undefined;
    try {
      release = await tryAcquire(chain.gate).acquire();
    } catch (error) {
      if (error !== E_ALREADY_LOCKED) throw error;
    }
    if (release) {
      try {
        const expected = chain.known ?? (await readHead(tx, decision.tenantId, false));
        const row = sealAfter(decision, expected, seal);
        if (await insertIfHeadIs(tx, row, expected)) {
          chain.known = headOf(row);
          return row;
        }
        chain.known = undefined;
      } finally {
        release();
      }
    }
  }
  // The gate is busy, or the head moved (another replica, a rolled-back transaction): lock it.
  chain.localAppends += 1;
  const head = await readHead(tx, decision.tenantId, true);
  const row = sealAfter(decision, head, seal);
  if (!(await insertIfHeadIs(tx, row, head))) throw new Error('chain head moved while locked');
  chain.known = headOf(row);
  return row;
}

/**
 * The batch statement (fixed text, prepared once per connection). $1 the screenings as a JSON
 * array, $2 tenant, $3-$5 the last decision's sequence, hash and time (the new head), $6-$7 the
 * head the batch was sealed against, $8 how many screenings.
 */
const APPEND_SCREENINGS = `
  with item as (
    select * from json_to_recordset($1::json) as i(
      n int, decision_id uuid, subject_new_id uuid, external_ref text, monitored boolean, name_key text, links json,
      must_be_new boolean, case_row json, case_event json, webhook_payload jsonb,
      outcome text, score int, hits jsonb, ruleset_id uuid, ruleset_version int, list_versions jsonb, input jsonb,
      input_digest text, idempotency_key text, sequence bigint, prev_hash text, hash text, created_at timestamptz)
  ), subject as (
    insert into subjects (id, tenant_id, external_ref, monitored, last_decision_id, created_at, updated_at)
    select subject_new_id, $2::uuid, external_ref, monitored, decision_id, created_at, created_at from item order by n
    on conflict (tenant_id, external_ref) do update
      set updated_at = excluded.updated_at, last_decision_id = excluded.last_decision_id, monitored = subjects.monitored or excluded.monitored
    returning id, last_decision_id, xmax = 0 as created
  ), moved as (
    update audit_chain_heads set sequence = $3::bigint, hash = $4::text, last_created_at = $5::timestamptz
    where tenant_id = $2::uuid and sequence = $6::bigint and hash = $7::text
      and (select count(*) from subject) = $8::int
    returning tenant_id
  ), placed as (
    select item.*, subject.id as subject_id from item join subject on subject.last_decision_id = item.decision_id, moved
  ), keys as (
    insert into subject_link_keys (tenant_id, subject_id, decision_id, kind, key, field, display, name_key, created_at)
    select $2::uuid, p.subject_id, p.decision_id, k.kind, k.key, k.field, k.display, p.name_key, p.created_at
    from placed p, json_to_recordset(p.links) as k(kind text, key text, field text, display text)
  ), decision as (
    insert into decisions (id, tenant_id, external_ref, outcome, score, hits, ruleset_id, ruleset_version, list_versions,
      input, input_digest, idempotency_key, subject_id, sequence, prev_hash, hash, created_at)
    select decision_id, $2::uuid, external_ref, outcome, score, hits, ruleset_id, ruleset_version, list_versions,
      input, input_digest, idempotency_key, subject_id, sequence, prev_hash, hash, created_at
    from placed order by n
    returning id, subject_id
  ), opened as (
    -- Whole rows as caseOpening() builds them: a column it does not set is null here, not its
    -- default (a NOT NULL column added later fails this insert in the tests until it is set).
    insert into cases select c.* from placed, json_populate_record(null::cases, placed.case_row) c where placed.case_row is not null
  ), opened_with as (
    insert into case_decisions (case_id, decision_id, added_at)
    select (case_row->>'id')::uuid, decision_id, (case_row->>'opened_at')::timestamptz from placed where case_row is not null
  ), opened_event as (
    insert into case_events select e.* from placed, json_populate_record(null::case_events, placed.case_event) e where placed.case_event is not null
  ), notified as (
    insert into webhook_deliveries (id, webhook_id, tenant_id, event, payload, status, attempts, next_attempt_at, attempt_log, created_at)
    select redflag_uuidv7(), w.id, $2::uuid, p.webhook_payload->>'event', p.webhook_payload, 'pending', 0, now(), '[]'::jsonb,
      (p.webhook_payload->>'createdAt')::timestamptz
    from placed p join webhooks w on w.tenant_id = $2::uuid and w.disabled_at is null and w.events @> array[p.webhook_payload->>'event']
    where p.webhook_payload is not null
  )
  select redflag_require_chain_head((select count(*) from decision) = $8::int) as ok,
    redflag_require_new_subjects(not exists (
      select 1 from item join subject on subject.last_decision_id = item.decision_id where item.must_be_new and not subject.created)) as new,
    (select json_agg(json_build_object('id', id, 'subjectId', subject_id)) from decision) as placed`;

/**
 * Writes a batch of screenings in one statement, without a transaction around it (a statement
 * is atomic): every subject upserted first (the order a screening's transaction locks them in),
 * then the head moved past all their decisions, then their link keys and decisions. If the head
 * was not `expected`, redflag_require_chain_head (migration 0008) fails the statement and nothing
 * is written. Returns each decision's subject id.
 */
async function insertScreenings(db: DbOrTx, tenantId: string, rows: readonly DecisionRow[], subjects: readonly SubjectWrite[], expected: KnownHead): Promise<Map<string, string>> {
  const last = rows[rows.length - 1]!;
  const items = rows.map((row, index) => {
    const subject = subjects[index]!;
    return {
      n: index,
      decision_id: row.id,
      subject_new_id: subject.newId,
      external_ref: subject.externalRef,
      monitored: subject.monitored,
      name_key: subject.nameKey,
      links: subject.links.map(({ kind, key, field, display }) => ({ kind, key, field, display })),
      must_be_new: subject.mustBeNew,
      case_row: subject.opensCase ? byColumnName(cases, subject.opensCase.caseRow) : null,
      case_event: subject.opensCase ? byColumnName(caseEvents, subject.opensCase.event) : null,
      webhook_payload: subject.opensCase?.webhookPayload ?? null,
      outcome: row.outcome,
      score: row.score,
      hits: row.hits,
      ruleset_id: row.rulesetId,
      ruleset_version: row.rulesetVersion,
      list_versions: row.listVersions,
      input: row.input,
      input_digest: row.inputDigest,
      idempotency_key: row.idempotencyKey,
      sequence: row.sequence,
      prev_hash: row.prevHash,
      hash: row.hash,
      created_at: row.createdAt,
    };
  });
  const rowsOut = await queryPrepared<{ placed: string | { id: string; subjectId: string }[] }>(db, 'append_screenings', APPEND_SCREENINGS, [
    JSON.stringify(items),
    tenantId,
    last.sequence,
    last.hash,
    last.createdAt,
    expected.sequence,
    expected.hash,
    rows.length,
  ]);
  const placed = rowsOut[0]?.placed;
  const list = typeof placed === 'string' ? (JSON.parse(placed) as { id: string; subjectId: string }[]) : (placed ?? []);
  return new Map(list.map((entry) => [entry.id, entry.subjectId]));
}

/** The next batch: queued screenings of one database, one per subject (a statement may upsert a row once). */
function takeBatch(queue: QueuedScreening[]): QueuedScreening[] {
  const batch: QueuedScreening[] = [];
  const refs = new Set<string>();
  const db = queue[0]?.db;
  for (let index = 0; index < queue.length && batch.length < MAX_BATCH; ) {
    const item = queue[index]!;
    const ref = item.subject.externalRef;
    if (item.db !== db || (ref !== null && refs.has(ref))) {
      index += 1;
      continue;
    }
    if (ref !== null) refs.add(ref);
    batch.push(item);
    queue.splice(index, 1);
  }
  return batch;
}

/** Seals the batch's decisions one after another, after `head`. */
function sealBatch(batch: readonly QueuedScreening[], after: KnownHead): { rows: DecisionRow[]; last: KnownHead } {
  let head = after;
  const rows = batch.map((item) => {
    const row = sealAfter(item.decision, head, item.seal);
    head = headOf(row);
    return row;
  });
  return { rows, last: head };
}

function settle(batch: readonly QueuedScreening[], rows: readonly DecisionRow[], subjectIds: ReadonlyMap<string, string>) {
  batch.forEach((item, index) => item.resolve({ ...rows[index]!, subjectId: subjectIds.get(rows[index]!.id) ?? null }));
}

/** Seals the batch after the head as it stands and writes it, in the caller's transaction or not. */
async function sealAndInsert(db: DbOrTx, tenantId: string, batch: readonly QueuedScreening[], head: KnownHead) {
  const sealed = sealBatch(batch, head);
  return { ...sealed, subjectIds: await insertScreenings(db, tenantId, sealed.rows, batch.map((item) => item.subject), head) };
}

/**
 * The batch writers of every instance take this lock (per tenant, held to commit) while another
 * instance is appending too. It orders them without touching the head row, so a batch still
 * locks subject rows before the head, in the order screening transactions do (no deadlock).
 */
const takeWritersLock = (tx: DbOrTx, tenantId: string) => tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`redflag-chain:${tenantId}`}))`);

async function writeBatch(chain: TenantChain, tenantId: string, batch: readonly QueuedScreening[]): Promise<void> {
  const db = batch[0]!.db;
  const localAppendsBefore = chain.localAppends;
  try {
    let written: { rows: DecisionRow[]; last: KnownHead; subjectIds: Map<string, string> };
    try {
      if (Date.now() < chain.contendedUntil) {
        // Another instance appends too: wait for its batch, then seal after what it wrote.
        written = await db.transaction(async (tx) => {
          await takeWritersLock(tx, tenantId);
          return sealAndInsert(tx, tenantId, batch, await readHead(tx, tenantId, false));
        });
      } else {
        // One statement, no transaction: the common case, when no one else moved the head.
        written = await sealAndInsert(db, tenantId, batch, chain.known ?? (await readHead(db, tenantId, false)));
      }
    } catch (error) {
      chain.known = undefined;
      if (!isTransientConflict(error)) throw error;
      // Moved by neither this batch writer nor this instance's transactions: another instance.
      if (chain.localAppends === localAppendsBefore) chain.contendedUntil = Date.now() + CONTENDED_MS;
      // Seal again holding the head, which cannot move until this commits.
      written = await db.transaction(async (tx) => sealAndInsert(tx, tenantId, batch, await readHead(tx, tenantId, true)));
    }
    chain.known = written.last;
    settle(batch, written.rows, written.subjectIds);
  } catch (error) {
    chain.known = undefined;
    if (batch.length > 1 && !isTransientConflict(error)) {
      // One screening's own fault (an Idempotency-Key used before): the others must not share it.
      for (const item of batch) await writeBatch(chain, tenantId, [item]);
      return;
    }
    for (const item of batch) item.reject(error);
  }
}

async function drain(chain: TenantChain, tenantId: string): Promise<void> {
  chain.draining = true;
  try {
    while (chain.queue.length > 0) {
      const release = await chain.gate.acquire();
      try {
        await writeBatch(chain, tenantId, takeBatch(chain.queue));
      } finally {
        release();
      }
    }
  } finally {
    chain.draining = false;
  }
}

/**
 * The tenants' chains as this process appends to them: the head it last wrote, the gate, the
 * queue of screenings waiting for the next batch. One per set of services (createServices), so
 * everything that appends through those services (requests, monitoring, the CLI) shares it; a
 * second set in the same process is another writer, as another instance would be.
 */
export class DecisionChains {
  // Keyed by tenant id (UUIDs: tenants of different databases never collide).
  private readonly chains = new Map<string, TenantChain>();

  private chainOf(tenantId: string): TenantChain {
    let chain = this.chains.get(tenantId);
    if (!chain) {
      chain = new TenantChain();
      this.chains.set(tenantId, chain);
    }
    return chain;
  }

  /**
   * Appends a decision inside the caller's transaction; call it last, since the head stays locked
   * from here to commit. `lockHead`: lock the head outright (a re-screen appending many decisions
   * in one transaction, which must not wait for the gate while it holds the head).
   */
  appendDecision(tx: DbOrTx, decision: UnchainedDecision, seal: Seal, options: { lockHead?: boolean } = {}): Promise<DecisionRow> {
    return appendDecision(this.chainOf(decision.tenantId), tx, decision, seal, options);
  }

  /**
   * Appends a screening that needs no transaction (see the top of this file): queued, and written
   * with the others queued at the same time in one statement. Rejects, having written nothing,
   * with serialization_failure when the head moved under the batch and it could not be sealed
   * again, or with RF001 when a subject that `mustBeNew` already existed; the caller then writes
   * the screening in a transaction (`appendDecision`).
   */
  appendScreening(db: Db, decision: Omit<UnchainedDecision, 'subjectId'>, seal: Seal, subject: SubjectWrite): Promise<DecisionRow> {
    const chain = this.chainOf(decision.tenantId);
    return new Promise<DecisionRow>((resolve, reject) => {
      chain.queue.push({ db, decision: { ...decision, subjectId: null }, subject, seal, resolve, reject });
      if (!chain.draining) void drain(chain, decision.tenantId);
    });
  }
}
