/**
 * The one error every importer throws when it refuses a file. A refused import must never
 * half-load a list, so importers throw instead of skipping rows they cannot read; the message
 * names the file and the line (CSV) or element (XML) so an operator can look at the bytes.
 */
export interface ListImportErrorOptions {
  file: string;
  reason: string;
  line?: number;
  element?: string;
  cause?: unknown;
}

export class ListImportError extends Error {
  override readonly name = 'ListImportError';
  readonly file: string;
  readonly line?: number;
  readonly element?: string;
  readonly reason: string;

  constructor(options: ListImportErrorOptions) {
    super(formatMessage(options), options.cause === undefined ? undefined : { cause: options.cause });
    this.file = options.file;
    this.reason = options.reason;
    if (options.line !== undefined) this.line = options.line;
    if (options.element !== undefined) this.element = options.element;
  }
}

function formatMessage({ file, reason, line, element }: ListImportErrorOptions): string {
  const where = [
    line === undefined ? undefined : `line ${line}`,
    element === undefined ? undefined : `element <${element}>`,
  ].filter((part): part is string => part !== undefined);
  return where.length > 0 ? `${file}, ${where.join(', ')}: ${reason}` : `${file}: ${reason}`;
}

export function isListImportError(error: unknown): error is ListImportError {
  return error instanceof ListImportError;
}
