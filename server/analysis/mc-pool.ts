/**
 * Monte Carlo draws in the service's CPU pool (server/pool/pool.ts). A run is cut into chunks of
 * draws, `size` chunks in flight at once, so every thread stays busy. A thread keeps the fast model
 * of the last few runs it saw and is sent it only when it asks (the first chunk it gets of a run).
 * Cancelling a run (its signal) stops the chunks in flight.
 */
import { availableParallelism } from 'node:os';
import { runTask } from '../pool/pool.ts';
import { CancelledError, emptyTable, type DrawSpec, type DrawTable, type FastModel } from './mc-draws.ts';

export interface PoolRunOptions {
  readonly onProgress?: (done: number, total: number) => void;
  readonly signal?: AbortSignal;
  readonly chunkSize?: number;
}

let nextJobKey = 1;

/** Solves draws [from, to) of a run in the pool; the table's slot 0 is draw `from`. */
export async function drawChunkInPool(jobKey: string, fast: FastModel, spec: DrawSpec, from: number, to: number, signal?: AbortSignal): Promise<DrawTable> {
  let r = await runTask('drawChunk', { jobKey, from, to }, { signal });
  if (r.missing) r = await runTask('drawChunk', { jobKey, fast, spec, from, to }, { signal });
  if (r.missing) throw new Error('the Monte Carlo thread lost its model');
  return r.table;
}

export class MonteCarloPool {
  /** Chunks in flight at once. */
  readonly size: number;

  constructor(size: number) {
    this.size = Math.max(1, Math.floor(size));
  }

  /** Loads the threads (benchmarks warm up with this). */
  async start(): Promise<void> {
    await Promise.all(Array.from({ length: this.size }, () => runTask('drawChunk', { jobKey: 'warm-up', from: 0, to: 0 })));
  }

  /** Solves `draws` draws; the table is in draw order whatever thread solved each draw. */
  async run(fast: FastModel, spec: DrawSpec, draws: number, options: PoolRunOptions = {}): Promise<DrawTable> {
    const jobKey = `run-${nextJobKey++}`;
    const table = emptyTable(draws, fast.markets.length);
    const M = fast.markets.length;
    // Small enough that every thread gets work and progress moves; large enough to amortise a message.
    const chunkSize = Math.max(1, options.chunkSize ?? Math.min(100, Math.max(10, Math.ceil(draws / (this.size * 8)))));
    let next = 0;
    let done = 0;
    const drive = async () => {
      while (next < draws) {
        if (options.signal?.aborted) return;
        const from = next;
        const to = Math.min(draws, from + chunkSize);
        next = to;
        const t = await drawChunkInPool(jobKey, fast, spec, from, to, options.signal);
        table.margin.set(t.margin, from);
        table.exportTonnes.set(t.exportTonnes, from);
        table.domesticTonnes.set(t.domesticTonnes, from);
        table.domesticShare.set(t.domesticShare, from);
        table.ruleBinds.set(t.ruleBinds, from);
        table.status.set(t.status, from);
        table.served.set(t.served, from * M);
        done += to - from;
        options.onProgress?.(done, draws);
      }
    };
    try {
      await Promise.all(Array.from({ length: this.size }, drive));
    } catch (e) {
      if (options.signal?.aborted) throw new CancelledError();
      throw e;
    }
    if (options.signal?.aborted) throw new CancelledError();
    return table;
  }

  async close(): Promise<void> {}
}

const pools = new Map<number, MonteCarloPool>();

/** A run driver with `size` chunks in flight. */
export function poolOfSize(size: number): MonteCarloPool {
  let pool = pools.get(size);
  if (!pool) {
    pool = new MonteCarloPool(size);
    pools.set(size, pool);
  }
  return pool;
}

/** The service's driver: one chunk in flight per core. */
export function sharedPool(): MonteCarloPool {
  return poolOfSize(availableParallelism());
}

/** Stops the pool's threads (tests, graceful shutdown). */
export async function closeMonteCarloPools(): Promise<void> {
  pools.clear();
  const { closePool } = await import('../pool/pool.ts');
  await closePool();
}
