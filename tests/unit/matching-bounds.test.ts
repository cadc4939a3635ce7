import { describe, expect, it } from 'vitest';
import { alignNames, alignNamesWithin, LONE_WORDS_BOUND } from '../../src/domain/screening/name-compare.js';
import { normaliseName } from '../../src/domain/screening/name-normalise.js';
import type { EntryType } from '../../src/domain/lists/list-entry.js';

/**
 * The search's shortcuts must never change a result: the lone-word bound has to hold for every
 * pair it cuts short, and the ASCII reading of names has to equal the Unicode one.
 */

const NAMES = [
  'KIM, Jong Un', 'Kim Jong-un', 'Jong Un Kim', 'Kimjongun', 'RI, Yong Gil', "RI, Yo'ng-kil", 'Choe Ryong Hae', 'Park Geun-hye',
  '김정은', '金正恩', 'Vladimir Vladimirovich PUTIN', 'Vladimir Putin', 'Putin', 'Poutine Vladimir', 'Владимир Путин',
  'Muhammad bin Salman', 'Salman bin Muhammad', 'Mohammed Ali Hassan al-Tikriti', 'Barzan Ibrahim Hassan al-Mosuli',
  'محمد علي', 'Abd al-Rahman', 'Abdulrahman', 'Osama bin Laden', 'Usama bin Ladin', 'Ali Reza', 'Alireza Hosseini',
  'John Smith', 'Smith, Robert James', 'J. R. R. Tolkien', 'A.I.C. Holdings', 'AIC Holdings Ltd', 'Bank of America',
  'BOA', 'Siemens AG', 'Siemens Aktiengesellschaft', 'Rosneft Oil Company', 'Rosneft Nordic', 'Zu Zag Bong 6', 'Zu Zag Bong 5',
  'Victory 3', 'Victory', 'Capital Trust II', 'Capital Trust I', 'Mao Tse-tung', 'Mao Zedong', 'Xi Jinping', 'Hsi Chin-ping',
  'Sergejs Ivanovs', 'Sergey Ivanov', 'Olga Ivanova', 'KULYGINA, Olga Ivanovna', 'Maria Garcia', 'GAXIOLA GARCIA, Maria Elena',
  'President Erdogan', 'Recep Tayyip Erdogan', 'Antonio Rossi', 'Antonia Rossi', 'Hans O. Friedrich', 'Hans Joachim Friedrich',
  'People\'s Liberation Army', 'PLA', 'Van der Bilt', 'Vanderbilt', 'Korea Kwangson Banking Corp', 'KKBC', 'Sunrise Bakery', 'Sunrise',
];
const TYPES: (EntryType | undefined)[] = [undefined, 'individual', 'entity'];

describe('the lone-word bound (alignNamesWithin)', () => {
  it('stops only alignments that score at most LONE_WORDS_BOUND, and otherwise returns alignNames exactly', () => {
    let stopped = 0;
    let compared = 0;
    for (const type of TYPES) {
      const normalised = NAMES.map((n) => normaliseName(n, { type }));
      for (const query of normalised) {
        for (const listed of normalised) {
          const full = alignNames(query, listed, { listedSide: true });
          const within = alignNamesWithin(query, listed, { listedSide: true }, true);
          compared++;
          if (within === undefined) {
            stopped++;
            expect(full.tokenScore).toBeLessThanOrEqual(LONE_WORDS_BOUND);
          } else {
            expect(within).toEqual(full);
          }
          // Without leave to stop, it is alignNames.
          expect(alignNamesWithin(query, listed, { listedSide: true }, false)).toEqual(full);
        }
      }
    }
    // The bound must actually be exercised, in both directions.
    expect(stopped).toBeGreaterThan(compared / 4);
    expect(stopped).toBeLessThan(compared);
  });

  it('holds on names made of random words, initials, numbers and particles', () => {
    const words = ['kim', 'jong', 'un', 'ali', 'al', 'bin', 'hassan', 'hasan', 'a', 'b', 'j', '3', '4', 'trading', 'co', 'ltd', 'smith', 'smyth', 'van', 'der', 'bilt', 'mohammed', 'muhammad', 'ivanov', 'ivanova'];
    let seed = 20240503;
    const random = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const name = (): string => Array.from({ length: 1 + Math.floor(random() * 5) }, () => words[Math.floor(random() * words.length)]!).join(' ');
    let stopped = 0;
    for (let k = 0; k < 3000; k++) {
      const query = normaliseName(name());
      const listed = normaliseName(name(), { type: TYPES[k % 3] });
      const full = alignNames(query, listed, { listedSide: true });
      const within = alignNamesWithin(query, listed, { listedSide: true }, true);
      if (within === undefined) {
        stopped++;
        expect(full.tokenScore).toBeLessThanOrEqual(LONE_WORDS_BOUND);
      } else {
        expect(within).toEqual(full);
      }
    }
    expect(stopped).toBeGreaterThan(300);
  });
});

describe('the single-pair similarities a query remembers', () => {
  it('give every later comparison of that query the alignment that nothing remembered gives', () => {
    // One query object compared with every name in turn, twice (Korean and not, so both of its
    // tables fill up), against alignNames, which remembers nothing.
    let compared = 0;
    for (const type of TYPES) {
      const listed = NAMES.map((n) => normaliseName(n, { type }));
      for (const name of NAMES) {
        const query = normaliseName(name, { type });
        for (const other of [...listed, ...listed]) {
          expect(alignNamesWithin(query, other, { listedSide: true }, false)).toEqual(alignNames(query, other, { listedSide: true }));
          compared++;
        }
      }
    }
    expect(compared).toBe(TYPES.length * NAMES.length * NAMES.length * 2);
  });
});

describe('reading printable-ASCII names', () => {
  it('gives the tokens the Unicode reading gives', () => {
    // A trailing zero-width space (a format character, removed without splitting) sends the same
    // text down the Unicode path.
    const samples = [
      ...NAMES.filter((n) => /^[\x20-\x7e]*$/.test(n)),
      "O'Brien & Sons A/S", 'G.m.b.H.', 'S.A. de C.V.', '3%ers', 'a.b', 'x/y/z', 'A./B.', '`Ali`', 'Co., Ltd.', '  --  ', 'J.R.R.',
    ];
    let seed = 7;
    const alphabet = "abcXYZ .,;/&%'`-A.B.C.s/a1 9()\"~";
    for (let k = 0; k < 2000; k++) {
      let s = '';
      for (let i = 0; i < 1 + (k % 17); i++) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        s += alphabet[seed % alphabet.length];
      }
      samples.push(s);
    }
    for (const sample of samples) {
      for (const type of TYPES) {
        const ascii = normaliseName(sample, { type });
        const unicode = normaliseName(`${sample}\u200b`, { type });
        expect({ text: ascii.text, tokens: ascii.tokens }).toEqual({ text: unicode.text, tokens: unicode.tokens });
      }
    }
  });
});
