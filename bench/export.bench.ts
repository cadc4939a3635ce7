/**
 * npm run bench:export — the decision-log export and chain verification over 1,000,000 decisions
 * on PostgreSQL (a fresh database). The decisions are sealed with the real sealDecision and
 * loaded in large json_to_recordset batches by a child process. Then each phase runs in a fresh
 * child process that starts the app on a port: the export fetched over HTTP (body counted and
 * discarded), the verification of the same range, and the baseline, measured in the same run:
 * the same rows read with the same keyset pages and no formatting, the floor of any export.
 * Peak RSS is sampled in each phase's process (server and client together).
 *
 * Goals (issue #6): export < 60 s, peak RSS < 200 MB, verify < 60 s.
 * BENCH_ROWS overrides the row count (e.g. 100000 for a quick run).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { uuidv7 } from 'uuidv7';
import { nodeSha256 } from '../src/audit/node-sha256.js';
import { openDatabase, queryRows } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { sealDecision, type ChainHead } from '../src/domain/audit/chain-record.js';
import { buildApp } from '../src/http/app.js';
import { bootstrapIfEmpty } from '../src/services/bootstrap.service.js';
import { chainPages } from '../src/services/audit.service.js';
import { canonicalDigest } from '../src/shared/hashing.js';
import { createBenchDatabase, fmt, REPO_ROOT, trackPeakRss } from './support.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const BATCH = 5000;
const BOOTSTRAP_KEY = 'bench-export-admin-key-0123456789abcdef';
const START = Date.parse('2025-01-01T00:00:00.000Z');
/** One decision every 30 s: a million decisions span about a year. */
const STEP_MS = 30_000;

const COLUMNS = [
  ['id', 'uuid'],
  ['tenant_id', 'uuid'],
  ['external_ref', 'text'],
  ['outcome', 'text'],
  ['score', 'integer'],
  ['hits', 'jsonb'],
  ['ruleset_id', 'uuid'],
  ['ruleset_version', 'integer'],
  ['list_versions', 'jsonb'],
  ['input', 'jsonb'],
  ['input_digest', 'text'],
  ['sequence', 'bigint'],
  ['prev_hash', 'text'],
  ['hash', 'text'],
  ['created_at', 'timestamptz'],
] as const;

const FIRST_NAMES = ['Sang Man', 'Jin Hyok', 'Maria', 'Chol Min', 'John', 'Kwang Il', 'Aiko', 'Ahmed', 'Song Il', 'Olena'];
const LAST_NAMES = ['Kim', 'Pak', 'Kowalska', 'Ri', 'Smith', 'Jong', 'Tanaka', 'Hassan', 'Choe', 'Shevchenko'];

/** One or two hits like the name and country rules write, with an explanation. */
function hitsFor(index: number, name: string) {
  const nameHit = {
    ruleId: 'list-name-match',
    ruleVersion: 1,
    indicatorIds: ['sanctions-list-match'],
    points: 20 + (index % 50),
    field: '/subject/name',
    value: name,
    entry: { id: uuidv7(), source: 'ofac-sdn', sourceId: String(10_000 + (index % 9000)), name: `${LAST_NAMES[index % 10]!.toUpperCase()}, ${FIRST_NAMES[(index * 7) % 10]}` },
    similarity: Math.round((0.8 + (index % 200) / 1000) * 1000) / 1000,
    explanation: { method: 'token-set', matchedName: name, tokenScores: [0.9412, 0.8875], birthDate: 'not-compared', nationality: 'not-compared' },
  };
  if (index % 2 === 0) return [nameHit];
  const countryHit = { ruleId: 'dprk-nexus-country', ruleVersion: 1, indicatorIds: ['dprk-nationality'], points: 0, field: '/subject/nationality', value: 'KP' };
  return [nameHit, countryHit];
}

