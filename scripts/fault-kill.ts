/**
 * npm run fault:kill — crash safety. Starts the server on a fresh PostgreSQL database, drives
 * concurrent screenings, kills the process with SIGKILL mid-load, starts it again, and checks
 * that every decision acknowledged with 201 before the crash is stored and that the tenant's
 * hash chain still verifies (GET /v1/audit/verify). Exits non-zero on any failure.
 *
 * FAULT_DATABASE_URL (or DATABASE_URL) names the server; default postgresql://postgres@127.0.0.1:5432/postgres.
 */
import { checkDurability, freePort, freshDatabase, sleep, startLoad, startServer, summarise } from './fault-support.js';

const database = await freshDatabase();
let failed = false;
try {
  const port = await freePort();
  const first = await startServer(database.url, port);
  const load = startLoad(first.base, { connections: 16, maxRequests: 20_000, maxMs: 60_000, label: 'kill' });
  // Let it run until there is a good number of acknowledged decisions, then pull the plug.
  const deadline = Date.now() + 30_000;
  while (load.stats.acknowledged.length < 300 && Date.now() < deadline) await sleep(50);
  const acknowledgedBeforeKill = load.stats.acknowledged.length;
  first.child.kill('SIGKILL');
  const exitCode = await first.exited;
  await sleep(300);
  await load.stop();

  const second = await startServer(database.url, port);
  const result = await checkDurability(second.base, database.url, load.stats.acknowledged);
  // The restarted instance keeps appending to the same chain.
  const after = startLoad(second.base, { connections: 4, maxRequests: 40, maxMs: 20_000, label: 'after' });
  await after.done;
  const afterCheck = await checkDurability(second.base, database.url, [...load.stats.acknowledged, ...after.stats.acknowledged]);
  second.child.kill('SIGTERM');
  await second.exited;

  const problems = [
    ...(exitCode !== null ? [`the server exited with code ${exitCode} instead of being killed`] : []),
    ...(acknowledgedBeforeKill === 0 ? ['no decision was acknowledged before the kill'] : []),
    ...(result.missing.length > 0 ? [`${result.missing.length} acknowledged decisions are missing, e.g. ${result.missing.slice(0, 3).join(', ')}`] : []),
    ...(result.verify.ok !== true ? [`the chain does not verify after the crash: ${JSON.stringify(result.verify)}`] : []),
    ...(afterCheck.verify.ok !== true || afterCheck.missing.length > 0 ? [`after restart: ${JSON.stringify(afterCheck.verify)}, missing ${afterCheck.missing.length}`] : []),
    ...(after.stats.acknowledged.length !== 40 ? [`after restart only ${after.stats.acknowledged.length}/40 screenings succeeded: ${summarise(after.stats)}`] : []),
    ...load.stats.violations.slice(0, 5),
  ];
  failed = problems.length > 0;
  process.stdout.write(
    [
      'fault:kill (PostgreSQL, fresh database, 16 concurrent screening loops, SIGKILL mid-load)',
      `  answers before the kill: ${summarise(load.stats)}`,
      `  acknowledged (201) before the kill: ${load.stats.acknowledged.length}; decisions stored: ${result.total} (unacknowledged in-flight ones may or may not be)`,
      `  acknowledged but missing after restart: ${result.missing.length}`,
      `  audit chain after restart: ${result.verify.ok === true ? 'intact' : 'BROKEN'} (${result.verify.checked ?? '?'} decisions checked)`,
      `  40 more screenings after restart: ${after.stats.acknowledged.length} acknowledged; chain ${afterCheck.verify.ok === true ? 'intact' : 'BROKEN'} (${afterCheck.verify.checked ?? '?'} decisions)`,
      failed ? `FAILED:\n${problems.map((problem) => `  - ${problem}`).join('\n')}` : 'PASSED',
      '',
    ].join('\n'),
  );
} catch (error) {
  failed = true;
  process.stderr.write(`fault:kill failed: ${(error as Error).stack ?? String(error)}\n`);
} finally {
  await database.drop();
}
process.exit(failed ? 1 : 0);
