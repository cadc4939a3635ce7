import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startListServer, type ListServer } from '../helpers/list-server.js';
import { runEntry } from '../helpers/server-process.js';
import { listsData } from '../helpers/shared-data.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/**
 * `npm run cli -- lists fetch` and LIST_SOURCES_FILE at start-up, as real processes, against a
 * local server: on a fresh PostgreSQL database when DATABASE_URL is set, else an embedded one.
 */
const workDir = mkdtempSync(path.join(tmpdir(), 'redflag-list-fetch-'));
let server: ListServer;
let serverDatabase: TestDatabase | undefined;
let env: Record<string, string | undefined>;

function sourcesFile(name: string, sources: unknown[]): string {
  const file = path.join(workDir, name);
  writeFileSync(file, JSON.stringify({ sources }));
  return file;
}

beforeAll(async () => {
  server = await startListServer();
  server.serve('/os/entities.ftm.json', readFileSync(listsData('opensanctions-ftm', 'zala', 'entities.ftm.json')));
  if (process.env.DATABASE_URL) serverDatabase = await createTestDatabase();
  env = { ...(serverDatabase ? { DATABASE_URL: serverDatabase.url } : { DATA_DIR: path.join(workDir, 'data') }), SEED_LISTS: 'none', LOG_LEVEL: 'silent' };
});
afterAll(async () => {
  await server.close();
  rmSync(workDir, { recursive: true, force: true });
  await serverDatabase?.destroy();
});

describe('lists fetch', () => {
  test('fetches every configured source once: a new version, then the same one; exit code 0', async () => {
    const config = sourcesFile('ok.json', [{ source: 'os-gb', format: 'ftm', urls: [server.url('/os/entities.ftm.json')], datasets: ['gb_fcdo_sanctions'] }]);
    const first = runEntry('src/cli.ts', ['lists', 'fetch', '--config', config], env);
    expect(await first.exited, first.stderr()).toBe(0);
    expect(JSON.parse(first.stdout())).toMatchObject({ source: 'os-gb', result: 'new_version', version: 1 });
    expect(first.stderr()).toContain('os-gb: new version 1');
    const second = runEntry('src/cli.ts', ['lists', 'fetch', '--source', 'os-gb'], { ...env, LIST_SOURCES_FILE: config });
    expect(await second.exited, second.stderr()).toBe(0);
    expect(JSON.parse(second.stdout())).toMatchObject({ source: 'os-gb', result: 'unchanged', notModified: true });
  }, 120_000); // real processes, each migrating and opening the database: generous for a loaded machine

  test('a failed fetch says why and exits 1; an unknown --source is a usage error', async () => {
    const config = sourcesFile('missing.json', [{ source: 'os-gb', format: 'ftm', urls: [server.url('/os/gone.json')] }]);
    const failed = runEntry('src/cli.ts', ['lists', 'fetch', '--config', config], env);
    expect(await failed.exited).toBe(1);
    expect(JSON.parse(failed.stdout())).toMatchObject({ source: 'os-gb', result: 'failed', error: expect.stringContaining('HTTP 404') });
    expect(failed.stderr()).toContain('os-gb: failed, the active version stays');
    const unknown = runEntry('src/cli.ts', ['lists', 'fetch', '--config', config, '--source', 'nope'], env);
    expect(await unknown.exited).toBe(1);
    expect(unknown.stderr()).toContain('no source "nope"');
  }, 120_000);
});

test('a LIST_SOURCES_FILE with an unknown format stops the start-up, naming the entry', async () => {
  const config = sourcesFile('bad.json', [{ source: 'jp-mof', format: 'xlsx', urls: ['https://example.org/list.xlsx'] }]);
  const main = runEntry('src/main.ts', [], { ...env, LIST_SOURCES_FILE: config, PORT: '0' });
  expect(await main.exited).toBe(1);
  expect(main.stderr()).toMatch(/sources\[0\] \(jp-mof\): format: "xlsx" is not a list format/);
}, 60_000);
