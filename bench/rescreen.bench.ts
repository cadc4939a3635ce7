/**
 * npm run bench:rescreen — on a fresh PostgreSQL database with the bundled DPRK lists: enrols
 * 100,000 monitored subjects, imports a new version of the curated list that names a few of them,
 * and times the monitoring run that re-screens them all, beside the single-request path
 * (sequential POST /v1/screenings through a listening server) measured in the same process.
 *
 * How the subjects are enrolled (say it in the output too): 1,000 through POST /v1/screenings one
 * at a time (they are the baseline) and 1,000 through one POST /v1/screenings/batch; the rest are
 * bulk-inserted with what screening would store for them: the input redacted with the real keyed
 * hash, a clear decision sealed into the tenant's hash chain with the real chain function, link
 * keys. A sample of the bulk profiles is first evaluated with the real evaluator (lookups
 * included) and must come out clear with no hits, so the seeded decisions are the real ones.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { nodeSha256 } from '../src/audit/node-sha256.js';
import { openDatabase, queryRows } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { findActiveRuleset } from '../src/db/repositories/rulesets.repository.js';
import { sealDecision } from '../src/domain/audit/chain-record.js';
import { evaluateRuleset } from '../src/domain/rules/evaluate.js';
import { nameKeyOf } from '../src/domain/rules/name-similarity.js';
import type { ScreeningSubject } from '../src/domain/rules/screening-subject.js';
import { linkKeysOf } from '../src/domain/rules/subject-lookups.js';
import { redactForStorage } from '../src/domain/rules/subject-redaction.js';
import { buildApp } from '../src/http/app.js';
import { bootstrapIfEmpty } from '../src/services/bootstrap.service.js';
import { createKeyedHash } from '../src/services/keyed-hash.service.js';
import { importListFromPaths, SEED_DIR, seedBundledListsIfEmpty } from '../src/services/list-import.service.js';
import { ListIndexHolder } from '../src/services/list-index.service.js';
import { answerLookupsFor } from '../src/services/screening.service.js';
import { canonicalDigest } from '../src/shared/hashing.js';
import { createBenchDatabase, fmt, trackPeakRss } from './support.js';

const TOTAL = Number(process.env.BENCH_SUBJECTS ?? 100_000);
/** What starts the run: a new list version (a delta check for most) or a new ruleset (everyone in full). */
const TRIGGER = process.env.BENCH_TRIGGER === 'ruleset' ? 'ruleset' : 'list';
/** Issue 21: a full re-screen of 100,000 subjects after a ruleset change within 120 s. */
const GOAL_SECONDS = 120;
const GOAL_SUBJECTS = 100_000;
const SINGLE = Math.min(1000, Math.floor(TOTAL / 10));
const BATCH = Math.min(1000, Math.floor(TOTAL / 10));
const BULK = TOTAL - SINGLE - BATCH;
/** The new list version names these people; every 100th bulk subject is one of them. */
const TRIGGER_NAMES = ['Marcus Holloway', 'Greta Lindqvist', 'Tobias Renner', 'Ines Carvalho', 'Oskar Wendt', 'Lucia Ferraro', 'Piotr Zawadzki', 'Hanna Kowalczyk', 'Elias Brandt', 'Sofia Marchetti'];
const EVERY = 100;
const SAMPLE = 500;

