/**
 * Matching-quality evaluation (issues #4, #19). Prints:
 *  (a) the nomenklatura name-pair benchmark through compareNames, beside logic-v2's frozen
 *      scores and plain fuse.js on the same rows;
 *  (b) our own query set (tests/eval/) against the SDN + UN lists, beside plain fuse.js;
 *  (c) our own labelled pairs for scripts, titles, given-name families, swaps, run-together
 *      names, dotted initials, birth dates and gender (tests/eval/capability-pairs.csv);
 *  (d) retrieval recall: for every labelled matching pair of (a) and (c), searching the first
 *      name over the SDN + UN lists with the second name added returns the second name;
 *  and a summary beside the previous version's figures (tests/eval/previous-figures.json).
 * Run: npm run eval:matching [-- --verbose] [-- --bench-only | --lists-only] [-- --json]
 * (b) takes a few minutes, nearly all of it in the plain fuse.js baseline (~0.4 s a query);
 * --no-fuse skips that baseline. EVAL_ENGINE=<path to a screening index.ts> evaluates another
 * copy of the engine (how previous-figures.json was made from the previous commit).
 * Lists are read with the project's importers (src/lists), not a stopgap loader.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import Fuse from 'fuse.js';
import * as currentEngine from '../src/domain/screening/index.js';
import type { IndexableEntry } from '../src/domain/screening/index.js';
import type { EntryType } from '../src/domain/lists/list-entry.js';
import { loadSdnAndUn } from '../tests/eval/list-loader.js';

const engine: typeof currentEngine = process.env.EVAL_ENGINE ? await import(path.resolve(process.env.EVAL_ENGINE)) : currentEngine;
const { buildMatchIndex, compareNames, DEFAULT_MATCH_THRESHOLD, DEFAULT_THRESHOLD_RATIONALE, searchIndex } = engine;
/** Figures the summary collects: measure → value. */
const summary: Record<string, number | string> = {};
const withFuse = !process.argv.includes('--no-fuse');

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sharedDir = path.resolve(repoRoot, '..', 'shared');
const benchDir = path.join(sharedDir, 'data', 'eval', 'nomenklatura-name-bench');

interface Case {
  group: string;
  schema: string;
  name1: string;
  name2: string;
  isMatch: boolean;
  quality: string;
  category: string;
  notes: string;
  logicV2?: boolean;
}

function schemaType(schema: string): EntryType | undefined {
  if (schema === 'Person') return 'individual';
  if (schema === 'Company' || schema === 'Organization') return 'entity';
  if (schema === 'Vessel') return 'vessel';
  return undefined; // LegalEntity is the parent of both person and company
}

function loadCases(): Case[] {
  const rows = parse(readFileSync(path.join(benchDir, 'cases.csv')), { columns: true }) as Record<string, string>[];
  const frozen = parse(readFileSync(path.join(benchDir, 'logicv2-frozen.csv')), { columns: true }) as Record<string, string>[];
  // The frozen file names some groups differently and labels a few rows differently; join on
  // the pair itself and judge logic-v2's verdict by cases.csv's label, like ours.
  const key = (r: Record<string, string>) => [r.schema, r.name1, r.name2].join('\u0000');
  const byKey = new Map<string, boolean[]>();
  for (const r of frozen) {
    const list = byKey.get(key(r)) ?? [];
    list.push(r.predicted_match === 'true');
    byKey.set(key(r), list);
  }
  return rows.map((r) => {
    const predicted = byKey.get(key(r))?.shift();
    return {
      group: r.case_group!, schema: r.schema!, name1: r.name1!, name2: r.name2!,
      isMatch: r.is_match === 'true', quality: r.quality!, category: r.category || '(none)', notes: r.notes ?? '',
      ...(predicted !== undefined ? { logicV2: predicted } : {}),
    };
  });
}

