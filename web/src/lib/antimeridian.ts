/**
 * Country outlines for a flat map. Natural Earth (world-atlas) draws Russia's Chukotka and Fiji as
 * rings that cross the 180th meridian, jumping from +180° to −180° and back: on a flat map each jump
 * becomes a line across the whole world, and the fill between inverts land and sea. Here each ring's
 * longitudes are made continuous (Chukotka lies at 180°–190° east, beyond the map's edge), and rings
 * that go round a pole (Antarctica's), which no flat map can fill, are left out. Pure.
 */
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Polygon, Position } from 'geojson';

/** Longitudes that differ by more than this between neighbours wrap round the 180th meridian. */
const WRAP_DEGREES = 180;

/** The ring with each longitude moved by whole turns so that neighbours never jump across the map. */
export function unwrapRing(ring: readonly Position[]): { ring: Position[]; aroundPole: boolean } {
  // Most rings never wrap: they are kept as they are (a page load builds every country's rings).
  let wraps = false;
  for (let i = 1; i < ring.length && !wraps; i += 1) wraps = Math.abs(ring[i][0] - ring[i - 1][0]) > WRAP_DEGREES;
  if (!wraps) return { ring: ring as Position[], aroundPole: false };
  const out: Position[] = [];
  let shift = 0;
  for (let i = 0; i < ring.length; i += 1) {
    const [lng, lat, ...rest] = ring[i];
    if (i > 0) {
      const step = lng - ring[i - 1][0];
      if (step > WRAP_DEGREES) shift -= 360;
      else if (step < -WRAP_DEGREES) shift += 360;
    }
    out.push([lng + shift, lat, ...rest]);
  }
  // A ring that ends a whole turn from where it started goes round a pole.
  return { ring: out, aroundPole: shift !== 0 };
}

function shiftRing(ring: Position[], turns: number): Position[] {
  return turns === 0 ? ring : ring.map(([lng, ...rest]) => [lng + turns * 360, ...rest]);
}

function westOf(ring: readonly Position[]): number {
  let west = Infinity;
  for (const p of ring) west = Math.min(west, p[0]);
  return west;
}

function unwrapPolygon(polygon: readonly Position[][]): Position[][] | null {
  const rings = polygon.map(unwrapRing);
  if (rings.some((r) => r.aroundPole)) return null;
  // The outer ring starts on the map (west edge at −180° or east of it) and reaches beyond +180°
  // where it must; holes are moved by whole turns to lie beside it.
  const outer = rings[0].ring;
  const turns = westOf(outer) < -180 ? Math.ceil((-180 - westOf(outer)) / 360) : 0;
  const outerWest = westOf(outer) + turns * 360;
  return rings.map(({ ring }, i) => (i === 0 ? shiftRing(ring, turns) : shiftRing(ring, Math.round((outerWest - westOf(ring)) / 360))));
}

function unwrapGeometry(geometry: Geometry | null): Geometry | null {
  if (!geometry) return null;
  if (geometry.type === 'Polygon') {
    const polygon = unwrapPolygon(geometry.coordinates);
    return polygon ? ({ type: 'Polygon', coordinates: polygon } satisfies Polygon) : null;
  }
  if (geometry.type === 'MultiPolygon') {
    const polygons = geometry.coordinates.map(unwrapPolygon).filter((p): p is Position[][] => p != null);
    return polygons.length ? ({ type: 'MultiPolygon', coordinates: polygons } satisfies MultiPolygon) : null;
  }
  return geometry;
}

/** The countries with continuous rings and without rings round a pole (a country left with none is dropped). */
export function unwrapAntimeridian<P>(collection: FeatureCollection<Geometry | null, P>): FeatureCollection<Geometry, P> {
  const features: Feature<Geometry, P>[] = [];
  for (const f of collection.features) {
    const geometry = unwrapGeometry(f.geometry);
    if (geometry) features.push({ ...f, geometry });
  }
  return { ...collection, features };
}
