import { describe, expect, test } from 'vitest';
import { evaluateRuleset } from '../../src/domain/rules/evaluate.js';
import type { ScreeningSubject } from '../../src/domain/rules/screening-subject.js';
import { cleanPolishFreelancer, contextFor, defaultRuleset } from './rules-fixtures.js';

/**
 * Issue 18, item 7: no discrimination by origin. A profile whose claims and evidence agree, with
 * no list hit, gets the same outcome whatever its nationality, wherever it lives (China, Russia
 * and the hub countries included; North Korea excepted), and whichever script its name is
 * written in. Hub geography may only add weight to other evidence; it is never evidence itself.
 */
interface Residence {
  country: string;
  city: string;
  timezone: string;
  /** Hours local time is ahead of UTC in November. */
  utcOffset: number;
  phone: string;
  bank: string;
  bankAccount: string;
}

const RESIDENCES: Residence[] = [
  { country: 'PL', city: 'Kraków', timezone: 'Europe/Warsaw', utcOffset: 1, phone: '+48 12 345 67 89', bank: 'PKO Bank Polski', bankAccount: 'PL61 1090 1014 0000 0712 1981 2874' },
  { country: 'CN', city: 'Chengdu', timezone: 'Asia/Shanghai', utcOffset: 8, phone: '+86 138 0013 8000', bank: 'China Merchants Bank', bankAccount: '6225880137654321' },
  { country: 'RU', city: 'Kazan', timezone: 'Europe/Moscow', utcOffset: 3, phone: '+7 912 345 67 89', bank: 'Sberbank', bankAccount: '40817810099910004312' },
  { country: 'VN', city: 'Da Nang', timezone: 'Asia/Ho_Chi_Minh', utcOffset: 7, phone: '+84 91 234 56 78', bank: 'Vietcombank', bankAccount: '0071001234567' },
  { country: 'AE', city: 'Abu Dhabi', timezone: 'Asia/Dubai', utcOffset: 4, phone: '+971 50 123 4567', bank: 'Emirates NBD', bankAccount: 'AE070331234567890123456' },
  { country: 'NG', city: 'Abuja', timezone: 'Africa/Lagos', utcOffset: 1, phone: '+234 803 123 4567', bank: 'Zenith Bank', bankAccount: '1012345678' },
  { country: 'LA', city: 'Luang Prabang', timezone: 'Asia/Vientiane', utcOffset: 7, phone: '+856 20 5512 3456', bank: 'BCEL', bankAccount: '0101000123456' },
  { country: 'KH', city: 'Siem Reap', timezone: 'Asia/Phnom_Penh', utcOffset: 7, phone: '+855 12 345 678', bank: 'ABA Bank', bankAccount: '000123456' },
  { country: 'TZ', city: 'Arusha', timezone: 'Africa/Dar_es_Salaam', utcOffset: 3, phone: '+255 754 123 456', bank: 'CRDB Bank', bankAccount: '0150123456700' },
  { country: 'IN', city: 'Pune', timezone: 'Asia/Kolkata', utcOffset: 5.5, phone: '+91 98765 43210', bank: 'HDFC Bank', bankAccount: '50100123456789' },
  { country: 'UA', city: 'Lviv', timezone: 'Europe/Kyiv', utcOffset: 2, phone: '+380 67 123 4567', bank: 'PrivatBank', bankAccount: 'UA213223130000026007233566001' },
  { country: 'JP', city: 'Sendai', timezone: 'Asia/Tokyo', utcOffset: 9, phone: '+81 22 123 4567', bank: 'MUFG Bank', bankAccount: '1234567' },
  { country: 'US', city: 'Denver', timezone: 'America/Denver', utcOffset: -7, phone: '+1 303 555 0142', bank: 'Chase', bankAccount: '000123456789' },
];

/** A UTC timestamp for `hour` local time on the given November day. */
const localTime = (day: number, hour: number, utcOffset: number) => new Date(Date.UTC(2026, 10, day, hour) - utcOffset * 3_600_000).toISOString();

