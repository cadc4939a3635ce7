/**
 * Name-matching benchmark (issue #4): the 2024-05-03 SDN set with aliases plus the UN
 * consolidated list, 1,000 mixed queries. Prints index build time, heap, per-query p50/p99,
 * beside plain fuse.js over every name in the same run.
 *
 * Run: npm run bench:match   (node --expose-gc --import tsx bench/match.bench.ts)
 * Without --expose-gc the heap figures include garbage and are marked as such.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fuse from 'fuse.js';
import { buildMatchIndex, searchIndex, type IndexableEntry } from '../src/domain/screening/index.js';
import { loadSdnAndUn } from '../tests/eval/list-loader.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sharedDir = path.resolve(repoRoot, '..', 'shared');
const QUERIES = 1000;
const WARMUP = 200;
/** Plain fuse.js over ~39k names takes tens of ms a query; a sample keeps the run short. */
const BASELINE_QUERIES = Number(process.env.BASELINE_QUERIES ?? 200);

const gc = (globalThis as { gc?: () => void }).gc;
function heapMb(): number {
  gc?.();
  return process.memoryUsage().heapUsed / 1e6;
}

/** Small deterministic PRNG (mulberry32) so every run uses the same queries. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KOREAN_SWAPS: Readonly<Record<string, string>> = {
  RI: 'Lee', PAK: 'Park', CHOE: 'Choi', JONG: 'Chong', CHOL: 'Cheol', KIM: 'Gim', KYONG: 'Gyeong', YONG: 'Young', O: 'Oh', SIN: 'Shin',
};
const FIRST = ['John', 'Maria', 'Ahmed', 'Olga', 'Wei', 'Carlos', 'Fatima', 'Peter', 'Anna', 'Luis', 'Sofia', 'David'];
const LAST = ['Smith', 'Garcia', 'Muller', 'Novak', 'Tanaka', 'Okafor', 'Johansson', 'Rossi', 'Dubois', 'Kowalski', 'Silva', 'Brown'];

function makeQueries(entries: readonly IndexableEntry[]): string[] {
  const rand = prng(20240503);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const out: string[] = [];
  for (let i = 0; i < QUERIES; i++) {
    const entry = pick(entries);
    const name = entry.names.length > 0 ? pick(entry.names).full : entry.name;
    switch (i % 6) {
      case 0:
        out.push(name);
        break;
      case 1: // reordered "LAST, First" → "First Last"
        out.push(name.includes(',') ? name.split(',').reverse().join(' ').trim() : name.split(' ').reverse().join(' '));
        break;
      case 2: {
        // one adjacent transposition in the longest word
        const words = name.split(' ');
        const longest = words.reduce((a, b) => (b.length > a.length ? b : a), '');
        const at = Math.max(1, Math.floor(rand() * (longest.length - 1)));
        const typo = longest.length > 3 ? longest.slice(0, at - 1) + longest[at] + longest[at - 1] + longest.slice(at + 1) : longest;
        out.push(words.map((w) => (w === longest ? typo : w)).join(' '));
        break;
      }
      case 3: // romanisation variants of Korean syllables (no-ops on other names)
        out.push(name.split(/([ ,-]+)/).map((w) => KOREAN_SWAPS[w.toUpperCase()] ?? w).join(''));
        break;
      case 4: // a person who is on no list
        out.push(`${pick(FIRST)} ${pick(LAST)}`);
        break;
      default: // company suffix variation
        out.push(`${name.replace(/,? (CO\.?,? LTD\.?|LIMITED|LLC|CORPORATION|COMPANY)$/i, '')} Co., Ltd.`);
    }
  }
  return out;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function timings(label: string, samples: number[]): void {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  console.log(
    `${label.padEnd(30)} n=${String(samples.length).padStart(4)}  p50 ${percentile(sorted, 50).toFixed(3)} ms  p99 ${percentile(sorted, 99).toFixed(3)} ms  max ${sorted[sorted.length - 1]!.toFixed(3)} ms  mean ${mean.toFixed(3)} ms`,
  );
}

async function main(): Promise<void> {
  const { entries } = await loadSdnAndUn(sharedDir);
  const names = entries.reduce((n, e) => n + Math.max(1, e.names.length), 0);
  console.log(`machine: ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`lists: ${entries.length} entries, ${names} names (SDN 2024-05-03 with aliases + UN consolidated)`);
  if (!gc) console.log('(no --expose-gc: heap figures include uncollected garbage)');
  const queries = makeQueries(entries);

  const heapBefore = heapMb();
  let t = performance.now();
  const buildCpu = process.cpuUsage();
  const index = buildMatchIndex(entries);
  const buildMs = performance.now() - t;
  const buildCpuUsed = process.cpuUsage(buildCpu);
  const heapAfter = heapMb();
  // Two more builds (discarded) give a best-of-3 figure that a busy machine distorts less.
  let bestBuildMs = buildMs;
  for (let i = 0; i < 2; i++) {
    t = performance.now();
    buildMatchIndex(entries);
    bestBuildMs = Math.min(bestBuildMs, performance.now() - t);
  }
  console.log(
    `\nredflag index: build ${(buildMs / 1000).toFixed(2)} s wall first, ${(bestBuildMs / 1000).toFixed(2)} s best of 3, ${((buildCpuUsed.user + buildCpuUsed.system) / 1e6).toFixed(2)} s CPU (incl. GC threads); ${index.stats.names} names, ${index.stats.vocabulary} index terms`,
  );
  console.log(`  heap: index ${(heapAfter - heapBefore).toFixed(0)} MB, process total ${heapAfter.toFixed(0)} MB (entries included)`);

  for (const q of queries.slice(0, WARMUP)) searchIndex(index, { name: q });
  const ours: number[] = [];
  const oursCpu: number[] = [];
  let hits = 0;
  for (const q of queries) {
    const cpu = process.cpuUsage();
    t = performance.now();
    const results = searchIndex(index, { name: q });
    ours.push(performance.now() - t);
    const used = process.cpuUsage(cpu);
    oursCpu.push((used.user + used.system) / 1000);
    if (results.length > 0) hits++;
  }
  timings('redflag searchIndex (wall)', ours);
  // On a shared machine wall time includes waiting for a core; CPU time is the query's own.
  timings('redflag searchIndex (CPU)', oursCpu);
  // Each query twice more; its fastest run filters out scheduler preemption but keeps every
  // algorithmic worst case (a slow query is slow in all three runs).
  const bestOf3 = [...ours];
  for (let round = 0; round < 2; round++) {
    queries.forEach((q, i) => {
      t = performance.now();
      searchIndex(index, { name: q });
      bestOf3[i] = Math.min(bestOf3[i]!, performance.now() - t);
    });
  }
  timings('redflag searchIndex (best of 3)', bestOf3);
  console.log(`  queries with at least one result: ${hits}/${queries.length}`);
  console.log(`  heap after the queries (per-name caches warmed): ${heapMb().toFixed(0)} MB process total`);

  // Baseline: plain fuse.js over every name, as the project's placeholder index does.
  const all = entries.flatMap((e) => (e.names.length > 0 ? e.names.map((n) => n.full) : [e.name]));
  const heapBeforeFuse = heapMb();
  t = performance.now();
  const fuse = new Fuse(all, { includeScore: true, ignoreLocation: true, threshold: 0.4 });
  const fuseBuildMs = performance.now() - t;
  const heapAfterFuse = heapMb();
  console.log(`\nplain fuse.js: build ${(fuseBuildMs / 1000).toFixed(2)} s, heap ${(heapAfterFuse - heapBeforeFuse).toFixed(0)} MB`);
  const sample = queries.filter((_, i) => i % Math.max(1, Math.floor(QUERIES / BASELINE_QUERIES)) === 0).slice(0, BASELINE_QUERIES);
  for (const q of sample.slice(0, 10)) fuse.search(q, { limit: 10 });
  const base: number[] = [];
  for (const q of sample) {
    t = performance.now();
    fuse.search(q, { limit: 10 });
    base.push(performance.now() - t);
  }
  timings('plain fuse.js (every name)', base);
  console.log('\ngoals (issue #19): p50 ≤ 0.3 ms, p99 ≤ 2 ms (best of 3), build ≤ 2 s, heap ≤ 150 MB');
}

await main();
