/**
 * Lists functions, methods and arrow functions longer than a limit (80 lines by default), longest
 * first. `tests/unit/function-lengths.test.ts` keeps src/ under the limit.
 *
 *   npx tsx scripts/function-lengths.ts [dir] [max-lines]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const MAX_FUNCTION_LINES = 80;

export interface LongFunction {
  /** Relative to the scanned directory, with forward slashes. */
  file: string;
  name: string;
  /** 1-based line of the function's first token (its JSDoc is not counted). */
  line: number;
  lines: number;
}

function tsFilesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return tsFilesUnder(full);
    return full.endsWith('.ts') && !full.endsWith('.d.ts') ? [full] : [];
  });
}

type FunctionNode = ts.FunctionLikeDeclaration;

function isFunctionNode(node: ts.Node): node is FunctionNode {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isFunctionExpression(node) ||
    ts.isArrowFunction(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node)
  );
}

/** The name a reader would look for: its own, or that of the variable or property holding it. */
function nameOf(node: FunctionNode, source: ts.SourceFile): string {
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  if (node.name) return node.name.getText(source);
  const parent = node.parent;
  if ((ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && parent.name) return parent.name.getText(source);
  return '<anonymous>';
}

export function longFunctionsIn(file: string, text: string, maxLines = MAX_FUNCTION_LINES): LongFunction[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: LongFunction[] = [];
  const visit = (node: ts.Node) => {
    if (isFunctionNode(node) && node.body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = last - first + 1;
      if (lines > maxLines) found.push({ file, name: nameOf(node, source), line: first + 1, lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

export function findLongFunctions(dir: string, maxLines = MAX_FUNCTION_LINES): LongFunction[] {
  return tsFilesUnder(dir)
    .flatMap((full) => longFunctionsIn(path.relative(dir, full).split(path.sep).join('/'), readFileSync(full, 'utf8'), maxLines))
    .sort((a, b) => b.lines - a.lines || a.file.localeCompare(b.file) || a.line - b.line);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = path.resolve(process.argv[2] ?? 'src');
  const maxLines = Number(process.argv[3] ?? MAX_FUNCTION_LINES);
  const found = findLongFunctions(dir, maxLines);
  for (const fn of found) console.log(`${fn.lines}\t${fn.file}:${fn.line}\t${fn.name}`);
  console.error(`${found.length} function(s) over ${maxLines} lines under ${path.relative(process.cwd(), dir) || '.'}`);
  process.exitCode = found.length > 0 ? 1 : 0;
}
