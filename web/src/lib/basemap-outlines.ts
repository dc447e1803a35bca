/**
 * The base map's country outlines, made once when the page is built (web/vite.config.ts writes them
 * as an asset whose address the module `virtual:basemap` gives) instead of in every page load: Natural Earth's TopoJSON (world-atlas)
 * turned into GeoJSON, 1:50m where the plans are and 1:110m elsewhere (regional-outlines.ts), rings
 * across the 180th meridian made continuous (antimeridian.ts), and every coordinate rounded to
 * `OUTLINE_DECIMALS` places. Pure.
 *
 * A page used to fetch both TopoJSON files and do this work on its main thread, some 150–350 ms of
 * script per load; it now fetches and parses one JSON file of about the size of the two.
 */
import type { Feature, FeatureCollection, Geometry, Position } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { unwrapAntimeridian } from './antimeridian.ts';
import { regionalOutlines } from './regional-outlines.ts';

export type CountryTopology = Topology<{ countries: GeometryCollection<{ name: string }> }>;
export type CountryOutlines = FeatureCollection<Geometry, { name: string }>;

/**
 * Decimal places kept of each longitude and latitude: 1e-4° is about 11 m, well inside the grid of
 * Natural Earth's quantised 1:50m TopoJSON (about 0.0036° between neighbouring values), so rounding
 * moves no point the source could tell apart.
 */
export const OUTLINE_DECIMALS = 4;

const scale = 10 ** OUTLINE_DECIMALS;
const round = (x: number) => Math.round(x * scale) / scale;
const roundRing = (ring: Position[]): Position[] => ring.map((p) => p.map(round));

function roundGeometry(geometry: Geometry): Geometry {
  switch (geometry.type) {
    case 'Point':
      return { ...geometry, coordinates: geometry.coordinates.map(round) };
    case 'MultiPoint':
    case 'LineString':
      return { ...geometry, coordinates: roundRing(geometry.coordinates) };
    case 'Polygon':
    case 'MultiLineString':
      return { ...geometry, coordinates: geometry.coordinates.map(roundRing) };
    case 'MultiPolygon':
      return { ...geometry, coordinates: geometry.coordinates.map((polygon) => polygon.map(roundRing)) };
    case 'GeometryCollection':
      return { ...geometry, geometries: geometry.geometries.map(roundGeometry) };
  }
}

/** The base map's countries from world-atlas's 1:50m and 1:110m TopoJSON. */
export function baseMapOutlines(detailed: CountryTopology, coarse: CountryTopology): CountryOutlines {
  const merged = unwrapAntimeridian(regionalOutlines(feature(detailed, detailed.objects.countries), feature(coarse, coarse.objects.countries)));
  const features: Feature<Geometry, { name: string }>[] = merged.features.map((f) => ({ ...f, geometry: roundGeometry(f.geometry) }));
  return { type: 'FeatureCollection', features };
}
