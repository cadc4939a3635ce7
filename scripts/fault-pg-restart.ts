/**
 * npm run fault:pg-restart — database outage under load. Starts the server on a fresh database,
 * drives concurrent screenings, restarts the PostgreSQL server while they run, and checks:
 * while it is down requests fail with 503 problem+json (never 500) and /readyz says 503; the
 * service recovers without a restart; every decision acknowledged with 201 is stored and the
 * hash chain verifies. Exits non-zero on any failure.
 *
 * This restarts the whole local PostgreSQL cluster, so everything else using it sees the outage
 * too: run it alone. FAULT_PG_RESTART overrides the restart command (default:
 * `pg_ctlcluster --skip-systemctl-redirect <version> main restart`, the version from /etc/postgresql).
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { auth, checkDurability, freePort, freshDatabase, sleep, startLoad, startServer, summarise, type Server } from './fault-support.js';

const run = promisify(execFile);

function restartCommand(): [string, string[]] {
  if (process.env.FAULT_PG_RESTART) return ['sh', ['-c', process.env.FAULT_PG_RESTART]];
  const version = readdirSync('/etc/postgresql').sort().at(-1);
  if (!version) throw new Error('no cluster under /etc/postgresql; set FAULT_PG_RESTART');
  return ['pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart']];
}

const database = await freshDatabase();
let failed = false;
let server: Server | undefined;
try {
  const port = await freePort();
  server = await startServer(database.url, port);
  const base = server.base;
  const load = startLoad(server.base, { connections: 16, maxRequests: 30_000, maxMs: 90_000, label: 'pgrestart' });

  // Readiness, sampled throughout.
  const readiness = new Map<number, number>();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      try {
        const response = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(5000) });
        readiness.set(response.status, (readiness.get(response.status) ?? 0) + 1);
      } catch {
        readiness.set(0, (readiness.get(0) ?? 0) + 1);
      }
      await sleep(100);
    }
  })();

  await sleep(3000);
  const ackedBeforeRestart = load.stats.acknowledged.length;
  const [command, args] = restartCommand();
  const restartStarted = Date.now();
  const restart = await run(command, args).then(
    () => 'ok',
    (error: Error) => `failed: ${error.message}`,
  );
  const restartMs = Date.now() - restartStarted;
  // Keep the load on to see it recover by itself.
  await sleep(8000);
  await load.stop();
  sampling = false;
  await sampler;

  if (server.child.exitCode !== null) throw new Error(`the server process died during the outage (exit ${server.child.exitCode})`);
  const recovered = load.stats.acknowledged.length > ackedBeforeRestart && (await fetch(`${server.base}/readyz`)).status === 200;
  const result = await checkDurability(server.base, database.url, load.stats.acknowledged);
  const status503 = load.stats.byStatus.get('503') ?? 0;
  const still = await fetch(`${server.base}/v1/screenings`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ subject: { name: 'After The Restart' } }) });
  server.child.kill('SIGTERM');
  const exitCode = await server.exited;

  const problems = [
    ...(restart !== 'ok' ? [`the restart command ${restart}`] : []),
    ...load.stats.violations.slice(0, 5).map((violation) => `answer during the outage: ${violation}`),
    ...(load.stats.violations.length > 5 ? [`... ${load.stats.violations.length - 5} more`] : []),
    ...(!recovered ? ['the service did not recover without a restart'] : []),
    ...(still.status !== 201 ? [`a screening after the restart got ${still.status}`] : []),
    ...(result.missing.length > 0 ? [`${result.missing.length} acknowledged decisions are missing, e.g. ${result.missing.slice(0, 3).join(', ')}`] : []),
    ...(result.verify.ok !== true ? [`the chain does not verify: ${JSON.stringify(result.verify)}`] : []),
    ...(exitCode !== 0 ? [`the server exited with ${exitCode} on SIGTERM`] : []),
  ];
  failed = problems.length > 0;
  process.stdout.write(
    [
      `fault:pg-restart (PostgreSQL restarted under 16 concurrent screening loops; restart took ${(restartMs / 1000).toFixed(1)} s)`,
      `  answers: ${summarise(load.stats)}`,
      `  503 problem+json during the outage: ${status503}; 500s or malformed errors: ${load.stats.violations.length}`,
      `  readiness samples: ${[...readiness.entries()].sort().map(([status, n]) => `${status === 0 ? 'no answer' : status}: ${n}`).join(', ')}`,
      `  recovered without restarting the service: ${recovered ? 'yes' : 'NO'}`,
      `  acknowledged: ${load.stats.acknowledged.length} (${ackedBeforeRestart} before the restart); missing afterwards: ${result.missing.length}; decisions stored: ${result.total}`,
      `  audit chain: ${result.verify.ok === true ? 'intact' : 'BROKEN'} (${result.verify.checked ?? '?'} decisions checked)`,
      failed ? `FAILED:\n${problems.map((problem) => `  - ${problem}`).join('\n')}` : 'PASSED',
      '',
    ].join('\n'),
  );
} catch (error) {
  failed = true;
  process.stderr.write(`fault:pg-restart FAILED: ${(error as Error).stack ?? String(error)}\n`);
  if (server) process.stderr.write(`last server output:\n${server.output().slice(-3000)}\n`);
} finally {
  await database.drop();
}
process.exit(failed ? 1 : 0);
