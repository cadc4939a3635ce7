import { romanize } from 'es-hangul';
import { describe, expect, test } from 'vitest';
import { compareNames, DEFAULT_MATCH_THRESHOLD } from '../../src/domain/screening/index.js';
import {
  hangulInitialSoundForm,
  koreanKeyOfHangul,
  koreanKeyOfSpelling,
  segmentKorean,
} from '../../src/domain/screening/korean-romanisation.js';
import { KOREAN_SYLLABLES } from '../../src/domain/screening/korean-syllables.table.js';

const person = (name: string) => ({ name, type: 'individual' as const });

describe('the syllable table is well-formed data', () => {
  test.each(KOREAN_SYLLABLES.map((row) => [row[0], row]))('%s', (_hangul, [hangul, key, variants]) => {
    expect(hangul).toMatch(/^[\uac00-\ud7a3]$/u);
    // The key is the syllable's own Revised Romanization, as es-hangul writes it.
    expect(key).toBe(romanize(hangul));
    for (const v of variants.split(' ').filter(Boolean)) expect(v).toMatch(/^[a-z]+$/);
  });

  test('each Hangul syllable appears once', () => {
    const seen = KOREAN_SYLLABLES.map(([hangul]) => hangul);
    expect(new Set(seen).size).toBe(seen.length);
  });
});

describe('romanisations of one syllable share one canonical key', () => {
  test.each([
    ['Ri / Lee / Yi / Rhee / 리 / 이', ['ri', 'lee', 'yi', 'rhee', 'li'], ['리', '이']],
    ['Pak / Park / Bak / 박', ['pak', 'park', 'bak'], ['박']],
    ['Choe / Choi / 최', ['choe', 'choi'], ['최']],
    ['Jong / Jeong / Chong / Chung / 정', ['jong', 'jeong', 'chong', 'chung'], ['정']],
    ['Kim / Gim / 김', ['kim', 'gim'], ['김']],
    ['Ryu / Yu / Yoo / 류 / 유', ['ryu', 'yu', 'yoo'], ['류', '유']],
    ['O / Oh / 오', ['o', 'oh'], ['오']],
    ['Sin / Shin / 신', ['sin', 'shin'], ['신']],
    ['Kwon / Gwon / 권', ['kwon', 'gwon'], ['권']],
    ['Jo / Cho / 조', ['jo', 'cho'], ['조']],
    ['Kyong / Kyung / Gyeong / 경', ['kyong', 'kyung', 'gyeong'], ['경']],
    ['Chol / Cheol / Chul / 철', ['chol', 'cheol', 'chul'], ['철']],
    ['Yong / Young / Yeong / 영', ['yong', 'young', 'yeong'], ['영']],
    ['Thae / Tae / 태 (DPRK th)', ['thae', 'tae'], ['태']],
    ['Kyok / Kyeok / Gyeok / 격', ['kyok', 'kyeok', 'gyeok'], ['격']],
  ])('%s', (_label, spellings, hangul) => {
    const keys = new Set([...spellings.map((s) => koreanKeyOfSpelling(s)), ...hangul.map(koreanKeyOfHangul)]);
    expect(keys.size).toBe(1);
    expect([...keys][0]).toBeDefined();
  });

  test('different syllables keep different keys', () => {
    expect(koreanKeyOfHangul('정')).not.toBe(koreanKeyOfHangul('송'));
    expect(koreanKeyOfHangul('명')).not.toBe(koreanKeyOfHangul('평'));
    expect(koreanKeyOfHangul('은')).not.toBe(koreanKeyOfHangul('일'));
  });
});

describe('syllable splits', () => {
  test.each([
    ['jongun', ['jeong', 'eun']],
    ['yongchol', ['yeong', 'cheol']],
    ['hyokchol', ['hyeok', 'cheol']],
  ])('%s reads as %j', (latin, keys) => {
    expect(segmentKorean(latin).map((k) => k.join('-'))).toContain(keys.map((k) => koreanKeyOfSpelling(k)).join('-'));
  });

  test('a word that is not Korean syllables does not segment', () => {
    expect(segmentKorean('smith')).toEqual([]);
    expect(segmentKorean('x'.repeat(100))).toEqual([]);
  });

  test('the South Korean initial-sound rule: 리 → 이, 류 → 유, 로 → 노, 녀 → 여', () => {
    expect(['리', '류', '로', '녀', '김'].map(hangulInitialSoundForm)).toEqual(['이', '유', '노', '여', '김']);
  });
});

