import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { freePort, runEntry, waitFor, type RunningProcess } from '../helpers/server-process.js';

/**
 * Graceful shutdown of a real process: a request in flight when SIGTERM arrives still gets its
 * 201, new connections are refused, a request pipelined behind it gets 503 problem+json with
 * `Connection: close`, and the process exits 0. Runs on the embedded database, or on PostgreSQL
 * in the suite's PostgreSQL pass.
 */
const KEY = 'shutdown-test-bootstrap-key-0123456789';
const running: RunningProcess[] = [];
const dataDir = mkdtempSync(path.join(tmpdir(), 'redflag-shutdown-'));
let database: TestDatabase | undefined;

afterAll(async () => {
  for (const server of running) if (server.child.exitCode === null) server.child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
  await database?.destroy();
});

/** Collects what the server sends on a raw socket. */
function reader(socket: Socket) {
  let received = '';
  let closed = false;
  socket.on('data', (chunk) => (received += chunk.toString('utf8')));
  socket.on('close', () => (closed = true));
  socket.on('error', () => (closed = true));
  return { text: () => received, closed: () => closed };
}

const canConnect = (port: number) =>
  new Promise<boolean>((resolve) => {
    const probe = connect(port, '127.0.0.1');
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });

describe('SIGTERM', () => {
  test('finishes the request in flight, refuses new work, and exits 0', { timeout: 60_000 }, async () => {
    if (process.env.DATABASE_URL) database = await createTestDatabase();
    const port = await freePort();
    const server = runEntry('src/main.ts', [], {
      PORT: String(port),
      LOG_LEVEL: 'warn',
      SEED_LISTS: 'none',
      BOOTSTRAP_API_KEY: KEY,
      ...(database?.url ? { DATABASE_URL: database.url } : { DATA_DIR: dataDir }),
    });
    running.push(server);
    await waitFor(() => server.stdout().includes('listening on') || server.child.exitCode !== null, 'the server to listen');
    expect(server.child.exitCode, server.stderr()).toBeNull();

    // The request is in flight from the server's side: headers and half of the body are in.
    const body = JSON.stringify({ subject: { externalRef: 'shutdown-1', name: 'Jane Roe', emails: ['jane@example.com'] } });
    const socket = connect(port, '127.0.0.1');
    const responses = reader(socket);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(
      `POST /v1/screenings HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${KEY}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 20)}`,
    );
    await sleep(300);

    server.child.kill('SIGTERM');
    const deadline = Date.now() + 10_000;
    while ((await canConnect(port)) && Date.now() < deadline) await sleep(50);
    expect(await canConnect(port), 'new connections are refused once shutdown starts').toBe(false);
    expect(server.child.exitCode, 'the process waits for the request in flight').toBeNull();

    // The rest of the body, and a second request pipelined behind it on the same connection.
    socket.write(`${body.slice(20)}GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    await waitFor(() => responses.closed(), 'the server to answer and close the connection', 20_000);
    const text = responses.text();
    expect(text, server.stderr()).toMatch(/^HTTP\/1\.1 201 Created\r\n/);
    expect(text).toContain('"outcome"');
    const second = text.slice(text.indexOf('HTTP/1.1', 10));
    expect(second).toMatch(/^HTTP\/1\.1 503 /);
    expect(second.toLowerCase()).toContain('content-type: application/problem+json');
    expect(second.toLowerCase()).toContain('connection: close');
    expect(second).toContain('shutting down');

    expect(await server.exited, server.stderr()).toBe(0);
  });
});
