import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDatabase, queryRows, type Database } from '../../src/db/client.js';
import { freePort, REPO_ROOT, waitFor, type RunningProcess } from '../helpers/server-process.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/**
 * A monitoring run survives the process dying mid-run: SIGKILL while subjects are being
 * re-screened, start again, and every enrolled subject ends up processed exactly once (one work
 * item each, one new decision for each changed subject, none for the others).
 */
const SUBJECTS = 200;
const KEY = 'crash-test-bootstrap-key-0123456789';
/** Global lists are the operator's to import. */
const OPERATOR_KEY = 'crash-test-operator-key-0123456789';
const SOURCE = 'crash-watchlist';
const running: RunningProcess[] = [];
const dataDir = mkdtempSync(path.join(tmpdir(), 'redflag-monitoring-crash-'));
let serverDatabase: TestDatabase | undefined;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  if (process.env.DATABASE_URL) serverDatabase = await createTestDatabase();
  env = {
    ...(serverDatabase ? { DATABASE_URL: serverDatabase.url } : { DATA_DIR: dataDir }),
    BOOTSTRAP_API_KEY: KEY,
    BOOTSTRAP_OPERATOR_KEY: OPERATOR_KEY,
    SEED_LISTS: 'none',
    LOG_LEVEL: 'warn',
    // A short lease, so on PostgreSQL the dead process's batch is taken over soon.
    LIST_REFRESH_SECONDS: '1',
    MONITORING_LEASE_SECONDS: '2',
  };
});
afterAll(async () => {
  for (const process of running) process.child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
  await serverDatabase?.destroy();
});

/**
 * The server as one process (node with tsx's loader, not the tsx wrapper, which would outlive a
 * SIGKILL as a parent without its child), so SIGKILL kills the server itself.
 */
function runServer(extraEnv: Record<string, string>): RunningProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src', 'main.ts')], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk) => (out += String(chunk)));
  child.stderr.on('data', (chunk) => (err += String(chunk)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function startServer(batchSize: number) {
  const port = await freePort();
  const server = runServer({ PORT: String(port), MONITORING_BATCH_SIZE: String(batchSize) });
  running.push(server);
  await waitFor(() => server.stdout().includes('listening on') || server.child.exitCode !== null, 'the server to listen', 60_000);
  expect(server.child.exitCode, server.stderr()).toBeNull();
  return { server, base: `http://127.0.0.1:${port}` };
}

const headers = { Authorization: `Bearer ${KEY}` };

function curatedList(names: string[]) {
  return JSON.stringify({
    format: 'redflag-json',
    version: 1,
    source: SOURCE,
    generatedAt: '2026-11-25T00:00:00Z',
    entries: names.map((name, index) => ({ sourceId: `RF-${String(9000 + index)}`, type: 'individual', name, sources: [{ document: 'test fixture', date: '2026-11-25', reliability: 'P' }] })),
  });
}

async function importList(base: string, names: string[]) {
  const form = new FormData();
  form.append('files', new Blob([curatedList(names)], { type: 'application/json' }), 'list.json');
  const response = await fetch(`${base}/v1/lists/${SOURCE}/imports?format=redflag-json`, { method: 'POST', headers: { Authorization: `Bearer ${OPERATOR_KEY}` }, body: form });
  expect(response.status, await response.clone().text()).toBe(201);
}

interface Run {
  id: string;
  status: string;
  total: number;
  done: number;
  changed: number;
  unchanged: number;
  failed: number;
  trigger: { version: number };
}

async function latestRun(base: string): Promise<Run | undefined> {
  const response = await fetch(`${base}/v1/monitoring/runs?limit=1`, { headers });
  return ((await response.json()) as { items: Run[] }).items.find((run) => run.trigger.version === 2);
}

async function pollRun(base: string, until: (run: Run) => boolean, what: string, timeoutMs: number): Promise<Run> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await latestRun(base);
    if (run && until(run)) return run;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(run)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('a monitoring run and a crash', () => {
  test('SIGKILL mid-run, restart: the run completes and every enrolled subject is processed exactly once', { timeout: 120_000 }, async () => {
    // Small batches first, so the kill lands mid-run; larger ones after the restart, to finish fast.
    const first = await startServer(8);
    await importList(first.base, ['CHOE, Song Il']);
    // Every fourth subject will match the next list version: those are screened again in full and change.
    const items = Array.from({ length: SUBJECTS }, (_, index) => ({ subject: { externalRef: `crash-${index}`, name: index % 4 === 0 ? 'Chol Ung Kim' : `Berg Olsen ${index}` }, monitor: true }));
    const enrolled = await fetch(`${first.base}/v1/screenings/batch`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify({ items }) });
    const body = (await enrolled.json()) as { results: { status: number }[] };
    expect(body.results.filter((result) => result.status === 201)).toHaveLength(SUBJECTS);

    await importList(first.base, ['CHOE, Song Il', 'KIM, Chol Ung']);
    const midway = await pollRun(first.base, (run) => run.done > 0, 'the run to start', 30_000);
    first.server.child.kill('SIGKILL');
    await first.server.exited;
    expect(midway.done, 'the kill should land mid-run').toBeLessThan(SUBJECTS);

    const second = await startServer(100);
    const run = await pollRun(second.base, (candidate) => candidate.status === 'completed', 'the run to complete after the restart', 60_000);
    expect(run).toMatchObject({ total: SUBJECTS, done: SUBJECTS, changed: SUBJECTS / 4, unchanged: (SUBJECTS * 3) / 4, failed: 0 });
    const verify = await fetch(`${second.base}/v1/audit/verify`, { headers });
    expect(((await verify.json()) as { ok: boolean }).ok).toBe(true);
    second.server.child.kill('SIGTERM');
    expect(await second.server.exited).toBe(0);

    // With the server stopped the database is ours to read.
    const database: Database = serverDatabase ?? (await openDatabase({ kind: 'pglite', dataDir }));
    try {
      const items = await queryRows<{ status: string; processed: number }>(
        database,
        sql`select status, count(*)::int as processed from monitoring_work_items where run_id = ${run.id} group by status order by status`,
      );
      expect(items).toEqual([
        { status: 'changed', processed: SUBJECTS / 4 },
        { status: 'unchanged', processed: (SUBJECTS * 3) / 4 },
      ]);
      const decisions = await queryRows<{ externalRef: string; decisions: number }>(
        database,
        sql`select s.external_ref as "externalRef", count(d.id)::int as decisions from subjects s join decisions d on d.subject_id = s.id where s.monitored group by s.external_ref`,
      );
      expect(decisions).toHaveLength(SUBJECTS);
      for (const row of decisions) {
        const index = Number(row.externalRef.slice('crash-'.length));
        expect(row.decisions, row.externalRef).toBe(index % 4 === 0 ? 2 : 1);
      }
    } finally {
      if (!serverDatabase) await database.close();
    }
  });
});
