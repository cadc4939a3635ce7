import { describe, expect, test } from 'vitest';
import { evaluateRuleset } from '../../src/domain/rules/evaluate.js';
import { locateLogin, storedIpIntelligence, type IpIntelligence } from '../../src/domain/rules/login-locations.js';
import type { ScreeningSubject } from '../../src/domain/rules/screening-subject.js';
import { contextFor, defaultRule, defaultRuleset, rulesetOf } from './rules-fixtures.js';

const DATABASE = 'test-db@1 built 2026-06-17T19:51:40Z; dprk-networks 1';

/** What the service's locator answers for the test addresses (the real one is tested in tests/integration). */
const intelligence: IpIntelligence = {
  database: DATABASE,
  locations: {
    '8.8.8.8': { country: 'US' },
    '5.255.255.5': { country: 'RU' },
    '193.0.6.139': { country: 'NL' },
    '175.45.176.1': { country: 'KP', dprkNetwork: '175.45.176.0/22' },
    '2001:4860:4860::8888': { country: 'US' },
  },
};

const at = (hour: number) => `2026-11-02T${String(hour).padStart(2, '0')}:00:00Z`;

describe('locateLogin', () => {
  test.each([
    ['a located IP: its country, from the IP', { ip: '8.8.8.8', country: 'CN', at: at(1) }, { country: 'US', basis: 'ip', field: '/subject/logins/0/ip' }],
    ['an IP in another spelling is the same IP', { ip: '2001:4860:4860:0:0:0:0:8888', at: at(1) }, { country: 'US', basis: 'ip' }],
    ['a DPRK network: KP and the block', { ip: '175.45.176.1', country: 'CN', at: at(1) }, { country: 'KP', basis: 'ip', dprkNetwork: '175.45.176.0/22' }],
    ['a private IP: the caller country, marked as such', { ip: '10.1.2.3', country: 'PL', at: at(1) }, { country: 'PL', basis: 'caller', field: '/subject/logins/0/country' }],
    ['an IP the database does not know, no caller country: nowhere', { ip: '198.51.100.7', at: at(1) }, { field: '/subject/logins/0/country' }],
  ])('%s', (_label, login, expected) => {
    const located = locateLogin(login, 0, intelligence);
    expect(located).toMatchObject(expected);
    if (!('country' in expected)) expect(located.country).toBeUndefined();
  });

  test('without IP intelligence every login keeps the caller country (decisions made before it)', () => {
    expect(locateLogin({ ip: '8.8.8.8', country: 'CN', at: at(1) }, 2, undefined)).toMatchObject({ country: 'CN', basis: 'caller', field: '/subject/logins/2/country' });
  });

  test('an inherited property name is not a location', () => {
    expect(locateLogin({ ip: 'constructor', at: at(1) }, 0, intelligence).country).toBeUndefined();
  });
});

describe('storedIpIntelligence', () => {
  test('reads what a screening stored, and nothing from inputs without it or with a broken one', () => {
    expect(storedIpIntelligence({ subject: {}, ipIntelligence: intelligence })).toEqual(intelligence);
    expect(storedIpIntelligence({ subject: {} })).toBeUndefined();
    expect(storedIpIntelligence(null)).toBeUndefined();
    expect(storedIpIntelligence({ ipIntelligence: { database: 1, locations: {} } })).toBeUndefined();
    expect(storedIpIntelligence({ ipIntelligence: { database: 'x', locations: { '1.1.1.1': { country: 7 }, '8.8.8.8': { country: 'US', dprkNetwork: 3 } } } })).toEqual({
      database: 'x',
      locations: { '8.8.8.8': { country: 'US' } },
    });
  });
});

function evaluate(subject: ScreeningSubject, withIntelligence = true) {
  const context = contextFor(subject);
  return evaluateRuleset(subject, defaultRuleset(), withIntelligence ? { ...context, ipIntelligence: intelligence } : context);
}

