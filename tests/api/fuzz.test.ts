import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { screen, WATCHLIST } from '../helpers/cases-fixtures.js';
import { loadTestList } from '../helpers/list-fixtures.js';
import { REPO_ROOT } from '../helpers/server-process.js';
import { listsData } from '../helpers/shared-data.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Property-based abuse of every operation in the OpenAPI document: valid bodies, queries and
 * path parameters mutated into wrong types, missing and unknown fields, huge and deep values,
 * control characters, lone surrogates, invalid UTF-8 and wrong media types, sent with a valid
 * admin key (admin holds every tenant role, so requests reach validation and the handlers), or the
 * operator's key for the operator's operations (tenants, global list imports). The service
 * must answer every one without a 5xx, and every error as RFC 9457 problem+json.
 *
 * Operations come from the live document, so a new route is fuzzed without touching this file.
 */

const TOTAL_RUNS = 5200;
/** Streaming exports re-read the whole log on each call: fewer runs keep the file fast. */
const LIGHT_OPERATIONS = new Set(['exportDecisionLog', 'exportAuditEvents', 'verifyDecisionChain']);
const SEED = Number(process.env.FUZZ_SEED ?? 20261125);

type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  example?: unknown;
  default?: unknown;
  minimum?: number;
  minLength?: number;
  minItems?: number;
};

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: JsonSchema;
}

interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  operationId: string;
  parameters: Parameter[];
  bodyType?: string;
  bodySchema?: JsonSchema;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { operationId?: string; parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

let t: TestApp;
let doc: OpenApiDocument;
let operations: Operation[];
const ids: Record<string, string> = {};
let sent = 0;

beforeAll(async () => {
  t = await createTestApp({
    beforeBuild: async (database) => {
      await loadTestList(database.db, 'test-watchlist', WATCHLIST);
    },
    // Thousands of requests from one key; the dispatcher must not reach any network either.
    appDeps: { rateLimitPerMinute: 0, webhooks: { pollMs: 0, send: async () => ({ status: 200 }) } },
  });
  ids.decision = (await screen(t, { externalRef: 'fuzz-1', name: 'Jane Roe' })).id;
  ids.case = (await screen(t, { externalRef: 'fuzz-2', name: 'Sang Man Kim' })).caseId!;
  const hook = await t.app.inject({ method: 'POST', url: '/v1/webhooks', headers: bearer(t.keys.admin), payload: { url: 'http://127.0.0.1:9/fuzz', events: ['case.opened'] } });
  ids.webhook = hook.json<{ id: string }>().id;
  const entries = await t.app.inject({ method: 'GET', url: '/v1/lists/entries?limit=1', headers: bearer(t.keys.admin) });
  ids.entry = entries.json<{ items: { id: string }[] }>().items[0]?.id ?? '';
  if (!ids.case || !ids.webhook || !ids.entry) throw new Error(`fixture setup failed: ${JSON.stringify(ids)}`);

  listSeeds = loadListSeeds();
  doc = t.app.swagger() as unknown as OpenApiDocument;
  operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => {
      const content = operation.requestBody?.content ?? {};
      const bodyType = Object.keys(content)[0];
      return {
        method: method.toUpperCase() as Operation['method'],
        path,
        operationId: operation.operationId ?? `${method} ${path}`,
        parameters: operation.parameters ?? [],
        ...(bodyType ? { bodyType, bodySchema: content[bodyType]?.schema ?? {} } : {}),
      };
    }),
  );
}, 120_000);
afterAll(() => t?.close());

// ---- valid starting points, derived from the schemas ----

function resolve(schema: JsonSchema | undefined): JsonSchema {
  let current = schema ?? {};
  for (let depth = 0; current.$ref && depth < 10; depth += 1) {
    const name = current.$ref.replace('#/components/schemas/', '');
    current = doc.components?.schemas?.[name] ?? {};
  }
  return current;
}

const FORMAT_SAMPLES: Record<string, string> = {
  uuid: '0190f2a0-0000-7000-8000-000000000000',
  email: 'jane@example.com',
  uri: 'http://127.0.0.1:9/fuzz',
  url: 'http://127.0.0.1:9/fuzz',
  date: '1990-04-25',
  'date-time': '2026-11-01T15:00:00Z',
};

