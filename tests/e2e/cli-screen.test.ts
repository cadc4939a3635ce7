import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { acquireDataDirLock } from '../../src/db/data-dir-lock.js';
import { runEntry } from '../helpers/server-process.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/**
 * `npm run cli -- screen profiles.ndjson > decisions.ndjson` as a real process: on a fresh
 * PostgreSQL database when DATABASE_URL is set, else on an embedded data directory.
 */
const workDir = mkdtempSync(path.join(tmpdir(), 'redflag-cli-screen-'));
const dataDir = path.join(workDir, 'data');
let serverDatabase: TestDatabase | undefined;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  if (process.env.DATABASE_URL) serverDatabase = await createTestDatabase();
  env = serverDatabase ? { DATABASE_URL: serverDatabase.url } : { DATA_DIR: dataDir };
});
afterAll(async () => {
  rmSync(workDir, { recursive: true, force: true });
  await serverDatabase?.destroy();
});

function ndjsonFile(name: string, lines: string[]) {
  const file = path.join(workDir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function screen(file: string) {
  const cli = runEntry('src/cli.ts', ['screen', file], env);
  const code = await cli.exited;
  const results = cli
    .stdout()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { line: number; index: number; status: number; decision?: { externalRef: string; outcome: string }; error?: { detail: string } });
  return { code, results, stderr: cli.stderr() };
}

describe('cli screen', () => {
  test('writes one JSON result per line to stdout, errors included, and exits 1 when a line failed', async () => {
    const file = ndjsonFile('mixed.ndjson', [
      JSON.stringify({ subject: { externalRef: 'cli-1', name: 'Maria Kowalska' }, monitor: true }),
      '',
      'this is not JSON',
      JSON.stringify({ subject: { externalRef: 'cli-2' } }),
      JSON.stringify({ subject: { externalRef: 'cli-1', name: 'Maria Kowalska' } }),
      JSON.stringify({ subject: { externalRef: 'cli-3', name: 'Jan Novak' } }),
    ]);
    const { code, results, stderr } = await screen(file);
    expect(code, stderr).toBe(1);
    expect(results.map((result) => [result.line, result.index, result.status])).toEqual([
      [1, 0, 201],
      [3, 1, 400],
      [4, 2, 400],
      [5, 3, 422],
      [6, 4, 201],
    ]);
    expect(results[0]?.decision).toMatchObject({ externalRef: 'cli-1', outcome: 'clear' });
    expect(results[1]?.error?.detail).toContain('Line 3 is not valid JSON');
    // stderr is not a terminal here: no progress line.
    expect(stderr).toBe('');
  });

  test('exits 0 when every line was screened', async () => {
    const clean = await screen(ndjsonFile('clean.ndjson', [JSON.stringify({ subject: { externalRef: 'cli-4', name: 'Ana Silva' } })]));
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.results).toEqual([expect.objectContaining({ line: 1, status: 201, decision: expect.objectContaining({ externalRef: 'cli-4' }) })]);
  });

  test.skipIf(process.env.DATABASE_URL !== undefined)('refuses clearly while another process (the server) holds the embedded database', async () => {
    const lock = acquireDataDirLock(dataDir);
    try {
      const { code, stderr, results } = await screen(ndjsonFile('locked.ndjson', [JSON.stringify({ subject: { name: 'Ana Silva' } })]));
      expect(code).toBe(1);
      expect(stderr).toMatch(/in use by process \d+/);
      expect(results).toEqual([]);
    } finally {
      lock.release();
    }
  });

  test('a missing file is an error naming it, before the database is opened', async () => {
    const { code, stderr } = await screen(path.join(workDir, 'nope.ndjson'));
    expect(code).toBe(1);
    expect(stderr).toContain('nope.ndjson: no such file');
  });
});
