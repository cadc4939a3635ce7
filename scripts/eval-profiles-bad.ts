/**
 * DPRK IT-worker-like profiles for the eval:profiles set, each in a way the guidance describes.
 * Citations are catalogue ids (/work/shared/guidance/indicators.md, src/domain/indicators).
 */
import type { BuildKit } from './eval-profiles-build.js';

const CLAIMS = ['US', 'US', 'US', 'GB', 'JP', 'CA', 'DE'] as const;

/** Listed identifiers and the DPRK itself: what a list or the law settles. */
function obvious(k: BuildKit) {
  const cases: { ref: string; note: string; citation: string[]; expected: 'flag' | 'block'; change: (s: Record<string, unknown>) => void }[] = [
    { ref: 'bad-listed-email', note: 'e-mail of a DOJ-named persona (Glaus Li, curated RF-0113)', citation: ['LIST-SDN-PERSON', 'DOJ'], expected: 'block', change: (s) => { s.emails = ['glausli1990@outlook.com']; } },
    { ref: 'bad-seized-domain-url', note: 'portfolio on the seized upworksell.com (curated RF-0091)', citation: ['DOJ-FAKE-PRIOR-EMPLOYER-SITE', 'LIST-ENTITY-EMPLOYER'], expected: 'block', change: (s) => { s.profiles = [{ platform: 'portfolio', url: 'https://www.upworksell.com/dev/alex' }]; } },
    { ref: 'bad-seized-domain-email', note: 'e-mail on the seized upworksell.com domain', citation: ['DOJ-FAKE-PRIOR-EMPLOYER-SITE'], expected: 'block', change: (s) => { s.emails = ['jobs.alex@upworksell.com']; } },
    { ref: 'bad-dprk-login', note: "login from the DPRK's own 175.45.176.0/22", citation: ['US22-VPN-VPS', 'catalogue D: E.O. 13722, UNSCR 2397'], expected: 'block', change: (s) => { (s.logins as { ip: string }[])[2]!.ip = '175.45.176.71'; } },
    { ref: 'bad-dprk-phone', note: 'a +850 phone', citation: ['US22-PROFILE-INCONSISTENT'], expected: 'block', change: (s) => { (s.phones as string[]).push('+850 2 381 4410'); } },
    { ref: 'bad-dprk-document', note: 'a DPRK passport beside a claimed other nationality', citation: ['US22-FORGED-DOCS', 'US22-NAT-KOREAN'], expected: 'block', change: (s) => { (s.documents as unknown[]).push({ type: 'passport', country: 'KP', number: 'KP7781234' }); } },
    { ref: 'bad-listed-wallet-lead', note: 'payout to a curated [T] wallet lead (Sim Hyon Sop, RF-0005)', citation: ['LIST-WALLET', 'US22-PAY-CRYPTO'], expected: 'flag', change: (s) => { s.payment = { method: 'crypto', wallets: ['0x4f47bc496083c727c5fbe3ce9cdf2b0f6496270c'] }; } },
    { ref: 'bad-listed-wallet-lead-2', note: 'payout to a curated [T] wallet lead (Kim Sang Man, RF-0008)', citation: ['LIST-WALLET', 'US22-PAY-CRYPTO'], expected: 'flag', change: (s) => { s.payment = { method: 'crypto', wallets: ['0xb6f5ec1a0a9cd1526536d3f0426c429529471f40'] }; } },
    { ref: 'bad-front-employer-silverstar', note: 'employer: Yanbian Silverstar (OFAC sm481, US v. Hwa)', citation: ['LIST-ENTITY-EMPLOYER'], expected: 'flag', change: (s) => { s.employment = [{ employer: 'Yanbian Silverstar Network Technology', country: 'CN', title: 'Developer' }]; } },
    { ref: 'bad-front-employer-volasys', note: 'employer: Volasys Silver Star (OFAC sm481)', citation: ['LIST-ENTITY-EMPLOYER'], expected: 'flag', change: (s) => { s.employment = [{ employer: 'Volasys Silver Star', country: 'RU', title: 'Engineer' }]; } },
    { ref: 'bad-front-vendor-hopana', note: 'supplied by HopanaTech (DOJ N.D. Ga. front)', citation: ['DOJ-STAFFING-SHELL', 'FBI24-THIRD-PARTY-VENDOR'], expected: 'flag', change: (s) => { s.engagement = { via: 'vendor', vendorName: 'HopanaTech' }; } },
    { ref: 'bad-front-employer-tonywang', note: 'employer: Shenyang Tonywang Technology (DOJ)', citation: ['LIST-ENTITY-EMPLOYER', 'DOJ-STAFFING-SHELL'], expected: 'flag', change: (s) => { s.employment = [{ employer: 'Shenyang Tonywang Technology LTD', country: 'CN' }]; } },
    { ref: 'bad-front-employer-chinyong', note: 'employer: Chinyong IT Cooperation Company (OFAC 2023)', citation: ['LIST-ENTITY-EMPLOYER'], expected: 'flag', change: (s) => { s.employment = [{ employer: 'Chinyong Information Technology Cooperation Company', country: 'LA' }]; } },
    { ref: 'bad-listed-name-dob', note: 'SDN DPRK4 person KANG Min with the listed birth date', citation: ['LIST-SDN-PERSON'], expected: 'block', change: (s) => { s.name = 'Kang Min'; s.birthDate = '1980-05-07'; } },
    { ref: 'bad-listed-name-dob-2', note: 'SDN DPRK4 person CHU Hyok with the listed birth date', citation: ['LIST-SDN-PERSON'], expected: 'block', change: (s) => { s.name = 'Chu Hyok'; s.birthDate = '1986-11-23'; } },
  ];
  for (const item of cases) {
    const claim = k.pick(CLAIMS);
    const subject = k.ordinary(item.ref, k.westernName(), claim);
    item.change(subject);
    k.add({ label: 'bad', category: 'obvious', expected: item.expected, citation: item.citation, note: item.note, subject });
  }
}

