/**
 * The base map's countries on a flat map: Natural Earth's rings across the 180th meridian (Russia's
 * Chukotka, Fiji) are made continuous and rings round a pole are left out, so northern Russia is land
 * and the Kara Sea and the Caspian are sea.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Polygon } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { describe, expect, it } from 'vitest';
import { unwrapAntimeridian, unwrapRing } from '../../web/src/lib/antimeridian.ts';

const topo = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('world-atlas/countries-50m.json'), 'utf8')) as Topology<{ countries: GeometryCollection }>;
const raw = feature(topo, topo.objects.countries) as FeatureCollection<Geometry | null, { name: string }>;
const unwrapped = unwrapAntimeridian(raw);

type Area = Feature<Polygon | MultiPolygon, { name: string }>;
const areas = (fc: FeatureCollection<Geometry | null, { name: string }>): Area[] =>
  fc.features.filter((f): f is Area => f.geometry?.type === 'Polygon' || f.geometry?.type === 'MultiPolygon');

/** The countries a point ([lng, lat]) falls in. */
const countriesAt = (fc: FeatureCollection<Geometry | null, { name: string }>, lng: number, lat: number) =>
  areas(fc)
    .filter((f) => booleanPointInPolygon([lng, lat], f))
    .map((f) => f.properties.name);

/** Longitude steps between neighbouring points of more than 180°, over every ring. */
function jumps(fc: FeatureCollection<Geometry | null, unknown>): number {
  let n = 0;
  for (const f of areas(fc as FeatureCollection<Geometry | null, { name: string }>)) {
    const polygons = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
    for (const ring of polygons.flat()) for (let i = 1; i < ring.length; i += 1) if (Math.abs(ring[i][0] - ring[i - 1][0]) > 180) n += 1;
  }
  return n;
}

describe('country outlines across the 180th meridian', () => {
  it('moves longitudes by whole turns so that neighbours stay close, and tells a ring round a pole', () => {
    const across = unwrapRing([[170, 60], [179, 65], [-179, 66], [-170, 62], [-179, 61], [179, 60], [170, 60]]);
    expect(across.ring).toEqual([[170, 60], [179, 65], [181, 66], [190, 62], [181, 61], [179, 60], [170, 60]]);
    expect(across.aroundPole).toBe(false);
    expect(unwrapRing([[-180, -80], [0, -85], [179, -80], [-180, -80]]).aroundPole).toBe(true);
  });

  it('the raw data has rings that jump across the map; the unwrapped none, and Russia reaches past 180°', () => {
    expect(jumps(raw)).toBeGreaterThan(0);
    expect(jumps(unwrapped)).toBe(0);
    const russia = unwrapped.features.find((f) => f.properties.name === 'Russia')!;
    const lngs = (russia.geometry as MultiPolygon).coordinates.flat(2).map((p) => p[0]);
    expect(Math.max(...lngs)).toBeGreaterThan(180);
    expect(Math.min(...lngs)).toBeGreaterThan(0);
    // Antarctica's mainland goes round the pole: it is left out, its islands and every country stay.
    const polygons = (fc: FeatureCollection<Geometry | null, { name: string }>, name: string) => (fc.features.find((f) => f.properties.name === name)!.geometry as MultiPolygon).coordinates.length;
    expect(polygons(unwrapped, 'Antarctica')).toBe(polygons(raw, 'Antarctica') - 1);
    expect(polygons(unwrapped, 'Russia')).toBe(polygons(raw, 'Russia'));
    expect(unwrapped.features.length).toBe(areas(raw).length);
  });

  it('northern Russia is land and the Kara Sea and the Caspian are sea', () => {
    expect(countriesAt(unwrapped, 60, 60)).toEqual(['Russia']);
    expect(countriesAt(unwrapped, 90, 65)).toEqual(['Russia']);
    expect(countriesAt(unwrapped, 65, 73)).toEqual([]);
    expect(countriesAt(unwrapped, 50.5, 42)).toEqual([]);
    expect(countriesAt(unwrapped, 55, 48)).toEqual(['Kazakhstan']);
  });
});
