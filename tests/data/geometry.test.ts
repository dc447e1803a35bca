/**
 * Geometry checks for data/network.json against data/geo/caspian.geojson (Natural Earth 1:50m).
 *
 * Tolerances, and why:
 * - Lines are sampled every SAMPLE_KM along the geodesic, plus every vertex.
 * - Navigable water = inside the Caspian polygon (islands are holes) or within CANAL_KM of the
 *   Volga–Caspian Ship Canal centreline (data/geo/volga-caspian-canal.geojson), which leads to the
 *   river ports Olya and Astrakhan inland of the coastline.
 * - Port points sit on the shore and the 1:50m coastline is coarse (Aktau lies ~1 km, Baku/Alat ~5 km
 *   on the land side of it), so samples within PORT_END_KM of a sea leg's end are not judged — but
 *   only for an end that is itself within PORT_END_KM of the shore.
 * - Land legs (rail, road) must have no sample inside the Caspian polygon.
 */
import { describe, expect, it } from 'vitest';
import { distance, lineString, pointToLineDistance, point } from '@turf/turf';
import { legLengthKm, networkBbox, samplesOutside, isOnWater, kmToLine } from '../../server/geo/index.ts';
import { canal, caspian, network, positions } from './helpers.ts';

const SAMPLE_KM = 5;
const CANAL_KM = 3;
const PORT_END_KM = 8;
const END_MATCH_KM = 30;

const onNavigableWater = (p: readonly number[]): boolean => isOnWater(p, caspian) || kmToLine(p, canal) <= CANAL_KM;
const shoreKm = (p: readonly number[]): number =>
  pointToLineDistance(point([p[0], p[1]]), lineString(caspian.geometry.coordinates[0]), { units: 'kilometers' });

const seaLegs = network.legs.filter((l) => l.mode === 'sea');
const landLegs = network.legs.filter((l) => l.mode !== 'sea');

describe('leg geometries', () => {
  it('has sea legs to check', () => {
    expect(seaLegs.length).toBeGreaterThanOrEqual(8);
    expect(landLegs.length).toBeGreaterThanOrEqual(10);
  });

  it.each(seaLegs.map((l) => [l.id, l] as const))('sea leg %s stays on water', (_id, leg) => {
    const cs = leg.geometry.coordinates;
    const ends = [cs[0], cs[cs.length - 1]];
    for (const e of ends) {
      // an end is either on navigable water or a port on the shore
      expect(onNavigableWater(e) || shoreKm(e) <= PORT_END_KM, `${leg.id} end ${e} is ${shoreKm(e).toFixed(1)} km from the shore`).toBe(true);
    }
    for (const v of cs.slice(1, -1)) expect(onNavigableWater(v), `${leg.id} vertex ${v}`).toBe(true);
    const off = samplesOutside(cs, onNavigableWater, { stepKm: SAMPLE_KM, endToleranceKm: PORT_END_KM });
    expect(off.map((s) => `${s.km.toFixed(0)} km at ${s.position.map((x) => x.toFixed(3)).join(',')}`)).toEqual([]);
  });

  it.each(landLegs.map((l) => [l.id, l] as const))('%s stays on land', (_id, leg) => {
    const wet = samplesOutside(leg.geometry.coordinates, (p) => !isOnWater(p, caspian), { stepKm: SAMPLE_KM });
    expect(wet.map((s) => `${s.km.toFixed(0)} km at ${s.position.join(',')}`)).toEqual([]);
  });

  it('starts and ends every leg within 30 km of its from/to coordinates', () => {
    const pos = positions();
    const far: string[] = [];
    for (const l of network.legs) {
      const cs = l.geometry.coordinates;
      const a = pos.get(l.from);
      const b = pos.get(l.to);
      if (!a || !b) throw new Error(`unknown endpoint on ${l.id}`);
      const d0 = distance(point(cs[0]), point([a.lng, a.lat]), { units: 'kilometers' });
      const d1 = distance(point(cs[cs.length - 1]), point([b.lng, b.lat]), { units: 'kilometers' });
      if (d0 > END_MATCH_KM) far.push(`${l.id} start ${d0.toFixed(0)} km`);
      if (d1 > END_MATCH_KM) far.push(`${l.id} end ${d1.toFixed(0)} km`);
    }
    expect(far).toEqual([]);
  });

  it('states distances within 0.8–1.6 × the geometry length', () => {
    const off: string[] = [];
    for (const l of network.legs) {
      if (l.distanceKm === undefined) continue;
      const r = l.distanceKm / legLengthKm(l.geometry);
      if (r < 0.8 || r > 1.6) off.push(`${l.id}: stated ${l.distanceKm} km, geometry ratio ${r.toFixed(2)}`);
    }
    expect(off).toEqual([]);
  });

  it('puts the plant and western markets on land and the sea lanes out of the Volga delta marshes', () => {
    for (const p of network.plants) expect(isOnWater([p.lng, p.lat], caspian)).toBe(false);
    for (const m of network.markets.filter((x) => x.domestic)) expect(isOnWater([m.lng, m.lat], caspian), m.id).toBe(false);
  });

  it('has a bounding box that contains every plant, market, node and leg vertex', () => {
    const [w, s, e, n] = networkBbox(network);
    const inside = (lng: number, lat: number): boolean => lng >= w && lng <= e && lat >= s && lat <= n;
    for (const x of [...network.plants, ...network.markets, ...network.nodes]) expect(inside(x.lng, x.lat), x.id).toBe(true);
    for (const l of network.legs) for (const c of l.geometry.coordinates) expect(inside(c[0], c[1]), l.id).toBe(true);
    // and it is tight: the Baiganin-centred network spans the Caspian to Almaty and Samara
    expect(w).toBeGreaterThan(46);
    expect(e).toBeLessThan(78);
    expect(s).toBeGreaterThan(36);
    expect(n).toBeLessThan(54);
  });
});

describe('data/geo/caspian.geojson', () => {
  it('is a detailed polygon of the Caspian Sea', () => {
    expect(caspian.geometry.type).toBe('Polygon');
    expect(caspian.geometry.coordinates[0].length).toBeGreaterThanOrEqual(60);
    expect(String(caspian.properties?.source)).toMatch(/Natural Earth/);
  });

  it('contains the open sea and excludes the shore cities and islands', () => {
    // open water: middle Caspian, south Caspian, north Caspian
    for (const p of [[50.5, 42.5], [51.0, 38.5], [49.5, 45.2]]) expect(isOnWater(p, caspian), String(p)).toBe(true);
    // land: Baku city, Aktau city centre, Atyrau, Astrakhan, Tehran, Absheron peninsula tip
    for (const p of [[49.87, 40.41], [51.17, 43.65], [51.88, 47.12], [48.04, 46.35], [51.39, 35.69], [50.1, 40.45]]) {
      expect(isOnWater(p, caspian), String(p)).toBe(false);
    }
    // an island hole (Ogurja Ada, off Turkmenistan) is not water
    expect(isOnWater([53.07, 38.9], caspian)).toBe(false);
  });
});
