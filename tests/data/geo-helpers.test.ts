import { describe, expect, it } from 'vitest';
import type { Network } from '../../server/core/schema.ts';
import { COMPUTED_DISTANCE_SOURCE, legLengthKm, networkBbox, resolveDistances, samplesOutside, segmentStaysInPolygon, isOnWater } from '../../server/geo/index.ts';
import { network } from './helpers.ts';

describe('server/geo helpers', () => {
  it('measures one degree of latitude as ~111 km', () => {
    expect(legLengthKm({ type: 'LineString', coordinates: [[50, 40], [50, 41]] })).toBeCloseTo(111.2, 0);
  });

  it('resolves missing distances from geometry without touching the input', () => {
    const before = JSON.stringify(network);
    const r = resolveDistances(network);
    expect(JSON.stringify(network)).toBe(before);
    for (const [i, l] of r.legs.entries()) {
      const orig = network.legs[i];
      if (orig.distanceKm !== undefined) expect(l.distanceKm).toBe(orig.distanceKm);
      else {
        expect(l.distanceKm).toBeCloseTo(legLengthKm(l.geometry), 0);
        expect(l.sources.distanceKm).toBe(COMPUTED_DISTANCE_SOURCE);
      }
    }
  });

  it('pads a bounding box and rejects an empty network', () => {
    const [w, s, e, n] = networkBbox(network);
    expect(networkBbox(network, 1)).toEqual([w - 1, s - 1, e + 1, n + 1]);
    const empty = { plants: [], markets: [], nodes: [], legs: [] } as unknown as Network;
    expect(() => networkBbox(empty)).toThrow();
  });

  it('finds a line that leaves a square, and ignores the ends within the tolerance', () => {
    const square = { type: 'Polygon' as const, coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]] };
    expect(segmentStaysInPolygon([[0.1, 0.5], [0.9, 0.5]], square)).toBe(true);
    // both vertices inside, but the straight segment between them crosses a notch? use a line that exits
    expect(segmentStaysInPolygon([[0.5, 0.5], [1.5, 0.5], [0.5, 0.6]], square)).toBe(false);
    // end outside by ~11 km; tolerated with a 20 km end tolerance, not with 0
    expect(samplesOutside([[0.5, 0.5], [1.1, 0.5]], (p) => isOnWater(p, square), { endToleranceKm: 0 }).length).toBeGreaterThan(0);
    expect(samplesOutside([[0.5, 0.5], [1.1, 0.5]], (p) => isOnWater(p, square), { endToleranceKm: 20 })).toEqual([]);
  });

  it('catches a segment that cuts a corner between two inside vertices', () => {
    // an L-shaped area: the straight chord between the two arms leaves it
    const ell = { type: 'Polygon' as const, coordinates: [[[0, 0], [2, 0], [2, 0.5], [0.5, 0.5], [0.5, 2], [0, 2], [0, 0]]] };
    expect(isOnWater([1.8, 0.2], ell) && isOnWater([0.2, 1.8], ell)).toBe(true);
    expect(segmentStaysInPolygon([[1.8, 0.2], [0.2, 1.8]], ell, { stepKm: 5 })).toBe(false);
  });
});
