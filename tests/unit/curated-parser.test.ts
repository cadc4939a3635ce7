import { describe, expect, it } from 'vitest';
import {
  formatPath,
  parseRedflagJson,
  RedflagJsonError,
  readRedflagJson,
} from '../../src/lists/redflag-json.parser.js';
import {
  normalizeDomain,
  normalizeEmail,
  normalizePhone,
  normalizeWallet,
  normalizeWebsite,
} from '../../src/lists/redflag-json.normalize.js';

const header = {
  format: 'redflag-json',
  version: 1,
  source: 'redflag-curated',
  generatedAt: '2026-01-01T00:00:00Z',
};

const entry = (overrides: Record<string, unknown> = {}) => ({
  sourceId: 'RF-0001',
  type: 'individual',
  name: 'Example Person',
  sources: [{ document: 'DOJ', date: '2024-12-12', reliability: 'S' }],
  ...overrides,
});

const file = (body: unknown, name = 'test.json') => ({ name, text: JSON.stringify(body) });

function errorOf(run: () => unknown): RedflagJsonError {
  try {
    run();
  } catch (error) {
    if (error instanceof RedflagJsonError) return error;
    throw error;
  }
  throw new Error('expected a RedflagJsonError');
}

describe('parseRedflagJson', () => {
  it('maps an entry to ListEntry with provenance in attributes', () => {
    const [result] = parseRedflagJson(
      file({
        ...header,
        entries: [
          entry({
            aliases: [{ name: '김상만' }, { name: 'Kim Sang Nam', strength: 'weak' }],
            sources: [
              { document: 'OFAC', date: '2023-05-23', reliability: 'S', note: 'via press' },
              { document: 'Analyst wiki', date: null, reliability: 'T', note: 'undated' },
            ],
            attributes: { ofacEntNum: '12345', unRef: 'KPi.001' },
          }),
        ],
      }),
    );
    expect(result).toBeDefined();
    expect(result!.names).toEqual([
      { full: 'Example Person', kind: 'primary', strength: 'strong', script: 'latin' },
      { full: '김상만', kind: 'aka', strength: 'strong', script: 'original' },
      { full: 'Kim Sang Nam', kind: 'aka', strength: 'weak', script: 'latin' },
    ]);
    expect(result!.attributes).toEqual({
      ofacEntNum: '12345',
      unRef: 'KPi.001',
      confidence: 'high',
      reliability: 'S',
      reliabilityTags: 'S,T',
      sources: 'OFAC 2023-05-23 [S] (via press); Analyst wiki undated [T] (undated)',
    });
    expect(result!.birthDates).toEqual([]);
    expect(result!.identifiers).toEqual([]);
  });

  it('gives [T]-only entries confidence low', () => {
    const [result] = parseRedflagJson(
      file({ ...header, entries: [entry({ sources: [{ document: 'Wallet extract', date: '2026-03-12', reliability: 'T' }] })] }),
    );
    expect(result?.attributes.confidence).toBe('low');
    expect(result?.attributes.reliability).toBe('T');
  });

  it('rejects a declared confidence that the sources do not support', () => {
    const error = errorOf(() =>
      parseRedflagJson(
        file({
          ...header,
          entries: [entry({ confidence: 'high', sources: [{ document: 'Blog', date: '2025', reliability: 'T' }] })],
        }),
      ),
    );
    expect(error.issues).toEqual([expect.objectContaining({ path: 'entries[0].confidence', entryIndex: 0 })]);
  });

  it('normalises identifiers', () => {
    const [result] = parseRedflagJson(
      file({
        ...header,
        entries: [
          entry({
            identifiers: [
              { kind: 'email', value: ' GlausLi1990@Outlook.com ' },
              { kind: 'domain', value: 'WWW.UpWorkSell.com' },
              { kind: 'website', value: 'https://Example.COM/About/' },
              { kind: 'phone', value: '+1 (555) 010-9999' },
              { kind: 'wallet', value: ' 0xB6F5EC1A0A9CD1526536D3F0426C429529471F40 ', currency: 'ETH' },
              { kind: 'wallet', value: 'TXyzBase58CaseSensitive', currency: 'TRX' },
            ],
          }),
        ],
      }),
    );
    expect(result?.identifiers.map((identifier) => identifier.normalized)).toEqual([
      'glausli1990@outlook.com',
      'upworksell.com',
      'example.com/About',
      // digits only, like OFAC's numbers: one canonical form for every list (domain/identifiers)
      '15550109999',
      '0xb6f5ec1a0a9cd1526536d3f0426c429529471f40',
      'TXyzBase58CaseSensitive',
    ]);
    expect(result?.identifiers[4]).toMatchObject({
      value: '0xB6F5EC1A0A9CD1526536D3F0426C429529471F40',
      currency: 'ETH',
    });
  });

  it('returns the header with readRedflagJson', () => {
    const result = readRedflagJson(file({ ...header, entries: [] }));
    expect(result).toEqual({ source: 'redflag-curated', version: 1, generatedAt: '2026-01-01T00:00:00Z', entries: [] });
  });
});