interface Counts { tp: number; fp: number; fn: number; tn: number }
function count(pairs: { truth: boolean; predicted: boolean }[]): Counts {
  const c = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (const p of pairs) {
    if (p.truth && p.predicted) c.tp++;
    else if (!p.truth && p.predicted) c.fp++;
    else if (p.truth && !p.predicted) c.fn++;
    else c.tn++;
  }
  return c;
}
function prf(c: Counts) {
  const precision = c.tp + c.fp === 0 ? 1 : c.tp / (c.tp + c.fp);
  const recall = c.tp + c.fn === 0 ? 1 : c.tp / (c.tp + c.fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}
const f3 = (x: number) => x.toFixed(3);
function line(label: string, c: Counts): string {
  const m = prf(c);
  return `${label.padEnd(34)} n=${String(c.tp + c.fp + c.fn + c.tn).padStart(4)}  P ${f3(m.precision)}  R ${f3(m.recall)}  F1 ${f3(m.f1)}  (TP ${c.tp} FP ${c.fp} FN ${c.fn} TN ${c.tn})`;
}

function benchmark(verbose: boolean): void {
  const cases = loadCases();
  const scored = cases.map((c) => {
    const type = schemaType(c.schema);
    const r = compareNames({ name: c.name1, type }, { name: c.name2, type });
    const fuse = Fuse.match(c.name1, c.name2);
    return { c, score: r.score, fuseScore: fuse.isMatch ? 1 - fuse.score : 0, fuseMatch: fuse.isMatch };
  });
  const threshold = DEFAULT_MATCH_THRESHOLD;
  console.log(`\n== (a) nomenklatura name-pair benchmark: ${cases.length} cases, threshold ${threshold} ==`);
  const ours = (rows: typeof scored) => count(rows.map((s) => ({ truth: s.c.isMatch, predicted: s.score >= threshold })));
  console.log(line('redflag compareNames (all rows)', ours(scored)));
  const all = prf(ours(scored));
  summary['name_bench F1'] = f3(all.f1);
  summary['name_bench P / R'] = `${f3(all.precision)} / ${f3(all.recall)}`;
  const withV2 = scored.filter((s) => s.c.logicV2 !== undefined);
  console.log(line('redflag (rows logic-v2 scored)', ours(withV2)));
  console.log(line('logic-v2 frozen (same rows)', count(withV2.map((s) => ({ truth: s.c.isMatch, predicted: s.c.logicV2! })))));
  console.log(line('plain fuse.js, default options', count(scored.map((s) => ({ truth: s.c.isMatch, predicted: s.fuseMatch })))));
  let bestFuse = { t: 0, f1: 0 };
  for (let t = 0.05; t < 1; t += 0.05) {
    const f1 = prf(count(scored.map((s) => ({ truth: s.c.isMatch, predicted: s.fuseScore >= t })))).f1;
    if (f1 > bestFuse.f1) bestFuse = { t, f1 };
  }
  console.log(line(`plain fuse.js, best cut ${bestFuse.t.toFixed(2)}`, count(scored.map((s) => ({ truth: s.c.isMatch, predicted: s.fuseScore >= bestFuse.t })))));

  console.log('\nper quality tier (ours | logic-v2 on its rows):');
  for (const q of ['STRONG', 'MEDIUM', 'WEAK']) {
    const rows = scored.filter((s) => s.c.quality === q);
    const rowsV2 = rows.filter((s) => s.c.logicV2 !== undefined);
    console.log(line(`  ${q}`, ours(rows)), '| logic-v2 F1', f3(prf(count(rowsV2.map((s) => ({ truth: s.c.isMatch, predicted: s.c.logicV2! })))).f1));
  }
  console.log('\nper category (n ≥ 3; ours | logic-v2):');
  const cats = [...new Set(scored.map((s) => s.c.category))].sort();
  for (const cat of cats) {
    const rows = scored.filter((s) => s.c.category === cat);
    if (rows.length < 3) continue;
    const rowsV2 = rows.filter((s) => s.c.logicV2 !== undefined);
    const acc = (xs: typeof rows, pred: (s: (typeof rows)[number]) => boolean) => xs.filter((s) => pred(s) === s.c.isMatch).length;
    console.log(`${line(`  ${cat.slice(0, 32)}`, ours(rows))} | acc ours ${acc(rows, (s) => s.score >= threshold)}/${rows.length} logic-v2 ${acc(rowsV2, (s) => s.c.logicV2!)}/${rowsV2.length}`);
  }
  const korean = scored.filter((s) => /korean/i.test(s.c.notes));
  const right = korean.filter((s) => (s.score >= threshold) === s.c.isMatch);
  const rightV2 = korean.filter((s) => s.c.logicV2 !== undefined && s.c.logicV2 === s.c.isMatch);
  console.log(`\nKorean rows: ${right.length}/${korean.length} right (logic-v2 ${rightV2.length}/${korean.filter((s) => s.c.logicV2 !== undefined).length})`);
  summary['name_bench Korean rows right'] = `${right.length}/${korean.length}`;
  for (const s of korean) {
    if ((s.score >= threshold) !== s.c.isMatch) console.log(`   wrong: ${s.c.name1} | ${s.c.name2} label=${s.c.isMatch} score=${s.score}`);
  }
  console.log('\nthreshold sweep (all rows):');
  for (const t of [0.5, 0.55, 0.6, 0.625, 0.65, 0.675, 0.7, 0.725, 0.75, 0.8]) console.log(line(`  t=${t}`, count(scored.map((s) => ({ truth: s.c.isMatch, predicted: s.score >= t })))));
  // Overfitting check: choose the cut on even rows, report it on odd rows.
  const even = scored.filter((_, i) => i % 2 === 0);
  const odd = scored.filter((_, i) => i % 2 === 1);
  let best = { t: 0, f1: 0 };
  for (let t = 0.5; t <= 0.9; t += 0.01) {
    const f1 = prf(count(even.map((s) => ({ truth: s.c.isMatch, predicted: s.score >= t })))).f1;
    if (f1 > best.f1) best = { t, f1 };
  }
  console.log(line(`held-out: cut ${best.t.toFixed(2)} from even rows, odd rows`, count(odd.map((s) => ({ truth: s.c.isMatch, predicted: s.score >= best.t })))));
  if (verbose) {
    console.log('\nerrors:');
    for (const s of scored) {
      if ((s.score >= threshold) !== s.c.isMatch) console.log(`  ${s.c.isMatch ? 'FN' : 'FP'} ${s.score.toFixed(3)} [${s.c.quality}] ${s.c.name1} | ${s.c.name2}`);
    }
  }
}

interface Query {
  query: string;
  type?: EntryType;
  expected: string[];
  category: string;
  note: string;
}

function loadQueries(): Query[] {
  const rows = parse(readFileSync(path.join(repoRoot, 'tests', 'eval', 'sdn-un-queries.csv')), { columns: true }) as Record<string, string>[];
  return rows.map((r) => ({
    query: r.query!,
    ...(r.type ? { type: r.type as EntryType } : {}),
    expected: r.expected ? r.expected.split('|') : [],
    category: r.category!,
    note: r.note ?? '',
  }));
}

/** The project's placeholder: fuse.js over every name, tokens sorted, threshold 0.4. */
function plainFuse(entries: readonly IndexableEntry[]) {
  const sorted = (name: string) => name.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean).sort().join(' ');
  const names = entries.flatMap((e) => (e.names.length > 0 ? e.names : [{ full: e.name }]).map((n) => ({ id: e.id, key: sorted(n.full) })));
  const fuse = new Fuse(names, { keys: ['key'], includeScore: true, ignoreLocation: true, threshold: 0.4 });
  return (query: string): string[] => fuse.search(sorted(query), { limit: 10 }).map((r) => r.item.id);
}