/**
 * The red flags the guidance lists, for a worker who claims a Western country but works from
 * a hub (US22-PROFILE-INCONSISTENT, US22-HOURS-MISMATCH, A11 hubs).
 */
function flagsOf(k: BuildKit, claim: string, hub: string) {
  const zone = k.zones[claim]!;
  return {
    hubLogins: { logins: k.logins([hub], 10, { workCountry: hub, localHour: 9 }) } as Record<string, unknown>,
    payeeOther: (name: string) => ({ payment: { method: 'bank', bankCountry: claim, accountHolderName: name, bankAccount: `${claim}${k.digits(2)}FAC${k.digits(12)}` } }),
    noVideo: { videoCompleted: false },
    cameraOff: { videoCompleted: true, cameraOn: false },
    appearance: { appearanceMatchesId: false },
    location: { locationQuestionsAnswered: false },
    crypto: { payment: { method: 'crypto', wallets: [`0x${k.digits(20)}${k.digits(20)}`] } },
    prcBank: (name: string) => ({ payment: { method: 'bank', bankCountry: 'CN', accountHolderName: name, bankAccount: `CN${k.digits(18)}` } }),
    hubPhone: { phones: [k.phoneIn(hub)] },
    shipElsewhere: { addresses: [{ kind: 'id_document', line1: `${k.digits(3)} Elm Avenue`, city: zone.city, country: claim }, { kind: 'shipping', line1: `${k.digits(4)} Commerce Blvd Unit ${k.digits(2)}`, city: 'Phoenix', country: 'US' }] },
    hubZone: { claimedLocation: { country: claim, city: zone.city, timezone: k.zones[hub]!.zone } },
  };
}

function severalFlags(k: BuildKit) {
  const recipes: { note: string; citation: string[]; build: (f: ReturnType<typeof flagsOf>, name: string) => Record<string, unknown>[] }[] = [
    { note: 'hub logins, payee another person, no video', citation: ['US22-PROFILE-INCONSISTENT', 'JP24-PAYEE-NAME-MISMATCH', 'US22-TEXT-ONLY'], build: (f) => [f.hubLogins, f.payeeOther('Li Wei Trading'), { interview: f.noVideo }] },
    { note: 'hub logins, camera off, crypto payout', citation: ['US22-PROFILE-INCONSISTENT', 'USROK23-CAMERA-AVOID', 'US22-PAY-CRYPTO'], build: (f) => [f.hubLogins, f.crypto, { interview: f.cameraOff }] },
    { note: 'shipping elsewhere, appearance unlike the ID, location questions unanswered', citation: ['US22-SHIP-ADDR-MISMATCH', 'US22-BIO-MISMATCH', 'FBI25-CAMERA-LOCATION'], build: (f) => [f.shipElsewhere, { interview: { videoCompleted: true, ...f.appearance, ...f.location } }] },
    { note: 'PRC bank while claiming the West, hub phone, no video', citation: ['US22-PAY-PRC-BANK', 'US22-PROFILE-INCONSISTENT', 'US22-TEXT-ONLY'], build: (f, name) => [f.prcBank(name), f.hubPhone, { interview: f.noVideo }] },
    { note: 'hub logins, hub time zone, payee another person, shipping elsewhere', citation: ['US22-HOURS-MISMATCH', 'JP24-PAYEE-NAME-MISMATCH', 'US22-SHIP-ADDR-MISMATCH'], build: (f) => [f.hubLogins, f.hubZone, f.payeeOther('Global Pay Services Ltd'), f.shipElsewhere] },
  ];
  const hubs = ['CN', 'RU', 'CN', 'LA'];
  for (let index = 0; index < 20; index += 1) {
    const recipe = recipes[index % recipes.length]!;
    const claim = CLAIMS[index % CLAIMS.length]!;
    const name = k.westernName();
    const subject = k.ordinary(`bad-flags-${index + 1}`, name, claim);
    for (const part of recipe.build(flagsOf(k, claim, hubs[index % hubs.length]!), name)) Object.assign(subject, part);
    k.add({ label: 'bad', category: 'several-flags', expected: 'flag', citation: recipe.citation, note: recipe.note, subject });
  }
}

