import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { freePort, runEntry, waitFor, type RunningProcess } from '../helpers/server-process.js';

/**
 * The start-up the README and the Dockerfile describe, without Docker: a real process, real
 * HTTP, migrations at start, the bootstrap key printed once, graceful shutdown on SIGTERM.
 */
const running: RunningProcess[] = [];
const dataDir = mkdtempSync(path.join(tmpdir(), 'redflag-start-'));
let serverDatabase: TestDatabase | undefined;

afterAll(async () => {
  for (const process of running) process.child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
  await serverDatabase?.destroy();
});

async function startServer(env: Record<string, string | undefined>) {
  const port = await freePort();
  const server = runEntry('src/main.ts', [], { PORT: String(port), LOG_LEVEL: 'warn', SEED_LISTS: 'none', ...env });
  running.push(server);
  await waitFor(() => server.stdout().includes('listening on') || server.child.exitCode !== null, 'the server to listen');
  expect(server.child.exitCode, server.stderr()).toBeNull();
  return { server, base: `http://127.0.0.1:${port}` };
}

async function screenAndReadBack(base: string, key: string) {
  const created = await fetch(`${base}/v1/screenings`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ subject: { name: 'Jane Roe' } }),
  });
  expect(created.status).toBe(201);
  const decision = (await created.json()) as { id: string; outcome: string };
  const read = await fetch(`${base}/v1/decisions/${decision.id}`, { headers: { Authorization: `Bearer ${key}` } });
  expect(read.status).toBe(200);
  expect(((await read.json()) as { id: string }).id).toBe(decision.id);
}

