/**
 * Builds that tests need, made once per change of their sources: the compiled server (dist/, `npm
 * run build:server`) and the map page (web/dist/, the same as `npm run build:web`). A build is
 * reused while it is newer than every file it is made from. Test files run in parallel processes,
 * so each build is guarded by a lock (a directory: creating it is atomic); the others wait for it,
 * and no test file rebuilds a folder another one is serving.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;
const CACHE = join(ROOT, 'node_modules', '.cache', 'caspian');
/** How long a build may take (and a test file wait for one): the deadline for a `beforeAll` that builds. */
export const BUILD_TIMEOUT_MS = 240_000;

interface Artefact {
  /** Names the lock and the stamp. */
  readonly name: string;
  /** A file the build writes; missing means not built. */
  readonly output: string;
  /** Files and folders (walked) the build is made from, relative to the repository. */
  readonly sources: readonly string[];
  /** Folders inside the sources that are not sources (the build's own output). */
  readonly skip: readonly string[];
  build(): Promise<void>;
}

function newestSourceMs(artefact: Artefact): number {
  let newest = 0;
  const skip = new Set(artefact.skip.map((p) => join(ROOT, p)));
  const visit = (path: string) => {
    if (skip.has(path)) return;
    const stat = statSync(path);
    if (!stat.isDirectory()) {
      newest = Math.max(newest, stat.mtimeMs);
      return;
    }
    for (const entry of readdirSync(path)) visit(join(path, entry));
  };
  for (const source of artefact.sources) visit(join(ROOT, source));
  return newest;
}

const stampOf = (artefact: Artefact) => join(CACHE, `${artefact.name}-built`);

function isFresh(artefact: Artefact): boolean {
  if (!existsSync(join(ROOT, artefact.output))) return false;
  try {
    return statSync(stampOf(artefact)).mtimeMs > newestSourceMs(artefact);
  } catch {
    return false;
  }
}

/** Resolves once the artefact holds a build of the current sources. */
async function buildFresh(artefact: Artefact): Promise<void> {
  const lock = join(CACHE, `${artefact.name}-build-lock`);
  const deadline = Date.now() + BUILD_TIMEOUT_MS;
  mkdirSync(CACHE, { recursive: true });
  for (;;) {
    if (isFresh(artefact)) return;
    try {
      mkdirSync(lock);
    } catch {
      // another test file is building: wait for it, then look again
      if (Date.now() > deadline) throw new Error(`the ${artefact.name} build did not finish (remove ${lock} if no build is running)`);
      await new Promise((r) => setTimeout(r, 250));
      continue;
    }
    try {
      if (isFresh(artefact)) return;
      const startedMs = Date.now();
      await artefact.build();
      // The stamp's time stands for the build's start: a source saved during the build is newer.
      writeFileSync(stampOf(artefact), '');
      const started = new Date(startedMs);
      utimesSync(stampOf(artefact), started, started);
      return;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

/** dist/ holds a build of the current server source. */
export function buildServer(): Promise<void> {
  return buildFresh({
    name: 'dist',
    output: 'dist/server.js',
    sources: ['server', 'client/index.ts', 'client/api.d.ts', 'tsconfig.json', 'tsconfig.server.json', 'tsconfig.client.json'],
    skip: [],
    build: async () => void (await run('npm', ['run', 'build:server'], { cwd: ROOT, timeout: BUILD_TIMEOUT_MS })),
  });
}

/** web/dist holds a build of the current page (and the engine code it bundles). */
export function buildWebOnce(): Promise<void> {
  return buildFresh({
    name: 'web',
    output: 'web/dist/index.html',
    sources: ['web', 'server', 'package.json'],
    skip: ['web/dist'],
    build: async () => {
      const { build } = await import('vite');
      await build({ root: join(ROOT, 'web'), configFile: join(ROOT, 'web/vite.config.ts'), logLevel: 'warn' });
    },
  });
}
