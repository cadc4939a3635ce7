import { createHash, type Hash } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';

import { ListImportError } from './list-import.errors.js';

export interface ListFileInspectorOptions {
  /** File name for error messages. */
  file: string;
  /**
   * Called once with the start of the file (BOM removed, leading whitespace trimmed); returns
   * a reason to refuse the file, e.g. "this is HTML, not CSV", or undefined to go on.
   */
  sniff?: (head: string) => string | undefined;
  /** Drop a final 0x1A byte: OFAC files end with a DOS end-of-file marker. */
  stripDosEof?: boolean;
}

const SNIFF_BYTES = 512;
const DOS_EOF = 0x1a;
const LF = 0x0a;

/**
 * Pass-through stage in front of a parser. It digests the raw bytes (SHA-256, byte count)
 * exactly as received, and refuses bytes that are not UTF-8 with the line they are on: a
 * Latin-1 or Windows-1252 export of a list would otherwise be decoded into U+FFFD and the
 * damaged names would silently stop matching.
 *
 * Memory stays bounded: at most the sniff window, a 3-byte partial UTF-8 sequence and one
 * held-back EOF byte are kept between chunks.
 */
export class ListFileInspector extends Transform {
  private readonly file: string;
  private readonly sniff: ((head: string) => string | undefined) | undefined;
  private readonly stripDosEof: boolean;
  private readonly hash: Hash = createHash('sha256');
  private byteCount = 0;
  private newlines = 0;
  private head: Buffer[] | undefined = [];
  private headBytes = 0;
  /** Trailing bytes of an incomplete UTF-8 sequence, validated with the next chunk. */
  private carry: Buffer = Buffer.alloc(0);
  private heldEof = false;
  private finished = false;
  private sha256Hex = '';

  constructor(options: ListFileInspectorOptions) {
    super();
    this.file = options.file;
    this.sniff = options.sniff;
    this.stripDosEof = options.stripDosEof ?? false;
  }

  /** Digest of every byte seen so far; complete once the stream has ended. */
  digest(): { sha256: string; bytes: number } {
    if (!this.finished) throw new Error('ListFileInspector.digest() called before the end of the stream');
    return { sha256: this.sha256Hex, bytes: this.byteCount };
  }

  override _transform(chunk: unknown, _encoding: BufferEncoding, callback: TransformCallback): void {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
    this.hash.update(buf);
    this.byteCount += buf.length;
    try {
      if (this.head) {
        this.head.push(buf);
        this.headBytes += buf.length;
        if (this.headBytes >= SNIFF_BYTES) this.releaseHead();
      } else {
        this.process(buf);
      }
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      if (this.head) this.releaseHead();
      if (this.carry.length > 0) {
        throw new ListImportError({
          file: this.file,
          line: this.newlines + 1,
          reason: 'the file is not valid UTF-8 (it ends inside a multi-byte character)',
        });
      }
      this.sha256Hex = this.hash.digest('hex');
      this.finished = true;
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  private releaseHead(): void {
    const head = Buffer.concat(this.head ?? []);
    this.head = undefined;
    if (this.sniff) {
      const text = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false })
        .decode(head.subarray(0, SNIFF_BYTES))
        .trimStart();
      const refusal = this.sniff(text);
      if (refusal !== undefined) throw new ListImportError({ file: this.file, line: 1, reason: refusal });
    }
    this.process(head);
  }

  private process(input: Buffer): void {
    const data = this.carry.length > 0 ? Buffer.concat([this.carry, input]) : input;
    const complete = completeUtf8Length(data);
    const checked = data.subarray(0, complete);
    this.carry = Buffer.from(data.subarray(complete));

    if (!isUtf8(checked)) {
      const offset = firstInvalidUtf8Offset(checked);
      throw new ListImportError({
        file: this.file,
        line: this.newlines + countNewlines(checked, offset) + 1,
        reason: `the file is not valid UTF-8 (byte 0x${(checked[offset] ?? 0).toString(16).padStart(2, '0')}); lists must be UTF-8, re-export or convert it (a Latin-1 or Windows-1252 file would corrupt names)`,
      });
    }
    // Valid UTF-8, but no list has a use for it and PostgreSQL text cannot store it.
    const nul = checked.indexOf(0);
    if (nul !== -1) {
      throw new ListImportError({ file: this.file, line: this.newlines + countNewlines(checked, nul) + 1, reason: 'the file contains a NUL byte (0x00); list files are text' });
    }
    this.newlines += countNewlines(checked, checked.length);

    let out = checked;
    if (this.stripDosEof) {
      if (this.heldEof && out.length > 0) {
        this.push(Buffer.from([DOS_EOF]));
        this.heldEof = false;
      }
      // Hold a trailing 0x1A back until we know whether more bytes follow it.
      if (out.length > 0 && out[out.length - 1] === DOS_EOF && this.carry.length === 0) {
        out = out.subarray(0, out.length - 1);
        this.heldEof = true;
      }
    }
    if (out.length > 0) this.push(out);
  }
}

function countNewlines(buf: Buffer, end: number): number {
  let count = 0;
  let index = buf.indexOf(LF);
  while (index !== -1 && index < end) {
    count += 1;
    index = buf.indexOf(LF, index + 1);
  }
  return count;
}

/** Length of the prefix that does not end inside a multi-byte UTF-8 sequence. */
function completeUtf8Length(buf: Buffer): number {
  const n = buf.length;
  for (let back = 1; back <= Math.min(3, n); back += 1) {
    const byte = buf[n - back] ?? 0;
    if ((byte & 0xc0) === 0x80) continue;
    if (byte >= 0xc0) {
      const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      return back < needed ? n - back : n;
    }
    return n;
  }
  return n;
}

/** Offset of the first byte that starts an invalid UTF-8 sequence (RFC 3629). */
export function firstInvalidUtf8Offset(buf: Uint8Array): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i] ?? 0;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    let needed: number;
    let low = 0x80;
    let high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) needed = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      needed = 2;
      if (b === 0xe0) low = 0xa0; // overlong
      if (b === 0xed) high = 0x9f; // UTF-16 surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      needed = 3;
      if (b === 0xf0) low = 0x90; // overlong
      if (b === 0xf4) high = 0x8f; // above U+10FFFF
    } else return i;
    if (i + needed > buf.length - 1) return i; // truncated sequence
    const second = buf[i + 1] ?? 0;
    if (second < low || second > high) return i;
    for (let k = 2; k <= needed; k += 1) {
      const next = buf[i + k] ?? 0;
      if ((next & 0xc0) !== 0x80) return i;
    }
    i += needed + 1;
  }
  return buf.length;
}
