import type { Network } from '../core/schema.ts';
import { legLengthKm } from './length.ts';

/** Source text recorded for a distance that was computed rather than given. */
export const COMPUTED_DISTANCE_SOURCE = 'computed from the leg geometry (Turf geodesic length)';

/**
 * Fills `distanceKm` on every leg that lacks one from its geometry (rounded to 0.1 km) and records
 * where the figure came from in the leg's `sources`. Pure: returns a new network, input untouched
 * (the network itself when every leg has its distance).
 */
export function resolveDistances(network: Network): Network {
  if (network.legs.every((leg) => leg.distanceKm !== undefined)) return network;
  return {
    ...network,
    legs: network.legs.map((leg) => {
      if (leg.distanceKm !== undefined) return leg;
      const km = Math.round(legLengthKm(leg.geometry) * 10) / 10;
      return { ...leg, distanceKm: km, sources: { ...leg.sources, distanceKm: COMPUTED_DISTANCE_SOURCE } };
    }),
  };
}
