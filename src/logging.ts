import type { LoggerOptions } from 'pino';

/**
 * Personal data must never reach the log. Request lines carry no body, no query string and no
 * headers; these paths are a second line of defence for anything logged with an object.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  'body',
  'subject',
  '*.subject',
  'name',
  '*.name',
  'aliases',
  '*.aliases',
  'email',
  '*.email',
  'emails',
  '*.emails',
  'phone',
  '*.phone',
  'phones',
  '*.phones',
  'input',
  '*.input',
];

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    // The default serializers would log the full URL (query strings may carry names) and headers.
    serializers: {},
    base: { service: 'redflag' },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
  };
}
