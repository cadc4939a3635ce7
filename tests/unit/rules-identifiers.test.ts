import { describe, expect, test } from 'vitest';
import {
  emailDomain,
  emailLinkForm,
  ipLinkForm,
  normalizeAddress,
  normalizeDocumentNumber,
  normalizeDomain,
  normalizeEmail,
  normalizeIp,
  normalizePhone,
  normalizeWallet,
  normalizeWebsite,
  phoneCallingCode,
} from '../../src/domain/identifiers/identifier.normalize.js';
import { maskEmail, maskIp, maskPhone, shortenWallet } from '../../src/domain/identifiers/identifier.redact.js';
import * as ofac from '../../src/lists/ofac-remarks.parser.js';
import * as curated from '../../src/lists/redflag-json.normalize.js';
import { nameKeyOf, nameSimilarity } from '../../src/domain/rules/name-similarity.js';
import { timeZoneCountries } from '../../src/domain/rules/evaluators/field-consistency.evaluator.js';

describe('one normalisation for importers and rules', () => {
  test('the list importers use the domain functions themselves', () => {
    expect(ofac.normalizePhone).toBe(normalizePhone);
    expect(ofac.normalizeEmail).toBe(normalizeEmail);
    expect(curated.normalizePhone).toBe(normalizePhone);
    expect(curated.normalizeWallet).toBe(normalizeWallet);
    expect(curated.normalizeDomain).toBe(normalizeDomain);
    expect(curated.normalizeDocumentNumber).toBe(normalizeDocumentNumber);
  });

  test.each([
    ['+850 2 381 8208', '85023818208'],
    ['850 2 381 8208', '85023818208'],
    ['00850 2 381 8208', '85023818208'],
    ['+1 (512) 555-0100 ext. 12', '15125550100'],
    ['(022) 7363196', '0227363196'],
  ])('phone %j → %j (lists write international numbers without +)', (value, expected) => {
    expect(normalizePhone(value)).toBe(expected);
  });

  test.each([
    ['+1 512 555 0100', '1'],
    ['+850 2 381 8208', '850'],
    ['0086 138 0013 8000', '86'],
    ['+7 495 123 4567', '7'],
    ['(512) 555-0100', undefined],
  ])('calling code of %j is %j', (value, expected) => {
    expect(phoneCallingCode(value)).toBe(expected);
  });

  test.each([
    ['MAILTO:Jane@Example.COM.', 'jane@example.com'],
    [' a@b.io ', 'a@b.io'],
  ])('e-mail %j → %j', (value, expected) => expect(normalizeEmail(value)).toBe(expected));

  test('e-mail link form folds sub-addressing and Gmail dots', () => {
    expect(emailLinkForm('J.Roe+jobs@googlemail.com')).toBe('jroe@gmail.com');
    expect(emailLinkForm('j.roe+x@example.com')).toBe('j.roe@example.com');
    expect(emailDomain('jane@Mail.Example.com')).toBe('mail.example.com');
    expect(emailDomain('not-an-email')).toBeUndefined();
  });

  test.each([
    ['https://www.UpWorkSell.com:443/path?q=1', 'upworksell.com'],
    ['www2.example.com.', 'example.com'],
  ])('domain %j → %j', (value, expected) => expect(normalizeDomain(value)).toBe(expected));

  test('websites keep the path as written (paths are case-sensitive) but not the query', () => {
    expect(normalizeWebsite('HTTPS://WWW.GitHub.com/JRoe/?tab=repos')).toBe('github.com/JRoe');
  });

  test.each([
    ['203.0.113.5', '203.0.113.5'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['::ffff:203.0.113.5', '203.0.113.5'],
    ['::1', '::1'],
    ['1.2.3', undefined],
    ['2001:db8::1::2', undefined],
    ['gggg::1', undefined],
  ])('IP %j → %j', (value, expected) => expect(normalizeIp(value)).toBe(expected));

  test('IPv6 links by /64, IPv4 by address', () => {
    expect(ipLinkForm('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(ipLinkForm('203.0.113.5')).toBe('203.0.113.5');
  });

  test('addresses fold punctuation, accents, case and street-word spelling', () => {
    const a = normalizeAddress({ line1: '4410 North 27th Avenue', postalCode: '85017', country: 'US' });
    expect(normalizeAddress({ line1: '4410 n. 27th ave.', postalCode: '85 017', country: 'us' })).toBe(a);
    expect(normalizeAddress({ line1: 'ul. Długa 5', city: 'Kraków', country: 'PL' })).toBe('PL|krakow|ul dluga 5');
    expect(normalizeAddress({ line1: '4410 North 27th Avenue', line2: 'Apt 2', postalCode: '85017', country: 'US' })).not.toBe(a);
    expect(normalizeAddress({ line1: '   ', country: 'US' })).toBeUndefined();
  });

  test('document numbers and bech32 wallets', () => {
    expect(normalizeDocumentNumber('x-123 456.7')).toBe('X1234567');
    expect(normalizeWallet('BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ')).toBe('bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq');
  });
});

describe('redaction for reviewers', () => {
  test.each([
    [maskEmail('Jane.Roe@Example.com'), 'j•••@example.com'],
    [maskPhone('+1 512 555 0100'), '+1 •••0100'],
    [maskPhone('0712 345 678'), '•••5678'],
    [maskIp('203.0.113.5'), '203.0.113.x'],
    [maskIp('2001:db8:1:2::17'), '2001:db8:1:…'],
    [shortenWallet('0xb6f5ec1a0a9cd1526536d3f0426c429529471f40'), '0xb6f5ec…1f40'],
  ])('%j is %j', (actual, expected) => expect(actual).toBe(expected));
});

describe('name similarity for payee and profile names', () => {
  test.each([
    ['Jane Roe', 'ROE, Jane', 1],
    ['Jane Roe', 'Jane M. Roe', 1],
    ['Jane Roe', 'Jáne Roé', 1],
    ['Sang Man Kim', 'Sangman Kim', 1],
    ['Jane Roe', 'Jane Roe Consulting LLC', 1],
  ])('%j is %j', (a, b, expected) => expect(nameSimilarity(a, b)).toBe(expected));

  test.each([
    ['Jane Roe', 'Jane Doe'],
    ['Jane Roe', 'Zhang Wei'],
    ['Jane Roe', ''],
  ])('%j is not %j', (a, b) => expect(nameSimilarity(a, b)).toBeLessThan(0.75));
});

describe('time zones', () => {
  test('map to the countries using them, aliases included; UTC to none', () => {
    expect(timeZoneCountries('Asia/Bangkok')).toEqual(expect.arrayContaining(['TH', 'LA', 'VN', 'KH']));
    expect(timeZoneCountries('Asia/Calcutta')).toEqual(['IN']);
    expect(timeZoneCountries('America/Chicago')).toEqual(['US']);
    expect(timeZoneCountries('UTC')).toBeUndefined();
  });
});

describe('stored name keys', () => {
  test('compare with full names like the names themselves', () => {
    expect(nameKeyOf('ROE, Jáne')).toBe('jane roe');
    expect(nameSimilarity(nameKeyOf('Jane Roe'), 'Jane M. Roe')).toBe(1);
    expect(nameSimilarity(nameKeyOf('Bob Stone'), 'Jane Roe')).toBeLessThan(0.5);
  });
});
