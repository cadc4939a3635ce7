/**
 * Given-name families, as data: spellings of one given name that edit distance cannot tell are
 * the same (Muhammad and Mohamed are three edits apart; Aleksandr and Oleksandr differ in their
 * first letter), the name's forms in other languages, and common short forms.
 *
 * Sources:
 * - Wikidata given-name items and their "said to be the same as" (P460) links, and Behind the
 *   Name (behindthename.com), "related names" / "other languages" of each entry, for the
 *   cross-language forms;
 * - the romanisation systems the lists use for these names: BGN/PCGN and ALA-LC for Russian,
 *   the Ukrainian national system (2010) for Ukrainian (Олександр → Oleksandr, Володимир →
 *   Volodymyr), common Arabic and Persian romanisations as OFAC and the UN print them;
 * - for short forms, the English hypocorisms in carltonnorthern/nicknames (names.csv, Apache-2.0)
 *   and the standard Russian diminutives (Sasha, Volodya, Dima ...).
 *
 * Spellings are written as the normaliser leaves them (lower case, ASCII). A spelling belongs
 * to one row only; a name that is two (Jan is John in Dutch and Czech) goes where it is
 * commonest in the lists. Rows are families, not similarity: nothing here says Ivan is Ioannis's
 * typo, only that both are John.
 */

/** The same name, spelt by different romanisations or orthographies: nearly as good as one spelling. */
export const GIVEN_NAME_SPELLINGS: readonly string[] = [
  'muhammad mohammad mohammed mohamed mohamad muhamad muhammed muhamed mohamud mohamod mohammod mouhamed mouhammad mehmet mehmed mahomed mohd muhd',
  'ahmad ahmed ahmet ahmat achmed akhmed',
  'mahmud mahmoud mahmood mahmut makhmud',
  'mustafa mostafa moustafa mustapha mostapha moustapha mustafo',
  'husayn hussein husein hussain husain hossein hosein huseyin hussien',
  'hasan hassan hasson khasan',
  'umar omar omer oumar ömer',
  'uthman othman osman usman utman',
  'abdullah abdallah abdulla abdalla abdollah abdulloh',
  'abdulrahman abdurrahman abdelrahman abderrahmane abdolrahman abdurahman abdul-rahman',
  'yusuf yousef youssef yousif yusof yussuf jusuf yosef iosif',
  'ibrahim ebrahim ibragim ibrahem brahim',
  'ismail ismael esmail ismoil ismayil',
  'sulayman suleiman sulaiman soleiman suleyman sulejman sulaymon',
  'yaqub yakub yacoub yaqoob yakup',
  'jafar jaafar jaffar djafar',
  'khalid khaled halid',
  'qasim qassem kassem kasim ghasem qasem',
  'said saeed saied saeid',
  'aleksandr alexander aleksander alexandr oleksandr olexandr oleksander alyaksandr aliaksandr',
  'aleksei alexei alexey aleksey oleksiy oleksii olexiy aliaksei',
  'andrei andrey andriy andrii',
  'dmitry dmitri dmitriy dmytro dzmitry',
  'evgeny yevgeny evgeniy yevgeniy yevhen yevheniy ievgen evgenii',
  'georgy georgiy georgii heorhiy heorhii',
  'mikhail mykhailo mykhaylo mikhaylo',
  'nikolai nikolay mykola mikalai',
  'sergei sergey serhiy serhii sergiy siarhei',
  'vladimir volodymyr uladzimir wladimir',
  'yuri yury yuriy iurii yurii',
  'pavel pavlo paval',
  'petr pyotr petro piotr',
  'grigory grigoriy hryhoriy hryhorii',
  'anatoly anatoliy anatolii',
  'vasily vasiliy vasyl vasil vasilii',
  'viktor victor wiktor',
  'olga olha volha',
  'elena yelena olena alena',
  'ekaterina yekaterina kateryna katerina',
  'natalia natalya nataliya natalja',
  'tatiana tatyana tetiana tetyana',
  'yulia yuliya julia iuliia yuliia',
  'svetlana svitlana',
  'irina iryna',
];

