import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 30_000,
    // Servers the tests start (e2e) check their responses against the zod schemas too.
    env: { VALIDATE_RESPONSES: 'on' },
    hookTimeout: 60_000,
  },
});
