/**
 * Builds the labelled whole-profile set of `npm run eval:profiles` (issue 18 item 8) and writes
 * it to tests/eval/profiles.json, which is committed: the file is what is reviewed and run, this
 * script is how it was made (run: `npx tsx scripts/eval-profiles-build.ts`).
 *
 * Every profile is built by principle from the guidance catalogue (/work/shared/guidance,
 * mirrored in src/domain/indicators) and the public DOJ/FBI cases it cites; each names its
 * category, its label, the outcome band it should get and the indicator ids it rests on. Half are
 * benign people of the kinds a naive rule flags (residents of China, Russia and the hub countries,
 * VPN users, payment-platform freelancers, name-alikes of listed persons, new e-mail addresses,
 * couples at one home, co-working offices, names in their own script). Names, addresses, phones
 * and accounts are invented; the listed identifiers are the bundled lists' own.
 *
 * Login IPs are real addresses chosen so the bundled IP database places them in the country the
 * profile needs (the service geolocates every login itself); the pick is deterministic.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createIpLocator } from '../src/services/ip-intelligence.service.js';
import { badProfiles } from './eval-profiles-bad.js';
import { benignProfiles } from './eval-profiles-benign.js';

type Subject = Record<string, unknown> & { externalRef: string; name: string };
type Band = 'clear' | 'flag' | 'block';
export interface EvalProfile {
  id: string;
  label: 'bad' | 'benign';
  category: string;
  /** clear: must stay clear; flag: review or block; block: block. */
  expected: Band;
  /** Catalogue indicator ids (and case names) the profile is built from. */
  citation: string[];
  note: string;
  /** Screened first under the same externalRef (profile-change cases). */
  before?: Subject;
  subject: Subject;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// ── Deterministic helpers ───────────────────────────────────────────────────────────────
let seed = 18;
function random(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}
const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
const digits = (count: number) => Array.from({ length: count }, () => Math.floor(random() * 10)).join('');

/** Real addresses the bundled database places in each country, found by walking the IPv4 space. */
function ipPools(countries: readonly string[]): Map<string, string[]> {
  const locator = createIpLocator();
  const pools = new Map<string, string[]>(countries.map((country) => [country, []]));
  for (let a = 1; a < 224; a += 1) {
    for (let b = 0; b < 256; b += 1) {
      const ips = [10, 77, 150].map((c) => `${a}.${b}.${c}.${(a * 7 + b) % 250 + 2}`);
      const located = locator.locate(ips).locations;
      for (const ip of ips) {
        const pool = pools.get(located[ip]?.country ?? '');
        if (pool && pool.length < 200) pool.push(ip);
      }
    }
  }
  for (const [country, pool] of pools) if (pool.length < 6) throw new Error(`too few IPs found for ${country}`);
  return pools;
}

const COUNTRIES = ['US', 'GB', 'DE', 'JP', 'CN', 'RU', 'VN', 'AE', 'NG', 'LA', 'KH', 'TZ', 'UA', 'PL', 'IN', 'PK', 'PH', 'BR', 'AR', 'NL', 'SE', 'CH', 'KR', 'CA', 'FR', 'ES', 'GR', 'EG', 'KE', 'TR'];
const pools = ipPools(COUNTRIES);
const usedIps = new Set<string>();
/** A fresh IP in the country (never reused by accident: shared IPs are made on purpose). */
function ipIn(country: string): string {
  const pool = pools.get(country)!;
  const free = pool.find((ip) => !usedIps.has(ip));
  if (!free) throw new Error(`IP pool of ${country} exhausted`);
  usedIps.add(free);
  return free;
}

