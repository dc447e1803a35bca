/**
 * The calibration problem for the shipped data: which parameters move, within which bounds, and
 * which observed figures of data/market-history.json the loss weighs, with what weight.
 * Browser-safe, pure.
 */
import type { MarketCalibration } from '../core/calibration.ts';
import type { MarketHistory } from '../core/history-schema.ts';
import type { SolveFn } from '../core/pipeline.ts';
import { inForce } from '../core/market-schema.ts';
import type { Network } from '../core/schema.ts';
import { calibrate, calibrationRecord, type CalibrationProblem, type ParameterSpec, type SearchOptions, type Target } from './calibrate.ts';
import { historyFigures, modelledFigure, type Figure, type HistoryYear } from './figures.ts';

/** Regions whose demand-block values move together (one multiplier each). */
export const DEMAND_REGIONS: Readonly<Record<string, readonly string[]>> = {
  west: ['aktobe', 'atyrau', 'uralsk', 'aktau'],
  'north-centre': ['kostanay', 'astana', 'karaganda'],
  south: ['kyzylorda', 'turkestan', 'shymkent', 'almaty'],
  /** Southern Siberia and the southern Urals: the Russian markets northern Kazakh plants export to. */
  'siberia-urals': ['omsk', 'novosibirsk', 'chelyabinsk'],
};
export const DEMAND_VALUE_BOUNDS = { lower: 0.8, upper: 1.2 } as const;
export const RAIL_FREIGHT_BOUNDS = { lower: 0.8, upper: 1.25 } as const;

/** Weights of the loss (squared relative errors). Published figures count four times an estimate. */
export const WEIGHTS = {
  publishedPlant: 4,
  estimatedPlant: 1,
  publishedTotal: 4,
  estimatedPartner: 1,
  westNetImports: 2,
  price: 1,
} as const;
/** Tonnes below which errors are measured against this floor instead (a 20 kt flow does not dominate). */
export const TONNES_SCALE = 100_000;
export const PRIOR_WEIGHT = 0.05;

export const METHOD = [
  'Bounded least squares over re-solves of the 2024 market-clearing LP (our plant at zero capacity).',
  `Loss = Σ weight × ((modelled − observed) / max(observed, ${TONNES_SCALE.toLocaleString('en-US')} t or the price))² + ${PRIOR_WEIGHT} × Σ ((value − prior) / (upper − lower))².`,
  `Weights: production of a plant ${WEIGHTS.publishedPlant} when published, ${WEIGHTS.estimatedPlant} when estimated; Kazakhstan's total imports and total exports ${WEIGHTS.publishedTotal} each (published); imports per origin and exports per destination ${WEIGHTS.estimatedPartner} (estimates); western net imports ${WEIGHTS.westNetImports}; each regional price ${WEIGHTS.price} (estimates).`,
  'Exports are fitted like imports: the markets Kazakh plants export to (southern Siberia and the Urals, Kyrgyzstan, northern Tajikistan, Uzbekistan) are whole markets with their competitors, and the Uzbek duty of August 2025 applies from its month (none in 2024).',
  `Parameters: each competitor cash cost within its low–high range (suppliers that reach a Kazakh market or are Kazakh, with capacity in the year), one demand-value multiplier per region (${Object.keys(DEMAND_REGIONS).join(', ')}) within 0.8–1.2, one rail freight factor per railway (KTZ for Kazakh suppliers' rail routes and our KTZ legs, RZD for Russian suppliers' and our RZD legs) within 0.8–1.25, and each border friction (a cost per tonne crossing from one country into another, on competitors' routes and our deliveries alike) within its low–high range.`,
  'Search: bounded compass search in coordinates scaled to [0, 1] per parameter: from the priors, try ± step on each parameter in turn and keep a trial that lowers the loss; halve the step after a sweep without gain, from 1/4 of the range down to 1/64; at most 400 solves. Deterministic: the same data give the same file.',
].join(' ');

