/**
 * npm run bench:startup — how long `npm start` takes to answer, and how much memory the process
 * holds, on a new installation (the whole bundled lists are imported first) and on a restart (the
 * lists are read back and indexed), on embedded PGlite and on PostgreSQL. Baseline, measured in
 * the same run: the same first start with SEED_LISTS=none (migrations, bootstrap, an empty index).
 *
 * Runs the compiled service (`npm run build` first) as `npm start` does, so tsx's compiler is not
 * counted. Time is from spawn to the "listening" line; memory is the process's peak RSS (VmHWM)
 * and its RSS once listening.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createBenchDatabase, fmt, REPO_ROOT } from './support.js';

interface StartFigures {
  seconds: number;
  peakMb: number;
  rssMb: number;
}

function statusMb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((candidate) => candidate.startsWith(`${field}:`));
  return Math.round(Number(line?.split(/\s+/)[1] ?? 0) / 1024);
}

/** Starts `node dist/main.js` with `env`, waits for it to listen, reads its memory, stops it. */
async function startOnce(env: Record<string, string>): Promise<StartFigures> {
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist', 'main.js')], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const check = setInterval(() => {
      if (output.includes('listening on')) {
        clearInterval(check);
        resolve();
      } else if (child.exitCode !== null) {
        clearInterval(check);
        reject(new Error(`the service exited: ${output}`));
      }
    }, 20);
  });
  const seconds = (performance.now() - started) / 1000;
  // Let the evaluation thread finish its own index, which it builds after the service listens.
  await new Promise((resolve) => setTimeout(resolve, 5000));
  const figures = { seconds, peakMb: statusMb(child.pid!, 'VmHWM'), rssMb: statusMb(child.pid!, 'VmRSS') };
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  return figures;
}

const line = (label: string, figures: StartFigures) =>
  `  ${label.padEnd(44)} ${fmt(figures.seconds, 1).padStart(6)} s   peak RSS ${fmt(figures.peakMb).padStart(5)} MB   RSS listening+5 s ${fmt(figures.rssMb).padStart(5)} MB`;

execFileSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'ignore' });
const lines = ['bench:startup (compiled service, EVALUATION_THREAD=on)'];

for (const kind of ['pglite', 'postgres'] as const) {
  const fresh = async (): Promise<{ env: Record<string, string>; drop: () => Promise<void> }> => {
    if (kind === 'pglite') {
      const dir = mkdtempSync(path.join(tmpdir(), 'redflag-startup-'));
      // An empty DATABASE_URL counts as unset: the embedded database, whatever the shell says.
      return { env: { DATA_DIR: dir, DATABASE_URL: '' }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
    }
    const database = await createBenchDatabase();
    return { env: { DATABASE_URL: database.url }, drop: database.drop };
  };
  lines.push(`${kind === 'pglite' ? 'embedded PGlite' : 'PostgreSQL'}:`);
  const empty = await fresh();
  try {
    lines.push(line('baseline: first start, SEED_LISTS=none', await startOnce({ ...empty.env, SEED_LISTS: 'none' })));
  } finally {
    await empty.drop();
  }
  const full = await fresh();
  try {
    const first = await startOnce({ ...full.env, SEED_LISTS: 'full' });
    lines.push(line('first start, SEED_LISTS=full (imports lists)', first));
    lines.push(line('restart with the full lists loaded', await startOnce({ ...full.env, SEED_LISTS: 'full' })));
  } finally {
    await full.drop();
  }
  const dprk = await fresh();
  try {
    lines.push(line('first start, SEED_LISTS=dprk', await startOnce({ ...dprk.env, SEED_LISTS: 'dprk' })));
  } finally {
    await dprk.drop();
  }
}
process.stdout.write(`${lines.join('\n')}\n`);
