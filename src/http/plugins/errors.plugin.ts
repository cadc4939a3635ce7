import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, ERROR_CATALOGUE, type ErrorCode, type FieldProblem } from '../../errors.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';
const TYPE_BASE = 'https://redflag.dev/problems/';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  requestId?: string;
  errors?: FieldProblem[];
}

export function problemFor(code: ErrorCode, detail: string, errors?: FieldProblem[]): Problem {
  const { status, title } = ERROR_CATALOGUE[code];
  return { type: `${TYPE_BASE}${code.replaceAll('_', '-')}`, title, status, detail, ...(errors ? { errors } : {}) };
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: Problem) {
  return reply
    .code(problem.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send({ ...problem, instance: request.url.split('?')[0], requestId: request.id });
}

interface ValidationIssue {
  instancePath: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

function fieldProblems(issues: readonly ValidationIssue[], location: string | undefined): FieldProblem[] {
  const prefix = location && location !== 'body' ? `${location}:` : '';
  return issues.flatMap((issue) => {
    const base = issue.instancePath === '/' ? '' : issue.instancePath;
    const keys = issue.keyword === 'unrecognized_keys' ? (issue.params?.keys as unknown) : undefined;
    if (Array.isArray(keys)) {
      return keys.map((key) => ({ field: `${prefix}${base}/${String(key)}`, message: 'unknown field' }));
    }
    return [{ field: `${prefix}${base || '/'}`, message: issue.message ?? 'invalid value' }];
  });
}

/** Fastify's own error codes a client can trigger, mapped onto our catalogue. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation_failed',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_VALIDATION: 'validation_failed',
  FST_ERR_ASYNC_CONSTRAINT: 'validation_failed',
  FST_ERR_HANDLER_TIMEOUT: 'unavailable',
};

function statusToCode(status: number): ErrorCode {
  const match = (Object.entries(ERROR_CATALOGUE) as [ErrorCode, { status: number }][]).find(([, value]) => value.status === status);
  return match ? match[0] : 'validation_failed';
}

/**
 * Errors Fastify raises before routing (Fastify's `frameworkErrors` option): a malformed
 * percent-encoding in the path, a failed async constraint. They bypass the error handler, so
 * without this they would be Fastify's plain JSON. The URL is not echoed: it may hold anything.
 */
export function handleFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error.code === 'FST_ERR_BAD_URL') return sendProblem(request, reply, problemFor('validation_failed', 'The URL path is not validly percent-encoded'));
  const code = (error.code ? FASTIFY_CODES[error.code] : undefined) ?? 'validation_failed';
  return sendProblem(request, reply, problemFor(code, 'The request could not be routed'));
}

/**
 * One handler turns every error into RFC 9457 problem+json. 4xx details are safe to show;
 * anything unexpected becomes a generic 500 whose cause is only in the log, with the request id.
 */
export function registerErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      return sendProblem(request, reply, problemFor(error.code, error.message, error.errors));
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const errors = fieldProblems(error.validation, error.validationContext);
      const summary = errors.map((problem) => `${problem.field}: ${problem.message}`).join('; ');
      return sendProblem(request, reply, problemFor('validation_failed', `Invalid request: ${summary}`, errors));
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: { message: 'response failed its schema', issues: error.cause.issues.map((issue) => issue.path.join('/')) } }, 'response serialization failed');
      return sendProblem(request, reply, problemFor('internal', 'An unexpected error occurred'));
    }
    const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
    const status = error.statusCode ?? 500;
    if (mapped || (status >= 400 && status < 500) || status === 503) {
      const code = mapped ?? statusToCode(status);
      return sendProblem(request, reply, problemFor(code, error.message));
    }
    // Only what helps an operator, never SQL text or bound values: drizzle's wrapper puts both in
    // its message (and so its stack), pg puts values in `detail`; the driver's own error has neither.
    const cause = rootCause(error);
    const logged = { type: error.name, code: typeof cause.code === 'string' ? cause.code : error.code, message: cause.message, stack: cause.stack };
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: logged }, 'database unavailable');
      return sendProblem(request, reply.header('retry-after', '1'), problemFor('unavailable', 'The database is unavailable; retry later'));
    }
    request.log.error({ err: logged }, 'unhandled error');
    return sendProblem(request, reply, problemFor('internal', 'An unexpected error occurred'));
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, problemFor('not_found', `No route ${request.method} ${request.url.split('?')[0]}`)),
  );
}

/** Network errors, SQLSTATE class 08 (connection exception) and 57P01-03 (shutdown, crash, starting up). */
const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);
/** node-postgres reports a dropped or unusable connection with these messages and no code. */
const CONNECTION_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable|Cannot use a pool after calling end/i;

interface ErrorLike {
  code?: unknown;
  message?: string;
  stack?: string;
  cause?: unknown;
  errors?: unknown;
}

/** The innermost `cause` (drizzle wraps the driver's error as "Failed query: ..."). */
function rootCause(error: ErrorLike): ErrorLike {
  let current: ErrorLike = error;
  for (let depth = 0; depth < 5 && current.cause && typeof current.cause === 'object'; depth += 1) current = current.cause as ErrorLike;
  return current;
}

/**
 * Whether the error, or anything it wraps, says the database cannot be reached. Checked along the
 * whole cause chain and inside AggregateError (a refused connect to `localhost` tries ::1 and
 * 127.0.0.1 and reports both).
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const candidate = error as ErrorLike;
  if (typeof candidate.code === 'string' && CONNECTION_ERRORS.has(candidate.code)) return true;
  // drizzle's "Failed query" message quotes bound values, which could contain any text.
  const message = candidate.message ?? '';
  if (!message.startsWith('Failed query') && CONNECTION_MESSAGES.test(message)) return true;
  if (Array.isArray(candidate.errors) && candidate.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
  return isDatabaseUnavailable(candidate.cause, depth + 1);
}