async function listQueries(verbose: boolean, entries: readonly IndexableEntry[]): Promise<void> {
  const index = buildMatchIndex(entries);
  const queries = loadQueries();
  const known = new Set(entries.map((e) => e.id));
  const unknown = queries.flatMap((q) => q.expected.filter((id) => !known.has(id)));
  console.log(`\n== (b) own query set: ${queries.length} queries against ${entries.length} SDN + UN entries (${index.stats.names} names) ==`);
  if (unknown.length > 0) console.log(`  expected ids not in the lists: ${unknown.join(', ')}`);
  const fuse = withFuse ? plainFuse(entries) : () => [];
  const judge = (hits: (q: Query) => string[]) => {
    const byCategory = new Map<string, { pos: number; found: number; neg: number; fp: number }>();
    const misses: string[] = [];
    for (const q of queries) {
      const ids = hits(q);
      const c = byCategory.get(q.category) ?? { pos: 0, found: 0, neg: 0, fp: 0 };
      if (q.expected.length > 0) {
        c.pos++;
        if (ids.some((id) => q.expected.includes(id))) c.found++;
        else misses.push(`miss  ${q.category}: ${q.query} (want ${q.expected.join('|')}; got ${ids.slice(0, 3).join(', ') || 'nothing'})`);
      } else {
        c.neg++;
        if (ids.length > 0) {
          c.fp++;
          misses.push(`FP    ${q.category}: ${q.query} → ${ids.slice(0, 3).join(', ')}`);
        }
      }
      byCategory.set(q.category, c);
    }
    const total = [...byCategory.values()].reduce((a, c) => ({ pos: a.pos + c.pos, found: a.found + c.found, neg: a.neg + c.neg, fp: a.fp + c.fp }), { pos: 0, found: 0, neg: 0, fp: 0 });
    return { byCategory, total, misses };
  };
  let t = performance.now();
  const ours = judge((q) => searchIndex(index, { name: q.query, type: q.type, limit: 10 }).map((r) => r.entry.id));
  const oursMs = performance.now() - t;
  t = performance.now();
  const base = judge((q) => fuse(q.query));
  const baseMs = performance.now() - t;
  const pct = (a: number, b: number) => (b === 0 ? '   -  ' : `${((100 * a) / b).toFixed(1).padStart(5)}%`);
  console.log(`${'category'.padEnd(18)} ${'n'.padStart(4)}   redflag recall / FP rate   plain fuse.js recall / FP rate`);
  for (const [cat, c] of byCategoryOrder(ours.byCategory)) {
    const b = base.byCategory.get(cat)!;
    const show = (x: typeof c) => (x.pos > 0 ? `recall ${pct(x.found, x.pos)}` : `FP     ${pct(x.fp, x.neg)}`);
    console.log(`${cat.padEnd(18)} ${String(c.pos + c.neg).padStart(4)}   ${show(c).padEnd(26)} ${show(b)}`);
  }
  const o = ours.total;
  const b = base.total;
  summary['own list queries recall'] = `${pct(o.found, o.pos).trim()} (${o.found}/${o.pos})`;
  summary['own list queries FP rate'] = `${pct(o.fp, o.neg).trim()} (${o.fp}/${o.neg})`;
  console.log(`${'ALL positives'.padEnd(18)} ${String(o.pos).padStart(4)}   recall ${pct(o.found, o.pos)}  (${o.found}/${o.pos})     recall ${pct(b.found, b.pos)}  (${b.found}/${b.pos})`);
  console.log(`${'ALL negatives'.padEnd(18)} ${String(o.neg).padStart(4)}   FP rate ${pct(o.fp, o.neg)} (${o.fp}/${o.neg})      FP rate ${pct(b.fp, b.neg)} (${b.fp}/${b.neg})`);
  console.log(`time: redflag ${(oursMs / queries.length).toFixed(2)} ms/query, plain fuse.js ${(baseMs / queries.length).toFixed(1)} ms/query`);
  if (verbose) for (const m of ours.misses) console.log(`  ${m}`);
}

