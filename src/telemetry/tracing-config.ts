/**
 * Whether to trace, read from the standard OpenTelemetry variables (the OTel specification's
 * "Environment Variable Specification"), so an operator configures redflag like any other
 * OTel-instrumented service. One difference: the specification's default exporter is `otlp`, and
 * here tracing is OFF until a variable asks for it (OTEL_TRACES_EXPORTER, or an OTLP endpoint),
 * so a service started without OTEL_* never sends data anywhere.
 *
 * The OTLP exporter itself reads the rest (OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT, _HEADERS,
 * _TIMEOUT, _COMPRESSION, _CERTIFICATE ...) and the resource detector OTEL_SERVICE_NAME and
 * OTEL_RESOURCE_ATTRIBUTES.
 */
import { ConfigError } from '../config.js';

export type TraceExporterKind = 'otlp' | 'console';

export type SamplerChoice =
  | { kind: 'always_on' | 'always_off' | 'parentbased_always_on' | 'parentbased_always_off' }
  | { kind: 'traceidratio' | 'parentbased_traceidratio'; ratio: number };

export interface TracingConfig {
  exporters: TraceExporterKind[];
  sampler: SamplerChoice;
}

type Env = Record<string, string | undefined>;

const EXPORTERS = new Set(['otlp', 'console', 'none']);
const SAMPLERS = new Set(['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio']);
/** The exporter package sends OTLP as protobuf over HTTP, the specification's default protocol. */
const PROTOCOLS = new Set(['http/protobuf']);

const valueOf = (env: Env, name: string) => {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
};

function fail(name: string, message: string): never {
  throw new ConfigError(`Invalid configuration:\n  ${name}: ${message}`);
}

function exportersOf(env: Env): string[] | undefined {
  const raw = valueOf(env, 'OTEL_TRACES_EXPORTER');
  if (raw === undefined) return undefined;
  const names = raw.split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);
  const unknown = names.find((name) => !EXPORTERS.has(name));
  if (unknown !== undefined) fail('OTEL_TRACES_EXPORTER', `"${unknown}" is not supported (otlp, console or none)`);
  return names;
}

function samplerOf(env: Env): SamplerChoice {
  const kind = (valueOf(env, 'OTEL_TRACES_SAMPLER') ?? 'parentbased_always_on').toLowerCase();
  if (!SAMPLERS.has(kind)) fail('OTEL_TRACES_SAMPLER', `"${kind}" is not supported (${[...SAMPLERS].join(', ')})`);
  if (kind !== 'traceidratio' && kind !== 'parentbased_traceidratio') return { kind } as SamplerChoice;
  const arg = valueOf(env, 'OTEL_TRACES_SAMPLER_ARG');
  const ratio = arg === undefined ? 1 : Number(arg);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) fail('OTEL_TRACES_SAMPLER_ARG', 'must be a number from 0 to 1');
  return { kind, ratio };
}

function checkProtocol(env: Env) {
  for (const name of ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL']) {
    const protocol = valueOf(env, name);
    if (protocol !== undefined && !PROTOCOLS.has(protocol)) fail(name, `"${protocol}" is not supported (http/protobuf)`);
    if (protocol !== undefined) return;
  }
}

/**
 * The tracing to start, or undefined (the default): OTEL_SDK_DISABLED=true, OTEL_TRACES_EXPORTER
 * unset or `none`, and no OTLP endpoint. A value that is not understood stops the start-up.
 */
export function tracingConfigOf(env: Env): TracingConfig | undefined {
  if (valueOf(env, 'OTEL_SDK_DISABLED')?.toLowerCase() === 'true') return undefined;
  const named = exportersOf(env);
  const endpoint = valueOf(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ?? valueOf(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  const exporters = (named ?? (endpoint === undefined ? [] : ['otlp'])).filter((name): name is TraceExporterKind => name !== 'none');
  if (exporters.length === 0) return undefined;
  if (exporters.includes('otlp')) checkProtocol(env);
  return { exporters: [...new Set(exporters)], sampler: samplerOf(env) };
}
