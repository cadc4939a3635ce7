import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The console's files. The page and styles are plain files beside this module; the script is
 * the TypeScript in ./browser, bundled into one ES module by esbuild. `npm run build` writes the
 * bundle next to the compiled server (dist/http/console/console.js, see scripts/console-build.ts);
 * run from source (tsx, vitest) there is no bundle, so it is made in memory on each request.
 */
export const CONSOLE_DIR = path.dirname(fileURLToPath(import.meta.url));
const BROWSER_DIR = path.join(CONSOLE_DIR, 'browser');

export const CONSOLE_STATIC_FILES = ['console.html', 'console.css'] as const;

export interface ConsoleAssets {
  html: string;
  css: string;
  script: () => Promise<string>;
}

/** Bundles ./browser/main.ts; refuses a bundle that pulled in anything outside ./browser (a value import of a server module). */
export async function bundleConsoleScript(): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [path.join(BROWSER_DIR, 'main.ts')],
    tsconfig: path.join(BROWSER_DIR, 'tsconfig.json'),
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const outside = Object.keys(result.metafile.inputs).filter((input) => !path.resolve(input).startsWith(BROWSER_DIR + path.sep));
  if (outside.length > 0) throw new Error(`the console bundle must hold browser code only; it pulled in ${outside.join(', ')} (use import type)`);
  const [output] = result.outputFiles;
  if (!output) throw new Error('esbuild wrote no console bundle');
  return output.text;
}

export function loadConsoleAssets(dir = CONSOLE_DIR): ConsoleAssets {
  const read = (name: string) => readFileSync(path.join(dir, name), 'utf8');
  const built = path.join(dir, 'console.js');
  if (existsSync(built)) {
    const script = read('console.js');
    return { html: read('console.html'), css: read('console.css'), script: async () => script };
  }
  return { html: read('console.html'), css: read('console.css'), script: bundleConsoleScript };
}