function byCategoryOrder<T>(map: Map<string, T>): [string, T][] {
  return [...map.entries()].sort((a, b) => a[0].localeCompare(b[0]));
}

interface CapabilityPair {
  name1: string;
  name2: string;
  type?: EntryType;
  birthDate1?: string;
  birthDate2?: string;
  gender1?: 'male' | 'female';
  gender2?: 'male' | 'female';
  isMatch: boolean;
  category: string;
}

function loadCapabilityPairs(): CapabilityPair[] {
  const rows = parse(readFileSync(path.join(repoRoot, 'tests', 'eval', 'capability-pairs.csv')), { columns: true }) as Record<string, string>[];
  return rows.map((r) => ({
    name1: r.name1!,
    name2: r.name2!,
    ...(r.type ? { type: r.type as EntryType } : {}),
    ...(r.birthDate1 ? { birthDate1: r.birthDate1 } : {}),
    ...(r.birthDate2 ? { birthDate2: r.birthDate2 } : {}),
    ...(r.gender1 ? { gender1: r.gender1 as 'male' | 'female' } : {}),
    ...(r.gender2 ? { gender2: r.gender2 as 'male' | 'female' } : {}),
    isMatch: r.is_match === 'true',
    category: r.category!,
  }));
}

/** (c) Own labelled pairs for the capabilities of issue #19, through compareNames. */
function capabilities(verbose: boolean): void {
  const pairs = loadCapabilityPairs();
  const threshold = DEFAULT_MATCH_THRESHOLD;
  const scored = pairs.map((p) => {
    // Older engines ignore the birth-date and gender fields (they did not take them).
    const r = compareNames(
      { name: p.name1, type: p.type, birthDate: p.birthDate1, gender: p.gender1 } as Parameters<typeof compareNames>[0],
      { name: p.name2, type: p.type, birthDate: p.birthDate2, gender: p.gender2 } as Parameters<typeof compareNames>[1],
    );
    return { p, score: r.score, predicted: r.score >= threshold };
  });
  console.log(`\n== (c) own capability pairs: ${pairs.length} labelled pairs (tests/eval/capability-pairs.csv), threshold ${threshold} ==`);
  for (const category of [...new Set(pairs.map((p) => p.category))]) {
    const rows = scored.filter((s) => s.p.category === category);
    const right = rows.filter((s) => s.predicted === s.p.isMatch).length;
    console.log(`${line(`  ${category}`, count(rows.map((s) => ({ truth: s.p.isMatch, predicted: s.predicted }))))}  right ${right}/${rows.length}`);
    summary[`pairs: ${category} right`] = `${right}/${rows.length}`;
  }
  const all = count(scored.map((s) => ({ truth: s.p.isMatch, predicted: s.predicted })));
  console.log(line('  all capability pairs', all));
  const m = prf(all);
  summary['capability pairs F1'] = f3(m.f1);
  summary['capability pairs P / R'] = `${f3(m.precision)} / ${f3(m.recall)}`;
  if (verbose) {
    for (const s of scored) if (s.predicted !== s.p.isMatch) console.log(`  ${s.p.isMatch ? 'FN' : 'FP'} ${s.score.toFixed(3)} [${s.p.category}] ${s.p.name1} | ${s.p.name2}`);
  }
}

