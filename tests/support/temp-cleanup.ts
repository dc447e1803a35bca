/**
 * Run before every test file (vitest `setupFiles`): the temporary folders the file made with
 * `tempDir` (tests/support/temp.ts) are removed when it ends. This file's `afterAll` is registered
 * before the file's own, so it runs after them (vitest runs after-hooks in reverse order), once the
 * file's servers and stores are closed.
 */
import { afterAll } from 'vitest';
import { removeTempDirs } from './temp.ts';

afterAll(() => {
  removeTempDirs();
});