describe('starting the service as a process', () => {
  test('on the embedded database: prints a key once, screens, refuses a second process, shuts down cleanly', async () => {
    const { server, base } = await startServer({ DATA_DIR: dataDir });
    const key = /\n\s+(rf_[A-Za-z0-9_-]{43})\n/.exec(server.stdout())?.[1];
    expect(key, server.stdout()).toBeDefined();
    expect(server.stdout()).toContain('curl -s -X POST');
    // The operator's key (tenants, global lists) is printed once beside it.
    const operatorKey = /operator key[^\n]*\n\s+(rf_[A-Za-z0-9_-]{43})\n/.exec(server.stdout())?.[1];
    expect(operatorKey, server.stdout()).toBeDefined();
    expect(operatorKey).not.toBe(key);
    const tenants = await fetch(`${base}/v1/tenants`, { headers: { Authorization: `Bearer ${operatorKey}` } });
    expect(tenants.status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    await screenAndReadBack(base, key!);

    // The CLI on the same data directory must refuse clearly instead of corrupting it.
    const cli = runEntry('src/cli.ts', ['keys', 'create', '--tenant', 'default', '--owner', 'Startup Test', '--role', 'screener'], { DATA_DIR: dataDir });
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toMatch(/in use by process \d+/);

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);

    // With the server stopped the CLI works, and a restart does not print a new key.
    const cliAgain = runEntry('src/cli.ts', ['keys', 'create', '--tenant', 'default', '--owner', 'Startup Test', '--role', 'screener'], { DATA_DIR: dataDir });
    expect(await cliAgain.exited, cliAgain.stderr()).toBe(0);
    const created = JSON.parse(cliAgain.stdout()) as { key: string; roles: string[]; owner: string };
    expect(created).toMatchObject({ roles: ['screener'], owner: 'Startup Test' });
    // Every key names who holds it: four-eyes compares owners.
    const noOwner = runEntry('src/cli.ts', ['keys', 'create', '--tenant', 'default', '--role', 'reviewer'], { DATA_DIR: dataDir });
    expect(await noOwner.exited).toBe(1);
    expect(noOwner.stderr()).toContain('--owner');

    const restarted = await startServer({ DATA_DIR: dataDir });
    expect(restarted.server.stdout()).not.toMatch(/shown only this once/i);
    await screenAndReadBack(restarted.base, created.key);
    restarted.server.child.kill('SIGTERM');
    expect(await restarted.server.exited).toBe(0);

    // Revoked from the CLI too (the API route is tested in tests/api/api-keys.test.ts).
    const createdId = (JSON.parse(cliAgain.stdout()) as { id: string }).id;
    const revoke = runEntry('src/cli.ts', ['keys', 'revoke', '--tenant', 'default', '--id', createdId], { DATA_DIR: dataDir });
    expect(await revoke.exited, revoke.stderr()).toBe(0);
    expect(JSON.parse(revoke.stdout())).toMatchObject({ id: createdId, revokedAt: expect.any(String) });
    const noId = runEntry('src/cli.ts', ['keys', 'revoke', '--tenant', 'default'], { DATA_DIR: dataDir });
    expect(await noId.exited).toBe(1);
    expect(noId.stderr()).toContain('--id');
  }, 120_000); // five real processes in a row: generous for a loaded CI machine

  test('the operator manages tenants from the CLI; keys of an unknown or disabled tenant are refused clearly', async () => {
    const cli = async (args: string[], code = 0) => {
      const run = runEntry('src/cli.ts', args, { DATA_DIR: dataDir });
      expect(await run.exited, `${args.join(' ')}: ${run.stderr()}`).toBe(code);
      return run;
    };
    expect(JSON.parse((await cli(['tenants', 'create', '--slug', 'acme', '--name', 'Acme Staffing'])).stdout())).toMatchObject({ slug: 'acme', name: 'Acme Staffing' });
    expect(JSON.parse((await cli(['keys', 'create', '--tenant', 'acme', '--owner', 'Acme Admin', '--role', 'admin'])).stdout())).toMatchObject({ tenant: 'acme', roles: ['admin'] });
    expect(JSON.parse((await cli(['keys', 'create', '--operator', '--owner', 'Second Operator', '--label', 'second operator'])).stdout())).toMatchObject({ tenant: null, roles: ['operator'] });
    const listed = (await cli(['tenants', 'list'])).stdout().trim().split('\n').map((line) => JSON.parse(line) as { slug: string });
    expect(listed.map((tenant) => tenant.slug)).toEqual(['acme', 'default']);
    expect(JSON.parse((await cli(['tenants', 'disable', '--slug', 'acme'])).stdout())).toMatchObject({ slug: 'acme', disabledAt: expect.any(String) });
    expect((await cli(['keys', 'create', '--tenant', 'acme', '--owner', 'Acme Screener', '--role', 'screener'], 1)).stderr()).toContain('Tenant "acme" is disabled');
    expect((await cli(['keys', 'create', '--tenant', 'nobody', '--owner', 'Nobody', '--role', 'screener'], 1)).stderr()).toContain('Tenant "nobody" not found');
    expect((await cli(['keys', 'create', '--operator', '--owner', 'Operator', '--tenant', 'default'], 1)).stderr()).toContain('--operator alone');
  }, 120_000);

  // Runs in the PostgreSQL pass of the suite (DATABASE_URL set); the embedded path is above.
  test.skipIf(!process.env.DATABASE_URL)('on PostgreSQL with BOOTSTRAP_API_KEY, as docker-compose.yml runs it', async () => {
    serverDatabase = await createTestDatabase();
    const bootstrapKey = 'compose-bootstrap-key-0123456789';
    const { server, base } = await startServer({ DATABASE_URL: serverDatabase.url!, BOOTSTRAP_API_KEY: bootstrapKey, HOST: '127.0.0.1' });
    expect(server.stdout()).toContain('BOOTSTRAP_API_KEY');
    await screenAndReadBack(base, bootstrapKey);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  test('a bad configuration value stops start-up with a message naming the variable', async () => {
    const server = runEntry('src/main.ts', [], { PORT: 'eighty', DATA_DIR: dataDir });
    expect(await server.exited).toBe(1);
    expect(server.stderr()).toContain('PORT:');
  });
});
