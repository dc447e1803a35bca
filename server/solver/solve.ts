/**
 * The one entry point the server uses to solve a model: `solveModel(model, options)`.
 *
 * Solves run off the event loop in the service's CPU pool (server/pool/pool.ts, piscina), whose
 * threads keep HiGHS loaded between solves. Every solve has a hard time limit: the engine's own
 * (`timeLimitMs`, HiGHS honours it) plus a watchdog that stops the thread if the solve overruns by
 * a margin — needed for javascript-lp-solver, which has no LP time limit, and for a wedged wasm
 * call. The pool replaces a stopped thread. Outcomes are results, never exceptions.
 * In a pool thread (a plan, a report) the solve runs in that thread.
 */
import type { LpModel, SolveResult } from '../core/lp.ts';
import { isPoolThread } from '../pool/context.ts';
import { closePool, poolStats, poolThreads, runTask, TaskAbortedError, TaskTimeoutError } from '../pool/pool.ts';
import { chooseEngine } from './choose.ts';
import { errorMessage, makeStats } from './common.ts';
import { solveModelInProcess, type SolveModelOptions } from './inProcess.ts';

export { solveModelInProcess, type SolveModelOptions } from './inProcess.ts';

/** Threads in the pool. */
export const poolSize = poolThreads;
/** The watchdog fires at timeLimitMs × (1 + this) + WATCHDOG_MIN_MARGIN_MS. */
export const WATCHDOG_RELATIVE_MARGIN = 0.25;
export const WATCHDOG_MIN_MARGIN_MS = 1_000;
/** Used when a caller gives no finite positive time limit: a pooled solve always has one. */
export const DEFAULT_TIME_LIMIT_MS = 60_000;

function engineOf(model: LpModel, options: SolveModelOptions) {
  try {
    return chooseEngine(model, options).engine;
  } catch {
    return 'highs' as const;
  }
}

export function watchdogMs(timeLimitMs: number): number {
  return timeLimitMs * (1 + WATCHDOG_RELATIVE_MARGIN) + WATCHDOG_MIN_MARGIN_MS;
}

/**
 * Solves `model` in the pool with a hard time limit. Resolves with status 'timedout' when the
 * engine or the watchdog stops the solve, 'error' when it is cancelled through `signal`; never rejects.
 */
export async function solveModel(model: LpModel, options: SolveModelOptions & { readonly signal?: AbortSignal }): Promise<SolveResult> {
  const { signal, ...rest } = options;
  const limited: SolveModelOptions = Number.isFinite(rest.timeLimitMs) && rest.timeLimitMs > 0 ? rest : { ...rest, timeLimitMs: DEFAULT_TIME_LIMIT_MS };
  if (isPoolThread()) return solveModelInProcess(model, limited);
  const started = performance.now();
  try {
    return await runTask('solve', { model, options: limited }, { signal, timeoutMs: watchdogMs(limited.timeLimitMs) });
  } catch (e) {
    const ms = performance.now() - started;
    if (e instanceof TaskTimeoutError) {
      return { status: 'timedout', message: `the solve reached its time limit of ${limited.timeLimitMs} ms and was stopped`, stats: makeStats(model, engineOf(model, limited), 'unknown', ms) };
    }
    const message = e instanceof TaskAbortedError ? 'the solve was cancelled' : `the solver thread failed: ${errorMessage(e)}`;
    return { status: 'error', message, stats: makeStats(model, engineOf(model, limited), 'unknown', ms) };
  }
}

/** Terminates the pool's threads (tests, graceful shutdown). Waiting solves resolve with 'error'. */
export async function shutdownSolverPool(): Promise<void> {
  await closePool();
}

/** Number of live threads (for tests and health checks). */
export function solverPoolSize(): number {
  return poolStats().threads;
}
