import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One throw-away PostgreSQL cluster per run for the PostgreSQL store tests (skipped without PostgreSQL).
    globalSetup: ['tests/support/postgres.ts'],
  },
});
