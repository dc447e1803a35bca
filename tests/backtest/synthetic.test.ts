/**
 * Synthetic recovery: a small market generates its "observations" from known parameters (three
 * competitor cash costs, a demand-value multiplier, a KTZ rail freight factor); the calibration,
 * started from priors away from the truth, recovers every parameter within 1 % of its range.
 *
 * The market is built so that each parameter is seen (all in USD, no mark-ups):
 *   supplier i (i = 1..3, capacity 1,000 t) has a home market Hi (road, freight 0; 100 t at 200 USD)
 *   where it is alone with spare capacity, so the price of Hi is its cash cost c_i;
 *   market X (100 t at 200 USD) is reached by S1 by rail (freight 10 × the KTZ factor) and by S2 by
 *   road (freight 30): S1 is cheaper, so the price of X is c1 + 10 × factor;
 *   market D (100 t at 150 USD × the demand-value multiplier) is reached only by S3, over a route of
 *   40 t: supply is short, so its price is the block's value.
 */
import { describe, expect, it } from 'vitest';
import { calibrate, type ParameterSpec, type Target } from '../../server/backtest/calibrate.ts';
import { solveMarketYear, type MarketYearOutcome } from '../../server/backtest/market-year.ts';
import { applyCalibration } from '../../server/core/calibration.ts';
import { Network as NetworkSchema, type Network, type NetworkInput } from '../../server/core/schema.ts';
import { solveModelInProcess } from '../../server/solver/inProcess.ts';
import type { SolveFn } from '../../server/core/pipeline.ts';
import { line } from '../core/fixtures.ts';

const solve: SolveFn = (model, request) => solveModelInProcess(model, { engine: 'highs', timeLimitMs: request.timeLimitMs, wantSensitivity: request.wantSensitivity });
const usd = (value: number) => ({ value, currency: 'USD' as const });

function syntheticNetwork(): Network {
  const market = (id: string, lng: number, tonnes: number, value: number) => ({
    id,
    name: `Market ${id}`,
    country: 'KZ',
    domestic: true,
    lng,
    lat: 45,
    tiers: [{ tonnesPerYear: 0, priceUsdPerTonne: 0 }],
    demand: { consumptionTonnesByYear: { '2024': tonnes }, blocks: [{ share: 1, value: usd(value) }] },
  });
  const supplier = (i: number, cost: number, routes: NonNullable<NetworkInput['suppliers']>[number]['routes']) => ({
    id: `s${i}`,
    name: `Supplier ${i}`,
    kind: 'plant' as const,
    country: 'KZ',
    lng: 50 + i,
    lat: 46,
    capacityTonnesPerYear: { '2024': 1000 },
    // The data's estimate with its range; the truth lies inside it.
    cashCost: { ...usd(cost), low: cost * 0.7, high: cost * 1.3 },
    routes,
  });
  const input: NetworkInput = {
    name: 'synthetic market',
    version: 'test',
    plants: [{ id: 'plant', name: 'Our plant', country: 'KZ', lng: 50, lat: 48, capacityTonnesPerYearByPhase: [100], variableCostUsdPerTonne: 20 }],
    markets: [market('h1', 51, 100, 200), market('h2', 52, 100, 200), market('h3', 53, 100, 200), market('x', 54, 100, 200), market('d', 55, 100, 150)],
    nodes: [],
    legs: [{ id: 'plant-h1', from: 'plant', to: 'h1', mode: 'rail', railway: 'KTZ', geometry: line([50, 48], [51, 45]), distanceKm: 100, fixedUsdPerTonne: 5, usdPerTonneKm: 0, co2KgPerTonneKm: 0 }],
    suppliers: [
      supplier(1, 40, [
        { market: 'h1', mode: 'road', freight: usd(0) },
        { market: 'x', mode: 'rail', freight: usd(10) },
      ]),
      supplier(2, 50, [
        { market: 'h2', mode: 'road', freight: usd(0) },
        { market: 'x', mode: 'road', freight: usd(30) },
      ]),
      supplier(3, 60, [
        { market: 'h3', mode: 'road', freight: usd(0) },
        { market: 'd', mode: 'road', freight: usd(0), capacityTonnesPerYear: 40 },
      ]),
    ],
  };
  return NetworkSchema.parse(input);
}

