/**
 * The base map's outlines made at build time (web/src/lib/basemap-outlines.ts, served as
 * an asset whose address `virtual:basemap` gives): the same countries, rings and points as the page
 * used to build on every load, each point within half a rounding step, and the asset the build writes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Geometry, Position } from 'geojson';
import { feature } from 'topojson-client';
import { describe, expect, it } from 'vitest';
import { unwrapAntimeridian } from '../../web/src/lib/antimeridian.ts';
import { baseMapOutlines, OUTLINE_DECIMALS, type CountryTopology } from '../../web/src/lib/basemap-outlines.ts';
import { regionalOutlines } from '../../web/src/lib/regional-outlines.ts';
import { BUILD_TIMEOUT_MS, buildWebOnce } from '../support/build.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const topology = (scale: '50m' | '110m') =>
  JSON.parse(readFileSync(createRequire(import.meta.url).resolve(`world-atlas/countries-${scale}.json`), 'utf8')) as CountryTopology;
const detailed = topology('50m');
const coarse = topology('110m');
const outlines = baseMapOutlines(detailed, coarse);
// What the page computed on every load before.
const exact = unwrapAntimeridian(regionalOutlines(feature(detailed, detailed.objects.countries), feature(coarse, coarse.objects.countries)));

function positions(geometry: Geometry): Position[] {
  switch (geometry.type) {
    case 'Point':
      return [geometry.coordinates];
    case 'MultiPoint':
    case 'LineString':
      return geometry.coordinates;
    case 'Polygon':
    case 'MultiLineString':
      return geometry.coordinates.flat();
    case 'MultiPolygon':
      return geometry.coordinates.flat(2);
    case 'GeometryCollection':
      return geometry.geometries.flatMap(positions);
  }
}

describe('the base map outlines made at build time', () => {
  it('hold the same countries, in order, with the same geometry types and ring lengths', () => {
    expect(outlines.features.length).toBe(exact.features.length);
    expect(outlines.features.length).toBeGreaterThan(150);
    outlines.features.forEach((f, i) => {
      const e = exact.features[i]!;
      expect(f.id).toBe(e.id);
      expect(f.properties.name).toBe(e.properties.name);
      expect(f.geometry.type).toBe(e.geometry.type);
      expect(positions(f.geometry).length).toBe(positions(e.geometry).length);
    });
  });

  it('move no point by more than half a rounding step, and keep Kazakhstan and Chukotka', () => {
    const halfStep = 0.5 / 10 ** OUTLINE_DECIMALS + 1e-12;
    let worst = 0;
    let points = 0;
    outlines.features.forEach((f, i) => {
      const rounded = positions(f.geometry);
      const original = positions(exact.features[i]!.geometry);
      rounded.forEach((p, k) => {
        points += 1;
        worst = Math.max(worst, Math.abs(p[0]! - original[k]![0]!), Math.abs(p[1]! - original[k]![1]!));
      });
    });
    expect(points).toBeGreaterThan(10_000);
    expect(worst).toBeLessThanOrEqual(halfStep);
    expect(outlines.features.some((f) => f.id === '398')).toBe(true);
    // Russia's rings are continuous across the 180th meridian: some lie east of it.
    const russia = outlines.features.find((f) => f.properties.name === 'Russia')!;
    expect(Math.max(...positions(russia.geometry).map((p) => p[0]!))).toBeGreaterThan(180);
  });

  it('are what the page’s build writes as an asset, and the bundle fetches that asset', async () => {
    await buildWebOnce();
    const assets = join(ROOT, 'web/dist/assets');
    const files = readdirSync(assets);
    const written = files.filter((f) => /^basemap-[\w-]+\.json$/.test(f));
    expect(written).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(assets, written[0]!), 'utf8'))).toEqual(outlines);
    // The page's code names the asset, and no longer carries the TopoJSON files.
    const code = files.filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(assets, f), 'utf8'));
    expect(code.some((text) => text.includes(`/assets/${written[0]}`))).toBe(true);
    expect(files.some((f) => f.startsWith('countries-'))).toBe(false);
  }, BUILD_TIMEOUT_MS);
});
