import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { seedBundledListsIfEmpty } from '../../src/services/list-import.service.js';
import type { ImportOutcome } from '../../src/services/lists.service.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

let database: TestDatabase;
let outcomes: ImportOutcome[];

beforeAll(async () => {
  database = await createTestDatabase();
  outcomes = await seedBundledListsIfEmpty(database.db);
}, 120_000);
afterAll(() => database.destroy());

describe('the bundled list data an empty database starts with', () => {
  test('loads the DPRK subset of OFAC SDN, the UN 1718 regime and the curated list', () => {
    const bySource = Object.fromEntries(outcomes.map((outcome) => [outcome.version.source, outcome.version]));
    expect(Object.keys(bySource).sort()).toEqual(['ofac-sdn', 'redflag-curated', 'un']);
    // 80 individuals + 75 entities on the 1718 list (shared data README).
    expect(bySource.un?.counts).toMatchObject({ entries: 155, individual: 80, entity: 75, parsedEntries: 1003 });
    expect(bySource['ofac-sdn']?.counts.parsedEntries).toBe(14965);
    expect(bySource['ofac-sdn']?.counts.entries).toBeGreaterThan(484);
    expect(bySource['redflag-curated']?.counts.entries).toBeGreaterThan(100);
  });

  test('keeps the DPRK IT-worker designations and DPRK-tied CYBER entries, and nothing unrelated', async () => {
    const rows = await queryRows<{ source_id: string; programs: string[] }>(database, sql`select source_id, programs from list_entries where source = 'ofac-sdn'`);
    const ids = new Set(rows.map((row) => row.source_id));
    for (const id of ['43377', '43379', '24977', '24978']) expect(ids, id).toContain(id);
    expect(rows.filter((row) => !row.programs.some((program) => program.startsWith('DPRK'))).length).toBeGreaterThan(0);
    expect(ids).not.toContain('10278'); // a Belize narcotics entry
  });

  test('runs only on an empty database', async () => {
    expect(await seedBundledListsIfEmpty(database.db)).toEqual([]);
  });
});
