import { openDatabase } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { bootstrapIfEmpty } from '../src/services/bootstrap.service.js';
import { BUNDLED_LISTS, importListFromPaths } from '../src/services/list-import.service.js';
const database = await openDatabase({ kind: 'postgres', url: process.argv[2]! });
await runMigrations(database);
await bootstrapIfEmpty(database.db, {});
for (const { selection: _d, ...list } of BUNDLED_LISTS) await importListFromPaths(database.db, { ...list, importedBy: 'bench' });
await database.close();
