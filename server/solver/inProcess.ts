/**
 * Solve in the current thread: engine choice + adapter, no worker. Used by the worker itself, by
 * the web page (live what-if) and by benchmarks. HiGHS is imported lazily so a page that only
 * solves small LPs never loads the wasm. Never throws: any failure is a result with status 'error'.
 */
import type { EngineName, LpModel, SolveOptions, SolveResult } from '../core/lp.ts';
import { chooseEngine, type EngineRequest } from './choose.ts';
import { errorMessage, makeStats } from './common.ts';
import { solveWithJsLpSolver } from './jsLpSolver.ts';

export interface SolveModelOptions extends SolveOptions {
  /** 'auto' (default) lets chooseEngine decide. */
  readonly engine?: EngineRequest;
}

export async function solveModelInProcess(model: LpModel, options: SolveModelOptions): Promise<SolveResult> {
  let engine: EngineName = 'highs';
  try {
    engine = chooseEngine(model, options).engine;
    if (engine === 'jsLpSolver') return await solveWithJsLpSolver(model, options);
    const { solveWithHighs } = await import('./highs.ts');
    return await solveWithHighs(model, options);
  } catch (e) {
    return { status: 'error', message: `solve failed: ${errorMessage(e)}`, stats: makeStats(model, engine, 'unknown', 0) };
  }
}
