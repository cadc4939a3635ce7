import { sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';
import { listEntry, loadTestList } from '../helpers/list-fixtures.js';
import { cleanPolishFreelancer } from '../unit/rules-fixtures.js';

/** The issue #5 scenarios end to end: HTTP, the default ruleset, list identifiers and links answered from PostgreSQL. */
let t: TestApp;
const LISTED_WALLET = '0xB6F5EC1A0A9CD1526536D3F0426C429529471F40';

beforeAll(async () => {
  t = await createTestApp({
    beforeBuild: async (database) => {
      await loadTestList(database.db, 'ofac-sdn', [
        listEntry({
          sourceId: '43377',
          name: 'KIM, Sang Man',
          identifiers: [{ kind: 'wallet', value: LISTED_WALLET, normalized: LISTED_WALLET.toLowerCase(), currency: 'ETH' }],
        }),
      ]);
    },
  });
});
afterAll(() => t.close());

const screen = (subject: object) => request(t.app.server).post('/v1/screenings').set(bearer(t.keys.screener)).send({ subject });

describe('the default ruleset over HTTP', () => {
  test('a freelancer in Poland with a local bank account is clear', async () => {
    const response = await screen(cleanPolishFreelancer());
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body).toMatchObject({ outcome: 'clear', score: 0, hits: [] });
  });

  test('a persona with a PRC payee, a crypto wallet and no video: four independent high-severity flags block (likelihood ratios, docs/scoring.md)', async () => {
    const response = await screen({
      externalRef: 'cand-2001',
      name: 'Daniel Carter',
      claimedLocation: { country: 'US', city: 'Austin', timezone: 'America/Chicago' },
      payment: { method: 'bank', provider: 'Bank of China', accountHolderName: 'Zhang Wei', bankCountry: 'CN', wallets: ['0x1111111111111111111111111111111111111111'] },
      interview: { videoCompleted: false },
    });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body.outcome, JSON.stringify(response.body.hits)).toBe('block');
    expect(response.body.hits.some((hit: { forcesBlock?: boolean }) => hit.forcesBlock)).toBe(false);
  });

  test('a payout wallet on a sanctions list blocks, naming the list entry', async () => {
    const subject = { ...cleanPolishFreelancer(), externalRef: 'pl-wallet', payment: { method: 'crypto', accountHolderName: 'Anna Kowalska', wallets: [LISTED_WALLET] } };
    const response = await screen(subject);
    expect(response.body.outcome, JSON.stringify(response.body.hits)).toBe('block');
    expect(response.body.hits).toEqual(expect.arrayContaining([expect.objectContaining({ ruleId: 'list-wallet-match', forcesBlock: true, entry: expect.objectContaining({ sourceId: '43377' }) })]));
  });

  test('three applicants with different names and one shipping address: the later ones are linked to the earlier', async () => {
    const farm = { kind: 'shipping', line1: '400 Warehouse Rd Apt 2', city: 'Nashville', postalCode: '37201', country: 'US' };
    const applicants = ['Mark Jensen', 'Luis Ortega', 'Sam Whitaker'].map((name, index) => ({ externalRef: `farm-${index + 1}`, name, addresses: [farm] }));
    const first = await screen(applicants[0]!);
    expect(first.body.hits.filter((hit: { ruleId: string }) => hit.ruleId.includes('shared'))).toEqual([]);
    await screen(applicants[1]!);
    const third = await screen(applicants[2]!);
    const link = third.body.hits.find((hit: { related?: string[] }) => hit.related?.length);
    expect(link, JSON.stringify(third.body.hits)).toBeDefined();
    expect(link.related).toEqual(expect.arrayContaining(['farm-1', 'farm-2']));
    expect(third.body.outcome).not.toBe('clear');
  });

  test('document numbers and bank accounts are stored only as keyed hashes', async () => {
    const response = await screen({ externalRef: 'doc-1', name: 'Pat Doe', documents: [{ type: 'passport', country: 'US', number: 'X1234567' }] });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    const rows = await queryRows<{ input: unknown }>(t.database, sql`select input from decisions where id = ${response.body.id}`);
    const stored = JSON.stringify(rows[0]?.input);
    expect(stored).not.toContain('X1234567');
    expect(stored).toContain('numberHash');
    const keys = await queryRows<{ key: string; display: string }>(t.database, sql`select key, display from subject_link_keys`);
    expect(JSON.stringify(keys)).not.toContain('X1234567');
  });
});
