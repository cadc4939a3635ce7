import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bootstrapIfEmpty } from '../../src/services/bootstrap.service.js';
import { createServices, Lifecycle, type BackgroundJob } from '../../src/services/container.js';
import { ListIndexHolder } from '../../src/services/list-index.service.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/**
 * Issue 17: one factory builds the services for the app, the CLI and the tests, and the
 * background loops start and stop through one lifecycle.
 */
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('Lifecycle', () => {
  test('starts jobs in order once, stops them in reverse; a job added after the start starts at once', async () => {
    const events: string[] = [];
    const job = (name: string): BackgroundJob => ({ name, start: () => void events.push(`start ${name}`), stop: async () => void events.push(`stop ${name}`) });
    const lifecycle = new Lifecycle();
    lifecycle.add(job('a'));
    lifecycle.add(job('b'));
    lifecycle.start();
    lifecycle.start();
    lifecycle.add(job('c'));
    await lifecycle.stop();
    expect(events).toEqual(['start a', 'start b', 'start c', 'stop c', 'stop b', 'stop a']);
  });
});

describe('createServices', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    await bootstrapIfEmpty(database.db, {});
  });
  afterAll(() => database.destroy());

  test('the loops a server runs, each one named; turned off by configuration', async () => {
    const all = await createServices({ database, config: {}, log: quiet });
    expect(all.lifecycle.names).toEqual(['webhook-dispatcher', 'monitoring', 'retention', 'list-refresh']);
    const none = await createServices({ database, config: { monitoring: false, listRefreshMs: 0, retentionCheckMs: 0, metrics: false }, log: quiet });
    expect(none.lifecycle.names).toEqual(['webhook-dispatcher']);
    expect(none.metrics).toBeUndefined();
    all.lifecycle.start();
    await all.lifecycle.stop();
  });

  test('a test replaces the clock and the list snapshot by passing them', async () => {
    const lists = new ListIndexHolder();
    const clock = () => new Date('2030-01-01T00:00:00Z');
    const services = await createServices({ database, now: clock, lists, config: { monitoring: false }, log: quiet });
    expect(services.lists).toBe(lists);
    expect(services.now().toISOString()).toBe('2030-01-01T00:00:00.000Z');
    // The keyed hash is the one stored for this database: the same in every process.
    const again = await createServices({ database, config: { monitoring: false }, log: quiet });
    expect(again.keyedHash('email:a@example.com')).toBe(services.keyedHash('email:a@example.com'));
  });
});