/** The pairs the guidance treats as high risk on their own (issue 18, "strong pairs"). */
function strongPairs(k: BuildKit) {
  const recipes: { note: string; citation: string[]; build: (f: ReturnType<typeof flagsOf>) => Record<string, unknown>[] }[] = [
    { note: 'payout to another person plus no video interview', citation: ['US22-PROXY-ACCOUNT', 'JP24-PAYEE-NAME-MISMATCH', 'ROK22-CHAT-INTERVIEW'], build: (f) => [f.payeeOther('Jordan Ellis'), { interview: f.noVideo }] },
    { note: 'crypto payout plus camera off', citation: ['US22-PAY-CRYPTO', 'USROK23-CAMERA-AVOID'], build: (f) => [f.crypto, { interview: f.cameraOff }] },
    { note: 'every login from a hub country while claiming the West', citation: ['US22-PROFILE-INCONSISTENT', 'US22-LOGIN-MULTI-IP', 'GEO-HUB'], build: (f) => [f.hubLogins] },
    { note: 'equipment to another address plus appearance unlike the ID', citation: ['US22-SHIP-ADDR-MISMATCH', 'US22-BIO-MISMATCH'], build: (f) => [f.shipElsewhere, { interview: { videoCompleted: true, ...f.appearance } }] },
    { note: 'payout to another person plus camera off', citation: ['US22-ACCOUNT-SWITCH', 'USROK23-CAMERA-AVOID'], build: (f) => [f.payeeOther('M. Santos'), { interview: f.cameraOff }] },
  ];
  for (let index = 0; index < 10; index += 1) {
    const recipe = recipes[index % recipes.length]!;
    const claim = index % 2 === 0 ? 'US' : 'JP';
    const subject = k.ordinary(`bad-pair-${index + 1}`, k.westernName(), claim);
    for (const part of recipe.build(flagsOf(k, claim, index % 4 < 2 ? 'CN' : 'RU'))) Object.assign(subject, part);
    k.add({ label: 'bad', category: 'strong-pair', expected: 'flag', citation: recipe.citation, note: recipe.note, subject });
  }
}

/** Laptop farms and shared personas (FBI24-LAPTOP-RECEIVER, FBI25-CROSS-APPLICANT, DOJ Chapman/Knoot). */
function linked(k: BuildKit) {
  const farm = (name: string, size: number, citation: string[], note: string, shared: (member: number) => Record<string, unknown>, claim = 'US') => {
    for (let member = 1; member <= size; member += 1) {
      const subject = k.ordinary(`bad-farm-${name}-${member}`, k.westernName(), claim);
      Object.assign(subject, shared(member));
      k.add({ label: 'bad', category: 'linked', expected: 'flag', citation, note: `${note} (member ${member} of ${size})`, subject });
    }
  };
  const farmHouse = { kind: 'shipping', line1: '1412 Desert Bloom Dr', city: 'Litchfield Park', region: 'AZ', country: 'US' };
  farm('shipping', 3, ['FBI24-LAPTOP-RECEIVER', 'US22-SHIP-ADDR-MISMATCH'], 'laptops shipped to one facilitator house (Chapman)', (member) => ({
    addresses: [{ kind: 'id_document', line1: `${20 + member} Pine Road`, city: 'Minneapolis', country: 'US' }, farmHouse],
  }));
  const farmAccount = `US64SVBKUS6S${k.digits(10)}`;
  farm('account', 3, ['FBI25-PAYACCT-SIMILAR', 'US22-PROXY-ACCOUNT'], 'one payout account pays several personas', () => ({
    payment: { method: 'bank', bankCountry: 'US', bankAccount: farmAccount, accountHolderName: 'Apex Talent Payroll LLC' },
  }));
  const voip = k.phoneIn('US');
  const farmIp = k.ipIn('US');
  farm('phone', 2, ['FBI25-CROSS-APPLICANT', 'ROK22-PHONE-VERIF-PROXY', 'US22-LOGIN-SHARED-IP'], 'one VoIP phone and one IP for two personas', () => ({ phones: [voip], logins: k.logins(['US'], 6, { ips: [farmIp] }) }));
  const photo = `${k.digits(32)}${k.digits(32)}`;
  farm('photo', 3, ['USROK23-SOCIAL-MISMATCH', 'DE24-PROFILE-AI-PHOTO'], 'one profile photo on three personas', (member) => ({
    profiles: [{ platform: 'linkedin', url: `https://www.linkedin.com/in/dev-${member}-${k.digits(4)}`, photoDigest: photo }],
  }), 'GB');
  const passport = `P${k.digits(8)}`;
  farm('document', 2, ['JP24-SAME-ID-MULTI', 'DOJ-IDENTITY-RENTAL'], 'one rented identity document under two names', () => ({ documents: [{ type: 'passport', country: 'US', number: passport }] }));
  const refMails = [`r.${k.digits(4)}@mail.example`, `s.${k.digits(4)}@mail.example`];
  farm('references', 2, ['JP24-REVIEW-COLLUSION', 'US22-RATING-CLUSTER'], 'two personas vouch for each other', (member) => ({
    emails: [refMails[member - 1]!],
    references: [{ name: 'Former colleague', email: refMails[2 - member]!, relationship: 'former colleague' }],
  }));
  const hubIp = k.ipIn('CN');
  farm('hub-ip', 3, ['US22-LOGIN-SHARED-IP', 'US22-PROFILE-INCONSISTENT'], 'three personas claiming the US log in from one IP in China', () => ({ logins: k.logins(['CN'], 8, { ips: [hubIp], workCountry: 'CN' }) }));
  const profileUrl = `https://www.upwork.com/freelancers/~01${k.digits(16)}`;
  farm('profile', 2, ['DOJ-IDENTITY-RENTAL', 'US22-PROXY-ACCOUNT'], 'one rented freelance account under two names', () => ({ profiles: [{ platform: 'upwork', url: profileUrl }] }));
  const sharedMail = `devteam.${k.digits(4)}@mail.example`;
  farm('email', 2, ['FBI25-CROSS-APPLICANT', 'US22-CONTACT-CHANGE'], 'one e-mail under two names', () => ({ emails: [sharedMail] }));
}

