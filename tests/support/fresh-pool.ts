/**
 * Run before every test file (vitest `setupFiles`). The files of a worker process share its modules
 * (`isolate: false`), so without this a file would inherit the CPU pool of the file before it, with
 * whatever threads that one stopped or left starting. Each file gets a pool of its own, as an
 * isolated file did: the pool is closed when the file ends (a no-op when it never made one).
 *
 * The pool's threads run the compiled tasks (dist/pool/tasks.js), built once per change of the
 * server's source (tests/support/build.ts): a thread compiling the TypeScript source through tsx
 * costs about 1.2 s of CPU to start, a compiled one 0.4 s, and a run starts about a hundred.
 * tests/api/source-server.test.ts still runs a server whose threads load the source.
 */
import { afterAll, beforeAll } from 'vitest';
import { closePool, setPoolEntry } from '../../server/pool/pool.ts';
import { BUILD_TIMEOUT_MS, buildServer } from './build.ts';

const COMPILED_TASKS = new URL('../../dist/pool/tasks.js', import.meta.url);

beforeAll(async () => {
  await buildServer();
  setPoolEntry(COMPILED_TASKS);
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await closePool();
});