const FIRST = ['Alice', 'Bruno', 'Clara', 'Daniel', 'Elena', 'Felix', 'Greta', 'Hugo', 'Irene', 'Jonas', 'Karla', 'Lukas', 'Marta', 'Niklas', 'Olivia', 'Pablo', 'Quentin', 'Rosa', 'Stefan', 'Tamara', 'Ulrich', 'Vera', 'Walter', 'Xenia', 'Yusuf', 'Zoe', 'Anton', 'Beatriz', 'Carlos', 'Dagmar', 'Emil', 'Frida', 'Gustav', 'Helga', 'Igor', 'Julia', 'Klaus', 'Lena', 'Mateo', 'Nora', 'Oscar', 'Paula', 'Rafael', 'Sara', 'Tomas', 'Ursula', 'Viktor', 'Wanda', 'Xavier', 'Yvonne'];
const MIDDLE = ['Anne', 'Beth', 'Carl', 'Dean', 'Eve', 'Finn', 'Gail', 'Hans', 'Ivy', 'Jude', 'Kurt', 'Lynn', 'Mae', 'Ned', 'Orla', 'Pia', 'Quinn', 'Rhea', 'Seth', 'Tess', 'Uma', 'Vic', 'Wes', 'Xia', 'Yara', 'Zane', 'Amos', 'Bea', 'Cole', 'Dora', 'Eli', 'Fay', 'Gus', 'Hal', 'Ike', 'Joy', 'Kai', 'Liv', 'Max', 'Noa'];
const LAST = ['Anderson', 'Bergstrom', 'Castillo', 'Dubois', 'Eriksen', 'Fischer', 'Gallagher', 'Hartmann', 'Iversen', 'Jansen', 'Keller', 'Lambert', 'Moreau', 'Nilsson', 'Oliveira', 'Petersen', 'Quinlan', 'Richter', 'Schneider', 'Thomsen', 'Ulrichsen', 'Vasquez', 'Weber', 'Xanthos', 'Young', 'Zimmermann', 'Abbott', 'Baker', 'Carter', 'Dawson', 'Ellis', 'Foster', 'Graham', 'Hughes', 'Irving', 'Jenkins', 'Kennedy', 'Lawson', 'Mitchell', 'Newton', 'Owens', 'Parker', 'Quincy', 'Reynolds', 'Sullivan', 'Turner', 'Underwood', 'Vaughn', 'Walsh', 'Yates', 'Almeida', 'Barros', 'Cardoso', 'Duarte', 'Esteves', 'Fonseca', 'Goncalves', 'Henriques', 'Lopes', 'Machado', 'Nogueira', 'Pereira', 'Queiroz', 'Ramos', 'Santos', 'Teixeira', 'Valente', 'Ventura', 'Lindgren', 'Holm', 'Sandberg', 'Lund', 'Dahl', 'Berg', 'Strand', 'Moen', 'Haugen', 'Bakken', 'Solberg', 'Kristiansen', 'Novak', 'Horvat', 'Kovac', 'Babic', 'Maric', 'Juric', 'Vukovic', 'Knezevic', 'Markovic', 'Petrovic', 'Wojcik', 'Kaminski', 'Lewandowski', 'Zielinski', 'Szymanski', 'Wozniak', 'Dabrowski', 'Kozlowski', 'Jankowski', 'Mazur'];
const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'PL', 'BR', 'CA', 'NL', 'SE', 'ES'];
const EMPLOYERS = ['Northwind Traders', 'Contoso Analytics', 'Fabrikam Studio', 'Tailspin Systems', 'Adventure Works', 'Litware Labs'];

/** A profile an HR system would send; distinct names for the first 200,000 indices. */
function profile(index: number, prefix: string): ScreeningSubject {
  const country = COUNTRIES[index % COUNTRIES.length]!;
  const name =
    prefix === 'bulk' && index % EVERY === 0
      ? TRIGGER_NAMES[(index / EVERY) % TRIGGER_NAMES.length]!
      : `${FIRST[index % FIRST.length]} ${MIDDLE[Math.floor(index / FIRST.length) % MIDDLE.length]} ${LAST[Math.floor(index / (FIRST.length * MIDDLE.length)) % LAST.length]}`;
  return {
    externalRef: `${prefix}-${index}`,
    name,
    nationality: country,
    claimedLocation: { country },
    emails: [`${prefix}.${index}@mail.example.com`],
    employment: [{ employer: EMPLOYERS[index % EMPLOYERS.length]! }],
  };
}

const seconds = (ms: number) => ms / 1000;

