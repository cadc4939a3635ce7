/**
 * Words that carry little identity in a name, as data. None of them is ever dropped: each
 * becomes a token of low weight, so "11420 Corp." keeps both "11420" and "corporation", and a
 * name made only of such words still compares (and scores low) instead of vanishing.
 *
 * Every phrase is written the way the normaliser leaves text: lower-case ASCII, words separated
 * by single spaces, initialisms joined ("L.L.C." → "llc", "Sp. z o.o." → "sp z oo").
 */

/**
 * Legal forms: [canonical, family, spellings]. Spellings of one canonical form are the same
 * token ("Ltd" = "Limited"); forms of one family are near-equivalents across jurisdictions
 * ("JSC" ~ "OAO", "Corp." ~ "Co."), which compare as a partial match rather than a conflict.
 */
export type LegalFormRow = readonly [canonical: string, family: string, spellings: readonly string[]];

export const LEGAL_FORMS: readonly LegalFormRow[] = [
  ['llc', 'limited', ['llc', 'limited liability company', 'limited liability co', 'ooo', 'tov', 'too',
    'obshchestvo s ogranichennoy otvetstvennostyu', 'obshestvo s ogranichennoi otvetstvennostyu']],
  ['ltd', 'limited', ['ltd', 'limited', 'ltda', 'lda', 'yugen kaisha', 'yk', 'youxian gongsi', 'yuhan hoesa']],
  ['gmbh', 'limited', ['gmbh', 'gesmbh', 'gesellschaft mit beschrankter haftung']],
  ['plc', 'limited', ['plc', 'public limited company']],
  ['llp', 'limited', ['llp', 'limited liability partnership']],
  ['lp', 'partnership', ['lp', 'limited partnership', 'kg', 'kommanditgesellschaft', 'gmbh co kg']],
  ['srl', 'limited', ['srl', 'sarl', 'sl', 'sro', 'spol s ro', 'sp z oo', 'spzoo', 'kft', 'doo', 'bv', 'bvba',
    'societatea cu raspundere limitata', 'societa a responsabilita limitata',
    'societe a responsabilite limitee', 'sociedad de responsabilidad limitada', 's de rl']],
  ['pte', 'limited', ['pte', 'private', 'pty', 'proprietary', 'sdn bhd', 'bhd', 'berhad']],
  ['inc', 'corporation', ['inc', 'incorporated']],
  ['corp', 'corporation', ['corp', 'corporation']],
  ['co', 'corporation', ['co', 'company', 'cie', 'cia', 'compania', 'compagnie', 'gongsi', 'hoesa', 'kompaniya']],
  ['jsc', 'joint-stock', ['jsc', 'joint stock company', 'joint stock co', 'ao', 'aktsionernoe obshchestvo',
    'jusik hoesa', 'jusikhoesa', 'gufen youxian gongsi']],
  ['ojsc', 'joint-stock', ['ojsc', 'open joint stock company', 'oao', 'otkrytoe aktsionernoe obshchestvo']],
  ['cjsc', 'joint-stock', ['cjsc', 'closed joint stock company', 'zao', 'zakrytoe aktsionernoe obshchestvo']],
  ['pjsc', 'joint-stock', ['pjsc', 'public joint stock company', 'pao', 'publichnoe aktsionernoe obshchestvo']],
  ['ag', 'joint-stock', ['ag', 'aktiengesellschaft']],
  ['sa', 'joint-stock', ['sa', 'sa de cv', 'societe anonyme', 'sociedad anonima', 'spa', 'sapi de cv', 'sab de cv']],
  ['nv', 'joint-stock', ['nv', 'naamloze vennootschap']],
  ['ab', 'joint-stock', ['ab', 'aktiebolag', 'as', 'asa', 'oy', 'oyj', 'aps']],
  ['kk', 'joint-stock', ['kk', 'kabushiki kaisha', 'kabushikigaisha', 'zhushihuishe']],
  ['pt', 'limited', ['pt', 'perseroan terbatas', 'tbk']],
  ['ano', 'non-profit', ['ano', 'avtonomnaya nekommercheskaya organizatsiya']],
  ['fgup', 'state-enterprise', ['fgup', 'gup', 'mup', 'federalnoe gosudarstvennoe unitarnoe predpriyatie']],
];

/**
 * Legal forms written in CJK scripts, recognised before the text is split into characters
 * (any-ascii would read 有限公司 as four Chinese syllables). Longest first.
 */
export const CJK_LEGAL_FORMS: readonly (readonly [text: string, canonical: string])[] = [
  ['股份有限公司', 'jsc'],
  ['有限责任公司', 'llc'],
  ['有限責任公司', 'llc'],
  ['有限公司', 'ltd'],
  ['株式会社', 'kk'],
  ['有限会社', 'ltd'],
  ['주식회사', 'jsc'],
  ['유한회사', 'ltd'],
  ['合资公司', 'co'],
  ['公司', 'co'],
  ['회사', 'co'],
];

/** Name particles (Arabic, Dutch, German, Romance): present in many names, so weak evidence. */
export const PARTICLES: readonly string[] = [
  'al', 'el', 'ul', 'ad', 'ar', 'as', 'ash', 'at', 'az', 'bin', 'ben', 'ibn', 'bint', 'abu', 'umm',
  'van', 'von', 'der', 'den', 'de', 'del', 'della', 'di', 'da', 'do', 'dos', 'das', 'du', 'la', 'le',
  'lo', 'na', 'ter', 'zu', 'mac', 'mc', 'ap',
];

/**
 * Spelling variants of a particle that mean the same word ("ben"/"bin"/"ibn" son of); each
 * maps to one canonical spelling before comparison.
 */
