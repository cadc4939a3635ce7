import { Writable } from 'node:stream';
import { openDatabase } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';
import { buildApp } from './app.js';

/** The OpenAPI document as the app serves it, built on a throwaway in-memory database. */
export async function renderOpenApiDocument(): Promise<string> {
  const database = await openDatabase({ kind: 'pglite' });
  try {
    await runMigrations(database);
    const silent = new Writable({ write: (_chunk, _encoding, callback) => callback() });
    const app = await buildApp({ database, logStream: silent, logLevel: 'silent' });
    await app.ready();
    const document = app.swagger();
    await app.close();
    return `${JSON.stringify(document, null, 2)}\n`;
  } finally {
    await database.close();
  }
}
