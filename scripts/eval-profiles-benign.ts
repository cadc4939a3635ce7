/**
 * Benign profiles for the eval:profiles set, in the categories a naive rule flags. Each cites the
 * catalogue rows it must not trip: the guidance's own cautions (anti-discrimination caution,
 * US22-VPN-VPS "VPNs and travel cause false positives", US22-LOGIN-SHARED-IP "benign NAT and
 * co-working spaces", US22-PAY-DIGITAL-PRC "many legitimate users").
 */
import type { BuildKit } from './eval-profiles-build.js';

type Extra = Record<string, unknown>;

function residents(k: BuildKit, category: string, people: { name: string; country: string; extra?: Extra; note: string }[], citation: string[]) {
  people.forEach((person, index) => {
    const subject = k.ordinary(`ok-${category}-${index + 1}`, person.name, person.country, person.extra ?? {});
    k.add({ label: 'benign', category, expected: 'clear', citation, note: person.note, subject });
  });
}

function chinaResidents(k: BuildKit) {
  const alipay = (name: string) => ({ payment: { method: 'payment_platform', provider: 'Alipay', bankCountry: 'CN', accountHolderName: name } });
  residents(k, 'china-resident', [
    { name: 'Wang Lei', country: 'CN', note: 'lives and is paid in China' },
    { name: 'Zhang Min', country: 'CN', extra: alipay('Zhang Min'), note: 'paid through Alipay in own name' },
    { name: '李娜', country: 'CN', note: 'name in Han characters' },
    { name: 'Liu Yang', country: 'CN', extra: { claimedLocation: { country: 'CN', city: 'Shenyang', timezone: 'Asia/Shanghai' } }, note: 'lives in Shenyang (a named hub city)' },
    { name: 'Chen Jing', country: 'CN', extra: { claimedLocation: { country: 'CN', city: 'Dandong', timezone: 'Asia/Shanghai' }, addresses: [{ kind: 'residence', line1: '88 Jinshan Street', city: 'Dandong', country: 'CN' }] }, note: 'lives in Dandong (a named hub city)' },
    { name: 'Huang Tao', country: 'CN', extra: { ...alipay('Huang Tao'), preferredLanguage: 'zh' }, note: 'Alipay, prefers Chinese' },
    { name: 'Zhao Xin', country: 'CN', extra: { payment: { method: 'payment_platform', provider: 'WeChat Pay', bankCountry: 'CN', accountHolderName: 'Zhao Xin' } }, note: 'WeChat Pay in own name' },
    { name: 'Sun Hao', country: 'CN', extra: { claimedLocation: { country: 'CN', city: 'Yanji', timezone: 'Asia/Shanghai' } }, note: 'Korean-Chinese developer in Yanji' },
    { name: 'Xu Haoran', country: 'CN', extra: { birthDate: '1996-03-14' }, note: 'common name shared with a DOJ-named person' },
    { name: 'Ma Lin', country: 'CN', extra: { engagement: { via: 'vendor', vendorName: 'Chengdu Soft Outsourcing' } }, note: 'supplied by a Chinese outsourcing vendor' },
  ], ['US22-PAY-PRC-BANK', 'US22-PAY-DIGITAL-PRC', 'GEO-HUB']);
}

function russiaResidents(k: BuildKit) {
  residents(k, 'russia-resident', [
    { name: 'Dmitry Volkov', country: 'RU', note: 'lives in Vladivostok (a named hub city)' },
    { name: 'Алексей Смирнов', country: 'RU', extra: { aliases: ['Aleksey Smirnov'] }, note: 'name in Cyrillic' },
    { name: 'Sergey Ivanov', country: 'RU', extra: { profiles: [{ platform: 'github', url: 'https://github.com/sivanov-dev', displayName: 'Сергей Иванов' }] }, note: 'own name in Cyrillic on the profile' },
    { name: 'Olga Petrova', country: 'RU', extra: { preferredLanguage: 'ru' }, note: 'prefers Russian' },
    { name: 'Ivan Kuznetsov', country: 'RU', extra: { payment: { method: 'payment_platform', provider: 'Payoneer', bankCountry: 'US', accountHolderName: 'Ivan Kuznetsov' } }, note: 'paid through Payoneer (US receiving account)' },
    { name: 'Natalia Sokolova', country: 'RU', note: 'ordinary Russian freelancer' },
  ], ['GEO-HUB', 'US22-PROFILE-INCONSISTENT']);
}

