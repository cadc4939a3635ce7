/**
 * Whole-profile evaluation (issue 18 item 8). Screens the labelled profiles of
 * tests/eval/profiles.json, in order, through the real app (Fastify, services, PGlite, the bundled
 * lists, the IP database, retroactive link alerts) once per ruleset:
 *  - `current`: the default ruleset a new tenant gets today (src/domain/rules/default-ruleset.ts);
 *  - `previous`: the default ruleset before issue 18 item 1, kept as data in
 *    tests/eval/previous-default-ruleset.json so the comparison stays reproducible.
 * Each ruleset has a tenant of its own on one database, so links never cross between them. After
 * the last screening the monitoring worker is let finish the link runs, and each profile is
 * judged by its subject's latest decision (a farm's first member included).
 *
 * Prints, per category and overall: block/review/clear rates, recall on bad profiles (review or
 * block), the false-alert and block rates on benign ones, precision, and the profiles whose
 * outcome is outside their expected band. Then the current default as a draft of the `previous`
 * tenant, dry-run over that tenant's stored decisions: which outcomes it would change.
 *
 * Run: npm run eval:profiles [-- --seed dprk] [-- --verbose] [-- --json]
 * `--seed dprk` loads the DPRK-related selection of the bundled lists (faster); the default is
 * the full bundled lists, which a new installation loads.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { openDatabase, queryRows, type Database } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { insertPublishedRuleset, listRulesetVersions } from '../src/db/repositories/rulesets.repository.js';
import { findTenantBySlug } from '../src/db/repositories/tenancy.repository.js';
import type { Combination } from '../src/domain/rules/evidence-combination.js';
import type { Rule, Ruleset } from '../src/domain/rules/ruleset.js';
import { buildApp } from '../src/http/app.js';
import { createApiKey } from '../src/services/api-keys.service.js';
import { bootstrapIfEmpty } from '../src/services/bootstrap.service.js';
import { seedBundledListsIfEmpty } from '../src/services/list-import.service.js';
import { createTenant } from '../src/services/tenants.service.js';
import { captureLogs } from '../tests/helpers/test-app.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argument = (name: string) => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
const verbose = process.argv.includes('--verbose');
const asJson = process.argv.includes('--json');
const seed = argument('--seed') === 'dprk' ? 'dprk' : 'full';

interface Profile {
  id: string;
  label: 'bad' | 'benign';
  category: string;
  expected: 'clear' | 'flag' | 'block';
  citation: string[];
  note: string;
  before?: Record<string, unknown> & { externalRef: string };
  subject: Record<string, unknown> & { externalRef: string };
}
type Outcome = 'clear' | 'review' | 'block';
interface Judged {
  profile: Profile;
  outcome: Outcome;
  score: number;
  rules: string[];
}

const { profiles } = JSON.parse(readFileSync(path.join(repoRoot, 'tests/eval/profiles.json'), 'utf8')) as { profiles: Profile[] };
const previousDefault = JSON.parse(readFileSync(path.join(repoRoot, 'tests/eval/previous-default-ruleset.json'), 'utf8')) as Pick<Ruleset, 'thresholds'> & { rules: Omit<Rule, 'version'>[]; combination?: Combination };

const log = (line: string) => {
  if (!asJson) process.stdout.write(`${line}\n`);
};

async function prepare(database: Database) {
  await runMigrations(database);
  const started = Date.now();
  await seedBundledListsIfEmpty(database.db, seed);
  log(`bundled lists (${seed}) loaded in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  await bootstrapIfEmpty(database.db, {});
  await createTenant(database.db, { slug: 'previous', name: 'Previous default ruleset', createdBy: 'eval' });
  const previous = await findTenantBySlug(database.db, 'previous');
  await insertPublishedRuleset(database.db, { tenantId: previous!.id, version: 2, createdBy: 'eval', ...previousDefault });
  const key = async (tenantSlug: string, roles: string[]) => (await createApiKey(database.db, { tenantSlug, roles, owner: 'eval:profiles' })).key;
  return {
    current: await key('default', ['screener', 'rules_admin']),
    previous: await key('previous', ['screener', 'rules_admin']),
  };
}

type App = Awaited<ReturnType<typeof buildApp>>;

async function send(app: App, key: string, method: 'POST' | 'GET', url: string, payload?: unknown) {
  const response = await app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload === undefined ? {} : { payload: payload as object }) });
  if (response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
  return response.json() as Record<string, unknown>;
}

async function screenAll(app: App, key: string) {
  for (const profile of profiles) {
    if (profile.before) await send(app, key, 'POST', '/v1/screenings', { subject: profile.before });
    await send(app, key, 'POST', '/v1/screenings', { subject: profile.subject });
  }
}

/** Waits until no monitoring work is pending (the link runs the screenings queued). */
async function settle(database: Database) {
  for (let quiet = 0; quiet < 3; ) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const [row] = await queryRows<{ pending: number }>(database, sql`select count(*)::int as pending from monitoring_work_items where status = 'pending'`);
    quiet = row!.pending === 0 ? quiet + 1 : 0;
  }
}

