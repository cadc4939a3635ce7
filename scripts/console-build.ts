import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleConsoleScript, CONSOLE_DIR, CONSOLE_STATIC_FILES } from '../src/http/console/console-assets.js';

/** Part of `npm run build`: the console's page, styles and bundled script beside the compiled server. */
const target = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'http', 'console');
mkdirSync(target, { recursive: true });
for (const name of CONSOLE_STATIC_FILES) copyFileSync(path.join(CONSOLE_DIR, name), path.join(target, name));
const script = await bundleConsoleScript();
writeFileSync(path.join(target, 'console.js'), script);
process.stdout.write(`wrote ${path.relative(process.cwd(), target)}/console.js (${script.length} bytes)\n`);
