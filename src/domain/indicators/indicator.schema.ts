/**
 * Shape of one red-flag indicator from the guidance catalogue (reference data).
 *
 * Indicators are the "why" behind a rule: a rule cites indicator ids, and a decision shows the
 * indicator's title, source document and citation to the reviewer. The data itself lives in
 * `indicators.data.ts`; this module only defines and validates its shape.
 */
import { z } from 'zod';

/**
 * Reliability of the source an indicator (or a curated list entry) rests on, as tagged in the
 * catalogue: P = primary (the government text or a full mirror), S = secondary (reputable press,
 * law-firm or trade-body paraphrase), T = third party (analyst repository or blog citing court
 * or OFAC records; a lead to verify, never enough on its own).
 */
export const RELIABILITY_TAGS = ['P', 'S', 'T'] as const;
export type ReliabilityTag = (typeof RELIABILITY_TAGS)[number];

/**
 * The catalogue's "Sev." column kept at its own five-level granularity (it is a suggestion for
 * rule weighting, not something the sources state):
 *
 * | catalogue | here          | coarse (`COARSE_SEVERITY`) |
 * | --------- | ------------- | -------------------------- |
 * | Low       | `low`         | `low`                      |
 * | Low-Med   | `low_medium`  | `low`                      |
 * | Med       | `medium`      | `medium`                   |
 * | Med-High  | `medium_high` | `high`                     |
 * | High      | `high`        | `high`                     |
 *
 * "High (blocking)" is `high` with `blocking: true`; "Med (context only)" is `medium` with
 * `corroborativeOnly: true`.
 */
export const INDICATOR_SEVERITIES = ['low', 'low_medium', 'medium', 'medium_high', 'high'] as const;
export type IndicatorSeverity = (typeof INDICATOR_SEVERITIES)[number];

/** Rounds the five-level indicator severity to the three levels a rule usually needs. */
export const COARSE_SEVERITY: Readonly<Record<IndicatorSeverity, 'low' | 'medium' | 'high'>> = {
  low: 'low',
  low_medium: 'low',
  medium: 'medium',
  medium_high: 'high',
  high: 'high',
};

/**
 * Check-type codes of the catalogue (LIST … HUMAN). `HEURISTIC` is our addition for the rows
 * whose Check column says "heuristic" (a rule of thumb such as rate vs market benchmark), which
 * the catalogue's code list does not cover.
 */
export const CHECK_TYPES = [
  'LIST',
  'EXACT',
  'CONSIST',
  'XREF',
  'BEHAV',
  'TECH',
  'DOC',
  'HUMAN',
  'HEURISTIC',
] as const;
export type CheckType = (typeof CHECK_TYPES)[number];

/**
 * Source keys of the catalogue's source-keys table, plus `JP-PSIA` for the one row resting on a
 * Japanese Public Security Intelligence Agency post that the table does not list.
 */
export const SOURCE_KEYS = [
  'US22',
  'ROK22',
  'USROK23',
  'JP24',
  'FBI24',
  'FBI25',
  'DE24',
  'UK24',
  'TRI25',
  'MSMT25',
  'DOJ',
  'OFAC',
  'JP-PSIA',
] as const;
export type SourceKey = (typeof SOURCE_KEYS)[number];

/** A partial ISO-8601 calendar date as sources give them: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`. */
export const isoPartialDateSchema = z
  .string()
  .regex(/^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?$/, 'expected YYYY, YYYY-MM or YYYY-MM-DD');

export const INDICATOR_ID_PATTERN = /^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+$/;
export const indicatorIdSchema = z.string().regex(INDICATOR_ID_PATTERN, 'expected an upper-case dashed id');

const text = z.string().trim().min(1);

export const indicatorSchema = z
  .strictObject({
    /** Stable id exactly as in the catalogue, e.g. `US22-LOGIN-MULTI-IP`. */
    id: indicatorIdSchema,
    /** Short title for lists and hit explanations (ours). */
    title: text.max(100),
    /** The catalogue's paraphrase of the source (never a verbatim quote of the guidance). */
    description: text,
    sourceKey: z.enum(SOURCE_KEYS),
    /** Full title of the source document, from the catalogue's source-keys table. */
    sourceDocument: text,
    /**
     * Date of the source the row rests on. `null` only where the catalogue gives none (then
     * `sourceDateNote` says why): ranges such as "2018–2026" and undated cases or posts.
     */
    sourceDate: isoPartialDateSchema.nullable(),
    sourceDateNote: text.optional(),
    /** Catalogue section, e.g. `A1 – Red Flag Indicators, first list (…)`. */
    section: text,
    /** Human-readable citation: document, section and, for DOJ patterns, the case. */
    citation: text,
    reliability: z.enum(RELIABILITY_TAGS),
    /** Why this tag, where the catalogue's section heading is mixed or hedged. */
    reliabilityNote: text.optional(),
    severity: z.enum(INDICATOR_SEVERITIES),
    /** The catalogue marks the severity "blocking" (a hit alone may block). */
    blocking: z.boolean(),
    checkType: z.array(z.enum(CHECK_TYPES)).min(1),
    /** The catalogue's Check column as written, e.g. `BEHAV (geo-velocity)`. */
    checkDetail: text,
    /** The catalogue's "Data to check" column. */
    dataToCheck: text,
    /** The catalogue's Reason column, where the section has one. */
    rationale: text.optional(),
    /**
     * Must never fire on its own: only corroborating context (nationality or language rows,
     * anti-discrimination; or rows the catalogue marks "context only").
     */
    corroborativeOnly: z.boolean(),
    corroborativeReason: text.optional(),
    /** Ids the catalogue says are the same signal ("Same as US22-…"). */
    relatedIds: z.array(indicatorIdSchema),
  })
  .superRefine((value, ctx) => {
    if (value.sourceDate === null && value.sourceDateNote === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['sourceDateNote'],
        message: 'sourceDateNote is required when sourceDate is null',
      });
    }
    if (value.corroborativeOnly && value.corroborativeReason === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['corroborativeReason'],
        message: 'corroborativeReason is required when corroborativeOnly is true',
      });
    }
    if (value.blocking && value.corroborativeOnly) {
      ctx.addIssue({ code: 'custom', path: ['blocking'], message: 'a corroborative-only indicator cannot block' });
    }
    if (new Set(value.checkType).size !== value.checkType.length) {
      ctx.addIssue({ code: 'custom', path: ['checkType'], message: 'duplicate check type' });
    }
  });

export type Indicator = z.infer<typeof indicatorSchema>;

export const indicatorListSchema = z.array(indicatorSchema).superRefine((list, ctx) => {
  const seen = new Map<string, number>();
  list.forEach((indicator, index) => {
    const first = seen.get(indicator.id);
    if (first !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [index, 'id'],
        message: `duplicate indicator id ${indicator.id} (first at index ${first})`,
      });
    } else {
      seen.set(indicator.id, index);
    }
  });
  for (const [index, indicator] of list.entries()) {
    indicator.relatedIds.forEach((related, relatedIndex) => {
      if (!seen.has(related)) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'relatedIds', relatedIndex],
          message: `unknown related indicator id ${related}`,
        });
      }
    });
  }
});
