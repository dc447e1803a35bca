/**
 * The server's optimiser: the shared pipeline with engines running in worker threads
 * (off the event loop, with a time limit). Never throws for model outcomes.
 */
import { createHash } from 'node:crypto';
import { solveModel } from '../solver/solve.ts';
import type { Plan } from './plan-schema.ts';
import { MODEL_VERSION, runPipeline, type PipelineOptions } from './pipeline.ts';
import type { Network, Scenario } from './schema.ts';

export { MODEL_VERSION };

export interface OptimiseOptions extends Omit<PipelineOptions, 'now'> {
  /** Solve in this thread instead of a worker (benchmarks, tests of the pipeline itself). */
  readonly inProcess?: boolean;
}

export async function optimise(scenario: Scenario, network: Network, options: OptimiseOptions = {}): Promise<Plan> {
  const solve = options.inProcess
    ? (await import('../solver/inProcess.ts')).solveModelInProcess
    : solveModel;
  return runPipeline(scenario, network, (model, request) => solve(model, request), {
    ...options,
    sha256: (text) => createHash('sha256').update(text).digest('hex'),
  });
}
