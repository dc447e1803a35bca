/** Whether this thread is one of the CPU pool's: work here runs in this thread, never nested in the pool. */
let inPool = false;

export function markPoolThread(): void {
  inPool = true;
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
