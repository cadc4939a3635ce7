import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { ListFileInspector } from '../../src/lists/list-file.reader.js';
import { ListImportError } from '../../src/lists/list-import.errors.js';
import { ofacFilesFromPaths, parseOfacCsv } from '../../src/lists/ofac-csv.importer.js';
import { parseUnXml } from '../../src/lists/un-xml.importer.js';
import { listsData } from '../helpers/shared-data.js';

const TINY = listsData('ofac-sdn', '2025-05_watchman-tiny');
const UN_FILE = listsData('un-consolidated', '2026-02-27', 'UN_consolidated.xml');

const SDN_ROW_1 =
  '29702,"LIFSHITS, Artem Mikhaylovich","individual","CYBER2",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 26 Dec 1992; nationality Russia."\r\n';
const SDN_ROW_2 = '40716,"IRIS MAKRAN","vessel","IRAN",-0- ,-0- ,"Naval Auxiliary Vessel",-0- ,-0- ,"Iran",-0- ,-0- \r\n';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'redflag-lists-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes a fixture into its own folder (so OFAC role-by-name works) and returns its path. */
async function fixture(name: string, content: string | Buffer, folder = name.replace(/\W/g, '_')): Promise<string> {
  const target = path.join(dir, folder);
  await mkdir(target, { recursive: true });
  const file = path.join(target, name);
  await writeFile(file, content);
  return file;
}

async function ofacError(...paths: string[]): Promise<ListImportError> {
  try {
    await parseOfacCsv(await ofacFilesFromPaths(paths));
  } catch (error) {
    if (error instanceof ListImportError) return error;
    throw error;
  }
  throw new Error('expected the import to be refused');
}

async function unError(file: string): Promise<ListImportError> {
  try {
    await parseUnXml({ name: path.basename(file), stream: createReadStream(file) });
  } catch (error) {
    if (error instanceof ListImportError) return error;
    throw error;
  }
  throw new Error('expected the import to be refused');
}