describe('default rules over located logins', () => {
  test('a login from a DPRK network blocks, whatever country the caller gives, and the hit names the block and the database', () => {
    const subject: ScreeningSubject = { name: 'Alex Morgan', logins: [{ ip: '175.45.176.1', country: 'CN', at: at(3) }] };
    const evaluation = evaluate(subject);
    expect(evaluation.outcome, JSON.stringify(evaluation.hits)).toBe('block');
    expect(evaluation.hits.find((hit) => hit.ruleId === 'dprk-geography')).toMatchObject({
      field: '/subject/logins/0/ip',
      value: 'KP',
      explanation: { ipDatabase: DATABASE, locatedByIp: 1, locatedByCaller: 0, dprkNetworks: ['175.45.176.0/22'] },
    });
    expect(evaluate(subject, false).hits.map((hit) => hit.ruleId)).not.toContain('dprk-geography');
  });

  test('claimed US, logins from Russia that the caller calls US: the located countries count, and the disagreement is a hit of its own', () => {
    const subject: ScreeningSubject = {
      name: 'Alex Morgan',
      claimedLocation: { country: 'US' },
      logins: [1, 2, 3].map((hour) => ({ ip: '5.255.255.5', country: 'US', at: at(hour) })),
    };
    const hits = evaluate(subject).hits;
    expect(hits.find((hit) => hit.ruleId === 'claimed-country-vs-logins')).toMatchObject({
      value: '3 of 3 logins from RU; claimed US',
      explanation: { ipDatabase: DATABASE, locatedByIp: 3, locatedByCaller: 0 },
    });
    expect(hits.find((hit) => hit.ruleId === 'login-country-disagrees')).toMatchObject({
      field: '/subject/logins/0/country',
      value: '3 of 3 logins: given US, IP in RU',
      // The same logins as the claimed-country hit: one fact under likelihood ratios, shown at 0.
      points: 0,
      indicatorIds: ['US22-VPN-VPS'],
      explanation: { ipDatabase: DATABASE },
    });
    expect(evaluate(subject, false).hits).toEqual([]);
  });

  test('logins the database places where the caller does, and private IPs, raise nothing', () => {
    const subject: ScreeningSubject = {
      name: 'Alex Morgan',
      claimedLocation: { country: 'US' },
      logins: [
        { ip: '8.8.8.8', country: 'US', at: at(1) },
        { ip: '2001:4860:4860::8888', at: at(2) },
        { ip: '192.168.1.20', country: 'US', at: at(3) },
      ],
    };
    expect(evaluate(subject).hits).toEqual([]);
  });

  test('geo-velocity counts located countries and says how each was placed', () => {
    const subject: ScreeningSubject = {
      name: 'Alex Morgan',
      logins: [
        { ip: '8.8.8.8', at: at(1) },
        { ip: '193.0.6.139', at: at(2) },
        { ip: '10.0.0.7', country: 'JP', at: at(3) },
      ],
    };
    const hit = evaluate(subject).hits.find((candidate) => candidate.ruleId === 'login-many-countries');
    expect(hit).toMatchObject({ value: 'JP, NL, US within 24 h', explanation: { locatedByIp: 2, locatedByCaller: 1 } });
  });

  test('one disagreement among many logins is below the share that fires', () => {
    const rule = defaultRule('login-country-disagrees');
    const subject: ScreeningSubject = {
      name: 'Alex Morgan',
      logins: [{ ip: '8.8.8.8', country: 'CA', at: at(1) }, ...[2, 3, 4, 5].map((hour) => ({ ip: '8.8.8.8', country: 'US', at: at(hour) }))],
    };
    expect(evaluateRuleset(subject, rulesetOf(rule), { ...contextFor(subject), ipIntelligence: intelligence }).hits).toEqual([]);
    subject.logins!.push({ ip: '8.8.8.8', country: 'CA', at: at(6) });
    expect(evaluateRuleset(subject, rulesetOf(rule), { ...contextFor(subject), ipIntelligence: intelligence }).hits).toHaveLength(1);
  });
});