/** The same name in other languages (John, Juan, Ivan, Johann): a family resemblance, weaker evidence. */
export const GIVEN_NAME_EQUIVALENTS: readonly string[] = [
  'john juan jean johann johannes giovanni joao jan ivan ioannis ion ioan hans sean evan yohannes',
  'joseph jose josef giuseppe jozef yusuf',
  'peter pedro pierre pietro pieter petr',
  'paul pablo paolo paulo pavel',
  'michael miguel michel michele michal mikael mikhail',
  'nicholas nicolas nicola nikolaus niklas nikolai',
  'andrew andres andre andreas andrzej andrei',
  'george jorge georg georges giorgio giorgi jerzy georgy',
  'james jaime giacomo jacques jakob jacob jakub yakov yaqub',
  'stephen steven stefan esteban etienne stefano stepan',
  'alexis alessio aleksei',
  'sergio serge sergei',
  'eugene eugen eugenio evgeny',
  'dimitri dimitrios demetrius dmitry',
  'gregory gregor gregorio grigory',
  'basil vasily',
  'alessandro alejandro alexandre aleksandr',
  'abraham avraham ibrahim',
  'solomon salomon shlomo sulayman',
  'moses moshe musa moise',
  'david dawud dawood davud',
  'daniel danil danilo daniil',
  'thomas tomas tommaso foma',
  'william wilhelm guillaume guillermo guglielmo vilem',
  'henry heinrich henri enrique enrico henrik',
  'charles karl carlos carlo karol',
  'francis francisco francois franz francesco frantisek',
  'anthony antonio anton antoine antoni',
  'mary maria marie mariya mariam maryam miriam',
  'anne anna ana hanna ganna',
  'catherine katherine katharina caterina ekaterina',
  'helen helena elena',
  'elizabeth elisabeth isabel isabella yelizaveta elzbieta',
];

/** Short forms and diminutives: [short form, full spelling it stands for]. */
export const GIVEN_NAME_SHORT_FORMS: readonly (readonly [short: string, full: string])[] = [
  ['bob', 'robert'], ['rob', 'robert'], ['bobby', 'robert'], ['bill', 'william'], ['will', 'william'],
  ['billy', 'william'], ['dick', 'richard'], ['rick', 'richard'], ['ted', 'edward'], ['ted', 'theodore'], ['teddy', 'theodore'], ['ed', 'edward'],
  ['ned', 'edward'], ['tom', 'thomas'], ['jim', 'james'], ['jimmy', 'james'], ['mike', 'michael'],
  ['dave', 'david'], ['steve', 'stephen'], ['joe', 'joseph'], ['tony', 'anthony'], ['alex', 'alexander'],
  ['sam', 'samuel'], ['dan', 'daniel'], ['chris', 'christopher'], ['nick', 'nicholas'],
  ['pete', 'peter'], ['andy', 'andrew'], ['matt', 'matthew'], ['kate', 'catherine'], ['liz', 'elizabeth'],
  ['beth', 'elizabeth'], ['jack', 'john'], ['johnny', 'john'], ['harry', 'henry'], ['chuck', 'charles'],
  ['charlie', 'charles'], ['fred', 'frederick'], ['greg', 'gregory'], ['jeff', 'jeffrey'], ['jerry', 'gerald'],
  ['larry', 'lawrence'], ['pat', 'patrick'], ['ron', 'ronald'], ['tim', 'timothy'], ['vince', 'vincent'],
  ['sasha', 'aleksandr'], ['volodya', 'vladimir'], ['vova', 'vladimir'], ['dima', 'dmitry'], ['misha', 'mikhail'],
  ['kolya', 'nikolai'], ['seryozha', 'sergei'], ['zhenya', 'evgeny'], ['lyosha', 'aleksei'], ['yura', 'yuri'],
  ['petya', 'petr'], ['pasha', 'pavel'], ['vanya', 'ivan'], ['grisha', 'grigory'], ['tolya', 'anatoly'],
  ['katya', 'ekaterina'], ['natasha', 'natalia'], ['tanya', 'tatiana'], ['sveta', 'svetlana'], ['lena', 'elena'],
  ['masha', 'maria'], ['olya', 'olga'],
];
