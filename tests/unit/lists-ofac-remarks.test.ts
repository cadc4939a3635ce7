import { describe, expect, test } from 'vitest';

import {
  normalizePhone,
  normalizeWallet,
  normalizeWebsite,
  parseOfacDate,
  parseOfacRemarks,
} from '../../src/lists/ofac-remarks.parser.js';

describe('OFAC DOB text', () => {
  test.each([
    ['25 Apr 1965', { value: '1965-04-25' }],
    ['5 Apr 1965', { value: '1965-04-05' }],
    ['Apr 1965', { value: '1965-04' }],
    ['1962', { value: '1962' }],
    ['1962.', { value: '1962' }],
    ['circa 1960', { value: '1960', circa: true }],
    ['circa 01 Jan 1960', { value: '1960-01-01', circa: true }],
    ['1960 to 1962', { value: '1960', to: '1962' }],
    ['01 Jan 1960 to 31 Dec 1962', { value: '1960-01-01', to: '1962-12-31' }],
    ['Mar 1970 to Feb 1971', { value: '1970-03', to: '1971-02' }],
    ['circa 1958-1960', { value: '1958', to: '1960', circa: true }],
  ])('%j', (text, expected) => {
    expect(parseOfacDate(text)).toEqual(expected);
  });

  test.each(['', 'unknown', '32 Jan 1960', '12 1960', '1960 to sometime', 'Foo 1960'])('%j is not a date', (text) => {
    expect(parseOfacDate(text)).toBeUndefined();
  });
});

