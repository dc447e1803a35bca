/**
 * A task stopped while its thread is still starting (cancelled, or out of time, in the first
 * milliseconds of a new thread) must not take the process down. Piscina's first try at loading a
 * thread's module is require(); on Node 20.19+ require() of an ES module goes ahead (require(esm)),
 * and a thread stopped in the middle of that load aborted the whole process with V8's fatal error
 * "v8::Module::IsGraphAsync must be used on an instantiated module". It was seen once in a clean
 * clone's test run (tests/jobs/time-cap.test.ts) and reproduced with piscina alone: 3 of 11 runs of
 * thirty pools stopped as their thread started ended so, none of 7 with the flag. The race is too
 * narrow to hit on demand, so these tests check what closes it: the pool's threads run without
 * require(esm), so require() fails at once and import() loads the module (server/pool/pool.ts,
 * poolThreadExecArgv).
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { closePool, poolStats, poolThreadExecArgv, runTask, withoutRefusedFlags } from '../../server/pool/pool.ts';

/** An ES module of the compiled server (built by the suite's setup, tests/support/fresh-pool.ts). */
const ESM_MODULE = new URL('../../dist/pool/context.js', import.meta.url).pathname;

describe('the CPU pool starts its threads without require(esm)', () => {
  it('its threads run with require(esm) off', async () => {
    const model = { name: 'start', sense: 'max' as const, variables: [{ name: 'x', lb: 0, ub: 1, cost: 1, kind: 'continuous' as const }], rows: [] };
    await runTask('solve', { model, options: { engine: 'highs', timeLimitMs: 10_000 } });
    expect(poolStats().execArgv).toEqual(poolThreadExecArgv());
    expect(poolThreadExecArgv()).toContain('--no-experimental-require-module');
    await closePool();
  });

  it('with those flags, a thread cannot require() an ES module: the load goes through import()', async () => {
    const code = `
      const { parentPort } = require('node:worker_threads');
      try { require(${JSON.stringify(ESM_MODULE)}); parentPort.postMessage('loaded'); }
      catch (e) { parentPort.postMessage(e.code ?? e.message); }`;
    const answer = (execArgv: string[]) =>
      new Promise<string>((resolve, reject) => {
        const worker = new Worker(code, { eval: true, execArgv });
        worker.once('message', (m: string) => {
          resolve(m);
          void worker.terminate();
        });
        worker.once('error', reject);
      });
    expect(await answer(poolThreadExecArgv())).toBe('ERR_REQUIRE_ESM');
    // Without the flag this Node loads it by require(esm): the path a stopped thread could die in.
    const plain = process.execArgv.filter((a) => a !== '--no-experimental-require-module');
    if (process.allowedNodeEnvironmentFlags.has('--experimental-require-module')) expect(await answer(plain)).toBe('loaded');
  });
});

describe("the process's own flags", () => {
  const refused = ['--max-old-space-size=1536', '--expose-gc', '--stack-size=900', '--title', 'caspian-api', '--v8-pool-size=2'];

  it('are left out of the threads\' flags, a value given apart with its flag; the others stay in order', () => {
    const argv = ['--enable-source-maps', ...refused, '--conditions=caspian'];
    expect(withoutRefusedFlags(argv)).toEqual(['--enable-source-maps', '--conditions=caspian']);
    expect(poolThreadExecArgv(argv)).toEqual(['--enable-source-maps', '--conditions=caspian', '--no-experimental-require-module'].filter((f) => f !== '--no-experimental-require-module' || process.allowedNodeEnvironmentFlags.has(f)));
    expect(withoutRefusedFlags(['--enable-source-maps'])).toEqual(['--enable-source-maps']);
  });

  it('left out, a thread starts: with them it would not', async () => {
    const start = (execArgv: string[]) =>
      new Promise<string>((resolve, reject) => {
        const worker = new Worker("require('node:worker_threads').parentPort.postMessage('started')", { eval: true, execArgv });
        worker.once('message', (m: string) => {
          resolve(m);
          void worker.terminate();
        });
        worker.once('error', reject);
      });
    const argv = ['--enable-source-maps', ...refused];
    expect(() => new Worker('', { eval: true, execArgv: argv })).toThrow(/invalid execArgv/);
    expect(await start(poolThreadExecArgv(argv))).toBe('started');
  });
});
