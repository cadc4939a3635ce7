/// <reference path="./negotiator.d.ts" />
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Negotiator from 'negotiator';
import type { z } from 'zod';

/**
 * A response that never changes while the process runs (the indicator catalogue): checked against
 * its schema, serialised and compressed once, then sent as bytes with a strong ETag, so a client
 * that has it gets 304 and everyone else skips the per-request validation and serialisation (issue
 * 21: 240 requests/s for the 94 KB catalogue, each one validated and stringified again). A client
 * that accepts brotli or gzip (browsers and HTTP libraries do) gets the body compressed at build
 * time, a seventh of the bytes: sending 90 KB is what bounds even a bare server.
 */
export interface StaticJson {
  readonly body: string;
  readonly etag: string;
  /** The same body in each content coding offered, with the ETag of that representation. */
  readonly encoded: Readonly<Record<Coding, { bytes: Buffer; etag: string }>>;
}

type Coding = 'br' | 'gzip';
const CODINGS: Coding[] = ['br', 'gzip'];

export function staticJson<Schema extends z.ZodType>(schema: Schema, build: () => z.input<Schema>): () => StaticJson {
  let built: StaticJson | undefined;
  return () => {
    if (built === undefined) {
      const body = JSON.stringify(schema.parse(build()));
      const tag = createHash('sha256').update(body).digest('base64url').slice(0, 27);
      const source = Buffer.from(body, 'utf8');
      // A strong ETag names one representation, so each coding has its own (RFC 9110 8.8.3).
      built = {
        body,
        etag: `"${tag}"`,
        encoded: {
          br: {
            bytes: brotliCompressSync(source, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: source.length } }),
            etag: `"${tag}-br"`,
          },
          gzip: { bytes: gzipSync(source, { level: 9 }), etag: `"${tag}-gzip"` },
        },
      };
    }
    return built;
  };
}

/** Whether an If-None-Match header names this ETag or one of its codings (a list, `*`, or weak forms). */
function matches(header: string | undefined, json: StaticJson): boolean {
  if (header === undefined) return false;
  const current = [json.etag, ...CODINGS.map((coding) => json.encoded[coding].etag)];
  return header.split(',').some((candidate) => {
    const tag = candidate.trim().replace(/^W\//, '');
    return tag === '*' || current.includes(tag);
  });
}

export function sendStaticJson(request: FastifyRequest, reply: FastifyReply, json: StaticJson): FastifyReply {
  const coding = new Negotiator(request).encoding([...CODINGS, 'identity'], { preferred: [...CODINGS, 'identity'] });
  const representation = coding === 'br' || coding === 'gzip' ? json.encoded[coding] : undefined;
  // Private: the route needs an API key; revalidated each time, so a new release is seen at once.
  reply
    .header('etag', representation?.etag ?? json.etag)
    .header('cache-control', 'private, no-cache')
    .header('vary', 'Accept-Encoding');
  if (matches(request.headers['if-none-match'], json)) return reply.code(304).send();
  reply.type('application/json; charset=utf-8');
  if (representation === undefined) return reply.send(json.body);
  return reply.header('content-encoding', coding).send(representation.bytes);
}
