import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { uuidv7 } from 'uuidv7';
import type { Db, DbOrTx } from '../db/client.js';
import {
  claimDueDeliveries,
  findDeliveries,
  findSubscribedWebhooks,
  findWebhook,
  findWebhooks,
  findWebhooksOfAllTenants,
  insertDeliveries,
  insertWebhook,
  recordAttempt,
  type AttemptRecord,
  type ClaimedDelivery,
  type DeliveryRow,
  type WebhookRow,
} from '../db/repositories/webhooks.repository.js';
import { AppError, notFound } from '../errors.js';
import { connectLookup, refusedAtRegistration, type ResolveHost } from './webhook-targets.js';
import type { DeliveryView, WebhookView } from '../http/schemas/webhooks.schemas.js';

export const WEBHOOK_EVENTS = ['case.opened', 'case.disposed', 'list.fetch_failed', 'list.stale', 'audit.checkpoint'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const SIGNATURE_HEADER = 'x-redflag-signature';

const iso = (value: string) => new Date(value).toISOString();

function toWebhookView(row: WebhookRow): WebhookView {
  return { id: row.id, url: row.url, events: row.events as WebhookEvent[], createdAt: iso(row.createdAt), disabledAt: row.disabledAt ? iso(row.disabledAt) : null };
}

function toDeliveryView(row: DeliveryRow): DeliveryView {
  return {
    id: row.id,
    webhookId: row.webhookId,
    event: row.event,
    status: row.status as DeliveryView['status'],
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? iso(row.nextAttemptAt) : null,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    attemptLog: row.attemptLog,
    payload: row.payload,
    createdAt: iso(row.createdAt),
  };
}

/**
 * Only plain http(s) URLs without credentials (the secret signs the body, not the URL) and, unless
 * private networks are allowed, not a private address or local name (webhook-targets.ts).
 */
export function checkWebhookUrl(raw: string, options: { allowPrivateNetworks?: boolean } = {}): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError('validation_failed', 'The webhook URL is not a valid URL', [{ field: '/url', message: 'invalid URL' }]);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AppError('validation_failed', 'The webhook URL must use http or https', [{ field: '/url', message: 'only http and https are allowed' }]);
  }
  if (url.username || url.password) {
    throw new AppError('validation_failed', 'The webhook URL must not carry credentials', [{ field: '/url', message: 'remove the user name and password' }]);
  }
  const refused = options.allowPrivateNetworks ? undefined : refusedAtRegistration(url);
  if (refused) {
    throw new AppError('validation_failed', 'The webhook URL must point to a public address', [
      { field: '/url', message: `${refused} (set WEBHOOK_ALLOW_PRIVATE_NETWORKS=true to allow internal targets)` },
    ]);
  }
  return url.toString();
}

export async function createWebhook(
  db: Db,
  input: { tenantId: string; url: string; events: WebhookEvent[]; now: Date; allowPrivateNetworks?: boolean },
): Promise<WebhookView & { secret: string }> {
  const url = checkWebhookUrl(input.url, { allowPrivateNetworks: input.allowPrivateNetworks ?? false });
  // Shown once; stored because signing needs it (a hash could not sign).
  const secret = `whsec_${randomBytes(32).toString('base64url')}`;
  const row = await insertWebhook(db, { id: uuidv7(), tenantId: input.tenantId, url, secret, events: [...new Set(input.events)], createdAt: input.now.toISOString() });
  return { ...toWebhookView(row), secret };
}

export async function listWebhooks(db: Db, tenantId: string): Promise<WebhookView[]> {
  return (await findWebhooks(db, tenantId)).map(toWebhookView);
}

export async function listDeliveries(db: Db, tenantId: string, webhookId: string, page: { limit: number; offset: number }) {
  const hook = await findWebhook(db, tenantId, webhookId);
  if (!hook) throw notFound('Webhook');
  const { total, rows } = await findDeliveries(db, webhookId, page);
  return { total, limit: page.limit, offset: page.offset, items: rows.map(toDeliveryView) };
}

/** What a receiver gets for one event: the same body for every webhook it is delivered to. */
export function webhookPayload(input: { event: WebhookEvent; data: Record<string, unknown>; now: string }) {
  return { id: uuidv7(), event: input.event, createdAt: input.now, data: input.data };
}

/**
 * Queues one delivery per subscribed webhook, in the caller's transaction: the notification
 * exists exactly when the case change it reports was committed.
 */
export async function enqueueWebhookEvent(tx: DbOrTx, input: { tenantId: string; event: WebhookEvent; data: Record<string, unknown>; now: string }): Promise<number> {
  return queueDeliveries(tx, await findSubscribedWebhooks(tx, input.tenantId, input.event), input);
}

/**
 * An event about the global lists (list.fetch_failed, list.stale): every tenant screens against
 * them, so it goes to every tenant's webhooks subscribed to it. Its data names the list only,
 * nothing of any tenant, so the one payload is the same for all.
 */
