/**
 * The base map's countries at two levels of detail: Natural Earth's 1:50m outlines for the countries
 * that reach into the plans' region (the Caspian, Central Asia, Russia, the Middle East, Europe and
 * China) and its 1:110m outlines for the rest of the world, which a planner only sees zoomed out.
 * The map then projects about half the points it would for the whole world at 1:50m, on every zoom.
 * Pure.
 */
import type { FeatureCollection, Geometry, Position } from 'geojson';
import { unwrapRing } from './antimeridian.ts';

/** West, south, east, north in degrees: where 1:50m detail is kept. */
export const DETAILED_REGION: readonly [number, number, number, number] = [0, 10, 120, 80];

type Named = { name: string };

/** The outline's rings (a point or a line counts as one ring). */
function rings(geometry: Geometry): Position[][] {
  switch (geometry.type) {
    case 'Polygon':
    case 'MultiLineString':
      return geometry.coordinates;
    case 'MultiPolygon':
      return geometry.coordinates.flat();
    case 'LineString':
    case 'MultiPoint':
      return [geometry.coordinates];
    case 'Point':
      return [[geometry.coordinates]];
    case 'GeometryCollection':
      return geometry.geometries.flatMap(rings);
  }
}

/**
 * Some ring of the outline reaches into the box (their bounding boxes overlap). A ring across the
 * 180th meridian is measured unwrapped (Alaska's Aleutians lie at 172°E–190°E, not round the world).
 */
export function reachesInto(geometry: Geometry, [west, south, east, north]: readonly [number, number, number, number]): boolean {
  return rings(geometry).some((raw) => {
    const { ring } = unwrapRing(raw);
    let w = Infinity;
    let s = Infinity;
    let e = -Infinity;
    let n = -Infinity;
    for (const [lng, lat] of ring) {
      w = Math.min(w, lng);
      e = Math.max(e, lng);
      s = Math.min(s, lat);
      n = Math.max(n, lat);
    }
    return e >= west && w <= east && n >= south && s <= north;
  });
}

/**
 * Every country once: from `detailed` where its outline reaches into `region`, else from `coarse`
 * (matched by name). Small far islands that only `detailed` has are left out.
 */
export function regionalOutlines<P extends Named>(
  detailed: FeatureCollection<Geometry | null, P>,
  coarse: FeatureCollection<Geometry | null, P>,
  region: readonly [number, number, number, number] = DETAILED_REGION,
): FeatureCollection<Geometry | null, P> {
  const near = detailed.features.filter((f) => f.geometry != null && reachesInto(f.geometry, region));
  const nearNames = new Set(near.map((f) => f.properties.name));
  const far = coarse.features.filter((f) => !nearNames.has(f.properties.name));
  return { type: 'FeatureCollection', features: [...near, ...far] };
}
