/**
 * ISO 3166-1 alpha-2 countries with English short names and ITU-T E.164 calling codes, plus a
 * lookup from the country names sanctions lists actually write (OFAC "Korea, North", UN
 * "Democratic People's Republic of Korea", nationality adjectives) to codes.
 *
 * Pure data and functions: no I/O, so importers, rules and the API can all share it.
 */

export interface Country {
  code: string;
  name: string;
  /** Country calling code without "+"; absent for uninhabited territories with none. */
  callingCode?: string;
}

// [code, English short name, calling code ('' when the territory has none)]
const COUNTRY_ROWS: readonly (readonly [string, string, string])[] = [
  ['AD', 'Andorra', '376'],
  ['AE', 'United Arab Emirates', '971'],
  ['AF', 'Afghanistan', '93'],
  ['AG', 'Antigua and Barbuda', '1'],
  ['AI', 'Anguilla', '1'],
  ['AL', 'Albania', '355'],
  ['AM', 'Armenia', '374'],
  ['AO', 'Angola', '244'],
  ['AQ', 'Antarctica', '672'],
  ['AR', 'Argentina', '54'],
  ['AS', 'American Samoa', '1'],
  ['AT', 'Austria', '43'],
  ['AU', 'Australia', '61'],
  ['AW', 'Aruba', '297'],
  ['AX', 'Åland Islands', '358'],
  ['AZ', 'Azerbaijan', '994'],
  ['BA', 'Bosnia and Herzegovina', '387'],
  ['BB', 'Barbados', '1'],
  ['BD', 'Bangladesh', '880'],
  ['BE', 'Belgium', '32'],
  ['BF', 'Burkina Faso', '226'],
  ['BG', 'Bulgaria', '359'],
  ['BH', 'Bahrain', '973'],
  ['BI', 'Burundi', '257'],
  ['BJ', 'Benin', '229'],
  ['BL', 'Saint Barthélemy', '590'],
  ['BM', 'Bermuda', '1'],
  ['BN', 'Brunei Darussalam', '673'],
  ['BO', 'Bolivia', '591'],
  ['BQ', 'Bonaire, Sint Eustatius and Saba', '599'],
  ['BR', 'Brazil', '55'],
  ['BS', 'Bahamas', '1'],
  ['BT', 'Bhutan', '975'],
  ['BV', 'Bouvet Island', ''],
  ['BW', 'Botswana', '267'],
  ['BY', 'Belarus', '375'],
  ['BZ', 'Belize', '501'],
  ['CA', 'Canada', '1'],
  ['CC', 'Cocos (Keeling) Islands', '61'],
  ['CD', 'Congo, Democratic Republic of the', '243'],
  ['CF', 'Central African Republic', '236'],
  ['CG', 'Congo', '242'],
  ['CH', 'Switzerland', '41'],
  ['CI', "Côte d'Ivoire", '225'],
  ['CK', 'Cook Islands', '682'],
  ['CL', 'Chile', '56'],
  ['CM', 'Cameroon', '237'],
  ['CN', 'China', '86'],
  ['CO', 'Colombia', '57'],
  ['CR', 'Costa Rica', '506'],
  ['CU', 'Cuba', '53'],
  ['CV', 'Cabo Verde', '238'],
  ['CW', 'Curaçao', '599'],
  ['CX', 'Christmas Island', '61'],
  ['CY', 'Cyprus', '357'],
  ['CZ', 'Czechia', '420'],
  ['DE', 'Germany', '49'],
  ['DJ', 'Djibouti', '253'],
  ['DK', 'Denmark', '45'],
  ['DM', 'Dominica', '1'],
  ['DO', 'Dominican Republic', '1'],
  ['DZ', 'Algeria', '213'],
  ['EC', 'Ecuador', '593'],
  ['EE', 'Estonia', '372'],
  ['EG', 'Egypt', '20'],
  ['EH', 'Western Sahara', '212'],
  ['ER', 'Eritrea', '291'],
  ['ES', 'Spain', '34'],
  ['ET', 'Ethiopia', '251'],
  ['FI', 'Finland', '358'],
  ['FJ', 'Fiji', '679'],
  ['FK', 'Falkland Islands (Malvinas)', '500'],
  ['FM', 'Micronesia, Federated States of', '691'],
  ['FO', 'Faroe Islands', '298'],
  ['FR', 'France', '33'],
  ['GA', 'Gabon', '241'],
  ['GB', 'United Kingdom', '44'],
  ['GD', 'Grenada', '1'],
  ['GE', 'Georgia', '995'],
  ['GF', 'French Guiana', '594'],
  ['GG', 'Guernsey', '44'],
  ['GH', 'Ghana', '233'],
  ['GI', 'Gibraltar', '350'],
  ['GL', 'Greenland', '299'],
  ['GM', 'Gambia', '220'],
  ['GN', 'Guinea', '224'],
  ['GP', 'Guadeloupe', '590'],
  ['GQ', 'Equatorial Guinea', '240'],
  ['GR', 'Greece', '30'],
  ['GS', 'South Georgia and the South Sandwich Islands', '500'],
  ['GT', 'Guatemala', '502'],
  ['GU', 'Guam', '1'],
  ['GW', 'Guinea-Bissau', '245'],
  ['GY', 'Guyana', '592'],
  ['HK', 'Hong Kong', '852'],
  ['HM', 'Heard Island and McDonald Islands', ''],
  ['HN', 'Honduras', '504'],
  ['HR', 'Croatia', '385'],
  ['HT', 'Haiti', '509'],
  ['HU', 'Hungary', '36'],
  ['ID', 'Indonesia', '62'],
  ['IE', 'Ireland', '353'],
  ['IL', 'Israel', '972'],
  ['IM', 'Isle of Man', '44'],
  ['IN', 'India', '91'],
  ['IO', 'British Indian Ocean Territory', '246'],
  ['IQ', 'Iraq', '964'],
  ['IR', 'Iran', '98'],
  ['IS', 'Iceland', '354'],
  ['IT', 'Italy', '39'],
  ['JE', 'Jersey', '44'],
  ['JM', 'Jamaica', '1'],
  ['JO', 'Jordan', '962'],
  ['JP', 'Japan', '81'],
  ['KE', 'Kenya', '254'],
  ['KG', 'Kyrgyzstan', '996'],
  ['KH', 'Cambodia', '855'],
  ['KI', 'Kiribati', '686'],
  ['KM', 'Comoros', '269'],
  ['KN', 'Saint Kitts and Nevis', '1'],
  ['KP', "Korea, Democratic People's Republic of", '850'],
  ['KR', 'Korea, Republic of', '82'],
  ['KW', 'Kuwait', '965'],
  ['KY', 'Cayman Islands', '1'],
  ['KZ', 'Kazakhstan', '7'],
  ['LA', "Lao People's Democratic Republic", '856'],
  ['LB', 'Lebanon', '961'],
  ['LC', 'Saint Lucia', '1'],
  ['LI', 'Liechtenstein', '423'],
  ['LK', 'Sri Lanka', '94'],
  ['LR', 'Liberia', '231'],
  ['LS', 'Lesotho', '266'],
  ['LT', 'Lithuania', '370'],
  ['LU', 'Luxembourg', '352'],
  ['LV', 'Latvia', '371'],
  ['LY', 'Libya', '218'],
  ['MA', 'Morocco', '212'],
  ['MC', 'Monaco', '377'],
  ['MD', 'Moldova', '373'],
  ['ME', 'Montenegro', '382'],
  ['MF', 'Saint Martin (French part)', '590'],
  ['MG', 'Madagascar', '261'],
  ['MH', 'Marshall Islands', '692'],
  ['MK', 'North Macedonia', '389'],
  ['ML', 'Mali', '223'],
  ['MM', 'Myanmar', '95'],
  ['MN', 'Mongolia', '976'],
  ['MO', 'Macao', '853'],
  ['MP', 'Northern Mariana Islands', '1'],
  ['MQ', 'Martinique', '596'],
  ['MR', 'Mauritania', '222'],
  ['MS', 'Montserrat', '1'],
  ['MT', 'Malta', '356'],
  ['MU', 'Mauritius', '230'],
  ['MV', 'Maldives', '960'],
  ['MW', 'Malawi', '265'],
  ['MX', 'Mexico', '52'],
  ['MY', 'Malaysia', '60'],
  ['MZ', 'Mozambique', '258'],
  ['NA', 'Namibia', '264'],
  ['NC', 'New Caledonia', '687'],
  ['NE', 'Niger', '227'],
  ['NF', 'Norfolk Island', '672'],
  ['NG', 'Nigeria', '234'],
  ['NI', 'Nicaragua', '505'],
  ['NL', 'Netherlands', '31'],
  ['NO', 'Norway', '47'],
  ['NP', 'Nepal', '977'],
  ['NR', 'Nauru', '674'],
  ['NU', 'Niue', '683'],
  ['NZ', 'New Zealand', '64'],
  ['OM', 'Oman', '968'],
  ['PA', 'Panama', '507'],
  ['PE', 'Peru', '51'],
  ['PF', 'French Polynesia', '689'],
  ['PG', 'Papua New Guinea', '675'],
  ['PH', 'Philippines', '63'],
  ['PK', 'Pakistan', '92'],
  ['PL', 'Poland', '48'],
  ['PM', 'Saint Pierre and Miquelon', '508'],
  ['PN', 'Pitcairn', '64'],
  ['PR', 'Puerto Rico', '1'],
  ['PS', 'Palestine, State of', '970'],
  ['PT', 'Portugal', '351'],
  ['PW', 'Palau', '680'],
  ['PY', 'Paraguay', '595'],
  ['QA', 'Qatar', '974'],
  ['RE', 'Réunion', '262'],
  ['RO', 'Romania', '40'],
  ['RS', 'Serbia', '381'],
  ['RU', 'Russian Federation', '7'],
  ['RW', 'Rwanda', '250'],
  ['SA', 'Saudi Arabia', '966'],
  ['SB', 'Solomon Islands', '677'],
  ['SC', 'Seychelles', '248'],
  ['SD', 'Sudan', '249'],
  ['SE', 'Sweden', '46'],
  ['SG', 'Singapore', '65'],
  ['SH', 'Saint Helena, Ascension and Tristan da Cunha', '290'],
  ['SI', 'Slovenia', '386'],
  ['SJ', 'Svalbard and Jan Mayen', '47'],
  ['SK', 'Slovakia', '421'],
  ['SL', 'Sierra Leone', '232'],
  ['SM', 'San Marino', '378'],
  ['SN', 'Senegal', '221'],
  ['SO', 'Somalia', '252'],
  ['SR', 'Suriname', '597'],
  ['SS', 'South Sudan', '211'],
  ['ST', 'Sao Tome and Principe', '239'],
  ['SV', 'El Salvador', '503'],
  ['SX', 'Sint Maarten (Dutch part)', '1'],
  ['SY', 'Syrian Arab Republic', '963'],
  ['SZ', 'Eswatini', '268'],
  ['TC', 'Turks and Caicos Islands', '1'],
  ['TD', 'Chad', '235'],
  ['TF', 'French Southern Territories', '262'],
  ['TG', 'Togo', '228'],
  ['TH', 'Thailand', '66'],
  ['TJ', 'Tajikistan', '992'],
  ['TK', 'Tokelau', '690'],
  ['TL', 'Timor-Leste', '670'],
  ['TM', 'Turkmenistan', '993'],
  ['TN', 'Tunisia', '216'],
  ['TO', 'Tonga', '676'],
  ['TR', 'Türkiye', '90'],
  ['TT', 'Trinidad and Tobago', '1'],
  ['TV', 'Tuvalu', '688'],
  ['TW', 'Taiwan', '886'],
  ['TZ', 'Tanzania, United Republic of', '255'],
  ['UA', 'Ukraine', '380'],
  ['UG', 'Uganda', '256'],
  ['UM', 'United States Minor Outlying Islands', '1'],
  ['US', 'United States', '1'],
  ['UY', 'Uruguay', '598'],
  ['UZ', 'Uzbekistan', '998'],
  ['VA', 'Holy See', '39'],
  ['VC', 'Saint Vincent and the Grenadines', '1'],
  ['VE', 'Venezuela', '58'],
  ['VG', 'Virgin Islands (British)', '1'],
  ['VI', 'Virgin Islands (U.S.)', '1'],
  ['VN', 'Viet Nam', '84'],
  ['VU', 'Vanuatu', '678'],
  ['WF', 'Wallis and Futuna', '681'],
  ['WS', 'Samoa', '685'],
  // Not assigned by ISO but the user-assigned code the EU, IMF and most lists use for Kosovo;
  // without it OFAC's "Kosovo" addresses would lose their country.
  ['XK', 'Kosovo', '383'],
  ['YE', 'Yemen', '967'],
  ['YT', 'Mayotte', '262'],
  ['ZA', 'South Africa', '27'],
  ['ZM', 'Zambia', '260'],
  ['ZW', 'Zimbabwe', '263'],
];

