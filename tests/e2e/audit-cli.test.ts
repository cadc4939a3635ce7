import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runEntry } from '../helpers/server-process.js';
import { listEntry, loadTestList } from '../helpers/list-fixtures.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * The auditor's round trip: download the decision log over real HTTP into a file, then check the
 * file with the CLI as a separate process with no database configured.
 */
let t: TestApp;
let base: string;
const dir = mkdtempSync(path.join(tmpdir(), 'redflag-audit-cli-'));

beforeAll(async () => {
  t = await createTestApp({
    beforeBuild: (database) => loadTestList(database.db, 'test-watchlist', [listEntry({ sourceId: '1001', name: 'KIM, Sang Man', nationalities: ['KP'] })]).then(() => undefined),
  });
  for (const name of ['Maria Kowalska', 'Sang Man Kim', 'John Smith', 'Kim Sang-man']) {
    const response = await request(t.app.server).post('/v1/screenings').set(bearer(t.keys.screener)).send({ subject: { externalRef: name.toLowerCase().replace(/\W+/g, '-'), name } });
    expect(response.status).toBe(201);
  }
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

async function download(format: 'csv' | 'ndjson'): Promise<string> {
  const response = await fetch(`${base}/v1/audit/decisions/export?format=${format}`, { headers: bearer(t.keys.auditor) });
  expect(response.status).toBe(200);
  const file = path.join(dir, `export.${format}`);
  await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), createWriteStream(file));
  return file;
}

async function verifyExport(file: string) {
  // PATH and HOME only: no DATABASE_URL, and DATA_DIR points nowhere useful.
  const cli = runEntry('src/cli.ts', ['audit', 'verify-export', file], { DATA_DIR: path.join(dir, 'no-database-here') });
  return { code: await cli.exited, stdout: cli.stdout(), stderr: cli.stderr() };
}

describe('npm run cli -- audit verify-export <file>', () => {
  test.each(['csv', 'ndjson'] as const)('an untouched %s export verifies offline (exit 0)', async (format) => {
    const file = await download(format);
    const result = await verifyExport(file);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^OK .*export\\.${format}: ${format}, 4 rows, body sha256 [0-9a-f]{64}`));
  });

  test('one altered byte in a row fails (exit 1) and names the problem', async () => {
    const file = await download('csv');
    const bytes = readFileSync(file);
    const text = bytes.toString('utf8');
    // One digit of the first review decision's score: the row still parses, only the digest can tell.
    const at = text.indexOf(',review,') + ',review,'.length;
    const digit = bytes[at]!;
    bytes[at] = digit === 0x39 ? 0x38 : digit + 1;
    const altered = path.join(dir, 'altered.csv');
    writeFileSync(altered, bytes);
    const result = await verifyExport(altered);
    expect(result.code, result.stdout).toBe(1);
    expect(result.stdout).toMatch(/^FAILED .*altered\.csv/);
    expect(result.stdout).toMatch(/body_digest_mismatch: .*the rows were altered/);
  });

  test('a truncated file fails naming the missing manifest; a missing file is exit 2', async () => {
    const file = await download('ndjson');
    const lines = readFileSync(file, 'utf8').split('\n');
    const truncated = path.join(dir, 'truncated.ndjson');
    writeFileSync(truncated, `${lines.slice(0, 2).join('\n')}\n`);
    const result = await verifyExport(truncated);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('missing_manifest');
    const missing = await verifyExport(path.join(dir, 'nothing-here.csv'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read');
  });
});