describe('OFAC CSV refuses bad input with the file and line', () => {
  test('an empty sdn.csv', async () => {
    const error = await ofacError(await fixture('sdn.csv', '', 'empty'));
    expect(error.file).toBe('sdn.csv');
    expect(error.reason).toBe('the file is empty');
    expect(error.message).toBe('sdn.csv: the file is empty');
  });

  test('an sdn.csv of only blank lines', async () => {
    const error = await ofacError(await fixture('sdn.csv', '\r\n\r\n\x1a', 'blank'));
    expect(error.reason).toBe('the file has no rows');
  });

  test('an empty optional file is refused too rather than silently dropping its rows', async () => {
    const folder = 'empty-alt';
    await fixture('sdn.csv', SDN_ROW_1, folder);
    await fixture('alt.csv', '', folder);
    const error = await ofacError(path.join(dir, folder));
    expect(error.message).toBe('alt.csv: the file is empty');
  });

  test('an HTML error page saved as sdn.csv', async () => {
    const html =
      '<!DOCTYPE html>\n<html lang="en"><head><title>503 Service Unavailable</title></head>\n<body><h1>Service Unavailable</h1></body></html>\n';
    const error = await ofacError(await fixture('sdn.csv', html, 'html'));
    expect(error.line).toBe(1);
    expect(error.message).toMatch(/^sdn\.csv, line 1: this is an HTML page, not an OFAC CSV file/);
  });

  test('a row with the wrong number of columns', async () => {
    const bad = '40716,"IRIS MAKRAN","vessel","IRAN",-0- ,-0- ,"Naval Auxiliary Vessel",-0- ,-0- ,"Iran",-0- \r\n';
    const error = await ofacError(await fixture('sdn.csv', SDN_ROW_1 + bad, 'columns'));
    expect(error.line).toBe(2);
    expect(error.message).toBe('sdn.csv, line 2: expected 12 columns for an OFAC primary file, found 11');
  });

  test('sdn.csv rows given as alt.csv (wrong file for the role)', async () => {
    const folder = 'swapped';
    await fixture('sdn.csv', SDN_ROW_1, folder);
    await fixture('alt.csv', SDN_ROW_2, folder);
    const error = await ofacError(path.join(dir, folder));
    expect(error.message).toBe('alt.csv, line 1: expected 5 columns for an OFAC alt file, found 12');
  });

  test('a header row (OFAC files have none)', async () => {
    const header = 'ent_num,SDN_Name,SDN_Type,Program,Title,Call_Sign,Vess_type,Tonnage,GRT,Vess_flag,Vess_owner,Remarks\r\n';
    const error = await ofacError(await fixture('sdn.csv', header + SDN_ROW_1, 'header'));
    expect(error.line).toBe(1);
    expect(error.reason).toMatch(/first column must be an OFAC ent_num/);
  });

  test('the same ent_num twice', async () => {
    const error = await ofacError(await fixture('sdn.csv', SDN_ROW_1 + SDN_ROW_2 + SDN_ROW_1, 'duplicate'));
    expect(error.message).toBe('sdn.csv, line 3: ent_num 29702 appears twice (first on line 1)');
  });

  test('Latin-1 bytes are refused with their line, not decoded into U+FFFD', async () => {
    // "MÜLLER" in ISO-8859-1: Ü is the single byte 0xDC, which is invalid UTF-8.
    const latin1 = Buffer.concat([
      Buffer.from(SDN_ROW_1 + SDN_ROW_2),
      Buffer.from('12345,"M'),
      Buffer.from([0xdc]),
      Buffer.from('LLER, Hans","individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'),
    ]);
    const error = await ofacError(await fixture('sdn.csv', latin1, 'latin1'));
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/^sdn\.csv, line 3: the file is not valid UTF-8 \(byte 0xdc\)/);
  });

  test('a Latin-1 byte in an alt.csv far beyond the first chunk is found on its line', async () => {
    const folder = 'latin1-alt';
    const rows = Array.from({ length: 5000 }, (_, i) => `29702,${i + 1},"aka","NAME ${i + 1}",-0- \r\n`).join('');
    await fixture('sdn.csv', SDN_ROW_1, folder);
    await fixture('alt.csv', Buffer.concat([Buffer.from(rows), Buffer.from('29702,9,"aka","CAF'), Buffer.from([0xe9, 0x22]), Buffer.from(',-0- \r\n')]), folder);
    const error = await ofacError(path.join(dir, folder));
    expect(error.file).toBe('alt.csv');
    expect(error.line).toBe(5001);
  });

  test('the UN XML file passed as sdn.csv', async () => {
    const error = await ofacError(await fixture('sdn.csv', await readFile(UN_FILE), 'un-as-ofac'));
    expect(error.message).toBe('sdn.csv, line 1: this looks like XML, not an OFAC CSV file (is it the UN consolidated list?)');
  });

  test('a broken quote is reported as a CSV error with its line', async () => {
    const error = await ofacError(await fixture('sdn.csv', SDN_ROW_1 + '40716,"IRIS "MAKRAN","vessel"\r\n', 'quote'));
    expect(error.line).toBe(2);
    expect(error.reason).toMatch(/^not a valid OFAC CSV file/);
  });

  test('an unknown entry or alias type is kept, with a warning naming the line', async () => {
    const result = await parseOfacCsv([
      { name: 'sdn.csv', stream: Readable.from([SDN_ROW_1, '99,"X","spaceship","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n']) },
      { name: 'alt.csv', stream: Readable.from(['99,1,"alias","Y",-0- \r\n']) },
    ]);
    expect(result.entries.find((e) => e.sourceId === '99')).toMatchObject({
      type: 'unknown',
      names: [
        { full: 'X', kind: 'primary', strength: 'strong' },
        { full: 'Y', kind: 'aka', strength: 'strong' },
      ],
    });
    expect(result.warnings).toEqual([
      { file: 'alt.csv', line: 1, message: 'unknown alias type "alias", read as a.k.a.' },
      { file: 'sdn.csv', line: 2, message: 'unknown entry type "spaceship"' },
    ]);
  });

  test('a stream that fails midway', async () => {
    const failing = new Readable({
      read() {
        this.push(SDN_ROW_1);
        this.destroy(new Error('connection reset'));
      },
    });
    await expect(parseOfacCsv([{ name: 'sdn.csv', stream: failing }])).rejects.toThrow(
      'sdn.csv: could not read the file: connection reset',
    );
  });

  test('file names and roles that do not add up', async () => {
    await expect(ofacFilesFromPaths([await fixture('sdn.txt', SDN_ROW_1)])).rejects.toThrow(/not an OFAC file name/);
    await expect(ofacFilesFromPaths([path.join(TINY, 'alt.csv')])).rejects.toThrow(/no primary file/);
    await expect(ofacFilesFromPaths([path.join(dir, 'does-not-exist')])).rejects.toThrow(/cannot read the path/);
    await expect(parseOfacCsv([])).rejects.toThrow(/no files given/);
    const stream = (): Readable => Readable.from([SDN_ROW_1]);
    await expect(
      parseOfacCsv([
        { name: 'sdn.csv', stream: stream() },
        { name: 'cons_prim.csv', stream: stream() },
      ]),
    ).rejects.toThrow('two files for the primary role (sdn.csv and cons_prim.csv)');
    await expect(
      parseOfacCsv([
        { name: 'sdn.csv', stream: stream() },
        { name: 'cons_alt.csv', stream: stream() },
      ]),
    ).rejects.toThrow(/mixed in one import/);
    await expect(parseOfacCsv([{ name: 'upload.bin', stream: stream() }])).rejects.toThrow(/cannot tell the file role/);
  });

  test('a refused import closes the streams it did not get to read', async () => {
    const alt = createReadStream(path.join(TINY, 'alt.csv'));
    await expect(
      parseOfacCsv([
        { name: 'sdn.csv', stream: Readable.from(['<html></html>']) },
        { name: 'alt.csv', stream: alt },
      ]),
    ).rejects.toThrow(ListImportError);
    expect(alt.destroyed).toBe(true);
  });
});

