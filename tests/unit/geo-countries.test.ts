import { describe, expect, test } from 'vitest';

import {
  callingCodes,
  countries,
  countryByCode,
  countryCodeFromName,
  isCountryCode,
} from '../../src/domain/geo/countries.js';

describe('country table', () => {
  test('has every ISO 3166-1 alpha-2 code once, plus XK for Kosovo', () => {
    const codes = countries.map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.length).toBe(250);
    expect(codes.every((c) => /^[A-Z]{2}$/.test(c))).toBe(true);
  });

  test.each([
    ['KP', true],
    ['KR', true],
    ['US', true],
    ['XK', true],
    ['kp', false],
    ['UK', false],
    ['ZZ', false],
    ['', false],
  ])('isCountryCode(%j) is %s', (code, expected) => {
    expect(isCountryCode(code)).toBe(expected);
  });

  test('countryByCode accepts lower case', () => {
    expect(countryByCode('kp')?.name).toBe("Korea, Democratic People's Republic of");
  });
});

describe('calling codes', () => {
  test.each([
    ['KP', '850'],
    ['KR', '82'],
    ['CN', '86'],
    ['US', '1'],
    ['CA', '1'],
    ['RU', '7'],
    ['KZ', '7'],
    ['GB', '44'],
    ['JP', '81'],
    ['HK', '852'],
    ['MO', '853'],
    ['LA', '856'],
    ['KH', '855'],
    ['VN', '84'],
    ['AE', '971'],
    ['UA', '380'],
  ])('%s dials +%s', (code, calling) => {
    expect(callingCodes[code]).toBe(calling);
  });

  test('territories without a calling code are absent rather than empty', () => {
    expect(callingCodes['BV']).toBeUndefined();
    expect(Object.values(callingCodes).every((c) => /^\d{1,3}$/.test(c))).toBe(true);
  });
});

describe('countryCodeFromName', () => {
  test.each([
    // OFAC spellings
    ['Korea, North', 'KP'],
    ['Korea, South', 'KR'],
    ['Burma', 'MM'],
    ['Russia', 'RU'],
    ['Iran', 'IR'],
    ['China', 'CN'],
    ['Hong Kong', 'HK'],
    ['Taiwan', 'TW'],
    ['Vietnam', 'VN'],
    ['Syria', 'SY'],
    ['Congo, Democratic Republic of the', 'CD'],
    ['Congo, Republic of the', 'CG'],
    ['United Arab Emirates', 'AE'],
    ['Lao', 'LA'],
    ['Laos', 'LA'],
    ['Virgin Islands, British', 'VG'],
    ['Bahamas, The', 'BS'],
    ['The Gambia', 'GM'],
    ['Man, Isle of', 'IM'],
    ['Cote d Ivoire', 'CI'],
    ['North Macedonia, The Republic of', 'MK'],
    ['Macau', 'MO'],
    ['Czech Republic', 'CZ'],
    ['Kosovo', 'XK'],
    ['Palestinian', 'PS'],
    ['Region: Gaza', 'PS'],
    ['St. Kitts & Nevis', 'KN'],
    ['U.K.', 'GB'],
    // UN spellings
    ["Democratic People's Republic of Korea", 'KP'],
    ['Democratic People’s Republic of Korea', 'KP'],
    ['Republic of Korea', 'KR'],
    ['Russian Federation', 'RU'],
    ['Iran (Islamic Republic of)', 'IR'],
    ['Syrian Arab Republic', 'SY'],
    ['Democratic Republic of the Congo', 'CD'],
    ['United Republic of Tanzania', 'TZ'],
    ['State of Palestine', 'PS'],
    ['Viet Nam', 'VN'],
    ['United Kingdom of Great Britain and Northern Ireland', 'GB'],
    ['United States of America', 'US'],
    ['Türkiye', 'TR'],
    ['Turkey', 'TR'],
    ['Bolivia (Plurinational State of)', 'BO'],
    // adjectives and case/space noise
    ['North Korean', 'KP'],
    ['South Korean', 'KR'],
    ['Chinese', 'CN'],
    ['  korea,   NORTH ', 'KP'],
    ['KP', 'KP'],
  ])('%j → %s', (name, code) => {
    expect(countryCodeFromName(name)).toBe(code);
  });

  test.each([
    'Korean', // North or South: guessing would be worse than keeping the text
    'Congolese',
    'former Soviet Union',
    'Region: Kafia Kingi',
    'undetermined',
    '',
    '   ',
    'Atlantis',
  ])('%j is not mapped', (name) => {
    expect(countryCodeFromName(name)).toBeUndefined();
  });

  test('every table name maps back to its own code', () => {
    for (const c of countries) expect(countryCodeFromName(c.name), c.name).toBe(c.code);
  });
});
