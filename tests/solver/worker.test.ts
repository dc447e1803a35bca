/**
 * Solving in the worker pool: time limits (engine's own and the watchdog) while the event loop
 * keeps running, and worker results identical to in-process ones.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { generateTransportModel } from '../../server/solver/generate.ts';
import { poolSize, shutdownSolverPool, solveModel, solveModelInProcess, solverPoolSize } from '../../server/solver/solve.ts';

afterAll(async () => {
  await shutdownSolverPool();
});

/** Counts setInterval ticks while `work` runs. */
async function ticking<T>(work: () => Promise<T>): Promise<{ result: T; ticks: number; ms: number }> {
  let ticks = 0;
  const iv = setInterval(() => ticks++, 20);
  const t0 = performance.now();
  try {
    const result = await work();
    return { result, ticks, ms: performance.now() - t0 };
  } finally {
    clearInterval(iv);
  }
}

/**
 * The ticks the event loop makes in `ms` while nothing else runs in this process: the reference a
 * solve's ticks are held to, measured on the same machine at the same moment (a busy machine ticks
 * less, with or without a solve).
 */
async function idleTicks(ms: number): Promise<number> {
  return (await ticking(() => new Promise<void>((resolve) => setTimeout(resolve, ms)))).ticks;
}

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
    const { result, ticks, ms } = await ticking(() => solveModel(model, { timeLimitMs: 200, engine: 'jsLpSolver' }));
    expect(result.status).toBe('timedout');
    expect(ms).toBeLessThan(5_000);
    // The event loop kept turning: at least a third of the ticks it makes idle over the same time.
    expect(ticks).toBeGreaterThan((await idleTicks(ms)) / 3);
    // The pool recovers and keeps solving.
    const next = await solveModel(generateTransportModel(40, 2), { timeLimitMs: 5_000 });
    expect(next.status).toBe('optimal');
    expect(solverPoolSize()).toBeGreaterThan(0);
    expect(solverPoolSize()).toBeLessThanOrEqual(poolSize());
  });

  it("HiGHS's own time limit gives timedout", async () => {
    const model = generateTransportModel(20_000, 3);
    const { result, ticks, ms } = await ticking(() => solveModel(model, { timeLimitMs: 20, engine: 'highs' }));
    expect(result.status).toBe('timedout');
    // HiGHS's own limit, or on a busy machine the watchdog first: either way the time limit, named.
    expect(result.status !== 'optimal' && result.message).toMatch(/time limit/);
    expect(ticks).toBeGreaterThan((await idleTicks(ms)) / 3);
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
