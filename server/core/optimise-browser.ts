/**
 * The page's optimiser for live what-if: the same pipeline as the server, solved in-page with
 * javascript-lp-solver (pure JS). No duals there, so shadow prices are left to the server's plan.
 * A clearing plan gets its prices from a solve of the dual; our tonnes' ranges and the largest
 * competitor's impact (several more solves) are left to the server's plan too, so a slider stays live.
 * `ruleCost: false` leaves out the rule's cost too (its second solve): a plan for each step of a drag,
 * the whole plan once the slider rests.
 */
import { solveWithJsLpSolver } from '../solver/jsLpSolver.ts';
import type { Plan } from './plan-schema.ts';
import { runPipeline } from './pipeline.ts';
import type { Network, Scenario } from './schema.ts';

export interface InBrowserOptions {
  /** The cost of the domestic rule (a second solve without it); default true. */
  readonly ruleCost?: boolean;
}

export function optimiseInBrowser(scenario: Scenario, network: Network, options: InBrowserOptions = {}): Promise<Plan> {
  return runPipeline(scenario, network, (model, request) => solveWithJsLpSolver(model, request), {
    engine: 'jsLpSolver',
    policyCost: options.ruleCost !== false,
    wantSensitivity: false,
    ranges: false,
    competitorImpact: false,
  });
}
