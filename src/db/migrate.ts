import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import type pg from 'pg';
import { queryRows, type Database, type Schema } from './client.js';

// src/db and dist/db are both two levels below the package root.
export const MIGRATIONS_FOLDER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'migrations');

/** Arbitrary constant naming the migration advisory lock. */
const MIGRATION_LOCK = 7_305_114_201;

/** Applies the pending migrations of `migrationsFolder` (this build's, unless another is named). */
export async function runMigrations(database: Database, migrationsFolder = MIGRATIONS_FOLDER): Promise<void> {
  const config = { migrationsFolder };
  if (database.kind === 'postgres') {
    // Replicas starting together would each apply the pending migrations and all but one would
    // fail on "already exists": one instance at a time, the others then find nothing to do.
    const pool = (database.db as unknown as { $client: pg.Pool }).$client;
    const client = await pool.connect();
    try {
      await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
      await migrateNodePg(database.db as unknown as NodePgDatabase<Schema>, config);
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      client.release();
    }
  } else {
    await migratePglite(database.db as unknown as PgliteDatabase<Schema>, config);
  }
}

function journalEntryCount(): number {
  const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as {
    entries: unknown[];
  };
  return journal.entries.length;
}

/** True when every migration shipped with this build has been applied. */
export async function migrationsAreCurrent(database: Database): Promise<boolean> {
  const rows = await queryRows<{ applied: number }>(database, sql`select count(*)::int as applied from drizzle.__drizzle_migrations`);
  const applied = Number(rows[0]?.applied ?? 0);
  return applied >= journalEntryCount();
}
