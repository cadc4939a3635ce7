/**
 * npm run lists:fingerprint — imports the bundled lists (whole and DPRK selection), a UN regime
 * filter and an FtM file into a fresh database and prints, per source, what an import decides:
 * the version's digest, files and counts, and a SHA-256 over its entries (source id and content
 * hash, in insertion order) and their indexed identifiers. Run it before and after a change to
 * the importers: the same output proves the stored list data did not change.
 *
 * PGlite in memory by default; PostgreSQL when DATABASE_URL is set (a fresh database is made
 * on that server and dropped).
 */
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { openDatabase, queryRows, type Database } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { bundledLists, importListFromPaths } from '../src/services/list-import.service.js';
import { canonicalDigest } from '../src/shared/hashing.js';
import { createBenchDatabase, SHARED_LISTS } from '../bench/support.js';

async function importAll(database: Database): Promise<void> {
  for (const list of bundledLists('full')) await importListFromPaths(database.db, { ...list, importedBy: 'fingerprint' });
  for (const list of bundledLists('dprk')) {
    if (list.selection) await importListFromPaths(database.db, { ...list, source: `${list.source}-dprk`, importedBy: 'fingerprint' });
  }
  const un = bundledLists('full').find((list) => list.source === 'un')!;
  await importListFromPaths(database.db, { ...un, source: 'un-regimes', filters: { regimes: ['dprk', 'Iran'] }, importedBy: 'fingerprint' });
  const ftm = path.join(SHARED_LISTS, 'opensanctions-ftm', 'zala', 'entities.ftm.json');
  await importListFromPaths(database.db, { source: 'zala', format: 'ftm', paths: [ftm], importedBy: 'fingerprint' });
  await importListFromPaths(database.db, { source: 'zala-ofac', format: 'ftm', paths: [ftm], filters: { datasets: ['us_ofac_sdn'] }, importedBy: 'fingerprint' });
}

async function fingerprint(database: Database) {
  const versions = await queryRows<{ id: string; source: string; content_digest: string; files: unknown; counts: unknown; filters: unknown }>(
    database,
    sql`select id, source, content_digest, files, counts, filters from list_versions order by source`,
  );
  const out: Record<string, unknown> = {};
  for (const version of versions) {
    const entries = await queryRows<{ source_id: string; content_hash: string }>(database, sql`select source_id, content_hash from list_entries where list_version_id = ${version.id} order by id`);
    const identifiers = await queryRows<{ source_id: string; kind: string; normalized: string }>(
      database,
      sql`select e.source_id, i.kind, i.normalized from list_identifiers i join list_entries e on e.id = i.entry_id where i.list_version_id = ${version.id} order by e.id, i.kind, i.normalized`,
    );
    out[version.source] = {
      contentDigest: version.content_digest,
      files: version.files,
      counts: version.counts,
      filters: version.filters,
      entries: entries.length,
      entriesDigest: canonicalDigest(entries.map((row) => [row.source_id, row.content_hash])),
      identifiersDigest: canonicalDigest(identifiers.map((row) => [row.source_id, row.kind, row.normalized])),
    };
  }
  return out;
}

const target = process.env.DATABASE_URL ? await createBenchDatabase() : undefined;
const database = await openDatabase(target ? { kind: 'postgres', url: target.url } : { kind: 'pglite' });
try {
  await runMigrations(database);
  await importAll(database);
  process.stdout.write(`${JSON.stringify(await fingerprint(database), null, 2)}\n`);
} finally {
  await database.close();
  await target?.drop();
}
