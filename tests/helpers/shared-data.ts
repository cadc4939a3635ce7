import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Real list files live beside the repository (../shared/data/lists), not inside it: CI clones
 * the repo into another folder with shared/ next to it, so the path is resolved from the
 * repository root rather than hard-coded.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const listsDataDir = path.resolve(repoRoot, '..', 'shared', 'data', 'lists');

export function listsData(...parts: string[]): string {
  if (!existsSync(listsDataDir)) {
    throw new Error(`list fixtures not found at ${listsDataDir}; check out shared/ beside the repository`);
  }
  return path.join(listsDataDir, ...parts);
}
