/**
 * An import streams its entries to the database in batches (IMPORT_BATCH) inside one transaction
 * and writes the version row last. These tests use the first rows of the bundled sdn.csv (enough
 * for several batches) with its alt/add/comments files, and refuse them late, after batches were
 * written: nothing of the import may remain.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { queryRows } from '../../src/db/client.js';
import { deferVersionReferences, insertListEntries } from '../../src/db/repositories/lists.repository.js';
import { ListImportError } from '../../src/lists/list-import.errors.js';
import { importListFromPaths, SEED_DIR } from '../../src/services/list-import.service.js';
import { IMPORT_BATCH } from '../../src/services/lists.service.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

const SDN_DIR = path.join(SEED_DIR, 'lists', 'ofac-sdn');
const SIDE_FILES = ['alt.csv', 'add.csv', 'sdn_comments.csv'];

/** The messages of a rejection and its causes, or '' when it did not reject. */
async function violation(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  const messages: string[] = [];
  for (let cause = error; cause instanceof Error; cause = cause.cause) messages.push(cause.message, String((cause as { constraint?: string }).constraint ?? ''));
  return messages.join(' | ');
}

/** What the database holds of list data: any trace of a refused import shows here. */
async function listData(database: TestDatabase) {
  const [row] = await queryRows<{ versions: number; entries: number; identifiers: number; active: string | null }>(
    database,
    sql`select (select count(*)::int from list_versions) as versions, (select count(*)::int from list_entries) as entries,
      (select count(*)::int from list_identifiers) as identifiers, (select active_version_id::text from list_sources where slug = 'ofac-sdn') as active`,
  );
  return row!;
}

describe('streamed imports: one transaction however many batches', () => {
  let database: TestDatabase;
  let work: string;
  /** The first rows of the real sdn.csv: three batches and a part. */
  let sdnText: string;
  /** Start of each data row of sdnText, in order. */
  let rowStarts: number[];
  let baseDir: string;

  /** A folder with the real alt/add/comments files and the given sdn.csv. */
  async function folderWith(name: string, sdn: string): Promise<string> {
    const dir = path.join(work, name);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir);
    await writeFile(path.join(dir, 'sdn.csv'), sdn);
    for (const file of SIDE_FILES) await copyFile(path.join(SDN_DIR, file), path.join(dir, file));
    return dir;
  }

  /** The line the row at `index` starts on, as an operator would count it. */
  const lineOfRow = (index: number) => sdnText.slice(0, rowStarts[index]).split('\n').length;

  const importSdn = (dir: string, allowShrink = false) =>
    importListFromPaths(database.db, { source: 'ofac-sdn', format: 'ofac-csv', paths: [dir], importedBy: 'test', ...(allowShrink ? { allowShrink } : {}) });

  beforeAll(async () => {
    database = await createTestDatabase();
    work = await mkdtemp(path.join(tmpdir(), 'redflag-streaming-'));
    const whole = await readFile(path.join(SDN_DIR, 'sdn.csv'), 'utf8');
    const wholeStarts = [...whole.matchAll(/(?:^|\r\n)(?=\d+,)/g)].map((match) => match.index + (match[0].length > 0 ? 2 : 0));
    sdnText = whole.slice(0, wholeStarts[3 * IMPORT_BATCH + 500]);
    rowStarts = wholeStarts.slice(0, 3 * IMPORT_BATCH + 500);
    baseDir = await folderWith('base', sdnText);
  }, 120_000);
  afterAll(async () => {
    await database?.destroy();
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('the files import in several batches; the version row counts every entry', async () => {
    const outcome = await importSdn(baseDir);
    expect(outcome.created).toBe(true);
    expect(outcome.version.counts.entries).toBe(rowStarts.length);
    const data = await listData(database);
    expect(data).toMatchObject({ versions: 1, entries: rowStarts.length, active: outcome.version.id });
    expect(data.identifiers).toBeGreaterThan(0);
  }, 180_000);

  test('a bad ent_num after several written batches is refused naming file and line, and leaves nothing behind', async () => {
    const before = await listData(database);
    const index = 3 * IMPORT_BATCH + 17;
    expect(index).toBeLessThan(rowStarts.length);
    const broken = `${sdnText.slice(0, rowStarts[index])}X${sdnText.slice(rowStarts[index]!)}`;
    const error = await importSdn(await folderWith('bad-ent-num', broken)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ListImportError);
    expect(error).toMatchObject({ file: 'sdn.csv', line: lineOfRow(index) });
    expect((error as Error).message).toMatch(/ent_num/);
    expect(await listData(database)).toEqual(before);
  }, 180_000);

  test('an ent_num repeated near the end names both lines; nothing is written', async () => {
    const before = await listData(database);
    const last = rowStarts.length - 1;
    const firstRow = sdnText.slice(rowStarts[0], rowStarts[1]);
    const repeated = `${sdnText.slice(0, rowStarts[last])}${firstRow}${sdnText.slice(rowStarts[last]!)}`;
    const error = await importSdn(await folderWith('repeated', repeated)).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ file: 'sdn.csv', line: lineOfRow(last), reason: expect.stringMatching(new RegExp(`appears twice \\(first on line ${lineOfRow(0)}\\)`)) });
    expect(await listData(database)).toEqual(before);
  }, 180_000);

  test('a truncated file is written, measured against the active version in the database, and refused (409) whole', async () => {
    const before = await listData(database);
    const kept = IMPORT_BATCH + 500;
    const truncated = sdnText.slice(0, rowStarts[kept]);
    const dir = await folderWith('truncated', truncated);
    const error = await importSdn(dir).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'list_would_shrink' });
    expect((error as Error).message).toContain(`would remove ${rowStarts.length - kept} of the ${rowStarts.length} entries of ofac-sdn version 1`);
    expect((error as Error).message).toContain(`keeping ${kept} entries in all`);
    expect(await listData(database)).toEqual(before);

    const allowed = await importSdn(dir, true);
    expect(allowed.version).toMatchObject({ version: 2, counts: expect.objectContaining({ entries: kept }) });
    expect(await listData(database)).toMatchObject({ versions: 2, entries: before.entries + kept, active: allowed.version.id });
  }, 180_000);

  test('files imported before are read again, then undone: the existing version is answered and nothing is added', async () => {
    const before = await listData(database);
    const again = await importSdn(baseDir);
    expect(again.created).toBe(false);
    expect(again.version.version).toBe(1);
    expect(await listData(database)).toEqual(before);
  }, 180_000);

  test('entries written before their version still need it: one naming no version fails the commit', async () => {
    const before = await listData(database);
    const orphan = { sourceId: 'orphan-1', type: 'individual' as const, name: 'NOBODY', names: [], programs: [], birthDates: [], birthPlaces: [], nationalities: [], citizenships: [], addresses: [], identifiers: [], attributes: {} };
    const deferred = database.db.transaction(async (tx) => {
      await deferVersionReferences(tx);
      await insertListEntries(tx, { id: uuidv7(), source: 'ofac-sdn' }, [orphan]);
    });
    expect(await violation(deferred)).toMatch(/list_entries_list_version_id_list_versions_id_fk/);
    // Outside an import's transaction the reference is checked at once, as before.
    expect(await violation(database.db.transaction((tx) => insertListEntries(tx, { id: uuidv7(), source: 'ofac-sdn' }, [orphan])))).toMatch(/list_entries_list_version_id_list_versions_id_fk/);
    expect(await listData(database)).toEqual(before);
  }, 60_000);
});
