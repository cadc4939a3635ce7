import type { Hit } from '../ruleset.js';
import type { LoginEvent, ScreeningSubject } from '../screening-subject.js';
import { hitOf, type EvaluationContext, type Evaluator, type RuleOfKind } from '../evaluation-context.js';
import { locateLogin, loginGeographyNote } from '../login-locations.js';
import { hourInZone } from '../../geo/time-zones.js';
import { normalizeIp } from '../../identifiers/identifier.normalize.js';

type LoginRule = RuleOfKind<'login_behaviour'>;
type Check<C extends LoginRule['params']['check']> = (subject: ScreeningSubject, rule: LoginRule & { params: { check: C } }) => Hit[];

const HOUR = 3_600_000;
const MAX_SESSION_DAYS = 31;

interface TimedLogin {
  index: number;
  login: LoginEvent;
  start: number;
  end?: number;
}

/** Logins with a readable start time, oldest first. Unreadable ones are ignored, never fatal. */
function timedLogins(subject: ScreeningSubject): TimedLogin[] {
  const timed: TimedLogin[] = [];
  (subject.logins ?? []).forEach((login, index) => {
    const start = Date.parse(login.at);
    if (!Number.isFinite(start)) return;
    const end = login.endedAt !== undefined ? Date.parse(login.endedAt) : Number.NaN;
    timed.push(Number.isFinite(end) && end >= start ? { index, login, start, end } : { index, login, start });
  });
  return timed.sort((a, b) => a.start - b.start || a.index - b.index);
}

function formatHours(milliseconds: number): string {
  return `${Math.round((milliseconds / HOUR) * 10) / 10} h`;
}

/**
 * Many countries inside one sliding window (geo-velocity): O(n log n) for any login count. A
 * login's country is the service's geolocation of its IP when there is one (login-locations.ts).
 */
const manyCountries = (subject: ScreeningSubject, rule: LoginRule & { params: { check: 'many_countries' } }, context: Pick<EvaluationContext, 'ipIntelligence'>): Hit[] => {
  const located = timedLogins(subject)
    .map((timed) => ({ ...timed, place: locateLogin(timed.login, timed.index, context.ipIntelligence) }))
    .filter((timed) => timed.place.country !== undefined);
  const window = rule.params.windowHours * HOUR;
  const counts = new Map<string, number>();
  let first = 0;
  for (let last = 0; last < located.length; last += 1) {
    const current = located[last]!;
    const country = current.place.country ?? '';
    counts.set(country, (counts.get(country) ?? 0) + 1);
    while (first < located.length && current.start - (located[first]?.start ?? 0) > window) {
      const old = located[first]?.place.country ?? '';
      const left = (counts.get(old) ?? 1) - 1;
      if (left === 0) counts.delete(old);
      else counts.set(old, left);
      first += 1;
    }
    if (counts.size >= rule.params.minCountries) {
      const countries = [...counts.keys()].sort();
      return [
        hitOf(rule, {
          points: rule.weight,
          field: `/subject/logins/${current.index}`,
          value: `${countries.join(', ')} within ${rule.params.windowHours} h`,
          ...loginGeographyNote(
            located.slice(first, last + 1).map((timed) => timed.place),
            context.ipIntelligence,
          ),
        }),
      ];
    }
  }
  return [];
};

/** A session open for a day or more suggests shifts of several people on one identity. */
const continuousSession: Check<'continuous_session'> = (subject, rule) => {
  let longest: TimedLogin | undefined;
  for (const timed of timedLogins(subject)) {
    if (timed.end === undefined) continue;
    if (longest === undefined || timed.end - timed.start > (longest.end ?? 0) - longest.start) longest = timed;
  }
  if (longest?.end === undefined || longest.end - longest.start < rule.params.minHours * HOUR) return [];
  return [hitOf(rule, { points: rule.weight, field: `/subject/logins/${longest.index}`, value: `${formatHours(longest.end - longest.start)} session` })];
};

/**
 * Cumulative session time per UTC day beyond what one person works (JP24). Overlapping
 * sessions add up on purpose: two devices at once are two operators.
 */
