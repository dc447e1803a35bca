import { lineString } from '@turf/helpers';
import { length } from '@turf/length';
import type { Position } from 'geojson';

/** A GeoJSON LineString geometry as stored on a leg (coordinates are [lng, lat]). */
export interface LineGeometry {
  readonly type: 'LineString';
  readonly coordinates: ReadonlyArray<readonly [number, number] | readonly number[]>;
}

/** Geodesic length of a leg's LineString in kilometres (Turf, great-circle segments). */
export function legLengthKm(geometry: LineGeometry): number {
  return length(lineString(geometry.coordinates.map((c) => [c[0], c[1]] as Position)), { units: 'kilometers' });
}
