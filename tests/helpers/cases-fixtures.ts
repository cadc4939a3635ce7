import request from 'supertest';
import type { Db } from '../../src/db/client.js';
import { insertPublishedRuleset } from '../../src/db/repositories/rulesets.repository.js';
import { findTenantBySlug } from '../../src/db/repositories/tenancy.repository.js';
import { DEFAULT_RULES } from '../../src/domain/rules/default-ruleset.js';
import type { Rule } from '../../src/domain/rules/ruleset.js';
import { createApiKey } from '../../src/services/api-keys.service.js';
import { listEntry } from './list-fixtures.js';
import { bearer, type TestApp } from './test-app.js';
import type { ActiveRulesets } from '../../src/services/active-ruleset.service.js';

/**
 * A small watchlist: names the tests screen against. Each entry says something besides its name
 * (a nationality at least), so a name-only match keeps its whole weight: an entry of names alone
 * is lowered as indistinguishable from a namesake (docs/scoring.md), which these tests are not about.
 */
export const WATCHLIST = [
  listEntry({ sourceId: 'W-1', name: 'KIM, Sang Man', birthDates: [{ value: '1961-08-12' }], nationalities: ['KP'] }),
  listEntry({ sourceId: 'W-2', name: 'PAK, Hwa Song', nationalities: ['KP'] }),
  listEntry({ sourceId: 'W-3', name: 'HAN, Chol Jin', nationalities: ['KP'] }),
  listEntry({ sourceId: 'W-4', name: 'RI, Kyong Sik', nationalities: ['KP'] }),
];

/**
 * Publishes a ruleset of only the list-name rule with the given thresholds for tenant `default`.
 * With `{ review: 40, block: 50 }` a strong name match (about 60 points) is a block.
 */
export async function publishNameOnlyRuleset(db: Db, version: number, thresholds: { review: number; block: number }, rulesets: ActiveRulesets) {
  const tenant = await findTenantBySlug(db, 'default');
  if (!tenant) throw new Error('tenant default missing');
  const nameRule = DEFAULT_RULES.find((rule) => rule.key === 'list-name-match');
  if (!nameRule) throw new Error('list-name-match rule missing from the default ruleset');
  // An additive ruleset (no combination): the name rule gets the 60 points it had in the additive
  // default, so with these thresholds a strong name match alone reaches block.
  const additiveNameRule = { ...nameRule, weight: 60 };
  await db.transaction((tx) => insertPublishedRuleset(tx, { tenantId: tenant.id, version, thresholds, rules: [additiveNameRule as unknown as Omit<Rule, 'version'>], createdBy: 'test' }));
  // Published behind the service's back: tell this instance, as publishing through the API does.
  rulesets.forget(tenant.id);
}

/** A second reviewer key of tenant `default`, for four-eyes. */
export async function createReviewerKey(db: Db, label: string) {
  return (await createApiKey(db, { tenantSlug: 'default', roles: ['reviewer'], owner: label, label })).key;
}

export async function screen(t: TestApp, subject: Record<string, unknown>, key = t.keys.screener) {
  const response = await request(t.app.server).post('/v1/screenings').set(bearer(key)).send({ subject });
  if (response.status !== 201) throw new Error(`screening failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as { id: string; outcome: string; score: number; caseId: string | null; caseStatus: string | null; disposition: string | null; hits: Record<string, unknown>[] };
}

export const api = (t: TestApp, key: string) => ({
  get: (path: string) => request(t.app.server).get(path).set(bearer(key)),
  post: (path: string, body: unknown) => request(t.app.server).post(path).set(bearer(key)).send(body as object),
});

/** Polls until `check` returns a value (not undefined) or the time is up. */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