const dailyHours: Check<'daily_hours'> = (subject, rule) => {
  const perDay = new Map<string, { total: number; index: number }>();
  for (const timed of timedLogins(subject)) {
    if (timed.end === undefined) continue;
    let cursor = timed.start;
    // Bounded work whatever the input: a session is spread over at most MAX_SESSION_DAYS days.
    const end = Math.min(timed.end, timed.start + MAX_SESSION_DAYS * 24 * HOUR);
    while (cursor < end) {
      const dayStart = Math.floor(cursor / (24 * HOUR)) * 24 * HOUR;
      const sliceEnd = Math.min(end, dayStart + 24 * HOUR);
      const day = new Date(dayStart).toISOString().slice(0, 10);
      const entry = perDay.get(day) ?? { total: 0, index: timed.index };
      entry.total += sliceEnd - cursor;
      perDay.set(day, entry);
      cursor = sliceEnd;
    }
  }
  let worst: [string, { total: number; index: number }] | undefined;
  for (const day of perDay) if (worst === undefined || day[1].total > worst[1].total) worst = day;
  if (worst === undefined || worst[1].total <= rule.params.maxHours * HOUR) return [];
  return [hitOf(rule, { points: rule.weight, field: `/subject/logins/${worst[1].index}`, value: `${formatHours(worst[1].total)} of sessions on ${worst[0]}` })];
};

/** Local hour in an IANA zone; `undefined` when the zone is unknown to the runtime. */
/** Mostly active at night in the claimed time zone: working someone else's business hours. */
const offHours: Check<'off_hours'> = (subject, rule) => {
  const zone = subject.claimedLocation?.timezone;
  if (zone === undefined) return [];
  const hourOf = hourInZone(zone);
  if (hourOf === undefined) return [];
  const logins = timedLogins(subject);
  if (logins.length < rule.params.minLogins) return [];
  const { fromHour, toHour } = rule.params;
  const night = logins.filter((timed) => {
    const hour = hourOf(timed.start);
    return hour >= fromHour && hour < toHour;
  });
  if (night.length === 0 || night.length / logins.length < rule.params.minShare) return [];
  const pad = (hour: number) => `${String(hour).padStart(2, '0')}:00`;
  return [
    hitOf(rule, {
      points: rule.weight,
      field: '/subject/logins',
      value: `${night.length} of ${logins.length} logins between ${pad(fromHour)} and ${pad(toHour)} ${zone}`,
    }),
  ];
};

/**
 * Logins through cloud or VPS servers or VPN exits (US22: "use of VPNs, VPSs or third-country
 * IPs"): the service's IP lookup names each login's network, and the hosting table marks the
 * servers (login-locations.ts). Only logins whose network is known count; without IP intelligence
 * (decisions made before it) there is nothing to see.
 */
const hostingNetwork = (subject: ScreeningSubject, rule: LoginRule & { params: { check: 'hosting_network' } }, context: Pick<EvaluationContext, 'ipIntelligence'>): Hit[] => {
  const intelligence = context.ipIntelligence;
  if (!intelligence) return [];
  const kinds = new Set<string>(rule.params.kinds);
  const known = (subject.logins ?? []).flatMap((login, index) => {
    const ip = normalizeIp(login.ip);
    const location = ip !== undefined && Object.hasOwn(intelligence.locations, ip) ? intelligence.locations[ip] : undefined;
    return location?.asn !== undefined ? [{ index, location }] : [];
  });
  const hosted = known.filter(({ location }) => location.hosting !== undefined && kinds.has(location.hosting));
  if (hosted.length === 0 || hosted.length < rule.params.minCount || hosted.length / known.length < rule.params.minShare) return [];
  const networks = [...new Set(hosted.map(({ location }) => `AS${location.asn} ${location.organisation ?? ''}`.trim()))];
  return [
    hitOf(rule, {
      points: rule.weight,
      field: `/subject/logins/${hosted[0]!.index}/ip`,
      value: `${hosted.length} of ${known.length} logins from hosting or VPN networks: ${networks.slice(0, 5).join('; ')}`,
      explanation: { ipDatabase: intelligence.database, networks: networks.slice(0, 20), kinds: [...new Set(hosted.map(({ location }) => location.hosting))].sort() },
    }),
  ];
};

/** Login history patterns: geo-velocity, marathon sessions, night-time work, hosting and VPN networks. */
export const loginBehaviour: Evaluator<LoginRule> = (subject, rule, context) => {
  const params = rule.params;
  switch (params.check) {
    case 'many_countries':
      return manyCountries(subject, { ...rule, params }, context);
    case 'continuous_session':
      return continuousSession(subject, { ...rule, params });
    case 'daily_hours':
      return dailyHours(subject, { ...rule, params });
    case 'off_hours':
      return offHours(subject, { ...rule, params });
    case 'hosting_network':
      return hostingNetwork(subject, { ...rule, params }, context);
  }
};
