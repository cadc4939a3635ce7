import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { uuidv7 } from 'uuidv7';
import type { Db } from '../db/client.js';
import { recordAuditEvent } from '../db/repositories/audit.repository.js';
import {
  claimFetchLease,
  findDueSources,
  findFetchStates,
  findUnreportedStaleCandidates,
  markStaleReported,
  recordFetchFailure,
  recordFetchSuccess,
  registerFetchSources,
  releaseFetchLease,
  renewFetchLease,
} from '../db/repositories/list-fetch.repository.js';
import { ageHours, freshAsOf, isStale, type SourceFreshness } from '../domain/lists/list-age.js';
import { downloadListFile, type DownloadResult, type FetchValidators } from '../lists/list-download.js';
import type { ListFile } from '../lists/list-import.types.js';
import { parseListFiles } from '../lists/parse-list.js';
import type { ListIndexHolder } from './list-index.service.js';
import type { ListSourceConfig } from './list-sources.config.js';
import { listSources, storeParsedList } from './lists.service.js';
import { enqueueGlobalWebhookEvent } from './webhooks.service.js';
import type { LastFetchView, ListSourceView } from '../http/schemas/lists.schemas.js';

/**
 * Keeps the configured lists current without a person (LIST_SOURCES_FILE): each source is
 * downloaded when due, by one instance at a time (a lease row on the database clock, which works
 * on PGlite as on PostgreSQL), and stored through the same path as a manual import, so versions,
 * diffs, the index refresh and monitoring behave as they do for an import. A download that fails
 * or that the importer refuses keeps the active version, is recorded, and sends list.fetch_failed.
 */

export interface ListFetchDeps {
  db: Db;
  /** Business clock, for list ages and the staleness check. */
  now: () => Date;
  /** Rebuilt at once after a new version; other instances notice within LIST_REFRESH_SECONDS. */
  lists?: ListIndexHolder;
  /** Called after webhook deliveries were queued, so the dispatcher sends them now. */
  onWebhooksQueued?: () => void;
  log?: { info(object: object, message: string): void; warn(object: object, message: string): void };
}

export interface ListFetchOptions {
  /** Tries per file, with a backoff doubling from `backoffBaseMs`. */
  attempts: number;
  backoffBaseMs: number;
  /** Per try of one file. */
  timeoutMs: number;
  /** How long a source stays taken without the heartbeat of the instance fetching it. */
  leaseMs: number;
  /** After a failed fetch, the next comes after this, doubled per failure in a row, at most the interval. */
  failureRetryBaseMs: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  signal?: AbortSignal;
}

export const DEFAULT_LIST_FETCH_OPTIONS: ListFetchOptions = {
  attempts: 3,
  backoffBaseMs: 5_000,
  timeoutMs: 300_000,
  leaseMs: 120_000,
  failureRetryBaseMs: 300_000,
};

export const LIST_FETCH_ACTOR = 'system:list-fetch';

export interface FetchOutcome {
  source: string;
  /** `skipped`: not due, or another instance is fetching it. */
  result: 'new_version' | 'unchanged' | 'failed' | 'skipped';
  version?: number;
  versionId?: string;
  /** Every file answered 304 Not Modified. */
  notModified?: boolean;
  error?: string;
}

