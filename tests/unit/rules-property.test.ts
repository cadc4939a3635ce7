import { posteriorPercent, type LlrCombination } from '../../src/domain/rules/evidence-combination.js';
import { isCorroborativeOnly } from '../../src/domain/rules/ruleset.js';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { evaluateRuleset, type EvaluationContext, type IdentifierMatch, type LinkedSubject } from '../../src/domain/rules/evaluate.js';
import { ADDRESS_KINDS, DOCUMENT_TYPES, PAYMENT_METHODS, type ScreeningSubject } from '../../src/domain/rules/screening-subject.js';
import { collectLookups, LINK_KINDS } from '../../src/domain/rules/subject-lookups.js';
import { subjectSchema } from '../../src/http/schemas/subject.schema.js';
import { defaultRuleset, hash } from './rules-fixtures.js';

const country = fc.constantFrom('US', 'PL', 'CN', 'KP', 'KR', 'RU', 'LA', 'VN', 'AE', 'GB', 'DE', 'JP', 'IN', 'NG');
const zone = fc.constantFrom('America/Chicago', 'Europe/Warsaw', 'Asia/Shanghai', 'Asia/Pyongyang', 'UTC', 'Etc/GMT+5', 'Asia/Calcutta');
const name = fc.constantFrom('Jane Roe', 'Kim Sang Man', 'Zhang Wei', 'Anna Kowalska', 'J. Roe', 'Łukasz Żółć', '김상만', 'A', 'x y z w v');
const time = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2027, 0, 1) }).map((ms) => new Date(ms).toISOString());
const ip = fc.oneof(fc.ipV4(), fc.ipV6());
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
const few = <T>(arbitrary: fc.Arbitrary<T>, maxLength = 4) => maybe(fc.array(arbitrary, { maxLength }));
const phone = fc.constantFrom('+1 512 555 0100', '+850 2 381 8208', '+86 138 0013 8000', '(512) 555-0101', '0044 20 7946 0000', '+48 12 345 67 89');
const email = fc.constantFrom('jane@example.com', 'j.roe+x@gmail.com', 'glausli1990@outlook.com', 'a@upworksell.com');
const wallet = fc.constantFrom('0xb6f5ec1a0a9cd1526536d3f0426c429529471f40', 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', '1BoatSLRHtKNngkdXEeobR76b53LETtpyT');

const login = fc
  .record({ ip, country: maybe(country), at: time, minutes: maybe(fc.integer({ min: 0, max: 60 * 24 * 40 })) })
  .map(({ minutes, ...rest }) => ({
    ...rest,
    ...(minutes !== undefined ? { endedAt: new Date(Date.parse(rest.at) + minutes * 60_000).toISOString() } : {}),
  }));

const subjectArbitrary: fc.Arbitrary<ScreeningSubject> = fc.record(
  {
    externalRef: maybe(fc.constantFrom('cand-1', 'cand-2', 'cand-3')),
    name,
    aliases: few(name),
    birthDate: maybe(fc.constantFrom('1990-04-25', '2000-02-29', '1950-12-31')),
    nationality: maybe(country),
    citizenships: few(country, 2),
    preferredLanguage: maybe(fc.constantFrom('en', 'ko', 'pl', 'zh')),
    claimedLocation: maybe(fc.record({ country: maybe(country), city: maybe(fc.constantFrom('Austin', 'Dandong', 'Kraków', 'Vladivostok')), timezone: maybe(zone) })),
    emails: few(email),
    phones: few(phone),
    addresses: few(
      fc.record({
        kind: fc.constantFrom(...ADDRESS_KINDS),
        line1: fc.constantFrom('12 Oak St', '12 Oak Street', '4410 N 27th Ave', 'ul. Długa 5'),
        city: maybe(fc.constantFrom('Austin', 'Shenyang', 'Boten')),
        postalCode: maybe(fc.constantFrom('78701', '85017')),
        country,
      }),
    ),
    employment: few(fc.record({ employer: fc.constantFrom('Acme Soft', 'Chinyong IT', 'Kim Sang Man'), domain: maybe(fc.constantFrom('acmesoft.example', 'upworksell.com')), country: maybe(country) })),
    references: few(fc.record({ name, email: maybe(email), phone: maybe(phone) })),
    profiles: few(
      fc.record({
        platform: fc.constantFrom('github', 'linkedin'),
        url: maybe(fc.constantFrom('https://github.com/jroe', 'https://www.linkedin.com/in/x')),
        displayName: maybe(name),
        photoDigest: maybe(fc.constantFrom('aaaaaaaaaaaaaaaa', 'BBBBBBBBBBBBBBBB')),
      }),
    ),
    logins: few(login, 40),
    payment: maybe(
      fc.record({
        method: fc.constantFrom(...PAYMENT_METHODS),
        provider: maybe(fc.constantFrom('Alipay', 'Wise', 'Chase')),
        accountHolderName: maybe(name),
        bankCountry: maybe(country),
        bankAccount: maybe(fc.constantFrom('DE89 3704 0044 0532 0130 00', 'PL61109010140000071219812874')),
        wallets: few(wallet, 2),
      }),
    ),
    documents: few(fc.record({ type: fc.constantFrom(...DOCUMENT_TYPES), country: maybe(country), number: maybe(fc.constantFrom('X1234567', '109420132', 'AB-12')) }), 2),
    interview: maybe(
      fc.record({ videoCompleted: maybe(fc.boolean()), cameraOn: maybe(fc.boolean()), appearanceMatchesId: maybe(fc.boolean()), readingAnswersSuspected: maybe(fc.boolean()) }),
    ),
    engagement: maybe(fc.record({ via: fc.constantFrom('direct' as const, 'vendor' as const), vendorName: maybe(fc.constantFrom('Talent Bridge', 'Taggcar Inc.')) })),
  },
  { requiredKeys: ['name'] },
);

/** Answers drawn from the subject's own lookups, so they actually meet the evaluators' joins. */
function contextArbitrary(subject: ScreeningSubject): fc.Arbitrary<EvaluationContext> {
  const lookups = collectLookups(subject, hash);
  const identifierMatch: fc.Arbitrary<IdentifierMatch> | undefined =
    lookups.identifiers.length === 0
      ? undefined
      : fc.record({
          lookup: fc.constantFrom(...lookups.identifiers),
          id: fc.constantFrom('e1', 'e2', 'e3'),
          confidence: fc.constantFrom('high', 'low', undefined),
          country: maybe(country),
        }).map(({ lookup, id, confidence, country: listed }) => ({
          kind: lookup.kind,
          normalized: lookup.normalized,
          ...(listed !== undefined ? { country: listed } : {}),
          entry: { id, source: 'list', sourceId: id, name: id, attributes: (confidence ? { confidence } : {}) as Record<string, string> },
        }));
  const linked: fc.Arbitrary<LinkedSubject> | undefined =
    lookups.links.length === 0
      ? undefined
      : fc.record({ link: fc.constantFrom(...lookups.links), kind: fc.constantFrom(...LINK_KINDS), ref: fc.constantFrom('cand-1', 'cand-7', 'cand-8'), other: maybe(name) }).map(
          ({ link, kind, ref, other }) => ({ key: link.key, kind, externalRef: ref, ...(other !== undefined ? { name: other } : {}) }),
        );
  return fc.record({
    scores: fc.array(fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(1.2, -0.1, Number.NaN)), { maxLength: 4 }),
    matches: identifierMatch ? fc.array(identifierMatch, { maxLength: 6 }) : fc.constant([]),
    links: linked ? fc.array(linked, { maxLength: 8 }) : fc.constant([]),
    previous: maybe(fc.subarray(lookups.links)),
  }).map(({ scores, matches, links, previous }) => ({
    searchNames: (query) =>
      scores.map((score, index) => ({
        entry: { id: `n${index}`, source: 'list', sourceId: `n${index}`, name: query.name, type: index % 2 === 0 ? 'individual' : 'entity', programs: [] },
        matchedName: query.name,
        score,
        explanation: null,
      })),
    lookups,
    identifierMatches: matches,
    linkedSubjects: links,
    ...(previous !== undefined ? { previousLinkKeys: previous } : {}),
  }));
}

