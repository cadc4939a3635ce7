/**
 * How a ruleset turns its hits into a score (docs/scoring.md). A ruleset names its combination as
 * data, so a decision replays with the combination its ruleset version had:
 *
 * - `additive` (every ruleset published before issue 18, and any without a combination): the
 *   hits' points are summed and capped at 100.
 * - `llr`: each hit's points are evidence in decibans (10·log10 of a likelihood ratio). They are
 *   added to the prior log-odds after grouping correlated hits, and the score is the posterior
 *   probability in percent, so the thresholds keep their meaning (review, block) on a 0–100 scale:
 *   - all links to one earlier subject are one link: its strongest hit counts in full, each
 *     further kind of shared identifier adds `linkFurtherKindShare` of its own weight; links to
 *     several earlier subjects count the strongest link, plus `perFurtherSubject` decibans for
 *     each further subject, up to `maxFurtherSubjects`;
 *   - context hits (corroborative-only indicators) count only next to other evidence
 *     (`applyCorroboration`, as in the additive model), at most `contextMaxDecibans` together,
 *     and never turn a decision into a block;
 *   - hits of different rules about the same value (same field, or one inside the other) are one
 *     fact: the strongest counts;
 *   - a named combination whose rules all fired escalates the outcome to at least its level.
 */
import { z } from 'zod';
import { isCorroborativeOnly, scoreHits, type Hit, type Outcome, type ScoredOutcome, type Thresholds } from './ruleset.js';

const RULE_KEY = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

export const namedCombinationSchema = z.strictObject({
  key: z.string().max(80).regex(RULE_KEY, 'must be kebab-case'),
  description: z.string().trim().min(1).max(500),
  /** Every member must have a counted hit; `fieldPrefix` narrows a member to hits about that part of the profile. */
  members: z
    .array(z.strictObject({ rule: z.string().max(80).regex(RULE_KEY), fieldPrefix: z.string().regex(/^\/subject/, 'must start with /subject').max(200).optional() }))
    .min(2)
    .max(5),
  escalateTo: z.enum(['review', 'block']),
  indicatorIds: z.array(z.string().max(60)).max(10).default([]),
  /**
   * The members' hits must all name one same other subject (`related`): two applicants who each
   * give the other as a reference are one loop, not two unrelated links. Absent: any hits.
   */
  sameRelated: z.boolean().optional(),
});

export const llrCombinationSchema = z.strictObject({
  model: z.literal('llr'),
  /** Prior log-odds in decibans: −30 is one DPRK worker in a thousand applicants. */
  priorDecibans: z.number().min(-60).max(0),
  /** Rule keys whose hits are links to other subjects, grouped per linked subject. */
  linkRules: z.array(z.string().max(80).regex(RULE_KEY)).max(100),
  linkFurtherKindShare: z.number().min(0).max(1),
  perFurtherSubject: z.number().min(0).max(20),
  maxFurtherSubjects: z.number().int().min(0).max(20),
  /** Most decibans context hits (corroborative-only indicators) add together; they never make a block. */
  contextMaxDecibans: z.number().min(0).max(20),
  combinations: z.array(namedCombinationSchema).max(50).default([]),
  /**
   * Each named combination that fired is a hit of its own in the decision (its key as `ruleId`,
   * 0 points, `combination` saying what it escalated to and which rules made it), so a reviewer
   * sees why the outcome was escalated. Absent in rulesets published before: their decisions did
   * not show them, and replay as they were.
   */
  recordCombinations: z.boolean().optional(),
});

export const combinationSchema = z.discriminatedUnion('model', [z.strictObject({ model: z.literal('additive') }), llrCombinationSchema]);
export type Combination = z.output<typeof combinationSchema>;
export type LlrCombination = z.output<typeof llrCombinationSchema>;

export const ADDITIVE: Combination = { model: 'additive' };

const OUTCOME_RANK: Record<Outcome, number> = { clear: 0, review: 1, block: 2 };

