/**
 * Personal-data erasure: the retention job (decisions older than RETENTION_DAYS) and a subject's
 * erasure request. Either way a decision's stored input becomes null and `input_erased_at` is
 * set (the one change the append-only trigger allows); its digest stays in the row and in the
 * hash chain, so the chain still verifies. The subject's link keys (normalised e-mails, phones,
 * wallets and the name they were seen with) are deleted with it.
 *
 * Not erased: what the chain hashes (external ref, hits with their redacted values, list entry
 * names), which an auditor must still be able to verify.
 */
import type { Db } from '../db/client.js';
import {
  deleteLinkKeysOfDecisions,
  deleteSubjectLinkKeys,
  eraseExpiredInputs,
  eraseSubjectInputs,
  findSubjectByExternalRef,
  recordAuditEvent,
} from '../db/repositories/audit.repository.js';

export interface ErasureDeps {
  db: Db;
  now: () => Date;
}

export interface SubjectErasure {
  externalRef: string;
  subjectFound: boolean;
  /** Decisions whose input was erased by this request. */
  decisionsErased: number;
  /** Decisions of the subject whose input had already been erased (retention, an earlier request). */
  alreadyErased: number;
  linkKeysDeleted: number;
  erasedAt: string;
}

/** Erases now the stored input of every decision of one subject, with an audit event, in one transaction. */
export async function eraseSubject(deps: ErasureDeps, input: { tenantId: string; externalRef: string; actor: string }): Promise<SubjectErasure> {
  const erasedAt = deps.now().toISOString();
  return deps.db.transaction(async (tx) => {
    const subject = await findSubjectByExternalRef(tx, input.tenantId, input.externalRef);
    const scope = { tenantId: input.tenantId, subjectId: subject?.id ?? null, externalRef: input.externalRef };
    const { erased, alreadyErased } = await eraseSubjectInputs(tx, { ...scope, at: erasedAt });
    const linkKeysDeleted = await deleteSubjectLinkKeys(tx, scope);
    const result = { externalRef: input.externalRef, subjectFound: subject !== undefined, decisionsErased: erased, alreadyErased, linkKeysDeleted, erasedAt };
    // Recorded even when nothing matched: the request itself is part of the record.
    await recordAuditEvent(tx, {
      tenantId: input.tenantId,
      actor: input.actor,
      action: 'subject.erased',
      targetType: 'subject',
      targetId: subject?.id ?? null,
      details: { externalRef: input.externalRef, decisionsErased: erased, alreadyErased, linkKeysDeleted },
      at: erasedAt,
    });
    return result;
  });
}

export interface RetentionRun {
  /** Decisions created before this instant were due; null when retention is off. */
  cutoff: string | null;
  decisionsErased: number;
  linkKeysDeleted: number;
}

export const RETENTION_BATCH = 1000;
export const RETENTION_ACTOR = 'system:retention';
const DAY_MS = 86_400_000;

/**
 * Erases the input of every decision older than `retentionDays` (0: keep forever), in batches of
 * RETENTION_BATCH, each its own transaction with one audit event per tenant it touched. Safe to
 * run on several instances at once: each batch skips rows another one holds.
 */
export async function runRetention(deps: ErasureDeps, options: { retentionDays: number; batchSize?: number; signal?: AbortSignal }): Promise<RetentionRun> {
  if (options.retentionDays <= 0) return { cutoff: null, decisionsErased: 0, linkKeysDeleted: 0 };
  const now = deps.now();
  const cutoff = new Date(now.getTime() - options.retentionDays * DAY_MS).toISOString();
  const at = now.toISOString();
  const batchSize = options.batchSize ?? RETENTION_BATCH;
  let decisionsErased = 0;
  let linkKeysDeleted = 0;
  for (;;) {
    const batch = await deps.db.transaction(async (tx) => {
      const erased = await eraseExpiredInputs(tx, { cutoff, at, limit: batchSize });
      if (erased.length === 0) return { erased: 0, keys: 0 };
      const keys = await deleteLinkKeysOfDecisions(tx, erased.map((row) => row.id));
      const perTenant = new Map<string, number>();
      for (const row of erased) perTenant.set(row.tenantId, (perTenant.get(row.tenantId) ?? 0) + 1);
      for (const [tenantId, count] of perTenant) {
        await recordAuditEvent(tx, {
          tenantId,
          actor: RETENTION_ACTOR,
          action: 'retention.inputs_erased',
          targetType: 'decision',
          details: { decisionsErased: count, createdBefore: cutoff, retentionDays: options.retentionDays },
          at,
        });
      }
      return { erased: erased.length, keys };
    });
    decisionsErased += batch.erased;
    linkKeysDeleted += batch.keys;
    // A stopping app ends the run between batches; the next run picks up what is left.
    if (batch.erased < batchSize || options.signal?.aborted) break;
  }
  return { cutoff, decisionsErased, linkKeysDeleted };
}

export interface RetentionJob {
  /** Clears the timers and waits for a run in progress to finish its current batch. */
  stop(): Promise<void>;
}

/**
 * Runs the retention job every `intervalMs`, the first time a minute after start (not at start,
 * so a burst of restarts does not hammer the database). The timers are unref'd: they never keep
 * the process alive. Runs never overlap.
 */
export function startRetentionJob(
  deps: ErasureDeps,
  options: { retentionDays: number; intervalMs: number; onRun?: (run: RetentionRun) => void; onError?: (error: Error) => void },
): RetentionJob {
  const controller = new AbortController();
  let current: Promise<void> | undefined;
  const tick = () => {
    if (current || controller.signal.aborted) return;
    current = runRetention(deps, { retentionDays: options.retentionDays, signal: controller.signal })
      .then((run) => options.onRun?.(run))
      .catch((error: unknown) => options.onError?.(error as Error))
      .finally(() => (current = undefined));
  };
  const first = setTimeout(tick, Math.min(60_000, options.intervalMs));
  const every = setInterval(tick, options.intervalMs);
  first.unref();
  every.unref();
  return {
    async stop() {
      controller.abort();
      clearTimeout(first);
      clearInterval(every);
      await current;
    },
  };
}
