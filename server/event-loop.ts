/** Resolves once the event loop has handled what was waiting (I/O callbacks, timers due). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