describe('redflag-json validation errors', () => {
  it('names the entry index, sourceId and field path of a missing name', () => {
    const { name: _name, ...nameless } = entry({ sourceId: 'RF-0002' });
    const error = errorOf(() => parseRedflagJson(file({ ...header, entries: [entry(), nameless] }, 'bad.json')));
    expect(error.fileName).toBe('bad.json');
    expect(error.issues).toEqual([
      expect.objectContaining({ path: 'entries[1].name', entryIndex: 1, sourceId: 'RF-0002' }),
    ]);
    expect(error.message).toMatch(/^bad\.json: invalid redflag-json: entries\[1\]\.name \(RF-0002\): /);
  });

  it('names the path of a bad reliability tag', () => {
    const error = errorOf(() =>
      parseRedflagJson(
        file({
          ...header,
          entries: [entry({ sources: [{ document: 'DOJ', date: '2024', reliability: 'X' }] })],
        }),
      ),
    );
    expect(error.issues).toEqual([
      expect.objectContaining({ path: 'entries[0].sources[0].reliability', entryIndex: 0, sourceId: 'RF-0001' }),
    ]);
    expect(error.message).toContain('entries[0].sources[0].reliability');
  });

  it('rejects a wrong format tag at the root', () => {
    const error = errorOf(() => parseRedflagJson(file({ ...header, format: 'ofac-csv', entries: [] })));
    expect(error.issues).toEqual([expect.objectContaining({ path: 'format' })]);
    expect(error.issues[0]?.entryIndex).toBeUndefined();
  });

  it('reports invalid JSON with its line and column', () => {
    const error = errorOf(() => parseRedflagJson({ name: 'broken.json', text: '{\n  "format": "redflag-json",\n  oops\n}' }));
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.path).toBe('(root)');
    expect(error.message).toMatch(/^broken\.json: invalid redflag-json: \(root\): not valid JSON/);
    expect(error.message).toMatch(/line 3/);
  });

  it('rejects wallets without a currency, malformed ETH addresses and bad e-mails', () => {
    const error = errorOf(() =>
      parseRedflagJson(
        file({
          ...header,
          entries: [
            entry({
              identifiers: [
                { kind: 'wallet', value: '0x4f47bc496083c727c5fbe3ce9cdf2b0f6496270c' },
                { kind: 'wallet', value: '0x123', currency: 'ETH' },
                { kind: 'email', value: 'not-an-email' },
              ],
            }),
          ],
        }),
      ),
    );
    expect(error.issues.map((issue) => issue.path)).toEqual([
      'entries[0].identifiers[0].currency',
      'entries[0].identifiers[1].value',
      'entries[0].identifiers[2].value',
    ]);
  });

  it('rejects duplicate sourceIds, unknown keys and reserved attributes', () => {
    const error = errorOf(() =>
      parseRedflagJson(
        file({
          ...header,
          entries: [entry(), entry({ nmae: 'typo', attributes: { confidence: 'high' } })],
        }),
      ),
    );
    const paths = error.issues.map((issue) => issue.path);
    expect(paths).toContain('entries[1].attributes.confidence');
    expect(paths).toContain('entries[1].sourceId');
    expect(error.issues.some((issue) => issue.path === 'entries[1]' && issue.message.includes('nmae'))).toBe(true);
  });

  it('formats zod paths', () => {
    expect(formatPath([])).toBe('(root)');
    expect(formatPath(['entries', 3, 'sources', 0, 'reliability'])).toBe('entries[3].sources[0].reliability');
  });
});

describe('identifier normalisation', () => {
  it('handles the usual forms', () => {
    expect(normalizeEmail(' A@B.COM ')).toBe('a@b.com');
    expect(normalizeDomain('https://www.Example.com:443/path')).toBe('example.com');
    expect(normalizeDomain('example.com.')).toBe('example.com');
    expect(normalizeWebsite('http://www.example.com/')).toBe('example.com');
    expect(normalizePhone('0044 20 7946 0000')).toBe('442079460000');
    expect(normalizePhone('(555) 010-9999')).toBe('5550109999');
    expect(normalizeWallet(' BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ ')).toBe('bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq');
    expect(normalizeWallet(' 1BoatSLRHtKNngkdXEeobR76b53LETtpyT ')).toBe('1BoatSLRHtKNngkdXEeobR76b53LETtpyT');
  });
});
