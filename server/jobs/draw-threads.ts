/**
 * Chunks of Monte Carlo draws for a worker process, solved in the CPU pool (server/pool/pool.ts):
 * chunks of any job in any order (the pg-boss worker hands them out as it claims them). A thread
 * keeps the fast model of the last jobs it saw and is sent the model again only when it asks.
 */
import type { DrawSpec, DrawTable, FastModel } from '../analysis/montecarlo.ts';
import { drawChunkInPool, poolOfSize } from '../analysis/mc-pool.ts';

export class DrawThreads {
  readonly size: number;
  #closed = false;

  constructor(size: number) {
    this.size = Math.max(1, Math.floor(size));
  }

  /** Loads the threads (a worker warms up before it claims chunks). */
  async start(): Promise<void> {
    await poolOfSize(this.size).start();
  }

  /** Solves draws [from, to) of the job `jobId`; the table's slot 0 is draw `from`. `signal` stops it. */
  solve(jobId: string, fast: FastModel, spec: DrawSpec, from: number, to: number, signal?: AbortSignal): Promise<DrawTable> {
    if (this.#closed) return Promise.reject(new Error('the draw threads are closed'));
    return drawChunkInPool(`job-${jobId}`, fast, spec, from, to, signal);
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}