const TRUTH = { s1: 44, s2: 45, s3: 66, demandValue: 1.1, ktz: 1.2 };

const parameters: ParameterSpec[] = [
  { id: 'cash-cost:s1', kind: 'cash-cost', targets: ['s1'], unit: 'USD/t', prior: 40, lower: 28, upper: 52, source: 'test' },
  { id: 'cash-cost:s2', kind: 'cash-cost', targets: ['s2'], unit: 'USD/t', prior: 50, lower: 35, upper: 65, source: 'test' },
  { id: 'cash-cost:s3', kind: 'cash-cost', targets: ['s3'], unit: 'USD/t', prior: 60, lower: 42, upper: 78, source: 'test' },
  { id: 'demand-value:d', kind: 'demand-value', targets: ['d'], unit: 'factor', prior: 1, lower: 0.8, upper: 1.2, source: 'test' },
  { id: 'rail-freight:KTZ', kind: 'rail-freight', targets: ['KTZ'], unit: 'factor', prior: 1, lower: 0.8, upper: 1.25, source: 'test' },
];
const truthValues = [TRUTH.s1, TRUTH.s2, TRUTH.s3, TRUTH.demandValue, TRUTH.ktz];

describe('calibration: synthetic recovery', () => {
  it('recovers known cash costs, a demand value and a rail factor within 1 % of their ranges', async () => {
    const network = syntheticNetwork();
    const truthNetwork = applyCalibration(network, {
      cashCostBySupplier: { s1: TRUTH.s1, s2: TRUTH.s2, s3: TRUTH.s3 },
      demandValueMultiplierByMarket: { d: TRUTH.demandValue },
      railFreightMultiplierByRailway: { KTZ: TRUTH.ktz },
      borderFrictionByFriction: {},
    });
    const observed = await solveMarketYear(truthNetwork, 2024, solve);
    // The design holds at the truth: each price is the figure it is meant to reveal.
    expect(observed.priceUsdPerTonne).toMatchObject({ h1: 44, h2: 45, h3: 66, x: 56, d: 165 });

    const price = (m: string) => (o: MarketYearOutcome) => o.priceUsdPerTonne[m];
    const volume = (s: string) => (o: MarketYearOutcome) => Object.values(o.supplyTonnes[s]).reduce((a, b) => a + b, 0);
    const readouts: [string, (o: MarketYearOutcome) => number, number][] = [
      ...['h1', 'h2', 'h3', 'x', 'd'].map((m) => [`price:${m}`, price(m), 0] as [string, (o: MarketYearOutcome) => number, number]),
      ...['s1', 's2', 's3'].map((s) => [`volume:${s}`, volume(s), 10] as [string, (o: MarketYearOutcome) => number, number]),
    ];
    const targets: Target[] = readouts.map(([key, modelled, scale]) => ({ key, observed: modelled(observed), weight: 1, scale, modelled }));

    const fit = await calibrate({ network, year: 2024, parameters, targets, priorWeight: 0 }, solve, { maxSolves: 600, minStep: 1 / 1024 });

    expect(fit.lossBefore).toBeGreaterThan(0.01);
    expect(fit.lossAfter).toBeLessThan(1e-4);
    fit.parameters.forEach((p, i) => {
      expect(Math.abs(p.value - truthValues[i]) / (p.upper - p.lower), p.id).toBeLessThan(0.01);
      expect(p.atBound, p.id).toBeNull();
    });
    expect(fit.solves).toBeLessThanOrEqual(600);
  });

  it('ends a parameter at its bound when the observations lie beyond its range, and says so', async () => {
    const network = syntheticNetwork();
    // H1 observed at 60 USD/t: S1's cash cost would have to be 60, above its range (28–52).
    const targets: Target[] = [{ key: 'price:h1', observed: 60, weight: 1, scale: 0, modelled: (o) => o.priceUsdPerTonne.h1 }];
    const fit = await calibrate({ network, year: 2024, parameters: parameters.slice(0, 1), targets, priorWeight: 0 }, solve, { maxSolves: 50 });
    expect(fit.parameters[0]).toMatchObject({ id: 'cash-cost:s1', value: 52, atBound: 'upper', movedPct: 30 });
    expect(fit.lossAfter).toBeLessThan(fit.lossBefore);
  });
});