describe('UN XML refuses bad input with the file and element or line', () => {
  test('an empty file', async () => {
    const error = await unError(await fixture('UN_consolidated.xml', '', 'un-empty'));
    expect(error.message).toBe('UN_consolidated.xml: the file is empty');
  });

  test('a truncated download names the element it stopped in', async () => {
    const full = await readFile(UN_FILE);
    const cut = full.subarray(0, full.indexOf('<REFERENCE_NUMBER>KPi.001</REFERENCE_NUMBER>') + 30);
    const error = await unError(await fixture('UN_consolidated.xml', cut, 'un-truncated'));
    expect(error.element).toBe('REFERENCE_NUMBER');
    expect(error.line).toBe(8868);
    expect(error.message).toBe(
      'UN_consolidated.xml, line 8868, element <REFERENCE_NUMBER>: the file ends inside <REFERENCE_NUMBER> (truncated download?)',
    );
  });

  test('a file cut in the middle of a multi-byte character', async () => {
    const full = await readFile(UN_FILE);
    const arabic = full.indexOf(Buffer.from('محمد'));
    const error = await unError(await fixture('UN_consolidated.xml', full.subarray(0, arabic + 1), 'un-cut-char'));
    expect(error.reason).toMatch(/not valid UTF-8/);
  });

  test('mismatched tags', async () => {
    const xml = '<?xml version="1.0"?>\n<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n<INDIVIDUAL><FIRST_NAME>X</SECOND_NAME>\n';
    const error = await unError(await fixture('UN_consolidated.xml', xml, 'un-mismatch'));
    expect(error.line).toBe(4);
    expect(error.reason).toMatch(/^malformed XML: /);
  });

  test('an XML document that is not the UN list', async () => {
    const error = await unError(await fixture('list.xml', '<?xml version="1.0"?>\n<sdnList><sdnEntry/></sdnList>\n', 'un-root'));
    expect(error.element).toBe('sdnList');
    expect(error.reason).toMatch(/root element is <sdnList>/);
  });

  test('a UN list without any INDIVIDUAL or ENTITY', async () => {
    const error = await unError(
      await fixture('UN_consolidated.xml', '<CONSOLIDATED_LIST><INDIVIDUALS/><ENTITIES/></CONSOLIDATED_LIST>', 'un-none'),
    );
    expect(error.reason).toBe('the list has no INDIVIDUAL or ENTITY elements');
  });

  test('an INDIVIDUAL without a reference number', async () => {
    const xml =
      '<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n<INDIVIDUAL>\n<DATAID>1</DATAID><FIRST_NAME>X</FIRST_NAME>\n</INDIVIDUAL>\n</INDIVIDUALS>\n</CONSOLIDATED_LIST>';
    const error = await unError(await fixture('UN_consolidated.xml', xml, 'un-noref'));
    expect(error.message).toBe('UN_consolidated.xml, line 3, element <INDIVIDUAL>: <INDIVIDUAL> without REFERENCE_NUMBER (DATAID 1)');
  });

  test('an OFAC CSV passed as the UN XML', async () => {
    const error = await unError(await fixture('UN_consolidated.xml', await readFile(path.join(TINY, 'sdn.csv')), 'ofac-as-un'));
    expect(error.message).toBe('UN_consolidated.xml, line 1: this looks like a CSV file (OFAC?), not the UN consolidated list XML');
  });

  test('a plain-text file and an HTML page', async () => {
    expect((await unError(await fixture('UN_consolidated.xml', 'Service temporarily unavailable\n', 'un-text'))).reason).toBe(
      'this is not an XML file',
    );
    expect(
      (await unError(await fixture('UN_consolidated.xml', '<!DOCTYPE html><html><body>Error</body></html>', 'un-html'))).reason,
    ).toMatch(/^this is an HTML page/);
  });

  test.each([
    ['an external entity (XXE)', '<!DOCTYPE CONSOLIDATED_LIST [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', '&xxe;'],
    ['entity expansion ("billion laughs")', '<!DOCTYPE CONSOLIDATED_LIST [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>', '&b;'],
    ['a bare DOCTYPE', '<!DOCTYPE CONSOLIDATED_LIST>', 'X'],
  ])('a DOCTYPE with %s is refused, saying so, wherever the file is cut into chunks', async (_label, doctype, name) => {
    const record = `<INDIVIDUAL><DATAID>1</DATAID><REFERENCE_NUMBER>KPi.001</REFERENCE_NUMBER><FIRST_NAME>${name}</FIRST_NAME></INDIVIDUAL>`;
    // Long enough to reach the parser in several reads, as a real download does.
    const xml = `<?xml version="1.0"?>\n${doctype}\n<CONSOLIDATED_LIST><INDIVIDUALS>${'<!-- padding -->'.repeat(20_000)}${record}</INDIVIDUALS></CONSOLIDATED_LIST>\n`;
    const error = await unError(await fixture('UN_consolidated.xml', xml, `un-doctype-${name.replace(/\W/g, '')}`));
    expect(error.line).toBe(2);
    expect(error.reason).toMatch(/DOCTYPE declaration: DTDs and entity declarations are refused/);
    expect(error.message).not.toMatch(/aborted/);
  });

  test('Latin-1 bytes in the XML are refused with their line', async () => {
    const xml = Buffer.concat([
      Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n<INDIVIDUAL><FIRST_NAME>JOS'),
      Buffer.from([0xc9]),
      Buffer.from('</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>\n'),
    ]);
    const error = await unError(await fixture('UN_consolidated.xml', xml, 'un-latin1'));
    expect(error.line).toBe(4);
    expect(error.reason).toMatch(/not valid UTF-8 \(byte 0xc9\)/);
  });
});