const ZONES: Record<string, { zone: string; offset: number; dial: string; city: string }> = {
  US: { zone: 'America/New_York', offset: -5, dial: '+1 212 555 ', city: 'New York' },
  GB: { zone: 'Europe/London', offset: 0, dial: '+44 20 7946 ', city: 'London' },
  DE: { zone: 'Europe/Berlin', offset: 1, dial: '+49 30 ', city: 'Berlin' },
  JP: { zone: 'Asia/Tokyo', offset: 9, dial: '+81 3 ', city: 'Tokyo' },
  CN: { zone: 'Asia/Shanghai', offset: 8, dial: '+86 24 ', city: 'Shenyang' },
  RU: { zone: 'Asia/Vladivostok', offset: 10, dial: '+7 423 ', city: 'Vladivostok' },
  VN: { zone: 'Asia/Ho_Chi_Minh', offset: 7, dial: '+84 28 ', city: 'Ho Chi Minh City' },
  AE: { zone: 'Asia/Dubai', offset: 4, dial: '+971 4 ', city: 'Dubai' },
  NG: { zone: 'Africa/Lagos', offset: 1, dial: '+234 1 ', city: 'Lagos' },
  LA: { zone: 'Asia/Vientiane', offset: 7, dial: '+856 21 ', city: 'Vientiane' },
  KH: { zone: 'Asia/Phnom_Penh', offset: 7, dial: '+855 23 ', city: 'Phnom Penh' },
  TZ: { zone: 'Africa/Dar_es_Salaam', offset: 3, dial: '+255 22 ', city: 'Dar es Salaam' },
  UA: { zone: 'Europe/Kyiv', offset: 2, dial: '+380 44 ', city: 'Kyiv' },
  PL: { zone: 'Europe/Warsaw', offset: 1, dial: '+48 22 ', city: 'Warsaw' },
  IN: { zone: 'Asia/Kolkata', offset: 5.5, dial: '+91 80 ', city: 'Bengaluru' },
  PK: { zone: 'Asia/Karachi', offset: 5, dial: '+92 42 ', city: 'Lahore' },
  PH: { zone: 'Asia/Manila', offset: 8, dial: '+63 2 ', city: 'Manila' },
  BR: { zone: 'America/Sao_Paulo', offset: -3, dial: '+55 11 ', city: 'São Paulo' },
  AR: { zone: 'America/Argentina/Buenos_Aires', offset: -3, dial: '+54 11 ', city: 'Buenos Aires' },
  KR: { zone: 'Asia/Seoul', offset: 9, dial: '+82 2 ', city: 'Seoul' },
  CA: { zone: 'America/Toronto', offset: -5, dial: '+1 416 555 ', city: 'Toronto' },
  FR: { zone: 'Europe/Paris', offset: 1, dial: '+33 1 ', city: 'Paris' },
  ES: { zone: 'Europe/Madrid', offset: 1, dial: '+34 91 ', city: 'Madrid' },
  GR: { zone: 'Europe/Athens', offset: 2, dial: '+30 21 ', city: 'Athens' },
  EG: { zone: 'Africa/Cairo', offset: 2, dial: '+20 2 ', city: 'Cairo' },
  KE: { zone: 'Africa/Nairobi', offset: 3, dial: '+254 20 ', city: 'Nairobi' },
  TR: { zone: 'Europe/Istanbul', offset: 3, dial: '+90 212 ', city: 'Istanbul' },
};
const phoneIn = (country: string) => `${ZONES[country]!.dial}${digits(country === 'US' || country === 'CA' ? 4 : 7)}`;

/**
 * Logins on consecutive November days at `localHour` in the zone of `workCountry` (where the
 * person really works), from IPs located in `ipCountries` in turn; 8-hour sessions.
 */
function logins(ipCountries: readonly string[], count: number, options: { workCountry?: string; localHour?: number; ips?: readonly string[] } = {}) {
  const zone = ZONES[options.workCountry ?? ipCountries[0]!]!;
  const hour = (options.localHour ?? 9.5) - zone.offset;
  const ips = options.ips ?? ipCountries.map((country) => ipIn(country));
  return Array.from({ length: count }, (_, index) => {
    const start = new Date(Date.UTC(2026, 10, 2 + index, 0, 0) + hour * 3_600_000);
    return { ip: ips[index % ips.length]!, at: start.toISOString(), endedAt: new Date(start.getTime() + 8 * 3_600_000).toISOString() };
  });
}

