import { sql } from 'drizzle-orm';
import request from 'supertest';
import type { FastifyInstance } from 'fastify';
import { queryRows, type Database } from '../../src/db/client.js';
import type { MonitoringRunView } from '../../src/http/schemas/monitoring.schemas.js';
import { bearer } from './test-app.js';

/** A run as GET /v1/monitoring/runs lists it. */
export type RunView = MonitoringRunView;

/** Polls GET /v1/monitoring/runs until a completed run matches `predicate`. */
export async function waitForRun(app: FastifyInstance, key: string, predicate: (run: RunView) => boolean, timeoutMs = 15_000): Promise<RunView> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const response = await request(app.server).get('/v1/monitoring/runs').set(bearer(key));
    last = response.body;
    const run = (response.body.items as RunView[] | undefined)?.find(predicate);
    if (run?.status === 'completed') return run;
    if (Date.now() > deadline) throw new Error(`no completed run matched in time; last page: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const listRun = (source: string, version: number) => (run: RunView) => run.trigger.kind === 'list_version' && run.trigger.source === source && run.trigger.version === version;

/** Per subject of a run: how its item ended and who processed it (straight from the table). */
export async function runItems(database: Pick<Database, 'db'>, runId: string) {
  return queryRows<{ subjectId: string; status: string; processedBy: string | null; newDecisionId: string | null; attempts: number }>(
    database,
    sql`select subject_id as "subjectId", status, processed_by as "processedBy", new_decision_id as "newDecisionId", attempts
        from monitoring_work_items where run_id = ${runId}`,
  );
}

export async function decisionCountsBySubject(database: Pick<Database, 'db'>) {
  const rows = await queryRows<{ externalRef: string; decisions: number }>(
    database,
    sql`select s.external_ref as "externalRef", count(d.id)::int as decisions from subjects s join decisions d on d.subject_id = s.id group by s.external_ref`,
  );
  return new Map(rows.map((row) => [row.externalRef, row.decisions]));
}
