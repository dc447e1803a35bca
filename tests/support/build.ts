/**
 * The compiled server (dist/, `npm run build:server`) for tests that run it: built once, or reused
 * when it is newer than every file it is compiled from. Test files run in parallel processes, so the
 * build is guarded by a lock (a directory: creating it is atomic); the others wait for it.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;
const CACHE = join(ROOT, 'node_modules', '.cache', 'caspian');
const LOCK = join(CACHE, 'dist-build-lock');
/** Written after a build by this helper; its time is the build's start. */
const STAMP = join(CACHE, 'dist-built');
const BUILD_TIMEOUT_MS = 240_000;

function newestSourceMs(): number {
  let newest = Math.max(statSync(join(ROOT, 'tsconfig.json')).mtimeMs, statSync(join(ROOT, 'tsconfig.server.json')).mtimeMs);
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  walk(join(ROOT, 'server'));
  return newest;
}

function isFresh(): boolean {
  if (!existsSync(join(ROOT, 'dist', 'server.js'))) return false;
  try {
    return statSync(STAMP).mtimeMs > newestSourceMs();
  } catch {
    return false;
  }
}

/** Resolves once dist/ holds a build of the current source. */
export async function buildServer(): Promise<void> {
  const deadline = Date.now() + BUILD_TIMEOUT_MS;
  mkdirSync(CACHE, { recursive: true });
  for (;;) {
    if (isFresh()) return;
    try {
      mkdirSync(LOCK);
    } catch {
      // another test file is building: wait for it, then look again
      if (Date.now() > deadline) throw new Error(`the server build did not finish (remove ${LOCK} if no build is running)`);
      await new Promise((r) => setTimeout(r, 250));
      continue;
    }
    try {
      if (isFresh()) return;
      const startedMs = Date.now();
      await run('npm', ['run', 'build:server'], { cwd: ROOT, timeout: BUILD_TIMEOUT_MS });
      writeFileSync(STAMP, '');
      // The stamp's time stands for the build's start: a source saved during the build is newer.
      const started = new Date(startedMs);
      utimesSync(STAMP, started, started);
      return;
    } finally {
      rmSync(LOCK, { recursive: true, force: true });
    }
  }
}
