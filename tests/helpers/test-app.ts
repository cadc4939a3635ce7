import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps } from '../../src/http/app.js';
import { createApiKey } from '../../src/services/api-keys.service.js';
import { bootstrapIfEmpty } from '../../src/services/bootstrap.service.js';
import { createTenant } from '../../src/services/tenants.service.js';
import { ActiveRulesets } from '../../src/services/active-ruleset.service.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export const FIXED_NOW = new Date('2026-11-25T12:00:00.000Z');

export interface LogCapture {
  lines: string[];
  text(): string;
}

export interface TestApp {
  app: FastifyInstance;
  database: TestDatabase;
  logs: LogCapture;
  keys: {
    admin: string;
    screener: string;
    reviewer: string;
    auditor: string;
    rulesAdmin: string;
    /** A screener of another tenant, for isolation tests. */
    otherTenantScreener: string;
    otherTenantAdmin: string;
    /** The operator's key (tenants, global lists): belongs to no tenant. */
    operator: string;
  };
  /** The app's active-ruleset cache: a test that publishes a ruleset in SQL tells it (`forget`). */
  rulesets: ActiveRulesets;
  close(): Promise<void>;
}

export function captureLogs(): { stream: Writable; logs: LogCapture } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      callback();
    },
  });
  return { stream, logs: { lines, text: () => lines.join('\n') } };
}

/** A migrated database with tenant `default` and another tenant, keys for every role, and the app. */
export async function createTestApp(
  options: {
    beforeBuild?: (database: TestDatabase) => Promise<void>;
    /** Extra buildApp options (webhook backoff, list refresh ...); the clock stays FIXED_NOW unless given. */
    appDeps?: Partial<Omit<AppDeps, 'database' | 'logStream'>>;
  } = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const bootstrap = await bootstrapIfEmpty(database.db, {});
  if (!bootstrap.created || !bootstrap.operatorKey) throw new Error('expected an empty database');
  await createTenant(database.db, { slug: 'other', name: 'Other tenant', createdBy: 'test' });
  const key = async (tenantSlug: string, role: string) => (await createApiKey(database.db, { tenantSlug, roles: [role], owner: `${role} of ${tenantSlug}` })).key;
  const keys = {
    admin: bootstrap.apiKey,
    screener: await key('default', 'screener'),
    reviewer: await key('default', 'reviewer'),
    auditor: await key('default', 'auditor'),
    rulesAdmin: await key('default', 'rules_admin'),
    otherTenantScreener: await key('other', 'screener'),
    otherTenantAdmin: await key('other', 'admin'),
    operator: bootstrap.operatorKey,
  };
  await options.beforeBuild?.(database);
  const { stream, logs } = captureLogs();
  // Tests deliver webhooks to receivers on 127.0.0.1; webhook-targets.test.ts covers the default (public only).
  const webhooks = { allowPrivateNetworks: true, ...options.appDeps?.webhooks };
  const rulesets = options.appDeps?.rulesets ?? new ActiveRulesets();
  // Every response checked against its zod schema, and the compiled serialiser against zod (response-serializer.ts).
  const app = await buildApp({ now: () => FIXED_NOW, validateResponses: true, ...options.appDeps, rulesets, webhooks, database, logStream: stream });
  await app.ready();
  return {
    app,
    database,
    logs,
    keys,
    rulesets,
    close: async () => {
      await app.close();
      await database.destroy();
    },
  };
}

export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
