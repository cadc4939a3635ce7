/**
 * How common a person's full name is, as data with its sources: the surnames that a large share
 * of a national population carries, and the given names most frequent in it. A name-only list
 * match on a very common full name is weak evidence (many namesakes could be the listed person),
 * so `list_name_match` lowers it (`namesakes.commonNamePoints`, docs/scoring.md).
 *
 * Spellings are written as the matcher normalises names (lower case, no accents; Hangul, Cyrillic
 * and Han characters arrive transliterated: 김 → gim, Иванов → ivanov, 李 → li). Shares are
 * percentages of the population as the cited source gives them, rounded; where a source gives
 * only a band ("10 to 20 million") the lower bound is used, so a name is never made commoner
 * than its source says. The table states orders of magnitude, not precision: it decides only
 * whether a name is very common.
 */

export interface NamePopulation {
  /** Who the shares describe. */
  population: string;
  /** Surnames and their share of the population, in percent (every spelling of one surname). */
  surnames: readonly { spellings: readonly string[]; percent: number }[];
  /** Given names among the most frequent in the population (spellings of each). */
  givenNames: readonly string[];
  sources: readonly string[];
}

/**
 * A surname carried by at least this share of a population makes a full name very common when it
 * stands beside one of the population's most frequent given names. A surname alone never does,
 * however common: a listed Kim, Li or Nguyen is told apart from namesakes by the given name, and
 * Korean and Vietnamese given names are many (no frequency table is published for them, so no
 * Korean or Vietnamese full name is counted common). Lowering every Kim would weaken exactly the
 * matches this service exists for: most listed North Koreans are Kims, Ris and Paks.
 */
export const COMMON_SURNAME_PERCENT = 1;

export const NAME_POPULATIONS: readonly NamePopulation[] = [
  {
    population: 'Koreans (South Korea; North Korea publishes no statistics, its surnames are the same)',
    surnames: [
      { spellings: ['kim', 'gim'], percent: 21.5 },
      { spellings: ['lee', 'yi', 'ri', 'rhee', 'rhie'], percent: 14.7 },
      { spellings: ['park', 'pak', 'bak'], percent: 8.4 },
      { spellings: ['choi', 'choe', 'chwe'], percent: 4.7 },
      { spellings: ['jeong', 'jung', 'chung', 'jong', 'chong'], percent: 4.3 },
      { spellings: ['kang', 'gang'], percent: 2.4 },
      { spellings: ['cho', 'jo'], percent: 2.1 },
      { spellings: ['yoon', 'yun'], percent: 2.1 },
      { spellings: ['jang', 'chang'], percent: 2.0 },
      { spellings: ['lim', 'im', 'rim'], percent: 1.7 },
    ],
    givenNames: [],
    sources: ['Statistics Korea, 2015 Population and Housing Census: surnames and clans (reported by The Korea Times, "One in five Koreans is a Kim", Sept 2016)'],
  },
  {
    population: 'Chinese (mainland household registration)',
    surnames: [
      { spellings: ['wang'], percent: 7.25 },
      { spellings: ['li'], percent: 7.19 },
      { spellings: ['zhang'], percent: 6.83 },
      // "More than 20 million" each of 1.3 billion: at least 1.5%.
      ...['liu', 'chen', 'yang', 'huang', 'zhao', 'wu', 'zhou'].map((spelling) => ({ spellings: [spelling], percent: 1.5 })),
    ],
    // The most frequent names given to boys and girls in 2018 (a generation's names, not all ages).
    givenNames: ['haoyu', 'haoran', 'yuxuan', 'yuhang', 'yuze', 'zihan', 'yinuo', 'xinyi', 'shihan'],
    sources: [
      'Ministry of Public Security, national survey of surnames, April 2007 (China Daily, 25 Apr 2007: Wang 7.25%, Li 7.19%, Zhang 6.83%; Liu, Chen, Yang, Huang, Zhao, Wu and Zhou over 20 million each)',
      'Ministry of Public Security, report on names in the population information system, January 2019 (ECNS, 31 Jan 2019: most frequent names of babies born in 2018)',
    ],
  },
  {
    population: 'Russians',
    surnames: [
      { spellings: ['smirnov', 'smirnova'], percent: 1.8 },
      { spellings: ['ivanov', 'ivanova'], percent: 1.3 },
    ],
    givenNames: ['aleksandr', 'alexander', 'alexandr', 'sergey', 'sergei', 'vladimir', 'andrey', 'andrei', 'aleksey', 'alexey', 'alexei', 'elena', 'olga', 'tatiana', 'tatyana', 'irina', 'natalia', 'natalya'],
    sources: [
      'Surname shares as commonly cited from Russian surname studies (Balanovska et al. 2005, "Family portraits of five Russian regions"; Nikonov, Moscow directories): Smirnov about 1.8%, Ivanov about 1.3% (reference.com, "Common Russian last names")',
      'Most frequent given names of the adult population: Aleksandr, Sergey, Vladimir, Andrey, Aleksey; Elena, Olga, Tatiana, Irina, Natalia (most-popular.net, "Most popular Russian baby names", 2008, general population)',
    ],
  },
  {
    population: 'Vietnamese',
    surnames: [
      { spellings: ['nguyen'], percent: 38 },
      { spellings: ['tran'], percent: 11 },
      { spellings: ['le'], percent: 9.5 },
      { spellings: ['pham'], percent: 7.1 },
    ],
    givenNames: [],
    sources: ['Wikipedia, "Vietnamese name" (family names: share of the population, from a 2005 estimate)'],
  },
];

export interface CommonName {
  population: string;
  surname: string;
  percent: number;
  /** The most-frequent given name that, with the common surname, makes the name very common. */
  givenName: string;
}

/**
 * Whether a name (its normalised words) is a very common full name: a surname of at least
 * COMMON_SURNAME_PERCENT of a population beside a most-frequent given name of the same
 * population. Word order does not matter (lists and profiles write surnames first and last).
 */
export function commonNameOf(words: readonly string[]): CommonName | undefined {
  let found: CommonName | undefined;
  for (const population of NAME_POPULATIONS) {
    for (const surname of population.surnames) {
      const word = words.find((candidate) => surname.spellings.includes(candidate));
      if (word === undefined) continue;
      const givenName = words.find((candidate) => candidate !== word && population.givenNames.includes(candidate));
      if (givenName === undefined || surname.percent < COMMON_SURNAME_PERCENT) continue;
      if (found === undefined || surname.percent > found.percent) {
        found = { population: population.population, surname: word, percent: surname.percent, givenName };
      }
    }
  }
  return found;
}
