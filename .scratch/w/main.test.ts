import { Worker } from 'node:worker_threads';
import { test, expect } from 'vitest';
test('w', async () => {
  const w = new Worker(new URL('./child.ts', import.meta.url), { execArgv: ['--import', 'tsx'] });
  const m = await new Promise((r, j) => { w.once('message', r); w.once('error', j); });
  expect(m).toEqual({ ok: 'function', x: 1 });
  await w.terminate();
});
