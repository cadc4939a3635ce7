/**
 * Batch screening (issue #8): many profiles, each screened on its own exactly as one
 * POST /v1/screenings would (its own transaction, decision and case), in order. One bad profile
 * never fails the others: it gets its own error. Used by the batch route and by `cli screen`.
 */
import type { ScreeningSubject } from '../domain/rules/screening-subject.js';
import { AppError } from '../errors.js';
import { screenSubject, type ScreeningDeps } from './screening.service.js';
import type { DecisionView } from '../http/schemas/screening.schemas.js';

/** Profiles per request. Large enough for a nightly vendor feed in a few calls, small enough to answer within a minute. */
export const MAX_BATCH_ITEMS = 1000;

/** One item as the transport parsed it: a valid request, or the reason it is not one. */
export type BatchItem =
  | { subject: ScreeningSubject; monitor?: boolean | undefined; line?: number | undefined }
  | { error: AppError; line?: number | undefined };

export type BatchItemResult =
  | { index: number; line?: number; status: 201 | 200; decision: DecisionView }
  | { index: number; line?: number; status: number; error: AppError };

export interface BatchOptions {
  /** Told about errors that are not the caller's fault (logged by the caller; the item gets a 500). */
  onUnexpectedError?: (error: unknown, index: number) => void;
  /**
   * The batch's Idempotency-Key: item i is screened with the key `batch:<key>:<i>`, so a retried
   * batch gets each decision already made back (200) instead of a second one.
   */
  idempotencyKey?: string;
}

/** The key an item of a batch is screened with; not one a single request is likely to send. */
export const batchItemIdempotencyKey = (batchKey: string, index: number) => `batch:${batchKey}:${index}`;

/**
 * Screens items one after another and reports each result as it is made. A repeated
 * `externalRef` is refused on the later items (422): two profiles of one subject in one batch
 * are almost always a mistake, and which one should win would be a guess.
 */
export async function* screenBatch(
  deps: ScreeningDeps,
  tenantId: string,
  items: Iterable<BatchItem> | AsyncIterable<BatchItem>,
  options: BatchOptions = {},
): AsyncGenerator<BatchItemResult> {
  const firstIndexOf = new Map<string, number>();
  let index = 0;
  for await (const item of items) {
    // On embedded PGlite queries never wait for I/O: without this a long batch would hold off
    // every other request (health checks included) until it ends.
    if (index > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const position = { index, ...(item.line !== undefined ? { line: item.line } : {}) };
    index += 1;
    if ('error' in item) {
      yield { ...position, status: item.error.status, error: item.error };
      continue;
    }
    const ref = item.subject.externalRef;
    if (ref !== undefined) {
      const first = firstIndexOf.get(ref);
      if (first !== undefined) {
        const error = new AppError('unprocessable', `externalRef "${ref}" was already screened by item ${first} of this batch`, [
          { field: '/subject/externalRef', message: `duplicate of item ${first}` },
        ]);
        yield { ...position, status: error.status, error };
        continue;
      }
      firstIndexOf.set(ref, position.index);
    }
    try {
      const { decision, replayed } = await screenSubject(deps, {
        tenantId,
        subject: item.subject,
        ...(item.monitor !== undefined ? { monitor: item.monitor } : {}),
        ...(options.idempotencyKey !== undefined ? { idempotencyKey: batchItemIdempotencyKey(options.idempotencyKey, position.index) } : {}),
      });
      yield { ...position, status: replayed ? 200 : 201, decision };
    } catch (error) {
      if (error instanceof AppError) {
        yield { ...position, status: error.status, error };
        continue;
      }
      options.onUnexpectedError?.(error, position.index);
      const internal = new AppError('internal', 'An unexpected error occurred while screening this item');
      yield { ...position, status: internal.status, error: internal };
    }
  }
}
