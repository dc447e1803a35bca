/** Whether this thread is one of the CPU pool's: work here runs in this thread, never nested in the pool. */
let inPool = false;

export function markPoolThread(): void {
  inPool = true;
}

export function isPoolThread(): boolean {
  return inPool;
}
