/**
 * The one entry point the server uses to solve: `solveModel(model, options)`.
 *
 * Solves run off the event loop in a small pool of persistent worker threads
 * (size = min(2, available CPUs)); each worker keeps its HiGHS runtime loaded between solves.
 * Every solve has a hard time limit: the engine's own limit (`timeLimitMs`, HiGHS honours it) plus
 * a watchdog that terminates the worker if it overruns by a margin — needed for
 * javascript-lp-solver, which has no LP time limit, and for a wedged wasm call. A terminated
 * worker is replaced. Outcomes are results, never exceptions.
 *
 * The worker entry is TypeScript: worker-bootstrap.mjs registers tsx in the worker thread and
 * imports worker.ts, which works under `tsx`, `vitest` and plain node alike.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { LpModel, SolveResult } from '../core/lp.ts';
import { chooseEngine } from './choose.ts';
import { makeStats, now } from './common.ts';
import type { SolveModelOptions } from './inProcess.ts';
import type { WorkerRequest, WorkerResponse } from './worker.ts';

export { solveModelInProcess, type SolveModelOptions } from './inProcess.ts';

/** Workers in the pool. */
export const POOL_SIZE = Math.max(1, Math.min(2, availableParallelism()));
/** The watchdog fires at timeLimitMs × (1 + this) + WATCHDOG_MIN_MARGIN_MS. */
export const WATCHDOG_RELATIVE_MARGIN = 0.25;
export const WATCHDOG_MIN_MARGIN_MS = 1_000;
/** Used when a caller gives no finite positive time limit: a worker solve always has one. */
export const DEFAULT_TIME_LIMIT_MS = 60_000;

interface Job {
  readonly id: number;
  readonly model: LpModel;
  readonly options: SolveModelOptions;
  readonly resolve: (r: SolveResult) => void;
  readonly queuedAt: number;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job: Job | null;
  timer: ReturnType<typeof setTimeout> | null;
  startedAt: number;
}

const slots: Slot[] = [];
const queue: Job[] = [];
let nextId = 1;
let startupFailures = 0;

function engineOf(model: LpModel, options: SolveModelOptions) {
  try {
    return chooseEngine(model, options).engine;
  } catch {
    return 'highs' as const;
  }
}

function spawn(): Slot {
  const worker = new Worker(new URL('./worker-bootstrap.mjs', import.meta.url));
  const slot: Slot = { worker, ready: false, job: null, timer: null, startedAt: 0 };
  worker.unref();
  worker.on('message', (msg: WorkerResponse | { ready: true }) => {
    if ('ready' in msg) {
      slot.ready = true;
      startupFailures = 0;
      pump();
      return;
    }
    const job = slot.job;
    if (!job || job.id !== msg.id) return;
    finish(slot, msg.result);
  });
  worker.on('error', (err) => {
    retire(slot, `the solver worker failed: ${err.message}`);
  });
  worker.on('exit', (code) => {
    retire(slot, `the solver worker exited unexpectedly (code ${code})`);
  });
  slots.push(slot);
  return slot;
}

/** Removes a dead worker, fails its job, and keeps the pool going. */
function retire(slot: Slot, message: string): void {
  const i = slots.indexOf(slot);
  if (i < 0) return;
  slots.splice(i, 1);
  if (slot.timer) clearTimeout(slot.timer);
  const job = slot.job;
  slot.job = null;
  if (!slot.ready) startupFailures++;
  if (job) {
    job.resolve({ status: 'error', message, stats: makeStats(job.model, engineOf(job.model, job.options), 'unknown', now() - slot.startedAt) });
  }
  if (startupFailures >= 3) {
    // The worker cannot start at all: fail what is waiting rather than respawn forever.
    startupFailures = 0;
    for (const q of queue.splice(0)) {
      q.resolve({ status: 'error', message: `${message}; solver workers cannot start`, stats: makeStats(q.model, engineOf(q.model, q.options), 'unknown', 0) });
    }
    return;
  }
  pump();
}

function finish(slot: Slot, result: SolveResult): void {
  const job = slot.job;
  if (slot.timer) clearTimeout(slot.timer);
  slot.timer = null;
  slot.job = null;
  slot.worker.unref();
  job?.resolve(result);
  pump();
}

function watchdogMs(options: SolveModelOptions): number {
  return options.timeLimitMs * (1 + WATCHDOG_RELATIVE_MARGIN) + WATCHDOG_MIN_MARGIN_MS;
}

function pump(): void {
  while (queue.length > 0) {
    const slot = slots.find((s) => s.ready && s.job === null);
    if (!slot) break;
    const job = queue.shift()!;
    slot.job = job;
    slot.startedAt = now();
    slot.worker.ref();
    const limitMs = watchdogMs(job.options);
    slot.timer = setTimeout(() => {
      if (slot.job !== job) return;
      // Overran its limit by the margin: kill the thread and replace it.
      const i = slots.indexOf(slot);
      if (i >= 0) slots.splice(i, 1);
      slot.job = null;
      slot.worker.removeAllListeners('exit');
      slot.worker.removeAllListeners('message');
      slot.worker.on('error', () => {});
      void slot.worker.terminate();
      job.resolve({
        status: 'timedout',
        message: `the solve did not finish within ${job.options.timeLimitMs} ms and was stopped`,
        stats: makeStats(job.model, engineOf(job.model, job.options), 'unknown', now() - slot.startedAt),
      });
      ensurePool();
      pump();
    }, limitMs);
    const req: WorkerRequest = { id: job.id, model: job.model, options: job.options };
    try {
      slot.worker.postMessage(req);
    } catch (e) {
      retire(slot, `the model could not be sent to the solver worker: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  // Hold the process open while anything is waiting for a worker.
  for (const s of slots) {
    if (s.job || (!s.ready && queue.length > 0)) s.worker.ref();
    else s.worker.unref();
  }
}

function ensurePool(): void {
  while (slots.length < POOL_SIZE) spawn();
}

/**
 * Solves `model` in a worker thread with a hard time limit. Resolves with status 'timedout' when
 * the engine or the watchdog stops the solve; never rejects.
 */
export function solveModel(model: LpModel, options: SolveModelOptions): Promise<SolveResult> {
  const limited: SolveModelOptions =
    Number.isFinite(options.timeLimitMs) && options.timeLimitMs > 0 ? options : { ...options, timeLimitMs: DEFAULT_TIME_LIMIT_MS };
  return new Promise<SolveResult>((resolve) => {
    queue.push({ id: nextId++, model, options: limited, resolve, queuedAt: now() });
    ensurePool();
    pump();
  });
}

/** Terminates every worker (tests, graceful shutdown). Waiting solves resolve with 'error'. */
export async function shutdownSolverPool(): Promise<void> {
  const all = slots.splice(0);
  for (const q of queue.splice(0)) {
    q.resolve({ status: 'error', message: 'the solver pool was shut down', stats: makeStats(q.model, engineOf(q.model, q.options), 'unknown', 0) });
  }
  await Promise.all(
    all.map(async (s) => {
      if (s.timer) clearTimeout(s.timer);
      s.worker.removeAllListeners('exit');
      s.worker.removeAllListeners('message');
      s.worker.on('error', () => {});
      const job = s.job;
      s.job = null;
      job?.resolve({ status: 'error', message: 'the solver pool was shut down', stats: makeStats(job.model, engineOf(job.model, job.options), 'unknown', 0) });
      await s.worker.terminate();
    }),
  );
}

/** Number of live workers (for tests and health checks). */
export function solverPoolSize(): number {
  return slots.length;
}