describe('DPRK names match their listed romanised forms', () => {
  test.each([
    ['reordered', 'Jong Un Kim', 'KIM, Jong Un'],
    ['hyphenated given name', 'Kim Jong-un', 'KIM, Jong Un'],
    ['joined given name', 'Kim Jongun', 'KIM, Jong Un'],
    ['Revised Romanization', 'Gim Jeong-eun', 'KIM, Jong Un'],
    ['Hangul', '김정은', 'KIM, Jong Un'],
    ['Hangul with a space', '김 정은', 'KIM, Jong Un'],
    ['Lee for Ri', 'Lee Yong Gil', 'RI, Yong Gil'],
    ['Yi for Ri', 'Yi Yong-gil', 'RI, Yong Gil'],
    ['Rhee for Ri', 'Rhee Yong Gil', 'RI, Yong Gil'],
    ['South Korean Hangul 이 for 리', '이영길', 'RI, Yong Gil'],
    ['Park for Pak', 'Park Jin Hyok', 'PAK, Jin Hyok'],
    ['Choi Bu-il for Choe Pu Il', 'Choi Bu-il', 'CHOE, Pu Il'],
    ['Chong for Jong', 'Ri Chong Chol', 'RI, Jong Chol'],
    ['Cheol/Chul for Chol', 'Kim Young-Chul', 'KIM, Yong Chol'],
    ['Yoo for Ryu', 'Yoo Jin', 'RYU, Jin'],
    ['Oh for O', 'Oh Kuk Ryol', "O, Ku'k-ryo'l"],
    ['Shin for Sin', 'Shin Yong Il', 'SIN, Yong Il'],
    ['Gwang for Kwang', 'Hyon Gwang Il', 'HYON, Kwang Il'],
    ['McCune–Reischauer apostrophes', "Kim Myo'ng-ch'o'l", 'KIM, Myong Chol'],
    ['DPRK Thae for Tae', 'Ri Tae Chol', 'RI, Thae Chol'],
    ['Gyeok for Kyok', 'Gim Gyeok-sik', 'KIM, Kyok Sik'],
    ['Hangul 격', '김격식', 'KIM, Kyok Sik'],
  ])('%s: %s = %s', (_label, query, listed) => {
    const result = compareNames(person(query), person(listed));
    expect(result.score, JSON.stringify(result.explanation.tokens)).toBeGreaterThanOrEqual(DEFAULT_MATCH_THRESHOLD);
    expect(result.match).toBe(true);
  });

  test.each([
    ['a different given syllable', 'Kim Jong Il', 'KIM, Jong Un'],
    ['a near-looking but different syllable', 'Kim Song', 'KIM, Jong Un'],
    ['Myong is not Pyong', 'Ri Myong Chol', 'RI, Pyong Chol'],
    ['in Hangul a different syllable is a different name', '김종은', '김정은'],
    ['a missing syllable', 'Kim Jong', 'KIM, Jong Un'],
    ['an extra surname makes another person', 'Choi Yu-jin', 'YU, Jin'],
  ])('%s: %s ≠ %s', (_label, query, listed) => {
    expect(compareNames(person(query), person(listed)).match).toBe(false);
  });

  test('a spelling variant is explained as korean-variant, the same spelling as exact', () => {
    const result = compareNames(person('Lee Yong Gil'), person('RI, Yong Gil'));
    expect(result.explanation.korean).toBe(true);
    expect(result.explanation.tokens.map((t) => [t.query, t.listed, t.how])).toEqual([
      ['lee', 'ri', 'korean-variant'],
      ['yong', 'yong', 'exact'],
      ['gil', 'gil', 'exact'],
    ]);
  });

  test('an exact spelling scores at least as high as a variant spelling', () => {
    const exact = compareNames(person('Ri Yong Gil'), person('RI, Yong Gil')).score;
    const variant = compareNames(person('Lee Yong Gil'), person('RI, Yong Gil')).score;
    expect(exact).toBeGreaterThanOrEqual(variant);
  });
});
