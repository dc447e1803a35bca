/**
 * Solving in the worker pool: time limits (engine's own and the watchdog) while the event loop
 * keeps running, and worker results identical to in-process ones.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import { POOL_THREAD_NICE } from '../../server/pool/context.ts';
import { poolStats, poolThreads } from '../../server/pool/pool.ts';
import { until } from '../jobs/helpers.ts';
import { generateTransportModel } from '../../server/solver/generate.ts';
import { poolSize, shutdownSolverPool, solveModel, solveModelInProcess, solverPoolSize } from '../../server/solver/solve.ts';

afterAll(async () => {
  await shutdownSolverPool();
});

/**
 * Runs `work` and measures the event loop's utilisation meanwhile: the share of the time the loop was
 * busy running JavaScript rather than waiting for events. A HiGHS solve on the event loop holds it at
 * 1.000 (one synchronous stretch); in a thread, the loop only copies the model out and the result back,
 * which for a short solve of a 20,000-variable model is up to about 0.6 of the time on an idle
 * machine. Unlike a count of timer ticks, it does not fall when a busy machine runs the process late:
 * time spent waiting to be scheduled while idle counts as idle.
 */
const LOOP_FREE_UTILISATION = 0.9;
async function withLoopUtilisation<T>(work: () => Promise<T>): Promise<{ result: T; utilisation: number; ms: number }> {
  const start = performance.eventLoopUtilization();
  const t0 = performance.now();
  const result = await work();
  return { result, utilisation: performance.eventLoopUtilization(start).utilization, ms: performance.now() - t0 };
}

/** The nice value of each thread of this process, by thread id (Linux: /proc). */
function threadNices(): Map<number, number> {
  const nices = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      // Field 19 of stat is the nice value; the fields after the command's closing parenthesis start at field 3.
      const fields = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      nices.set(Number(tid), Number(fields[16]));
    } catch {
      // the thread ended meanwhile
    }
  }
  return nices;
}

describe.skipIf(!existsSync('/proc/self/task'))('the pool threads yield the CPU to the event loop', () => {
  it('each pool thread runs POOL_THREAD_NICE lower than the event loop, which keeps its own priority', async () => {
    const before = threadNices().get(process.pid)!;
    // Every thread busy at once, so each has loaded its tasks (and lowered itself).
    const threads = poolThreads();
    await Promise.all(Array.from({ length: threads }, (_, i) => solveModel(generateTransportModel(50, i + 1), { timeLimitMs: 30_000 })));
    // Threads a lowered thread starts inherit its value too, so at least the pool's are lowered.
    const lowerValue = Math.min(19, before + POOL_THREAD_NICE);
    let last = threadNices();
    const lowered = await until(
      'every pool thread lowered',
      () => {
        last = threadNices();
        return [...last.values()].filter((n) => n === lowerValue).length >= threads && last;
      },
      60_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}: nice values by thread ${JSON.stringify([...last])}, the event loop's ${before}, ${threads} pool threads`);
    });
    expect(POOL_THREAD_NICE).toBeGreaterThan(0);
    expect(poolStats().threads).toBe(threads);
    expect(lowered.get(process.pid)).toBe(before);
  });
});

describe('worker pool', () => {
  it('a large model solved in a worker equals the in-process result', async () => {
    const model = generateTransportModel(3000, 11);
    const [w, p] = [await solveModel(model, { timeLimitMs: 30_000, engine: 'highs' }), await solveModelInProcess(model, { timeLimitMs: 30_000, engine: 'highs' })];
    expect(w.status).toBe('optimal');
    expect(p.status).toBe('optimal');
    if (w.status === 'optimal' && p.status === 'optimal') {
      expect(w.objective).toBe(p.objective);
      expect(w.values).toEqual(p.values);
      expect(w.sensitivity?.rowDuals).toEqual(p.sensitivity?.rowDuals);
    }
  });

  it('watchdog: a javascript-lp-solver solve that overruns is stopped, reported timedout, and the worker replaced', async () => {
    const model = generateTransportModel(8000, 1);
    const t0 = performance.now();
    const result = await solveModel(model, { timeLimitMs: 200, engine: 'jsLpSolver' });
    // javascript-lp-solver has no time limit of its own: only the pool's watchdog, which stops a
    // thread, can end this solve early, so `timedout` within seconds shows it ran off the event loop
    // (on the loop it would run to its optimum, for minutes). The loop's utilisation is no test here:
    // javascript-lp-solver on the loop measures about 0.76, and other work in the process can raise it.
    expect(result.status).toBe('timedout');
    expect(performance.now() - t0).toBeLessThan(5_000);
    // The pool recovers and keeps solving.
    const next = await solveModel(generateTransportModel(40, 2), { timeLimitMs: 5_000 });
    expect(next.status).toBe('optimal');
    expect(solverPoolSize()).toBeGreaterThan(0);
    expect(solverPoolSize()).toBeLessThanOrEqual(poolSize());
  });

  it("HiGHS's own time limit gives timedout", async () => {
    const model = generateTransportModel(20_000, 3);
    // The files of a vitest process share its event loop (isolate: false), so work left by an earlier
    // file, or a major collection of the shared heap, can fill one short window: a clean-clone run read
    // 1 once. The solve is measured three times and the least busy window counts; a solve on the
    // event loop would hold it at 1 in every one of them.
    // HiGHS loaded on this thread too, so that no window holds a module's load, whichever thread solves.
    await solveModelInProcess(generateTransportModel(40, 2), { timeLimitMs: 5_000, engine: 'highs' });
    const utilisations: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const { result, utilisation } = await withLoopUtilisation(() => solveModel(model, { timeLimitMs: 20, engine: 'highs' }));
      expect(result.status).toBe('timedout');
      // HiGHS's own limit, or on a busy machine the watchdog first: either way the time limit, named.
      expect(result.status !== 'optimal' && result.message).toMatch(/time limit/);
      utilisations.push(utilisation);
    }
    expect(Math.min(...utilisations)).toBeLessThan(LOOP_FREE_UTILISATION);
  });

  it('solves in parallel up to the pool size and queues the rest', async () => {
    // Many more than the threads (the queue in front of them is not the pool's to bound).
    const models = Array.from({ length: 16 }, (_, s) => generateTransportModel(500, s + 1));
    // A time limit no queue on a busy machine reaches: this is about the answers, not the time.
    const results = await Promise.all(models.map((m) => solveModel(m, { timeLimitMs: 120_000 })));
    for (const [i, r] of results.entries()) {
      const ref = await solveModelInProcess(models[i], { timeLimitMs: 120_000 });
      expect(r.status).toBe('optimal');
      if (r.status === 'optimal' && ref.status === 'optimal') expect(r.objective).toBeCloseTo(ref.objective, 6);
    }
  });
});