/** A plausible valid value: the schema's example where there is one, else one built from it. */
function sample(input: JsonSchema | undefined, depth = 0): unknown {
  const schema = resolve(input);
  if (schema.example !== undefined) return structuredClone(schema.example);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  const union = schema.anyOf ?? schema.oneOf;
  if (union?.length) return sample(union.find((option) => resolve(option).type !== 'null') ?? union[0], depth + 1);
  if (schema.allOf?.length) return sample(schema.allOf[0], depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((item) => item !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const result: Record<string, unknown> = {};
      if (depth > 6) return result;
      for (const key of schema.required ?? []) result[key] = sample(schema.properties?.[key], depth + 1);
      return result;
    }
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => sample(schema.items, depth + 1));
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    case 'string':
      return (schema.format && FORMAT_SAMPLES[schema.format]) ?? 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    default:
      return 'x';
  }
}

/** Real objects for the path parameters a route names, so a valid request reaches its handler. */
function validPathValue(operation: Operation, parameter: Parameter): string {
  if (parameter.name === 'source') return 'test-watchlist';
  if (parameter.name === 'version') return '1';
  if (parameter.name === 'id') {
    if (operation.path.startsWith('/v1/decisions/')) return ids.decision!;
    if (operation.path.startsWith('/v1/cases/')) return ids.case!;
    if (operation.path.startsWith('/v1/webhooks/')) return ids.webhook!;
    if (operation.path.startsWith('/v1/lists/entries/')) return ids.entry!;
  }
  return String(sample(parameter.schema));
}

// ---- what goes wrong ----

const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\u0007\u001b[31m',
  '\r\nX-Injected: 1',
  '\u202e\u200b\ufeff',
  "'; drop table decisions; --",
  '<script>alert(1)</script>',
  '../../../etc/passwd',
  '%00%ff',
  '${jndi:ldap://127.0.0.1/x}',
  '😀'.repeat(3000),
  'x'.repeat(100_000),
  '김정은',
  'null',
  '-1',
  '1e400',
  '0190f2a0-0000-7000-8000-000000000000',
  '9999-99-99',
];

const nastyString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  // Any UTF-16 code unit, lone surrogates included.
  { weight: 2, arbitrary: fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)), maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
);
const nastyKey = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', '', 'unknownField', '$where', 'subject', 'a'.repeat(5000)), nastyString);

const junk: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.constantFrom(0, -1, 1e308, -1e308, 2 ** 53 + 1, 0.5, Number.MAX_SAFE_INTEGER),
    nastyString,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(nastyKey, tie('value'), { maxKeys: 3 }),
  ),
})).value;

type Mutation =
  | { kind: 'replace'; at: number; value: unknown }
  | { kind: 'delete'; at: number }
  | { kind: 'unknown-field'; at: number; key: string; value: unknown }
  | { kind: 'deep'; at: number; depth: number }
  | { kind: 'many-items'; at: number; count: number };

const mutation = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: junk }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('unknown-field' as const), at: fc.nat(), key: nastyKey, value: junk }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deep' as const), at: fc.nat(), depth: fc.constantFrom(50, 500, 5000, 50_000) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('many-items' as const), at: fc.nat(), count: fc.constantFrom(100, 10_000) }) },
);

type Container = Record<string, unknown> | unknown[];
/** Every place in a JSON value, as its parent container and key (the root has no parent). */
function places(root: unknown): { parent?: Container; key?: string | number }[] {
  const found: { parent?: Container; key?: string | number }[] = [{}];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const current = stack.pop();
    if (Array.isArray(current)) {
      current.forEach((item, index) => {
        found.push({ parent: current, key: index });
        stack.push(item);
      });
    } else if (current && typeof current === 'object') {
      for (const [key, item] of Object.entries(current)) {
        found.push({ parent: current as Record<string, unknown>, key });
        stack.push(item);
      }
    }
  }
  return found;
}

const DEEP_MARKER = '\u0001deep\u0001';

