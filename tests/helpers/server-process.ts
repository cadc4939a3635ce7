import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
const TSX = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface RunningProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Runs a TypeScript entry point (src/main.ts, src/cli.ts) as its own process, like `npm start` would. */
export function runEntry(entry: string, args: string[], env: Record<string, string | undefined>): RunningProcess {
  const child = spawn(TSX, [path.join(REPO_ROOT, entry), ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk) => (out += String(chunk)));
  child.stderr?.on('data', (chunk) => (err += String(chunk)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

export async function waitFor(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * src/main.ts on a free port with the quiet test defaults (warn logs, no bundled lists) and `env`,
 * once it listens or has exited; `listenMs` for a test that can wait longer on a loaded machine.
 */
export async function startMain(env: Record<string, string | undefined>, listenMs = 30_000): Promise<{ server: RunningProcess; base: string }> {
  const port = await freePort();
  const server = runEntry('src/main.ts', [], { PORT: String(port), LOG_LEVEL: 'warn', SEED_LISTS: 'none', ...env });
  await waitFor(() => server.stdout().includes('listening on') || server.child.exitCode !== null, 'the server to listen', listenMs);
  return { server, base: `http://127.0.0.1:${port}` };
}
