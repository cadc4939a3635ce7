import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

/**
 * Downloads one list file to disk with node's own fetch: a conditional GET when validators from
 * the last good fetch are known, retries with a doubling backoff for what may pass (network
 * errors, timeouts, 5xx, 429, a body cut short), and an immediate refusal for the rest.
 */

export interface FetchValidators {
  etag?: string;
  lastModified?: string;
}

export interface DownloadOptions {
  /** Tries per file, the first included. */
  attempts: number;
  /** Wait before the second try; doubles for each further one. */
  backoffBaseMs: number;
  /** Per try, until the whole body is on disk. */
  timeoutMs: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Aborts waiting and downloading (the service is stopping). */
  signal?: AbortSignal;
}

export type DownloadResult =
  | { url: string; status: 'not_modified' }
  | { url: string; status: 'downloaded'; name: string; file: string; bytes: number; validators: FetchValidators };

export class ListDownloadError extends Error {
  override readonly name = 'ListDownloadError';
  constructor(
    readonly url: string,
    readonly reason: string,
    readonly attempts: number,
  ) {
    super(`${url}: ${reason}${attempts > 1 ? ` (after ${attempts} attempts)` : ''}`);
  }
}

/** A failure worth another try, as opposed to one that would only repeat (404, 403). */
class Transient extends Error {}

/** The file name a URL names (`SDN.CSV`, `entities.ftm.json`); importers read roles from it. */
export function fileNameOf(url: string, index: number): string {
  const last = decodeURIComponent(new URL(url).pathname.split('/').filter(Boolean).pop() ?? '');
  return /^[A-Za-z0-9._-]{1,100}$/.test(last) ? last : `download-${index + 1}`;
}

class ByteCounter extends Transform {
  bytes = 0;
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    callback(null, chunk);
  }
}

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    }, { once: true });
  });

function describe(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'timed out';
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  return (cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error))).slice(0, 300);
}

async function attempt(url: string, target: string, validators: FetchValidators | undefined, options: DownloadOptions): Promise<DownloadResult> {
  const headers: Record<string, string> = { 'user-agent': 'redflag-list-fetch/1' };
  if (validators?.etag) headers['if-none-match'] = validators.etag;
  if (validators?.lastModified) headers['if-modified-since'] = validators.lastModified;
  const signal = AbortSignal.any([AbortSignal.timeout(options.timeoutMs), ...(options.signal ? [options.signal] : [])]);
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, { headers, signal, redirect: 'follow' });
  } catch (error) {
    throw new Transient(describe(error));
  }
  if (response.status === 304) {
    await response.body?.cancel();
    return { url, status: 'not_modified' };
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    const reason = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
    if (response.status >= 500 || response.status === 429 || response.status === 408) throw new Transient(reason);
    throw new ListDownloadError(url, reason, 1);
  }
  if (!response.body) throw new Transient('HTTP 200 without a body');
  const counter = new ByteCounter();
  try {
    await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), counter, createWriteStream(target));
  } catch (error) {
    throw new Transient(`the download broke off after ${counter.bytes} bytes: ${describe(error)}`);
  }
  // fetch decompresses a Content-Encoding itself, so the length only compares without one.
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (!response.headers.get('content-encoding') && Number.isFinite(declared) && declared !== counter.bytes) {
    throw new Transient(`truncated: ${counter.bytes} of ${declared} bytes`);
  }
  const etag = response.headers.get('etag');
  const lastModified = response.headers.get('last-modified');
  return {
    url,
    status: 'downloaded',
    name: path.basename(target).replace(/^\d+-/, ''),
    file: target,
    bytes: counter.bytes,
    validators: { ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) },
  };
}

/** Downloads `url` into `dir` as `<index>-<name>`, or learns that it has not changed (304). */
export async function downloadListFile(url: string, index: number, dir: string, validators: FetchValidators | undefined, options: DownloadOptions): Promise<DownloadResult> {
  const target = path.join(dir, `${index}-${fileNameOf(url, index)}`);
  const sleep = options.sleep ?? ((ms: number) => defaultSleep(ms, options.signal));
  for (let tries = 1; ; tries += 1) {
    try {
      return await attempt(url, target, validators, options);
    } catch (error) {
      if (!(error instanceof Transient)) throw error;
      if (options.signal?.aborted) throw new ListDownloadError(url, 'stopped', tries);
      if (tries >= options.attempts) throw new ListDownloadError(url, error.message, tries);
      await sleep(options.backoffBaseMs * 2 ** (tries - 1));
    }
  }
}
