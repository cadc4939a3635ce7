/**
 * Shared by the fault-injection scripts (npm run fault:kill, npm run fault:pg-restart): a fresh
 * PostgreSQL database, the real server as its own process, a bounded screening load that
 * records every acknowledged decision, and the checks that nothing acknowledged was lost.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SERVER_URL = process.env.FAULT_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const KEY = `fault-${randomBytes(12).toString('hex')}`;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `redflag_fault_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      for (let attempt = 0; attempt < 20; attempt += 1) {
        try {
          const client = new pg.Client({ connectionString: SERVER_URL });
          await client.connect();
          await client.query(`drop database if exists ${name} with (force)`);
          await client.end();
          return;
        } catch {
          await sleep(500);
        }
      }
    },
  };
}

// The end-to-end tests start processes on free ports the same way.
export { freePort } from '../tests/helpers/server-process.js';

export interface Server {
  child: ChildProcess;
  base: string;
  output: () => string;
  exited: Promise<number | null>;
}

/**
 * `node --import tsx src/main.ts` as one process (the tsx CLI would put a parent in between,
 * and a SIGKILL to the parent would leave the server running).
 */
export async function startServer(databaseUrl: string, port: number, env: Record<string, string> = {}): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src', 'main.ts')], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', BOOTSTRAP_API_KEY: KEY, LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += String(chunk)));
  child.stderr?.on('data', (chunk) => (output += String(chunk)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 90_000;
  while (!output.includes('listening on')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the server did not start:\n${output}`);
    await sleep(100);
  }
  return { child, base: `http://127.0.0.1:${port}`, output: () => output, exited };
}

export const auth = { Authorization: `Bearer ${KEY}` };

export interface LoadStats {
  /** Decision ids answered with 201. */
  acknowledged: string[];
  byStatus: Map<string, number>;
  /** Answers that broke the rules: 5xx other than 503 problem+json, or malformed errors. */
  violations: string[];
  /** When each 201 arrived (ms since the load started), to see recovery. */
  ackTimes: number[];
}

/**
 * Screens new applicants from `connections` concurrent loops until `stop()` or `maxRequests` or
 * `maxMs`, whichever comes first. Every 201's decision id is recorded; every error must be
 * problem+json, and the only 5xx allowed is 503 (the database is unavailable).
 */
export function startLoad(base: string, options: { connections: number; maxRequests: number; maxMs: number; label?: string }) {
  const stats: LoadStats = { acknowledged: [], byStatus: new Map(), violations: [], ackTimes: [] };
  const started = Date.now();
  let sent = 0;
  let stopped = false;
  const count = (key: string) => stats.byStatus.set(key, (stats.byStatus.get(key) ?? 0) + 1);
  const loop = async (worker: number) => {
    while (!stopped && sent < options.maxRequests && Date.now() - started < options.maxMs) {
      sent += 1;
      const ref = `${options.label ?? 'fault'}-${worker}-${sent}`;
      try {
        const response = await fetch(`${base}/v1/screenings`, {
          method: 'POST',
          headers: { ...auth, 'Content-Type': 'application/json' },
          body: JSON.stringify({ subject: { externalRef: ref, name: `Load Person ${sent}`, emails: [`${ref}@example.com`], nationality: 'US' } }),
          signal: AbortSignal.timeout(20_000),
        });
        const text = await response.text();
        count(String(response.status));
        if (response.status === 201) {
          stats.acknowledged.push((JSON.parse(text) as { id: string }).id);
          stats.ackTimes.push(Date.now() - started);
        } else if (response.status >= 500 && response.status !== 503) {
          stats.violations.push(`${response.status}: ${text.slice(0, 300)}`);
        } else if (!(response.headers.get('content-type') ?? '').startsWith('application/problem+json')) {
          stats.violations.push(`${response.status} without problem+json: ${text.slice(0, 300)}`);
        }
      } catch (error) {
        // The process is gone (kill -9) or restarting: no answer, so nothing was acknowledged.
        count(`network: ${(error as Error).cause instanceof Error ? ((error as Error).cause as NodeJS.ErrnoException).code ?? 'error' : (error as Error).name}`);
        await sleep(20);
      }
    }
  };
  const done = Promise.all(Array.from({ length: options.connections }, (_, worker) => loop(worker)));
  return {
    stats,
    stop: async () => {
      stopped = true;
      await done;
    },
    done,
  };
}

/** Every acknowledged decision is stored, and the tenant's chain verifies end to end. */
export async function checkDurability(base: string, databaseUrl: string, acknowledged: string[]) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const stored = new Set((await client.query<{ id: string }>('select id::text from decisions where id = any($1::uuid[])', [acknowledged])).rows.map((row) => row.id));
  const total = Number((await client.query<{ n: string }>('select count(*) as n from decisions')).rows[0]?.n ?? 0);
  await client.end();
  const missing = acknowledged.filter((id) => !stored.has(id));
  const verifyResponse = await fetch(`${base}/v1/audit/verify`, { headers: auth });
  const verify = (await verifyResponse.json()) as { ok?: boolean; checked?: number; complete?: boolean; firstBroken?: unknown };
  return { missing, total, verify, verifyStatus: verifyResponse.status };
}

export function summarise(stats: LoadStats): string {
  return [...stats.byStatus.entries()].sort().map(([status, n]) => `${status}: ${n}`).join(', ');
}
