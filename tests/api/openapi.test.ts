import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { renderOpenApiDocument } from '../../src/http/openapi-document.js';

describe('openapi/openapi.json', () => {
  test('matches what the app generates (run `npm run openapi:generate` after changing a route)', async () => {
    const committed = readFileSync(path.resolve(import.meta.dirname, '..', '..', 'openapi', 'openapi.json'), 'utf8');
    expect(JSON.parse(committed)).toEqual(JSON.parse(await renderOpenApiDocument()));
  });

  test('every operation has an operationId and every protected operation declares bearer auth', async () => {
    const document = JSON.parse(await renderOpenApiDocument()) as { paths: Record<string, Record<string, { operationId?: string; security?: unknown }>> };
    for (const [route, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        expect(operation.operationId, `${method} ${route}`).toBeTruthy();
        if (route.startsWith('/v1/')) expect(operation.security, `${method} ${route}`).toEqual([{ bearerAuth: [] }]);
      }
    }
  });
});