function hubResidents(k: BuildKit) {
  residents(k, 'hub-resident', [
    { name: 'Nguyen Van Minh', country: 'VN', note: 'Vietnam' },
    { name: 'Tran Thi Lan', country: 'VN', note: 'Vietnam' },
    { name: 'Ahmed Al Mansoori', country: 'AE', note: 'UAE' },
    { name: 'Priya Raman', country: 'AE', extra: { nationality: 'IN', documents: [{ type: 'passport', country: 'IN', number: `Z${k.digits(7)}` }] }, note: 'Indian living in Dubai' },
    { name: 'Chinedu Okafor', country: 'NG', note: 'Nigeria' },
    { name: 'Aisha Bello', country: 'NG', note: 'Nigeria' },
    { name: 'Somphone Keomany', country: 'LA', note: 'Laos' },
    { name: 'Sokha Chan', country: 'KH', note: 'Cambodia' },
    { name: 'Baraka Mwakasege', country: 'TZ', note: 'Tanzania' },
    { name: 'Vo Thanh Hai', country: 'VN', extra: { payment: { method: 'payment_platform', provider: 'Wise', bankCountry: 'VN', accountHolderName: 'Vo Thanh Hai' } }, note: 'Vietnam, paid through Wise' },
  ], ['GEO-HUB']);
}

function vpnUsers(k: BuildKit) {
  const people: [string, string, string[]][] = [
    ['Lukas Schmidt', 'DE', ['NL']], ['Anna Kowalska', 'PL', ['SE']], ['Michael Carter', 'US', ['CA']], ['Sophie Martin', 'FR', ['CH', 'NL']],
    ['Javier Ruiz', 'ES', ['FR']], ['Emily Clarke', 'GB', ['NL', 'DE']], ['Yuki Tanaka', 'JP', ['US']], ['Mateus Silva', 'BR', ['US']],
  ];
  people.forEach(([name, country, exits], index) => {
    const subject = k.ordinary(`ok-vpn-${index + 1}`, name, country);
    const exitLogins = k.logins(exits, exits.length + 1, { workCountry: country });
    // A VPN app that reports the user's home country for its exit: the caller's country disagrees once.
    if (index % 2 === 0) (exitLogins[0] as Record<string, unknown>).country = country;
    subject.logins = [...k.logins([country], 6), ...exitLogins];
    k.add({ label: 'benign', category: 'vpn-user', expected: 'clear', citation: ['US22-VPN-VPS', 'US22-LOGIN-MULTI-IP'], note: `home logins plus VPN exits in ${exits.join(', ')}`, subject });
  });
}

function platformFreelancers(k: BuildKit) {
  const people: [string, string, string, string][] = [
    ['Oleksandr Bondarenko', 'UA', 'Payoneer', 'US'], ['Bilal Ahmed', 'PK', 'Payoneer', 'US'], ['Ravi Kumar', 'IN', 'PayPal', 'IN'], ['Maria Santos', 'PH', 'PayPal', 'PH'],
    ['Lucas Pereira', 'BR', 'Wise', 'BE'], ['Sofia Fernandez', 'AR', 'Payoneer', 'US'], ['Mehmet Yilmaz', 'TR', 'Wise', 'BE'], ['Wanjiru Kamau', 'KE', 'Payoneer', 'US'],
  ];
  people.forEach(([name, country, provider, bankCountry], index) => {
    const subject = k.ordinary(`ok-platform-${index + 1}`, name, country, {
      payment: { method: 'payment_platform', provider, bankCountry, accountHolderName: name },
      profiles: [{ platform: 'upwork', url: `https://www.upwork.com/freelancers/~01${k.digits(16)}`, displayName: name }],
    });
    k.add({ label: 'benign', category: 'payment-platform', expected: 'clear', citation: ['US22-PAY-DIGITAL-PRC', 'US22-PROFILE-INCONSISTENT'], note: `${provider} with a receiving account in ${bankCountry}`, subject });
  });
}