/** Posterior probability in percent from log-odds in decibans. */
export function posteriorPercent(decibans: number): number {
  const odds = 10 ** (decibans / 10);
  return (100 * odds) / (1 + odds);
}

/**
 * Links grouped per earlier subject: a hit naming several subjects belongs to each of them. The
 * points of every link hit are rewritten to what it adds, so the decision shows what counted.
 */
function groupLinks(hits: Hit[], model: LlrCombination): Hit[] {
  const linkRules = new Set(model.linkRules);
  const isLink = (hit: Hit) => linkRules.has(hit.ruleId) && hit.points > 0 && (hit.related?.length ?? 0) > 0;
  const bySubject = new Map<string, Hit[]>();
  for (const hit of hits.filter(isLink)) for (const ref of hit.related!) bySubject.set(ref, [...(bySubject.get(ref) ?? []), hit]);
  if (bySubject.size === 0) return hits;
  const linkWeight = (group: Hit[]) => {
    // One hit per rule (kind of identifier): the strongest counts in full, each further kind in part.
    const byRule = new Map<string, number>();
    for (const hit of group) byRule.set(hit.ruleId, Math.max(byRule.get(hit.ruleId) ?? 0, hit.points));
    const [strongest = 0, ...further] = [...byRule.values()].sort((a, b) => b - a);
    return strongest + further.reduce((sum, points) => sum + points * model.linkFurtherKindShare, 0);
  };
  const links = [...bySubject.values()].map(linkWeight).sort((a, b) => b - a);
  const furtherSubjects = Math.min(links.length - 1, model.maxFurtherSubjects);
  const total = links[0]! + furtherSubjects * model.perFurtherSubject;
  // The total is carried by the strongest link hit; the others stay visible at 0.
  const carrier = hits.filter(isLink).reduce((best, hit) => (hit.points > best.points ? hit : best));
  return hits.map((hit) => (!isLink(hit) ? hit : hit === carrier ? { ...hit, points: Math.round(total) } : { ...hit, points: 0 }));
}

/** One field is the other or contains it: `/subject/payment/wallets` and `/subject/payment/wallets/0`. */
const sameFact = (a: string, b: string) => a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);

/**
 * Hits of different rules about the same value are one fact (a wallet that is a listed lead is
 * also a crypto payout; a PRC bank is also a bank outside the claimed country): only the strongest
 * counts, the others stay visible at 0. Links and context are grouped on their own.
 */
function groupSameField(hits: Hit[], model: LlrCombination): Hit[] {
  const linkRules = new Set(model.linkRules);
  const evidence = hits.filter((hit) => hit.points > 0 && !linkRules.has(hit.ruleId) && !isCorroborativeOnly(hit));
  const counted = new Set<Hit>();
  for (const hit of [...evidence].sort((a, b) => b.points - a.points)) {
    if (![...counted].some((other) => sameFact(other.field, hit.field))) counted.add(hit);
  }
  return hits.map((hit) => (evidence.includes(hit) && !counted.has(hit) ? { ...hit, points: 0 } : hit));
}

type NamedCombination = z.output<typeof namedCombinationSchema>;

/**
 * Whether every member fired (with `sameRelated`, about one same other subject). A member fired
 * when it has a hit, counted or not: a context hit about the same logins counts 0 but still fired.
 */
function combinationFired(combination: NamedCombination, hits: readonly Hit[]): boolean {
  const memberHits = combination.members.map((member) => hits.filter((hit) => hit.ruleId === member.rule && (member.fieldPrefix === undefined || hit.field.startsWith(member.fieldPrefix))));
  if (memberHits.some((found) => found.length === 0)) return false;
  if (combination.sameRelated !== true) return true;
  const [first = new Set<string>(), ...others] = memberHits.map((found) => new Set(found.flatMap((hit) => hit.related ?? [])));
  return [...first].some((ref) => others.every((refs) => refs.has(ref)));
}

