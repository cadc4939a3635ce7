import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { INDICATORS } from '../../src/domain/indicators/indicators.data.js';
import { DEFAULT_RULES } from '../../src/domain/rules/default-ruleset.js';
import { UNCHECKABLE_INDICATORS } from '../../src/domain/rules/uncheckable-indicators.data.js';

const docs = readFileSync(path.resolve(import.meta.dirname, '..', '..', 'docs', 'rules.md'), 'utf8');
const cited = new Set(DEFAULT_RULES.flatMap((rule) => rule.indicatorIds));

describe('every catalogue indicator is either checked by a default rule or explained', () => {
  test.each(INDICATORS.map((indicator) => [indicator.id]))('%s', (id) => {
    const checked = cited.has(id);
    const explained = UNCHECKABLE_INDICATORS[id] !== undefined;
    expect(checked !== explained, `${id}: checked=${checked}, explained=${explained}`).toBe(true);
    const row = docs.split('\n').find((line) => line.startsWith(`| ${id} `) || line.startsWith(`| ${id}|`));
    expect(row, `docs/rules.md has no row for ${id}`).toBeDefined();
    if (checked) {
      for (const rule of DEFAULT_RULES.filter((candidate) => candidate.indicatorIds.includes(id))) expect(row).toContain(`\`${rule.key}\``);
    } else {
      expect(row).toContain('not checkable');
    }
  });

  test('the explanations name only catalogue indicators', () => {
    const known = new Set(INDICATORS.map((indicator) => indicator.id));
    expect(Object.keys(UNCHECKABLE_INDICATORS).filter((id) => !known.has(id))).toEqual([]);
  });

  test('docs/rules.md lists every default rule with its weight', () => {
    for (const rule of DEFAULT_RULES) expect(docs).toMatch(new RegExp(`\\| \`${rule.key}\` \\| ${rule.kind} \\| ${rule.weight} \\|`));
  });

  test('corroborative-only indicators are cited only by low-weight rules that never force a block', () => {
    const corroborative = new Set(INDICATORS.filter((indicator) => indicator.corroborativeOnly).map((indicator) => indicator.id));
    for (const rule of DEFAULT_RULES.filter((candidate) => candidate.indicatorIds.some((id) => corroborative.has(id)))) {
      expect(rule.indicatorIds.every((id) => corroborative.has(id)), rule.key).toBe(true);
      expect(rule.forcesBlock, rule.key).toBe(false);
      expect(rule.weight, rule.key).toBeLessThanOrEqual(10);
    }
  });
});
