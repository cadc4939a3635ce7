import { sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import type { IpIntelligence } from '../../src/domain/rules/login-locations.js';
import { createIpLocator, type IpLocator } from '../../src/services/ip-intelligence.service.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Login IPs geolocated by the service from the bundled database: well-known, stable addresses
 * (Google's and Yandex's public resolvers, the Star JV block of the DPRK), the caller's country
 * used only for addresses the database cannot place, and replays that locate as the screening did
 * even after the database changed.
 */
let t: TestApp;
const bundled = createIpLocator();
/** The bundled database, until the test "updates" it to one that places every address in France. */
let updated = false;
const locator: IpLocator = {
  get database() {
    return updated ? 'later-db@2 built 2027-01-01T00:00:00Z' : bundled.database;
  },
  locate(ips) {
    const answer = bundled.locate(ips);
    if (!updated) return answer;
    const locations = Object.fromEntries(Object.entries(answer.locations).map(([ip, location]) => [ip, location.dprkNetwork ? location : { country: 'FR' }]));
    return { database: 'later-db@2 built 2027-01-01T00:00:00Z', locations };
  },
};

beforeAll(async () => {
  t = await createTestApp({ appDeps: { ipDatabase: locator } });
});
afterAll(() => t.close());

interface DecisionBody {
  id: string;
  outcome: string;
  score: number;
  hits: { ruleId: string; field: string; value?: string; points: number; explanation?: Record<string, unknown> }[];
}

async function screen(subject: object, idempotencyKey?: string): Promise<DecisionBody & { status: number }> {
  const call = request(t.app.server).post('/v1/screenings').set(bearer(t.keys.screener));
  const response = await (idempotencyKey ? call.set('Idempotency-Key', idempotencyKey) : call).send({ subject });
  expect([200, 201], JSON.stringify(response.body)).toContain(response.status);
  return { ...(response.body as DecisionBody), status: response.status };
}

const replay = async (id: string) => {
  const response = await request(t.app.server).post(`/v1/decisions/${id}/replay`).set(bearer(t.keys.auditor));
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body as { identical: boolean; differences: unknown[]; original: unknown; replayed: unknown };
};

const storedIntelligence = async (id: string) =>
  (await queryRows<{ intelligence: IpIntelligence | null }>(t.database, sql`select input -> 'ipIntelligence' as intelligence from decisions where id = ${id}`))[0]?.intelligence;

const at = (day: number) => `2026-11-0${day}T15:00:00Z`;
let dprkDecision: DecisionBody;
let russianDecision: DecisionBody;
let hostingDecision: DecisionBody;

describe('the bundled database', () => {
  test('places well-known addresses, leaves private and documentation ones out, and names its version and build date', () => {
    const answer = bundled.locate(['8.8.8.8', '2001:4860:4860::8888', '5.255.255.5', '175.45.176.1', '10.0.0.1', '203.0.113.5', '::1', '::ffff:8.8.8.8']);
    expect(answer.locations).toEqual({
      '8.8.8.8': { country: 'US', asn: 15169, organisation: 'Google LLC' },
      '2001:4860:4860::8888': { country: 'US', asn: 15169, organisation: 'Google LLC' },
      '5.255.255.5': { country: 'RU', asn: 13238, organisation: 'YANDEX LLC' },
      '175.45.176.1': { country: 'KP', dprkNetwork: '175.45.176.0/22', asn: 131279, organisation: 'Star Joint Venture Co. Ltd.' },
    });
    expect(answer.database).toMatch(
      /^@ip-location-db\/geo-whois-asn-country-mmdb@\d+\.\d+\.\d+ built \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ; dprk-networks \d+ \([\d-]+\); @ip-location-db\/asn@\d+\.\d+\.\d+ built \d{4}-\d\d-\d\dT\d\d:00:00Z; hosting-networks \d+/,
    );
  });
});

describe('screenings locate login IPs themselves', () => {
  test('a login from the Star JV block blocks though the caller calls it Chinese; the hit names the block and the database', async () => {
    dprkDecision = await screen({ externalRef: 'ip-dprk', name: 'Alex Morgan', claimedLocation: { country: 'US' }, logins: [{ ip: '175.45.176.1', country: 'CN', at: at(1) }] });
    expect(dprkDecision.outcome, JSON.stringify(dprkDecision.hits)).toBe('block');
    expect(dprkDecision.hits.find((hit) => hit.ruleId === 'dprk-geography')).toMatchObject({
      field: '/subject/logins/0/ip',
      value: 'KP',
      forcesBlock: true,
      explanation: { ipDatabase: bundled.database, locatedByIp: 1, locatedByCaller: 0, dprkNetworks: ['175.45.176.0/22'] },
    });
    expect(dprkDecision.hits.map((hit) => hit.ruleId)).toContain('login-country-disagrees');
    expect(await storedIntelligence(dprkDecision.id)).toEqual({ database: bundled.database, locations: { '175.45.176.1': { country: 'KP', dprkNetwork: '175.45.176.0/22', asn: 131279, organisation: 'Star Joint Venture Co. Ltd.' } } });
  });

  test('logins from Russia that the caller calls American: the located country counts, and the disagreement is evidence', async () => {
    russianDecision = await screen({
      externalRef: 'ip-ru',
      name: 'Jordan Lee',
      claimedLocation: { country: 'US' },
      logins: [1, 2, 3].map((day) => ({ ip: '5.255.255.5', country: 'US', at: at(day) })),
    });
    const byRule = new Map(russianDecision.hits.map((hit) => [hit.ruleId, hit]));
    expect(byRule.get('claimed-country-vs-logins'), JSON.stringify(russianDecision.hits)).toMatchObject({ value: '3 of 3 logins from RU; claimed US', points: 9 });
    // The same logins, seen twice: one fact under likelihood ratios (docs/scoring.md), so the disagreement is shown at 0.
    expect(byRule.get('login-country-disagrees')).toMatchObject({ value: '3 of 3 logins: given US, IP in RU', points: 0, explanation: { ipDatabase: bundled.database } });
    // Every login from a hub country while claiming the US: the named combination escalates to review.
    expect(russianDecision).toMatchObject({ outcome: 'review', score: 40 });
  });

  test('an American profile logging in from Google DNS, and a private address the caller places, raise nothing', async () => {
    const decision = await screen({
      name: 'Sam Carter',
      claimedLocation: { country: 'US' },
      logins: [
        { ip: '8.8.8.8', country: 'US', at: at(1) },
        { ip: '2001:4860:4860::8888', at: at(2) },
        { ip: '192.168.0.10', country: 'US', at: at(3) },
      ],
    });
    expect(decision).toMatchObject({ outcome: 'clear', score: 0, hits: [] });
    expect(await storedIntelligence(decision.id)).toEqual({ database: bundled.database, locations: { '8.8.8.8': { country: 'US', asn: 15169, organisation: 'Google LLC' }, '2001:4860:4860::8888': { country: 'US', asn: 15169, organisation: 'Google LLC' } } });
  });

  test("an address the database cannot place keeps the caller's country, marked as the caller's", async () => {
    const decision = await screen({ name: 'Chris Park', logins: [{ ip: '10.20.30.40', country: 'KP', at: at(1) }] });
    expect(decision.hits.find((hit) => hit.ruleId === 'dprk-geography')).toMatchObject({
      field: '/subject/logins/0/country',
      explanation: { ipDatabase: bundled.database, locatedByIp: 0, locatedByCaller: 1 },
    });
  });

  test('logins through AWS and Proton VPN: a low-weight hit naming each network and the databases, and the profile stays clear', async () => {
    hostingDecision = await screen({
      externalRef: 'ip-hosting',
      name: 'Morgan Blake',
      claimedLocation: { country: 'US' },
      logins: [
        { ip: '52.95.110.1', country: 'US', at: at(1) },
        { ip: '52.95.110.1', at: at(2) },
        { ip: '185.159.157.1', at: at(3) },
      ],
    });
    expect(hostingDecision.hits.find((hit) => hit.ruleId === 'login-hosting-network'), JSON.stringify(hostingDecision.hits)).toMatchObject({
      field: '/subject/logins/0/ip',
      value: '3 of 3 logins from hosting or VPN networks: AS16509 Amazon.com, Inc.; AS209103 Proton AG',
      points: 3,
      explanation: { ipDatabase: bundled.database, networks: ['AS16509 Amazon.com, Inc.', 'AS209103 Proton AG'], kinds: ['hosting', 'vpn'] },
    });
    expect(hostingDecision.outcome).toBe('clear');
    expect((await storedIntelligence(hostingDecision.id))?.locations).toEqual({
      '52.95.110.1': { country: 'US', asn: 16509, organisation: 'Amazon.com, Inc.', hosting: 'hosting' },
      '185.159.157.1': { country: 'CH', asn: 209103, organisation: 'Proton AG', hosting: 'vpn' },
    });
  });

  test('a profile without logins records no IP intelligence', async () => {
    const decision = await screen({ name: 'Robin Diaz' });
    expect(await storedIntelligence(decision.id)).toBeNull();
  });
});

describe('replays', () => {
  test('replay the located decisions identically', async () => {
    for (const decision of [dprkDecision, russianDecision, hostingDecision]) {
      const replayed = await replay(decision.id);
      expect(replayed, JSON.stringify(replayed.differences)).toMatchObject({ identical: true, differences: [] });
      expect(replayed.replayed).toEqual(replayed.original);
    }
  });

  test('after the database changes, replays still locate as the screening did, new screenings use the new one, and an Idempotency-Key retry is the same request', async () => {
    const subject = { externalRef: 'ip-idem', name: 'Taylor Quinn', claimedLocation: { country: 'US' }, logins: [{ ip: '8.8.4.4', country: 'US', at: at(1) }] };
    const first = await screen(subject, 'ip-idem-1');
    expect(first).toMatchObject({ status: 201, outcome: 'clear', hits: [] });
    updated = true;
    try {
      // The later database knows no networks: the hosting hit is replayed from the stored answers all the same.
      for (const decision of [first, russianDecision, hostingDecision]) expect((await replay(decision.id)).identical).toBe(true);
      const retried = await screen(subject, 'ip-idem-1');
      expect(retried).toMatchObject({ status: 200, id: first.id });
      const later = await screen({ ...subject, externalRef: 'ip-later' });
      expect(later.hits.find((hit) => hit.ruleId === 'login-country-disagrees')).toMatchObject({ value: '1 of 1 logins: given US, IP in FR', explanation: { ipDatabase: 'later-db@2 built 2027-01-01T00:00:00Z' } });
      expect((await storedIntelligence(later.id))?.database).toBe('later-db@2 built 2027-01-01T00:00:00Z');
      expect((await replay(later.id)).identical).toBe(true);
    } finally {
      updated = false;
    }
  });
});
