/**
 * Deterministic generator of networks (plants, transit hubs, markets, legs) of a chosen model size,
 * for the model-build and plan read-out benchmark and tests. Browser-safe, no dependencies.
 *
 * Shape: P plants, H hubs, M markets. Every plant has a rail leg to every hub; every market is
 * served by sea from two hubs and by road straight from one plant. A market's cement may use
 * 2P + 3 legs, so an annual model has about M·(2P + 3 + tiers) + P variables; above ~20,000
 * variables the generator picks a monthly horizon (12 periods).
 */
import type { Network } from '../core/schema.ts';
import { mulberry32 } from './generate.ts';

export interface GeneratedNetwork {
  readonly network: Network;
  /** 'annual' or 'monthly', as suits the size. */
  readonly horizon: 'annual' | 'monthly';
}

export interface GenerateNetworkOptions {
  /** Plants (default 3 up to ~5,000 variables, 10 above); more plants = more variables per byte of network. */
  readonly plants?: number;
}

export function generateNetwork(sizeHint: number, seed = 1, options: GenerateNetworkOptions = {}): GeneratedNetwork {
  const rnd = mulberry32(seed * 2654435761 + 99);
  const u = (lo: number, hi: number) => lo + (hi - lo) * rnd();
  const horizon = sizeHint > 20_000 ? 'monthly' : 'annual';
  const periods = horizon === 'monthly' ? 12 : 1;
  const P = Math.max(1, Math.min(50, options.plants ?? (sizeHint > 5_000 ? 10 : 3)));
  const tiers = 2;
  const M = Math.max(2, Math.min(2000, Math.round(sizeHint / periods / (2 * P + 3 + tiers))));
  const H = Math.max(2, Math.min(2000, Math.ceil(M / 20)));
  const pos = (): [number, number] => [u(46, 60), u(38, 52)];
  const line = (a: [number, number], b: [number, number]) => ({ type: 'LineString' as const, coordinates: [a, b] });
  const plants = Array.from({ length: P }, (_, p) => {
    const [lng, lat] = pos();
    return {
      id: `p${p}`, name: `Plant ${p}`, country: 'KZ', lng, lat,
      capacityTonnesPerYearByPhase: [u(0.5e6, 2e6)], variableCostUsdPerTonne: u(20, 35), fixedCostUsdPerYear: 0,
      holdingCostUsdPerTonnePerMonth: 0.5, stockCapacityTonnes: 20_000, sources: {},
    };
  });
  const nodes = Array.from({ length: H }, (_, h) => {
    const [lng, lat] = pos();
    return { id: `h${h}`, name: `Hub ${h}`, kind: 'port' as const, country: 'KZ', lng, lat, throughputTonnesPerYear: u(0.2e6, 1e6), handlingUsdPerTonne: u(2, 6), closedMonths: [], sources: {} };
  });
  const markets = Array.from({ length: M }, (_, m) => {
    const [lng, lat] = pos();
    const price = u(50, 95);
    return {
      id: `m${m}`, name: `Market ${m}`, country: m % 2 === 0 ? 'KZ' : 'RU', domestic: m % 2 === 0, lng, lat,
      tiers: Array.from({ length: tiers }, (_, k) => ({ tonnesPerYear: u(5_000, 60_000), priceUsdPerTonne: price - 4 * k })),
      dutyPct: m % 2 === 0 ? 0 : 5, dutyUsdPerTonne: 0, minTonnesPerYear: 0, openFromPhase: 1, growthPctPerYear: 0, competitorsOnly: false, sources: {},
    };
  });
  const leg = (id: string, from: { id: string; lng: number; lat: number }, to: { id: string; lng: number; lat: number }, mode: 'rail' | 'road' | 'sea', capacity?: number) => ({
    id, from: from.id, to: to.id, mode, geometry: line([from.lng, from.lat], [to.lng, to.lat]), distanceKm: u(100, 1500),
    fixedUsdPerTonne: u(1, 4), usdPerTonneKm: u(0.01, 0.04), capacityTonnesPerYear: capacity, closedMonths: [], co2KgPerTonneKm: u(0.01, 0.06), sources: {},
  });
  const legs = [];
  for (const p of plants) for (const h of nodes) legs.push(leg(`${p.id}-${h.id}`, p, h, 'rail', u(0.1e6, 0.5e6)));
  markets.forEach((m, i) => {
    legs.push(leg(`h${i % H}-${m.id}`, nodes[i % H], m, 'sea'));
    legs.push(leg(`h${(i + 1) % H}-${m.id}`, nodes[(i + 1) % H], m, 'sea'));
    legs.push(leg(`p${i % P}-${m.id}`, plants[i % P], m, 'road', u(5_000, 30_000)));
  });
  const network = { name: `generated ${sizeHint}`, version: '1', currency: 'USD' as const, fxKztPerUsd: 510, plants, markets, nodes, legs, fxPerUsd: {}, suppliers: [], borderFrictions: [], sources: {} };
  return { network: network as Network, horizon };
}
