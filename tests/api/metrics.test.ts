import { Writable } from 'node:stream';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { buildApp } from '../../src/http/app.js';
import { WATCHLIST, screen } from '../helpers/cases-fixtures.js';
import { loadTestList } from '../helpers/list-fixtures.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
const silent = () => new Writable({ write: (_chunk, _encoding, callback) => callback() });

beforeAll(async () => {
  t = await createTestApp({ beforeBuild: (database) => loadTestList(database.db, 'metrics-watchlist', WATCHLIST).then(() => undefined) });
});
afterAll(() => t.close());

const scrape = async () => {
  const response = await request(t.app.server).get('/metrics').set(bearer(t.keys.operator));
  expect(response.status, response.text).toBe(200);
  return response.text;
};

/** The value of one sample line (`name{labels} value`), or undefined. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}${labels ? `{${labels}}` : ''} `) || (labels === '' && candidate.startsWith(`${name} `)));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

describe('GET /metrics (METRICS=operator, the default)', () => {
  test('needs the operator key: none is 401, a tenant key is 403', async () => {
    expect((await request(t.app.server).get('/metrics')).status).toBe(401);
    const tenant = await request(t.app.server).get('/metrics').set(bearer(t.keys.admin));
    expect(tenant.status).toBe(403);
    expect(tenant.headers['content-type']).toContain('application/problem+json');
  });

  test('counters move after screenings: by outcome, by rule fired, evaluation latency, requests by route template and status', async () => {
    const before = await scrape();
    expect(before).toContain('# TYPE redflag_http_requests_total counter');
    const clear = await screen(t, { externalRef: 'm-1', name: 'Maria Kowalska' });
    const flagged = await screen(t, { externalRef: 'm-2', name: 'Sang Man Kim', nationality: 'KP' });
    expect(clear.outcome).toBe('clear');
    expect(flagged.outcome).not.toBe('clear');
    const after = await scrape();
    expect(sample(after, 'redflag_screenings_total', 'outcome="clear"')).toBe((sample(before, 'redflag_screenings_total', 'outcome="clear"') ?? 0) + 1);
    expect(sample(after, 'redflag_screenings_total', `outcome="${flagged.outcome}"`)).toBe((sample(before, 'redflag_screenings_total', `outcome="${flagged.outcome}"`) ?? 0) + 1);
    const rule = String(flagged.hits[0]!.ruleId);
    expect(sample(after, 'redflag_screening_rule_hits_total', `rule="${rule}"`)).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'redflag_screening_evaluation_duration_seconds_count')).toBe((sample(before, 'redflag_screening_evaluation_duration_seconds_count') ?? 0) + 2);
    expect(sample(after, 'redflag_http_requests_total', 'method="POST",route="/v1/screenings",status="201"')).toBe(2);
    expect(after).toMatch(/redflag_http_request_duration_seconds_bucket\{le="0.5",method="POST",route="\/v1\/screenings",status="201"\} 2/);
    expect(sample(after, 'redflag_audit_chain_decisions')).toBeGreaterThanOrEqual(2);
    expect(sample(after, 'redflag_audit_checkpoint_lag_decisions')).toBeGreaterThanOrEqual(2);
    // No subject data, no URL, no tenant in any label.
    expect(after).not.toMatch(/Kowalska|Sang Man|"m-1"|tenant_id=/i);
  });

  test('scraped from the database: list versions and age, monitoring backlog, webhook deliveries; event-loop lag and the pool', async () => {
    await request(t.app.server).get('/v1/nowhere/12345').set(bearer(t.keys.admin));
    const text = await scrape();
    expect(sample(text, 'redflag_list_active_version', 'source="metrics-watchlist"')).toBe(1);
    expect(sample(text, 'redflag_list_active_version_age_seconds', 'source="metrics-watchlist"')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'redflag_monitoring_queue_depth')).toBe(0);
    expect(sample(text, 'redflag_monitoring_lag_seconds')).toBe(0);
    expect(text).toContain('# TYPE redflag_webhook_deliveries gauge');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    // An unknown path is labelled as unmatched, never by its URL.
    expect(text).toContain('route="unmatched",status="404"');
    expect(text).not.toContain('12345');
    if (t.database.kind === 'postgres') expect(sample(text, 'redflag_db_pool_connections', 'state="total"')).toBeGreaterThanOrEqual(1);
    else expect(text).not.toContain('redflag_db_pool_connections');
  });
});

describe('other METRICS settings', () => {
  test('port:<n> serves the metrics on a listener of their own, without a key, and not on the API port; tenant ids only when asked', async () => {
    let port = 0;
    const app = await buildApp({
      database: t.database,
      logStream: silent(),
      monitoring: false,
      listRefreshMs: 0,
      retentionCheckMs: 0,
      metrics: { mode: { kind: 'port', port: 0, host: '127.0.0.1', onListening: (listening) => (port = listening) }, tenantLabels: true },
    });
    try {
      await app.ready();
      expect(port).toBeGreaterThan(0);
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain');
      const text = await response.text();
      expect(text).toMatch(/redflag_audit_chain_head_sequence\{tenant_id="[0-9a-f-]{36}"\} \d+/);
      expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
      expect((await request(app.server).get('/metrics').set(bearer(t.keys.operator))).status).toBe(404);
    } finally {
      await app.close();
    }
  });

  test('off registers no route', async () => {
    const app = await buildApp({ database: t.database, logStream: silent(), monitoring: false, listRefreshMs: 0, retentionCheckMs: 0, metrics: { mode: { kind: 'off' } } });
    try {
      await app.ready();
      expect((await request(app.server).get('/metrics').set(bearer(t.keys.operator))).status).toBe(404);
    } finally {
      await app.close();
    }
  });

  test('a bad METRICS value stops start-up naming the variable', () => {
    expect(loadConfig({}).METRICS).toBe('operator');
    expect(loadConfig({ METRICS: 'port:9464' }).METRICS).toBe('port:9464');
    for (const value of ['on', 'port:', 'port:70000']) expect(() => loadConfig({ METRICS: value })).toThrow(ConfigError);
    expect(() => loadConfig({ METRICS: 'bogus' })).toThrow(/METRICS/);
  });
});