/** A person who is who they say, where they say: every field agrees. */
function ordinary(ref: string, name: string, country: string, extra: Partial<Subject> = {}): Subject {
  const zone = ZONES[country]!;
  const handle = name.toLowerCase().normalize('NFKD').replace(/[^a-z ]/g, '').trim().replace(/ +/g, '.') || `dev${digits(4)}`;
  return {
    externalRef: ref,
    name,
    nationality: country,
    claimedLocation: { country, city: zone.city, timezone: zone.zone },
    emails: [`${handle}.${digits(2)}@mail.example`],
    phones: [phoneIn(country)],
    addresses: [{ kind: 'residence', line1: `${1 + Math.floor(random() * 200)} ${pick(['Main', 'Park', 'Lake', 'Hill', 'River', 'Garden'])} Street`, city: zone.city, country }],
    profiles: [{ platform: 'github', url: `https://github.com/${handle.replace(/\./g, '-')}-${digits(3)}`, displayName: name }],
    logins: logins([country], 6),
    payment: { method: 'bank', bankCountry: country, accountHolderName: name, bankAccount: `${country}${digits(2)}BANK${digits(12)}` },
    documents: [{ type: 'passport', country, number: `P${digits(8)}` }],
    interview: { videoCompleted: true, cameraOn: true, appearanceMatchesId: true },
    ...extra,
  };
}

const profiles: EvalProfile[] = [];
function add(profile: Omit<EvalProfile, 'id'> & { id?: string }) {
  const id = profile.id ?? profile.subject.externalRef;
  if (profiles.some((other) => other.id === id)) throw new Error(`duplicate id ${id}`);
  profiles.push({ ...profile, id });
}

const WESTERN = ['Daniel Brooks', 'Kevin Walsh', 'Ryan Mitchell', 'Jason Turner', 'Eric Nolan', 'Brian Foster', 'Adam Palmer', 'Tyler Grant', 'Mark Ellison', 'Sean Harper', 'Nathan Cole', 'Paul Bennett', 'Chris Dalton', 'Greg Marsh', 'Luke Warren', 'Scott Reyes', 'Peter Lang', 'Owen Fletcher', 'Aaron Blake', 'Victor Hale', 'Jacob Rowe', 'Henry Lowe', 'Dylan Price', 'Marcus Webb', 'Ian Shaw', 'Colin Reed', 'Derek Stone', 'Evan Burke', 'Gavin Moss', 'Joel Carver'];
const westernName = (() => {
  let next = 0;
  return () => WESTERN[next++ % WESTERN.length]! + (next > WESTERN.length ? ` ${String.fromCharCode(64 + Math.ceil(next / WESTERN.length))}.` : '');
})();


export interface BuildKit {
  add: typeof add;
  ordinary: typeof ordinary;
  logins: typeof logins;
  ipIn: typeof ipIn;
  phoneIn: typeof phoneIn;
  digits: typeof digits;
  pick: typeof pick;
  westernName: typeof westernName;
  zones: typeof ZONES;
}
const kit: BuildKit = { add, ordinary, logins, ipIn, phoneIn, digits, pick, westernName, zones: ZONES };
badProfiles(kit);
benignProfiles(kit);

const out = path.join(repoRoot, 'tests', 'eval', 'profiles.json');
writeFileSync(out, `${JSON.stringify({ description: 'Labelled whole profiles for npm run eval:profiles; built by scripts/eval-profiles-build.ts', profiles }, null, 1)}\n`);
const count = (label: string) => profiles.filter((profile) => profile.label === label).length;
process.stdout.write(`${profiles.length} profiles (${count('bad')} bad, ${count('benign')} benign) -> ${path.relative(repoRoot, out)}\n`);
