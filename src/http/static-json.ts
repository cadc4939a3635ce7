import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';

/**
 * A response that never changes while the process runs (the indicator catalogue): checked against
 * its schema and serialised once, then sent as bytes with a strong ETag, so a client that has it
 * gets 304 and everyone else skips the per-request validation and serialisation (issue 21:
 * 240 requests/s for the 94 KB catalogue, each one validated and stringified again).
 */
export interface StaticJson {
  readonly body: string;
  readonly etag: string;
}

export function staticJson<Schema extends z.ZodType>(schema: Schema, build: () => z.input<Schema>): () => StaticJson {
  let built: StaticJson | undefined;
  return () => {
    if (built === undefined) {
      const body = JSON.stringify(schema.parse(build()));
      built = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
    }
    return built;
  };
}

/** Whether an If-None-Match header names this ETag (a list, `*`, or weak forms of it). */
function matches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}

export function sendStaticJson(request: FastifyRequest, reply: FastifyReply, json: StaticJson): FastifyReply {
  // Private: the route needs an API key; revalidated each time, so a new release is seen at once.
  reply.header('etag', json.etag).header('cache-control', 'private, no-cache');
  if (matches(request.headers['if-none-match'], json.etag)) return reply.code(304).send();
  return reply.type('application/json; charset=utf-8').send(json.body);
}