/** The clean freelancer, living consistently in `where`: address, phone, logins in local office hours, local bank in own name. */
function livingIn(where: Residence, base: ScreeningSubject = cleanPolishFreelancer()): ScreeningSubject {
  const address = { line1: '5 Main Street', city: where.city, postalCode: '10001', country: where.country };
  return {
    ...base,
    nationality: where.country,
    citizenships: [where.country],
    preferredLanguage: undefined,
    claimedLocation: { country: where.country, city: where.city, timezone: where.timezone },
    phones: [where.phone],
    addresses: (['residence', 'id_document', 'shipping'] as const).map((kind) => ({ kind, ...address })),
    employment: base.employment?.map((job) => ({ ...job, country: where.country })),
    education: base.education?.map((school) => ({ ...school, country: where.country })),
    logins: [2, 3, 4, 5, 6].map((day) => ({ ip: '198.51.100.10', country: where.country, at: localTime(day, 9, where.utcOffset), endedAt: localTime(day, 17, where.utcOffset) })),
    payment: { method: 'bank', provider: where.bank, accountHolderName: base.name, bankCountry: where.country, bankAccount: where.bankAccount },
    documents: [{ type: 'passport', country: where.country, number: 'EA1234567' }],
  };
}

function screen(subject: ScreeningSubject) {
  const evaluation = evaluateRuleset(subject, defaultRuleset(), contextFor(subject, { names: [], identifiers: [] }));
  return { outcome: evaluation.outcome, fired: evaluation.hits.filter((hit) => hit.points > 0).map((hit) => `${hit.ruleId}(${hit.points})`) };
}

describe('no discrimination by origin (no list hit, claims and evidence agree)', () => {
  const baseline = screen(cleanPolishFreelancer());

  test('the baseline is clear', () => {
    expect(baseline).toEqual({ outcome: 'clear', fired: [] });
  });

  test.each(RESIDENCES.map((where) => [where.country, where] as const))('living in %s, everything local: the same outcome, nothing scores', (_country, where) => {
    expect(screen(livingIn(where))).toEqual({ outcome: baseline.outcome, fired: [] });
  });

  test.each(RESIDENCES.map((where) => [where.country] as const))('nationality %s while living in Poland: the same outcome', (country) => {
    const subject: ScreeningSubject = { ...cleanPolishFreelancer(), nationality: country, citizenships: [country], documents: [{ type: 'passport', country, number: 'EA1234567' }] };
    expect(screen(subject)).toEqual({ outcome: baseline.outcome, fired: [] });
  });

  test.each([
    ['Cyrillic, living in Russia', 'RU', 'Анна Ковальская'],
    ['Chinese characters, living in China', 'CN', '王芳'],
    ['kanji, living in Japan', 'JP', '佐藤 花子'],
    ['Vietnamese with diacritics, living in Vietnam', 'VN', 'Nguyễn Thị Hoa'],
  ])('a name in %s: the same outcome', (_label, country, name) => {
    const where = RESIDENCES.find((residence) => residence.country === country)!;
    const base = cleanPolishFreelancer();
    // The legal name in the person's own script; profiles and payee written the same way.
    const subject = livingIn(where, { ...base, name, profiles: base.profiles?.map((profile) => ({ ...profile, displayName: name })) });
    expect(screen(subject)).toEqual({ outcome: baseline.outcome, fired: [] });
  });
});

describe("a person's own name in their own script is not a name mismatch", () => {
  test.each([
    ['RU', 'Aleksei Smirnov', 'Алексей Смирнов'],
    ['UA', 'Olena Kovalenko', 'Олена Коваленко'],
    ['JP', 'Hanako Sato', '佐藤 花子'],
    ['CN', 'Wang Fang', '王芳'],
  ])('living in %s as %s, profiles showing %s', (country, legal, native) => {
    const where = RESIDENCES.find((residence) => residence.country === country)!;
    const base = cleanPolishFreelancer();
    const subject = livingIn(where, { ...base, name: legal, profiles: base.profiles?.map((profile) => ({ ...profile, displayName: native })) });
    expect(screen(subject)).toEqual({ outcome: 'clear', fired: [] });
  });
});
