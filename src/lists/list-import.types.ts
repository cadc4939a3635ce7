import type { Readable } from 'node:stream';

/**
 * One input file as a name and a byte stream, so the same importer serves files on disk,
 * HTTP uploads and test fixtures. The name is what error messages and digests report.
 */
export interface ListFile {
  name: string;
  stream: Readable;
}

/** What an import records about each file it read: enough to prove which bytes were loaded. */
export interface ImportedFile<Role extends string = string> {
  name: string;
  role: Role;
  /** Lower-case hex SHA-256 of the exact bytes read (including any trailing DOS EOF byte). */
  sha256: string;
  bytes: number;
  /** CSV records, or top-level list elements (INDIVIDUAL + ENTITY) for XML. */
  rows: number;
}

/**
 * A problem that does not make the file unreadable (a row for an entry the main file does not
 * have, an unknown entry type). Kept so the operator sees it; never silently dropped.
 */
export interface ListImportWarning {
  file: string;
  line?: number;
  element?: string;
  message: string;
}
