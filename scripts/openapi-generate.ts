import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderOpenApiDocument } from '../src/http/openapi-document.js';

const target = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'openapi', 'openapi.json');
writeFileSync(target, await renderOpenApiDocument());
process.stdout.write(`wrote ${path.relative(process.cwd(), target)}\n`);
