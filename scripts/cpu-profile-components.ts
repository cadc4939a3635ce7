/**
 * npm run profile:components -- <file.cpuprofile>... [--requests <n>] — the CPU time of V8 CPU
 * profiles (node --cpu-prof, bench:http with BENCH_SERVICE_PROFILE=1) by component of a
 * screening, as a Markdown table for docs/performance.md.
 *
 * Each sample is charged to the innermost frame on its stack that belongs to a component of ours
 * (auth, rules, name search, lookups, write, response ...), so that zod called by the response
 * serialiser counts as response and zod called by the body validator as request validation. A
 * sample with no such frame is charged to the library it is in (pg, Fastify and node:http) or
 * to V8 (garbage collection, idle).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

type Rule = [component: string, test: (frame: ProfileNode['callFrame']) => boolean];
const inUrl = (...parts: string[]) => (frame: ProfileNode['callFrame']) => parts.some((part) => frame.url.includes(part));

/** Our components, tried on each frame from the innermost out; the first frame that matches decides. */
const COMPONENTS: Rule[] = [
  ['response serialisation', inUrl('response-serializer', 'fast-json-stringify')],
  ['request parsing and zod validation', (frame) => inUrl('fastify-type-provider-zod', 'secure-json-parse', 'content-type-parser')(frame) || (frame.url.includes('/src/http/') && frame.functionName === 'parseJsonBody')],
  ['auth', inUrl('auth.plugin', 'api-keys.service')],
  ['logging', inUrl('/pino/', 'sonic-boom', 'pino-std-serializers', 'logging')],
  ['name search', inUrl('/domain/screening/', 'list-index', 'matching')],
  ['rules', inUrl('/domain/rules/', 'evaluation-offload', 'evaluation-worker')],
  ['write (subject, links, case, chained decision)', inUrl('decision-chain', '/repositories/', 'chain-record', 'node-sha256', 'cases.service') ],
  ['screening service (digest, redaction, IP location)', inUrl('screening.service', 'ip-intelligence', 'subject-redaction', '/shared/hashing')],
  ['monitoring (link scan, re-screens)', inUrl('monitoring', 'stored-screening')],
  ['metrics', inUrl('metrics', 'prom-client')],
];

/** Where a sample with none of our frames on its stack is spent. */
const LIBRARIES: Rule[] = [
  ['database driver (pg, drizzle)', inUrl('/pg/', '/pg-protocol/', 'drizzle-orm', 'pg-pool')],
  ['zod (other)', inUrl('/zod/')],
  ['Fastify and node:http', inUrl('/fastify/', 'find-my-way', 'avvio', 'light-my-request', '@fastify', 'node:_http', 'node:net', 'node:stream', 'node:internal/http', 'node:internal/stream')],
];

/**
 * Phases known by a function anywhere on the stack, whatever runs inside them: the start-up
 * (list index build, module loading, plugins), writing the response (Fastify's serialise step,
 * zod included) and reading the body (Fastify's JSON parser) and checking it against its schema.
 */
const PHASES: [component: string, functions: Set<string>][] = [
  ['start-up (list index build, modules, plugins)', new Set(['buildSnapshot', 'buildMatchIndex', 'Module._load', 'compileSourceTextModule', 'loadAndTranslate', 'Boot._loadPlugin', 'runMigrations', 'mirrorTo'])],
  ['response serialisation', new Set(['preSerializationHookEnd', 'serialize'])],
  ['request parsing and zod validation', new Set(['defaultJsonParser', 'parseJsonBody', 'validate', 'validateSchema', 'preValidationCallback'])],
  ['lookups', new Set(['answerLookups', 'answerLookupsFor'])],
  ['write (subject, links, case, chained decision)', new Set(['recordScreening', 'recordScreeningAtOnce', 'appendScreening', 'drain', 'writeBatch', 'insertScreenings'])],
];

function componentOf(stack: readonly ProfileNode['callFrame'][]): string {
  for (const [component, functions] of PHASES) if (stack.some((frame) => functions.has(frame.functionName))) return component;
  for (const rules of [COMPONENTS, LIBRARIES]) {
    for (const frame of stack) {
      const rule = rules.find(([, test]) => test(frame));
      if (rule) return rule[0];
    }
  }
  const top = stack[0];
  if (top?.functionName === '(garbage collector)') return 'garbage collection';
  if (top?.functionName === '(idle)' || top?.functionName === '(program)') return top.functionName === '(idle)' ? 'idle' : 'V8 and native (program)';
  return 'other';
}

/** Milliseconds by component in one profile (idle included, to be left out by the caller). */
function componentsOf(profile: CpuProfile): Map<string, number> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const componentByNode = new Map<number, string>();
  const totals = new Map<string, number>();
  profile.samples.forEach((nodeId, index) => {
    let component = componentByNode.get(nodeId);
    if (!component) {
      const stack: ProfileNode['callFrame'][] = [];
      for (let id: number | undefined = nodeId; id !== undefined; id = parentOf.get(id)) stack.push(byId.get(id)!.callFrame);
      component = componentOf(stack);
      componentByNode.set(nodeId, component);
    }
    totals.set(component, (totals.get(component) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
  });
  return totals;
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { requests: { type: 'string' } } });
const totals = new Map<string, number>();
for (const file of positionals) {
  for (const [component, ms] of componentsOf(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile)) totals.set(component, (totals.get(component) ?? 0) + ms);
}
totals.delete('idle');
const busy = [...totals.values()].reduce((sum, ms) => sum + ms, 0);
const requests = values.requests ? Number(values.requests) : undefined;
const lines = [`| component | CPU ms | share |${requests ? ' ms per request |' : ''}`, `| --- | ---: | ---: |${requests ? ' ---: |' : ''}`];
for (const [component, ms] of [...totals].sort((a, b) => b[1] - a[1])) {
  lines.push(`| ${component} | ${ms.toFixed(0)} | ${((ms / busy) * 100).toFixed(1)}% |${requests ? ` ${(ms / requests).toFixed(3)} |` : ''}`);
}
lines.push(`| busy (idle left out) | ${busy.toFixed(0)} | 100% |${requests ? ` ${(busy / requests).toFixed(3)} |` : ''}`);
process.stdout.write(`${lines.join('\n')}\n`);
