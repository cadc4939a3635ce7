import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readRedflagJson } from '../../src/lists/redflag-json.parser.js';
import { CURATED_LIST_SOURCE, redflagJsonFileSchema } from '../../src/lists/redflag-json.schema.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const CURATED_PATH = path.join(repoRoot, 'seed', 'redflag-curated.json');
const CATALOGUE_PATH = path.resolve(repoRoot, '..', 'shared', 'guidance', 'indicators.md');
const catalogueExists = existsSync(CATALOGUE_PATH);

const text = readFileSync(CURATED_PATH, 'utf8');
const doc = readRedflagJson({ name: 'redflag-curated.json', text });
const entries = doc.entries;

function count<T>(list: readonly T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of list) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

describe('seed/redflag-curated.json', () => {
  it('validates and is the redflag-curated list', () => {
    expect(redflagJsonFileSchema.safeParse(JSON.parse(text)).success).toBe(true);
    expect(doc.source).toBe(CURATED_LIST_SOURCE);
    expect(doc.version).toBe(1);
  });

  it('numbers entries RF-0001 … without gaps', () => {
    expect(entries.map((entry) => entry.sourceId)).toEqual(
      entries.map((_, index) => `RF-${String(index + 1).padStart(4, '0')}`),
    );
  });

  it('has the expected counts by type and confidence', () => {
    expect(entries).toHaveLength(137);
    expect(count(entries, (entry) => `${entry.type}/${entry.attributes.confidence}`)).toEqual({
      'individual/high': 77,
      'individual/low': 15,
      'entity/high': 44,
      'entity/low': 1,
    });
    expect(count(entries, (entry) => entry.attributes.category ?? 'none')).toEqual({
      designee: 68,
      'doj-defendant': 38,
      dispatcher: 8,
      persona: 7,
      'front-company': 5,
      'wallet-lead': 4,
      'cyber-designee': 4,
      'facilitator-company': 2,
      'identity-marketplace': 1,
    });
    const identifiers = entries.flatMap((entry) => entry.identifiers);
    expect(count(identifiers, (identifier) => identifier.kind)).toEqual({
      wallet: 12,
      email: 1,
      domain: 1,
    });
  });

  it('gives confidence low exactly to the entries whose sources are all [T]', () => {
    for (const entry of entries) {
      const tags = (entry.attributes.reliabilityTags ?? '').split(',');
      const expected = tags.includes('P') || tags.includes('S') ? 'high' : 'low';
      expect(entry.attributes.confidence, entry.sourceId).toBe(expected);
    }
    const low = entries.filter((entry) => entry.attributes.confidence === 'low');
    expect(low.every((entry) => entry.attributes.reliability === 'T')).toBe(true);
    // Every wallet address in the catalogue rests on [T] sources only.
    for (const entry of entries) {
      if (entry.identifiers.some((identifier) => identifier.kind === 'wallet')) {
        expect(entry.attributes.confidence, entry.sourceId).toBe('low');
        expect(entry.attributes.relatedSourceId, entry.sourceId).toMatch(/^RF-\d{4}$/);
      }
    }
  });

  it('keeps provenance in attributes', () => {
    for (const entry of entries) {
      expect(entry.attributes.sources, entry.sourceId).toMatch(/\[(P|S|T)\]/);
      expect(['P', 'S', 'T']).toContain(entry.attributes.reliability);
    }
  });

  it('points related ids at existing entries', () => {
    const ids = new Set(entries.map((entry) => entry.sourceId));
    for (const entry of entries) {
      const related = entry.attributes.relatedSourceId;
      if (related !== undefined) expect(ids.has(related), `${entry.sourceId} → ${related}`).toBe(true);
    }
  });

  it('normalises identifiers (ETH addresses lower-case, e-mails and domains lower-case)', () => {
    for (const identifier of entries.flatMap((entry) => entry.identifiers)) {
      if (identifier.kind === 'wallet') {
        expect(identifier.currency).toBe('ETH');
        expect(identifier.normalized).toMatch(/^0x[0-9a-f]{40}$/);
      } else {
        expect(identifier.normalized).toBe(identifier.value.toLowerCase());
      }
    }
  });
});

/**
 * Names that are our rendering of the catalogue rather than a verbatim string from it:
 * expansions of "A/B" and "(개발)" notations and nicknames split out of `Given "Nick" Family`.
 */
const DERIVED_NAMES = new Set([
  '진영정보기술협조회사',
  'Chinyong IT Development Cooperation Co.',
  'Jinyong IT Development Cooperation Co.',
  'Zhenxing Wang',
  'Danny Wang',
  'Kejia Wang',
  'Tony Wang',
]);

describe.skipIf(!catalogueExists)(`curated list against the catalogue (${CATALOGUE_PATH})`, () => {
  const markdown = catalogueExists ? readFileSync(CATALOGUE_PATH, 'utf8') : '';
  const sectionC = markdown.slice(markdown.indexOf('## C. '), markdown.indexOf('## D. '));

  it('takes every identifier verbatim from section C (nothing invented)', () => {
    for (const entry of entries) {
      for (const identifier of entry.identifiers) {
        expect(sectionC.includes(identifier.value), `${entry.sourceId} ${identifier.value}`).toBe(true);
      }
    }
  });

  it('includes every wallet, e-mail and domain of section C', () => {
    const wallets = new Set(sectionC.match(/0x[0-9a-fA-F]{40}/g) ?? []);
    const emails = new Set(sectionC.match(/[\w.+-]+@[\w-]+\.[\w.-]+\w/g) ?? []);
    const values = new Set(entries.flatMap((entry) => entry.identifiers.map((identifier) => identifier.value)));
    expect(wallets.size).toBe(12);
    for (const wallet of wallets) expect(values.has(wallet), wallet).toBe(true);
    for (const email of emails) expect(values.has(email), email).toBe(true);
    expect(values.has('upworksell.com')).toBe(true);
  });

  it('takes every name from the catalogue, apart from the documented derived forms', () => {
    const haystack = markdown.toLowerCase();
    for (const entry of entries) {
      for (const name of entry.names) {
        if (DERIVED_NAMES.has(name.full)) continue;
        expect(haystack.includes(name.full.toLowerCase()), `${entry.sourceId} "${name.full}"`).toBe(true);
      }
    }
  });
});
