/**
 * Temporary folders for a test file (SQLite files, key files, inputs for the CLI), removed when the
 * file ends by the suite's setup (tests/support/temp-cleanup.ts), so runs leave nothing in the
 * machine's temporary folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

/** A new, empty folder under the system's temporary folder, named `prefix` and a random suffix. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every folder `tempDir` made since the last call. */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** How many folders `tempDir` has made that are not removed yet. */
export function tempDirsPending(): number {
  return made.length;
}
