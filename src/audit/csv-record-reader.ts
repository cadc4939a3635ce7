/**
 * Incremental RFC 4180 record reader for the export verifier. It is fed text in pieces (whole
 * physical lines in practice) and returns the records completed so far, so a quoted field
 * spanning lines is handled without holding more than the current record.
 *
 * Hand-written rather than csv-parse because the verifier must hash the exact bytes and tell
 * the trailing manifest line apart before parsing; driving a second streaming parser in step
 * with that line logic would cost more code than this small state machine.
 */

export interface CsvRecord {
  fields: string[];
  /** 1-based physical line where the record starts. */
  line: number;
  /** Why the record is not valid RFC 4180, when it is not. */
  error?: string;
}

type State = 'fieldStart' | 'unquoted' | 'quoted' | 'quoteInQuoted';

export class CsvRecordReader {
  private fields: string[] = [];
  private field = '';
  private state: State = 'fieldStart';
  private error: string | undefined;
  private line = 1;
  private recordLine = 1;
  private recordChars = 0;

  /** Longest record kept, so a hostile file cannot grow one record without bound. */
  constructor(private readonly maxRecordChars = 1 << 20) {}

  /** Feeds the next piece of text; returns the records it completed. */
  feed(text: string): CsvRecord[] {
    const records: CsvRecord[] = [];
    // Fast path: a whole unquoted line at a record boundary (nearly every export row).
    if (this.state === 'fieldStart' && this.fields.length === 0 && text.endsWith('\n') && !text.includes('"')) {
      const body = text.endsWith('\r\n') ? text.slice(0, -2) : text.slice(0, -1);
      if (!body.includes('\n') && !body.includes('\r')) {
        records.push({ fields: body.split(','), line: this.line });
        this.line += 1;
        this.recordLine = this.line;
        return records;
      }
    }
    for (let index = 0; index < text.length; index += 1) {
      const char = text[index] as string;
      this.recordChars += 1;
      if (this.recordChars > this.maxRecordChars) this.error ??= `record longer than ${this.maxRecordChars} characters`;
      switch (this.state) {
        case 'quoted':
          if (char === '"') this.state = 'quoteInQuoted';
          else this.append(char);
          break;
        case 'quoteInQuoted':
          if (char === '"') {
            this.append('"');
            this.state = 'quoted';
            break;
          }
          this.state = 'unquoted';
          this.separatorOrText(char, records, true);
          break;
        case 'fieldStart':
          if (char === '"') {
            this.state = 'quoted';
            break;
          }
          this.state = 'unquoted';
          this.separatorOrText(char, records, false);
          break;
        case 'unquoted':
          this.separatorOrText(char, records, false);
          break;
      }
      if (char === '\n') this.line += 1;
    }
    return records;
  }

  private append(char: string): void {
    if (this.recordChars <= this.maxRecordChars) this.field += char;
  }

  /** Outside quotes: a comma ends the field, a line end ends the record, other text is data. */
  private separatorOrText(char: string, records: CsvRecord[], afterClosingQuote: boolean): void {
    if (char === ',') {
      this.fields.push(this.field);
      this.field = '';
      this.state = 'fieldStart';
    } else if (char === '\n') {
      this.fields.push(this.field);
      records.push({ fields: this.fields, line: this.recordLine, ...(this.error ? { error: this.error } : {}) });
      this.fields = [];
      this.field = '';
      this.state = 'fieldStart';
      this.error = undefined;
      this.recordChars = 0;
      this.recordLine = this.line + 1;
    } else if (char === '\r') {
      // Part of the CRLF record end; a bare CR outside quotes is not written by the exporter.
    } else if (afterClosingQuote) {
      this.error ??= 'text after a closing quote';
    } else if (char === '"') {
      this.error ??= 'quote inside an unquoted field';
      this.append(char);
    } else {
      this.append(char);
    }
  }

  /** Ends the input; returns a last record not closed by a line end, flagged as unterminated. */
  end(): CsvRecord | undefined {
    if (this.state === 'fieldStart' && this.fields.length === 0 && this.field === '') return undefined;
    const unterminated = this.state === 'quoted' ? 'unterminated quoted field' : 'record not ended by a line break';
    this.fields.push(this.field);
    const record = { fields: this.fields, line: this.recordLine, error: this.error ?? unterminated };
    this.fields = [];
    this.field = '';
    this.state = 'fieldStart';
    return record;
  }
}
