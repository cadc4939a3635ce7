import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { bundleConsoleScript, loadConsoleAssets } from '../../src/http/console/console-assets.js';

describe('the console script bundle', () => {
  test('is one small ES module holding browser code only: no zod, no server module, no inline HTML for script', async () => {
    const script = await bundleConsoleScript();
    expect(script.length).toBeLessThan(80_000);
    expect(script).not.toMatch(/(^|[;}])\s*import[\s{*]|\bimport\(|require\(/);
    expect(script).not.toContain('zod');
    expect(script).not.toContain('innerHTML');
  });

  test('a built console (dist) is served from its files; from source the script is bundled on request', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'console-'));
    try {
      for (const [name, text] of [['console.html', '<p>page</p>'], ['console.css', 'p{}'], ['console.js', 'export {};']]) writeFileSync(path.join(dir, name!), text!);
      const built = loadConsoleAssets(dir);
      expect(built.html).toBe('<p>page</p>');
      expect(await built.script()).toBe('export {};');
      expect(await loadConsoleAssets().script()).toContain('redflag.apiKey');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