describe('login-hosting-network: logins through cloud servers or VPN exits', () => {
  /** The networks as the service's locator names them (the real lookups are in tests/unit/ip-asn.test.ts). */
  const networks: IpIntelligence = {
    database: `${DATABASE}; asn-db@1; hosting-networks 1`,
    locations: {
      '52.95.110.1': { country: 'US', asn: 16509, organisation: 'Amazon.com, Inc.', hosting: 'hosting' },
      '185.159.157.1': { country: 'CH', asn: 209103, organisation: 'Proton AG', hosting: 'vpn' },
      '73.1.2.3': { country: 'US', asn: 7922, organisation: 'Comcast Cable Communications, LLC' },
      '8.8.8.8': { country: 'US' },
    },
  };
  const rule = defaultRule('login-hosting-network');
  const hitsOf = (subject: ScreeningSubject, intelligence: IpIntelligence | null = networks) =>
    evaluateRuleset(subject, rulesetOf(rule), intelligence ? { ...contextFor(subject), ipIntelligence: intelligence } : contextFor(subject)).hits;
  const loginsFrom = (...ips: string[]) => ips.map((ip, index) => ({ ip, at: at(index + 1) }));

  test('most logins from hosting or VPN networks: one low-weight hit naming the networks and the database', () => {
    const hits = hitsOf({ name: 'Alex Morgan', logins: loginsFrom('73.1.2.3', '185.159.157.1', '52.95.110.1') });
    expect(hits).toEqual([
      expect.objectContaining({
        ruleId: 'login-hosting-network',
        field: '/subject/logins/1/ip',
        value: '2 of 3 logins from hosting or VPN networks: AS209103 Proton AG; AS16509 Amazon.com, Inc.',
        points: rule.weight,
        indicatorIds: ['US22-VPN-VPS'],
        explanation: { ipDatabase: networks.database, networks: ['AS209103 Proton AG', 'AS16509 Amazon.com, Inc.'], kinds: ['hosting', 'vpn'] },
      }),
    ]);
    expect(rule.weight).toBe(3);
  });

  test('a minority of such logins, home networks, IPs without a known network, or no IP intelligence: nothing', () => {
    expect(hitsOf({ name: 'Alex Morgan', logins: loginsFrom('73.1.2.3', '73.1.2.3', '185.159.157.1') })).toEqual([]);
    expect(hitsOf({ name: 'Alex Morgan', logins: loginsFrom('73.1.2.3', '8.8.8.8', '10.0.0.1') })).toEqual([]);
    // Stored inputs from before ASNs were looked up: no network known, nothing to see, as they were made.
    expect(hitsOf({ name: 'Alex Morgan', logins: loginsFrom('52.95.110.1') }, { database: DATABASE, locations: { '52.95.110.1': { country: 'US' } } })).toEqual([]);
    expect(hitsOf({ name: 'Alex Morgan', logins: loginsFrom('52.95.110.1') }, null)).toEqual([]);
  });

  test('VPN use alone leaves an otherwise clean profile clear under the default ruleset', () => {
    const subject: ScreeningSubject = { name: 'Alex Morgan', claimedLocation: { country: 'US' }, logins: loginsFrom('52.95.110.1', '52.95.110.1', '185.159.157.1') };
    const evaluation = evaluateRuleset(subject, defaultRuleset(), { ...contextFor(subject), ipIntelligence: networks });
    expect(evaluation.hits.map((hit) => hit.ruleId)).toContain('login-hosting-network');
    expect(evaluation.outcome).toBe('clear');
    expect(evaluation.score).toBeLessThan(5);
  });

  test('stored locations keep their network facts, checked field by field', () => {
    expect(storedIpIntelligence({ ipIntelligence: networks })).toEqual(networks);
    expect(
      storedIpIntelligence({ ipIntelligence: { database: 'x', locations: { '1.1.1.1': { asn: 13335, organisation: 'Cloudflare, Inc.' }, '2.2.2.2': { country: 'FR', asn: 1.5, hosting: 'cloud' }, '3.3.3.3': { asn: '7' } } } }),
    ).toEqual({ database: 'x', locations: { '1.1.1.1': { asn: 13335, organisation: 'Cloudflare, Inc.' }, '2.2.2.2': { country: 'FR' } } });
  });
});
