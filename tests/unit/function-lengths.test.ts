import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { findLongFunctions, longFunctionsIn, MAX_FUNCTION_LINES } from '../../scripts/function-lengths.js';

const SRC = path.resolve(import.meta.dirname, '..', '..', 'src');

/**
 * Functions allowed over the limit, as `file:name`. Each is in a file other branches are changing
 * at the same time (issue 17): split after merge, so that the split does not collide with them.
 * The test also fails when an entry is no longer long, so the list only shrinks.
 */
const SPLIT_AFTER_MERGE = new Set<string>([
  'http/console/browser/case-view.ts:createCaseView', // split after merge: the console is being rewritten
  'http/console/browser/queue.ts:createQueue', // split after merge: the console is being rewritten
]);

describe('no function in src/ is longer than the limit', () => {
  test(`every function, method and arrow function is at most ${MAX_FUNCTION_LINES} lines (allowlist aside)`, () => {
    const long = findLongFunctions(SRC).map((fn) => `${fn.file}:${fn.name}`);
    expect(long.filter((key) => !SPLIT_AFTER_MERGE.has(key)), 'split these into smaller functions').toEqual([]);
    expect([...SPLIT_AFTER_MERGE].filter((key) => !long.includes(key)), 'no longer long: remove from the allowlist').toEqual([]);
  });

  test('a function is measured from its first token to its closing brace, and nested ones on their own', () => {
    const statements = (count: number) => Array.from({ length: count }, (_, i) => `  const v${i} = ${i};`).join('\n');
    // outer spans lines 2–83 (its JSDoc on line 1 not counted); inner spans lines 80–82.
    const text = `/** doc */\nexport function outer() {\n${statements(77)}\n  const inner = () => {\n${statements(1)}\n  };\n}\n`;
    expect(longFunctionsIn('x.ts', text, 80)).toEqual([{ file: 'x.ts', name: 'outer', line: 2, lines: 82 }]);
    expect(longFunctionsIn('x.ts', text, 2)).toContainEqual({ file: 'x.ts', name: 'inner', line: 80, lines: 3 });
  });
});
