/**
 * The shape of a rule, per evaluator kind. A ruleset is validated with these schemas when it is
 * published, so a bad parameter or an unknown kind is refused there and never surfaces during
 * a screening. The evaluator reads params through the same schemas (defaults included).
 */
import { z } from 'zod';
import { isCountryCode } from '../geo/countries.js';
import { findIndicator } from '../indicators/indicators.data.js';
import { combinationSchema } from './evidence-combination.js';
import { SEVERITIES } from './ruleset.js';
import { ENGAGEMENT_CHANNELS, PAYMENT_METHODS } from './screening-subject.js';
import { IDENTIFIER_SOURCES, LINK_KINDS } from './subject-lookups.js';

const countryCode = z.string().refine(isCountryCode, 'must be an ISO 3166-1 alpha-2 country code');
const fraction = z.number().min(0).max(1);
const hours = z.number().positive().max(24 * 30);

function uniqueArray<T extends z.ZodType>(item: T, min = 1, max = 300) {
  return z
    .array(item)
    .min(min)
    .max(max)
    .refine((values) => new Set(values.map((value) => JSON.stringify(value))).size === values.length, 'must not repeat a value');
}

/** Names screened against list entries: the person, and the companies and people around them. */
export const NAME_TARGETS = ['person', 'payee', 'employer', 'vendor', 'reference'] as const;
export type NameTarget = (typeof NAME_TARGETS)[number];

/** Where a person's countries come from, for the name search (`list_name_match` `countries`). */
export const PERSON_COUNTRY_SOURCES = ['nationality', 'citizenships', 'documents'] as const;
export type PersonCountrySource = (typeof PERSON_COUNTRY_SOURCES)[number];

export const listNameMatchParams = z.strictObject({
  /** Absent in rulesets published before targets existed: those screened the person only. */
  targets: uniqueArray(z.enum(NAME_TARGETS)).default(['person']),
  minSimilarity: z.number().min(0.5).max(1),
  maxHits: z.number().int().min(1).max(20),
  /**
   * A person's strong name match (name similarity at least `minNameScore`) whose full birth date
   * is one the entry lists identifies the listed person: the hit forces a block. Absent in
   * rulesets published before it existed: those only scored such a match.
   */
  blockOnListedBirthDate: z.strictObject({ minNameScore: z.number().min(0.8).max(1) }).optional(),
  /**
   * Which of a person's countries the name search weighs against listed nationalities: the stated
   * nationality, citizenships, and the issuers of passports and national identity cards. Rulesets
   * published before the choice existed weighed the nationality only, and replay as they were.
   */
  countries: uniqueArray(z.enum(PERSON_COUNTRY_SOURCES)).default(['nationality']),
  /**
   * A name-only match counts less when it cannot tell the listed person from a namesake: points
   * taken off a match against an entry that lists no birth date, nationality, identifier or
   * street address, and off a very common full name (common-names.data.ts) when the profile gives
   * no agreeing birth date. A match that forces a block is never lowered. Absent in rulesets
   * published before it existed: those scored weight × similarity, and replay as they were.
   */
  namesakes: z.strictObject({ undescribedEntryPoints: z.number().min(0).max(100), commonNamePoints: z.number().min(0).max(100) }).optional(),
});

export const listIdentifierMatchParams = z.strictObject({
  sources: uniqueArray(z.enum(IDENTIFIER_SOURCES)),
  /**
   * Points for a match found only on low-confidence curated entries (every source [T]): such an
   * entry is a lead to verify and must never block on its own, so it scores instead.
   */
  lowConfidencePoints: z.number().int().min(0).max(100),
});

export const COUNTRY_FIELDS = [
  'nationality',
  'citizenships',
  'claimedLocation',
  'addresses',
  'phones',
  'logins',
  'bankCountry',
  'documents',
  'employment',
  'education',
] as const;
export type CountryField = (typeof COUNTRY_FIELDS)[number];

