import pino from 'pino';
import request from 'supertest';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { decisionSchema } from '../../src/http/schemas/screening.schemas.js';
import { caseViewSchema } from '../../src/http/schemas/cases.schemas.js';
import { screen } from '../helpers/cases-fixtures.js';
import { listEntry, loadTestList } from '../helpers/list-fixtures.js';
import { bearer, createTestApp, FIXED_NOW, type TestApp } from '../helpers/test-app.js';

/**
 * Issue 21: production writes responses with the serialiser compiled from their JSON schema
 * (fast-json-stringify) and no zod check. Here a rich profile (a listed name with its birth date,
 * a listed nationality, shared contacts, mismatched logins and payment) is screened, and its
 * decision and case are read from the tests' app (zod checks every response) and from an app on
 * the same database that does not check: the same bodies, and exactly what zod passes.
 */
let t: TestApp;
let unchecked: FastifyInstance;

beforeAll(async () => {
  t = await createTestApp({
    beforeBuild: async (database) => {
      await loadTestList(database.db, 'serialisation-list', [
        listEntry({ sourceId: 'SER-1', name: 'KIM, Sang Man', birthDates: [{ value: '1961-08-12' }], nationalities: ['KP'], identifiers: [{ kind: 'passport', value: 'P1234567', normalized: 'P1234567', country: 'KP' }], attributes: { title: 'Official' } }),
      ]);
    },
  });
  unchecked = await buildApp({ database: t.database, now: () => FIXED_NOW, validateResponses: false, monitoring: false, listRefreshMs: 0, retentionCheckMs: 0, logStream: pino.destination('/dev/null') });
  await unchecked.ready();
});
afterAll(async () => {
  await unchecked.close();
  await t.close();
});

const richProfile = (ref: string) => ({
  externalRef: ref,
  name: 'Sang Man Kim',
  birthDate: '1961-08-12',
  nationality: 'KR',
  citizenships: ['KP'],
  claimedLocation: { country: 'US', city: 'Austin', region: 'TX', timezone: 'Asia/Pyongyang' },
  emails: ['shared.team@example.net'],
  phones: ['+850 2 381 8111'],
  addresses: [{ kind: 'shipping', line1: '1 Depot Rd', city: 'Austin', region: 'TX', postalCode: '78701', country: 'US' }],
  documents: [{ type: 'passport', number: 'P1234567', country: 'KP' }],
  logins: [
    { ip: '175.45.176.3', country: 'US', at: '2026-11-01T10:00:00Z' },
    { ip: '8.8.8.8', country: 'CN', at: '2026-11-02T10:00:00Z' },
  ],
  payment: { method: 'bank', accountHolderName: 'Someone Else', bankCountry: 'CN' },
  engagement: { via: 'vendor' },
});

const read = (app: FastifyInstance, path: string) => request(app.server).get(path).set(bearer(t.keys.reviewer));

describe('responses written without the zod check', () => {
  test('a rich decision and its case: the same body with and without the check, and what zod passes', async () => {
    await screen(t, richProfile('serialised-1'));
    const decision = await screen(t, { ...richProfile('serialised-2'), name: 'Kim Sang-man' });
    expect(decision.outcome).toBe('block');
    expect(decision.hits.length).toBeGreaterThan(3);
    expect(decision.hits.some((hit) => hit.entry !== undefined && hit.explanation !== undefined)).toBe(true);

    for (const [path, schema] of [
      [`/v1/decisions/${decision.id}`, decisionSchema],
      [`/v1/cases/${decision.caseId}`, caseViewSchema],
    ] as const) {
      const checked = await read(t.app, path);
      const plain = await read(unchecked, path);
      expect(checked.status).toBe(200);
      expect(plain.status).toBe(200);
      expect(plain.body).toEqual(checked.body);
      expect(plain.body).toEqual(JSON.parse(JSON.stringify(schema.parse(plain.body))));
    }
  });

  test('a field the schema does not name is dropped by both, as zod drops it', async () => {
    const { createResponseSerializerCompiler } = await import('../../src/http/response-serializer.js');
    const route = { schema: decisionSchema, method: 'GET', url: '/v1/decisions/:id', httpStatus: '200' };
    const body = (await read(t.app, `/v1/decisions/${(await screen(t, richProfile('serialised-3'))).id}`)).body as Record<string, unknown>;
    const withExtra = { ...body, internal: 'not for the client', hits: (body.hits as object[]).map((hit) => ({ ...hit, secret: 1 })) };
    const plain = createResponseSerializerCompiler({ validateResponses: false })(route)(withExtra);
    const checked = createResponseSerializerCompiler({ validateResponses: true })(route)(withExtra);
    expect(JSON.parse(plain as string)).toEqual(body);
    expect(checked).toBe(plain);
  });

  test('with the check on, a response zod refuses is an error, not sent', async () => {
    const { createResponseSerializerCompiler } = await import('../../src/http/response-serializer.js');
    const route = { schema: decisionSchema, method: 'GET', url: '/v1/decisions/:id', httpStatus: '200' };
    expect(() => createResponseSerializerCompiler({ validateResponses: true })(route)({ id: 'x' })).toThrow();
  });
});
