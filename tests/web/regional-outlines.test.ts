/**
 * The base map's countries at two levels of detail: 1:50m where the plans are, 1:110m elsewhere;
 * every country once, and about half the points of the whole world at 1:50m.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { FeatureCollection, Geometry } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { describe, expect, it } from 'vitest';
import { DETAILED_REGION, reachesInto, regionalOutlines } from '../../web/src/lib/regional-outlines.ts';

type Countries = FeatureCollection<Geometry | null, { name: string }>;
const load = (scale: '50m' | '110m'): Countries => {
  const topo = JSON.parse(readFileSync(createRequire(import.meta.url).resolve(`world-atlas/countries-${scale}.json`), 'utf8')) as Topology<{ countries: GeometryCollection<{ name: string }> }>;
  return feature(topo, topo.objects.countries) as Countries;
};
const detailed = load('50m');
const coarse = load('110m');
const merged = regionalOutlines(detailed, coarse);

const points = (fc: Countries) =>
  fc.features.reduce((n, f) => n + (f.geometry?.type === 'Polygon' ? f.geometry.coordinates.flat().length : f.geometry?.type === 'MultiPolygon' ? f.geometry.coordinates.flat(2).length : 0), 0);
const from = (name: string) => {
  const found = merged.features.filter((f) => f.properties.name === name);
  expect(found, name).toHaveLength(1);
  if (detailed.features.includes(found[0])) return '50m';
  if (coarse.features.includes(found[0])) return '110m';
  return 'neither';
};

describe('regional outlines', () => {
  it('keeps 1:50m for the countries of the plans and their neighbours, 1:110m for far ones', () => {
    for (const name of ['Kazakhstan', 'Russia', 'Azerbaijan', 'Turkmenistan', 'Uzbekistan', 'Iran', 'Georgia', 'Turkey', 'China', 'Kyrgyzstan', 'Tajikistan', 'Afghanistan', 'Mongolia']) {
      expect(from(name), name).toBe('50m');
    }
    for (const name of ['Brazil', 'Australia', 'United States of America', 'Argentina', 'Canada', 'South Africa']) {
      expect(from(name), name).toBe('110m');
    }
  });

  it('has every country of the coarse map exactly once', () => {
    const names = merged.features.map((f) => f.properties.name);
    expect(new Set(names).size).toBe(names.length);
    for (const f of coarse.features) expect(names, f.properties.name).toContain(f.properties.name);
  });

  it('every country kept at 1:50m reaches into the region, and the map has well under the 1:50m world’s points', () => {
    for (const f of merged.features) if (detailed.features.includes(f)) expect(reachesInto(f.geometry!, DETAILED_REGION), f.properties.name).toBe(true);
    expect(points(merged)).toBeLessThan(0.6 * points(detailed));
    expect(points(merged)).toBeGreaterThan(points(coarse));
  });
});