/** Child process: seals and inserts the decisions, prints nothing but progress on stderr. */
async function generate(url: string, tenantId: string, rulesetId: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // Bulk load of throwaway data: no need to wait for each batch to reach the disk.
  await client.query('set synchronous_commit = off');
  const listVersions = [
    { source: 'ofac-sdn', versionId: uuidv7(), version: 3, contentDigest: 'a'.repeat(64) },
    { source: 'un', versionId: uuidv7(), version: 2, contentDigest: 'b'.repeat(64) },
  ];
  const insert = `insert into decisions (${COLUMNS.map(([name]) => name).join(', ')})
    select * from json_to_recordset($1::json) as r(${COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ')})`;
  let previous: ChainHead | null = null;
  let pending: Promise<unknown> = Promise.resolve();
  let lastCreatedAt = '';
  for (let start = 0; start < ROWS; start += BATCH) {
    const batch: Record<string, unknown>[] = [];
    for (let index = start; index < Math.min(ROWS, start + BATCH); index += 1) {
      const name = `${FIRST_NAMES[index % 10]} ${LAST_NAMES[(index * 3) % 10]}`;
      const hits = hitsFor(index, name);
      const score = Math.min(100, hits.reduce((sum, hit) => sum + hit.points, 0));
      const input = { subject: { externalRef: `cand-${index}`, name, nationality: index % 2 === 0 ? 'US' : 'KP', emails: [`person${index}@example.com`] } };
      const createdAt = new Date(START + index * STEP_MS).toISOString();
      const draft = {
        id: uuidv7(),
        tenantId,
        externalRef: `cand-${index}`,
        outcome: score >= 70 ? 'block' : score >= 40 ? 'review' : 'clear',
        score,
        hits,
        rulesetVersion: 1,
        listVersions,
        inputDigest: canonicalDigest(input),
        createdAt,
      };
      const seal = sealDecision(draft, previous, nodeSha256);
      previous = { sequence: seal.sequence, hash: seal.hash };
      lastCreatedAt = createdAt;
      batch.push({
        id: draft.id,
        tenant_id: tenantId,
        external_ref: draft.externalRef,
        outcome: draft.outcome,
        score,
        hits,
        ruleset_id: rulesetId,
        ruleset_version: 1,
        list_versions: listVersions,
        input,
        input_digest: draft.inputDigest,
        sequence: seal.sequence,
        prev_hash: seal.prevHash,
        hash: seal.hash,
        created_at: createdAt,
      });
    }
    // Seal the next batch while PostgreSQL writes this one.
    await pending;
    pending = client.query(insert, [JSON.stringify(batch)]);
    if ((start / BATCH) % 20 === 19) process.stderr.write(`  generated ${fmt(start + batch.length)} decisions\r`);
  }
  await pending;
  const head = previous as ChainHead | null;
  if (head) {
    await client.query(
      `insert into audit_chain_heads (tenant_id, sequence, hash, last_created_at) values ($1, $2, $3, $4)
       on conflict (tenant_id) do update set sequence = excluded.sequence, hash = excluded.hash, last_created_at = excluded.last_created_at`,
      [tenantId, head.sequence, head.hash, lastCreatedAt],
    );
  }
  await client.query('analyze decisions');
  await client.end();
  process.stderr.write('\n');
}

/**
 * The child processes run this file compiled (tsconfig.bench.json), as the service runs in
 * production (`npm start` runs dist/): tsx compiling in-process would add its own memory to every
 * peak RSS. Compiled once per run, in the parent.
 */
async function compileChildren(): Promise<void> {
  const tsc = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const child = spawn(process.execPath, [tsc, '-p', path.join(REPO_ROOT, 'tsconfig.bench.json')], { stdio: 'inherit' });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`compiling the bench for its child processes failed (${code})`);
}

/** Runs this file again, compiled, as a child process with `args`; resolves with its stdout. */
async function runSelf(args: string[]): Promise<string> {
  const compiled = path.join(REPO_ROOT, '.bench-build', 'bench', 'export.bench.js');
  const child = spawn(process.execPath, [compiled, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
  let out = '';
  child.stdout.on('data', (chunk) => (out += String(chunk)));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`${args[0]} exited with ${code}`);
  return out;
}


/** Fetches a URL and counts the body's bytes, keeping only the tail (for the manifest). */
async function download(url: string, key: string): Promise<{ bytes: number; tail: string; status: number }> {
  const response = await fetch(url, { headers: { Authorization: `Bearer ${key}` } });
  let bytes = 0;
  let last: Uint8Array[] = [];
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    last = [last.at(-1) ?? new Uint8Array(), chunk];
  }
  return { bytes, tail: Buffer.concat(last).toString('utf8').slice(-2048), status: response.status };
}

type Phase = 'baseline' | 'csv' | 'ndjson' | 'verify';

interface PhaseResult {
  seconds: number;
  rows: number;
  bytes: number;
  /** HTTP requests made (verification continues over several). */
  requests: number;
  idleMb: number;
  peakMb: number;
}

/**
 * Child process: one measured phase in a fresh process (the app loaded and listening), so each
 * peak RSS is that phase's alone and not what an earlier phase left committed.
 */