export async function enqueueGlobalWebhookEvent(tx: DbOrTx, input: { event: WebhookEvent; data: Record<string, unknown>; now: string }): Promise<number> {
  return queueDeliveries(tx, await findWebhooksOfAllTenants(tx, input.event), input);
}

async function queueDeliveries(tx: DbOrTx, hooks: readonly WebhookRow[], input: { event: WebhookEvent; data: Record<string, unknown>; now: string }): Promise<number> {
  if (hooks.length === 0) return 0;
  const payload = webhookPayload(input);
  await insertDeliveries(
    tx,
    hooks.map((hook) => ({
      id: uuidv7(),
      webhookId: hook.id,
      tenantId: hook.tenantId,
      event: input.event,
      payload,
      status: 'pending',
      attempts: 0,
      attemptLog: [],
      createdAt: input.now,
    })),
  );
  return hooks.length;
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`, the scheme receivers verify. */
export function signWebhookBody(secret: string, unixSeconds: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/**
 * What a receiver does: recompute the HMAC over the raw body and compare in constant time, and
 * refuse old timestamps so a captured request cannot be replayed later.
 */
export function verifyWebhookSignature(input: { secret: string; header: string; body: string; nowSeconds: number; toleranceSeconds?: number }): boolean {
  const parts = new Map(input.header.split(',').map((part) => part.split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1') ?? '';
  if (!Number.isInteger(t) || !/^[0-9a-f]{64}$/.test(v1)) return false;
  if (Math.abs(input.nowSeconds - t) > (input.toleranceSeconds ?? 300)) return false;
  const expected = createHmac('sha256', input.secret).update(`${t}.${input.body}`).digest();
  return timingSafeEqual(expected, Buffer.from(v1, 'hex'));
}

/** Delay before the attempt after `attempts` failed ones: base, 2×base, 4×base … */
export function backoffDelayMs(attempts: number, baseMs: number): number {
  return baseMs * 2 ** Math.max(0, attempts - 1);
}

export interface WebhookDispatcherOptions {
  db: Db;
  log?: { warn(object: object, message: string): void };
  /** First retry delay; doubles per attempt. */
  backoffBaseMs?: number;
  /** Attempts before a delivery is marked `failed`. */
  maxAttempts?: number;
  /** Per request. */
  timeoutMs?: number;
  /** How often to look for due deliveries. */
  pollMs?: number;
  batchSize?: number;
  /** How a delivery is sent (tests); by default an HTTP(S) POST through `connectLookup`. */
  send?: WebhookSend;
  /** Send to private and loopback addresses too (default: public addresses only; webhook-targets.ts). */
  allowPrivateNetworks?: boolean;
  /** How host names are resolved as a delivery connects (tests). */
  resolveHost?: ResolveHost;
  /** Wall clock for signature timestamps and the attempt log. */
  clock?: () => Date;
}

export interface WebhookDispatcher {
  start(): void;
  /** Stops polling, aborts requests in flight (they are retried after their lease) and waits. */
  stop(): Promise<void>;
  /** Look for due deliveries now rather than at the next poll. */
  kick(): void;
  /** One claim-and-send round; returns how many deliveries it handled. */
  runOnce(): Promise<number>;
}

/** One POST of a delivery; resolves with the receiver's status once its answer has been read. */
export type WebhookSend = (url: string, init: { body: string; headers: Record<string, string>; signal: AbortSignal }) => Promise<{ status: number }>;

/**
 * node:http(s) rather than fetch, because it lets the connection resolve its host through
 * `lookup`: the address checked is the address connected to. No redirects are followed.
 */
function postThrough(lookup: LookupFunction): WebhookSend {
  return (url, init) =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      const client = target.protocol === 'https:' ? https : http;
      const request = client.request(target, { method: 'POST', headers: { ...init.headers, 'content-length': Buffer.byteLength(init.body) }, signal: init.signal, lookup }, (response) => {
        response.resume();
        response.once('end', () => resolve({ status: response.statusCode ?? 0 }));
        response.once('error', reject);
      });
      request.once('error', reject);
      request.end(init.body);
    });
}

/** What one attempt needs besides the delivery. */
interface AttemptSettings {
  send: WebhookSend;
  timeoutMs: number;
  allowPrivateNetworks: boolean;
  clock: () => Date;
  /** Aborted when the dispatcher stops. */
  stopSignal: AbortSignal;
}

/** Signs and sends the payload; the attempt as recorded, or undefined when the dispatcher stopped meanwhile. */
async function post(claimed: ClaimedDelivery, settings: AttemptSettings, at: Date, started: number): Promise<{ attempt: AttemptRecord; delivered: boolean } | undefined> {
  const { delivery } = claimed;
  const body = JSON.stringify(delivery.payload);
  try {
    const response = await settings.send(claimed.url, {
      body,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'redflag-webhooks/1',
        'x-redflag-event': delivery.event,
        'x-redflag-delivery': delivery.id,
        [SIGNATURE_HEADER]: signWebhookBody(claimed.secret, Math.floor(at.getTime() / 1000), body),
      },
      signal: AbortSignal.any([AbortSignal.timeout(settings.timeoutMs), settings.stopSignal]),
    });
    const delivered = response.status >= 200 && response.status < 300;
    return { attempt: { at: at.toISOString(), statusCode: response.status, ms: Math.round(performance.now() - started) }, delivered };
  } catch (error) {
    // Shutting down: leave the attempt unrecorded; the lease runs out and it is sent again.
    if (settings.stopSignal.aborted) return undefined;
    return { attempt: { at: at.toISOString(), error: describeFetchError(error, settings.timeoutMs), ms: Math.round(performance.now() - started) }, delivered: false };
  }
}

/** One attempt at a claimed delivery: not sent when the webhook is disabled or its address refused. */
async function attemptDelivery(claimed: ClaimedDelivery, settings: AttemptSettings): Promise<{ attempt: AttemptRecord; delivered: boolean } | undefined> {
  const at = settings.clock();
  const started = performance.now();
  if (claimed.disabled) return { attempt: { at: at.toISOString(), error: 'webhook disabled', ms: 0 }, delivered: false };
  // A literal address or local name stored before this check existed; names are checked as
  // the delivery connects (connectLookup), since they may resolve elsewhere than at registration.
  const refused = settings.allowPrivateNetworks ? undefined : refusedAtRegistration(new URL(claimed.url));
  if (refused) return { attempt: { at: at.toISOString(), error: `not sent: ${refused}`, ms: Math.round(performance.now() - started) }, delivered: false };
  return post(claimed, settings, at, started);
}

/** Delivered; failed for good (webhook disabled, or out of attempts); or pending, retried after a backoff. */
async function recordOutcome(
  db: Db,
  claimed: ClaimedDelivery,
  outcome: { attempt: AttemptRecord; delivered: boolean },
  retry: { maxAttempts: number; backoffBaseMs: number },
): Promise<void> {
  const { delivery } = claimed;
  const attempts = delivery.attempts + 1;
  const giveUp = !outcome.delivered && (claimed.disabled || attempts >= retry.maxAttempts);
  const status = outcome.delivered ? 'delivered' : giveUp ? 'failed' : 'pending';
  await recordAttempt(db, {
    id: delivery.id,
    attemptsBefore: delivery.attempts,
    attempt: outcome.attempt,
    status,
    retryInMs: status === 'pending' ? backoffDelayMs(attempts, retry.backoffBaseMs) : null,
  });
}

export function createWebhookDispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
  const backoffBaseMs = options.backoffBaseMs ?? 1000;
  const maxAttempts = options.maxAttempts ?? 10;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const pollMs = options.pollMs ?? 1000;
  const batchSize = options.batchSize ?? 20;
  const stopController = new AbortController();
  const settings: AttemptSettings = {
    send: options.send ?? postThrough(connectLookup({ allowPrivate: options.allowPrivateNetworks ?? false, ...(options.resolveHost ? { resolve: options.resolveHost } : {}) })),
    timeoutMs,
    allowPrivateNetworks: options.allowPrivateNetworks ?? false,
    clock: options.clock ?? (() => new Date()),
    stopSignal: stopController.signal,
  };
  // Longer than any request can take, so a live worker always records before its lease ends.
  const leaseMs = timeoutMs * 2 + 5000;
  let timer: NodeJS.Timeout | undefined;
  let cycle: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  async function deliver(claimed: ClaimedDelivery): Promise<void> {
    const outcome = await attemptDelivery(claimed, settings);
    if (outcome) await recordOutcome(options.db, claimed, outcome, { maxAttempts, backoffBaseMs });
  }

  async function runOnce(): Promise<number> {
    const claimed = await claimDueDeliveries(options.db, { limit: batchSize, leaseMs });
    await Promise.all(claimed.map((item) => deliver(item)));
    return claimed.length;
  }

  async function drain(): Promise<void> {
    do {
      again = false;
      try {
        while (!stopped && (await runOnce()) === batchSize);
      } catch (error) {
        if (!stopped) options.log?.warn({ err: { message: (error as Error).message } }, 'webhook dispatch failed');
      }
    } while (again && !stopped);
  }

  function kick() {
    if (stopped) return;
    if (cycle) {
      again = true;
      return;
    }
    cycle = drain().finally(() => {
      cycle = undefined;
    });
  }

  return {
    start() {
      if (timer || stopped || pollMs <= 0) return;
      timer = setInterval(kick, pollMs);
      timer.unref();
      kick();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      stopController.abort();
      await cycle;
    },
    kick,
    runOnce,
  };
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `timed out after ${timeoutMs} ms`;
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  const text = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return text.slice(0, 200);
}
