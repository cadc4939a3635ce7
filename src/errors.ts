/**
 * The closed catalogue of errors the API can return. Each code has one HTTP status and one
 * stable problem `type` URI, so clients can branch on `type` without parsing `detail`.
 */
export const ERROR_CATALOGUE = {
  validation_failed: { status: 400, title: 'Request validation failed' },
  invalid_json: { status: 400, title: 'Malformed JSON body' },
  invalid_encoding: { status: 400, title: 'Body is not valid UTF-8' },
  unauthorized: { status: 401, title: 'Missing or invalid API key' },
  forbidden: { status: 403, title: 'The API key lacks the role this operation needs' },
  not_found: { status: 404, title: 'Resource not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  conflict: { status: 409, title: 'Conflict with the current state' },
  list_would_shrink: { status: 409, title: 'The import would remove too many entries of the active version' },
  four_eyes_same_owner: { status: 409, title: 'Four-eyes: the approver is the person who proposed' },
  four_eyes_key_lineage: { status: 409, title: 'Four-eyes: the approver and the proposer are related by key lineage' },
  payload_too_large: { status: 413, title: 'Request body too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  unprocessable: { status: 422, title: 'Request cannot be processed' },
  rate_limited: { status: 429, title: 'Too many requests' },
  internal: { status: 500, title: 'Internal server error' },
  unavailable: { status: 503, title: 'Service temporarily unavailable' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export interface FieldProblem {
  /** JSON-pointer-like path of the offending field, e.g. `/subject/name`. */
  field: string;
  message: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly errors: FieldProblem[] | undefined;

  constructor(code: ErrorCode, detail: string, errors?: FieldProblem[]) {
    super(detail);
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.errors = errors;
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
export const conflict = (detail: string) => new AppError('conflict', detail);
export const validationFailed = (detail: string, errors?: FieldProblem[]) =>
  new AppError('validation_failed', detail, errors);
