/**
 * Reading PostgreSQL errors through drizzle: both drivers (pg, PGlite) report the SQLSTATE as
 * `code` and the violated constraint as `constraint`, but drizzle may wrap the driver's error
 * ("Failed query: ...") and keep it as `cause`.
 */
interface DriverError {
  code?: unknown;
  constraint?: unknown;
  cause?: unknown;
}

function driverError(error: unknown): DriverError | undefined {
  for (let current: unknown = error, depth = 0; current && typeof current === 'object' && depth < 4; depth += 1) {
    const candidate = current as DriverError;
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code)) return candidate;
    current = candidate.cause;
  }
  return undefined;
}

/** SQLSTATE 23505 (unique_violation), optionally on one named constraint or index. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const found = driverError(error);
  return found?.code === '23505' && (constraint === undefined || found.constraint === constraint);
}

/**
 * SQLSTATE 40P01 (deadlock_detected) or 40001 (serialization_failure): PostgreSQL rolled the
 * transaction back because of another one, and running it again is expected to succeed.
 */
export function isTransientConflict(error: unknown): boolean {
  const code = driverError(error)?.code;
  return code === '40P01' || code === '40001';
}

/**
 * SQLSTATE RF001 (migration 0009): a screening written as a new applicant's found the subject
 * already there. Nothing was written; the screening is written again in a transaction.
 */
export function isSubjectNotNew(error: unknown): boolean {
  return driverError(error)?.code === 'RF001';
}