async function latestDecisions(database: Database, tenantSlug: string): Promise<Map<string, { outcome: Outcome; score: number; hits: { ruleId: string; points: number }[] }>> {
  const rows = await queryRows<{ external_ref: string; outcome: Outcome; score: number; hits: { ruleId: string; points: number }[] }>(
    database,
    sql`select distinct on (d.external_ref) d.external_ref, d.outcome, d.score, d.hits
          from decisions d join tenants t on t.id = d.tenant_id
         where t.slug = ${tenantSlug} and d.external_ref is not null
         order by d.external_ref, d.sequence desc`,
  );
  return new Map(rows.map((row) => [row.external_ref, row]));
}

function judge(decisions: Awaited<ReturnType<typeof latestDecisions>>): Judged[] {
  return profiles.map((profile) => {
    const decision = decisions.get(profile.subject.externalRef);
    if (!decision) throw new Error(`no decision for ${profile.id}`);
    const rules = [...new Set(decision.hits.filter((hit) => hit.points > 0).map((hit) => hit.ruleId))];
    return { profile, outcome: decision.outcome, score: decision.score, rules };
  });
}

const pct = (part: number, whole: number) => (whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)}%`);

interface Figures {
  n: number;
  block: number;
  review: number;
  clear: number;
  /** bad: review or block; benign: not clear. */
  flagged: number;
  inBand: number;
}

function figuresOf(judged: Judged[]): Figures {
  const count = (outcome: Outcome) => judged.filter((item) => item.outcome === outcome).length;
  const inBand = judged.filter(({ profile, outcome }) => (profile.expected === 'clear' ? outcome === 'clear' : profile.expected === 'block' ? outcome === 'block' : outcome !== 'clear')).length;
  return { n: judged.length, block: count('block'), review: count('review'), clear: count('clear'), flagged: judged.length - count('clear'), inBand };
}

function summaryOf(judged: Judged[]) {
  const bad = figuresOf(judged.filter((item) => item.profile.label === 'bad'));
  const benign = figuresOf(judged.filter((item) => item.profile.label === 'benign'));
  return {
    recallOnBad: bad.flagged / bad.n,
    falseAlertRateOnBenign: benign.flagged / benign.n,
    benignBlocked: benign.block,
    precision: bad.flagged + benign.flagged === 0 ? 1 : bad.flagged / (bad.flagged + benign.flagged),
    inExpectedBand: (bad.inBand + benign.inBand) / judged.length,
    bad,
    benign,
  };
}

function printTable(name: string, judged: Judged[]) {
  log(`\n## ${name}`);
  log('| label | category | n | block | review | clear | flagged | in expected band |');
  log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  const keys = [...new Set(judged.map((item) => `${item.profile.label}\u0000${item.profile.category}`))];
  for (const key of keys) {
    const [label, category] = key.split('\u0000');
    const f = figuresOf(judged.filter((item) => item.profile.label === label && item.profile.category === category));
    log(`| ${label} | ${category} | ${f.n} | ${pct(f.block, f.n)} | ${pct(f.review, f.n)} | ${pct(f.clear, f.n)} | ${f.flagged}/${f.n} | ${f.inBand}/${f.n} |`);
  }
  const s = summaryOf(judged);
  log(`| **bad** | all | ${s.bad.n} | ${pct(s.bad.block, s.bad.n)} | ${pct(s.bad.review, s.bad.n)} | ${pct(s.bad.clear, s.bad.n)} | ${s.bad.flagged}/${s.bad.n} | ${s.bad.inBand}/${s.bad.n} |`);
  log(`| **benign** | all | ${s.benign.n} | ${pct(s.benign.block, s.benign.n)} | ${pct(s.benign.review, s.benign.n)} | ${pct(s.benign.clear, s.benign.n)} | ${s.benign.flagged}/${s.benign.n} | ${s.benign.inBand}/${s.benign.n} |`);
  log(`recall on bad (review+block) ${pct(s.bad.flagged, s.bad.n)}; false alerts on benign ${pct(s.benign.flagged, s.benign.n)} (blocked ${s.benign.block}); precision ${pct(s.bad.flagged, s.bad.flagged + s.benign.flagged)}`);
  const misses = judged.filter((item) => !(item.profile.expected === 'clear' ? item.outcome === 'clear' : item.profile.expected === 'block' ? item.outcome === 'block' : item.outcome !== 'clear'));
  if (misses.length > 0) log(`outside the expected band: ${misses.map((item) => `${item.profile.id} (${item.outcome} ${item.score}${verbose ? `: ${item.rules.join(', ')}` : ''})`).join('; ')}`);
}