/** Same or similar names as listed persons, with another birth date or nationality (anti-discrimination caution). */
function nameAlikes(k: BuildKit) {
  const people: { name: string; country: string; birthDate: string; note: string }[] = [
    { name: 'Kang Min', country: 'KR', birthDate: '1997-02-14', note: 'SDN KANG Min is KP, born 1980-05-07' },
    { name: 'Kim Kyong Hyok', country: 'KR', birthDate: '1993-07-21', note: 'SDN KIM Kyong Hyok born 1985-11-05' },
    { name: 'Kim Chol', country: 'KR', birthDate: '1990-04-02', note: 'SDN KIM Chol born 1964-09-27' },
    { name: 'Pak Jin Song', country: 'KR', birthDate: '1994-10-10', note: 'curated Pak Jin-Song is KP' },
    { name: 'Jin Sung Il', country: 'KR', birthDate: '1991-01-30', note: 'curated Jin Sung-Il is KP' },
    { name: 'Kim Kwang Jin', country: 'KR', birthDate: '1989-06-18', note: 'DOJ-named Kim Kwang Jin; this one South Korean' },
    { name: 'Sun Sidong', country: 'CN', birthDate: '1995-08-08', note: 'SDN SUN Sidong born 1976-05-11' },
    { name: 'Yun Song Guk', country: 'KR', birthDate: '1998-12-01', note: 'curated YUN Song Guk is KP' },
    { name: 'Zhenxing Wang', country: 'CN', birthDate: '1992-03-03', note: 'common Chinese name of a DOJ defendant' },
    { name: 'Kim Se Un', country: 'KR', birthDate: '1996-05-19', note: 'OFAC-named KIM Se Un; this one South Korean' },
  ];
  people.forEach((person, index) => {
    const subject = k.ordinary(`ok-namealike-${index + 1}`, person.name, person.country, { birthDate: person.birthDate });
    k.add({ label: 'benign', category: 'name-alike', expected: 'clear', citation: ['LIST-SDN-PERSON', 'US22-NAT-KOREAN'], note: person.note, subject });
  });
}

function newEmails(k: BuildKit) {
  for (let index = 0; index < 5; index += 1) {
    const country = ['US', 'DE', 'IN', 'BR', 'GB'][index]!;
    const before = k.ordinary(`ok-newmail-${index + 1}`, k.westernName(), country);
    const after = structuredClone(before);
    after.emails = [`${String(before.name).split(' ')[0]!.toLowerCase()}.${k.digits(4)}@newmail.example`];
    k.add({ label: 'benign', category: 'new-email', expected: 'clear', citation: ['US22-CONTACT-CHANGE'], note: 'changed e-mail provider between screenings', before, subject: after });
  }
}

/** Couples at one home, laptops shipped to the address on their own IDs (what the guidance recommends). */
function couples(k: BuildKit) {
  const pairs: [string, string, string][] = [['Mark Hughes', 'Laura Hughes', 'US'], ['Tomasz Nowak', 'Ewa Nowak', 'PL'], ['Kenji Sato', 'Aiko Sato', 'JP']];
  pairs.forEach(([first, second, country], index) => {
    const home = { line1: `${k.digits(2)} Maple Court`, city: k.zones[country]!.city, country };
    const homeIp = k.ipIn(country);
    [first, second].forEach((name, member) => {
      const subject = k.ordinary(`ok-couple-${index + 1}-${member + 1}`, name, country, {
        addresses: [{ kind: 'residence', ...home }, { kind: 'id_document', ...home }, { kind: 'shipping', ...home }],
        logins: k.logins([country], 6, { ips: [homeIp] }),
      });
      k.add({ label: 'benign', category: 'couple', expected: 'clear', citation: ['US22-SHIP-ADDR-MISMATCH', 'US22-LOGIN-SHARED-IP', 'FBI25-CROSS-APPLICANT'], note: 'shares home, ID address, shipping address and home IP with a spouse', subject });
    });
  });
}

