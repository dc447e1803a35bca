import { along, booleanPointInPolygon, length, lineString, point, pointToLineDistance } from '@turf/turf';
import type { Feature, LineString, MultiPolygon, Polygon, Position } from 'geojson';

export type Area = Polygon | MultiPolygon | Feature<Polygon | MultiPolygon>;
export type Lng = number;
export type Lat = number;

/** True when [lng, lat] lies inside the area (holes, e.g. islands, count as outside). */
export function isInArea(position: readonly [Lng, Lat] | readonly number[], area: Area): boolean {
  return booleanPointInPolygon(point([position[0], position[1]]), area);
}

/** Alias used for sea lanes: a point is on water when it is inside the water polygon. */
export const isOnWater = isInArea;

/** Distance in km from a point to a polyline (e.g. a canal centreline). */
export function kmToLine(position: readonly number[], line: LineString | Feature<LineString>): number {
  return pointToLineDistance(point([position[0], position[1]]), line, { units: 'kilometers' });
}

export interface SampleOptions {
  /** Spacing of the samples along the line, km. */
  readonly stepKm?: number;
  /** Samples this close (along the line) to either end are not judged, km. */
  readonly endToleranceKm?: number;
}

export interface Sample {
  /** Distance from the start of the line, km. */
  readonly km: number;
  readonly position: Position;
}

/**
 * Points every `stepKm` along the line, always including both ends and every vertex, so a short
 * excursion between two samples cannot hide a vertex.
 */
export function sampleLine(coords: ReadonlyArray<readonly number[]>, stepKm = 5): Sample[] {
  const line = lineString(coords.map((c) => [c[0], c[1]]));
  const total = length(line, { units: 'kilometers' });
  const out: Sample[] = [];
  for (let km = 0; km < total; km += stepKm) {
    out.push({ km, position: along(line, km, { units: 'kilometers' }).geometry.coordinates });
  }
  out.push({ km: total, position: [...line.geometry.coordinates[line.geometry.coordinates.length - 1]] });
  // vertices with their cumulative distance
  let acc = 0;
  const cs = line.geometry.coordinates;
  for (let i = 0; i < cs.length; i++) {
    if (i > 0) acc += length(lineString([cs[i - 1], cs[i]]), { units: 'kilometers' });
    out.push({ km: acc, position: cs[i] });
  }
  return out.sort((a, b) => a.km - b.km);
}

/**
 * Samples of a line that fail `inside` (sampled every `stepKm`, plus the vertices), ignoring those
 * within `endToleranceKm` of either end. An empty result means the line stays inside.
 */
export function samplesOutside(
  coords: ReadonlyArray<readonly number[]>,
  inside: (position: Position) => boolean,
  options: SampleOptions = {},
): Sample[] {
  const step = options.stepKm ?? 5;
  const tol = options.endToleranceKm ?? 0;
  const samples = sampleLine(coords, step);
  const total = samples[samples.length - 1]?.km ?? 0;
  return samples.filter((s) => s.km >= tol && s.km <= total - tol && !inside(s.position));
}

/** True when every sample of the line (beyond the end tolerance) lies inside the area. */
export function segmentStaysInPolygon(
  coords: ReadonlyArray<readonly number[]>,
  area: Area,
  options: SampleOptions = {},
): boolean {
  return samplesOutside(coords, (p) => isInArea(p, area), options).length === 0;
}