function escalation(hits: readonly Hit[], model: LlrCombination): { outcome: Outcome; fired: string[] } {
  let outcome: Outcome = 'clear';
  const fired: string[] = [];
  for (const combination of model.combinations) {
    if (!combinationFired(combination, hits)) continue;
    fired.push(combination.key);
    if (OUTCOME_RANK[combination.escalateTo] > OUTCOME_RANK[outcome]) outcome = combination.escalateTo;
  }
  return { outcome, fired };
}

/**
 * The `llr` combination over hits already capped per rule and corroborated. Returns the hits as
 * they counted (link points rewritten), the score and the outcome, and the combinations that fired.
 */
export function combineLikelihoods(hits: readonly Hit[], model: LlrCombination, thresholds: Thresholds): ScoredOutcome & { hits: Hit[]; combinations: string[] } {
  const counted = groupSameField(groupLinks([...hits], model), model);
  const pointsOf = (hit: Hit) => (Number.isFinite(hit.points) ? Math.max(0, hit.points) : 0);
  const evidence = counted.filter((hit) => !isCorroborativeOnly(hit)).reduce((sum, hit) => sum + pointsOf(hit), 0);
  const context = Math.min(model.contextMaxDecibans, counted.filter(isCorroborativeOnly).reduce((sum, hit) => sum + pointsOf(hit), 0));
  let score = Math.max(0, Math.min(100, Math.round(posteriorPercent(model.priorDecibans + evidence + context))));
  // Context modulates: it may lift evidence into review, never into block.
  const withoutContext = Math.round(posteriorPercent(model.priorDecibans + evidence));
  if (score >= thresholds.block && withoutContext < thresholds.block) score = thresholds.block - 1;
  const escalated = escalation(counted, model);
  if (escalated.outcome === 'review') score = Math.max(score, thresholds.review);
  if (escalated.outcome === 'block') score = Math.max(score, thresholds.block);
  const outcome: Outcome = counted.some((hit) => hit.forcesBlock) || score >= thresholds.block ? 'block' : score >= thresholds.review ? 'review' : 'clear';
  return { hits: counted, score, outcome, combinations: escalated.fired };
}

/**
 * The hits of the named combinations that fired, after the evidence. A combination already shown
 * in `previous` (hits scored again, e.g. by the false-positive memory) keeps its hit as it was.
 */
function combinationHits(fired: readonly string[], model: LlrCombination, previous: readonly Hit[], rulesetVersion: number): Hit[] {
  return fired.map((key) => {
    const shown = previous.find((hit) => hit.ruleId === key);
    if (shown) return shown;
    const combination = model.combinations.find((candidate) => candidate.key === key)!;
    return {
      ruleId: key,
      ruleVersion: rulesetVersion,
      indicatorIds: [...combination.indicatorIds],
      points: 0,
      field: '/subject',
      combination: { escalateTo: combination.escalateTo, members: [...new Set(combination.members.map((member) => member.rule))], description: combination.description },
    };
  });
}

/**
 * Scores hits that are already capped and corroborated with the ruleset's combination (additive
 * when absent). `rulesetVersion` versions the hits of named combinations (`recordCombinations`).
 */
export function scoreWithCombination(hits: Hit[], thresholds: Thresholds, combination: Combination | undefined, rulesetVersion = 0): ScoredOutcome & { hits: Hit[] } {
  if (combination?.model === 'llr') {
    // Hits of combinations are reasons about the evidence, not evidence: they are made again from it.
    const evidence = hits.filter((hit) => hit.combination === undefined);
    const combined = combineLikelihoods(evidence, combination, thresholds);
    const shown = combination.recordCombinations === true ? combinationHits(combined.combinations, combination, hits, rulesetVersion) : [];
    return { hits: [...combined.hits, ...shown], score: combined.score, outcome: combined.outcome };
  }
  return { hits, ...scoreHits(hits, thresholds) };
}
