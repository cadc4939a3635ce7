import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { findLongFunctions, longFunctionsIn, MAX_FUNCTION_LINES } from '../../scripts/function-lengths.js';

const SRC = path.resolve(import.meta.dirname, '..', '..', 'src');

describe('no function in src/ is longer than the limit', () => {
  test(`every function, method and arrow function is at most ${MAX_FUNCTION_LINES} lines`, () => {
    const long = findLongFunctions(SRC).map((fn) => `${fn.file}:${fn.name} (${fn.lines} lines)`);
    expect(long, 'split these into smaller functions').toEqual([]);
  });

  test('a function is measured from its first token to its closing brace, and nested ones on their own', () => {
    const statements = (count: number) => Array.from({ length: count }, (_, i) => `  const v${i} = ${i};`).join('\n');
    // outer spans lines 2–83 (its JSDoc on line 1 not counted); inner spans lines 80–82.
    const text = `/** doc */\nexport function outer() {\n${statements(77)}\n  const inner = () => {\n${statements(1)}\n  };\n}\n`;
    expect(longFunctionsIn('x.ts', text, 80)).toEqual([{ file: 'x.ts', name: 'outer', line: 2, lines: 82 }]);
    expect(longFunctionsIn('x.ts', text, 2)).toContainEqual({ file: 'x.ts', name: 'inner', line: 80, lines: 3 });
  });
});