describe('OFAC remarks', () => {
  test('the DPRK IT-worker remarks of 43377 KIM, Sang Man become typed data', () => {
    const r = parseOfacRemarks(
      'DOB 25 Apr 1965; POB North Pyongan Province, North Korea; nationality Korea, North; Gender Male; ' +
        'Digital Currency Address - XBT 1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ; alt. Digital Currency Address - ETH 0x97B1043ABD9e6fc31681635166d430a458d14f9c; ' +
        'Passport 109420132 (Korea, North) issued 16 Oct 2019 expires 16 Oct 2024; alt. Passport 827220538 (Korea, North).',
    );
    expect(r.birthDates).toEqual([{ value: '1965-04-25' }]);
    expect(r.birthPlaces).toEqual(['North Pyongan Province, North Korea']);
    expect(r.nationalities).toEqual(['KP']);
    expect(r.attributes['gender']).toBe('Male');
    expect(r.identifiers).toEqual([
      { kind: 'wallet', currency: 'XBT', value: '1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ', normalized: '1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ' },
      {
        kind: 'wallet',
        currency: 'ETH',
        value: '0x97B1043ABD9e6fc31681635166d430a458d14f9c',
        normalized: '0x97b1043abd9e6fc31681635166d430a458d14f9c',
      },
      { kind: 'passport', value: '109420132', normalized: '109420132', country: 'KP', note: 'issued 16 Oct 2019 expires 16 Oct 2024' },
      { kind: 'passport', value: '827220538', normalized: '827220538', country: 'KP' },
    ]);
  });

  test.each([
    ['DOB circa 1960', 'birthDates', [{ value: '1960', circa: true }]],
    ['DOB 1960 to 1962; alt. DOB 1965', 'birthDates', [{ value: '1960', to: '1962' }, { value: '1965' }]],
    ['citizen Korea, North; nationality Russia', 'citizenships', ['KP']],
    ['nationality Narnia', 'nationalities', ['Narnia']],
    ['nationality possibly Palestinian', 'nationalities', ['PS']],
  ])('%j fills %s', (remarks, field, expected) => {
    expect(parseOfacRemarks(remarks)[field as 'birthDates']).toEqual(expected);
  });

  test.each([
    ['Email Address x@y.com', { kind: 'email', value: 'x@y.com', normalized: 'x@y.com' }],
    ['alt. Email Address Sitedev5@Yandex.RU.', { kind: 'email', value: 'Sitedev5@Yandex.RU', normalized: 'sitedev5@yandex.ru' }],
    ['Email:adelb@shabakah.net.sa', { kind: 'email', value: 'adelb@shabakah.net.sa', normalized: 'adelb@shabakah.net.sa' }],
    ['Website www.gicdf.org', { kind: 'website', value: 'www.gicdf.org', normalized: 'gicdf.org' }],
    ['Website http://nitcshipping.com/', { kind: 'website', value: 'http://nitcshipping.com/', normalized: 'nitcshipping.com' }],
    ['http://www.sanabel.org.uk (website)', { kind: 'website', value: 'http://www.sanabel.org.uk', normalized: 'sanabel.org.uk' }],
    ['Phone Number 79110354982', { kind: 'phone', value: '79110354982', normalized: '79110354982' }],
    ['Telephone No. (218) (0)214778301', { kind: 'phone', value: '(218) (0)214778301', normalized: '218214778301' }],
    ['PHONE 850 2 381 8208/4188', { kind: 'phone', value: '850 2 381 8208/4188', normalized: '85023818208' }],
    ['Fax No. (022) 7363196', { kind: 'phone', value: '(022) 7363196', normalized: '0227363196', note: 'fax' }],
    ['SWIFT/BIC havigb2l', { kind: 'swift', value: 'havigb2l', normalized: 'HAVIGB2L' }],
    ['Vessel Registration Identification IMO 9486910', { kind: 'imo', value: '9486910', normalized: '9486910' }],
    ['Identification Number IMO 9339301', { kind: 'imo', value: '9339301', normalized: '9339301' }],
    ['MMSI 636013272', { kind: 'mmsi', value: '636013272', normalized: '636013272' }],
    [
      'Digital Currency Address - XBT bc1qvhnfknw852ephxyc5hm4q520zmvf9maphetc9z',
      { kind: 'wallet', currency: 'XBT', value: 'bc1qvhnfknw852ephxyc5hm4q520zmvf9maphetc9z', normalized: 'bc1qvhnfknw852ephxyc5hm4q520zmvf9maphetc9z' },
    ],
    [
      'National ID No. 10100722073 (Iran)',
      { kind: 'national_id', value: '10100722073', normalized: '10100722073', country: 'IR' },
    ],
    [
      'Tax ID No. 52-2083095 (United States)',
      { kind: 'tax_id', value: '52-2083095', normalized: '522083095', country: 'US' },
    ],
    [
      'Registration Number 26740 (Iran)',
      { kind: 'registration', value: '26740', normalized: '26740', country: 'IR' },
    ],
    [
      'Business Registration Number 0582030 (Connecticut) (United States)',
      { kind: 'registration', value: '0582030', normalized: '0582030', country: 'US', note: 'Business Registration Number; Connecticut' },
    ],
    [
      'Diplomatic Passport 008827 (Iran) issued 1999',
      { kind: 'passport', value: '008827', normalized: '008827', country: 'IR', note: 'Diplomatic Passport; issued 1999' },
    ],
    [
      "Aircraft Manufacturer's Serial Number (MSN) 1023409321",
      { kind: 'aircraft_serial', value: '1023409321', normalized: '1023409321' },
    ],
  ])('%j', (remarks, identifier) => {
    expect(parseOfacRemarks(remarks).identifiers).toEqual([identifier]);
  });

  test('a.k.a., f.k.a. and n.k.a. inside remarks are weak aliases, apostrophes kept', () => {
    const r = parseOfacRemarks(
      "a.k.a. 'HESA'; f.k.a. 'KYONGYONG CREDIT BANK'; n.k.a. 'NEW NAME'; a.k.a. 'ABU 'ABD AL-'AZIZ'; a.k.a. 'ABU-AL-KARKH', 'Yusuf'.",
    );
    expect(r.names).toEqual([
      { full: 'HESA', kind: 'aka', strength: 'weak' },
      { full: 'KYONGYONG CREDIT BANK', kind: 'fka', strength: 'weak' },
      { full: 'NEW NAME', kind: 'nka', strength: 'weak' },
      { full: "ABU 'ABD AL-'AZIZ", kind: 'aka', strength: 'weak' },
      { full: 'ABU-AL-KARKH, Yusuf', kind: 'aka', strength: 'weak' },
    ]);
  });

  test('Linked To, Gender, establishment date and sanctions notes are kept as attributes', () => {
    const r = parseOfacRemarks(
      'Organization Established Date 21 Jul 2020; Linked To: AUTONOMOUS NON-PROFIT ORGANIZATION DIALOG; Linked To: POUYA AIR; ' +
        'Secondary sanctions risk: See Section 11 of Executive Order 14024.; Organization Type: Other information technology and computer service activities; ' +
        'Gender Female; Aircraft Model Ilyushin IL-76TD.',
    );
    expect(r.attributes).toEqual({
      organizationEstablishedDate: '2020-07-21',
      linkedTo: 'AUTONOMOUS NON-PROFIT ORGANIZATION DIALOG; POUYA AIR',
      secondarySanctionsRisk: 'See Section 11 of Executive Order 14024.',
      organizationType: 'Other information technology and computer service activities',
      gender: 'Female',
      aircraftModel: 'Ilyushin IL-76TD',
    });
  });

  test('duplicates are reported once and unknown text is ignored without throwing', () => {
    const r = parseOfacRemarks('Email Address a@b.c; alt. Email Address A@B.C; KOMID Representative in Iran; ; -; DOB someday');
    expect(r.identifiers).toHaveLength(1);
    expect(r.birthDates).toEqual([]);
    expect(r.attributes['dateOfBirthText']).toBe('someday');
  });

  test('empty remarks give empty data', () => {
    expect(parseOfacRemarks(undefined)).toEqual(parseOfacRemarks(''));
    expect(parseOfacRemarks(undefined).identifiers).toEqual([]);
  });
});

describe('normalisers', () => {
  test.each([
    ['HTTPS://WWW.Example.com/', 'example.com'],
    ['www2.example.com/path/', 'example.com/path'],
    ['example.com.', 'example.com'],
  ])('website %j → %j', (value, expected) => {
    expect(normalizeWebsite(value)).toBe(expected);
  });

  test.each([
    ['+850 2 18111 ext. 8221', '850218111'],
    ['(218) (0)214778301', '218214778301'],
    ['8613314257947', '8613314257947'],
  ])('phone %j → %j', (value, expected) => {
    expect(normalizePhone(value)).toBe(expected);
  });

  test.each([
    ['0xABCdef0123', '0xabcdef0123'],
    ['BC1QDT3GML5Z5N50Y5HM04U2YJDPHEFKM0FL2ZDJ68', 'bc1qdt3gml5z5n50y5hm04u2yjdphefkm0fl2zdj68'],
    // base58 is case-sensitive: lower-casing would make a different (or invalid) address
    ['1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ', '1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ'],
    ['TXyzAbc1Def', 'TXyzAbc1Def'],
  ])('wallet %j → %j', (value, expected) => {
    expect(normalizeWallet(value)).toBe(expected);
  });
});