describe('ListFileInspector', () => {
  async function inspect(chunks: Buffer[], stripDosEof = false): Promise<{ out: Buffer; sha256: string; bytes: number }> {
    const inspector = new ListFileInspector({ file: 'f', stripDosEof });
    const parts: Buffer[] = [];
    await pipeline(Readable.from(chunks), inspector, async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) parts.push(chunk);
    });
    return { out: Buffer.concat(parts), ...inspector.digest() };
  }

  function split(buf: Buffer, cuts: number[]): Buffer[] {
    const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
    const chunks: Buffer[] = [];
    let start = 0;
    for (const p of points) {
      chunks.push(buf.subarray(start, p));
      start = p;
    }
    chunks.push(buf.subarray(start));
    return chunks.filter((c) => c.length > 0);
  }

  test('valid UTF-8 passes through unchanged however it is chunked, and the digest is of the raw bytes', async () => {
    await fc.assert(
      // NUL is refused on purpose (PostgreSQL text cannot hold it), so the property covers the rest.
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 300 }).map((text) => text.replaceAll('\u0000', '')), fc.array(fc.nat(), { maxLength: 8 }), async (text, cuts) => {
        const buf = Buffer.from(text, 'utf8');
        const { out, sha256, bytes } = await inspect(split(buf, cuts));
        expect(out.equals(buf)).toBe(true);
        expect(bytes).toBe(buf.length);
        expect(sha256).toBe(createHash('sha256').update(buf).digest('hex'));
      }),
      { numRuns: 200 },
    );
  }, 30_000);

  test('a final DOS EOF byte is dropped from the output but still digested, even alone in its chunk', async () => {
    const buf = Buffer.from('a,b\r\n\x1a');
    const { out, sha256 } = await inspect([buf.subarray(0, 5), buf.subarray(5)], true);
    expect(out.toString()).toBe('a,b\r\n');
    expect(sha256).toBe(createHash('sha256').update(buf).digest('hex'));
    const inner = await inspect([Buffer.from('a\x1a'), Buffer.from('b')], true);
    expect(inner.out.toString()).toBe('a\x1ab');
  });

  test.each([
    ['lone continuation byte', [0x41, 0x80]],
    ['overlong encoding', [0xc0, 0xaf]],
    ['UTF-16 surrogate', [0xed, 0xa0, 0x80]],
    ['above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['Windows-1252 curly quote', [0x93, 0x41, 0x94]],
  ])('refuses %s', async (_label, bytes) => {
    await expect(inspect([Buffer.concat([Buffer.from('ok\nok\n'), Buffer.from(bytes)])])).rejects.toMatchObject({ line: 3 });
  });
});

