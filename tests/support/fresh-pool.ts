/**
 * Run before every test file (vitest `setupFiles`). The files of a worker process share its modules
 * (`isolate: false`), so without this a file would inherit the CPU pool of the file before it, with
 * whatever threads that one stopped or left starting. Each file gets a pool of its own, as an
 * isolated file did: the pool is closed when the file ends (a no-op when it never made one).
 */
import { afterAll } from 'vitest';
import { closePool } from '../../server/pool/pool.ts';

afterAll(async () => {
  await closePool();
});
