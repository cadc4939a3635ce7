import { GIVEN_NAME_EQUIVALENTS, GIVEN_NAME_SHORT_FORMS, GIVEN_NAME_SPELLINGS } from './given-names.table.js';

/**
 * Given-name families (given-names.table.ts) as lookups built once. A spelling knows its
 * spelling row, the cross-language row that row belongs to, and, for a short form, the
 * spelling row of the name it stands for.
 */
export interface GivenNameFamily {
  /** Id of the spelling row (or of the spelling itself when no row has it). */
  readonly spelling: string;
  /** Id of the cross-language row, if the name is in one. */
  readonly equivalent?: string;
  /** For a short form ("Sasha", "Ted"), the spelling rows of the full names ("Aleksandr"; "Edward", "Theodore"). */
  readonly shortFor?: readonly string[];
}

export type GivenNameRelation = 'spelling' | 'equivalent' | 'short-form';

function build(): { families: Map<string, GivenNameFamily>; members: Map<string, readonly string[]> } {
  const spellingOf = new Map<string, string>();
  const rows = new Map<string, string[]>();
  GIVEN_NAME_SPELLINGS.forEach((row, i) => {
    const words = row.split(' ');
    rows.set(`s${i}`, words);
    for (const w of words) if (!spellingOf.has(w)) spellingOf.set(w, `s${i}`);
  });
  const spellingRow = (w: string): string => {
    let id = spellingOf.get(w);
    if (id === undefined) {
      id = `n:${w}`;
      spellingOf.set(w, id);
      rows.set(id, [w]);
    }
    return id;
  };
  // A cross-language row joins whole spelling rows: "yusuf" in Joseph's row brings Youssef too.
  const equivalentOf = new Map<string, string>();
  GIVEN_NAME_EQUIVALENTS.forEach((row, i) => {
    for (const w of row.split(' ')) {
      const id = spellingRow(w);
      if (!equivalentOf.has(id)) equivalentOf.set(id, `e${i}`);
    }
  });
  const shortFor = new Map<string, string[]>();
  for (const [short, full] of GIVEN_NAME_SHORT_FORMS) shortFor.set(short, [...(shortFor.get(short) ?? []), spellingRow(full)]);
  const families = new Map<string, GivenNameFamily>();
  for (const [w, id] of spellingOf) {
    const equivalent = equivalentOf.get(id);
    families.set(w, { spelling: id, ...(equivalent !== undefined ? { equivalent } : {}) });
  }
  for (const [short, ids] of shortFor) {
    const own = families.get(short);
    families.set(short, { spelling: own?.spelling ?? `n:${short}`, ...(own?.equivalent !== undefined ? { equivalent: own.equivalent } : {}), shortFor: ids });
  }
  // Every spelling a family reaches, for retrieval (a query "Mohamed" also looks up "Muhammad").
  const members = new Map<string, readonly string[]>();
  const byEquivalent = new Map<string, string[]>();
  for (const [w, f] of families) {
    if (f.equivalent !== undefined) byEquivalent.set(f.equivalent, [...(byEquivalent.get(f.equivalent) ?? []), w]);
  }
  for (const [w, f] of families) {
    const reach = new Set<string>([...(rows.get(f.spelling) ?? []), ...(f.equivalent !== undefined ? byEquivalent.get(f.equivalent)! : [])]);
    for (const id of f.shortFor ?? []) for (const m of rows.get(id) ?? []) reach.add(m);
    reach.delete(w);
    members.set(w, [...reach]);
  }
  return { families, members };
}

const { families: FAMILIES, members: MEMBERS } = build();

export function givenNameFamily(text: string): GivenNameFamily | undefined {
  return FAMILIES.get(text);
}

/** Other spellings and forms of the same given name (for retrieval). */
export function givenNameRelatives(text: string): readonly string[] {
  return MEMBERS.get(text) ?? [];
}

/** How two given names of known families relate, strongest first; undefined when they do not. */
export function givenNameRelation(a: GivenNameFamily | undefined, b: GivenNameFamily | undefined): GivenNameRelation | undefined {
  if (a === undefined || b === undefined) return undefined;
  if (a.spelling === b.spelling) return 'spelling';
  if (a.shortFor?.includes(b.spelling) || b.shortFor?.includes(a.spelling)) return 'short-form';
  if (a.equivalent !== undefined && a.equivalent === b.equivalent) return 'equivalent';
  return undefined;
}