async function runPhase(phase: Phase, url: string, tenantId: string): Promise<PhaseResult> {
  const database = await openDatabase({ kind: 'postgres', url });
  const app = await buildApp({ database, logLevel: 'warn', listRefreshMs: 0, retentionCheckMs: 0 });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const idleMb = Math.round(process.memoryUsage().rss / 1024 / 1024);
    const memory = trackPeakRss();
    const started = performance.now();
    let rows = 0;
    let bytes = 0;
    let requests = 1;
    if (phase === 'baseline') {
      // The same keyset pages as the export (same query, case join included), rows only counted.
      for await (const page of chainPages(database.db, { tenantId, afterSequence: 0, upToSequence: Number.MAX_SAFE_INTEGER, withCase: true })) rows += page.length;
    } else if (phase === 'verify') {
      // One request works about ten seconds, then says where the next one continues.
      let after: number | null = null;
      do {
        const response = await fetch(`${base}/v1/audit/verify${after === null ? '' : `?afterSequence=${after}`}`, { headers: { Authorization: `Bearer ${BOOTSTRAP_KEY}` } });
        const report = (await response.json()) as { ok: boolean; checked: number; complete: boolean; nextAfterSequence: number | null };
        if (!report.ok) throw new Error(`verify failed: ${JSON.stringify(report)}`);
        rows += report.checked;
        requests += 1;
        after = report.complete ? null : report.nextAfterSequence;
      } while (after !== null);
    } else {
      const body = await download(`${base}/v1/audit/decisions/export?format=${phase}`, BOOTSTRAP_KEY);
      const manifestRows = /"?rows"?"?:(\d+)/.exec(body.tail.replaceAll('""', '"'))?.[1];
      if (body.status !== 200 || manifestRows === undefined) throw new Error(`export ${phase} failed: status ${body.status}`);
      rows = Number(manifestRows);
      bytes = body.bytes;
    }
    const seconds = (performance.now() - started) / 1000;
    memory.stop();
    return { seconds, rows, bytes, requests, idleMb, peakMb: memory.peakMb() };
  } finally {
    await app.close();
    await database.close();
  }
}

async function main() {
  const target = await createBenchDatabase();
  try {
    const database = await openDatabase({ kind: 'postgres', url: target.url });
    let ids: { tenant_id: string; ruleset_id: string } | undefined;
    try {
      await runMigrations(database);
      await bootstrapIfEmpty(database.db, { bootstrapApiKey: BOOTSTRAP_KEY });
      ids = (
        await queryRows<{ tenant_id: string; ruleset_id: string }>(
          database,
          sql`select t.id as tenant_id, r.id as ruleset_id from tenants t join rulesets r on r.tenant_id = t.id where t.slug = 'default'`,
        )
      )[0];
    } finally {
      await database.close();
    }
    if (!ids) throw new Error('bootstrap made no tenant');

    let started = performance.now();
    await compileChildren();
    await runSelf(['--generate', target.url, ids.tenant_id, ids.ruleset_id]);
    const generateSeconds = (performance.now() - started) / 1000;

    const results = {} as Record<Phase, PhaseResult>;
    for (const phase of ['baseline', 'csv', 'ndjson', 'verify'] as const) {
      results[phase] = JSON.parse(await runSelf(['--phase', phase, target.url, ids.tenant_id])) as PhaseResult;
      if (results[phase].rows !== ROWS) throw new Error(`${phase} saw ${results[phase].rows} rows, expected ${ROWS}`);
    }
    const line = (label: string, result: PhaseResult, goal: string) =>
      `  ${label.padEnd(42)} ${fmt(result.seconds, 2).padStart(7)} s  ${fmt(ROWS / result.seconds).padStart(9)} rows/s  ${result.bytes ? `${fmt(result.bytes / 1024 / 1024)} MB  `.padStart(9) : ''.padStart(9)}peak RSS ${result.peakMb} MB (idle ${result.idleMb} MB)${goal}`;
    const lines = [
      `bench:export (PostgreSQL, fresh database, ${fmt(ROWS)} chained decisions sealed and loaded in ${fmt(generateSeconds, 1)} s; each phase in a fresh process)`,
      line('baseline: same keyset pages, no formatting', results.baseline, ''),
      line('export csv (HTTP, streamed)', results.csv, '   goal < 60 s, < 200 MB'),
      line('export ndjson (HTTP, streamed)', results.ndjson, '   goal < 60 s, < 200 MB'),
      line(`verify (HTTP, ${results.verify.requests} requests, every hash)`, results.verify, '   goal < 60 s'),
      `  ratio to baseline: csv ${fmt(results.csv.seconds / results.baseline.seconds, 1)}x, ndjson ${fmt(results.ndjson.seconds / results.baseline.seconds, 1)}x, verify ${fmt(results.verify.seconds / results.baseline.seconds, 1)}x`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await target.drop();
  }
}

if (process.argv[2] === '--generate') {
  const [url, tenantId, rulesetId] = process.argv.slice(3) as [string, string, string];
  await generate(url, tenantId, rulesetId);
} else if (process.argv[2] === '--phase') {
  const [phase, url, tenantId] = process.argv.slice(3) as [Phase, string, string];
  process.stdout.write(`${JSON.stringify(await runPhase(phase, url, tenantId))}\n`);
} else {
  await main();
}
