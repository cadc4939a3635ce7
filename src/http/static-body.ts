/// <reference path="./negotiator.d.ts" />
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Negotiator from 'negotiator';
import type { z } from 'zod';

/**
 * Responses that do not change while the process runs (the indicator catalogue, the OpenAPI
 * document, the console's files): hashed and compressed once, then sent as bytes with a strong
 * ETag, so a client that has them gets 304 and nobody pays validation, serialisation or
 * compression per request (issue 21: 240 requests/s for the 94 KB catalogue, each one validated and
 * stringified again). A client that accepts brotli or gzip (browsers and HTTP libraries do) gets
 * the compressed bytes, a seventh of the size or less: sending 90 KB is what bounds even a bare
 * server.
 */
export interface StaticBody {
  readonly body: string;
  readonly etag: string;
  /** The same body in each content coding offered, with the ETag of that representation. */
  readonly encoded: Readonly<Record<Coding, { bytes: Buffer; etag: string }>>;
}

type Coding = 'br' | 'gzip';
const CODINGS: Coding[] = ['br', 'gzip'];
/**
 * Brotli 9, not 11: within 15% of 11's size at a fifteenth of its time (the 570 KB OpenAPI document:
 * 26 ms against 375 ms, paid once on the event loop).
 */
const BROTLI_QUALITY = 9;

export function prepareStaticBody(body: string): StaticBody {
  const tag = createHash('sha256').update(body).digest('base64url').slice(0, 27);
  const source = Buffer.from(body, 'utf8');
  const brotli = brotliCompressSync(source, { params: { [zlib.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [zlib.BROTLI_PARAM_SIZE_HINT]: source.length } });
  // A strong ETag names one representation, so each coding has its own (RFC 9110 8.8.3).
  return {
    body,
    etag: `"${tag}"`,
    encoded: { br: { bytes: brotli, etag: `"${tag}-br"` }, gzip: { bytes: gzipSync(source, { level: 9 }), etag: `"${tag}-gzip"` } },
  };
}

/** A JSON body checked against its schema and prepared at the first request. */
export function staticJson<Schema extends z.ZodType>(schema: Schema, build: () => z.input<Schema>): () => StaticBody {
  let built: StaticBody | undefined;
  return () => (built ??= prepareStaticBody(JSON.stringify(schema.parse(build()))));
}

/**
 * Prepares bodies that are the same string most of the time (the console's script is rebuilt on
 * each request when run from source, and is one string from the bundle otherwise): only a new
 * body is hashed and compressed again.
 */
export function preparedOnChange(): (body: string) => StaticBody {
  let last: StaticBody | undefined;
  return (body) => (last !== undefined && last.body === body ? last : (last = prepareStaticBody(body)));
}

/** Whether an If-None-Match header names this ETag or one of its codings (a list, `*`, or weak forms). */
function matches(header: string | undefined, prepared: StaticBody): boolean {
  if (header === undefined) return false;
  const current = [prepared.etag, ...CODINGS.map((coding) => prepared.encoded[coding].etag)];
  return header.split(',').some((candidate) => {
    const tag = candidate.trim().replace(/^W\//, '');
    return tag === '*' || current.includes(tag);
  });
}

export interface StaticHeaders {
  contentType: string;
  /** `private, no-cache` behind an API key; `no-cache` for public files: revalidated each time, so a new release is seen at once. */
  cacheControl: string;
}

export function sendStaticBody(request: FastifyRequest, reply: FastifyReply, prepared: StaticBody, headers: StaticHeaders): FastifyReply {
  const coding = new Negotiator(request).encoding([...CODINGS, 'identity'], { preferred: [...CODINGS, 'identity'] });
  const representation = coding === 'br' || coding === 'gzip' ? prepared.encoded[coding] : undefined;
  reply
    .header('etag', representation?.etag ?? prepared.etag)
    .header('cache-control', headers.cacheControl)
    .header('vary', 'Accept-Encoding');
  if (matches(request.headers['if-none-match'], prepared)) return reply.code(304).send();
  reply.header('content-type', headers.contentType);
  if (representation === undefined) return reply.send(prepared.body);
  return reply.header('content-encoding', coding).send(representation.bytes);
}