/** The current default as a draft of the `previous` tenant, dry-run over its stored decisions. */
async function dryRunCurrentDefault(app: App, key: string) {
  const draft = await send(app, key, 'POST', '/v1/rulesets/drafts', { from: 'default' });
  const report = await send(app, key, 'POST', `/v1/rulesets/${String(draft.version)}/dry-run`, { limit: 1000 });
  return report;
}

interface DryRun {
  evaluated: number;
  unchanged: number;
  changed: number;
  changes: { externalRef: string | null; before: { outcome: Outcome; score: number }; after: { outcome: Outcome; score: number } }[];
}

function printDryRun(report: DryRun) {
  log(`\n## the current default as a draft of tenant previous, dry-run over its ${report.evaluated} latest stored decisions`);
  log(`unchanged ${report.unchanged}, changed ${report.changed} (score or outcome)`);
  const labelOf = new Map(profiles.map((profile) => [profile.subject.externalRef, profile.label]));
  const moves = new Map<string, number>();
  for (const change of report.changes) {
    if (change.before.outcome === change.after.outcome) continue;
    const key = `${labelOf.get(change.externalRef ?? '') ?? '?'}: ${change.before.outcome} -> ${change.after.outcome}`;
    moves.set(key, (moves.get(key) ?? 0) + 1);
  }
  for (const [move, count] of [...moves].sort()) log(`- ${move}: ${count}`);
}

async function main() {
  const database = await openDatabase({ kind: 'pglite' });
  const keys = await prepare(database);
  const { stream } = captureLogs();
  const app = await buildApp({ database, logStream: stream, listRefreshMs: 0, retentionCheckMs: 0, monitoring: { pollMs: 100, listSettleMs: 0 } });
  await app.ready();
  const results: Record<string, ReturnType<typeof summaryOf>> = {};
  try {
    for (const [name, tenant, key] of [['previous default ruleset', 'previous', keys.previous], ['current default ruleset', 'default', keys.current]] as const) {
      const started = Date.now();
      await screenAll(app, key);
      await settle(database);
      const judged = judge(await latestDecisions(database, tenant));
      printTable(`${name} (${((Date.now() - started) / 1000).toFixed(0)} s)`, judged);
      results[tenant] = summaryOf(judged);
    }
    const versions = await listRulesetVersions(database.db, (await findTenantBySlug(database.db, 'default'))!.id);
    log(`\ncurrent default: ruleset version ${versions[0]!.version} of tenant default`);
    const dryRun = await dryRunCurrentDefault(app, keys.previous);
    printDryRun(dryRun as unknown as DryRun);
    if (asJson) process.stdout.write(`${JSON.stringify({ results, dryRun }, null, 1)}\n`);
  } finally {
    await app.close();
    await database.close();
  }
}

await main();
