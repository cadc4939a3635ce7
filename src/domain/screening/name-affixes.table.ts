/**
 * Word endings that whole families of names share, as data: [family, spellings]. Two names that
 * end alike in one of these ("Jónsdóttir" / "Tómasdóttir", "Shamsuddin" / "Shahabuddin",
 * "Hamidullah" / "Waliullah") share a common element, not an identity: the matcher compares
 * what comes before the ending, where the names differ.
 *
 * Each row is written as the normaliser leaves a word (lower-case ASCII: "dóttir" → "dottir"),
 * with the usual romanisations of the one ending side by side. Only endings of four letters or
 * more that close a word are listed, so a stem is always left to compare.
 */
export const NAME_ENDING_FAMILIES: readonly (readonly [family: string, spellings: readonly string[]])[] = [
  // Icelandic patronymics and matronymics, "daughter of": Jónsdóttir = daughter of Jón
  // (Wikipedia, "Icelandic name"; Þjóðskrá Íslands, the national registry, writes every woman's
  // surname so).
  ['dottir', ['dottir']],
  // Arabic "-ud-Din", "of the faith" (Shamsuddin, Salahuddin, Nuruddin, Alaeddin), written as one
  // word in South and South-East Asian and Turkish usage (Wikipedia, "Ad-Din"; the OFAC SDN and UN
  // lists spell it -uddin, -udin, -eddin, -edin, -addin, -aldin).
  ['ud-din', ['uddin', 'udin', 'eddin', 'edin', 'addin', 'aldin', 'uldin', 'oddin']],
  // Arabic "-ullah", "of God", in theophoric names (Hamidullah, Nasrullah, Waliullah, Habibollah)
  // (Wikipedia, "Theophoric name" and "Allah" in names; spellings as in the Taliban entries of
  // the UN 1988 list and in Persian romanisation: -ullah, -ulla, -ollah, -allah).
  ['ullah', ['ullah', 'ulla', 'ollah', 'olla', 'allah', 'alla']],
  // Georgian surname endings, "child of" and "son of" (Wikipedia, "Georgian name"): Margoshvili,
  // Maroghashvili, Shevardnadze.
  ['shvili', ['shvili']],
  ['dze', ['adze', 'idze', 'odze', 'edze', 'udze']],
  // Persian surname endings, "born of", "of the race of", "son of" (Wikipedia, "Persian name"):
  // Mohammadzadeh, Ahmadinejad, Ahmadpour.
  ['zadeh', ['zadeh', 'zade', 'zada']],
  ['nejad', ['nejad', 'nezhad', 'nejhad', 'nijad']],
  ['pour', ['pour']],
  // Turkic "son of" (Wikipedia, "Azerbaijani name"): Aliyev-style surnames' older form, -oğlu, -ogly.
  ['oglu', ['oglu', 'ogly', 'oghlu']],
];
