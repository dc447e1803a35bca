import { getPriority, setPriority } from 'node:os';
/** Whether this thread is one of the CPU pool's: work here runs in this thread, never nested in the pool. */
let inPool = false;

export function markPoolThread(): void {
  inPool = true;
}

/**
 * How much lower than the event loop's a pool thread's CPU priority is (a nice value; 0: the same).
 * The event loop answers health checks, reads and queue refusals in a few milliseconds of CPU each;
 * a pool thread computes for seconds. At the same priority, on a machine whose cores are all busy,
 * the event loop waits its turn behind the pool's threads and every answer waits with it. A step
 * lower, the scheduler runs the event loop first whenever it has work, and the pool has the rest.
 */
export const POOL_THREAD_NICE = 5;

/**
 * Lowers this thread's CPU priority by POOL_THREAD_NICE. On Linux a nice value belongs to a thread,
 * so this changes the calling pool thread only, never the event loop's. Where the system refuses
 * it, the thread runs at its process's priority.
 */
export function lowerThreadPriority(): void {
  try {
    setPriority(0, Math.min(19, getPriority(0) + POOL_THREAD_NICE));
  } catch {
    // not allowed here: the same priority as the event loop
  }
}

export function isPoolThread(): boolean {
  return inPool;
}

/**
 * Now, as epoch milliseconds with sub-millisecond precision: one clock for every thread of the
 * process (each thread's `performance.now()` counts from its own start), so an instant taken in a pool
 * thread can be compared with one taken on the event loop.
 */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Where a plan's time went in its pool thread: the instants are epoch milliseconds (`epochMs`),
 * comparable with the event loop's; the spans are milliseconds.
 */
export interface PlanTiming {
  /** When the thread started the task. */
  readonly startedAt: number;
  /** When the thread handed its answer back. */
  readonly finishedAt: number;
  /** The pipeline: check, model build, solves, read-out, the rule's second solve, the hash. */
  readonly pipelineMs: number;
  /** The model build (the plan's `solver.buildMs`). */
  readonly buildMs: number;
  /** The first solve (the plan's `solver.solveMs`). */
  readonly solveMs: number;
  /** Checking the plan against its schema, JSON and UTF-8; 0 when the plan went back as an object. */
  readonly serialiseMs: number;
}
