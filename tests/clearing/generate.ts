/** Random but valid market-clearing networks for property tests, deterministic by seed. */
import { mulberry32 } from '../../server/solver/generate.ts';
import { Network as NetworkSchema, type Network } from '../../server/core/schema.ts';
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
