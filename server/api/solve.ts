/**
 * From a validated scenario to a plan, for the routes: pick the network (inline or default),
 * check it (422 with every problem), cap the time limit, solve. Outcomes (infeasible, unbounded,
 * timed out) come back as plans with their status; only an unusable model is an error.
 */
import type { Network, Scenario } from '../core/schema.ts';
import type { Plan } from '../core/plan-schema.ts';
import { ApiError, type Problem } from './errors.ts';

/** The model's entry points, injectable so tests can stand in a slow or failing solver. */
export interface ModelServices {
  optimise(
    scenario: Scenario,
    network: Network,
    options?: { engine?: 'auto' | 'jsLpSolver' | 'highs'; signal?: AbortSignal },
  ): Promise<Plan>;
  checkScenario(scenario: Scenario, network: Network): Problem[];
  loadDefaultNetwork(): Network;
  readonly modelVersion: string;
}

export async function loadModelServices(): Promise<ModelServices> {
  const [optimiser, consistency, data] = await Promise.all([
    import('../core/optimise.ts'),
    import('../core/consistency.ts'),
    import('../data/load.ts'),
  ]);
  return {
    optimise: optimiser.optimise,
    checkScenario: consistency.checkScenario,
    loadDefaultNetwork: data.loadDefaultNetwork,
    modelVersion: optimiser.MODEL_VERSION,
  };
}

export interface SolveOptions {
  readonly defaultNetwork: Network;
  /** The service's ceiling on a scenario's `timeLimitMs`. */
  readonly maxSolveMs: number;
  /** Aborted when the client goes away. */
  readonly signal?: AbortSignal;
}

/** Throws `unprocessable_model` (422) listing every problem; otherwise returns the plan. */
export async function solveScenario(model: ModelServices, scenario: Scenario, options: SolveOptions): Promise<Plan> {
  const network = scenario.network ?? options.defaultNetwork;
  const problems = model.checkScenario(scenario, network);
  if (problems.length > 0) {
    throw new ApiError(
      'unprocessable_model',
      `The scenario cannot be a model: ${problems.length} problem${problems.length === 1 ? '' : 's'}`,
      problems.map((p) => ({ path: [...p.path], message: p.message })),
    );
  }
  const timeLimitMs = Math.min(scenario.timeLimitMs, options.maxSolveMs);
  return model.optimise({ ...scenario, timeLimitMs }, network, { engine: scenario.engine, signal: options.signal });
}

/** An AbortSignal that fires when the client closes the connection before the answer is sent. */
export function clientGoneSignal(raw: { once(event: 'close', fn: () => void): unknown; writableFinished: boolean }): AbortSignal {
  const controller = new AbortController();
  raw.once('close', () => {
    if (!raw.writableFinished) controller.abort();
  });
  return controller.signal;
}
