/**
 * The real server process, for tests and benchmarks: `node dist/server.js` (the compiled server
 * `npm start` runs; the default, about 3 s sooner ready than the source through tsx) or `node
 * --import tsx server/server.ts` (the TypeScript source, as the benchmarks run it). The compiled
 * build is made or checked by `buildServer` (tests/support/build.ts) before each start; test files
 * also call it in `beforeAll`, so a build after a change of `server/` counts against the hook's
 * deadline, not a test's. By default the server runs in its own process group so a signal to the
 * group reaches the server itself. Tests stop theirs with SIGKILL by `killAllServers` after each
 * test; benchmarks with `stop()`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { buildServer } from './build.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const children: ChildProcess[] = [];

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface ServerOptions {
  /** Default: a free port. */
  readonly port?: number;
  /** Store and keys: DATABASE_PATH or DATABASE_URL, API_KEYS, … */
  readonly env: Record<string, string>;
  /** `compiled` (default): `node dist/server.js`; `source`: `node --import tsx server/server.ts`. */
  readonly how?: 'compiled' | 'source';
  readonly startTimeoutMs?: number;
  /** What must answer 200 before the server counts as started: `/health` (default) or `/ready` (the store too). */
  readonly waitFor?: '/health' | '/ready';
  /** `pipe` (default): kept for failure messages; `inherit`: written through as it comes. */
  readonly stderr?: 'pipe' | 'inherit';
  /** `ignore` (default) or `pipe`: kept, for tests that read the server's log (LOG_LEVEL=info). */
  readonly stdout?: 'ignore' | 'pipe';
  /**
   * Own process group (default), so `signalGroup` and `killAllServers` reach the server and
   * anything it started; false keeps it in the caller's group, so Ctrl-C in a terminal stops the
   * server with the caller.
   */
  readonly detached?: boolean;
  /** Flags for node itself, before the script (`node --max-old-space-size=2048 dist/server.js`). */
  readonly nodeArgs?: readonly string[];
}

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly base: string;
  /** What the server wrote to stderr so far (for failure messages; empty with `stderr: 'inherit'`). */
  stderr(): string;
  /** What the server wrote to stdout so far (its log; empty unless `stdout: 'pipe'`). */
  stdout(): string;
  /** SIGTERM (a clean shutdown); resolves with the exit code once the process has exited. */
  stop(): Promise<number | null>;
  /** SIGKILL (kill -9); resolves once the process has exited. */
  kill9(): Promise<number | null>;
}

export async function startServer(options: ServerOptions): Promise<ServerProcess> {
  const how = options.how ?? 'compiled';
  const detached = options.detached ?? true;
  const port = options.port ?? (await freePort());
  if (how === 'compiled') await buildServer();
  const args = [...(options.nodeArgs ?? []), ...(how === 'compiled' ? ['dist/server.js'] : ['--import', 'tsx', 'server/server.ts'])];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    detached,
    stdio: ['ignore', options.stdout ?? 'ignore', options.stderr ?? 'pipe'],
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...options.env },
  });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-20_000);
  });
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout = (stdout + chunk.toString('utf8')).slice(-20_000);
  });
  const signal = (name: NodeJS.Signals) => {
    if (detached) signalGroup(child, name);
    else child.kill(name);
    return exited(child);
  };
  const base = `http://127.0.0.1:${port}`;
  const server: ServerProcess = { child, port, base, stderr: () => stderr, stdout: () => stdout, stop: () => signal('SIGTERM'), kill9: () => signal('SIGKILL') };
  const path = options.waitFor ?? '/health';
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${stderr}`);
    try {
      if ((await fetch(`${base}${path}`)).ok) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await server.kill9();
  throw new Error(`server did not start in time: ${stderr}`);
}

/** Resolves with the exit code once the process has exited (at once if it already has). */
export const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code)),
  );

export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

export function killAllServers(): void {
  for (const child of children.splice(0)) signalGroup(child, 'SIGKILL');
}
