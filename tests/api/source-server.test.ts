/**
 * The server from its TypeScript source (`node --import tsx server/server.ts`, as the benchmarks
 * run it), on a fresh SQLite file: it answers /health and solves the default plan in its pool
 * threads, which load server/pool/worker.mjs (tsx, then tasks.ts). The other process tests run the
 * compiled server (tests/package/compiled-server.test.ts checks that one the same way).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { killAllServers, startServer } from '../support/server.ts';
import { SCENARIO } from './helpers.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const PLANNER = 'source-planner-key-123';
let scratch = '';

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'caspian-source-'));
});
afterEach(killAllServers);
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('the server from its TypeScript source', () => {
  it('starts through tsx and solves a plan in pool threads that run the TypeScript tasks', async () => {
    const server = await startServer({
      how: 'source',
      stdout: 'pipe',
      env: { LOG_LEVEL: 'info', DATABASE_PATH: join(scratch, 'caspian.db'), DATABASE_URL: '', API_KEYS: `planner:${PLANNER}`, CPU_THREADS: '1' },
      startTimeoutMs: 60_000,
    });
    expect((await fetch(`${server.base}/health`)).status).toBe(200);
    const res = await fetch(`${server.base}/api/v1/optimise?flows=false`, {
      method: 'POST',
      headers: { authorization: `Bearer ${PLANNER}`, 'content-type': 'application/json' },
      body: JSON.stringify(SCENARIO),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe('optimal');

    const entries = server
      .stdout()
      .split('\n')
      .filter((line) => line.includes('"entry"'))
      .map((line) => (JSON.parse(line) as { entry: string }).entry);
    expect(entries).toEqual([join(ROOT, 'server', 'pool', 'worker.mjs')]);
  });

  it('worker.mjs hands every task of the pool to tasks.ts (a task missing there fails only from the source)', async () => {
    const tasks = await readFile(join(ROOT, 'server', 'pool', 'tasks.ts'), 'utf8');
    const declared = /interface PoolTasks \{\n([\s\S]*?)\n {2}\}/.exec(tasks)?.[1] ?? '';
    const names = [...declared.matchAll(/^\s*(\w+):/gm)].map((m) => m[1]).sort();
    expect(names.length).toBeGreaterThan(5);
    const entry = await readFile(join(ROOT, 'server', 'pool', 'worker.mjs'), 'utf8');
    const exported = [...entry.matchAll(/^export const (\w+) = tasks\.(\w+);$/gm)].filter((m) => m[1] === m[2]).map((m) => m[1]).sort();
    expect(exported).toEqual(names);
  });
});
