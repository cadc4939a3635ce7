/**
 * Writes `seed/redflag-json.schema.json` (JSON Schema of the redflag-json list format) from the
 * zod schema in `src/lists/redflag-json.schema.ts`. Run after changing that schema:
 * `npm run curated:schema`. `tests/unit/curated-schema.test.ts` fails when the file is stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { redflagJsonJsonSchemaText } from '../src/lists/redflag-json.schema.js';

const target = fileURLToPath(new URL('../seed/redflag-json.schema.json', import.meta.url));
writeFileSync(target, redflagJsonJsonSchemaText());
console.log(`wrote ${target}`);