function coworking(k: BuildKit) {
  const officeIp = k.ipIn('DE');
  for (let index = 0; index < 4; index += 1) {
    const subject = k.ordinary(`ok-cowork-${index + 1}`, k.westernName(), 'DE', { logins: [...k.logins(['DE'], 4, { ips: [officeIp] }), ...k.logins(['DE'], 2)] });
    k.add({ label: 'benign', category: 'coworking', expected: 'clear', citation: ['US22-LOGIN-SHARED-IP'], note: 'works from a co-working space others also use', subject });
  }
}

function ownScript(k: BuildKit) {
  residents(k, 'own-script', [
    { name: 'Kim Min-jun', country: 'KR', extra: { profiles: [{ platform: 'github', url: 'https://github.com/minjun-kim-dev', displayName: '김민준' }], preferredLanguage: 'ko' }, note: 'Korean name in Hangul on the profile, prefers Korean' },
    { name: 'Takahashi Hiroshi', country: 'JP', extra: { profiles: [{ platform: 'github', url: 'https://github.com/h-takahashi', displayName: '高橋 博' }] }, note: 'name in kanji on the profile' },
    { name: 'Nikos Papadopoulos', country: 'GR', extra: { profiles: [{ platform: 'linkedin', url: 'https://www.linkedin.com/in/npapadopoulos', displayName: 'Νίκος Παπαδόπουλος' }] }, note: 'name in Greek on the profile' },
    { name: 'Omar Hassan', country: 'EG', extra: { profiles: [{ platform: 'linkedin', url: 'https://www.linkedin.com/in/omar-hassan-eg', displayName: 'عمر حسن' }] }, note: 'name in Arabic on the profile' },
  ], ['USROK23-SOCIAL-MISMATCH', 'USROK23-LANG-ORIGIN']);
}

function vendorSupplied(k: BuildKit) {
  ['Infosys', 'EPAM Systems', 'Globant', 'Andela'].forEach((vendor, index) => {
    const country = ['IN', 'PL', 'AR', 'NG'][index]!;
    const subject = k.ordinary(`ok-vendor-${index + 1}`, k.westernName(), country, { engagement: { via: 'vendor', vendorName: vendor } });
    k.add({ label: 'benign', category: 'vendor-supplied', expected: 'clear', citation: ['FBI24-THIRD-PARTY-VENDOR'], note: `supplied by ${vendor}`, subject });
  });
}

/** One weak flag the guidance calls weak alone, with everything else in order. */
function singleWeakFlag(k: BuildKit) {
  const cases: [string, string, (subject: Record<string, unknown>) => void][] = [
    ['night owl: logins after midnight', 'US22-HOURS-MISMATCH', (s) => { s.logins = k.logins(['US'], 8, { localHour: 1 }); }],
    ['long sessions left open', 'US22-LOGIN-CONTINUOUS', (s) => { s.logins = (s.logins as { at: string }[]).map((login) => ({ ...login, endedAt: new Date(Date.parse(login.at) + 30 * 3_600_000).toISOString() })); }],
    ['declined an in-person meeting (lives abroad)', 'USROK23-DRUGTEST-INPERSON', (s) => { s.interview = { videoCompleted: true, cameraOn: true, inPersonOrDrugTestAccepted: false }; }],
    ['camera off on a poor connection', 'USROK23-CAMERA-AVOID', (s) => { s.interview = { videoCompleted: true, cameraOn: false }; }],
    ['bank abroad from an earlier job', 'US22-PROFILE-INCONSISTENT', (s) => { s.payment = { method: 'bank', bankCountry: 'GB', accountHolderName: s.name, bankAccount: `GB${k.digits(20)}` }; }],
  ];
  cases.forEach(([note, citation, change], index) => {
    const subject = k.ordinary(`ok-weak-${index + 1}`, k.westernName(), 'US');
    change(subject);
    k.add({ label: 'benign', category: 'single-weak-flag', expected: 'clear', citation: [citation], note, subject });
  });
}

export function benignProfiles(k: BuildKit): void {
  chinaResidents(k);
  russiaResidents(k);
  hubResidents(k);
  vpnUsers(k);
  platformFreelancers(k);
  nameAlikes(k);
  newEmails(k);
  couples(k);
  coworking(k);
  ownScript(k);
  vendorSupplied(k);
  singleWeakFlag(k);
}