export const countrySetParams = z
  .strictObject({
    fields: uniqueArray(z.enum(COUNTRY_FIELDS)),
    countries: uniqueArray(countryCode, 0, 250).default([]),
    /** Cities matched in addresses and the claimed location (hubs named below country level). */
    cities: z
      .array(z.strictObject({ country: countryCode, names: uniqueArray(z.string().trim().min(2).max(100), 1, 50) }))
      .max(100)
      .default([]),
    /**
     * A country the subject says they live in (claimed location, residence address) is not a
     * match: a person living in China paid at a Chinese bank is agreement, not a red flag.
     */
    exceptOwnCountry: z.boolean().default(false),
  })
  .refine((params) => params.countries.length + params.cities.length > 0, 'give at least one country or city');

/** Scalar facts a `field_value` rule can test, with the values each may take. */
export const VALUE_FIELDS = {
  'interview.videoCompleted': 'boolean',
  'interview.cameraOn': 'boolean',
  'interview.appearanceMatchesId': 'boolean',
  'interview.locationQuestionsAnswered': 'boolean',
  'interview.inPersonOrDrugTestAccepted': 'boolean',
  'interview.readingAnswersSuspected': 'boolean',
  /** Derived: the method is `crypto` or a wallet is given. */
  'payment.crypto': 'boolean',
  'payment.method': PAYMENT_METHODS,
  'payment.provider': 'text',
  'engagement.via': ENGAGEMENT_CHANNELS,
  'engagement.vendorName': 'text',
  preferredLanguage: 'text',
} as const satisfies Record<string, 'boolean' | 'text' | readonly string[]>;
export type ValueField = keyof typeof VALUE_FIELDS;
const VALUE_FIELD_NAMES = Object.keys(VALUE_FIELDS) as [ValueField, ...ValueField[]];

export const fieldValueParams = z
  .strictObject({
    field: z.enum(VALUE_FIELD_NAMES),
    /** Fires when the value is one of these. */
    equals: z.array(z.union([z.string().min(1).max(100), z.boolean()])).min(1).max(100).optional(),
    /** Text fields only: fires when the folded value contains one of these words. */
    containsAny: uniqueArray(z.string().trim().min(2).max(100), 1, 100).optional(),
  })
  .superRefine((params, ctx) => {
    if ((params.equals === undefined) === (params.containsAny === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['equals'], message: 'give exactly one of equals or containsAny' });
      return;
    }
    const type = VALUE_FIELDS[params.field];
    if (params.containsAny !== undefined && type !== 'text') {
      ctx.addIssue({ code: 'custom', path: ['containsAny'], message: `${params.field} is not a text field` });
    }
    params.equals?.forEach((value, index) => {
      const fits = type === 'boolean' ? typeof value === 'boolean' : type === 'text' ? typeof value === 'string' : typeof value === 'string' && (type as readonly string[]).includes(value);
      if (!fits) {
        const expected = type === 'boolean' ? 'true or false' : type === 'text' ? 'a string' : `one of ${type.join(', ')}`;
        ctx.addIssue({ code: 'custom', path: ['equals', index], message: `${params.field} takes ${expected}` });
      }
    });
  });

export const CLAIMED_COUNTRY_SIGNALS = ['phones', 'logins', 'bank_country', 'timezone', 'residence_address'] as const;
export type ClaimedCountrySignal = (typeof CLAIMED_COUNTRY_SIGNALS)[number];

const languageCode = z.string().regex(/^[a-z]{2}$/, 'must be an ISO 639-1 code');

export const fieldConsistencyParams = z.discriminatedUnion('check', [
  z.strictObject({
    check: z.literal('claimed_country'),
    against: z.enum(CLAIMED_COUNTRY_SIGNALS),
    /** For logins: share of geolocated logins outside the claimed country that fires. */
    minShare: fraction.default(0.5),
    /** For logins: fewest geolocated logins worth judging. */
    minCount: z.number().int().min(1).max(1000).default(1),
  }),
  z.strictObject({
    check: z.literal('caller_login_country'),
    /** Fewest logins whose given country differs from their IP's. */
    minCount: z.number().int().min(1).max(1000).default(1),
    /** Share of the logins placed both ways that must differ. */
    minShare: fraction.default(0.25),
  }),
  z.strictObject({ check: z.literal('payee_name'), minSimilarity: fraction }),
  z.strictObject({ check: z.literal('shipping_vs_id_address') }),
  z.strictObject({ check: z.literal('profile_names'), minSimilarity: fraction }),
  z.strictObject({ check: z.literal('profile_photos') }),
  z.strictObject({ check: z.literal('nationality_vs_documents'), nationalities: uniqueArray(countryCode) }),
  z.strictObject({ check: z.literal('preferred_language'), languages: uniqueArray(languageCode), unlessCountries: uniqueArray(countryCode) }),
  z.strictObject({ check: z.literal('references_vs_self') }),
]);

