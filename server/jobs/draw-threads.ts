/**
 * Worker threads that solve chunks of Monte Carlo draws for a worker process: one chunk per thread
 * at a time, chunks of any job in any order (the pg-boss worker hands them out as it claims them).
 * Same thread code as the in-process pool (server/analysis/mc-worker.ts): a thread keeps the fast
 * model of the last job it saw and is sent the model again only when the job changes.
 */
import { Worker } from 'node:worker_threads';
import type { DrawSpec, DrawTable, FastModel } from '../analysis/montecarlo.ts';
import type { ChunkRequest, ChunkResponse } from '../analysis/mc-worker.ts';

interface Slot {
  readonly worker: Worker;
  ready: boolean;
  loadedKey: number;
  busy: boolean;
  pending: ((r: ChunkResponse | Error) => void) | null;
}

interface Task {
  readonly key: number;
  readonly fast: FastModel;
  readonly spec: DrawSpec;
  readonly from: number;
  readonly to: number;
  readonly resolve: (table: DrawTable) => void;
  readonly reject: (e: Error) => void;
}

export class DrawThreads {
  readonly size: number;
  readonly #slots: Slot[] = [];
  readonly #queue: Task[] = [];
  readonly #keys = new Map<string, number>();
  #nextKey = 1;
  #closed = false;
  #startupFailures = 0;

  constructor(size: number) {
    this.size = Math.max(1, Math.floor(size));
  }

  /** Starts every thread and waits until they are ready (a worker warms up before it claims chunks). */
  async start(): Promise<void> {
    while (this.#slots.length < this.size) this.#slots.push(this.#spawn());
    const started = Date.now();
    while (this.#slots.some((s) => !s.ready)) {
      if (this.#closed || Date.now() - started > 60_000) throw new Error('Monte Carlo threads did not start');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Solves draws [from, to) of the job `jobId`; the table's slot 0 is draw `from`. */
  solve(jobId: string, fast: FastModel, spec: DrawSpec, from: number, to: number): Promise<DrawTable> {
    if (this.#closed) return Promise.reject(new Error('the draw threads are closed'));
    let key = this.#keys.get(jobId);
    if (key === undefined) {
      key = this.#nextKey++;
      this.#keys.set(jobId, key);
      // Keep the map small: ids of old jobs are not needed once threads moved on.
      if (this.#keys.size > 1000) this.#keys.delete(this.#keys.keys().next().value!);
    }
    return new Promise<DrawTable>((resolve, reject) => {
      this.#queue.push({ key: key!, fast, spec, from, to, resolve, reject });
      while (this.#slots.length < this.size) this.#slots.push(this.#spawn());
      this.#pump();
    });
  }

  #spawn(): Slot {
    const worker = new Worker(new URL('../analysis/mc-worker-bootstrap.mjs', import.meta.url));
    worker.unref();
    const slot: Slot = { worker, ready: false, loadedKey: 0, busy: false, pending: null };
    worker.on('message', (msg: ChunkResponse | { ready: true }) => {
      if ('ready' in msg) {
        slot.ready = true;
        this.#startupFailures = 0;
        this.#pump();
        return;
      }
      const pending = slot.pending;
      slot.pending = null;
      pending?.(msg);
    });
    const fail = (e: Error) => {
      const i = this.#slots.indexOf(slot);
      if (i < 0) return;
      this.#slots.splice(i, 1);
      if (!slot.ready && ++this.#startupFailures >= 3) {
        // The threads cannot start at all: fail what waits rather than respawn forever.
        for (const t of this.#queue.splice(0)) t.reject(new Error(`Monte Carlo threads cannot start: ${e.message}`));
      }
      const pending = slot.pending;
      slot.pending = null;
      if (pending) pending(e);
      else if (!this.#closed && this.#queue.length > 0) {
        while (this.#slots.length < this.size) this.#slots.push(this.#spawn());
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`a Monte Carlo thread exited (code ${code})`)));
    return slot;
  }

  #pump(): void {
    for (const slot of this.#slots) {
      if (this.#queue.length === 0) break;
      if (slot.busy || !slot.ready) continue;
      const task = this.#queue.shift()!;
      slot.busy = true;
      slot.worker.ref();
      const req: ChunkRequest =
        slot.loadedKey === task.key ? { jobKey: task.key, from: task.from, to: task.to } : { jobKey: task.key, fast: task.fast, spec: task.spec, from: task.from, to: task.to };
      slot.loadedKey = task.key;
      slot.pending = (r) => {
        slot.busy = false;
        slot.worker.unref();
        if (r instanceof Error) task.reject(r);
        else if (!r.ok) task.reject(new Error(r.message));
        else task.resolve(r.table);
        if (!this.#closed) {
          while (this.#slots.length < this.size) this.#slots.push(this.#spawn());
          this.#pump();
        }
      };
      slot.worker.postMessage(req);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const t of this.#queue.splice(0)) t.reject(new Error('the draw threads are closed'));
    const slots = this.#slots.splice(0);
    await Promise.all(
      slots.map(async (s) => {
        s.worker.removeAllListeners('exit');
        s.worker.on('error', () => {});
        const pending = s.pending;
        s.pending = null;
        pending?.(new Error('the draw threads are closed'));
        await s.worker.terminate();
      }),
    );
  }
}
