import { LRUCache } from 'lru-cache';
import type { DbOrTx } from '../db/client.js';
import { findActiveRuleset } from '../db/repositories/rulesets.repository.js';
import type { Ruleset } from '../domain/rules/ruleset.js';

/**
 * How long an instance keeps using the active ruleset it read before reading it again. Publishing
 * on this instance takes effect at once (`forget`); on other replicas within this time, like a new
 * list version (LIST_REFRESH_MS). Every decision names the version it used.
 */
export const ACTIVE_RULESET_TTL_MS = 1_000;

/** Boxed, because a tenant without a published ruleset is an answer worth keeping too. */
interface Active {
  ruleset: Ruleset | undefined;
}

/**
 * The active ruleset of each tenant, read at most once per ACTIVE_RULESET_TTL_MS. One instance per
 * set of services (createServices): a test or a second app in the same process has its own.
 * One object per loaded version: evaluateRuleset validates its rules once per object.
 */
export class ActiveRulesets {
  // Keyed by tenant id (UUIDs, so tenants of different databases never collide).
  private readonly cache = new LRUCache<string, Active, DbOrTx>({
    max: 10_000,
    ttl: ACTIVE_RULESET_TTL_MS,
    // Concurrent misses share one query instead of each asking the database.
    fetchMethod: async (tenantId, _stale, { context }) => ({ ruleset: await findActiveRuleset(context, tenantId) }),
  });

  /** The tenant's newest published ruleset. */
  async get(db: DbOrTx, tenantId: string): Promise<Ruleset | undefined> {
    const active = await this.cache.fetch(tenantId, { context: db });
    return active?.ruleset;
  }

  /** After a publish: this instance's next screening reads the new version. */
  forget(tenantId: string): void {
    this.cache.delete(tenantId);
  }
}

/** Screenings of one set of services between their start and their answer. */
export class InFlight {
  count = 0;
}
