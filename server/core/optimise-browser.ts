/**
 * The page's optimiser for live what-if: the same pipeline as the server, solved in-page with
 * javascript-lp-solver (pure JS). No duals there, so shadow prices are left to the server's plan.
 * A clearing plan gets its prices from a solve of the dual; our tonnes' ranges and the largest
 * competitor's impact (several more solves) are left to the server's plan too, so a slider stays live.
 * `ruleCost: false` leaves out the rule's cost too (its second solve): a plan for each step of a drag,
 * the whole plan once the slider rests.
 */
import { ReusableJsLpSolver } from '../solver/jsLpReusable.ts';
import { solveWithJsLpSolver } from '../solver/jsLpSolver.ts';
import { makeStats } from '../solver/common.ts';
import type { Plan } from './plan-schema.ts';
import { runPipeline, type SolveFn } from './pipeline.ts';
import type { Network, Scenario } from './schema.ts';

export interface InBrowserOptions {
  /** The cost of the domestic rule (a second solve without it); default true. */
  readonly ruleCost?: boolean;
}

export type InBrowserOptimiser = (scenario: Scenario, network: Network, options?: InBrowserOptions) => Promise<Plan>;

function optimiseWith(solve: SolveFn): InBrowserOptimiser {
  return (scenario, network, options = {}) => {
    // The scenario's time limit bounds the whole plan: once it has passed, the build stops between
    // its steps and no further solve starts (a javascript-lp-solver solve cannot be stopped part-way).
    const deadline = Date.now() + scenario.timeLimitMs;
    const solveInTime: SolveFn = (model, request) =>
      Date.now() >= deadline
        ? Promise.resolve({ status: 'timedout', message: 'the request reached its time limit', stats: makeStats(model, 'jsLpSolver', 'unknown', 0) })
        : solve(model, request);
    return runPipeline(scenario, network, solveInTime, {
      engine: 'jsLpSolver',
      policyCost: options.ruleCost !== false,
      wantSensitivity: false,
      ranges: false,
      competitorImpact: false,
      shouldStop: () => Date.now() >= deadline,
    });
  };
}

export const optimiseInBrowser: InBrowserOptimiser = optimiseWith((model, request) => solveWithJsLpSolver(model, request));

/** Models of other structures whose solvers a live optimiser keeps (a drag's model, the rule's relaxed one). */
const KEPT_STRUCTURES = 2;

/**
 * An optimiser for many plans of one network that differ in numbers only (a slider's steps): it
 * keeps the solver's starting tableau of the last models' structures and writes each new model's
 * costs and bounds into a copy of it, instead of building the library's model again. The same plans
 * as `optimiseInBrowser` (ReusableJsLpSolver gives the same pivots and point); a model of another
 * structure is solved once from scratch and kept in place of the oldest.
 */
export function createLiveOptimiser(): InBrowserOptimiser {
  const kept: ReusableJsLpSolver[] = [];
  return optimiseWith((model, request) => {
    let solver = kept.find((s) => s.fits(model));
    if (!solver) {
      solver = new ReusableJsLpSolver(model);
      kept.unshift(solver);
      kept.length = Math.min(kept.length, KEPT_STRUCTURES);
    }
    return solver.solve(model, request);
  });
}