/** The uncertain parameters of the shipped market for a year. */
export function defaultParameters(network: Network, year: number): ParameterSpec[] {
  const domestic = new Set(network.markets.filter((m) => m.domestic).map((m) => m.id));
  const params: ParameterSpec[] = [];
  for (const s of network.suppliers) {
    const { low, high, value, currency } = s.cashCost;
    if (low === undefined || high === undefined || high <= low) continue;
    if (inForce(s.capacityTonnesPerYear, year) <= 0) continue;
    if (s.country !== 'KZ' && !s.routes.some((r) => domestic.has(r.market))) continue;
    params.push({
      id: `cash-cost:${s.id}`,
      kind: 'cash-cost',
      targets: [s.id],
      unit: `${currency}/t`,
      prior: value,
      lower: low,
      upper: high,
      source: `data/market.json ${s.id}.cashCost: ${value} ${currency}/t, range ${low}-${high}`,
    });
  }
  for (const [region, markets] of Object.entries(DEMAND_REGIONS)) {
    const present = markets.filter((id) => network.markets.some((m) => m.id === id && m.demand));
    if (present.length === 0) continue;
    params.push({
      id: `demand-value:${region}`,
      kind: 'demand-value',
      targets: present,
      unit: 'factor',
      prior: 1,
      ...DEMAND_VALUE_BOUNDS,
      source: `multiplies the demand-block values of ${present.join(', ')} (data/market.json blocks at 1.8/1.1/1.0/0.8 × the 2025 price P, whose stated ranges are about ±12 %; ±20 % allows for 2024 being valued at the 2024 exchange rate)`,
    });
  }
  for (const f of network.borderFrictions) {
    const { low, high, value, currency } = f.cost;
    if (low === undefined || high === undefined || high <= low) continue;
    params.push({
      id: `border-friction:${f.id}`,
      kind: 'border-friction',
      targets: [f.id],
      unit: `${currency}/t`,
      prior: value,
      lower: low,
      upper: high,
      source: `data/market.json borderFrictions ${f.id} (${f.fromCountry}→${f.toCountry}): ${value} ${currency}/t, range ${low}-${high}`,
    });
  }
  for (const railway of ['KTZ', 'RZD'] as const) {
    params.push({
      id: `rail-freight:${railway}`,
      kind: 'rail-freight',
      targets: [railway],
      unit: 'factor',
      prior: 1,
      ...RAIL_FREIGHT_BOUNDS,
      source: `multiplies ${railway} rail freight: ${railway === 'KTZ' ? 'Kazakh' : 'Russian'} suppliers' rail routes and our ${railway} legs (tariff estimates in data/market.json and network.json)`,
    });
  }
  return params;
}

/** Weight of a figure in the calibration loss; 0 = reported but not fitted. */
export function weightOf(f: Figure): number {
  switch (f.kind) {
    case 'plant-production':
      return f.observedIsEstimate ? WEIGHTS.estimatedPlant : WEIGHTS.publishedPlant;
    case 'imports':
      return f.id === 'total' ? WEIGHTS.publishedTotal : WEIGHTS.estimatedPartner;
    case 'exports':
      return f.id === 'total' ? WEIGHTS.publishedTotal : WEIGHTS.estimatedPartner;
    case 'west-net-imports':
      return WEIGHTS.westNetImports;
    case 'price':
      return WEIGHTS.price;
  }
}

/** The calibration problem of a year of the shipped history. */
export function kazakhCalibrationProblem(network: Network, history: MarketHistory, year: HistoryYear): CalibrationProblem {
  const targets: Target[] = historyFigures(history, network, year)
    .filter((f) => weightOf(f) > 0)
    .map((f) => ({
      key: `${f.kind}:${f.id}`,
      observed: f.observed,
      weight: weightOf(f),
      scale: f.unit === 't/yr' ? TONNES_SCALE : 0,
      // The parameters change costs and values, not the network's ids, countries or positions: the
      // figure can be read against the uncalibrated network.
      modelled: (outcome) => modelledFigure(f, outcome, network, history),
    }));
  return { network, year, parameters: defaultParameters(network, year), targets, priorWeight: PRIOR_WEIGHT };
}

/** Solves at most this many times: ~7 s with HiGHS in-process on the shipped data. */
export const MAX_SOLVES = 400;

/** Fit the shipped market to 2024 and return the record data/calibration-2024.json holds. */
export async function calibrateKazakhMarket(network: Network, history: MarketHistory, solve: SolveFn, options: SearchOptions = {}): Promise<MarketCalibration> {
  const { calibration: _ignored, ...base } = network;
  const year = 2024;
  const fit = await calibrate(kazakhCalibrationProblem(base, history, year), solve, { maxSolves: MAX_SOLVES, ...options });
  return calibrationRecord(fit, `Kazakh cement market fitted to ${year}`, year, METHOD, {
    observations: 'data/market-history.json (2024): production per plant (Steppe published, the rest estimates), imports by origin and in total, exports by destination and in total, oblast consumption, regional prices',
    priors: 'data/market.json: cash costs with their low–high ranges, demand blocks, route freight, border frictions with their low–high ranges',
  });
}
