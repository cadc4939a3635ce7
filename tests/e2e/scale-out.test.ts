import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, describe, expect, test } from 'vitest';
import { freePort, REPO_ROOT, runEntry, waitFor, type RunningProcess } from '../helpers/server-process.js';

/**
 * Two API processes on one PostgreSQL database, as docker-compose.yml runs its replicas behind
 * the proxy: they start together on an empty database (migrations and bootstrap must not race),
 * a list imported through one is used by the other without a restart, and decisions made
 * concurrently through both form one valid hash chain.
 */
const KEY = 'scale-out-bootstrap-key-0123456789abcdef';
const OPERATOR_KEY = 'scale-out-operator-key-0123456789abcdef';
const running: RunningProcess[] = [];
let dropDatabase: (() => Promise<void>) | undefined;

afterAll(async () => {
  for (const server of running) if (server.child.exitCode === null) server.child.kill('SIGKILL');
  await dropDatabase?.();
});

/** A brand-new, empty database (not migrated: the instances do that, concurrently). */
async function emptyDatabase(serverUrl: string): Promise<string> {
  const name = `redflag_scale_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  dropDatabase = async () => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    await client.query(`drop database if exists ${name} with (force)`);
    await client.end();
  };
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function start(databaseUrl: string) {
  const port = await freePort();
  const server = runEntry('src/main.ts', [], {
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    BOOTSTRAP_API_KEY: KEY,
    BOOTSTRAP_OPERATOR_KEY: OPERATOR_KEY,
    SEED_LISTS: 'none',
    LIST_REFRESH_SECONDS: '1',
    LOG_LEVEL: 'warn',
  });
  running.push(server);
  return { server, base: `http://127.0.0.1:${port}` };
}

const auth = { Authorization: `Bearer ${KEY}` };

async function screen(base: string, subject: Record<string, unknown>) {
  const response = await fetch(`${base}/v1/screenings`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ subject }) });
  const body = (await response.json()) as { id: string; hits: { entry?: { source?: string } }[]; listVersions: { source: string; versionId: string }[] };
  return { status: response.status, body };
}

describe.skipIf(!process.env.DATABASE_URL)('two instances on one database', () => {
  test('see the same lists and write one audit chain', { timeout: 120_000 }, async () => {
    const databaseUrl = await emptyDatabase(process.env.DATABASE_URL!);
    const [a, b] = await Promise.all([start(databaseUrl), start(databaseUrl)]);
    for (const { server } of [a, b]) {
      await waitFor(() => server.stdout().includes('listening on') || server.child.exitCode !== null, 'both instances to listen', 60_000);
      expect(server.child.exitCode, server.stderr()).toBeNull();
    }
    // Exactly one of them created the tenant and its key.
    expect([a, b].filter(({ server }) => server.stdout().includes('BOOTSTRAP_API_KEY')).length).toBe(1);

    // A list imported through instance A...
    const curated = JSON.parse(readFileSync(path.join(REPO_ROOT, 'seed', 'redflag-curated.json'), 'utf8')) as { entries: { name: string; type: string }[] };
    const entry = curated.entries.find((candidate) => candidate.type === 'individual')!;
    const form = new FormData();
    form.append('file', new Blob([JSON.stringify({ ...curated, entries: [entry] })], { type: 'application/json' }), 'redflag-curated.json');
    const imported = await fetch(`${a.base}/v1/lists/redflag-curated/imports`, { method: 'POST', headers: { Authorization: `Bearer ${OPERATOR_KEY}` }, body: form });
    expect(imported.status, await imported.clone().text()).toBe(201);
    const versionId = ((await imported.json()) as { version: { id: string } }).version.id;

    // ...is used by instance B within its refresh interval, without a restart.
    let seen: Awaited<ReturnType<typeof screen>> | undefined;
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      seen = await screen(b.base, { name: entry.name });
      if (seen.body.listVersions.some((version) => version.versionId === versionId)) break;
      await sleep(250);
    }
    expect(seen?.status).toBe(201);
    expect(seen?.body.listVersions.map((version) => version.versionId)).toContain(versionId);
    expect(seen?.body.hits.length, JSON.stringify(seen?.body)).toBeGreaterThan(0);

    // Interleaved concurrent decisions through both instances: one chain, nothing forked or lost.
    const results = await Promise.all(Array.from({ length: 40 }, (_, index) => screen(index % 2 === 0 ? a.base : b.base, { externalRef: `scale-${index}`, name: `Parallel Person ${index}` })));
    expect(results.map((result) => result.status)).toEqual(results.map(() => 201));
    for (const [index, result] of results.entries()) {
      const other = index % 2 === 0 ? b.base : a.base;
      expect((await fetch(`${other}/v1/decisions/${result.body.id}`, { headers: auth })).status).toBe(200);
    }
    for (const base of [a.base, b.base]) {
      const verify = (await (await fetch(`${base}/v1/audit/verify`, { headers: auth })).json()) as { ok: boolean; checked: number };
      expect(verify, JSON.stringify(verify)).toMatchObject({ ok: true });
    }

    for (const { server } of [a, b]) server.child.kill('SIGTERM');
    expect(await a.server.exited, a.server.stderr()).toBe(0);
    expect(await b.server.exited, b.server.stderr()).toBe(0);
  });
});
