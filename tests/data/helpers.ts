import { readFileSync } from 'node:fs';
import type { Feature, LineString, Polygon } from 'geojson';
import { Network } from '../../server/core/schema.ts';

const url = (p: string): URL => new URL(`../../${p}`, import.meta.url);
export const readJson = (p: string): unknown => JSON.parse(readFileSync(url(p), 'utf8'));

/** data/network.json exactly as written (no defaults filled). */
export const rawNetwork = readJson('data/network.json') as Record<string, unknown> & {
  plants: Record<string, unknown>[];
  markets: Record<string, unknown>[];
  nodes: Record<string, unknown>[];
  legs: Record<string, unknown>[];
};
/** data/network.json parsed with the schema (defaults filled, distances not resolved). */
export const network = Network.parse(rawNetwork);
export const caspian = readJson('data/geo/caspian.geojson') as Feature<Polygon>;
export const canal = readJson('data/geo/volga-caspian-canal.geojson') as Feature<LineString>;

/** Positions of everything a leg may start or end at. */
export function positions(): Map<string, { lng: number; lat: number; kind: 'plant' | 'market' | 'node' }> {
  const m = new Map<string, { lng: number; lat: number; kind: 'plant' | 'market' | 'node' }>();
  for (const p of network.plants) m.set(p.id, { lng: p.lng, lat: p.lat, kind: 'plant' });
  for (const x of network.markets) m.set(x.id, { lng: x.lng, lat: x.lat, kind: 'market' });
  for (const x of network.nodes) m.set(x.id, { lng: x.lng, lat: x.lat, kind: 'node' });
  return m;
}

/** True when a value is a number or holds one anywhere inside (arrays, objects). */
export function containsNumber(v: unknown): boolean {
  if (typeof v === 'number') return true;
  if (Array.isArray(v)) return v.some(containsNumber);
  if (v !== null && typeof v === 'object') return Object.values(v).some(containsNumber);
  return false;
}
