import { describe, expect, test } from 'vitest';
import { ConfigError } from '../../src/config.js';
import { tracingConfigOf } from '../../src/telemetry/tracing-config.js';

describe('tracingConfigOf (the standard OTEL_* variables; off by default)', () => {
  test.each([
    ['nothing set', {}],
    ['an exporter of none', { OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }],
    ['the SDK disabled, whatever else is set', { OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' }],
    ['empty values', { OTEL_TRACES_EXPORTER: '', OTEL_EXPORTER_OTLP_ENDPOINT: ' ' }],
  ])('off: %s', (_case, env) => {
    expect(tracingConfigOf(env)).toBeUndefined();
  });

  test.each([
    ['an OTLP exporter named', { OTEL_TRACES_EXPORTER: 'otlp' }, ['otlp']],
    ['an OTLP endpoint alone', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, ['otlp']],
    ['a traces endpoint alone', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }, ['otlp']],
    ['two exporters, none dropped', { OTEL_TRACES_EXPORTER: 'otlp, console,none' }, ['otlp', 'console']],
    ['SDK disabled false', { OTEL_SDK_DISABLED: 'false', OTEL_TRACES_EXPORTER: 'console' }, ['console']],
  ])('on: %s', (_case, env, exporters) => {
    expect(tracingConfigOf(env)).toEqual({ exporters, sampler: { kind: 'parentbased_always_on' } });
  });

  test('samplers: the specification\'s names, with a ratio argument (default 1)', () => {
    const on = { OTEL_TRACES_EXPORTER: 'otlp' };
    expect(tracingConfigOf({ ...on, OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' })?.sampler).toEqual({ kind: 'traceidratio', ratio: 0.25 });
    expect(tracingConfigOf({ ...on, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio' })?.sampler).toEqual({ kind: 'parentbased_traceidratio', ratio: 1 });
    expect(tracingConfigOf({ ...on, OTEL_TRACES_SAMPLER: 'always_off' })?.sampler).toEqual({ kind: 'always_off' });
  });

  test.each([
    [{ OTEL_TRACES_EXPORTER: 'zipkin' }, 'OTEL_TRACES_EXPORTER'],
    [{ OTEL_TRACES_EXPORTER: 'otlp', OTEL_TRACES_SAMPLER: 'sometimes' }, 'OTEL_TRACES_SAMPLER'],
    [{ OTEL_TRACES_EXPORTER: 'otlp', OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '1.5' }, 'OTEL_TRACES_SAMPLER_ARG'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'OTEL_EXPORTER_OTLP_PROTOCOL'],
    [{ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' }, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'],
  ])('a value not understood stops the start, naming the variable: %j', (env, variable) => {
    expect(() => tracingConfigOf(env)).toThrow(ConfigError);
    expect(() => tracingConfigOf(env)).toThrow(variable);
  });

  test('the traces protocol overrides the general one', () => {
    expect(tracingConfigOf({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })?.exporters).toEqual(['otlp']);
  });
});
