/**
 * The embedded job queue: jobs run in this process and live in memory (server/analysis/jobs.ts).
 * Used without DATABASE_URL, so `npm start` with SQLite needs nothing else. Sweeps solve their
 * points in the solver pool; Monte Carlo draws run in the worker-thread pool.
 */
import { JobRegistry, type JobRegistryOptions } from '../analysis/jobs.ts';
import { runSweep, sweepScenarios } from '../analysis/sweep.ts';
import { runMonteCarlo } from '../analysis/montecarlo.ts';
import type { JobQueue, JobSpec } from './queue.ts';

export class InProcessQueue implements JobQueue {
  readonly mode = 'in-process' as const;
  readonly #registry: JobRegistry;

  constructor(options: JobRegistryOptions = {}) {
    this.#registry = new JobRegistry(options);
  }

  async submit(spec: JobSpec): Promise<string> {
    if (spec.kind === 'sweep') {
      const { request, network } = spec;
      return this.#registry.start('sweep', sweepScenarios(request).length, ({ signal, onProgress }) => runSweep(request, network, { signal, onProgress }));
    }
    const { request, network } = spec;
    return this.#registry.start('montecarlo', request.draws, async ({ signal, onProgress }) => {
      const run = await runMonteCarlo(request, network, { signal, onProgress });
      return { ...run.result, timing: run.timing };
    });
  }

  async get(id: string, withResult = true) {
    return this.#registry.get(id, withResult);
  }

  async result(id: string) {
    return this.#registry.result(id);
  }

  async cancel(id: string) {
    return this.#registry.cancel(id);
  }

  async subscribe(id: string, listener: Parameters<JobRegistry['subscribe']>[1]) {
    return this.#registry.subscribe(id, listener);
  }

  async close(): Promise<void> {
    this.#registry.cancelAll();
  }
}