export const loginBehaviourParams = z.discriminatedUnion('check', [
  z.strictObject({ check: z.literal('many_countries'), windowHours: hours, minCountries: z.number().int().min(2).max(50) }),
  z.strictObject({ check: z.literal('continuous_session'), minHours: hours }),
  z.strictObject({ check: z.literal('daily_hours'), maxHours: z.number().positive().max(24) }),
  z
    .strictObject({
      check: z.literal('off_hours'),
      /** Local hours [fromHour, toHour) in the claimed time zone count as night. */
      fromHour: z.number().int().min(0).max(23),
      toHour: z.number().int().min(1).max(24),
      minShare: fraction,
      minLogins: z.number().int().min(1).max(1000),
    })
    .refine((params) => params.fromHour < params.toHour, { message: 'fromHour must be before toHour', path: ['toHour'] }),
  z.strictObject({
    /** Logins from networks of these kinds (domain/geo/hosting-networks.table.ts), as the service's IP lookup placed them. */
    check: z.literal('hosting_network'),
    kinds: uniqueArray(z.enum(['hosting', 'vpn'])),
    minCount: z.number().int().min(1).max(1000),
    /** Share of the logins whose network is known. */
    minShare: fraction,
  }),
]);

export const subjectLinkParams = z.strictObject({
  /** This subject's values to follow. */
  kinds: uniqueArray(z.enum(LINK_KINDS)),
  /** Roles the value must have on the other subject. */
  otherKinds: uniqueArray(z.enum(LINK_KINDS)),
  /** Fewest other subjects sharing a value before it counts. */
  minSubjects: z.number().int().min(1).max(100),
  /** Others whose name is at least this similar are the same person applying again: ignored. */
  sameNameSimilarity: fraction,
  /**
   * A shipping address that is also the subject's own home or ID address is a household, not a
   * laptop receiver: skipped (the home-address rule sees it). Absent in rulesets published before it.
   */
  exceptOwnHome: z.boolean().default(false),
});

export const profileChangeParams = z.strictObject({
  kinds: uniqueArray(z.enum(LINK_KINDS)),
  /**
   * The kinds are one value: a bank account replaced by a wallet is a new payout account. Absent
   * in rulesets published before it: those compared each kind with itself only.
   */
  asOneKind: z.boolean().default(false),
});

const RULE_KEY = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

const ruleBase = {
  key: z.string().max(80).regex(RULE_KEY, 'must be kebab-case, e.g. list-wallet-match'),
  version: z.number().int().min(1).optional(),
  description: z.string().trim().min(1).max(500),
  enabled: z.boolean(),
  weight: z.number().int().min(0).max(100),
  severity: z.enum(SEVERITIES),
  forcesBlock: z.boolean(),
  indicatorIds: uniqueArray(
    z.string().refine((id) => findIndicator(id) !== undefined, 'unknown indicator id'),
    0,
    30,
  ),
};

const RULE_VARIANTS = [
  z.strictObject({ ...ruleBase, kind: z.literal('list_name_match'), params: listNameMatchParams }),
  z.strictObject({ ...ruleBase, kind: z.literal('list_identifier_match'), params: listIdentifierMatchParams }),
  z.strictObject({ ...ruleBase, kind: z.literal('country_set'), params: countrySetParams }),
  z.strictObject({ ...ruleBase, kind: z.literal('field_value'), params: fieldValueParams }),
  z.strictObject({ ...ruleBase, kind: z.literal('field_consistency'), params: fieldConsistencyParams }),
  z.strictObject({ ...ruleBase, kind: z.literal('login_behaviour'), params: loginBehaviourParams }),
  z.strictObject({ ...ruleBase, kind: z.literal('subject_link'), params: subjectLinkParams }),
  z.strictObject({ ...ruleBase, kind: z.literal('profile_change'), params: profileChangeParams }),
] as const;

