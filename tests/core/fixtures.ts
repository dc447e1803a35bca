/** Small hand-made networks whose optimum can be worked out on paper. */
import { Network as NetworkSchema, Scenario as ScenarioSchema, type Network, type NetworkInput, type Scenario, type ScenarioInput } from '../../server/core/schema.ts';

export function line(from: [number, number], to: [number, number]) {
  return { type: 'LineString' as const, coordinates: [from, to] };
}

interface TinyOptions {
  capacity?: number;
  domesticPrice?: number;
  domesticTonnes?: number;
  domesticLegUsd?: number;
  exportPrice?: number;
  exportTonnes?: number;
  exportLegUsd?: number;
  domesticMin?: number;
  /** Export market's ad-valorem duty, % of the delivered price. */
  exportDutyPct?: number;
  /** Export market's specific duty, USD/t. */
  exportDutyUsdPerTonne?: number;
}

/** One plant (variable cost 10 USD/t), one domestic market, one export market through a port. */
export function tinyNetwork(o: TinyOptions = {}): Network {
  const input: NetworkInput = {
    name: 'tiny',
    version: 'test',
    plants: [
      { id: 'plant', name: 'Plant', country: 'KZ', lng: 55, lat: 48, capacityTonnesPerYearByPhase: [o.capacity ?? 100, 2 * (o.capacity ?? 100)], variableCostUsdPerTonne: 10 },
    ],
    markets: [
      { id: 'dom', name: 'Domestic town', country: 'KZ', domestic: true, lng: 57, lat: 50, tiers: [{ tonnesPerYear: o.domesticTonnes ?? 80, priceUsdPerTonne: o.domesticPrice ?? 60 }], minTonnesPerYear: o.domesticMin ?? 0 },
      { id: 'exp', name: 'Export city', country: 'AZ', domestic: false, lng: 49.5, lat: 40.2, tiers: [{ tonnesPerYear: o.exportTonnes ?? 100, priceUsdPerTonne: o.exportPrice ?? 50 }], dutyPct: o.exportDutyPct ?? 0, dutyUsdPerTonne: o.exportDutyUsdPerTonne ?? 0 },
    ],
    nodes: [{ id: 'port', name: 'Port', kind: 'port', country: 'KZ', lng: 51.2, lat: 43.6 }],
    legs: [
      { id: 'plant-dom', from: 'plant', to: 'dom', mode: 'rail', geometry: line([55, 48], [57, 50]), distanceKm: 100, fixedUsdPerTonne: o.domesticLegUsd ?? 5, usdPerTonneKm: 0, co2KgPerTonneKm: 0.02 },
      { id: 'plant-port', from: 'plant', to: 'port', mode: 'rail', geometry: line([55, 48], [51.2, 43.6]), distanceKm: 200, fixedUsdPerTonne: (o.exportLegUsd ?? 10) / 2, usdPerTonneKm: 0, co2KgPerTonneKm: 0.02 },
      { id: 'port-exp', from: 'port', to: 'exp', mode: 'sea', geometry: line([51.2, 43.6], [49.5, 40.2]), distanceKm: 400, fixedUsdPerTonne: (o.exportLegUsd ?? 10) / 2, usdPerTonneKm: 0, co2KgPerTonneKm: 0.015 },
    ],
  };
  return NetworkSchema.parse(input);
}

export function scenario(input: Partial<ScenarioInput> = {}): Scenario {
  return ScenarioSchema.parse({ name: 'test', ...input });
}
