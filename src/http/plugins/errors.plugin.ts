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
  FST_ERR_BAD_URL: 'not_found',
  FST_ERR_ASYNC_CONSTRAINT: 'validation_failed',
};

function statusToCode(status: number): ErrorCode {
  const match = (Object.entries(ERROR_CATALOGUE) as [ErrorCode, { status: number }][]).find(([, value]) => value.status === status);
  return match ? match[0] : 'validation_failed';
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
    if (mapped || (status >= 400 && status < 500)) {
      const code = mapped ?? statusToCode(status);
      return sendProblem(request, reply, problemFor(code, error.message));
    }
    // Only what helps an operator, never SQL text or bound values (pg puts those in `detail`).
    request.log.error({ err: { type: error.name, code: error.code, message: error.message, stack: error.stack } }, 'unhandled error');
    if (isDatabaseUnavailable(error)) {
      return sendProblem(request, reply, problemFor('unavailable', 'The database is unavailable; retry later'));
    }
    return sendProblem(request, reply, problemFor('internal', 'An unexpected error occurred'));
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, problemFor('not_found', `No route ${request.method} ${request.url.split('?')[0]}`)),
  );
}

const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P02', '57P03', '08000', '08003', '08006']);

function isDatabaseUnavailable(error: { code?: string; message?: string }): boolean {
  return (
    (error.code !== undefined && CONNECTION_ERRORS.has(error.code)) ||
    /Connection terminated|timeout exceeded when trying to connect/i.test(error.message ?? '')
  );
}
