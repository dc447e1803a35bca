/** Small market-clearing networks whose equilibrium can be worked out on paper. */
import { Network as NetworkSchema, type Network, type NetworkInput } from '../../server/core/schema.ts';
import { line } from '../core/fixtures.ts';

export interface HandOptions {
  /** Our plant's capacity, t/yr. */
  ourCapacity?: number;
  /** The competitor's capacity, t/yr. */
  rivalCapacity?: number;
  /** The competitor's freight into market B, USD/t. */
  rivalFreightB?: number;
}

/**
 * Our plant (cash cost 20 USD/t) and one competitor "Rival" (cash cost 30 USD/t, no mark-up) sell
 * into three markets with two demand blocks each (all in USD):
 *   A (domestic): 60 t at up to 100, 60 t at up to 30;  our freight 5, Rival's 10
 *   B (domestic): 80 t at up to 90,  40 t at up to 40;  our freight 10, Rival's 2
 *   D (export):   50 t at up to 80,  50 t at up to 45;  our freight 30, Rival's 5
 */
export function handNetwork(o: HandOptions = {}): Network {
  const usd = (value: number) => ({ value, currency: 'USD' as const });
  const demand = (high: number, highValue: number, low: number, lowValue: number) => ({
    consumptionTonnesByYear: { '2027': high + low },
    blocks: [
      { share: high / (high + low), value: usd(highValue) },
      { share: low / (high + low), value: usd(lowValue) },
    ],
  });
  const market = (id: string, domestic: boolean, lng: number, d: ReturnType<typeof demand>) => ({
    id,
    name: `Market ${id.toUpperCase()}`,
    country: domestic ? 'KZ' : 'AZ',
    domestic,
    lng,
    lat: 45,
    tiers: [{ tonnesPerYear: 0, priceUsdPerTonne: 0 }],
    demand: d,
  });
  const leg = (to: string, lng: number, usdPerTonne: number) => ({
    id: `plant-${to}`,
    from: 'plant',
    to,
    mode: 'rail' as const,
    geometry: line([50, 48], [lng, 45]),
    distanceKm: 100,
    fixedUsdPerTonne: usdPerTonne,
    usdPerTonneKm: 0,
    co2KgPerTonneKm: 0,
  });
  const input: NetworkInput = {
    name: 'hand-worked equilibrium',
    version: 'test',
    plants: [{ id: 'plant', name: 'Our plant', country: 'KZ', lng: 50, lat: 48, capacityTonnesPerYearByPhase: [o.ourCapacity ?? 150], variableCostUsdPerTonne: 20 }],
    markets: [market('a', true, 49, demand(60, 100, 60, 30)), market('b', true, 51, demand(80, 90, 40, 40)), market('d', false, 53, demand(50, 80, 50, 45))],
    nodes: [],
    legs: [leg('a', 49, 5), leg('b', 51, 10), leg('d', 53, 30)],
    suppliers: [
      {
        id: 'rival',
        name: 'Rival',
        kind: 'plant',
        country: 'KZ',
        lng: 52,
        lat: 47,
        capacityTonnesPerYear: { '2020': o.rivalCapacity ?? 200 },
        cashCost: usd(30),
        routes: [
          { market: 'a', mode: 'rail', freight: usd(10) },
          { market: 'b', mode: 'rail', freight: usd(o.rivalFreightB ?? 2) },
          { market: 'd', mode: 'rail', freight: usd(5) },
        ],
      },
    ],
  };
  return NetworkSchema.parse(input);
}