/** Evaluator kinds, in the order the documentation lists them. */
export const RULE_KINDS = RULE_VARIANTS.map((variant) => variant.shape.kind.value);

export const ruleSchema = z
  .discriminatedUnion('kind', RULE_VARIANTS)
  .superRefine((rule, ctx) => {
    const indicators = rule.indicatorIds.map((id) => findIndicator(id));
    if (rule.forcesBlock && indicators.length > 0 && indicators.every((indicator) => indicator?.corroborativeOnly)) {
      ctx.addIssue({ code: 'custom', path: ['forcesBlock'], message: 'a rule resting only on corroborative indicators cannot force a block' });
    }
    if (rule.kind === 'list_identifier_match' && rule.params.lowConfidencePoints > rule.weight) {
      ctx.addIssue({ code: 'custom', path: ['params', 'lowConfidencePoints'], message: 'must not exceed the rule weight' });
    }
  });

export type CheckedRule = z.output<typeof ruleSchema>;
export type RuleKind = CheckedRule['kind'];

export const thresholdsSchema = z
  .strictObject({ review: z.number().int().min(1).max(100), block: z.number().int().min(1).max(100) })
  .refine((thresholds) => thresholds.review < thresholds.block, { message: 'review must be below block', path: ['block'] });

export const rulesetDefinitionSchema = z
  .strictObject({ thresholds: thresholdsSchema, combination: combinationSchema.optional(), rules: z.array(ruleSchema).min(1).max(500) })
  .superRefine((ruleset, ctx) => {
    if (ruleset.combination?.model === 'llr') {
      const keys = new Set(ruleset.rules.map((rule) => rule.key));
      ruleset.combination.linkRules.forEach((key, index) => {
        if (!keys.has(key)) ctx.addIssue({ code: 'custom', path: ['combination', 'linkRules', index], message: `no rule ${key} in the ruleset` });
      });
      ruleset.combination.combinations.forEach((combination, index) => {
        // A combination's hit carries its key as ruleId: it must not be mistaken for a rule's.
        if (keys.has(combination.key)) ctx.addIssue({ code: 'custom', path: ['combination', 'combinations', index, 'key'], message: `a rule is named ${combination.key} too` });
        combination.members.forEach((member, position) => {
          if (!keys.has(member.rule)) ctx.addIssue({ code: 'custom', path: ['combination', 'combinations', index, 'members', position, 'rule'], message: `no rule ${member.rule} in the ruleset` });
        });
      });
    }
    const seen = new Map<string, number>();
    ruleset.rules.forEach((rule, index) => {
      const first = seen.get(rule.key);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['rules', index, 'key'], message: `duplicate rule key (first at rules/${first})` });
      else seen.set(rule.key, index);
    });
  });

export interface RuleIssue {
  /** JSON-pointer path into the validated value, e.g. `/params/minSimilarity`. */
  path: string;
  message: string;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; issues: RuleIssue[] };

function toIssues(error: z.ZodError): RuleIssue[] {
  return error.issues.map((issue) => ({ path: `/${issue.path.map(String).join('/')}`, message: issue.message }));
}

/** Checks one rule (kind, params, indicators). Use before publishing; never throws. */
export function validateRule(rule: unknown): Validation<CheckedRule> {
  const result = ruleSchema.safeParse(rule);
  return result.success ? { ok: true, value: result.data } : { ok: false, issues: toIssues(result.error) };
}

/** Checks thresholds and every rule, and that rule keys are unique. */
export function validateRuleset(ruleset: unknown): Validation<z.output<typeof rulesetDefinitionSchema>> {
  const result = rulesetDefinitionSchema.safeParse(ruleset);
  return result.success ? { ok: true, value: result.data } : { ok: false, issues: toIssues(result.error) };
}
