/** Random but valid market-clearing networks for property tests, deterministic by seed. */
import { mulberry32 } from '../../server/solver/generate.ts';
import { Network as NetworkSchema, type Network, type NetworkInput } from '../../server/core/schema.ts';
import { randomNetwork } from '../core/generate-network.ts';

export interface ClearingNetworkOptions {
  /** Number of competitors (default 1–3 by seed). */
  readonly competitors?: number;
  /** Give every market whole-market demand blocks (default true); false keeps its tiers as blocks. */
  readonly wholeMarkets?: boolean;
}

/**
 * A random price-taker network (tests/core/generate-network.ts) with competitors selling into random
 * markets and whole-market demand in falling blocks. Competitors price in RUB or USD, blocks in KZT,
 * RUB or USD, so exchange rates matter.
 */
export function randomClearingNetwork(seed: number, o: ClearingNetworkOptions = {}): Network {
  const base = randomNetwork(seed);
  const rnd = mulberry32((seed * 2654435761) >>> 0);
  const between = (a: number, b: number) => a + (b - a) * rnd();
  const fxPerUsd = { KZT: { '2027': 500 }, RUB: { '2027': 90 } } as const;
  const money = (usd: number, currency: 'USD' | 'KZT' | 'RUB') => ({ value: usd * (currency === 'USD' ? 1 : fxPerUsd[currency]['2027']), currency });
  const currencies = ['USD', 'KZT', 'RUB'] as const;
  const markets = base.markets.map((m) => {
    if (o.wholeMarkets === false) return m;
    const currency = currencies[Math.floor(rnd() * 3)];
    const top = between(60, 110);
    const shares = [between(0.3, 0.6), between(0.2, 0.4)];
    return {
      ...m,
      demand: {
        consumptionTonnesByYear: { '2027': Math.round(between(50, 300)) },
        blocks: [
          { share: shares[0], value: money(top, currency) },
          { share: shares[1], value: money(top - between(10, 30), currency) },
          { share: 1 - shares[0] - shares[1], value: money(top - between(35, 55), currency) },
        ],
      },
    };
  });
  const n = o.competitors ?? 1 + Math.floor(rnd() * 3);
  const suppliers = Array.from({ length: n }, (_, i) => {
    const currency = rnd() < 0.5 ? 'RUB' : 'USD';
    const served = markets.filter(() => rnd() < 0.6);
    const routes = (served.length ? served : [markets[0]]).map((m) => ({
      market: m.id,
      mode: 'rail' as const,
      freight: money(between(2, 30), currency),
      capacityTonnesPerYear: rnd() < 0.2 ? Math.round(between(20, 100)) : undefined,
    }));
    return {
      id: `c${i}`,
      name: `Competitor ${i}`,
      kind: 'plant' as const,
      country: rnd() < 0.5 ? 'KZ' : 'RU',
      lng: 52 + i,
      lat: 46,
      capacityTonnesPerYear: { '2020': Math.round(between(50, 300)) },
      cashCost: money(between(15, 45), currency),
      markupPct: rnd() < 0.5 ? between(0, 30) : 0,
      routes,
    };
  });
  return NetworkSchema.parse({ ...base, markets, suppliers, fxPerUsd });
}

/**
 * The generated network of the clearing benchmark (`bench/clearing.ts`): `markets` markets served by
 * 2 plants through 6 ports, with one competitor per 20 markets (at least 4), each reaching about
 * 30 % of the markets by rail and sharing one capacity across them. Deterministic by market count.
 */
export function benchClearingNetwork(markets: number): Network {
  const suppliers = Math.max(4, Math.round(markets / 20));
  const rnd = mulberry32(markets);
  const between = (a: number, b: number) => a + (b - a) * rnd();
  const line = { type: 'LineString' as const, coordinates: [[50, 45], [51, 44]] as [number, number][] };
  const usd = (value: number) => ({ value, currency: 'USD' as const });
  const input: NetworkInput = {
    name: `generated ${markets}`,
    version: 'bench',
    plants: [0, 1].map((i) => ({ id: `p${i}`, name: `Plant ${i}`, country: 'KZ', lng: 55, lat: 48, capacityTonnesPerYearByPhase: [markets * 40], variableCostUsdPerTonne: between(15, 30) })),
    nodes: Array.from({ length: 6 }, (_, i) => ({ id: `n${i}`, name: `Port ${i}`, kind: 'port' as const, country: 'KZ', lng: 51, lat: 44, handlingUsdPerTonne: between(2, 8), throughputTonnesPerYear: markets * 15 })),
    markets: Array.from({ length: markets }, (_, i) => ({
      id: `m${i}`, name: `Market ${i}`, country: i % 2 ? 'RU' : 'KZ', domestic: i % 2 === 0, lng: 50, lat: 42,
      tiers: [{ tonnesPerYear: between(20, 80), priceUsdPerTonne: between(50, 80) }, { tonnesPerYear: between(20, 80), priceUsdPerTonne: between(35, 50) }],
      demand: { consumptionTonnesByYear: { '2027': between(80, 200) }, blocks: [{ share: 0.5, value: usd(between(70, 100)) }, { share: 0.3, value: usd(between(45, 65)) }, { share: 0.2, value: usd(between(30, 44)) }] },
    })),
    legs: [],
    suppliers: Array.from({ length: suppliers }, (_, s) => ({
      id: `c${s}`, name: `Competitor ${s}`, kind: 'plant' as const, country: 'RU', lng: 50, lat: 46,
      capacityTonnesPerYear: { '2020': (markets * 60) / suppliers },
      cashCost: usd(between(20, 40)), markupPct: between(0, 20),
      routes: Array.from({ length: markets }, (_, i) => i).filter(() => rnd() < 0.3).map((i) => ({ market: `m${i}`, mode: 'rail' as const, freight: usd(between(3, 30)) })),
    })).filter((s) => s.routes.length > 0),
  };
  for (const p of ['p0', 'p1']) for (let n = 0; n < 6; n++) input.legs.push({ id: `${p}-n${n}`, from: p, to: `n${n}`, mode: 'rail', geometry: line, distanceKm: between(200, 1200), usdPerTonneKm: 0.025, co2KgPerTonneKm: 0.02 });
  for (let i = 0; i < markets; i++) {
    for (let n = 0; n < 6; n++) if (rnd() < 0.4 || n === i % 6) input.legs.push({ id: `n${n}-m${i}`, from: `n${n}`, to: `m${i}`, mode: 'sea', geometry: line, distanceKm: between(200, 900), fixedUsdPerTonne: 10, usdPerTonneKm: 0.025, co2KgPerTonneKm: 0.015 });
    if (rnd() < 0.5) input.legs.push({ id: `p0-m${i}`, from: 'p0', to: `m${i}`, mode: 'rail', geometry: line, distanceKm: between(100, 2000), usdPerTonneKm: 0.025, co2KgPerTonneKm: 0.02 });
  }
  return NetworkSchema.parse(input);
}