export const countries: readonly Country[] = COUNTRY_ROWS.map(([code, name, callingCode]) =>
  callingCode ? { code, name, callingCode } : { code, name },
);

const BY_CODE: ReadonlyMap<string, Country> = new Map(countries.map((c) => [c.code, c]));

/**
 * Calling code per country (without "+"). Codes are shared: "1" is the whole North American
 * Numbering Plan (US, CA and the Caribbean), "7" both RU and KZ, "44" GB and the Crown
 * dependencies, so a phone prefix alone does not identify one country.
 */
export const callingCodes: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(countries.flatMap((c) => (c.callingCode ? [[c.code, c.callingCode]] : []))),
);

export function isCountryCode(code: string): boolean {
  return BY_CODE.has(code);
}

export function countryByCode(code: string): Country | undefined {
  return BY_CODE.get(code.toUpperCase());
}

/**
 * Names, former names and nationality adjectives the lists write, beyond the short names in
 * the table. OFAC writes "Korea, North" and "Burma"; the UN writes "Democratic People's
 * Republic of Korea" and "Iran (Islamic Republic of)"; nationality fields often hold
 * adjectives. Ambiguous adjectives ("Korean", "Congolese", "Dominican") are left out on
 * purpose: guessing North vs South Korea would be worse than keeping the text.
 */
