/**
 * Streaming writer for the decision-log export: rows in, CSV or NDJSON bytes out, ending with
 * the manifest line (layout in `src/domain/audit/export-format.ts`). Each row is formatted and
 * hashed once and then released, so memory stays flat however many rows pass through.
 *
 * Rows must arrive in ascending (tenant, sequence) order, as the chain was built: the offline
 * verifier checks prevHash links between adjacent sequences.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform } from 'node:stream';
import {
  EXPORT_CSV_HEADER,
  EXPORT_FORMAT_NAME,
  EXPORT_FORMAT_VERSION,
  formatCsvRow,
  formatManifestLine,
  formatNdjsonRow,
  type ExportFilter,
  type ExportFormat,
  type ExportManifest,
  type ExportRow,
} from '../domain/audit/export-format.js';

export interface ExportWriterOptions {
  filter: ExportFilter;
  /** When the export was made (ISO-8601): passed in so the output is reproducible. */
  generatedAt: string;
  /** The chain head and signed checkpoints the manifest carries (format version 3). */
  chain?: Pick<ExportManifest, 'tenantId' | 'head' | 'checkpoints' | 'keys'>;
}

/** Formats rows and keeps the running digest and counts the manifest needs. */
export class ExportEncoder {
  private readonly hash: Hash = createHash('sha256');
  private rows = 0;
  private firstHash: string | null = null;
  private lastHash: string | null = null;
  private started = false;
  private finished = false;

  constructor(
    readonly format: ExportFormat,
    private readonly options: ExportWriterOptions,
  ) {}

  private body(text: string): Buffer {
    // Hash the very bytes that are emitted, so the digest cannot drift from the file.
    const bytes = Buffer.from(text, 'utf8');
    this.hash.update(bytes);
    return bytes;
  }

  private start(): Buffer[] {
    if (this.started) return [];
    this.started = true;
    return this.format === 'csv' ? [this.body(EXPORT_CSV_HEADER)] : [];
  }

  /** Bytes for one row (preceded by the CSV header on the first call). */
  row(row: ExportRow): Buffer {
    if (this.finished) throw new Error('export already finished');
    const chunks = this.start();
    chunks.push(this.body(this.format === 'csv' ? formatCsvRow(row) : formatNdjsonRow(row)));
    this.rows += 1;
    this.firstHash ??= row.hash;
    this.lastHash = row.hash;
    return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
  }

  /** The closing bytes: the header if no row came, then the manifest line (not itself hashed). */
  finish(): { bytes: Buffer; manifest: ExportManifest } {
    if (this.finished) throw new Error('export already finished');
    const chunks = this.start();
    this.finished = true;
    const manifest: ExportManifest = {
      format: EXPORT_FORMAT_NAME,
      formatVersion: EXPORT_FORMAT_VERSION,
      rows: this.rows,
      firstHash: this.firstHash,
      lastHash: this.lastHash,
      bodySha256: this.hash.digest('hex'),
      filter: { from: this.options.filter.from, to: this.options.filter.to, outcome: this.options.filter.outcome },
      generatedAt: this.options.generatedAt,
      ...this.options.chain,
    };
    chunks.push(Buffer.from(formatManifestLine(this.format, manifest), 'utf8'));
    return { bytes: Buffer.concat(chunks), manifest };
  }
}

/**
 * A Transform taking ExportRow objects and emitting the file's bytes; pipe a database cursor
 * into it and it into the HTTP response (`stream.pipeline` propagates errors and back-pressure).
 * `onManifest` receives the manifest once written (e.g. to log or store it).
 */
export function createExportWriter(
  format: ExportFormat,
  options: ExportWriterOptions & { onManifest?: (manifest: ExportManifest) => void },
): Transform {
  const encoder = new ExportEncoder(format, options);
  return new Transform({
    writableObjectMode: true,
    readableObjectMode: false,
    transform(row: ExportRow, _encoding, callback) {
      try {
        callback(null, encoder.row(row));
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback) {
      try {
        const { bytes, manifest } = encoder.finish();
        options.onManifest?.(manifest);
        callback(null, bytes);
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}

/** The same output as an async generator of byte chunks, for callers that prefer iterables. */
export async function* encodeExport(
  rows: Iterable<ExportRow> | AsyncIterable<ExportRow>,
  format: ExportFormat,
  options: ExportWriterOptions,
): AsyncGenerator<Buffer, ExportManifest> {
  const encoder = new ExportEncoder(format, options);
  for await (const row of rows) yield encoder.row(row);
  const { bytes, manifest } = encoder.finish();
  yield bytes;
  return manifest;
}