/** BENCH_PROFILE=1: a CPU profile of this process's main thread (the service and its worker) during the run. */
async function startProfile() {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(folder: string) {
      const { profile } = await session.post('Profiler.stop');
      const file = path.join(tmpdir(), `rescreen-${path.basename(folder)}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
      return file;
    },
  };
}

/** The ruleset change the ruleset trigger publishes: one weight, so the ruleset is new and nothing else differs. */
const RULESET_CHANGE = 'list-name-match weight one point lower';

/** A new ruleset version through the API (draft from the active one, one rule changed, published). */
async function publishRuleset(base: string, headers: Record<string, string>): Promise<{ id: string; version: number }> {
  const call = async (method: string, route: string, body: unknown) => {
    const response = await fetch(`${base}${route}`, { method, headers, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { id: string; version: number; rules: { key: string; weight: number }[] };
  };
  const draft = await call('POST', '/v1/rulesets/drafts', { from: 'active' });
  const weight = draft.rules.find((rule) => rule.key === 'list-name-match')!.weight;
  await call('PATCH', `/v1/rulesets/${draft.version}/rules/list-name-match`, { weight: Math.max(0, weight - 1) });
  const published = await call('POST', `/v1/rulesets/${draft.version}/publish`, {});
  return { id: published.id, version: published.version };
}

/** A new version of the curated list naming the trigger people, through the CLI's import path. */
async function importTriggerList(database: Awaited<ReturnType<typeof openDatabase>>, workDir: string): Promise<{ id: string; version: number }> {
  const curated = JSON.parse(readFileSync(path.join(SEED_DIR, 'redflag-curated.json'), 'utf8')) as { generatedAt: string; entries: unknown[] };
  curated.generatedAt = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  curated.entries.push(
    ...TRIGGER_NAMES.map((name, index) => {
      const [first, last] = name.split(' ');
      return { sourceId: `RF-${9000 + index}`, type: 'individual', name: `${last!.toUpperCase()}, ${first}`, sources: [{ document: 'bench fixture', date: '2026-11-25', reliability: 'P' }] };
    }),
  );
  const listFile = path.join(workDir, 'redflag-curated.json');
  writeFileSync(listFile, JSON.stringify(curated));
  const imported = await importListFromPaths(database.db, { source: 'redflag-curated', format: 'redflag-json', paths: [listFile], importedBy: 'bench' });
  return { id: imported.version.id, version: imported.version.version };
}

/** CPU ms (user + system) of a process so far, from /proc (0 when it is gone or not Linux). */
function processCpuMs(pid: string): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

/**
 * CPU of the PostgreSQL backends serving one database, sampled every 500 ms (a backend that
 * exits between two samples loses at most its last 500 ms): the server must be local; the
 * backends are found by their process title, which names the database.
 */
function trackDatabaseCpu(database: string) {
  const first = new Map<string, number>();
  const last = new Map<string, number>();
  const others = new Set<string>();
  const sample = () => {
    let pids: string[] = [];
    try {
      pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
    } catch {
      return;
    }
    for (const pid of pids) {
      if (others.has(pid)) continue;
      let title = '';
      try {
        title = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        continue;
      }
      // Not PostgreSQL at all: never looked at again (pids are rarely reused within a run). A
      // backend just forked has no database in its title yet: it is looked at again.
      if (!title.startsWith('postgres:')) others.add(pid);
      if (!title.startsWith('postgres:') || !title.includes(` ${database} `)) continue;
      const used = processCpuMs(pid);
      if (!first.has(pid)) first.set(pid, used);
      last.set(pid, used);
    }
  };
  const timer = setInterval(sample, 500);
  timer.unref();
  return {
    reset() {
      first.clear();
      last.clear();
      sample();
    },
    /** CPU ms the backends used since `reset` (those born after it count from zero). */
    usedMs(sinceReset: { bornBefore: Set<string> }) {
      sample();
      let total = 0;
      for (const [pid, used] of last) total += used - (sinceReset.bornBefore.has(pid) ? first.get(pid)! : 0);
      return total;
    },
    pids: () => new Set(first.keys()),
    stop: () => clearInterval(timer),
  };
}
const memory = trackPeakRss();
const target = await createBenchDatabase();
const database = await openDatabase({ kind: 'postgres', url: target.url, poolSize: 12 });
const workDir = mkdtempSync(path.join(tmpdir(), 'redflag-rescreen-bench-'));
let app: Awaited<ReturnType<typeof buildApp>> | undefined;
try {
  await runMigrations(database);
  const bootstrap = await bootstrapIfEmpty(database.db, {});
  if (!bootstrap.created) throw new Error('expected a fresh database');
  const seeded = await seedBundledListsIfEmpty(database.db, 'dprk');
  const listEntries = seeded.reduce((sum, outcome) => sum + (outcome.version.counts.entries ?? 0), 0);
  const tenantId = (await queryRows<{ id: string }>(database, sql`select id from tenants where slug = 'default'`))[0]!.id;

  // The service as it runs in production, listening; its worker runs the monitoring run later.
  app = await buildApp({ database, logLevel: 'warn', listRefreshMs: 1000, rateLimitPerMinute: 0 });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const headers = { Authorization: `Bearer ${bootstrap.apiKey}`, 'Content-Type': 'application/json' };

  // Baseline: the single-request path, one POST after another.
  let started = performance.now();
  for (let index = 0; index < SINGLE; index += 1) {
    const response = await fetch(`${base}/v1/screenings`, { method: 'POST', headers, body: JSON.stringify({ subject: profile(index, 'single'), monitor: true }) });
    if (response.status !== 201) throw new Error(`screening failed: ${response.status} ${await response.text()}`);
  }
  const singleSeconds = seconds(performance.now() - started);

  started = performance.now();
  const items = Array.from({ length: BATCH }, (_, index) => ({ subject: profile(index, 'batch'), monitor: true }));
  const batchResponse = await fetch(`${base}/v1/screenings/batch`, { method: 'POST', headers, body: JSON.stringify({ items }) });
  const batchBody = (await batchResponse.json()) as { results: { status: number }[] };
  if (batchBody.results.filter((result) => result.status === 201).length !== BATCH) throw new Error(`batch failed: ${JSON.stringify(batchBody).slice(0, 500)}`);
  const batchSeconds = seconds(performance.now() - started);

  // Bulk profiles: a sample through the real evaluator first (lookups answered by the database).
  const keyedHash = await createKeyedHash(database.db, undefined);
  const lists = new ListIndexHolder();
  await lists.refresh(database.db);
  const snapshot = lists.current();
  const ruleset = (await findActiveRuleset(database.db, tenantId))!;
  const sampleIndices = [...Array.from({ length: SAMPLE }, (_, n) => Math.floor((n * BULK) / SAMPLE) + 1), ...Array.from({ length: 20 }, (_, n) => n * EVERY)];
  started = performance.now();
  for (const index of sampleIndices) {
    const subject = profile(index, 'bulk');
    const answers = await answerLookupsFor({ db: database.db, keyedHash }, { tenantId, subject }, snapshot.versions.map((ref) => ref.versionId));
    const evaluation = evaluateRuleset(subject, ruleset, { searchNames: (query, options) => snapshot.searchNames(query, options), ...answers });
    if (evaluation.outcome !== 'clear' || evaluation.score !== 0 || evaluation.hits.length > 0) {
      throw new Error(`bulk profile ${index} does not screen clear: ${JSON.stringify(evaluation).slice(0, 400)}`);
    }
  }
  const sampleMs = (performance.now() - started) / sampleIndices.length;

  // Bulk insert, continuing the tenant's chain under its head lock, like appendDecision does.
  started = performance.now();
  await database.db.transaction(async (tx) => {
    const [head] = await queryRows<{ sequence: string; hash: string; lastCreatedAt: string | Date }>(
      { db: tx },
      sql`select sequence, hash, last_created_at as "lastCreatedAt" from audit_chain_heads where tenant_id = ${tenantId} for update`,
    );
    let chain = { sequence: Number(head!.sequence), hash: head!.hash };
    const createdAt = new Date(Math.max(Date.now(), new Date(head!.lastCreatedAt).getTime())).toISOString();
    const CHUNK = 2000;
    for (let start = 0; start < BULK; start += CHUNK) {
      const subjects = [];
      const decisions = [];
      const keys = [];
      for (let index = start; index < Math.min(BULK, start + CHUNK); index += 1) {
        const subject = profile(index, 'bulk');
        const subjectId = uuidv7();
        const decisionId = uuidv7();
        const input = { subject: redactForStorage(subject, keyedHash) };
        const draft = {
          id: decisionId,
          tenantId,
          externalRef: subject.externalRef ?? null,
          outcome: 'clear',
          score: 0,
          hits: [],
          rulesetVersion: ruleset.version,
          listVersions: snapshot.versions,
          inputDigest: canonicalDigest(input),
          createdAt,
        };
        const sealed = sealDecision(draft, chain, nodeSha256);
        chain = { sequence: sealed.sequence, hash: sealed.hash };
        subjects.push({ id: subjectId, externalRef: subject.externalRef, lastDecisionId: decisionId });
        decisions.push({ ...draft, rulesetId: ruleset.id, input, subjectId, sequence: sealed.sequence, prevHash: sealed.prevHash, hash: sealed.hash });
        for (const key of linkKeysOf(subject, keyedHash)) keys.push({ subjectId, decisionId, kind: key.kind, key: key.key, field: key.field, display: key.display, nameKey: nameKeyOf(subject.name) });
      }
      await tx.execute(sql`insert into subjects (id, tenant_id, external_ref, monitored, last_decision_id, created_at, updated_at)
        select v.id, ${tenantId}, v."externalRef", true, v."lastDecisionId", ${createdAt}, ${createdAt}
        from json_to_recordset(${JSON.stringify(subjects)}::json) as v(id uuid, "externalRef" text, "lastDecisionId" uuid)`);
      await tx.execute(sql`insert into decisions (id, tenant_id, external_ref, outcome, score, hits, ruleset_id, ruleset_version, list_versions, input, input_digest, subject_id, sequence, prev_hash, hash, created_at)
        select v.id, v."tenantId", v."externalRef", v.outcome, v.score, v.hits, v."rulesetId", v."rulesetVersion", v."listVersions", v.input, v."inputDigest", v."subjectId", v.sequence, v."prevHash", v.hash, v."createdAt"
        from json_to_recordset(${JSON.stringify(decisions)}::json) as v(id uuid, "tenantId" uuid, "externalRef" text, outcome text, score int, hits jsonb, "rulesetId" uuid,
          "rulesetVersion" int, "listVersions" jsonb, input jsonb, "inputDigest" text, "subjectId" uuid, sequence bigint, "prevHash" text, hash text, "createdAt" timestamptz)`);
      await tx.execute(sql`insert into subject_link_keys (tenant_id, subject_id, kind, key, name_key, field, display, decision_id, created_at)
        select ${tenantId}, v."subjectId", v.kind, v.key, v."nameKey", v.field, v.display, v."decisionId", ${createdAt}
        from json_to_recordset(${JSON.stringify(keys)}::json) as v("subjectId" uuid, kind text, key text, "nameKey" text, field text, display text, "decisionId" uuid)`);
    }
    await tx.execute(sql`update audit_chain_heads set sequence = ${chain.sequence}, hash = ${chain.hash}, last_created_at = ${createdAt} where tenant_id = ${tenantId}`);
  });
  await database.db.execute(sql`analyze`);
  const bulkSeconds = seconds(performance.now() - started);

  // The trigger: a new version of the curated list (the CLI's import path) or a new ruleset (the API's).
  const databaseName = new URL(target.url).pathname.slice(1);
  const databaseCpu = trackDatabaseCpu(databaseName);
  memory.reset();
  databaseCpu.reset();
  const backendsBefore = { bornBefore: databaseCpu.pids() };
  const profiler = process.env.BENCH_PROFILE ? await startProfile() : undefined;
  const nodeCpuBefore = process.cpuUsage();
  const importedAt = performance.now();
  const triggered = TRIGGER === 'ruleset' ? await publishRuleset(base, headers) : await importTriggerList(database, workDir);
  const triggerMatch = TRIGGER === 'ruleset' ? sql`trigger->>'rulesetId' = ${triggered.id}` : sql`trigger->>'versionId' = ${triggered.id}`;

  let run: { id: string; status: string; total: number; createdAt: string | Date; completedAt: string | Date | null } | undefined;
  for (;;) {
    [run] = await queryRows(database, sql`select id, status, total, created_at as "createdAt", completed_at as "completedAt" from monitoring_runs where ${triggerMatch}`);
    if (run?.status === 'completed') break;
    if (performance.now() - importedAt > 3_600_000) throw new Error('the run did not complete within 60 minutes');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const nodeCpu = process.cpuUsage(nodeCpuBefore);
  const profileFile = profiler ? await profiler.stop(workDir) : undefined;
  const databaseCpuMs = databaseCpu.usedMs(backendsBefore);
  databaseCpu.stop();
  const endToEnd = seconds(performance.now() - importedAt);
  const runSeconds = seconds(new Date(run.completedAt!).getTime() - new Date(run.createdAt).getTime());
  const counts = await queryRows<{ status: string; method: string | null; count: number }>(
    database,
    sql`select status, method, count(*)::int as count from monitoring_work_items where run_id = ${run.id} group by status, method order by status, method`,
  );
  const count = (status: string, method?: string) => counts.filter((row) => row.status === status && (method === undefined || row.method === method)).reduce((sum, row) => sum + row.count, 0);
  // Bulk subjects are sealed as clear without being screened (only a sample is), so a bulk name that
  // really matches a listed one is clear only on paper and any full re-screen tells the truth. Each
  // changed subject is screened again here with the ruleset it was seeded under: one that is not
  // clear is accounted for; anything else is a real unexpected change.
  const changedSubjects = await queryRows<{ externalRef: string; hits: { ruleId: string }[] }>(
    database,
    sql`select s.external_ref as "externalRef", d.hits from monitoring_work_items w join subjects s on s.id = w.subject_id
        join decisions d on d.id = w.new_decision_id where w.run_id = ${run.id} and w.status = 'changed' order by s.external_ref`,
  );
  const seededWrongly = [];
  for (const changed of changedSubjects) {
    const [prefix, index] = changed.externalRef.split('-');
    if (prefix !== 'bulk') continue;
    const subject = profile(Number(index), 'bulk');
    const answers = await answerLookupsFor({ db: database.db, keyedHash }, { tenantId, subject }, snapshot.versions.map((ref) => ref.versionId));
    const evaluation = evaluateRuleset(subject, ruleset, { searchNames: (query, options) => snapshot.searchNames(query, options), ...answers });
    if (evaluation.outcome !== 'clear' || evaluation.hits.length > 0) seededWrongly.push(`${changed.externalRef} (${[...new Set(changed.hits.map((hit) => hit.ruleId))].join(', ')})`);
  }
  const expectedChanged = (TRIGGER === 'ruleset' ? 0 : Math.ceil(BULK / EVERY)) + seededWrongly.length;
  const nodeCpuSeconds = (nodeCpu.user + nodeCpu.system) / 1e6;
  const databaseCpuSeconds = databaseCpuMs / 1000;

  const singleRate = SINGLE / singleSeconds;
  const rescreenRate = run.total / runSeconds;
  const lines = [
    `bench:rescreen (PostgreSQL, fresh database; bundled DPRK lists, ${fmt(listEntries)} entries; default ruleset; trigger: ${TRIGGER})`,
    `  enrolled ${fmt(TOTAL)} monitored subjects:`,
    `    ${fmt(SINGLE)} by sequential POST /v1/screenings and ${fmt(BATCH)} by one POST /v1/screenings/batch (the real path);`,
    `    ${fmt(BULK)} bulk-inserted in ${fmt(bulkSeconds, 1)} s: inputs redacted with the real keyed hash, clear decisions sealed into the hash chain`,
    `    with the real chain function, link keys; ${sampleIndices.length} of them first screened by the real evaluator: all clear, no hits (${fmt(sampleMs, 1)} ms each)`,
    `  baseline: ${fmt(SINGLE)} sequential POST /v1/screenings (listening server)   ${fmt(singleSeconds, 1)} s   ${fmt(singleRate, 1)} req/s`,
    `  batch:    one POST /v1/screenings/batch of ${fmt(BATCH)}                      ${fmt(batchSeconds, 1)} s   ${fmt(BATCH / batchSeconds, 1)} profiles/s`,
    TRIGGER === 'ruleset'
      ? `  trigger:  ruleset version ${triggered.version} published through the API (${RULESET_CHANGE}; no enrolled subject has a hit it weighs, so none should change)`
      : `  trigger:  redflag-curated version ${triggered.version} (+${TRIGGER_NAMES.length} entries naming ${fmt(expectedChanged)} subjects), imported with the CLI's import path`,
    `  run:      ${fmt(run.total)} subjects re-screened in ${fmt(runSeconds, 1)} s (run created → completed)   ${fmt(rescreenRate)} subjects/s`,
    `            goal (issue 21): ${fmt(GOAL_SUBJECTS)} subjects after a ruleset change in ≤ ${GOAL_SECONDS} s, i.e. ≥ ${fmt(GOAL_SUBJECTS / GOAL_SECONDS)} subjects/s;` +
      ` at this rate ${fmt(GOAL_SUBJECTS)} take ${fmt(GOAL_SUBJECTS / rescreenRate, 0)} s${run.total === GOAL_SUBJECTS ? '' : ' (extrapolated linearly)'}`,
    `            CPU from trigger to completion: service process ${fmt(nodeCpuSeconds, 1)} s (main + evaluation thread + this bench's polling),` +
      ` PostgreSQL backends ${fmt(databaseCpuSeconds, 1)} s = ${fmt(((nodeCpuSeconds + databaseCpuSeconds) * 1000) / run.total, 2)} ms per subject` +
      ` (${fmt((nodeCpuSeconds * 1000) / run.total, 2)} + ${fmt((databaseCpuSeconds * 1000) / run.total, 2)})`,
    `            trigger → completed ${fmt(endToEnd, 1)} s (includes the worker's poll, a list's settle delay, and polling); peak RSS ${memory.peakMb()} MB; load average ${loadavg().map((load) => load.toFixed(1)).join(' ')}`,
    `            changed ${fmt(count('changed'))} (expected ${fmt(expectedChanged)}; each a new decision and a case), unchanged ${fmt(count('unchanged'))}, skipped ${fmt(count('skipped'))}, failed ${fmt(count('failed'))}`,
    ...(seededWrongly.length > 0
      ? [`            of which ${fmt(seededWrongly.length)} bulk subjects were sealed clear unscreened but their own screening is not: ${seededWrongly.join('; ')}`]
      : []),
    `            checked as a list delta only: ${fmt(count('unchanged', 'delta'))}; screened again in full: ${fmt(count('changed', 'full') + count('unchanged', 'full'))}`,
    `  ratio: re-screen ${fmt(rescreenRate)} subjects/s / single requests ${fmt(singleRate, 1)} req/s = ${fmt(rescreenRate / singleRate, 1)}x;`,
    `         ${fmt(run.total)} single requests would take about ${fmt(run.total / singleRate / 60, 0)} min`,
  ];
  if (profileFile) lines.push(`  CPU profile of the main thread from trigger to completion: ${profileFile}`);
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  memory.stop();
  await app?.close();
  await database.close();
  await target.drop();
  rmSync(workDir, { recursive: true, force: true });
}
