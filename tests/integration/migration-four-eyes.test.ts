import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { nodeSha256 } from '../../src/audit/node-sha256.js';
import { queryRows } from '../../src/db/client.js';
import { MIGRATIONS_FOLDER, runMigrations } from '../../src/db/migrate.js';
import { decisions } from '../../src/db/schema/index.js';
import { sealDecision } from '../../src/domain/audit/chain-record.js';
import { canonicalDigest } from '../../src/shared/hashing.js';
import { listEntry, loadTestList } from '../helpers/list-fixtures.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/**
 * The issue-16 migration over data written before it: keys get an owner (their label, or
 * "unknown") and, when an API key made them, their lineage; a remembered false positive (a whole
 * list entry) becomes the name-hit evidence its case held, and nothing else.
 */
/** Found by name, not number: migrations are renumbered when branches merge. */
const MIGRATION = 'four_eyes_people_and_evidence';
let dir: string;
let database: TestDatabase;
const ids = { tenant: '', alice: uuidv7(), unlabelled: uuidv7(), blank: uuidv7(), subject: uuidv7(), decision: uuidv7(), caseId: uuidv7(), closing: uuidv7() };

beforeAll(async () => {
  // The migrations as they were before this one.
  dir = await mkdtemp(path.join(tmpdir(), 'redflag-migrations-'));
  await mkdir(path.join(dir, 'meta'));
  const journal = JSON.parse(await readFile(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  const index = journal.entries.findIndex((entry) => entry.tag.endsWith(`_${MIGRATION}`));
  expect(index).toBeGreaterThan(0);
  const before = journal.entries.slice(0, index);
  await writeFile(path.join(dir, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries: before }));
  for (const file of await readdir(MIGRATIONS_FOLDER)) {
    if (before.some((entry) => `${entry.tag}.sql` === file)) await copyFile(path.join(MIGRATIONS_FOLDER, file), path.join(dir, file));
  }
  database = await createTestDatabase({ migrationsFolder: dir });
  const { db } = database;

  // Rows written with the schema of the time (today's services write columns added later).
  ids.tenant = uuidv7();
  await db.execute(sql`insert into tenants (id, slug, name) values (${ids.tenant}, 'default', 'Default')`);
  await db.execute(
    sql`insert into rulesets (id, tenant_id, version, status, thresholds, created_by, published_at) values (${uuidv7()}, ${ids.tenant}, 1, 'published', '{"review":40,"block":80}', 'test', now())`,
  );
  const key = (id: string, label: string | null) =>
    db.execute(sql`insert into api_keys (id, tenant_id, key_hash, key_prefix, label, roles) values (${id}, ${ids.tenant}, ${`hash-${id}`}, 'rf_test', ${label}, '{admin}')`);
  await key(ids.alice, 'Alice Kim');
  await key(ids.unlabelled, null);
  await key(ids.blank, '   ');
  await db.execute(
    sql`insert into audit_events (id, tenant_id, actor, action, target_type, target_id, details) values (${uuidv7()}, ${ids.tenant}, ${`api-key:${ids.alice}`}, 'api_key.created', 'api_key', ${ids.blank}, '{}')`,
  );

  const version = await loadTestList(db, 'mig-list', [listEntry({ sourceId: 'M-1', name: 'KIM, Sang Man' })]);
  const [entry] = await queryRows<{ id: string; content_hash: string }>(database, sql`select id, content_hash from list_entries where list_version_id = ${version.id}`);
  const ref = { id: entry!.id, source: 'mig-list', sourceId: 'M-1', name: 'KIM, Sang Man' };
  const nameHit = { ruleId: 'list-name-match', ruleVersion: 1, indicatorIds: ['LIST-SDN-PERSON'], points: 55, field: '/subject/name', value: 'Sang Man Kim', matchedName: 'KIM, Sang Man', entry: ref, similarity: 0.912 };
  const hits = [
    nameHit,
    { ...nameHit, similarity: 0.9, points: 0 },
    { ...nameHit, ruleId: 'list-name-strict', forcesBlock: true },
    { ...nameHit, field: '/subject/aliases/0', value: 'Kim S.', points: 0, previouslyCleared: true },
    { ruleId: 'list-contact-match', ruleVersion: 1, indicatorIds: ['LIST-IDENTIFIER'], points: 100, field: '/subject/emails/0', value: 's***@x.example', entry: ref, similarity: 1, forcesBlock: true },
  ];

  const [ruleset] = await queryRows<{ id: string }>(database, sql`select id from rulesets where tenant_id = ${ids.tenant}`);
  const createdAt = '2026-01-05T10:00:00.000Z';
  await db.execute(sql`insert into subjects (id, tenant_id, external_ref) values (${ids.subject}, ${ids.tenant}, 'mig-1')`);
  const draft = {
    id: ids.decision,
    tenantId: ids.tenant,
    externalRef: 'mig-1',
    outcome: 'review',
    score: 55,
    hits,
    rulesetId: ruleset!.id,
    rulesetVersion: 1,
    listVersions: [{ source: 'mig-list', versionId: version.id, version: 1, contentDigest: 'f'.repeat(64) }],
    input: { subject: { externalRef: 'mig-1', name: 'Sang Man Kim' } },
    inputDigest: canonicalDigest({ subject: { externalRef: 'mig-1', name: 'Sang Man Kim' } }),
    createdAt,
  };
  const seal = sealDecision(draft, null, nodeSha256);
  await db.insert(decisions).values({ ...draft, subjectId: ids.subject, sequence: seal.sequence, prevHash: seal.prevHash, hash: seal.hash });
  await db.execute(
    sql`insert into cases (id, tenant_id, subject_id, status, outcome, score, disposition, opened_at, updated_at, closed_at)
        values (${ids.caseId}, ${ids.tenant}, ${ids.subject}, 'closed', 'review', 55, 'false_positive', ${createdAt}, ${createdAt}, ${createdAt})`,
  );
  await db.execute(sql`insert into case_decisions (case_id, decision_id, added_at) values (${ids.caseId}, ${ids.decision}, ${createdAt})`);
  await db.execute(
    sql`insert into case_events (id, case_id, tenant_id, type, actor, data, created_at)
        values (${ids.closing}, ${ids.caseId}, ${ids.tenant}, 'disposed', ${`api-key:${ids.alice}`}, ${JSON.stringify({ disposition: 'false_positive', note: 'n' })}::jsonb, ${createdAt})`,
  );
  await db.execute(
    sql`insert into false_positives (tenant_id, subject_id, source, source_id, entry_content_hash, case_id, cleared_by, cleared_at)
        values (${ids.tenant}, ${ids.subject}, 'mig-list', 'M-1', ${entry!.content_hash}, ${ids.caseId}, ${`api-key:${ids.alice}`}, ${createdAt})`,
  );

  await runMigrations(database);
});

afterAll(async () => {
  await database?.destroy();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe(`migration ${MIGRATION} over existing data`, () => {
  test('every key gets an owner: its label, or "unknown"; a key an API key made names it', async () => {
    const rows = await queryRows<{ id: string; owner: string; created_by_key_id: string | null }>(database, sql`select id, owner, created_by_key_id from api_keys`);
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get(ids.alice)).toMatchObject({ owner: 'Alice Kim', created_by_key_id: null });
    expect(byId.get(ids.unlabelled)).toMatchObject({ owner: 'unknown', created_by_key_id: null });
    expect(byId.get(ids.blank)).toMatchObject({ owner: 'unknown', created_by_key_id: ids.alice });
  });

  test('a remembered entry becomes the name-hit evidence its case held, at the highest similarity, under the closing event', async () => {
    const rows = await queryRows<Record<string, unknown>>(
      database,
      sql`select source, source_id, rule_id, field, value_digest, similarity, case_id, disposition_event_id, withdrawn_at from false_positives`,
    );
    expect(rows).toEqual([
      {
        source: 'mig-list',
        source_id: 'M-1',
        rule_id: 'list-name-match',
        field: '/subject/name',
        value_digest: createHash('sha256').update('Sang Man Kim\u001fKIM, Sang Man').digest('hex'),
        similarity: 912,
        case_id: ids.caseId,
        disposition_event_id: ids.closing,
        withdrawn_at: null,
      },
    ]);
  });
});