describe('limits every importer applies: a name over 1,000 characters or a record over 64 KB', () => {
  test('OFAC: an over-long name in sdn.csv is refused with the file and line', async () => {
    const long = SDN_ROW_1.replace('LIFSHITS, Artem Mikhaylovich', `LIFSHITS, ${'A'.repeat(1001)}`);
    const error = await ofacError(await fixture('sdn.csv', SDN_ROW_2 + long, 'ofac-long-name'));
    expect(error).toMatchObject({ file: 'sdn.csv', line: 2, reason: expect.stringContaining('a name longer than 1000 characters') });
  });

  test('OFAC: an over-long alias in alt.csv is refused on its own line', async () => {
    const sdn = await fixture('sdn.csv', SDN_ROW_1, 'ofac-long-alias');
    await fixture('alt.csv', `29702,1,"aka","${'B'.repeat(1200)}",-0- \r\n`, 'ofac-long-alias');
    const error = await ofacError(path.dirname(sdn));
    expect(error).toMatchObject({ file: 'alt.csv', line: 1, reason: expect.stringContaining('a name longer than 1000 characters') });
  });

  test('OFAC: a record over 64 KB is refused with the file and line', async () => {
    const huge = SDN_ROW_1.replace('nationality Russia.', `nationality Russia. ${'x'.repeat(70_000)}`);
    const error = await ofacError(await fixture('sdn.csv', SDN_ROW_2 + huge, 'ofac-huge-record'));
    expect(error).toMatchObject({ file: 'sdn.csv', line: 2, reason: 'a record larger than 64 KB' });
  });

  test('UN: a record over 64 KB and a name over 1,000 characters are refused with the line and element', async () => {
    const original = await readFile(UN_FILE, 'utf8');
    const huge = original.replace(/<COMMENTS1>/, `<COMMENTS1>${'y'.repeat(70_000)}`);
    const hugeError = await unError(await fixture('UN_consolidated.xml', huge, 'un-huge'));
    expect(hugeError).toMatchObject({ reason: 'a record larger than 64 KB', line: expect.any(Number) });
    const longName = original.replace(/<FIRST_NAME>[^<]*<\/FIRST_NAME>/, `<FIRST_NAME>${'Z'.repeat(1001)}</FIRST_NAME>`);
    const nameError = await unError(await fixture('UN_consolidated.xml', longName, 'un-long-name'));
    expect(nameError).toMatchObject({ reason: expect.stringContaining('a name longer than 1000 characters'), element: expect.stringMatching(/INDIVIDUAL|ENTITY/) });
  });
});
