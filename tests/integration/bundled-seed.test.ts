import { sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { buildApp } from '../../src/http/app.js';
import { createApiKey } from '../../src/services/api-keys.service.js';
import { bootstrapIfEmpty } from '../../src/services/bootstrap.service.js';
import { seedBundledListsIfEmpty } from '../../src/services/list-import.service.js';
import type { ImportOutcome } from '../../src/services/lists.service.js';
import { captureLogs, bearer } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

const bySource = (outcomes: ImportOutcome[]) => Object.fromEntries(outcomes.map((outcome) => [outcome.version.source, outcome.version]));

describe('the whole bundled lists, which a new installation loads by default', () => {
  let database: TestDatabase;
  let outcomes: ImportOutcome[];

  beforeAll(async () => {
    database = await createTestDatabase();
    outcomes = await seedBundledListsIfEmpty(database.db, 'full');
  }, 180_000);
  afterAll(() => database.destroy());

  test('loads every entry of the OFAC SDN copy (with its alt, add and comments files), every UN regime and the curated list', () => {
    const versions = bySource(outcomes);
    expect(Object.keys(versions).sort()).toEqual(['ofac-sdn', 'redflag-curated', 'un']);
    expect(versions['ofac-sdn']?.counts.entries).toBe(14965);
    expect(versions['ofac-sdn']?.counts).not.toHaveProperty('parsedEntries');
    expect(versions['ofac-sdn']?.files.map((file) => file.role).sort()).toEqual(['add', 'alt', 'comments', 'primary']);
    expect(versions.un?.counts.entries).toBe(1003);
    expect(versions['redflag-curated']?.counts.entries).toBeGreaterThan(100);
  });

  test('a listed person who is not North Korean is found: Vladimir Putin with his listed birth date is not clear', async () => {
    const { stream } = captureLogs();
    await bootstrapIfEmpty(database.db, {});
    const app = await buildApp({ database, logStream: stream, listRefreshMs: 0, retentionCheckMs: 0, monitoring: false });
    try {
      await app.ready();
      const screener = await createApiKey(database.db, { tenantSlug: 'default', roles: ['screener'], owner: 'seed test' });
      const response = await request(app.server)
        .post('/v1/screenings')
        .set(bearer(screener.key))
        .send({ subject: { name: 'Vladimir Putin', birthDate: '1952-10-07' } });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      // The listed name with the listed birth date identifies the listed person (issue 18): block.
      expect(response.body.outcome).toBe('block');
      expect(response.body.hits.some((hit: { entry?: { source: string; name: string }; forcesBlock?: boolean }) => hit.entry?.source === 'ofac-sdn' && /PUTIN/.test(hit.entry.name) && hit.forcesBlock === true)).toBe(true);
    } finally {
      await app.close();
    }
  }, 120_000);

  test('runs only on a database without lists', async () => {
    expect(await seedBundledListsIfEmpty(database.db, 'full')).toEqual([]);
  });
});

describe('SEED_LISTS=dprk: the DPRK-related selection, for fast demos and tests', () => {
  let database: TestDatabase;
  let outcomes: ImportOutcome[];

  beforeAll(async () => {
    database = await createTestDatabase();
    outcomes = await seedBundledListsIfEmpty(database.db, 'dprk');
  }, 120_000);
  afterAll(() => database.destroy());

  test('loads the DPRK subset of OFAC SDN, the UN 1718 regime and the curated list', () => {
    const versions = bySource(outcomes);
    expect(Object.keys(versions).sort()).toEqual(['ofac-sdn', 'redflag-curated', 'un']);
    // 80 individuals + 75 entities on the 1718 list (shared data README).
    expect(versions.un?.counts).toMatchObject({ entries: 155, individual: 80, entity: 75, parsedEntries: 1003 });
    expect(versions['ofac-sdn']?.counts.parsedEntries).toBe(14965);
    expect(versions['ofac-sdn']?.counts.entries).toBeGreaterThan(484);
    expect(versions['redflag-curated']?.counts.entries).toBeGreaterThan(100);
  });

  test('keeps the DPRK IT-worker designations and DPRK-tied CYBER entries, and nothing unrelated', async () => {
    const rows = await queryRows<{ source_id: string; programs: string[] }>(database, sql`select source_id, programs from list_entries where source = 'ofac-sdn'`);
    const ids = new Set(rows.map((row) => row.source_id));
    for (const id of ['43377', '43379', '24977', '24978']) expect(ids, id).toContain(id);
    expect(rows.filter((row) => !row.programs.some((program) => program.startsWith('DPRK'))).length).toBeGreaterThan(0);
    expect(ids).not.toContain('10278'); // a Belize narcotics entry
  });
});
