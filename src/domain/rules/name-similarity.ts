/**
 * A deliberately simple comparison of two names written by the same side (the applicant's own
 * profile, payee and online profiles; other applicants). Sanctions-list matching, with
 * transliteration and list-specific variants, is the screening engine's job
 * (`domain/screening`); here the question is only "is this plausibly the same person's name?".
 *
 * Order-free ("ROE, Jane" = "Jane Roe"), accent- and case-free, initials match their name, and
 * every token of the shorter name must find a close token in the longer one: "Jane M. Roe"
 * is Jane Roe, "Jane Doe" is not.
 */
import anyAscii from 'any-ascii';
import { foldAccents } from '../identifiers/identifier.normalize.js';

const HAN_OR_KANA = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

/**
 * Written in Chinese characters or Japanese kana: their reading in Latin letters depends on the
 * language (佐藤 is Satō in Japanese, Zuo Teng in pinyin), so such a name can confirm another
 * only when both are written that way.
 */
export function isWrittenInHanOrKana(name: string): boolean {
  return HAN_OR_KANA.test(name);
}

/**
 * Tokens in Latin letters: Cyrillic, Greek, Hangul and the other alphabets are transliterated
 * (a person's own name in their own script is their name: "Алексей Смирнов" is Aleksey Smirnov);
 * Han and kana tokens stay as written (see isWrittenInHanOrKana).
 */
export function nameTokens(name: string): string[] {
  return foldAccents(name)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((token) => token.length > 0)
    .map((token) => (HAN_OR_KANA.test(token) || /^[a-z0-9]+$/.test(token) ? token : anyAscii(token).toLowerCase()));
}

function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? Math.max(a.length, b.length);
}

function textSimilarity(a: string, b: string): number {
  const longest = Math.max(a.length, b.length);
  return longest === 0 ? 1 : 1 - levenshtein(a, b) / longest;
}

/** One-letter tokens are initials: "J" matches "Jane" fully, anything else not at all. */
function tokenSimilarity(a: string, b: string): number {
  if (a.length === 1 || b.length === 1) return a[0] === b[0] ? 1 : 0;
  return textSimilarity(a, b);
}

/** Below this a token pair is a different word, not a typo ("roe"/"doe" ≈ 0.67). */
const TOKEN_MATCH = 0.75;

/** 0..1, rounded to three decimals. */
export function nameSimilarity(a: string, b: string): number {
  const left = nameTokens(a);
  const right = nameTokens(b);
  if (left.length === 0 || right.length === 0) return 0;
  const [shorter, longer] = left.length <= right.length ? [left, right] : [right, left];
  const used = new Set<number>();
  let credit = 0;
  for (const token of shorter) {
    let best = 0;
    let bestIndex = -1;
    longer.forEach((candidate, index) => {
      if (used.has(index)) return;
      const similarity = tokenSimilarity(token, candidate);
      if (similarity > best) {
        best = similarity;
        bestIndex = index;
      }
    });
    if (best >= TOKEN_MATCH && bestIndex !== -1) {
      used.add(bestIndex);
      credit += best;
    }
  }
  let score = credit / shorter.length;
  // A lone surname matching a full name is weaker evidence than a full name matching.
  if (shorter.length === 1 && longer.length > 1) score *= 0.9;
  // "Sangman Kim" vs "Sang Man Kim": the same letters split differently.
  const joined = Math.max(textSimilarity(left.join(''), right.join('')), textSimilarity([...left].reverse().join(''), right.join('')));
  if (joined >= 0.9) score = Math.max(score, joined);
  return Math.round(Math.min(1, score) * 1000) / 1000;
}

/** The best similarity of `name` to any of `candidates`. */
export function bestNameSimilarity(name: string, candidates: readonly string[]): number {
  return candidates.reduce((best, candidate) => Math.max(best, nameSimilarity(name, candidate)), 0);
}

/**
 * The form of a name to store next to link keys (`LinkedSubject.name`): folded, order-free
 * tokens. `nameSimilarity` compares it with a full name as well as the name itself would.
 */
export function nameKeyOf(name: string): string {
  return nameTokens(name).sort().join(' ');
}
