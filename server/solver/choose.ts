/**
 * Engine choice. Browser-safe.
 *
 * `auto` sends small pure LPs without a sensitivity request to javascript-lp-solver and
 * everything else (MIPs, duals/ranging, larger models, re-solves that may start from the last
 * basis) to HiGHS.
 *
 * Crossover, measured on generated transport models (server/solver/generate.ts, 1–12 periods,
 * warm JIT, in-process, mean of 15–20 seeds; Node 20):
 *
 *   variables × rows     jsLpSolver   HiGHS
 *        900 (39×24)       0.16 ms    0.62 ms
 *     11,500 (191×60)      0.73 ms    1.23 ms
 *     21,400 (289×74)      1.27 ms    1.62 ms
 *     27,600 (192×144)     1.63 ms    1.82 ms
 *     30,100 (228×132)     1.37 ms    1.65 ms
 *     34,000 (395×86)      2.23 ms    2.04 ms
 *     38,300 (228×168)     1.69 ms    1.68 ms
 *     48,300 (493×98)      3.66 ms    2.53 ms
 *    172,000 (552×312)     9.0 ms     4.3 ms
 *
 * javascript-lp-solver keeps a dense tableau, so its time and memory grow with variables × rows;
 * the two cross at about 30,000–35,000. Cold (first solves in a fresh process) javascript-lp-solver
 * is several times slower, which is one more reason to stay below the crossover.
 */
import { countIntegerVariables, type EngineName, type LpModel } from '../core/lp.ts';

/** auto picks javascript-lp-solver only when variables × rows is at most this. */
export const JS_LP_SOLVER_MAX_CELLS = 30_000;
/** ... and the model has at most this many variables. */
export const JS_LP_SOLVER_MAX_VARIABLES = 400;
/** ... and at most this many rows. */
export const JS_LP_SOLVER_MAX_ROWS = 400;

export type EngineRequest = 'auto' | EngineName;

export interface ChooseEngineOptions {
  readonly engine?: EngineRequest;
  readonly wantSensitivity?: boolean;
  /** A re-solve of the model solved last with only costs or bounds changed (SolveOptions.warmStart). */
  readonly warmStart?: boolean;
}

export interface EngineChoice {
  readonly engine: EngineName;
  /** Plain words: why this engine. */
  readonly reason: string;
}

/** Picks the engine for a model; a forced engine is honoured as asked. */
export function chooseEngine(model: LpModel, options: ChooseEngineOptions = {}): EngineChoice {
  const request = options.engine ?? 'auto';
  if (request === 'jsLpSolver') return { engine: 'jsLpSolver', reason: 'javascript-lp-solver was requested' };
  if (request === 'highs') return { engine: 'highs', reason: 'HiGHS was requested' };
  const ints = countIntegerVariables(model);
  if (ints > 0) return { engine: 'highs', reason: `the model has ${ints} integer variables; only HiGHS proves MIP optimality` };
  if (options.wantSensitivity) return { engine: 'highs', reason: 'duals and ranging were requested; only HiGHS provides them' };
  // javascript-lp-solver solves every model from nothing; HiGHS changes the model it kept and starts
  // from its optimal basis (on the default model, 0.2–1 ms a re-solve against 2–5 ms).
  if (options.warmStart) return { engine: 'highs', reason: 'a re-solve of the last model with only costs or bounds changed: HiGHS starts from its last basis' };
  const n = model.variables.length;
  const m = model.rows.length;
  if (n <= JS_LP_SOLVER_MAX_VARIABLES && m <= JS_LP_SOLVER_MAX_ROWS && n * m <= JS_LP_SOLVER_MAX_CELLS) {
    return { engine: 'jsLpSolver', reason: `small LP (${n} variables × ${m} rows): javascript-lp-solver is fastest` };
  }
  return { engine: 'highs', reason: `LP with ${n} variables × ${m} rows: HiGHS is faster at this size` };
}
