/**
 * The compiled server, as `npm start` runs it: `node dist/server.js` with no TypeScript loader,
 * on a fresh SQLite file. It answers /health, and its CPU pool's threads (which solve the plan)
 * run the compiled tasks.js, not the TypeScript source through tsx.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { optimise } from '../../server/optimise.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { Scenario } from '../../server/core/schema.ts';
import { buildServer } from '../support/build.ts';
import { killAllServers, startServer } from '../support/server.ts';

const ROOT = new URL('../../', import.meta.url);
const DIST = new URL('dist/', ROOT).pathname;
const PLANNER = 'compiled-planner-key-123';
let scratch = '';

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'caspian-compiled-'));
  await buildServer();
}, 240_000);
afterEach(killAllServers);
afterAll(() => rm(scratch, { recursive: true, force: true }));

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? jsFiles(join(dir, entry.name)) : entry.name.endsWith('.js') ? [join(dir, entry.name)] : [],
  );
}

describe('the compiled server', () => {
  it('loads no TypeScript loader anywhere in dist/', () => {
    const files = jsFiles(DIST);
    expect(files).toContain(join(DIST, 'server.js'));
    expect(files).toContain(join(DIST, 'pool', 'tasks.js'));
    // Every module specifier (static import, re-export, dynamic import): none is tsx or a .ts file.
    const specifiers = files.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]!),
    );
    expect(specifiers.length).toBeGreaterThan(files.length);
    expect(specifiers.filter((specifier) => /^tsx(\/|$)|\.ts$/.test(specifier))).toEqual([]);
  });

  it('runs under plain node, solves the default plan in its pool threads from dist/pool/tasks.js', async () => {
    const server = await startServer({
      how: 'compiled',
      stdout: 'pipe',
      // No loader through the environment either: plain node, as `npm start` runs it.
      env: { NODE_OPTIONS: '', LOG_LEVEL: 'info', DATABASE_PATH: join(scratch, 'caspian.db'), API_KEYS: `planner:${PLANNER}`, CPU_THREADS: '1' },
      startTimeoutMs: 60_000,
    });
    const scenario = Scenario.parse(JSON.parse(readFileSync(new URL('data/scenarios/phase1-annual.json', ROOT), 'utf8')));
    const res = await fetch(`${server.base}/api/v1/optimise?flows=false`, {
      method: 'POST',
      headers: { authorization: `Bearer ${PLANNER}`, 'content-type': 'application/json' },
      body: JSON.stringify(scenario),
    });
    expect(res.status).toBe(200);
    const plan = (await res.json()) as { status: string; kpis: { marginUsd: number }; markets: unknown[] };
    expect(plan.status).toBe('optimal');

    const reference = await optimise(scenario, loadDefaultNetwork(), { inProcess: true });
    expect(plan.markets.length).toBe(reference.markets.length);
    const margin = reference.kpis!.marginUsd;
    expect(Math.abs(plan.kpis.marginUsd - margin)).toBeLessThanOrEqual(1e-6 * Math.abs(margin));

    // The pool's entry, as the server logged it once its threads had started.
    const entries = server
      .stdout()
      .split('\n')
      .filter((line) => line.includes('"entry"'))
      .map((line) => (JSON.parse(line) as { entry: string }).entry);
    expect(entries).toEqual([join(DIST, 'pool', 'tasks.js')]);
  });

  it('with no keys configured, makes a planner key on the first start, and says so on a later start when its file is gone', async () => {
    const keyFile = join(scratch, 'keys', 'planner-key.txt');
    const env = { NODE_OPTIONS: '', LOG_LEVEL: 'info', DATABASE_PATH: join(scratch, 'no-keys.db'), API_KEYS: '', API_KEYS_FILE: '', PLANNER_KEY_FILE: keyFile, CPU_THREADS: '1' };
    const first = await startServer({ how: 'compiled', stdout: 'pipe', env, startTimeoutMs: 60_000 });
    const key = readFileSync(keyFile, 'utf8').trim();
    expect(first.stdout()).toContain(key);
    expect((await fetch(`${first.base}/api/v1/session`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    await first.stop();
    const missing = (out: string) => out.split('\n').filter((line) => line.includes('cannot be shown again'));
    expect(missing(first.stdout())).toEqual([]);

    // The file is lost: the stored key still holds (its hash), and the start says it cannot be shown again.
    await rm(keyFile);
    const second = await startServer({ how: 'compiled', stdout: 'pipe', env, startTimeoutMs: 60_000 });
    expect(missing(second.stdout())).toHaveLength(1);
    expect(JSON.parse(missing(second.stdout())[0]!)).toMatchObject({ level: 40, plannerKeyFile: keyFile });
    expect((await fetch(`${second.base}/api/v1/session`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
  });

  it('solves under node flags a thread may not have (a larger heap, a process title): the pool leaves them out', async () => {
    // Before, the pool gave its threads every flag of the process, a Worker refused them, and every
    // plan was a 500 while /health said ok.
    const server = await startServer({
      how: 'compiled',
      nodeArgs: ['--max-old-space-size=1536', '--expose-gc', '--stack-size=900', '--title', 'caspian-api', '--enable-source-maps'],
      env: { NODE_OPTIONS: '', DATABASE_PATH: join(scratch, 'flags.db'), API_KEYS: `planner:${PLANNER}`, CPU_THREADS: '1' },
      startTimeoutMs: 60_000,
    });
    const res = await fetch(`${server.base}/api/v1/optimise?flows=false`, {
      method: 'POST',
      headers: { authorization: `Bearer ${PLANNER}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'under node flags' }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe('optimal');
  });
});