const EXTRA_NAMES: Readonly<Record<string, readonly string[]>> = {
  AE: ['UAE', 'Emirati', 'Emirian'],
  AF: ['Afghan', 'Afghani'],
  AL: ['Albanian'],
  AM: ['Armenian'],
  AR: ['Argentine', 'Argentinian'],
  AT: ['Austrian'],
  AU: ['Australian'],
  AZ: ['Azerbaijani', 'Azeri'],
  BA: ['Bosnia-Herzegovina', 'Bosnian'],
  BD: ['Bangladeshi'],
  BE: ['Belgian'],
  BG: ['Bulgarian'],
  BH: ['Bahraini'],
  BN: ['Brunei', 'Bruneian'],
  BO: ['Bolivia (Plurinational State of)', 'Bolivian'],
  BR: ['Brazilian'],
  BS: ['Bahamas, The', 'Bahamian'],
  BY: ['Belarusian', 'Belorussian', 'Byelorussia'],
  CA: ['Canadian'],
  CD: [
    'Democratic Republic of the Congo',
    'Congo, Democratic Republic',
    'DRC',
    'Congo (Kinshasa)',
    'Zaire',
  ],
  CF: ['Central African'],
  CG: ['Congo, Republic of the', 'Republic of the Congo', 'Congo (Brazzaville)'],
  CH: ['Swiss'],
  CI: ['Cote d Ivoire', "Cote d'Ivoire", 'Ivory Coast', 'Ivorian'],
  CL: ['Chilean'],
  CN: ["People's Republic of China", 'Chinese', 'PRC'],
  CO: ['Colombian'],
  CU: ['Cuban'],
  CV: ['Cape Verde'],
  CY: ['Cypriot'],
  CZ: ['Czech Republic', 'Czech'],
  DE: ['German'],
  DK: ['Danish'],
  DZ: ['Algerian'],
  EC: ['Ecuadorian'],
  EG: ['Egyptian'],
  ER: ['Eritrean'],
  ES: ['Spanish'],
  ET: ['Ethiopian'],
  FI: ['Finnish'],
  FM: ['Micronesia'],
  FR: ['French'],
  GB: [
    'United Kingdom of Great Britain and Northern Ireland',
    'UK',
    'U.K.',
    'Great Britain',
    'Britain',
    'British',
  ],
  GE: ['Georgian'],
  GM: ['The Gambia', 'Gambia, The', 'Gambian'],
  GR: ['Greek'],
  GT: ['Guatemalan'],
  HK: ['Hong Kong SAR', 'China, Hong Kong Special Administrative Region', 'Hong Kong, China'],
  HN: ['Honduran'],
  HR: ['Croatian'],
  HT: ['Haitian'],
  HU: ['Hungarian'],
  ID: ['Indonesian'],
  IE: ['Irish'],
  IL: ['Israeli'],
  IM: ['Man, Isle of'],
  IN: ['Indian'],
  IQ: ['Iraqi'],
  IR: ['Iran (Islamic Republic of)', 'Islamic Republic of Iran', 'Iranian', 'Persia'],
  IT: ['Italian'],
  JO: ['Jordanian'],
  JP: ['Japanese'],
  KE: ['Kenyan'],
  KG: ['Kyrgyz', 'Kyrgyz Republic'],
  KH: ['Cambodian'],
  KP: [
    'Korea, North',
    'North Korea',
    "Democratic People's Republic of Korea",
    'DPRK',
    'DPR Korea',
    'North Korean',
  ],
  KR: ['Korea, South', 'South Korea', 'Republic of Korea', 'ROK', 'South Korean'],
  KW: ['Kuwaiti'],
  KZ: ['Kazakh', 'Kazakhstani'],
  LA: ['Laos', 'Lao', 'Lao PDR', 'Laotian'],
  LB: ['Lebanese'],
  LK: ['Sri Lankan'],
  LY: ['Libyan', 'Libyan Arab Jamahiriya'],
  MA: ['Moroccan'],
  MD: ['Republic of Moldova', 'Moldova, Republic of', 'Moldovan'],
  MK: [
    'North Macedonia, The Republic of',
    'Republic of North Macedonia',
    'Macedonia',
    'The former Yugoslav Republic of Macedonia',
    'Macedonian',
  ],
  ML: ['Malian', 'Region: Northern Mali'],
  MM: ['Burma', 'Burmese', 'Myanmar (Burma)'],
  MN: ['Mongolian'],
  MO: ['Macau', 'Macao SAR', 'China, Macao Special Administrative Region'],
  MR: ['Mauritanian'],
  MV: ['Maldivian'],
  MX: ['Mexican'],
  MY: ['Malaysian'],
  NE: ['Nigerien'],
  NG: ['Nigerian'],
  NI: ['Nicaraguan'],
  NL: ['Netherlands (Kingdom of the)', 'The Netherlands', 'Holland', 'Dutch'],
  NO: ['Norwegian'],
  NP: ['Nepalese', 'Nepali'],
  NZ: ['New Zealander'],
  OM: ['Omani'],
  PA: ['Panamanian'],
  PE: ['Peruvian'],
  PH: ['Filipino', 'Philippine'],
  PK: ['Pakistani'],
  PL: ['Polish'],
  // OFAC writes "Palestinian" as a nationality and "West Bank"/"Gaza" as address countries;
  // ISO's PS covers both territories.
  PS: [
    'State of Palestine',
    'Palestine',
    'Palestinian',
    'Palestinian Authority',
    'Palestinian Territories',
    'Occupied Palestinian Territory',
    'West Bank',
    'Gaza',
    'Gaza Strip',
    'Region: Gaza',
    'Region: West Bank',
  ],
  PT: ['Portuguese'],
  QA: ['Qatari'],
  RO: ['Romanian'],
  RS: ['Serbian'],
  RU: ['Russia', 'Russian'],
  RW: ['Rwandan'],
  SA: ['Saudi', 'Saudi Arabian', 'Kingdom of Saudi Arabia'],
  SD: ['Sudanese'],
  SE: ['Swedish'],
  SG: ['Singaporean'],
  SI: ['Slovenian', 'Slovene'],
  SK: ['Slovak', 'Slovak Republic'],
  SN: ['Senegalese'],
  SO: ['Somali'],
  SS: ['South Sudanese'],
  ST: ['São Tomé and Príncipe'],
  SV: ['Salvadoran', 'Salvadorean'],
  SY: ['Syria', 'Syrian'],
  SZ: ['Swaziland'],
  TD: ['Chadian'],
  TH: ['Thai'],
  TJ: ['Tajik', 'Tajikistani'],
  TL: ['East Timor'],
  TM: ['Turkmen'],
  TN: ['Tunisian'],
  TR: ['Turkey', 'Turkiye', 'Turkish'],
  TW: ['Taiwan, Province of China', 'Taiwanese', 'Republic of China'],
  TZ: ['Tanzania', 'United Republic of Tanzania', 'Tanzanian'],
  UA: ['Ukrainian'],
  UG: ['Ugandan'],
  US: ['United States of America', 'USA', 'U.S.', 'U.S.A.', 'US', 'American'],
  UY: ['Uruguayan'],
  UZ: ['Uzbek', 'Uzbekistani'],
  VA: ['Vatican', 'Vatican City', 'Vatican City State'],
  VE: ['Venezuela (Bolivarian Republic of)', 'Venezuelan'],
  VG: ['Virgin Islands, British', 'British Virgin Islands'],
  VI: ['Virgin Islands, U.S.', 'US Virgin Islands', 'United States Virgin Islands'],
  VN: ['Vietnam', 'Vietnamese'],
  XK: ['Kosovar', 'Republic of Kosovo'],
  YE: ['Yemeni'],
  ZA: ['South African'],
  ZW: ['Zimbabwean'],
};

