import { findScreeningLookups, findScreeningLookupsMany, type LookupAnswers, type LookupQuery } from './repositories/lookups.repository.js';
import type { Db } from './client.js';

/**
 * Statements of one tenant's lookups in flight at once; the rest wait and go together. Two keep
 * both of PostgreSQL's backends busy on a small machine while the waiting ones gather.
 */
const MAX_IN_FLIGHT = 2;
/** Lookups sent in one statement at most: the statement's JSON stays small. */
const MAX_BATCH = 64;

interface Waiting {
  query: LookupQuery;
  resolve: (answers: LookupAnswers) => void;
  reject: (error: unknown) => void;
}

/** One tenant's lookups against one set of list versions: the batch statement takes only those. */
interface Lane {
  inFlight: number;
  waiting: Waiting[];
}

/**
 * The lookups of concurrent screenings (list identifiers, link keys, the previous screening), sent
 * together as one statement when they would otherwise queue for the pool. Every screening reads
 * from PostgreSQL once before it is evaluated; under load each of those reads was a statement of
 * its own, and sending a statement cost the service more CPU than PostgreSQL spent running it.
 *
 * A lone lookup goes at once, alone, as before: no timer, no added wait. While `MAX_IN_FLIGHT`
 * statements of a lane are out, later lookups wait and leave together when one returns. Each
 * answer is the one the single statement gives (findScreeningLookupsMany); a lookup that waited
 * reads no older data than it would have, since it is sent later, never earlier.
 */
export class ScreeningLookupQueue {
  private readonly lanes = new Map<string, Lane>();
  /** Statements sent so far, and the lookups they answered (tests and benches read these). */
  readonly sent = { statements: 0, lookups: 0 };

  constructor(private readonly db: Db) {}

  find(query: LookupQuery): Promise<LookupAnswers> {
    const key = `${query.tenantId}\u0000${query.versionIds.join(',')}`;
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { inFlight: 0, waiting: [] };
      this.lanes.set(key, lane);
    }
    if (lane.inFlight < MAX_IN_FLIGHT) {
      lane.inFlight += 1;
      this.count(1);
      return findScreeningLookups(this.db, query).finally(() => this.next(key, lane));
    }
    return new Promise((resolve, reject) => lane.waiting.push({ query, resolve, reject }));
  }

  /** A statement of the lane returned: send what waited, or forget the lane when it is idle. */
  private next(key: string, lane: Lane): void {
    lane.inFlight -= 1;
    if (lane.waiting.length === 0) {
      if (lane.inFlight === 0) this.lanes.delete(key);
      return;
    }
    const batch = lane.waiting.splice(0, MAX_BATCH);
    lane.inFlight += 1;
    void this.send(batch).finally(() => this.next(key, lane));
  }

  private count(lookups: number): void {
    this.sent.statements += 1;
    this.sent.lookups += lookups;
  }

  private async send(batch: readonly Waiting[]): Promise<void> {
    const { tenantId, versionIds } = batch[0]!.query;
    this.count(batch.length);
    try {
      const answers = await findScreeningLookupsMany(this.db, { tenantId, versionIds, subjects: batch.map((item) => item.query) });
      batch.forEach((item, index) => item.resolve(answers[index]!));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      // Whatever failed the statement, each screening gets its own answer or its own error.
      for (const item of batch) await findScreeningLookups(this.db, item.query).then(item.resolve, item.reject);
    }
  }
}
