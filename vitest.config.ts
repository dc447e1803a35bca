import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Deadlines, not waits: a passing test takes what it takes. On a machine with two CPU-bound
    // processes beside the suite (`npm run test:busy`) the slowest tests (fuzz, worker kill and
    // restart, browser flows) take several times their idle 20–40 s.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // expect.poll waits up to 30 s unless a test says otherwise, as Playwright's waits do: vitest's
    // 1 s default fails on a busy machine where the page, the server and the store are each slower.
    expect: { poll: { timeout: 30_000 } },
    pool: 'forks',
    // The test files of a worker process share its module graph rather than each loading its own
    // (about 1 s of CPU per file: fastify, zod schemas, HiGHS). Files still run one at a time in a
    // process, each with its own hooks; a file that changes shared state (timers, globals) restores it.
    isolate: false,
    // Vitest's default is one file at a time on two cores (cores − 1); most files wait on a browser,
    // a server process or a database as much as they compute, so two run side by side.
    maxWorkers: Math.max(2, availableParallelism()),
    // One throw-away PostgreSQL cluster per run for the PostgreSQL store tests (skipped without
    // PostgreSQL), and one Chromium the browser test files share (each in contexts of its own).
    globalSetup: ['tests/support/postgres.ts', 'tests/support/chromium.ts'],
    // Each file's CPU pool closed and its temporary folders removed when the file ends
    // (tests/support/fresh-pool.ts, tests/support/temp-cleanup.ts).
    setupFiles: ['tests/support/fresh-pool.ts', 'tests/support/temp-cleanup.ts'],
  },
});