/** Applies the mutations to a copy of `base`; deep nesting is spliced into the JSON text later. */
function mutate(base: unknown, mutations: Mutation[]): { value: unknown; deep: number[] } {
  let root: unknown = structuredClone(base);
  const deep: number[] = [];
  for (const change of mutations) {
    const all = places(root);
    const place = all[change.at % all.length]!;
    const set = (value: unknown) => {
      if (!place.parent) root = value;
      else (place.parent as Record<string | number, unknown>)[place.key!] = value;
    };
    const current = place.parent ? (place.parent as Record<string | number, unknown>)[place.key!] : root;
    switch (change.kind) {
      case 'replace':
        set(change.value);
        break;
      case 'delete':
        if (!place.parent) root = undefined;
        else if (Array.isArray(place.parent)) place.parent.splice(place.key as number, 1);
        else delete place.parent[place.key as string];
        break;
      case 'unknown-field':
        if (current && typeof current === 'object' && !Array.isArray(current)) {
          // defineProperty: a plain assignment of "__proto__" would change the prototype instead.
          Object.defineProperty(current, change.key, { value: change.value, enumerable: true, writable: true, configurable: true });
        } else set({ [change.key]: change.value });
        break;
      case 'deep':
        deep.push(change.depth);
        set(`${DEEP_MARKER}${deep.length - 1}`);
        break;
      case 'many-items':
        // Short items only: a long array of 100,000-character strings would not fit in memory.
        set(Array.from({ length: change.count }, () => (typeof current === 'string' ? current.slice(0, 20) : typeof current === 'object' ? 'x' : current)));
        break;
    }
  }
  return { value: root, deep };
}

/** Bodies above this are cut (and so malformed): the 1 MB limit is exercised, memory stays small. */
const MAX_BODY_CHARS = 3 * 1024 * 1024;

function serialise(value: unknown, deep: number[]): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? '';
  } catch {
    text = '{"too":"big"';
  }
  if (text.length > MAX_BODY_CHARS) text = text.slice(0, MAX_BODY_CHARS);
  deep.forEach((depth, index) => {
    const nested = index % 2 === 0 ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    text = text.replace(JSON.stringify(`${DEEP_MARKER}${index}`), nested);
  });
  return text;
}

const INVALID_UTF8 = [[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xfe, 0xff]];

type RawDamage = { kind: 'none' } | { kind: 'bytes'; at: number; bytes: number } | { kind: 'truncate'; at: number } | { kind: 'bom' } | { kind: 'duplicate-key' } | { kind: 'proto-key' };
const rawDamage: fc.Arbitrary<RawDamage> = fc.oneof(
  { weight: 10, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('bytes' as const), at: fc.nat(), bytes: fc.nat({ max: INVALID_UTF8.length - 1 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'bom' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'duplicate-key' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'proto-key' as const }) },
);

function damage(text: string, how: RawDamage): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  switch (how.kind) {
    case 'none':
      return bytes;
    case 'bytes': {
      const at = bytes.length === 0 ? 0 : how.at % bytes.length;
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(INVALID_UTF8[how.bytes]!), bytes.subarray(at)]);
    }
    case 'truncate':
      return bytes.subarray(0, bytes.length === 0 ? 0 : how.at % bytes.length);
    case 'bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
    case 'duplicate-key':
      return Buffer.from(text.replace(/^\{/, '{"subject":1,"subject":{},'), 'utf8');
    case 'proto-key':
      return Buffer.from(text.replace(/^\{/, '{"__proto__":{"roles":["admin"]},"constructor":{"prototype":{"x":1}},'), 'utf8');
  }
}

const contentType = fc.oneof(
  { weight: 12, arbitrary: fc.constant('application/json') },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'application/json; charset=latin1',
      'APPLICATION/JSON',
      'application/problem+json',
      'application/jsonx',
      'text/plain',
      'text/csv',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=fuzz',
      'multipart/form-data',
      'application/xml',
      'application/octet-stream',
      'application/json, text/plain',
      '*/*',
      '',
    ),
  },
);

const PATH_JUNK = [
  'not-a-uuid',
  '0',
  '-1',
  '1e3',
  '1.5',
  'null',
  '%00',
  '%ff',
  '%zz',
  '..%2f..%2fetc%2fpasswd',
  'x'.repeat(300),
  '0190F2A0-0000-7000-8000-000000000000',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '%C3%BCn%C3%AFcode',
  '%F0%9F%98%80',
  '%20',
  '%0d%0aX-Injected:%201',
  '99999999999999999999',
];

const QUERY_ENCODINGS = ['encoded', 'raw', 'broken'] as const;
const queryValue = fc.oneof(
  { weight: 3, arbitrary: fc.constant<'valid'>('valid') },
  { weight: 3, arbitrary: nastyString },
  { weight: 2, arbitrary: fc.constantFrom('%', '%zz', '%ff%fe', '%00', 'a%00b', '%E2%82', '%ED%A0%80', '+', '&&', '==', '[]', '[object Object]', '1e999', '-0', '2026-13-45', 'true') },
);
const queryPart = fc.record({
  pick: fc.nat(),
  value: queryValue,
  encoding: fc.constantFrom(...QUERY_ENCODINGS),
  repeat: fc.boolean(),
});

