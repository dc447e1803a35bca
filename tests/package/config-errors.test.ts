/**
 * A bad setting stops the compiled server and the compiled worker with one line that names it and
 * exit code 1: no stack trace, whichever module reads the setting.
 */
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../support/build.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

beforeAll(buildServer, 240_000);

function start(entry: string, env: Record<string, string>) {
  return spawnSync(process.execPath, [entry], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NODE_OPTIONS: '', PORT: '0', DATABASE_PATH: ':memory:', ...env },
  });
}

describe('configuration errors at start-up', () => {
  for (const [entry, env] of [
    ['dist/server.js', { CPU_THREADS: 'abc' }],
    ['dist/server.js', { CPU_THREADS: '0' }],
    ['dist/worker.js', { CPU_THREADS: 'abc', DATABASE_URL: 'postgresql://127.0.0.1:1/none' }],
  ] as const) {
    it(`${entry} with CPU_THREADS=${env.CPU_THREADS}: one line naming the setting, exit code 1`, () => {
      const run = start(entry, env);
      expect(run.status).toBe(1);
      expect(run.stderr.trim()).toBe('Configuration error: CPU_THREADS must be an integer from 1 to 64');
    });
  }
});
