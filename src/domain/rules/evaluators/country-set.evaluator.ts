import { countriesOfCallingCode, foldAccents, phoneCallingCode } from '../../identifiers/identifier.normalize.js';
import type { Hit } from '../ruleset.js';
import type { ScreeningSubject } from '../screening-subject.js';
import { hitOf, type EvaluationContext, type Evaluator, type RuleOfKind } from '../evaluation-context.js';
import { locateLogins, loginGeographyNote, type LocatedLogin } from '../login-locations.js';
import type { CountryField } from '../rule.schema.js';

interface Place {
  field: string;
  countries: readonly string[];
  city?: string | undefined;
  /** For logins: where the country came from (the IP, or the caller). */
  login?: LocatedLogin;
}

function placesOf(subject: ScreeningSubject, field: CountryField, context: Pick<EvaluationContext, 'ipIntelligence'>): Place[] {
  const one = (path: string, country: string | undefined, city?: string): Place[] =>
    country === undefined ? [] : [{ field: path, countries: [country], city }];
  switch (field) {
    case 'nationality':
      return one('/subject/nationality', subject.nationality);
    case 'citizenships':
      return (subject.citizenships ?? []).flatMap((country, index) => one(`/subject/citizenships/${index}`, country));
    case 'claimedLocation': {
      const location = subject.claimedLocation;
      if (location === undefined) return [];
      if (location.country === undefined) return location.city !== undefined ? [{ field: '/subject/claimedLocation/city', countries: [], city: location.city }] : [];
      return one('/subject/claimedLocation/country', location.country, location.city);
    }
    case 'addresses':
      return (subject.addresses ?? []).flatMap((address, index) => one(`/subject/addresses/${index}/country`, address.country, address.city));
    case 'phones':
      return (subject.phones ?? []).flatMap((phone, index) => {
        const code = phoneCallingCode(phone);
        return code === undefined ? [] : [{ field: `/subject/phones/${index}`, countries: countriesOfCallingCode(code) }];
      });
    case 'logins':
      // The service's geolocation of the IP when it has one, else the caller's country.
      return locateLogins(subject, context.ipIntelligence).flatMap((login) => (login.country === undefined ? [] : [{ field: login.field, countries: [login.country], login }]));
    case 'bankCountry':
      return one('/subject/payment/bankCountry', subject.payment?.bankCountry);
    case 'documents':
      return (subject.documents ?? []).flatMap((document, index) => one(`/subject/documents/${index}/country`, document.country));
    case 'employment':
      return (subject.employment ?? []).flatMap((job, index) => one(`/subject/employment/${index}/country`, job.country));
    case 'education':
      return (subject.education ?? []).flatMap((school, index) => one(`/subject/education/${index}/country`, school.country));
  }
}

/** Where the subject says they live: the claimed location and residence addresses. */
function ownCountries(subject: ScreeningSubject): string[] {
  const residences = (subject.addresses ?? []).filter((address) => address.kind === 'residence').map((address) => address.country);
  return [...(subject.claimedLocation?.country === undefined ? [] : [subject.claimedLocation.country]), ...residences];
}

function fold(text: string): string {
  return foldAccents(text)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * Countries (and cities) in any of the chosen fields. One hit per field family, naming the
 * first place found and how many of that family's values are in the set: forty logins from one
 * country are one reason, not forty.
 */
export const countrySet: Evaluator<RuleOfKind<'country_set'>> = (subject, rule, context) => {
  const countries = new Set(rule.params.countries);
  if (rule.params.exceptOwnCountry) for (const own of ownCountries(subject)) countries.delete(own);
  const cities = rule.params.cities.map((city) => ({ country: city.country, names: new Set(city.names.map(fold)) }));
  const hits: Hit[] = [];
  for (const field of rule.params.fields) {
    const places = placesOf(subject, field, context);
    const matching = places.flatMap((place) => {
      const country = place.countries.find((code) => countries.has(code));
      if (country !== undefined) return [{ place, label: country }];
      if (place.city !== undefined) {
        const city = fold(place.city);
        const hub = cities.find((entry) => entry.names.has(city) && (place.countries.length === 0 || place.countries.includes(entry.country)));
        if (hub !== undefined) return [{ place, label: `${place.city.trim()}, ${hub.country}` }];
      }
      return [];
    });
    const first = matching[0];
    if (first === undefined) continue;
    const labels = [...new Set(matching.map((match) => match.label))];
    const value = places.length > 1 ? `${labels.join(', ')} (${matching.length} of ${places.length})` : labels.join(', ');
    const located = matching.flatMap((match) => (match.place.login ? [match.place.login] : []));
    hits.push(hitOf(rule, { points: rule.weight, field: first.place.field, value, ...(field === 'logins' ? loginGeographyNote(located, context.ipIntelligence) : {}) }));
  }
  return hits;
};