describe('evaluateRuleset over arbitrary valid subjects', () => {
  test('never throws, and the score is an integer in 0..100 consistent with the outcome', () => {
    const ruleset = defaultRuleset();
    fc.assert(
      fc.property(
        subjectArbitrary.filter((subject) => subjectSchema.safeParse(subject).success).chain((subject) => fc.tuple(fc.constant(subject), contextArbitrary(subject))),
        ([subject, context]) => {
          const evaluation = evaluateRuleset(subject, ruleset, context);
          expect(Number.isInteger(evaluation.score)).toBe(true);
          expect(evaluation.score).toBeGreaterThanOrEqual(0);
          expect(evaluation.score).toBeLessThanOrEqual(100);
          expect(evaluation.skippedRules).toEqual([]);
          for (const hit of evaluation.hits) {
            expect(Number.isInteger(hit.points) && hit.points >= 0).toBe(true);
            expect(hit.field.startsWith('/subject')).toBe(true);
          }
          // Likelihood ratios: the score is the posterior of the counted points, unless a named
          // combination lifted it to review or context was kept from making a block.
          const model = ruleset.combination as LlrCombination;
          const evidence = evaluation.hits.filter((hit) => !isCorroborativeOnly(hit)).reduce((sum, hit) => sum + hit.points, 0);
          const contextPoints = Math.min(model.contextMaxDecibans, evaluation.hits.filter(isCorroborativeOnly).reduce((sum, hit) => sum + hit.points, 0));
          const posterior = Math.round(posteriorPercent(model.priorDecibans + evidence + contextPoints));
          expect([posterior, ruleset.thresholds.review, ruleset.thresholds.block - 1]).toContain(evaluation.score);
          if (evaluation.score !== posterior) expect(evaluation.score).toBeGreaterThanOrEqual(Math.round(posteriorPercent(model.priorDecibans + evidence)));
          const forced = evaluation.hits.some((hit) => hit.forcesBlock);
          const expected = forced || evaluation.score >= ruleset.thresholds.block ? 'block' : evaluation.score >= ruleset.thresholds.review ? 'review' : 'clear';
          expect(evaluation.outcome).toBe(expected);
          // Document numbers never reach a decision, whatever matched.
          for (const document of subject.documents ?? []) {
            if (document.number !== undefined && document.number.length >= 5) expect(JSON.stringify(evaluation.hits)).not.toContain(document.number);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test('an additive ruleset (published before likelihood ratios): the score is the sum of the points, capped at 100', () => {
    const ruleset = { ...defaultRuleset(), combination: undefined };
    fc.assert(
      fc.property(
        subjectArbitrary.filter((subject) => subjectSchema.safeParse(subject).success).chain((subject) => fc.tuple(fc.constant(subject), contextArbitrary(subject))),
        ([subject, context]) => {
          const evaluation = evaluateRuleset(subject, ruleset, context);
          const total = Math.min(100, evaluation.hits.reduce((sum, hit) => sum + hit.points, 0));
          expect(evaluation.score).toBe(total);
          const forced = evaluation.hits.some((hit) => hit.forcesBlock);
          expect(evaluation.outcome).toBe(forced || total >= ruleset.thresholds.block ? 'block' : total >= ruleset.thresholds.review ? 'review' : 'clear');
        },
      ),
      { numRuns: 100 },
    );
  });
});
