/**
 * The host's monotonic clock in ms: `performance.now()`, which browsers and Node both have
 * (`Date.now()` where it is missing). The engine compiles without DOM or Node types
 * (server/core/tsconfig.json), so this is the one place it reads its host.
 */
const host = globalThis as { readonly performance?: { now(): number } };

export function monotonicNow(): number {
  return host.performance ? host.performance.now() : Date.now();
}
