/** Random but valid networks for property tests, deterministic by seed. */
import { mulberry32 } from '../../server/solver/generate.ts';
import { Network as NetworkSchema, type Network, type NetworkInput } from '../../server/core/schema.ts';
import { line } from './fixtures.ts';

export function randomNetwork(seed: number): Network {
  const rnd = mulberry32(seed);
  const between = (a: number, b: number) => a + (b - a) * rnd();
  const plants = Array.from({ length: 1 + Math.floor(rnd() * 2) }, (_, i) => ({
    id: `p${i}`, name: `Plant ${i}`, country: 'KZ', lng: 55 + i, lat: 48,
    capacityTonnesPerYearByPhase: [Math.round(between(50, 200)), Math.round(between(200, 400))],
    variableCostUsdPerTonne: between(5, 30),
  }));
  const nodes = Array.from({ length: 1 + Math.floor(rnd() * 3) }, (_, i) => ({
    id: `n${i}`, name: `Port ${i}`, kind: 'port' as const, country: 'KZ', lng: 51 + i * 0.2, lat: 43.5,
    throughputTonnesPerYear: rnd() < 0.5 ? Math.round(between(20, 150)) : undefined,
    handlingUsdPerTonne: between(0, 10),
  }));
  // Specific duties come from a stream of their own, so the rest of a seed's network is unchanged.
  const rndDuty = mulberry32((seed ^ 0x5bd1e995) >>> 0);
  const nMarkets = 2 + Math.floor(rnd() * 5);
  const markets = Array.from({ length: nMarkets }, (_, i) => ({
    id: `m${i}`, name: `Market ${i}`, country: i % 2 === 0 ? 'KZ' : 'AZ', domestic: i % 2 === 0, lng: 50 + i * 0.3, lat: 41,
    tiers: Array.from({ length: 1 + Math.floor(rnd() * 2) }, (_, k) => ({ tonnesPerYear: Math.round(between(10, 120)), priceUsdPerTonne: between(40, 90) - 10 * k })),
    dutyPct: rnd() < 0.3 ? between(0, 30) : 0,
    dutyUsdPerTonne: i % 2 === 1 && rndDuty() < 0.3 ? 20 * rndDuty() : 0,
  }));
  const legs: NetworkInput['legs'] = [];
  const add = (from: string, to: string, mode: 'rail' | 'road' | 'sea') =>
    legs.push({ id: `${from}-${to}`, from, to, mode, geometry: line([55, 48], [50, 42]), distanceKm: between(50, 1500), fixedUsdPerTonne: between(0, 5), usdPerTonneKm: between(0.005, 0.04), co2KgPerTonneKm: between(0.01, 0.06), capacityTonnesPerYear: rnd() < 0.3 ? Math.round(between(20, 120)) : undefined });
  for (const [i, p] of plants.entries()) for (const n of nodes) if (i === 0 || rnd() < 0.8) add(p.id, n.id, 'rail');
  for (const m of markets) {
    let reached = false;
    for (const n of nodes) if (rnd() < 0.6) { add(n.id, m.id, 'sea'); reached = true; }
    for (const p of plants) if (!reached || rnd() < 0.4) { add(p.id, m.id, 'rail'); reached = true; }
  }
  return NetworkSchema.parse({ name: `random ${seed}`, version: 'test', plants, nodes, markets, legs });
}
