import type { Network } from '../core/schema.ts';

/** [west, south, east, north] in degrees. */
export type Bbox = [number, number, number, number];

/**
 * Bounding box of everything drawn on the map: plants, markets, transit nodes and every leg vertex.
 * `padDeg` widens it on all sides (for a map view with a margin).
 */
export function networkBbox(network: Pick<Network, 'plants' | 'markets' | 'nodes' | 'legs'>, padDeg = 0): Bbox {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  const add = (lng: number, lat: number): void => {
    if (lng < w) w = lng;
    if (lng > e) e = lng;
    if (lat < s) s = lat;
    if (lat > n) n = lat;
  };
  for (const p of network.plants) add(p.lng, p.lat);
  for (const m of network.markets) add(m.lng, m.lat);
  for (const x of network.nodes) add(x.lng, x.lat);
  for (const l of network.legs) for (const c of l.geometry.coordinates) add(c[0], c[1]);
  if (w === Infinity) throw new Error('networkBbox: the network has no located entity');
  return [Math.max(-180, w - padDeg), Math.max(-90, s - padDeg), Math.min(180, e + padDeg), Math.min(90, n + padDeg)];
}