const headerSafe = fc.oneof(
  fc.constantFrom('', ' ', 'x'.repeat(10_000), 'caf\u00e9', 'a"b', '%00', '\t'),
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 300 }),
);

interface RequestShape {
  path: ({ valid: true } | { valid: false; junk: string })[];
  query: { pick: number; value: string; encoding: (typeof QUERY_ENCODINGS)[number]; repeat: boolean }[];
  unknownQuery: boolean;
  mutations: Mutation[];
  raw: RawDamage;
  contentType: string;
  noBody: boolean;
  headers: Record<string, string>;
}

function requestShape(operation: Operation): fc.Arbitrary<RequestShape> {
  const pathCount = operation.parameters.filter((parameter) => parameter.in === 'path').length;
  return fc.record({
    path: fc.array(
      fc.oneof({ weight: 3, arbitrary: fc.constant({ valid: true as const }) }, { weight: 1, arbitrary: fc.record({ valid: fc.constant(false as const), junk: fc.oneof(fc.constantFrom(...PATH_JUNK), nastyString.map(pct)) }) }),
      { minLength: pathCount, maxLength: pathCount },
    ),
    // Mostly no query or a valid one: a wrong query stops a request before its body is looked at.
    query: fc.oneof({ weight: 2, arbitrary: fc.constant<RequestShape['query']>([]) }, { weight: 1, arbitrary: fc.array(queryPart, { minLength: 1, maxLength: 3 }) }),
    unknownQuery: fc.nat({ max: 4 }).map((roll) => roll === 0),
    mutations: fc.array(mutation, { minLength: 0, maxLength: 3 }),
    raw: rawDamage,
    contentType,
    noBody: fc.boolean().map((flag) => flag && operation.method === 'GET'),
    headers: fc.option(fc.record({ 'idempotency-key': headerSafe }), { nil: {} }).map((headers) => headers ?? {}),
  });
}

/** Percent-encoding that survives lone surrogates: they become the (invalid) UTF-8 bytes of a surrogate. */
function pct(value: string): string {
  return value.replace(/[\ud800-\udbff][\udc00-\udfff]|[\s\S]/g, (char) => (/^[\ud800-\udfff]$/.test(char) ? '%ED%A0%80' : encodeURIComponent(char)));
}

