/**
 * The real server process for tests: `npx tsx server/server.ts` (as a user starts it) or
 * `node --import tsx` (to watch its exit code), in its own process group so a signal to the group
 * reaches the server itself. Stopped with SIGKILL by `killAllServers` after each test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

const ROOT = new URL('../..', import.meta.url).pathname;
const children: ChildProcess[] = [];

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
  readonly port: number;
  /** Store and keys: DATABASE_PATH or DATABASE_URL, API_KEYS, … */
  readonly env: Record<string, string>;
  readonly how?: 'npx' | 'node';
  readonly startTimeoutMs?: number;
}

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly base: string;
  /** What the server wrote to stderr so far (for failure messages). */
  stderr(): string;
}

export async function startServer(options: ServerOptions): Promise<ServerProcess> {
  const how = options.how ?? 'npx';
  const [command, args] =
    how === 'npx' ? ['npx', ['tsx', 'server/server.ts']] : [process.execPath, ['--import', 'tsx', 'server/server.ts']];
  const child = spawn(command as string, args as string[], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, PORT: String(options.port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...options.env },
  });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-20_000);
  });
  const base = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${stderr}`);
    try {
      if ((await fetch(`${base}/health`)).ok) return { child, base, stderr: () => stderr };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not start in time: ${stderr}`);
}

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
