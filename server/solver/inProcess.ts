/**
 * Solve in the current thread with the engine `chooseEngine` picks, no pool: used by the pool's
 * threads, by the analyses that solve in their own thread and by benchmarks (the page solves
 * through server/core/optimise-browser.ts instead). HiGHS, a wasm module, is imported on the first
 * solve rather than at load. Never throws: any failure is a result with status 'error'.
 */
import type { EngineName, LpModel, SolveOptions, SolveResult } from '../core/lp.ts';
import { chooseEngine, type EngineRequest } from './choose.ts';
import { errorMessage, makeStats } from './common.ts';
import { solveWithJsLpSolver } from './jsLpSolver.ts';

export interface SolveModelOptions extends SolveOptions {
  /** 'auto' (default) lets chooseEngine decide. */
  readonly engine?: EngineRequest;
}

let adapter: Promise<typeof import('./highs.ts')> | null = null;
/** The HiGHS adapter, imported on first use (an import per solve costs a module-map lookup each time). */
function highsAdapter(): Promise<typeof import('./highs.ts')> {
  adapter ??= import('./highs.ts');
  adapter.catch(() => {
    adapter = null;
  });
  return adapter;
}

export async function solveModelInProcess(model: LpModel, options: SolveModelOptions): Promise<SolveResult> {
  let engine: EngineName = 'highs';
  try {
    engine = chooseEngine(model, options).engine;
    const { solveWithHighs } = await highsAdapter();
    if (engine === 'jsLpSolver') {
      const result = await solveWithJsLpSolver(model, options);
      // javascript-lp-solver's optimal answers are verified against the model, but a verdict of
      // "infeasible" or "unbounded" cannot be: on badly scaled rows it has called feasible models
      // infeasible. When the engine was chosen for speed, HiGHS confirms any such verdict.
      if (result.status === 'optimal' || (options.engine ?? 'auto') !== 'auto') return result;
      engine = 'highs';
      return await solveWithHighs(model, options);
    }
    return await solveWithHighs(model, options);
  } catch (e) {
    return { status: 'error', message: `solve failed: ${errorMessage(e)}`, stats: makeStats(model, engine, 'unknown', 0) };
  }
}