function encodeQueryValue(value: string, encoding: (typeof QUERY_ENCODINGS)[number]): string {
  if (encoding === 'encoded') return pct(value);
  if (encoding === 'broken') return `${pct(value)}%`;
  // Raw: only what cannot be in a request line at all is escaped.
  return value.replace(/[\ud800-\udbff][\udc00-\udfff]|[\u0000-\u0020\u007f-\uffff#&]/g, pct);
}

/** Operations only the operator's key reaches (tenants and global lists). */
const OPERATOR_OPERATIONS = new Set(['importList', 'createTenant', 'listTenants', 'disableTenant']);

function buildRequest(operation: Operation, shape: RequestShape): InjectOptions {
  let pathIndex = 0;
  const url = operation.path.replace(/\{([^}]+)\}/g, (_match, name: string) => {
    const parameter = operation.parameters.find((candidate) => candidate.in === 'path' && candidate.name === name)!;
    const choice = shape.path[pathIndex++];
    return choice && !choice.valid ? choice.junk : encodeURIComponent(validPathValue(operation, parameter));
  });
  const queryParameters = operation.parameters.filter((parameter) => parameter.in === 'query');
  const pairs: string[] = [];
  for (const part of shape.query) {
    const parameter = queryParameters.length > 0 ? queryParameters[part.pick % queryParameters.length] : undefined;
    const name = parameter?.name ?? 'unexpected';
    const value = part.value === 'valid' ? String(sample(parameter?.schema)) : part.value;
    const encoded = `${encodeURIComponent(name)}=${encodeQueryValue(value, part.encoding)}`;
    pairs.push(encoded);
    if (part.repeat) pairs.push(encoded);
  }
  if (shape.unknownQuery) pairs.push('shoeSize=42');
  const options: InjectOptions = {
    method: operation.method,
    url: pairs.length > 0 ? `${url}?${pairs.join('&')}` : url,
    headers: { ...bearer(OPERATOR_OPERATIONS.has(operation.operationId) ? t.keys.operator : t.keys.admin), ...shape.headers },
  };
  if (operation.method !== 'GET' && operation.bodyType !== 'multipart/form-data' && !shape.noBody) {
    const { value, deep } = mutate(sample(operation.bodySchema), shape.mutations);
    const body = value === undefined ? Buffer.alloc(0) : damage(serialise(value, deep), shape.raw);
    options.payload = body;
    if (shape.contentType) options.headers = { ...options.headers, 'content-type': shape.contentType };
  } else if (operation.method === 'GET' && shape.mutations.length > 0 && shape.raw.kind !== 'none') {
    // A body on a GET: ignored or refused, never a crash.
    options.payload = damage(serialise(sample({ type: 'object' }), []), shape.raw);
    options.headers = { ...options.headers, 'content-type': shape.contentType || 'application/json' };
  }
  return options;
}

/** Near-valid list files, one per format, that the fuzzer damages (the first real entry of each). */
interface ListSeed {
  source: string;
  file: string;
  /** The file with `text` put into one name; `text` arrives raw (CSV, XML) or JSON-escaped. */
  build(text: string): string;
}
let listSeeds: ListSeed[] = [];

function loadListSeeds(): ListSeed[] {
  const xml = readFileSync(listsData('un-consolidated', '2026-02-27', 'UN_consolidated.xml'), 'utf8');
  const individual = /<INDIVIDUAL>[\s\S]*?<\/INDIVIDUAL>/.exec(xml)?.[0] ?? '';
  const curated = JSON.parse(readFileSync(path.join(REPO_ROOT, 'seed', 'redflag-curated.json'), 'utf8')) as { entries: Record<string, unknown>[] };
  return [
    { source: 'ofac-sdn', file: 'sdn.csv', build: (text) => `36,"AERO${text.replaceAll('"', '""')}CARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n` },
    { source: 'un', file: 'UN_consolidated.xml', build: (text) => `<?xml version="1.0" encoding="UTF-8"?><CONSOLIDATED_LIST dateGenerated="2026-02-27T00:00:09.554Z"><INDIVIDUALS>${individual.replace('<FIRST_NAME>ERIC', `<FIRST_NAME>ERIC${text}`)}</INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>` },
    { source: 'redflag-curated', file: 'redflag-curated.json', build: (text) => JSON.stringify({ ...curated, entries: [{ ...curated.entries[0], name: `YANBIAN ${text}` }] }) },
  ];
}

type Upload =
  | { kind: 'list'; seed: number; text: string }
  | { kind: 'file'; name: string; content: string }
  | { kind: 'broken'; content: string }
  | { kind: 'json'; content: unknown };

/** Multipart uploads to the import route: damaged real lists, junk files, broken framing, other types. */
const uploadBody: fc.Arbitrary<Upload> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('list' as const), seed: fc.nat(), text: fc.oneof(nastyString, fc.constantFrom('&#0;', '&amp', '<', '"', '\\u0000', ']]>', '&undefined;')) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('file' as const),
      name: fc.constantFrom('sdn.csv', 'alt.csv', 'UN.xml', 'list.json', '../../etc/passwd', '', 'x'.repeat(500)),
      content: fc.oneof(nastyString, fc.constantFrom('"1","KIM","individual"\n', '<?xml version="1.0"?><CONSOLIDATED_LIST><INDIVIDUALS>', '{"entries":[{"name":1}]}', '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]><x>&b;</x>')),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('broken' as const), content: nastyString }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('json' as const), content: junk }) },
);

