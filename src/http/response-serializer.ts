/**
 * Responses are written by a serialiser compiled from each route's response schema
 * (fast-json-stringify, as Fastify does with JSON schemas), not validated against zod first: a
 * response is built by our own code from our own rows, and checking every one of them cost more
 * than writing it (issue 21).
 *
 * Tests turn validation on (`validateResponses`): every response is then also checked against
 * its zod schema, as before, and the compiled serialiser's output must be exactly what zod
 * passes (same fields, same values), so a field the JSON schema loses (a union, a nullable, a
 * record) fails the test that sends it instead of vanishing in production.
 */
import { isDeepStrictEqual } from 'node:util';
import type { FastifySerializerCompiler } from 'fastify/types/schema.js';
import fastJson from 'fast-json-stringify';
import { ResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';

type RouteSchema = Parameters<FastifySerializerCompiler<unknown>>[0];

/** The route's zod schema, given either as the schema or as `{ properties: schema }`. */
function zodSchemaOf(schema: unknown): z.ZodType {
  if (schema instanceof z.ZodType) return schema;
  const properties = (schema as { properties?: unknown } | null)?.properties;
  if (properties instanceof z.ZodType) return properties;
  throw new Error(`a response schema that is not a zod schema: ${JSON.stringify(schema)}`);
}

/**
 * The JSON schema of what the route sends. OpenAPI 3.0's `nullable` rather than a union with
 * null: fast-json-stringify writes that directly, where a union costs a validation per value.
 */
export function serializerSchemaOf(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'output', target: 'openapi-3.0', unrepresentable: 'any', reused: 'inline', cycles: 'ref' }) as Record<string, unknown>;
}

/** What zod makes of the response (the library's check), or the error it answers with. */
function validated(schema: z.ZodType, route: RouteSchema, data: unknown): unknown {
  const result = z.safeEncode(schema, data);
  if (result.error) throw new ResponseSerializationError(route.method, route.url, { cause: result.error });
  return result.data;
}

type Stringify = (data: unknown) => string;

/**
 * Serialisers compiled when first used, once per schema: compiling takes tens of ms, and of the
 * hundreds of route and status pairs (every route's problem responses share a few schemas) a
 * process may answer only some. Held by the compiler, so each app has its own.
 */
class CompiledSerializers {
  private readonly compiled = new Map<z.ZodType, Stringify>();

  of(schema: z.ZodType): Stringify {
    let stringify = this.compiled.get(schema);
    if (!stringify) {
      stringify = fastJson(serializerSchemaOf(schema)) as Stringify;
      this.compiled.set(schema, stringify);
    }
    return stringify;
  }
}

export function createResponseSerializerCompiler(options: { validateResponses: boolean }): FastifySerializerCompiler<unknown> {
  const serializers = new CompiledSerializers();
  return (route) => {
    const schema = zodSchemaOf(route.schema);
    let stringify: Stringify | undefined;
    const write = (data: unknown) => (stringify ??= serializers.of(schema))(data);
    if (!options.validateResponses) return write;
    return (data) => {
      const passed = JSON.parse(JSON.stringify(validated(schema, route, data))) as unknown;
      const text = write(data);
      if (!isDeepStrictEqual(JSON.parse(text), passed)) {
        throw new Error(`${route.method} ${route.url} (${route.httpStatus}): the compiled serialiser wrote ${text.slice(0, 2000)} where zod passes ${JSON.stringify(passed).slice(0, 2000)}`);
      }
      return text;
    };
  };
}
