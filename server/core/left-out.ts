/**
 * Competitors a scenario leaves out (`overrides.suppliers.<id>.absent`), remembered for the effective
 * network that no longer holds them, so that the scenario's check can tell a supplier left out from an
 * unknown one. Browser-safe, pure bookkeeping: networks are never changed in place.
 */
import type { Network } from './schema.ts';

const leftOut = new WeakMap<Network, ReadonlySet<string>>();

/** Records the suppliers of `base` that `effective` leaves out. */
export function recordLeftOutSuppliers(base: Network, effective: Network): void {
  const kept = new Set(effective.suppliers.map((s) => s.id));
  const gone = base.suppliers.filter((s) => !kept.has(s.id)).map((s) => s.id);
  if (gone.length > 0) leftOut.set(effective, new Set(gone));
}

/** The suppliers this effective network's scenario left out (none for a network not so derived). */
export function leftOutSuppliers(effective: Network): ReadonlySet<string> {
  return leftOut.get(effective) ?? new Set();
}