/** Case, accents, apostrophes and punctuation do not distinguish countries. */
function normalizeCountryName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['’‘`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .replace(/^the /, '')
    .replace(/\bst\b/g, 'saint');
}

const BY_NAME: ReadonlyMap<string, string> = (() => {
  const map = new Map<string, string>();
  const add = (name: string, code: string): void => {
    for (const key of nameKeys(name)) {
      if (!map.has(key)) map.set(key, code);
    }
  };
  for (const c of countries) add(c.name, c.code);
  for (const [code, names] of Object.entries(EXTRA_NAMES)) {
    for (const name of names) add(name, code);
  }
  return map;
})();

/**
 * Lookup keys for a name: as written, without a trailing parenthetical ("Iran (Islamic
 * Republic of)" → "Iran"), and with an inverted "X, Y" put back in order ("Korea, North" →
 * "North Korea", "Congo, Democratic Republic of the" → "the Democratic Republic of the Congo").
 */
function nameKeys(name: string): string[] {
  const keys = [normalizeCountryName(name)];
  const withoutParen = name.replace(/\s*\([^)]*\)\s*$/, '');
  if (withoutParen !== name) keys.push(normalizeCountryName(withoutParen));
  const comma = name.split(',');
  if (comma.length === 2) keys.push(normalizeCountryName(`${comma[1]} ${comma[0]}`));
  return keys.filter((k) => k.length > 0);
}

/**
 * ISO alpha-2 code for a country name, former name, list spelling or nationality adjective;
 * undefined when unknown or ambiguous. A bare alpha-2 code is accepted too.
 */
export function countryCodeFromName(name: string): string | undefined {
  const trimmed = name.trim();
  if (trimmed.length === 0) return undefined;
  if (/^[A-Z]{2}$/.test(trimmed) && BY_CODE.has(trimmed)) return trimmed;
  for (const key of nameKeys(trimmed)) {
    const code = BY_NAME.get(key);
    if (code) return code;
  }
  return undefined;
}
