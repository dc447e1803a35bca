/**
 * The market as it was in one past year, solved with the market-clearing model: our plants have no
 * capacity yet (the plant starts end 2026), every competitor sells at its offer, and the clearing
 * prices are the duals of the market balances (DESIGN §3b). Two read-outs of the same LP:
 * `solveMarketYear` (build, solve, read the index: the fast path the calibration re-solves hundreds of
 * times) and `outcomeFromPlan` (the product's plan.clearing, for the back-test). A test checks they agree.
 * Browser-safe, pure apart from the solve function it is given.
 */
import { key } from '../core/families/context.ts';
import { buildModel } from '../core/model.ts';
import type { Plan } from '../core/plan-schema.ts';
import { networkForScenario, withDuals, type SolveFn } from '../core/pipeline.ts';
import { Scenario, type Network } from '../core/schema.ts';

export interface MarketYearOutcome {
  readonly year: number;
  /** Tonnes per supplier id per market id. */
  readonly supplyTonnes: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Tonnes bought per market id (all suppliers). */
  readonly boughtTonnes: Readonly<Record<string, number>>;
  /** Clearing price per market id, USD/t. */
  readonly priceUsdPerTonne: Readonly<Record<string, number>>;
}

/**
 * The scenario of a past year: one annual clearing period, our plants at zero capacity, the given
 * calibration choice ('none' when the caller applies a calibration itself).
 */
export function historyScenario(network: Network, year: number, calibration: 'default' | 'none' = 'none'): Scenario {
  return Scenario.parse({
    name: `Kazakh cement market ${year}`,
    description: `The market-clearing model for ${year}, before our plant exists: its capacity is 0.`,
    horizon: { kind: 'annual', year },
    phase: 1,
    market: 'clearing',
    calibration,
    engine: 'highs',
    overrides: { plants: Object.fromEntries(network.plants.map((p) => [p.id, { capacityTonnesPerYearByPhase: [0] }])) },
  });
}

const clean = (x: number) => (Math.abs(x) < 1e-6 ? 0 : x);

/** Build and solve the year's clearing LP and read supply, purchases and prices from the model index. */
export async function solveMarketYear(network: Network, year: number, solve: SolveFn): Promise<MarketYearOutcome> {
  const scenario = historyScenario(network, year, 'none');
  const effective = networkForScenario(scenario, network);
  const built = buildModel(effective, scenario);
  const request = { engine: scenario.engine, timeLimitMs: scenario.timeLimitMs, wantSensitivity: true } as const;
  const result = await withDuals(built.model, await solve(built.model, request), solve, scenario.timeLimitMs);
  if (result.status !== 'optimal') throw new Error(`the ${year} market is ${result.status}: ${result.message}`);
  const { index } = built;
  const t = index.periods[0].index;
  const duals = result.sensitivity?.rowDuals ?? [];
  const supplyTonnes: Record<string, Record<string, number>> = {};
  for (const s of effective.suppliers) {
    const row: Record<string, number> = {};
    for (const r of s.routes) {
      const v = index.supply.get(key(s.id, r.market, t));
      if (v !== undefined) row[r.market] = clean(result.values[v] ?? 0);
    }
    supplyTonnes[s.id] = row;
  }
  const boughtTonnes: Record<string, number> = {};
  const priceUsdPerTonne: Record<string, number> = {};
  for (const m of effective.markets) {
    let bought = 0;
    for (let k = 0; index.buy.has(key(m.id, k, t)); k++) bought += result.values[index.buy.get(key(m.id, k, t))!] ?? 0;
    boughtTonnes[m.id] = clean(bought);
    const row = index.clearRows.get(key(m.id, t));
    priceUsdPerTonne[m.id] = row === undefined ? 0 : Math.max(0, duals[row] ?? 0);
  }
  return { year, supplyTonnes, boughtTonnes, priceUsdPerTonne };
}

/** The same outcome read from a clearing plan (plan.clearing). */
export function outcomeFromPlan(plan: Plan, year: number): MarketYearOutcome {
  if (plan.status !== 'optimal' || !plan.clearing) throw new Error(`the ${year} market plan is ${plan.status}: ${plan.message ?? ''}`);
  const supplyTonnes: Record<string, Record<string, number>> = {};
  for (const c of plan.clearing.competitors) supplyTonnes[c.id] = Object.fromEntries(c.markets.map((m) => [m.market, m.tonnes]));
  return {
    year,
    supplyTonnes,
    boughtTonnes: Object.fromEntries(plan.clearing.markets.map((m) => [m.id, m.boughtTonnes])),
    priceUsdPerTonne: Object.fromEntries(plan.clearing.markets.map((m) => [m.id, m.priceUsdPerTonne])),
  };
}
