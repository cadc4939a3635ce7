import type { Config } from '../config.js';
import { openDatabase, type Database } from './client.js';
import { runMigrations } from './migrate.js';

/** Opens the database the configuration names and brings its schema up to date. */
export async function openMigratedDatabase(config: Pick<Config, 'DATABASE_URL' | 'DATA_DIR'>): Promise<Database> {
  const database = await openDatabase(
    config.DATABASE_URL ? { kind: 'postgres', url: config.DATABASE_URL } : { kind: 'pglite', dataDir: config.DATA_DIR },
  );
  try {
    await runMigrations(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}
