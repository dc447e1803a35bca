/**
 * Cooperative cancellation of a pool task: a flag in shared memory that the event loop and the
 * thread running the task both see. The thread claims the task when it starts it; the event loop
 * marks it cancelled when its caller goes away. A task cancelled before it started is skipped by its
 * thread; a running one reads the flag at its next step and ends early, so its thread stays (warm)
 * instead of being stopped and replaced by a cold one.
 */

/** A task's cancellation flag (an Int32Array over a SharedArrayBuffer: shared with the thread, not copied). */
export type CancelFlag = Int32Array;

const QUEUED = 0;
const RUNNING = 1;
const CANCELLED = 2;

export function newCancelFlag(): CancelFlag {
  return new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
}

/** The thread's side, as it starts the task: false when it was cancelled before (skip it). */
export function claimTask(flag: CancelFlag): boolean {
  return Atomics.compareExchange(flag, 0, QUEUED, RUNNING) === QUEUED;
}

/** The thread's side, while it runs the task. */
export function isCancelled(flag: CancelFlag): boolean {
  return Atomics.load(flag, 0) === CANCELLED;
}

/** The event loop's side: marks the task cancelled; true when a thread was already running it. */
export function cancelTask(flag: CancelFlag): boolean {
  return Atomics.exchange(flag, 0, CANCELLED) === RUNNING;
}

/** Where the task is: waiting for a thread, running, or cancelled (tests, diagnostics). */
export function taskState(flag: CancelFlag): 'queued' | 'running' | 'cancelled' {
  const state = Atomics.load(flag, 0);
  return state === QUEUED ? 'queued' : state === RUNNING ? 'running' : 'cancelled';
}

/** Thrown in the thread by a task that stopped because it was cancelled (no caller waits for it). */
export class TaskCancelledError extends Error {
  constructor() {
    super('the task was cancelled');
    this.name = 'TaskCancelledError';
  }
}