/** Records the configured sources in the database (new ones are due at once). */
export async function registerListSources(db: Db, sources: readonly ListSourceConfig[]): Promise<void> {
  await registerFetchSources(
    db,
    sources.map((source) => ({ source: source.source, format: source.format, everyMinutes: source.everyMinutes, maxAgeHours: source.maxAgeHours ?? null })),
  );
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Downloads every file, unconditionally for those named in `fresh`. */
async function downloadAll(config: ListSourceConfig, dir: string, validators: Record<string, FetchValidators>, options: ListFetchOptions, fresh: ReadonlySet<string>) {
  const results: DownloadResult[] = [];
  for (const [index, url] of config.urls.entries()) {
    results.push(await downloadListFile(url, index, dir, fresh.has(url) ? undefined : validators[url], options));
  }
  return results;
}

/**
 * One fetch of one source. `force` fetches even when not due (the CLI); a source another
 * instance holds is skipped either way.
 */
export async function fetchListSource(deps: ListFetchDeps, config: ListSourceConfig, options: ListFetchOptions, run: { force?: boolean } = {}): Promise<FetchOutcome> {
  const owner = uuidv7();
  const state = await claimFetchLease(deps.db, { source: config.source, owner, leaseMs: options.leaseMs, force: run.force ?? false });
  if (!state) return { source: config.source, result: 'skipped' };
  const heartbeat = setInterval(() => {
    renewFetchLease(deps.db, { source: config.source, owner, leaseMs: options.leaseMs }).catch(() => undefined);
  }, Math.max(1000, options.leaseMs / 3));
  heartbeat.unref();
  const dir = await mkdtemp(path.join(tmpdir(), 'redflag-fetch-'));
  const files: ListFile[] = [];
  try {
    let results = await downloadAll(config, dir, state.validators, options, new Set());
    const unchanged = results.filter((result) => result.status === 'not_modified').map((result) => result.url);
    if (unchanged.length === results.length && state.lastVersionId) {
      const row = await recordFetchSuccess(deps.db, { source: config.source, owner, result: 'unchanged', versionId: state.lastVersionId, validators: state.validators, everyMinutes: config.everyMinutes });
      deps.log?.info({ source: config.source }, 'list fetch: not modified');
      return { source: config.source, result: 'unchanged', notModified: true, versionId: state.lastVersionId, ...(row ? {} : { error: 'lease lost' }) };
    }
    // Some files changed: the others are needed too, and a 304 carries no body.
    if (unchanged.length > 0) results = await downloadAll(config, dir, state.validators, options, new Set(config.urls));

    const validators: Record<string, FetchValidators> = {};
    for (const result of results) {
      if (result.status !== 'downloaded') throw new Error(`${result.url} answered 304 to an unconditional request`);
      files.push({ name: result.name, stream: createReadStream(result.file) });
      validators[result.url] = result.validators;
    }
    const parsed = await parseListFiles(config.format, files, { ...(config.datasets ? { datasets: config.datasets } : {}), ...(config.regimes ? { regimes: config.regimes } : {}) });
    const outcome = await storeParsedList(deps.db, { source: config.source, parsed, importedBy: LIST_FETCH_ACTOR, ...(config.dprkOnly ? { selection: 'dprk' as const } : {}) });
    const result = outcome.created ? 'new_version' : 'unchanged';
    await recordFetchSuccess(deps.db, { source: config.source, owner, result, versionId: outcome.version.id, validators, everyMinutes: config.everyMinutes });
    if (outcome.created) {
      await deps.lists?.refresh(deps.db).catch((error: unknown) => deps.log?.warn({ err: { message: errorText(error) } }, 'list index refresh failed'));
    }
    deps.log?.info({ source: config.source, version: outcome.version.version, result }, 'list fetched');
    return { source: config.source, result, version: outcome.version.version, versionId: outcome.version.id };
  } catch (error) {
    // Stopping is not the list's failure: the source is left for the next round, unreported.
    if (options.signal?.aborted) {
      await releaseFetchLease(deps.db, { source: config.source, owner });
      return { source: config.source, result: 'skipped' };
    }
    const message = errorText(error);
    await recordFailure(deps, config, { owner, message, retryBaseMs: options.failureRetryBaseMs });
    return { source: config.source, result: 'failed', error: message };
  } finally {
    clearInterval(heartbeat);
    for (const file of files) file.stream.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The failure, its audit event and its list.fetch_failed deliveries commit together. */
async function recordFailure(deps: ListFetchDeps, config: ListSourceConfig, failure: { owner: string; message: string; retryBaseMs: number }) {
  const { owner, message, retryBaseMs } = failure;
  deps.log?.warn({ source: config.source, error: message }, 'list fetch failed; the active version stays');
  const queued = await deps.db.transaction(async (tx) => {
    const row = await recordFetchFailure(tx, { source: config.source, owner, error: message, everyMinutes: config.everyMinutes, retryBaseMs });
    if (!row) return 0; // the lease ran out and another instance took over: its outcome counts
    // The version of the last good fetch stays active (unless replaced by hand since).
    const data = { source: config.source, error: message, failures: row.failures, keptVersionId: row.lastVersionId, nextRunAt: new Date(row.nextRunAt).toISOString() };
    await recordAuditEvent(tx, { tenantId: null, actor: LIST_FETCH_ACTOR, action: 'list.fetch_failed', targetType: 'list_source', targetId: config.source, details: data });
    return enqueueGlobalWebhookEvent(tx, { event: 'list.fetch_failed', data, now: deps.now().toISOString() });
  });
  if (queued > 0) deps.onWebhooksQueued?.();
}

const asDate = (value: string | Date | null) => (value === null ? undefined : new Date(value));

/** Raises list.stale, once per spell, for configured sources not current for their maxAgeHours. */
export async function checkListStaleness(deps: ListFetchDeps, sources: readonly ListSourceConfig[]): Promise<string[]> {
  const configured = new Set(sources.filter((source) => source.maxAgeHours !== undefined).map((source) => source.source));
  const at = deps.now();
  const raised: string[] = [];
  for (const row of await findUnreportedStaleCandidates(deps.db)) {
    if (!configured.has(row.source)) continue;
    const importedAt = asDate(row.importedAt);
    const lastSuccessAt = asDate(row.lastSuccessAt);
    const freshness: SourceFreshness = {
      ...(importedAt ? { importedAt } : {}),
      ...(lastSuccessAt ? { lastSuccessAt } : {}),
      lastSuccessConfirmsActive: row.lastVersionId !== null && row.lastVersionId === row.activeVersionId,
      registeredAt: new Date(row.registeredAt),
    };
    if (!isStale(freshness, row.maxAgeHours, at)) continue;
    const current = freshAsOf(freshness);
    const data = {
      source: row.source,
      activeVersion: row.activeVersion,
      activeVersionId: row.activeVersionId,
      currentAsOf: current.toISOString(),
      ageHours: ageHours(current, at),
      maxAgeHours: row.maxAgeHours,
    };
    const queued = await deps.db.transaction(async (tx) => {
      if (!(await markStaleReported(tx, row.source))) return undefined;
      await recordAuditEvent(tx, { tenantId: null, actor: LIST_FETCH_ACTOR, action: 'list.stale', targetType: 'list_source', targetId: row.source, details: data });
      return enqueueGlobalWebhookEvent(tx, { event: 'list.stale', data, now: at.toISOString() });
    });
    if (queued === undefined) continue;
    raised.push(row.source);
    deps.log?.warn(data, 'list is stale');
    if (queued > 0) deps.onWebhooksQueued?.();
  }
  return raised;
}

export interface ListFetchWorker {
  start(): void;
  /** Stops the timer, aborts downloads in flight and waits for the current round. */
  stop(): Promise<void>;
  /** One round: the staleness check, then every due source, one after the other. */
  runOnce(): Promise<FetchOutcome[]>;
}

export function createListFetchWorker(deps: ListFetchDeps, sources: readonly ListSourceConfig[], options: ListFetchOptions & { pollMs: number }): ListFetchWorker {
  const stopController = new AbortController();
  const fetchOptions = { ...options, signal: options.signal ? AbortSignal.any([options.signal, stopController.signal]) : stopController.signal };
  const byName = new Map(sources.map((source) => [source.source, source]));
  let registered: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<FetchOutcome[]> | undefined;
  let stopped = false;

  async function runOnce(): Promise<FetchOutcome[]> {
    registered ??= registerListSources(deps.db, sources);
    await registered;
    await checkListStaleness(deps, sources);
    const outcomes: FetchOutcome[] = [];
    for (const name of await findDueSources(deps.db, [...byName.keys()])) {
      const config = byName.get(name);
      if (stopped || !config) break;
      outcomes.push(await fetchListSource(deps, config, fetchOptions));
    }
    return outcomes;
  }

  function tick() {
    if (round || stopped) return;
    round = runOnce()
      .catch((error: unknown) => {
        registered = undefined;
        if (!stopped) deps.log?.warn({ err: { message: errorText(error) } }, 'list fetch round failed');
        return [];
      })
      .finally(() => {
        round = undefined;
      });
  }

  return {
    start() {
      if (timer || stopped || sources.length === 0) return;
      timer = setInterval(tick, options.pollMs);
      timer.unref();
      tick();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      stopController.abort();
      await round;
    },
    runOnce,
  };
}

/**
 * GET /v1/lists: every source with its active version's age and, for fetched sources, the last
 * fetch and whether the list is stale. A configured source without any version yet (its first
 * fetch failed) is listed too.
 */
export async function listSourcesWithStatus(db: Db, now: Date): Promise<ListSourceView[]> {
  const [sources, states] = await Promise.all([listSources(db), findFetchStates(db)]);
  const stateOf = new Map(states.map((state) => [state.state.source, state]));
  const items = sources.map((source) => ({ ...source, state: stateOf.get(source.source) }));
  for (const state of states) {
    if (!sources.some((source) => source.source === state.state.source)) {
      items.push({ source: state.state.source, name: state.state.source, format: state.state.format, activeVersion: null, activeVersionId: null, contentDigest: null, counts: {}, importedAt: null, state });
    }
  }
  items.sort((a, b) => a.source.localeCompare(b.source));
  return items.map(({ state, ...source }) => {
    const importedAt = source.importedAt ? new Date(source.importedAt) : undefined;
    const row = state?.state;
    const lastSuccessAt = row?.lastSuccessAt ? new Date(row.lastSuccessAt) : undefined;
    const freshness: SourceFreshness | undefined = row
      ? { ...(importedAt ? { importedAt } : {}), ...(lastSuccessAt ? { lastSuccessAt } : {}), lastSuccessConfirmsActive: row.lastVersionId !== null && row.lastVersionId === source.activeVersionId, registeredAt: new Date(row.createdAt) }
      : importedAt && { importedAt, lastSuccessConfirmsActive: false, registeredAt: importedAt };
    const lastFetch: LastFetchView | null =
      state && row?.lastFetchAt && row.lastResult
        ? { at: new Date(row.lastFetchAt).toISOString(), result: row.lastResult as LastFetchView['result'], version: state.lastVersion, error: row.lastError, nextRunAt: new Date(row.nextRunAt).toISOString() }
        : null;
    return {
      ...source,
      ageHours: importedAt ? ageHours(importedAt, now) : null,
      currentAsOf: freshness ? freshAsOf(freshness).toISOString() : null,
      maxAgeHours: row?.maxAgeHours ?? null,
      stale: row?.maxAgeHours != null && freshness !== undefined ? isStale(freshness, row.maxAgeHours, now) : false,
      everyMinutes: row?.everyMinutes ?? null,
      nextFetchAt: row ? new Date(row.nextRunAt).toISOString() : null,
      lastFetch,
    };
  });
}
