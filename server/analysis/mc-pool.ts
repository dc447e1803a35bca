/**
 * A small pool of worker threads for Monte Carlo draws. One run at a time per pool (runs queue);
 * a run is cut into chunks of draws that idle workers pick up, so both cores stay busy. Each
 * worker is sent the fast model once per run. Workers are kept between runs (JIT-warm solver) and
 * do not hold the process open when idle.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { CancelledError, emptyTable, type DrawSpec, type DrawTable, type FastModel } from './montecarlo.ts';
import type { ChunkRequest, ChunkResponse } from './mc-worker.ts';

interface Slot {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  loadedJob: number;
  pending: ((r: ChunkResponse | Error) => void) | null;
}

export interface PoolRunOptions {
  readonly onProgress?: (done: number, total: number) => void;
  readonly signal?: AbortSignal;
  readonly chunkSize?: number;
}

let nextJobKey = 1;

export class MonteCarloPool {
  readonly size: number;
  #slots: Slot[] = [];
  #tail: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(size: number) {
    this.size = Math.max(1, Math.floor(size));
  }

  #spawn(): Slot {
    const worker = new Worker(new URL('./mc-worker-bootstrap.mjs', import.meta.url));
    worker.unref();
    let readyResolve!: () => void;
    let readyReject!: (e: Error) => void;
    const ready = new Promise<void>((resolve, reject) => {
      readyResolve = resolve;
      readyReject = reject;
    });
    const slot: Slot = { worker, ready, loadedJob: 0, pending: null };
    worker.on('message', (msg: ChunkResponse | { ready: true }) => {
      if ('ready' in msg) return readyResolve();
      const pending = slot.pending;
      slot.pending = null;
      pending?.(msg);
    });
    const fail = (e: Error) => {
      readyReject(e);
      const i = this.#slots.indexOf(slot);
      if (i >= 0) this.#slots.splice(i, 1);
      const pending = slot.pending;
      slot.pending = null;
      pending?.(e);
    };
    worker.on('error', (e) => fail(e));
    worker.on('exit', (code) => fail(new Error(`the Monte Carlo worker exited (code ${code})`)));
    ready.catch(() => {});
    return slot;
  }

  #ensure(): Slot[] {
    while (this.#slots.length < this.size) this.#slots.push(this.#spawn());
    return this.#slots.slice();
  }

  /** Starts the workers and waits until they are ready (benchmarks warm up with this). */
  async start(): Promise<void> {
    await Promise.all(this.#ensure().map((s) => s.ready));
  }

  /** Solves `draws` draws; the table is in draw order whatever worker solved each draw. */
  run(fast: FastModel, spec: DrawSpec, draws: number, options: PoolRunOptions = {}): Promise<DrawTable> {
    const job = this.#tail.then(() => this.#run(fast, spec, draws, options));
    this.#tail = job.catch(() => {});
    return job;
  }

  async #run(fast: FastModel, spec: DrawSpec, draws: number, options: PoolRunOptions): Promise<DrawTable> {
    if (this.#closed) throw new Error('the Monte Carlo pool is closed');
    const slots = this.#ensure();
    await Promise.all(slots.map((s) => s.ready));
    const jobKey = nextJobKey++;
    const table = emptyTable(draws, fast.markets.length);
    const M = fast.markets.length;
    // Small enough that both workers get work and progress moves; large enough to amortise a message.
    const chunkSize = Math.max(1, options.chunkSize ?? Math.min(100, Math.max(10, Math.ceil(draws / (slots.length * 8)))));
    let next = 0;
    let done = 0;
    const send = (slot: Slot, from: number, to: number) =>
      new Promise<ChunkResponse | Error>((resolve) => {
        slot.pending = resolve;
        const req: ChunkRequest = slot.loadedJob === jobKey ? { jobKey, from, to } : { jobKey, fast, spec, from, to };
        slot.loadedJob = jobKey;
        slot.worker.postMessage(req);
      });
    const drive = async (slot: Slot) => {
      slot.worker.ref();
      try {
        while (next < draws) {
          if (options.signal?.aborted) return;
          const from = next;
          const to = Math.min(draws, from + chunkSize);
          next = to;
          const r = await send(slot, from, to);
          if (r instanceof Error) throw r;
          if (!r.ok) throw new Error(r.message);
          const t = r.table;
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
      } finally {
        slot.worker.unref();
      }
    };
    await Promise.all(slots.map(drive));
    if (options.signal?.aborted) throw new CancelledError();
    return table;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const slots = this.#slots.splice(0);
    await Promise.all(
      slots.map(async (s) => {
        s.worker.removeAllListeners('exit');
        s.worker.on('error', () => {});
        await s.worker.terminate();
      }),
    );
  }
}

const pools = new Map<number, MonteCarloPool>();

/** The pool of `size` workers, created on first use and kept. */
export function poolOfSize(size: number): MonteCarloPool {
  let pool = pools.get(size);
  if (!pool) {
    pool = new MonteCarloPool(size);
    pools.set(size, pool);
  }
  return pool;
}

/** The service's pool: one worker per core. */
export function sharedPool(): MonteCarloPool {
  return poolOfSize(availableParallelism());
}

/** Terminates every pool (tests, graceful shutdown). */
export async function closeMonteCarloPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.close()));
}