export const PARTICLE_SPELLINGS: Readonly<Record<string, string>> = {
  ben: 'bin', ibn: 'bin', bn: 'bin', el: 'al', ul: 'al',
};

/** Function words: "The Homs Refinery Company" = "Homs Refinery Company". */
export const STOPWORDS: readonly string[] = ['the', 'of', 'and', 'for', 'in', 'on', 'at', 'to', 'an', 'et', 'und'];

/**
 * Words organisation names share by the thousand. They still count, at a fraction of a
 * distinctive word, so "Korea Trading Company" does not look like "Korea Kumryong Trading
 * Company".
 */
export const GENERIC_WORDS: readonly string[] = [
  'trading', 'trade', 'traders', 'general', 'international', 'global', 'group', 'holding', 'holdings',
  'industrial', 'industry', 'industries', 'enterprise', 'enterprises', 'service', 'services',
  'technology', 'technologies', 'tech', 'development', 'import', 'export', 'investment', 'investments',
  'commercial', 'commerce', 'foreign', 'national', 'joint', 'venture', 'cooperation', 'cooperative',
  'corporate', 'management', 'logistics', 'shipping', 'marine', 'maritime', 'solutions', 'systems',
  'partners', 'associates', 'consulting', 'bank', 'banking', 'finance', 'financial', 'capital',
  'fund', 'trust', 'foundation', 'association', 'society', 'organization', 'organisation', 'office',
  'department', 'bureau', 'ministry', 'committee', 'council', 'center', 'centre', 'institute',
  'factory', 'plant', 'works', 'mining', 'energy', 'oil', 'gas', 'petroleum', 'chemical',
  'electronics', 'engineering', 'construction', 'korea', 'korean', 'dprk', 'chosun', 'choson',
  'china', 'chinese', 'russia', 'russian', 'iran', 'iranian', 'america', 'american', 'united',
  'states', 'new', 'north', 'south', 'east', 'west', 'central',
];

/** Regions that qualify organisation names like country names do (see name-normalise). */
export const GEOGRAPHIC_QUALIFIERS: readonly string[] = [
  'europe', 'european', 'asia', 'asian', 'africa', 'african', 'americas', 'eurasia', 'pacific',
  'atlantic', 'nordic', 'scandinavia', 'balkan', 'baltic', 'gulf', 'mideast', 'overseas',
  'worldwide', 'hongkong', 'schweiz', 'suisse', 'deutschland', 'espana', 'mexico', 'brasil',
];

/** Abbreviations written out, so "Int'l" meets "International". */
export const ABBREVIATIONS: Readonly<Record<string, string>> = {
  intl: 'international', mfg: 'manufacturing', bros: 'brothers', natl: 'national',
  assn: 'association', assoc: 'association', dept: 'department', univ: 'university',
  govt: 'government', ind: 'industrial', indus: 'industries', tech: 'technology',
  svcs: 'services', mgmt: 'management', dev: 'development', st: 'saint',
};

/**
 * Number words to digits: "Brigade Forty-Four" = "Brigade 44", "First" = "1st" = "1". English
 * only: the list languages' number words are also name words ("dos" in dos Santos, "tres",
 * French "neuf", Russian "odin"). "Fourty" is the commonest misspelling of forty (Wiktionary,
 * "fourty": "misspelling of forty"; Oxford Dictionaries' list of common misspellings), written
 * in names as it is in prose.
 */
export const NUMBER_WORDS: Readonly<Record<string, number>> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9,
  ten: 10, eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16,
  seventeen: 17, eighteen: 18, nineteen: 19, twenty: 20, thirty: 30, forty: 40, fourty: 40, fifty: 50,
  sixty: 60, seventy: 70, eighty: 80, ninety: 90,
};

export const ORDINAL_WORDS: Readonly<Record<string, number>> = {
  first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9,
  tenth: 10,
};

/**
 * Masculine and feminine endings of one name: [masculine, feminine]. Two words that differ only
 * by such an ending name two people of different sex (Antonio/Antonia, Daniel/Daniela,
 * Ivanov/Ivanova, Aleksandrovich/Aleksandrovna, Novotný/Novotná, Kowalski/Kowalska), not one
 * person misspelt. Sources: the grammar of the languages the lists' names come from: Romance
 * -o/-a; Slavic surnames -ov/-ova, -ev/-eva, -in/-ina (masculine + "a"), adjectival -skiy/-skaya,
 * -sky/-ska, -ý/-á, patronymics -ovich/-ovna, -evich/-evna, -ich/-ichna; Latin and Greek -us/-a,
 * -os/-a.
 */
export const GENDERED_ENDINGS: readonly (readonly [masculine: string, feminine: string])[] = [
  ['o', 'a'], ['', 'a'], ['us', 'a'], ['os', 'a'], ['y', 'a'], ['i', 'a'], ['iy', 'aya'], ['y', 'aya'],
  ['ii', 'aia'], ['ij', 'aja'], ['vich', 'vna'], ['ich', 'ichna'],
];

/**
 * Nominative endings Latvian and Lithuanian add to every masculine name, foreign ones included:
 * Сергей Лавров is "Sergejs Lavrovs" in Latvian and "Sergejus Lavrovas" in Lithuanian, Владимир
 * Путин "Vladimirs Putins" / "Vladimiras Putinas". Longest first. Sources: the grammar of both
 * languages (Latvian masculine nominative -s, -š, -is, -us; Lithuanian -as, -is, -ys, -us), and
 * the Latvian and Lithuanian spellings of foreign names in those countries' official texts.
 */
export const BALTIC_ENDINGS: readonly string[] = ['us', 'as', 'is', 'ys', 's'];
