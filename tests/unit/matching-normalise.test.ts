import { describe, expect, test } from 'vitest';
import { MAX_TOKENS, normaliseName } from '../../src/domain/screening/index.js';

const texts = (raw: string, type?: 'individual' | 'entity') => normaliseName(raw, { type }).tokens.map((t) => t.text);
const kinds = (raw: string, type?: 'individual' | 'entity') => normaliseName(raw, { type }).tokens.map((t) => `${t.text}:${t.kind}`);

describe('normaliseName folds what does not distinguish names', () => {
  test.each([
    ['NFKC: full-width letters are ordinary letters', 'ＫＩＭ Ｊｏｎｇ', ['kim', 'jong']],
    ['case folding', 'KIM, Jong Un', ['kim', 'jong', 'un']],
    ['diacritics', 'Recep Tayyip Erdoğan', ['recep', 'tayyip', 'erdogan']],
    ['German sharp s', 'Straße', ['strasse']],
    ['hyphens split words', 'Jong-un', ['jong', 'un']],
    ['apostrophes join (McCune–Reischauer)', "CH'O'L O'Brien", ['chol', 'obrien']],
    ['typographic apostrophes too', 'Pyo’ng-ch’o’l', ['pyong', 'chol']],
    ['runs of whitespace and punctuation', '  KIM ,,  Jong\t\nUn  ', ['kim', 'jong', 'un']],
    ['dotted initials are initials', 'A.B.C. Company', ['a', 'b', 'c', 'co']],
    ['dotted initials that spell a legal form are one word', 'Siemens G.m.b.H.', ['siemens', 'gmbh']],
    ['ampersand is "and"', 'H&M', ['h', 'and', 'm']],
    ['look-alike digits inside words', 'Ig0r Sech1n', ['igor', 'sechin']],
    ['ordinals', '1st International Bank', ['1', 'international', 'bank']],
    ['number words', 'Brigade Forty-Four', ['brigade', '44']],
    ['commas do not matter: LAST, First', 'PUTIN, Vladimir', ['putin', 'vladimir']],
  ])('%s: %s', (_label, raw, expected) => {
    expect(texts(raw)).toEqual(expected);
  });
});

describe('normaliseName transliterates non-Latin scripts', () => {
  test.each([
    ['Hangul, one token per syllable, Revised Romanization', '김정은', ['gim', 'jeong', 'eun']],
    ['Hangul with proper finals (not any-ascii "BagJinHyeog")', '박진혁', ['bak', 'jin', 'hyeok']],
    ['Cyrillic', 'Владимир Путин', ['vladimir', 'putin']],
    ['Chinese, one token per character', '习近平', ['xi', 'jin', 'ping']],
    ['Japanese kana', 'バラク・オバマ', ['baraku', 'obama']],
    ['Arabic (consonantal)', 'محمد بن سلمان', ['mhmd', 'bin', 'slmn']],
    ['Greek', 'Κυριάκος', ['kyriakos']],
    ['mixed scripts in one word', 'Kim김', ['kim', 'gim']],
  ])('%s: %s', (_label, raw, expected) => {
    expect(texts(raw)).toEqual(expected);
  });

  test('Hangul tokens keep the syllable and its initial-sound form for Hangul comparisons', () => {
    const [ri] = normaliseName('리영길').tokens;
    expect(ri).toMatchObject({ original: '리', script: 'hangul', hangul: '이', korean: ['i'] });
  });
});

describe('legal forms and generic words weigh little but are never dropped', () => {
  test.each([
    ['a number and a legal form both stay', '11420 Corp.', 'entity', ['11420:number', 'corp:legal']],
    ['multi-word legal forms become one canonical token', 'Limited Liability Company Iskusstvo Krasoty', 'entity', ['llc:legal', 'iskusstvo:word', 'krasoty:word']],
    ['Co., Ltd. at the end', 'Samsung Electronics Co., Ltd.', 'entity', ['samsung:word', 'electronics:generic', 'co:legal', 'ltd:legal']],
    ['Russian ООО', 'ООО Газпром', 'entity', ['llc:legal', 'gazprom:word']],
    ['Chinese 有限公司', '华为有限公司', 'entity', ['hua:word', 'wei:word', 'ltd:legal']],
    ['a misspelt long legal form is still one', 'Siemens Aktiengeselschaft', 'entity', ['siemens:word', 'ag:legal']],
    ['roman numerals in organisations', 'Bowne Global Solutions II', 'entity', ['bowne:word', 'global:generic', 'solutions:generic', '2:number']],
    ['a name of only legal forms', 'Co., Ltd.', 'entity', ['co:legal', 'ltd:legal']],
    ['ambiguous short forms only at the edges: "Co" inside a name is a word', 'Ko Co Han', 'entity', ['ko:word', 'co:word', 'han:word']],
    ['titles', 'Dr. Rami Makhlouf', 'individual', ['dr:title', 'rami:word', 'makhlouf:word']],
    ['particles', 'Usama bin Ladin', 'individual', ['usama:word', 'bin:particle', 'ladin:word']],
    ['ben and ibn are bin', 'Isa Ben Tarif ibn Ali', 'individual', ['isa:word', 'bin:particle', 'tarif:word', 'bin:particle', 'ali:word']],
    ['individuals get no legal-form treatment ("Sa" is a name syllable)', 'Kim Sa Ok', 'individual', ['kim:word', 'sa:word', 'ok:word']],
  ] as const)('%s: %s', (_label, raw, type, expected) => {
    expect(kinds(raw, type)).toEqual(expected);
  });

  test('legal forms and generic words weigh less than distinctive words', () => {
    const [kumryong, trading, co] = normaliseName('Kumryong Trading Co.', { type: 'entity' }).tokens;
    expect(kumryong!.weight).toBe(1);
    expect(trading!.weight).toBeLessThan(1);
    expect(co!.weight).toBeLessThan(trading!.weight);
  });
});

describe('Korean names are recognised as such', () => {
  test.each([
    ['KIM, Jong Un', true],
    ["RI, Pyo'ng-ch'o'l", true],
    ['Choi Bu-il', true],
    ['김정은', true],
    ['Vladimir Putin', false],
    ['Ali Hassan', false],
    ['KOREA KUMRYONG TRADING CORPORATION', false],
  ])('%s → %s', (raw, korean) => {
    expect(normaliseName(raw).korean).toBe(korean);
  });
});

describe('bounded work', () => {
  test('input is cut and tokens are capped', () => {
    const long = normaliseName('word '.repeat(2_000));
    expect(long.truncated).toBe(true);
    expect(long.tokens.length).toBeLessThanOrEqual(MAX_TOKENS);
  });
});
