import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '..', '..', 'src');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : full.endsWith('.ts') ? [full] : [];
  });
}

describe('the domain core stays pure', () => {
  const forbidden = /from '(fastify|drizzle-orm|pg|pino|@electric-sql\/pglite|node:fs|node:net|node:http)[^']*'|\bprocess\.|Date\.now\(|Math\.random\(/;
  test.each(filesUnder(path.join(SRC, 'domain')).map((file) => [path.relative(SRC, file)]))('%s imports no framework, database, I/O or ambient state', (file) => {
    const lines = readFileSync(path.join(SRC, file), 'utf8')
      .split('\n')
      .filter((line) => !line.trim().startsWith('//') && !line.trim().startsWith('*'));
    expect(lines.filter((line) => forbidden.test(line))).toEqual([]);
  });
});

describe('dependency direction http → services → domain, db', () => {
  test.each(filesUnder(SRC).map((file) => [path.relative(SRC, file)]))('%s', (file) => {
    const text = readFileSync(path.join(SRC, file), 'utf8');
    // main.ts and cli.ts are composition roots: they may wire anything together.
    const compositionRoot = file === 'main.ts' || file === 'cli.ts';
    // Response types are inferred from the http schemas (the one contract) and services return
    // them: a service's type-only import of a schema file is erased at build time, so it is allowed.
    const withoutSchemaTypes = !file.startsWith('services/') ? text : text.replace(/^import type \{[^}]*\} from '(\.\.\/)+http\/schemas\/[\w.-]+\.js';$/gm, '');
    if (!file.startsWith('http/') && !compositionRoot) expect(withoutSchemaTypes).not.toMatch(/from '\.\.?\/(\.\.\/)*http\//);
    if (file.startsWith('domain/') || file.startsWith('db/')) expect(text).not.toMatch(/from '(\.\.\/)+services\//);
  });
});
