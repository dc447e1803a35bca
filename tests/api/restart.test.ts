/**
 * The real server process: every scenario acknowledged with a 201 survives `kill -9`; SIGTERM
 * lets an in-flight solve finish before the process exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SCENARIO } from './helpers.ts';

const PLANNER = 'restart-planner-key-123';
const auth = { authorization: `Bearer ${PLANNER}`, 'content-type': 'application/json' };
const ROOT = new URL('../..', import.meta.url).pathname;
const children: ChildProcess[] = [];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * The server in its own process group, so a signal to the group reaches the server itself:
 * `npx tsx server/server.ts` as a user starts it, or `node --import tsx` to watch its exit code.
 */
async function startServer(databasePath: string, port: number, how: 'npx' | 'node' = 'npx'): Promise<ChildProcess> {
  const [command, args] =
    how === 'npx' ? ['npx', ['tsx', 'server/server.ts']] : [process.execPath, ['--import', 'tsx', 'server/server.ts']];
  const child = spawn(command as string, args as string[], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, DATABASE_PATH: databasePath, PORT: String(port), HOST: '127.0.0.1', API_KEYS: `planner:${PLANNER}`, LOG_LEVEL: 'warn' },
  });
  children.push(child);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not start within 30 s');
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code)),
  );

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

afterEach(() => {
  for (const child of children.splice(0)) signalGroup(child, 'SIGKILL');
});

describe('server process', () => {
  it('keeps every acknowledged scenario across kill -9 and a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'caspian-restart-'));
    const databasePath = join(dir, 'caspian.db');
    const port = await freePort();
    const first = await startServer(databasePath, port);

    const acknowledged: string[] = [];
    let writing = true;
    // Writers keep going while the process is killed: only 201s count as acknowledged.
    const writers = Array.from({ length: 8 }, async (_, w) => {
      for (let i = 0; writing; i++) {
        try {
          const res = await fetch(`http://127.0.0.1:${port}/api/v1/scenarios`, {
            method: 'POST',
            headers: auth,
            body: JSON.stringify({ ...SCENARIO, name: `writer ${w} #${i}` }),
          });
          if (res.status === 201) acknowledged.push(((await res.json()) as { id: string }).id);
        } catch {
          return; // connection refused or reset: the server is gone
        }
      }
    });
    while (acknowledged.length < 150) await new Promise((r) => setTimeout(r, 20));
    signalGroup(first, 'SIGKILL');
    await exited(first);
    writing = false;
    await Promise.all(writers);

    await startServer(databasePath, port);
    const missing: string[] = [];
    for (const id of acknowledged) {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/scenarios/${id}`, { headers: auth });
      if (res.status !== 200) missing.push(id);
    }
    expect(acknowledged.length).toBeGreaterThanOrEqual(150);
    expect(missing).toEqual([]);
  });

  it('finishes an in-flight solve on SIGTERM, then exits cleanly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'caspian-term-'));
    const port = await freePort();
    const child = await startServer(join(dir, 'caspian.db'), port, 'node');
    const solve = fetch(`http://127.0.0.1:${port}/api/v1/optimise`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ ...SCENARIO, horizon: { kind: 'monthly', year: 2027 } }),
    });
    await new Promise((r) => setTimeout(r, 150));
    const exit = exited(child);
    process.kill(child.pid!, 'SIGTERM');
    const res = await solve;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe('optimal');
    expect(await exit).toBe(0);
  });
});