/** Changes since an earlier screening of the same person (US22-ACCOUNT-SWITCH, US22-CONTACT-CHANGE). */
function profileChanges(k: BuildKit) {
  for (let index = 0; index < 6; index += 1) {
    const claim = index % 2 === 0 ? 'US' : 'GB';
    const name = k.westernName();
    const before = k.ordinary(`bad-change-${index + 1}`, name, claim);
    const after = structuredClone(before);
    if (index % 3 === 0) {
      after.payment = { method: 'crypto', wallets: [`0x${k.digits(20)}${k.digits(20)}`] };
      after.phones = [k.phoneIn('US')];
      after.emails = [`new.${k.digits(5)}@mail.example`];
    } else if (index % 3 === 1) {
      after.payment = { method: 'bank', bankCountry: claim, bankAccount: `${claim}${k.digits(20)}`, accountHolderName: 'Robert Kline' };
      after.interview = { videoCompleted: false };
    } else {
      after.addresses = [...(before.addresses as unknown[]), { kind: 'shipping', line1: `${k.digits(3)} Warehouse Way`, city: 'Dallas', country: 'US' }];
      after.payment = { method: 'bank', bankCountry: claim, bankAccount: `${claim}${k.digits(20)}`, accountHolderName: 'Northline Staffing' };
    }
    k.add({
      label: 'bad', category: 'profile-change', expected: 'flag',
      citation: ['US22-ACCOUNT-SWITCH', 'US22-CONTACT-CHANGE', 'JP24-REG-CHANGE', 'DE24-SHIP-ADDR-CHANGING'],
      note: 'after hiring: payout moved to another account or name, with other changes', before, subject: after,
    });
  }
}

/** Claimed country against what the profile shows, two weaker signals together (US22-PROFILE-INCONSISTENT). */
function weakerPairs(k: BuildKit) {
  for (let index = 0; index < 5; index += 1) {
    const claim = index % 2 === 0 ? 'US' : 'JP';
    const hub = index < 3 ? 'CN' : 'RU';
    const subject = k.ordinary(`bad-weak-${index + 1}`, k.westernName(), claim);
    subject.phones = [k.phoneIn(hub)];
    subject.logins = [...k.logins([hub], 7, { workCountry: hub }), ...k.logins([claim], 2)];
    k.add({ label: 'bad', category: 'weaker-pair', expected: 'flag', citation: ['US22-PROFILE-INCONSISTENT', 'US22-HOURS-MISMATCH'], note: 'hub phone and most logins from the hub while claiming the West', subject });
  }
}

export function badProfiles(k: BuildKit): void {
  obvious(k);
  severalFlags(k);
  strongPairs(k);
  linked(k);
  profileChanges(k);
  weakerPairs(k);
}