function uploadRequest(operation: Operation, shape: RequestShape, upload: Upload): InjectOptions {
  const base = buildRequest({ ...operation, method: 'POST', bodyType: 'multipart/form-data' }, shape);
  const boundary = '----fuzzboundary';
  const filePart = (name: string, content: Buffer) =>
    Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
  const multipart = { ...base.headers, 'content-type': `multipart/form-data; boundary=${boundary}` };
  if (upload.kind === 'list') {
    const seed = listSeeds[upload.seed % listSeeds.length]!;
    // On the import route the list's own source, so the upload reaches its importer.
    const url = operation.path === '/v1/lists/{source}/imports' && shape.path[0]?.valid !== false ? `/v1/lists/${seed.source}/imports` : String(base.url);
    return { ...base, url, payload: filePart(seed.file, damage(seed.build(upload.text), shape.raw)), headers: multipart };
  }
  if (upload.kind === 'file') return { ...base, payload: filePart(upload.name, damage(upload.content, shape.raw)), headers: multipart };
  if (upload.kind === 'broken') {
    return { ...base, payload: Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"\r\n${upload.content}`), headers: { ...base.headers, 'content-type': shape.contentType.startsWith('multipart') ? shape.contentType : `multipart/form-data; boundary=${boundary}` } };
  }
  return { ...base, payload: JSON.stringify(upload.content) ?? '', headers: { ...base.headers, 'content-type': shape.contentType || 'application/json' } };
}

interface Failure {
  request: string;
  status: number;
  contentType: string;
  body: string;
}

/** Zero 5xx, and every 4xx is problem+json with the RFC 9457 members. */
function checkResponse(options: InjectOptions, response: { statusCode: number; headers: Record<string, unknown>; body: string }): Failure | undefined {
  const failure = (): Failure => ({
    request: `${String(options.method)} ${String(options.url).slice(0, 300)} ${String(options.headers?.['content-type'] ?? '')} ${String(options.payload ?? '').slice(0, 300)}`,
    status: response.statusCode,
    contentType: String(response.headers['content-type'] ?? ''),
    body: response.body.slice(0, 500),
  });
  if (response.statusCode >= 500) return failure();
  if (response.statusCode < 400) return undefined;
  if (!String(response.headers['content-type'] ?? '').startsWith('application/problem+json')) return failure();
  try {
    const problem = JSON.parse(response.body) as Record<string, unknown>;
    const complete = typeof problem.type === 'string' && typeof problem.title === 'string' && problem.status === response.statusCode && typeof problem.detail === 'string';
    return complete ? undefined : failure();
  } catch {
    return failure();
  }
}

describe('fuzzing every operation of the OpenAPI document', () => {
  test(`at least 5,000 malformed requests: no 5xx, every error is problem+json`, { timeout: 180_000 }, async () => {
    expect(operations.length).toBeGreaterThan(10);
    const weights = operations.map((operation) => (LIGHT_OPERATIONS.has(operation.operationId) ? 1 : operation.bodyType ? 4 : 2));
    const unit = TOTAL_RUNS / weights.reduce((sum, weight) => sum + weight, 0);
    const failures: Failure[] = [];
    const started = Date.now();

    for (const [index, operation] of operations.entries()) {
      const numRuns = Math.max(20, Math.ceil(weights[index]! * unit));
      const statuses = new Map<number, number>();
      // The list import documents no requestBody (multipart is only named in its summary), so every
      // write without a JSON body gets uploads as well as JSON: to the others that is abuse too.
      const uploads = operation.bodyType === 'multipart/form-data' || (operation.method !== 'GET' && !operation.bodyType);
      const arbitrary = uploads
        ? fc.oneof(
            { weight: 3, arbitrary: fc.tuple(requestShape(operation), uploadBody).map(([shape, upload]) => uploadRequest(operation, shape, upload)) },
            { weight: 1, arbitrary: requestShape(operation).map((shape) => buildRequest(operation, shape)) },
          )
        : requestShape(operation).map((shape) => buildRequest(operation, shape));
      const property = fc.asyncProperty(arbitrary, async (options) => {
        sent += 1;
        const response = await t.app.inject(options);
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        const failure = checkResponse(options, response);
        if (failure) {
          failures.push(failure);
          return false;
        }
        return true;
      });
      const opStarted = Date.now();
      const result = await fc.check(property, { numRuns, seed: SEED + index, endOnFailure: true });
      // FUZZ_TIMING=1 shows where the time goes and which answers each operation gave.
      if (process.env.FUZZ_TIMING) console.info(`${operation.operationId}: ${numRuns} runs ${Date.now() - opStarted} ms ${JSON.stringify(Object.fromEntries(statuses))}`);
      if (result.failed) {
        // The shrunk counterexample is the last failure recorded.
        failures.push({ ...failures[failures.length - 1]!, request: `[${operation.operationId}, seed ${SEED + index}] ${failures[failures.length - 1]!.request}` });
      }
    }

    const seconds = (Date.now() - started) / 1000;
    console.info(`fuzz: ${sent} requests over ${operations.length} operations in ${seconds.toFixed(1)} s`);
    expect(failures.slice(-5), JSON.stringify(failures.slice(-5), null, 2)).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(5000);
  });

  test('the service still screens after the fuzzing', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/v1/screenings', headers: bearer(t.keys.screener), payload: { subject: { name: 'Still Standing' } } });
    expect(response.statusCode, response.body).toBe(201);
  });
});
