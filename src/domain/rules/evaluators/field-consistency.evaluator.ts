import {
  countriesOfCallingCode,
  emailLinkForm,
  normalizeAddress,
  normalizePhone,
  phoneCallingCode,
} from '../../identifiers/identifier.normalize.js';
import { describeAddress, maskEmail, maskPhone } from '../../identifiers/identifier.redact.js';
import type { Hit } from '../ruleset.js';
import type { ScreeningSubject } from '../screening-subject.js';
import { hitOf, type EvaluationContext, type Evaluator, type RuleOfKind } from '../evaluation-context.js';
import { locateLogins, loginGeographyNote } from '../login-locations.js';
import { bestNameSimilarity, isWrittenInHanOrKana, nameTokens } from '../name-similarity.js';
import { TIME_ZONE_COUNTRIES } from '../time-zones.table.js';

type ConsistencyRule = RuleOfKind<'field_consistency'>;
type Check<C extends ConsistencyRule['params']['check']> = (
  subject: ScreeningSubject,
  rule: ConsistencyRule & { params: { check: C } },
  context: Pick<EvaluationContext, 'ipIntelligence'>,
) => Hit[];

function ownNames(subject: ScreeningSubject): string[] {
  return [subject.name, ...(subject.aliases ?? [])];
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Countries an IANA zone is used in; `undefined` for zones of no country (`UTC`). */
export function timeZoneCountries(zone: string): string[] | undefined {
  const countries = TIME_ZONE_COUNTRIES[zone.trim()];
  return countries === undefined ? undefined : countries.split(' ');
}

/**
 * The claimed country against one other signal of where the person is. Each mismatch alone has
 * innocent explanations (travel, expatriates, a foreign SIM); the rule weights stay small and
 * add up only when several signals disagree.
 */
const claimedCountry: Check<'claimed_country'> = (subject, rule, context) => {
  const claimed = subject.claimedLocation?.country;
  if (claimed === undefined) return [];
  const hit = (field: string, value: string) => hitOf(rule, { points: rule.weight, field, value: `${value}; claimed ${claimed}` });
  switch (rule.params.against) {
    case 'phones':
      return (subject.phones ?? []).flatMap((phone, index) => {
        const code = phoneCallingCode(phone);
        if (code === undefined || countriesOfCallingCode(code).includes(claimed)) return [];
        return [hit(`/subject/phones/${index}`, `calling code +${code}`)];
      });
    case 'logins': {
      const located = locateLogins(subject, context.ipIntelligence).filter((login) => login.country !== undefined);
      if (located.length < rule.params.minCount) return [];
      const outside = located.filter((login) => login.country !== claimed);
      if (outside.length === 0 || outside.length / located.length < rule.params.minShare) return [];
      const countries = [...new Set(outside.map((login) => login.country))].slice(0, 10);
      return [{ ...hit('/subject/logins', `${outside.length} of ${located.length} logins from ${countries.join(', ')}`), ...loginGeographyNote(located, context.ipIntelligence) }];
    }
    case 'bank_country': {
      const bank = subject.payment?.bankCountry;
      return bank !== undefined && bank !== claimed ? [hit('/subject/payment/bankCountry', `bank in ${bank}`)] : [];
    }
    case 'timezone': {
      const zone = subject.claimedLocation?.timezone;
      if (zone === undefined) return [];
      const countries = timeZoneCountries(zone);
      if (countries === undefined || countries.includes(claimed)) return [];
      return [hit('/subject/claimedLocation/timezone', `${zone} (${countries.slice(0, 5).join(', ')})`)];
    }
    case 'residence_address':
      return (subject.addresses ?? []).flatMap((address, index) =>
        address.kind === 'residence' && address.country !== claimed ? [hit(`/subject/addresses/${index}/country`, `residence in ${address.country}`)] : [],
      );
  }
};

/**
 * The country the caller gives for a login against the country the service's IP database places
 * its network in (US22 "VPN, VPS or third-country IP use"): an address whose geolocation differs
 * between two services is typical of VPN exits and proxies that publish a chosen location. Only
 * logins both placed; a lone disagreement may be a stale database, hence `minShare`.
 */
const callerLoginCountry: Check<'caller_login_country'> = (subject, rule, context) => {
  if (!context.ipIntelligence) return [];
  const both = locateLogins(subject, context.ipIntelligence).filter((login) => login.basis === 'ip' && login.login.country !== undefined);
  const differing = both.filter((login) => login.login.country !== login.country);
  if (differing.length < rule.params.minCount || differing.length / both.length < rule.params.minShare) return [];
  const pairs = [...new Set(differing.map((login) => `given ${login.login.country}, IP in ${login.country}`))].slice(0, 5);
  const first = differing[0]!;
  return [
    hitOf(rule, {
      points: rule.weight,
      field: `/subject/logins/${first.index}/country`,
      value: `${differing.length} of ${both.length} logins: ${pairs.join('; ')}`,
      explanation: { ipDatabase: context.ipIntelligence.database },
    }),
  ];
};

/** Pay going to someone else: the proxy-payee pattern (JP24, DOJ US v. Hwa). */
const payeeName: Check<'payee_name'> = (subject, rule) => {
  const payee = subject.payment?.accountHolderName;
  if (payee === undefined || nameTokens(payee).length === 0) return [];
  const similarity = bestNameSimilarity(payee, ownNames(subject));
  if (similarity >= rule.params.minSimilarity) return [];
  return [hitOf(rule, { points: rule.weight, field: '/subject/payment/accountHolderName', value: payee, similarity: round3(similarity) })];
};

/**
 * Equipment going somewhere other than the ID address (US22, B16). Compared with the
 * ID-document address, or the residence when no ID address is given.
 */
const shippingVsIdAddress: Check<'shipping_vs_id_address'> = (subject, rule) => {
  const addresses = subject.addresses ?? [];
  const idAddresses = addresses.filter((address) => address.kind === 'id_document');
  const reference = idAddresses.length > 0 ? idAddresses : addresses.filter((address) => address.kind === 'residence');
  const known = new Set(reference.map(normalizeAddress).filter((key): key is string => key !== undefined));
  if (known.size === 0) return [];
  return addresses.flatMap((address, index) => {
    if (address.kind !== 'shipping') return [];
    const key = normalizeAddress(address);
    if (key === undefined || known.has(key)) return [];
    return [hitOf(rule, { points: rule.weight, field: `/subject/addresses/${index}`, value: describeAddress(address) })];
  });
};

/** Display names that look like a person's name (two or more words) but not this person's. */
const profileNames: Check<'profile_names'> = (subject, rule) =>
  (subject.profiles ?? []).flatMap((profile, index) => {
    const display = profile.displayName;
    // Handles ("jroe_dev") are not names: only space-separated words are compared.
    if (display === undefined || display.trim().split(/\s+/).filter((word) => /\p{L}/u.test(word)).length < 2) return [];
    // 佐藤 花子 beside "Hanako Sato": no reading to compare, so no evidence of another person.
    const comparable = ownNames(subject).filter((own) => isWrittenInHanOrKana(own) === isWrittenInHanOrKana(display));
    if (comparable.length === 0) return [];
    const similarity = bestNameSimilarity(display, comparable);
    if (similarity >= rule.params.minSimilarity) return [];
    return [hitOf(rule, { points: rule.weight, field: `/subject/profiles/${index}/displayName`, value: display, similarity: round3(similarity) })];
  });

/** One identity, several faces (USROK23, DE24). */
const profilePhotos: Check<'profile_photos'> = (subject, rule) => {
  const withPhoto = (subject.profiles ?? []).filter((profile) => profile.photoDigest !== undefined);
  const distinct = new Set(withPhoto.map((profile) => profile.photoDigest?.trim().toLowerCase()));
  if (distinct.size < 2) return [];
  return [hitOf(rule, { points: rule.weight, field: '/subject/profiles', value: `${distinct.size} different photos across ${withPhoto.length} profiles` })];
};

/**
 * A claimed nationality no identity document supports (US22: posing as South Korean). Only
 * corroborating context: the default rule cites a corroborative-only indicator.
 */
const nationalityVsDocuments: Check<'nationality_vs_documents'> = (subject, rule) => {
  const watched = new Set(rule.params.nationalities);
  const claims = [
    ...(subject.nationality !== undefined ? [{ field: '/subject/nationality', country: subject.nationality }] : []),
    ...(subject.citizenships ?? []).map((country, index) => ({ field: `/subject/citizenships/${index}`, country })),
  ].filter((claim) => watched.has(claim.country));
  const documentCountries = new Set((subject.documents ?? []).flatMap((document) => (document.country !== undefined ? [document.country] : [])));
  if (documentCountries.size === 0) return [];
  return claims
    .filter((claim) => !documentCountries.has(claim.country))
    .slice(0, 1)
    .map((claim) => hitOf(rule, { points: rule.weight, field: claim.field, value: `${claim.country}; documents from ${[...documentCountries].join(', ')}` }));
};

/** A working language unusual for the claimed origin (USROK23). Corroborating context only. */
const preferredLanguage: Check<'preferred_language'> = (subject, rule) => {
  const language = subject.preferredLanguage?.toLowerCase();
  if (language === undefined || !rule.params.languages.includes(language)) return [];
  const origins = [subject.claimedLocation?.country, subject.nationality].filter((country): country is string => country !== undefined);
  if (origins.length === 0 || origins.some((country) => rule.params.unlessCountries.includes(country))) return [];
  return [hitOf(rule, { points: rule.weight, field: '/subject/preferredLanguage', value: `${language}; claims ${origins.join(', ')}` })];
};

/** A reference reachable at the applicant's own e-mail or phone is the applicant (B1). */
const referencesVsSelf: Check<'references_vs_self'> = (subject, rule) => {
  const emails = new Set((subject.emails ?? []).map(emailLinkForm));
  const phones = new Set((subject.phones ?? []).map(normalizePhone).filter((phone) => phone.length >= 7));
  return (subject.references ?? []).flatMap((reference, index) => {
    if (reference.email !== undefined && emails.has(emailLinkForm(reference.email))) {
      return [hitOf(rule, { points: rule.weight, field: `/subject/references/${index}/email`, value: maskEmail(reference.email) })];
    }
    if (reference.phone !== undefined && phones.has(normalizePhone(reference.phone))) {
      return [hitOf(rule, { points: rule.weight, field: `/subject/references/${index}/phone`, value: maskPhone(reference.phone) })];
    }
    return [];
  });
};

/** Fields of one profile that should tell the same story and do not. */
export const fieldConsistency: Evaluator<ConsistencyRule> = (subject, rule, context) => {
  const params = rule.params;
  switch (params.check) {
    case 'claimed_country':
      return claimedCountry(subject, { ...rule, params }, context);
    case 'caller_login_country':
      return callerLoginCountry(subject, { ...rule, params }, context);
    case 'payee_name':
      return payeeName(subject, { ...rule, params }, context);
    case 'shipping_vs_id_address':
      return shippingVsIdAddress(subject, { ...rule, params }, context);
    case 'profile_names':
      return profileNames(subject, { ...rule, params }, context);
    case 'profile_photos':
      return profilePhotos(subject, { ...rule, params }, context);
    case 'nationality_vs_documents':
      return nationalityVsDocuments(subject, { ...rule, params }, context);
    case 'preferred_language':
      return preferredLanguage(subject, { ...rule, params }, context);
    case 'references_vs_self':
      return referencesVsSelf(subject, { ...rule, params }, context);
  }
};
