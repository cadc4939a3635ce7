import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { redflagJsonJsonSchema, redflagJsonJsonSchemaText } from '../../src/lists/redflag-json.schema.js';

const SCHEMA_PATH = fileURLToPath(new URL('../../seed/redflag-json.schema.json', import.meta.url));

describe('seed/redflag-json.schema.json', () => {
  it('equals what the zod schema produces (run `npm run curated:schema` after changing the schema)', () => {
    const committed = readFileSync(SCHEMA_PATH, 'utf8');
    expect(JSON.parse(committed)).toEqual(redflagJsonJsonSchema());
    expect(committed).toBe(redflagJsonJsonSchemaText());
  });

  it('describes the file header and requires provenance on entries', () => {
    const schema = redflagJsonJsonSchema() as {
      required: string[];
      properties: { entries: { items: { required: string[] } } };
    };
    expect(schema.required).toEqual(expect.arrayContaining(['format', 'version', 'source', 'generatedAt', 'entries']));
    expect(schema.properties.entries.items.required).toEqual(
      expect.arrayContaining(['sourceId', 'type', 'name', 'sources']),
    );
  });
});
