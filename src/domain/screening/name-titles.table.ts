/**
 * Titles, honorifics and ranks that stand before (or inside) a name without being part of it,
 * as data. The normaliser removes them before names are compared and the explanation lists
 * what it removed ("Präsident Putin" = "Putin", "Президент Путин" = "Путин").
 *
 * Sources:
 * - opensanctions/rigour, resources/names/stopwords.yml, PERSON_NAME_PREFIXES (MIT): the
 *   English, German, French, Italian and Spanish titles, military ranks, royal, aristocratic and
 *   religious titles;
 * - the OFAC SDN and UN lists themselves, which carry titles inside names ("AL ZAWAHIRI, Dr.
 *   Ayman", "Commandant Jérôme", "Haji", "Mullah", "Maulvi", "Qari" in Taliban entries) and in
 *   their TITLE fields;
 * - standard Russian, Ukrainian, Arabic, Persian and Korean forms of the same offices and
 *   honorifics (Президент, Генерал, الشيخ, السيد, الحاج, 위원장, 동지 ...), as any dictionary gives them.
 *
 * Each row is written as the normaliser leaves a word: lower case, Latin letters for Latin and
 * Cyrillic words (Cyrillic goes through any-ascii: президент → "prezident"), the script's own
 * letters for Arabic and Hangul words, which are matched before they are split or transliterated.
 */

/**
 * Never a name, wherever they stand: "Dr. Ayman AL ZAWAHIRI", "AL ZAWAHIRI, Dr. Ayman".
 * Words that are also names or surnames (King, Major, Sultan, Bishop, Emir ...) are not here.
 */
export const TITLES_ANYWHERE: readonly string[] = [
  // Address forms
  'mr', 'mrs', 'ms', 'mx', 'miss', 'mister', 'missus', 'madam', 'madame', 'mme', 'mlle', 'monsieur',
  'herr', 'frau', 'fraulein', 'senor', 'senora', 'senorita', 'sr', 'sra', 'srta', 'signor', 'signora',
  'gospodin', 'gospozha', 'tovarishch', 'tovarisch',
  // Academic and professional
  'dr', 'doctor', 'doktor', 'prof', 'professor', 'dott', 'dottore', 'phd', 'esq', 'esquire',
  // Offices
  'president', 'prasident', 'presidente', 'prezident', 'vice', 'premier', 'chairman', 'chairwoman',
  'ambassador', 'amb', 'minister', 'senator', 'deputy', 'governor',
  // Military ranks (the English, German, French and Russian spellings)
  'colonel', 'col', 'ltcol', 'lieutenant', 'lt', 'captain', 'capt', 'cpt', 'commander', 'cdr', 'admiral',
  'adm', 'brigadier', 'brig', 'sergeant', 'sgt', 'corporal', 'cpl', 'commandant', 'oberst', 'leytenant',
  'kapitan', 'polkovnik', 'podpolkovnik', 'feldmarschall',
  // Courtesy
  'excellency', 'honourable', 'honorable', 'reverend', 'rev', 'majesty', 'highness', 'hrh', 'eminence',
  // Religious honorifics (Arabic, Persian, South Asian, as the lists romanise them)
  'haji', 'hajji', 'hadji', 'alhaji', 'alhaj', 'maulvi', 'mawlawi', 'maulana', 'mawlana', 'ayatollah',
  'hojatoleslam',
  // Ship prefixes: motor vessel, motor tanker, steam ship.
  'mv', 'mt', 'ss',
  // Arabic script (before transliteration): the sheikh, Mr, the hajji, doctor, president, the
  // mullah, the mawlawi, "his eminence"
  'الشيخ', 'السيد', 'الحاج', 'الدكتور', 'دكتور', 'الرئيس', 'الملا', 'المولوي', 'مولوي', 'سماحة', 'فضيلة',
  // Korean (whole words, before syllables are split): chairman, comrade, general, marshal,
  // president, minister, Mr, doctor
  '위원장', '동지', '장군', '원수', '대통령', '주석', '총비서', '국무위원장', '장관', '씨', '선생', '박사',
];

/**
 * The titles above and below that name an office or rank rather than a form of address: a
 * title of office with a surname designates one person ("President Erdoğan", "General Ri"),
 * so such a query is not capped as a lone surname. Forms of address (Mr, Dr, Herr) are not here.
 */
export const TITLES_OF_OFFICE: readonly string[] = [
  'president', 'prasident', 'presidente', 'prezident', 'premier', 'chairman', 'chairwoman', 'minister',
  'senator', 'governor', 'ambassador', 'colonel', 'lieutenant', 'captain', 'commander', 'admiral',
  'brigadier', 'commandant', 'polkovnik', 'general', 'marshal',
  'emperor', 'empress', 'ayatollah', 'sheikh', 'shaikh', 'shaykh', 'mullah',
  'الرئيس', '위원장', '장군', '원수', '대통령', '주석', '총비서', '국무위원장', '장관',
];

/**
 * Titles that are also names, surnames or ordinary words ("General Motors", "Omar SHEIKH",
 * "Major" the surname): removed only at the start of a name written without a comma (in
 * "SURNAME, Given" the words after the comma are given names: "JOHNSON, Prince", "KHAN, Sultan
 * Mahmood"), only when a name word follows, and never in a name with a legal form ("General
 * Motors Company"). Royal titles (King, Prince, Sultan, Emir, Amir) are left out: they are
 * given names as often as titles in the lists ("Prince Y. JOHNSON", "Amir KHAN").
 */
export const TITLES_LEADING: readonly string[] = [
  'general', 'gen', 'major', 'maj', 'private', 'pvt', 'field', 'rear', 'marshal', 'marshall', 'mayor',
  'comrade', 'chief', 'director', 'secretary', 'chair', 'imam', 'bishop', 'rabbi', 'ayatollah',
  // Honorifics that are also given names or surnames (Omar SHEIKH, Hafez al-Assad, Sayed)
  'sheikh', 'shaikh', 'shaykh', 'sheik', 'mullah', 'mulla', 'molla', 'qari', 'hafiz', 'hafez', 'sayyid',
  'شيخ', 'سيد', 'حاج', 'ملا',
];
