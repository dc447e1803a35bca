/**
 * The embedded job queue: jobs run in this process (server/analysis/jobs.ts). Used without
 * DATABASE_URL, so `npm start` with SQLite needs nothing else. Sweeps solve their points in the
 * solver pool; Monte Carlo draws run in the worker-thread pool.
 *
 * With `records` (the SQLite store's, as `npm start` does) jobs are written through and outlive
 * the process: on opening, jobs a previous process left running are marked failed (INTERRUPTED,
 * their request kept); finished jobs are deleted `keepMs` after they finished, on opening and
 * every `sweepEveryMs`. On close, jobs still running end the same way as after a crash. Without
 * `records` jobs live in memory only.
 */
import { JobRegistry, type JobRegistryOptions } from '../analysis/jobs.ts';
import { runParsedSweep, sweepSize } from '../analysis/sweep.ts';
import { runParsedMonteCarlo } from '../analysis/montecarlo.ts';
import type { JobQueue, JobSpec } from './queue.ts';
import { INTERRUPTED } from './records.ts';

export interface InProcessQueueOptions extends Omit<JobRegistryOptions, 'keepMs'> {
  /** How long a finished job is kept (default: 7 days with `records`, 1 h in memory). */
  readonly keepMs?: number;
  /** How often finished jobs past `keepMs` are deleted from `records` (default 1 h). */
  readonly sweepEveryMs?: number;
}

export const DEFAULT_KEEP_MS = 7 * 24 * 3600_000;

export class InProcessQueue implements JobQueue {
  readonly mode = 'in-process' as const;
  /** Jobs a previous process left running, marked failed on opening. */
  readonly interrupted: readonly string[];
  readonly #registry: JobRegistry;
  readonly #options: InProcessQueueOptions;
  readonly #sweeper: ReturnType<typeof setInterval> | null = null;
  #closed = false;

  constructor(options: InProcessQueueOptions = {}) {
    this.#options = options;
    const records = options.records;
    this.#registry = new JobRegistry({ ...options, keepMs: records ? undefined : options.keepMs });
    if (!records) {
      this.interrupted = [];
      return;
    }
    const interrupted = records.listRunning();
    for (const id of interrupted) records.fail(id, INTERRUPTED);
    this.interrupted = interrupted;
    this.deleteExpired();
    this.#sweeper = setInterval(() => {
      try {
        this.deleteExpired();
      } catch {
        // The database refused (disk, closing): the next sweep tries again.
      }
    }, options.sweepEveryMs ?? 3600_000);
    this.#sweeper.unref();
  }

  /** Deletes finished jobs older than `keepMs` from `records`; returns how many. */
  deleteExpired(): number {
    const records = this.#options.records;
    if (!records) return 0;
    return records.deleteFinishedBefore(new Date(Date.now() - (this.#options.keepMs ?? DEFAULT_KEEP_MS)).toISOString());
  }

  full(): boolean {
    return this.#registry.full();
  }

  async submit(spec: JobSpec): Promise<string> {
    if (spec.kind === 'sweep') {
      const { request, network } = spec;
      return this.#registry.start('sweep', sweepSize(request), ({ signal, onProgress }) => runParsedSweep(request, network, { signal, onProgress }), request);
    }
    const { request, network } = spec;
    return this.#registry.start(
      'montecarlo',
      request.draws,
      async ({ signal, onProgress }) => {
        const run = await runParsedMonteCarlo(request, network, { signal, onProgress });
        return { ...run.result, timing: run.timing };
      },
      request,
    );
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

  /** Stops running jobs: with `records` they end failed (INTERRUPTED), in memory cancelled. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#sweeper) clearInterval(this.#sweeper);
    if (this.#options.records) this.#registry.interruptAll();
    else this.#registry.cancelAll();
  }
}
