import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { freePort, startMain, type RunningProcess } from '../helpers/server-process.js';

/**
 * The real process with OTEL_EXPORTER_OTLP_ENDPOINT set sends its spans as OTLP/HTTP protobuf to
 * a collector (here a receiver on 127.0.0.1); protobuf keeps strings as UTF-8, so the bodies
 * received are scanned for the applicant's personal data directly.
 */
const APPLICANT = { name: 'Ri Kyong Tracedotter', email: 'kyong.tracedotter@otlp-test.example', phone: '+82 2 3210 7777', ip: '198.51.100.77' };
const KEY = 'otlp-bootstrap-key-0123456789abcdef';
const running: RunningProcess[] = [];
const received: { path: string; contentType: string; body: Buffer }[] = [];
const dataDir = mkdtempSync(path.join(tmpdir(), 'redflag-otlp-'));
let collector: Server;
let collectorPort: number;
let database: TestDatabase | undefined;

beforeAll(async () => {
  collectorPort = await freePort();
  collector = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '', contentType: String(request.headers['content-type']), body: Buffer.concat(chunks) });
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => collector.listen(collectorPort, '127.0.0.1', resolve));
  if (process.env.DATABASE_URL) database = await createTestDatabase();
});
afterAll(async () => {
  for (const server of running) server.child.kill('SIGKILL');
  await new Promise((resolve) => collector.close(resolve));
  rmSync(dataDir, { recursive: true, force: true });
  await database?.destroy();
});

async function start(env: Record<string, string>) {
  // Generous: a loaded machine has taken over a minute to start the process.
  const started = await startMain({ BOOTSTRAP_API_KEY: KEY, ...(database ? { DATABASE_URL: database.url! } : { DATA_DIR: dataDir }), ...env }, 150_000);
  running.push(started.server);
  return started;
}

test('OTEL_EXPORTER_OTLP_ENDPOINT set: the screening\'s spans reach the collector as OTLP protobuf, and none of the applicant\'s data does', async () => {
  const { server, base } = await start({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collectorPort}`, OTEL_SERVICE_NAME: 'redflag-e2e' });
  expect(server.child.exitCode, server.stderr()).toBeNull();
  const subject = { externalRef: 'otlp-1', name: APPLICANT.name, emails: [APPLICANT.email], phones: [APPLICANT.phone], logins: [{ ip: APPLICANT.ip, country: 'KR', at: '2026-11-01T03:00:00Z' }] };
  const response = await fetch(`${base}/v1/screenings?ref=${encodeURIComponent(APPLICANT.email)}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ subject }),
  });
  expect(response.status).toBe(201);
  // Spans are sent in batches; the rest on shutdown, before the process exits.
  server.child.kill('SIGTERM');
  expect(await server.exited, server.stderr()).toBe(0);
  const traces = received.filter((request) => request.path === '/v1/traces');
  expect(traces.length, `requests received: ${received.map((request) => request.path).join(', ')}`).toBeGreaterThan(0);
  expect(traces.every((request) => request.contentType === 'application/x-protobuf')).toBe(true);
  const sent = Buffer.concat(traces.map((request) => request.body)).toString('utf8');
  for (const span of ['redflag.parse_validate', 'redflag.screening', 'redflag.lookups', 'redflag.evaluation', 'redflag.list_search', 'redflag.write', 'redflag.decision_chain', '/v1/screenings', 'redflag-e2e']) expect(sent).toContain(span);
  if (database) expect(sent).toMatch(/\$1/);
  for (const value of Object.values(APPLICANT)) expect(sent).not.toContain(value);
}, 240_000);

test('an OTEL_* value not understood stops the start, naming the variable', async () => {
  const { server } = await start({ OTEL_TRACES_EXPORTER: 'zipkin' });
  expect(await server.exited).toBe(1);
  expect(server.stderr()).toContain('OTEL_TRACES_EXPORTER');
}, 180_000);
