import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  CORROBORATIVE_ONLY_INDICATOR_IDS,
  findIndicator,
  INDICATORS,
} from '../../src/domain/indicators/indicators.data.js';
import {
  type Indicator,
  type IndicatorSeverity,
  indicatorListSchema,
  indicatorSchema,
} from '../../src/domain/indicators/indicator.schema.js';
import { SOURCE_DOCUMENTS } from '../../src/domain/indicators/source-documents.data.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const CATALOGUE_PATH = path.resolve(repoRoot, '..', 'shared', 'guidance', 'indicators.md');
const catalogueExists = existsSync(CATALOGUE_PATH);

describe('indicator reference data', () => {
  it('validates against indicatorSchema', () => {
    const result = indicatorListSchema.safeParse(INDICATORS);
    expect(result.success ? [] : result.error.issues).toEqual([]);
  });

  it('has unique ids', () => {
    const ids = INDICATORS.map((indicator) => indicator.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('sets every field on every indicator', () => {
    const required: (keyof Indicator)[] = [
      'id',
      'title',
      'description',
      'sourceKey',
      'sourceDocument',
      'section',
      'citation',
      'reliability',
      'severity',
      'checkType',
      'dataToCheck',
      'checkDetail',
    ];
    for (const indicator of INDICATORS) {
      for (const key of required) {
        const value = indicator[key];
        expect(value, `${indicator.id}.${key}`).toBeDefined();
        if (typeof value === 'string') expect(value.trim(), `${indicator.id}.${key}`).not.toBe('');
        if (Array.isArray(value)) expect(value.length, `${indicator.id}.${key}`).toBeGreaterThan(0);
      }
      expect(typeof indicator.corroborativeOnly, `${indicator.id}.corroborativeOnly`).toBe('boolean');
      expect(typeof indicator.blocking, `${indicator.id}.blocking`).toBe('boolean');
      if (indicator.sourceDate === null) {
        expect(indicator.sourceDateNote, `${indicator.id}: undated rows say why`).toBeTruthy();
      } else {
        expect(indicator.sourceDate, `${indicator.id}.sourceDate`).toMatch(/^\d{4}(-\d{2}(-\d{2})?)?$/);
      }
      expect(indicator.sourceDocument).toBe(SOURCE_DOCUMENTS[indicator.sourceKey].title);
    }
  });

  it('rejects an indicator with a missing field or an unknown check type', () => {
    const sample = INDICATORS[0];
    expect(sample).toBeDefined();
    const { title: _title, ...withoutTitle } = sample!;
    expect(indicatorSchema.safeParse(withoutTitle).success).toBe(false);
    expect(indicatorSchema.safeParse({ ...sample, checkType: ['VIBES'] }).success).toBe(false);
    expect(indicatorSchema.safeParse({ ...sample, sourceDate: null }).success).toBe(sample!.sourceDateNote !== undefined);
  });

  it('marks the nationality and language rows corroborative-only, never blocking', () => {
    for (const id of ['US22-NAT-KOREAN', 'USROK23-LANG-ORIGIN', 'JP24-LANG-UNNATURAL']) {
      const indicator = findIndicator(id);
      expect(indicator?.corroborativeOnly, id).toBe(true);
      expect(indicator?.blocking, id).toBe(false);
    }
    expect(CORROBORATIVE_ONLY_INDICATOR_IDS).toEqual([
      'US22-NAT-KOREAN',
      'USROK23-LANG-ORIGIN',
      'JP24-LANG-UNNATURAL',
      'GEO-HUB',
    ]);
  });

  it('counts 99 indicators (98 catalogue rows, one of them holding two ids)', () => {
    expect(INDICATORS).toHaveLength(99);
    const bySeverity: Partial<Record<IndicatorSeverity, number>> = {};
    for (const indicator of INDICATORS) bySeverity[indicator.severity] = (bySeverity[indicator.severity] ?? 0) + 1;
    expect(bySeverity).toEqual({ low: 6, low_medium: 9, medium: 30, medium_high: 11, high: 43 });
    expect(INDICATORS.filter((indicator) => indicator.blocking).map((indicator) => indicator.id)).toEqual([
      'LIST-SDN-PERSON',
      'LIST-WALLET',
    ]);
  });
});

interface CatalogueRow {
  section: string;
  cells: string[];
}

function catalogueRows(markdown: string): CatalogueRow[] {
  const start = markdown.indexOf('## A. Indicator catalogue');
  const end = markdown.indexOf('## B. ');
  const rows: CatalogueRow[] = [];
  let section = '';
  for (const line of markdown.slice(start, end).split('\n')) {
    if (line.startsWith('### ')) section = line.slice(4, 7).replace(/\.$/, '');
    if (!line.startsWith('| ') || line.startsWith('| ID ') || line.startsWith('|---')) continue;
    rows.push({ section, cells: line.slice(2, -2).split(' | ').map((cell) => cell.replace(/\*\*/g, '')) });
  }
  return rows;
}

const SEVERITY_COLUMN: Record<string, IndicatorSeverity> = {
  Low: 'low',
  'Low-Med': 'low_medium',
  Med: 'medium',
  'Med-High': 'medium_high',
  High: 'high',
  'High (blocking)': 'high',
  'Med (context only)': 'medium',
};

describe.skipIf(!catalogueExists)(`indicator data against the catalogue (${CATALOGUE_PATH})`, () => {
  const markdown = catalogueExists ? readFileSync(CATALOGUE_PATH, 'utf8') : '';
  const rows = catalogueRows(markdown);

  it('covers every section-A id of the catalogue, and nothing else', () => {
    const catalogueIds = rows.flatMap((row) => (row.cells[0] ?? '').split(' / '));
    expect(catalogueIds.length).toBeGreaterThan(90);
    expect([...INDICATORS.map((indicator) => indicator.id)].sort()).toEqual([...catalogueIds].sort());
  });

  it('keeps paraphrase, data, check and severity columns as the catalogue has them', () => {
    for (const row of rows) {
      const [ids = '', paraphrase, data, check, severity, last] = row.cells;
      for (const id of ids.split(' / ')) {
        const indicator = findIndicator(id);
        expect(indicator, id).toBeDefined();
        if (!indicator) continue;
        expect(indicator.section.startsWith(`${row.section} `), `${id} section`).toBe(true);
        expect(indicator.severity, `${id} severity`).toBe(SEVERITY_COLUMN[severity ?? '']);
        expect(indicator.blocking, `${id} blocking`).toBe(severity === 'High (blocking)');
        if (ids.includes(' / ')) continue; // the split JP-PSIA row: checked by hand
        expect(indicator.description, `${id} description`).toBe(paraphrase);
        expect(indicator.dataToCheck, `${id} data`).toBe(data);
        expect(indicator.checkDetail, `${id} check`).toBe(check);
        if (last !== undefined) {
          if (row.section === 'A9') expect(indicator.citation, `${id} case`).toContain(last);
          else expect(indicator.rationale, `${id} reason`).toBe(last);
        }
        if (check?.includes('never alone')) expect(indicator.corroborativeOnly, `${id} never alone`).toBe(true);
      }
    }
  });

  it('takes the reliability of single-tag sections from their heading', () => {
    const tagged: Record<string, string> = { A1: 'P', A2: 'P', A3: 'P', A6: 'S', A10: 'S' };
    for (const indicator of INDICATORS) {
      const section = indicator.section.split(' ')[0] ?? '';
      const expected = tagged[section];
      if (expected !== undefined) expect(indicator.reliability, indicator.id).toBe(expected);
    }
  });

  it('marks corroborative-only every row named in the anti-discrimination caution', () => {
    const caution = /\*\*Anti-discrimination caution:\*\* rows touching nationality or language \(([^)]*)\)/.exec(markdown);
    expect(caution).not.toBeNull();
    const named = (caution?.[1] ?? '').split(', ');
    expect(named.length).toBeGreaterThan(0);
    for (const id of named) expect(findIndicator(id)?.corroborativeOnly, id).toBe(true);
  });
});
