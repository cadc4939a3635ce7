import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  test('defaults suit a first local start', () => {
    expect(loadConfig({})).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', DATA_DIR: './data', LOG_LEVEL: 'info', SEED_LISTS: 'full' });
    expect(loadConfig({}).DATABASE_URL).toBeUndefined();
  });

  test('SEED_LISTS: full by default, dprk for the smaller selection, the old name bundled meaning full', () => {
    expect(loadConfig({ SEED_LISTS: 'dprk' }).SEED_LISTS).toBe('dprk');
    expect(loadConfig({ SEED_LISTS: 'bundled' }).SEED_LISTS).toBe('full');
    expect(() => loadConfig({ SEED_LISTS: 'some' })).toThrow(/SEED_LISTS:/);
  });

  test('an empty variable counts as unset', () => {
    expect(loadConfig({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });

  test.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['LOG_LEVEL', 'loud'],
    ['BOOTSTRAP_API_KEY', 'short'],
    ['BOOTSTRAP_OPERATOR_KEY', 'short'],
  ])('a bad %s (%s) stops start-up with a message naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}:`));
  });
});