/**
 * (d) Retrieval measured on its own: every labelled matching pair's second name is added to
 * the SDN + UN entries as an entry of its own, and the first name is searched. Recall at any
 * score (threshold 0, the ten best): the candidate search found it. Consistency: of the pairs
 * compareNames accepts, the share the search also returns at the default threshold.
 */
function retrieval(entries: readonly IndexableEntry[], verbose: boolean): void {
  const pairs = [
    ...loadCases().filter((c) => c.isMatch).map((c) => ({ name1: c.name1, name2: c.name2, type: schemaType(c.schema), set: 'name_bench' })),
    ...loadCapabilityPairs().filter((p) => p.isMatch && p.birthDate1 === undefined && p.gender1 === undefined).map((p) => ({ ...p, set: 'capability' })),
  ];
  // One entry per distinct second name: pairs that share it look for the same entry.
  const idOf = new Map<string, string>();
  const added: IndexableEntry[] = [];
  for (const p of pairs) {
    const key = `${p.type ?? 'unknown'}\u0000${p.name2}`;
    if (idOf.has(key)) continue;
    const n = added.length;
    idOf.set(key, `eval:${n}`);
    added.push({
      id: `eval:${n}`, source: 'eval', sourceId: String(n), type: p.type ?? 'unknown', name: p.name2,
      names: [{ full: p.name2, kind: 'primary', strength: 'strong' }], programs: [], birthDates: [], nationalities: [],
    });
  }
  const index = buildMatchIndex([...entries, ...added]);
  const threshold = DEFAULT_MATCH_THRESHOLD;
  const bySet = new Map<string, { n: number; found: number; accepted: number; returned: number }>();
  const misses: string[] = [];
  pairs.forEach((p) => {
    const stats = bySet.get(p.set) ?? { n: 0, found: 0, accepted: 0, returned: 0 };
    stats.n++;
    const id = idOf.get(`${p.type ?? 'unknown'}\u0000${p.name2}`)!;
    const any = searchIndex(index, { name: p.name1, type: p.type, threshold: 0, limit: 10 }).some((r) => r.entry.id === id);
    if (any) stats.found++;
    else misses.push(`  not retrieved [${p.set}] ${p.name1} | ${p.name2}`);
    if (compareNames({ name: p.name1, type: p.type }, { name: p.name2, type: p.type }).score >= threshold) {
      stats.accepted++;
      if (searchIndex(index, { name: p.name1, type: p.type, limit: 100 }).some((r) => r.entry.id === id)) stats.returned++;
      else misses.push(`  accepted, not returned [${p.set}] ${p.name1} | ${p.name2}`);
    }
    bySet.set(p.set, stats);
  });
  console.log(`\n== (d) retrieval: each labelled matching pair's second name added to ${entries.length} SDN + UN entries, the first name searched ==`);
  const total = { n: 0, found: 0, accepted: 0, returned: 0 };
  for (const [set, st] of bySet) {
    console.log(`  ${set.padEnd(12)} pairs ${String(st.n).padStart(4)}  retrieved (any score, top 10) ${st.found}/${st.n} = ${((100 * st.found) / st.n).toFixed(1)}%   accepted by compareNames and returned by /v1/match at ${threshold}: ${st.returned}/${st.accepted}`);
    for (const k of ['n', 'found', 'accepted', 'returned'] as const) total[k] += st[k];
  }
  summary['retrieval recall (any score, top 10)'] = `${((100 * total.found) / total.n).toFixed(1)}% (${total.found}/${total.n})`;
  summary['accepted pairs returned at threshold'] = `${((100 * total.returned) / total.accepted).toFixed(1)}% (${total.returned}/${total.accepted})`;
  if (verbose) for (const m of misses) console.log(m);
}

function printSummary(): void {
  const previousPath = path.join(repoRoot, 'tests', 'eval', 'previous-figures.json');
  const previous = JSON.parse(readFileSync(previousPath, 'utf8')) as { commit: string; figures: Record<string, string> };
  console.log(`\n== summary, beside the previous version (${previous.commit}; tests/eval/previous-figures.json) ==`);
  console.log(`${'measure'.padEnd(40)} ${'this version'.padEnd(20)} previous`);
  for (const [measure, value] of Object.entries(summary)) {
    console.log(`${measure.padEnd(40)} ${String(value).padEnd(20)} ${previous.figures[measure] ?? '-'}`);
  }
}

const verbose = process.argv.includes('--verbose');
console.log(`threshold ${DEFAULT_MATCH_THRESHOLD}: ${DEFAULT_THRESHOLD_RATIONALE}`);
if (!process.argv.includes('--lists-only')) {
  benchmark(verbose);
  capabilities(verbose);
}
if (!process.argv.includes('--bench-only')) {
  const { entries } = await loadSdnAndUn(sharedDir);
  await listQueries(verbose, entries);
  retrieval(entries, verbose);
}
if (process.argv.includes('--json')) console.log(JSON.stringify(summary, null, 2));
else printSummary();
