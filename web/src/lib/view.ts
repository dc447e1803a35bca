/** The opening view of a plan. Pure: returns [[south, west], [north, east]]. */
import type { Network } from '../../../server/core/schema.ts';
import type { Plan } from '../../../server/core/plan-schema.ts';

/** The Caspian basin with its ports: always in view, it is what the product is about. */
export const CASPIAN_FRAME: [[number, number], [number, number]] = [
  [36.6, 46.8],
  [47.3, 54.8],
];

/**
 * Frame the plant, every market the plan serves and the Caspian, so the opening view shows where
 * the cement goes rather than every possible destination.
 */
export function planFrame(plan: Pick<Plan, 'markets'>, network: Pick<Network, 'plants'> | null): [[number, number], [number, number]] {
  let [[south, west], [north, east]] = CASPIAN_FRAME;
  const include = (lat: number, lng: number) => {
    south = Math.min(south, lat);
    north = Math.max(north, lat);
    west = Math.min(west, lng);
    east = Math.max(east, lng);
  };
  for (const p of network?.plants ?? []) include(p.lat, p.lng);
  for (const m of plan.markets) if (m.tonnes > 0) include(m.lat, m.lng);
  return [
    [south, west],
    [north, east],
  ];
}
