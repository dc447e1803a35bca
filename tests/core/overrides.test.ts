/**
 * Every figure a planner may override by id (DESIGN §2) is accepted by the scenario schema, lands
 * in the effective network, and moves the plan the way it should. Given volumes for min-cost.
 * Hand-worked on the tiny network: plant 100 t/yr at 10 USD/t; home 80 t at 60 USD/t over a
 * 5 USD/t leg (45 net of cost); export 100 t at 50 USD/t over 10 USD/t of legs (30 net).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { effectiveNetwork } from '../../server/core/scenario.ts';
import { optimise } from '../../server/optimise.ts';
import { networkForScenario } from '../../server/core/pipeline.ts';
import { checkScenario } from '../../server/core/consistency.ts';
import { Network, Scenario as ScenarioSchema, type Network as NetworkT, type ScenarioInput } from '../../server/core/schema.ts';
import { shutdownSolverPool } from '../../server/solver/solve.ts';
import { checkPlan } from '../oracle/check-plan.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { scenario, tinyNetwork } from './fixtures.ts';

afterAll(() => shutdownSolverPool());

const tiny = tinyNetwork();
const withOverrides = (overrides: ScenarioInput['overrides'], rest: Partial<ScenarioInput> = {}) => scenario({ ...rest, overrides });

describe('the override schema', () => {
  it('accepts every per-id figure of DESIGN §2', () => {
    const parsed = ScenarioSchema.safeParse({
      name: 'all',
      overrides: {
        plants: { plant: { stockCapacityTonnes: 10, holdingCostUsdPerTonnePerMonth: 0.5, fixedCostUsdPerYear: 1e6, variableCostUsdPerTonne: 12, capacityTonnesPerYearByPhase: [1], monthlyAvailability: Array(12).fill(1) } },
        markets: { exp: { seasonality: Array(12).fill(1), growthPctPerYear: 3, contract: { minTonnesPerYear: 5 }, priceShiftUsdPerTonne: -2 } },
        legs: { 'port-exp': { lotTonnes: 30, distanceKm: 500, co2KgPerTonneKm: 0.01 } },
        nodes: { port: { kind: 'rail' } },
      },
    });
    expect(parsed.success).toBe(true);
  });

  it('refuses unknown fields and figures out of bounds, with their paths', () => {
    const bad = (overrides: unknown) => ScenarioSchema.safeParse({ name: 'bad', overrides });
    expect(bad({ legs: { l: { speedKmPerHour: 40 } } }).success).toBe(false);
    expect(bad({ legs: { l: { co2KgPerTonneKm: -1 } } }).success).toBe(false);
    expect(bad({ legs: { l: { distanceKm: 1e9 } } }).success).toBe(false);
    expect(bad({ nodes: { n: { kind: 'airport' } } }).success).toBe(false);
    expect(bad({ markets: { m: { growthPctPerYear: 500 } } }).success).toBe(false);
    expect(bad({ markets: { m: { seasonality: [1, 1] } } }).success).toBe(false);
    expect(bad({ markets: { m: { contract: { minTonnesPerYear: 1, extra: 1 } } } }).success).toBe(false);
    const r = bad({ plants: { p: { stockCapacityTonnes: -5 } } });
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.issues[0].path).toEqual(['overrides', 'plants', 'p', 'stockCapacityTonnes']);
  });
});

describe('a scenario that changes nothing', () => {
  it('sees the same network object plan after plan; one override gives a network of its own, the rest untouched', () => {
    const base = loadDefaultNetwork();
    const plain = networkForScenario(ScenarioSchema.parse({ name: 'a' }), base);
    expect(networkForScenario(ScenarioSchema.parse({ name: 'b' }), base)).toBe(plain);
    // The price-taker mode leaves out the markets only competitors reach, nothing else.
    expect(plain.markets.length).toBeLessThan(base.markets.length);
    expect(plain.legs).toBe(base.legs);
    const leg = base.legs[0]!;
    const moved = networkForScenario(ScenarioSchema.parse({ name: 'c', overrides: { legs: { [leg.id]: { fixedUsdPerTonne: leg.fixedUsdPerTonne + 1 } } } }), base);
    expect(moved).not.toBe(plain);
    expect(moved.legs[0]!.fixedUsdPerTonne).toBe(leg.fixedUsdPerTonne + 1);
    expect(moved.legs.slice(1)).toEqual(base.legs.slice(1));
    expect(moved.legs[1]).toBe(base.legs[1]);
    const dearer = networkForScenario(ScenarioSchema.parse({ name: 'd', overrides: { exportPriceMultiplier: 1.1 } }), base);
    const exportMarket = dearer.markets.find((m) => !m.domestic)!;
    const before = plain.markets.find((m) => m.id === exportMarket.id)!;
    expect(exportMarket.tiers[0]!.priceUsdPerTonne).toBeCloseTo(before.tiers[0]!.priceUsdPerTonne * 1.1, 9);
  });
});

describe('plant overrides', () => {
  // Monthly: 120 t/yr, no July output; silos let May and June output carry into July.
  const monthlyNet = (): NetworkT =>
    Network.parse({
      ...tinyNetwork({ capacity: 120 }),
      plants: [{ ...tinyNetwork({ capacity: 120 }).plants[0], monthlyAvailability: [1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1], stockCapacityTonnes: 50, holdingCostUsdPerTonnePerMonth: 0.5 }],
    });
  const monthly = { horizon: { kind: 'monthly', year: 2027 } } as const;

  it('stock capacity: without silos July is not served from stock, and the margin falls by 95 USD', async () => {
    const base = await optimise(scenario(monthly), monthlyNet(), { policyCost: false });
    const s = withOverrides({ plants: { plant: { stockCapacityTonnes: 0 } } }, monthly);
    const plan = await optimise(s, monthlyNet(), { policyCost: false });
    expect(base.objectiveValue).toBeCloseTo(4495, 4);
    // No stock: every month but July makes 10 t: 6.67 t home at 45 and 3.33 t export at 30 = 400 USD;
    // July nothing. 11 × 400 = 4,400 (with silos July's home demand came from stock for +95).
    expect(plan.objectiveValue).toBeCloseTo(4400, 4);
    expect(plan.plants[0].stockTonnesByPeriod ?? []).toEqual([]);
    expect(checkPlan(plan, s, monthlyNet()).violations).toEqual([]);
  });

  it('holding cost: a dearer silo still pays below the July netback, at a higher cost', async () => {
    const s = withOverrides({ plants: { plant: { holdingCostUsdPerTonnePerMonth: 2 } } }, monthly);
    const plan = await optimise(s, monthlyNet(), { policyCost: false });
    // Stock of 3.33 t (end of May) + 6.67 t (end of June) = 10 t·months, now at 2 instead of 0.5.
    expect(plan.objectiveValue).toBeCloseTo(4495 - 1.5 * 10, 4);
    expect(plan.kpis!.holdingCostUsd).toBeCloseTo(20, 4);
  });

  it('fixed cost: the margin after fixed cost falls by it, the allocation stays', async () => {
    const s = withOverrides({ plants: { plant: { fixedCostUsdPerYear: 1000 } } });
    const plan = await optimise(s, tiny, { policyCost: false });
    expect(plan.kpis!.marginUsd).toBeCloseTo(4200, 6);
    expect(plan.kpis!.marginAfterFixedCostUsd).toBeCloseTo(3200, 6);
  });
});

describe('market overrides', () => {
  it('seasonality: a monthly plan follows the overridden profile, and null removes it', async () => {
    const profile = [2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0];
    const s = withOverrides({ markets: { dom: { seasonality: profile } } }, { horizon: { kind: 'monthly', year: 2027 } });
    // 400 t/yr: 33.3 t a month, enough for a doubled home month (13.3 t).
    const roomy = tinyNetwork({ capacity: 400 });
    const plan = await optimise(s, roomy, { policyCost: false });
    const home = plan.markets.find((m) => m.id === 'dom')!;
    expect(home.tonnesByPeriod[0]).toBeCloseTo((80 / 12) * 2, 6);
    expect(home.tonnesByPeriod[11]).toBe(0);
    expect(checkPlan(plan, s, roomy).violations).toEqual([]);

    const seasonal = Network.parse({ ...tiny, markets: tiny.markets.map((m) => (m.id === 'dom' ? { ...m, seasonality: profile } : m)) });
    expect(effectiveNetwork(withOverrides({ markets: { dom: { seasonality: null } } }), seasonal).markets[0].seasonality).toBeUndefined();
  });

  it('growth: home demand grows 25 % a year in a two-year plan', async () => {
    const s = withOverrides({ markets: { dom: { growthPctPerYear: 25 } } }, { horizon: { kind: 'multi-year', fromYear: 2027, toYear: 2028 } });
    const plan = await optimise(s, tiny, { policyCost: false });
    expect(plan.markets.find((m) => m.id === 'dom')!.tonnesByPeriod).toEqual([80, 100]);
    expect(checkPlan(plan, s, tiny).violations).toEqual([]);
  });

  it('contract: a contract added by override becomes an open/close decision, and null removes it', async () => {
    // Contract minimum 60 t on export cannot fit beside the 50 % rule (at most 50 t): not signed.
    const s = withOverrides({ markets: { exp: { contract: { minTonnesPerYear: 60, fixedCostUsdPerYear: 500 } } } }, { mip: { contracts: true, seaLots: false } });
    const plan = await optimise(s, tiny, { policyCost: false });
    expect(plan.solver.integerVariables).toBe(1);
    expect(plan.markets.find((m) => m.id === 'exp')!.tonnes).toBe(0);
    const contracted = Network.parse({ ...tiny, markets: tiny.markets.map((m) => (m.id === 'exp' ? { ...m, contract: { minTonnesPerYear: 60 } } : m)) });
    const removed = withOverrides({ markets: { exp: { contract: null } } }, { mip: { contracts: true, seaLots: false } });
    expect(effectiveNetwork(removed, contracted).markets[1].contract).toBeUndefined();
    expect((await optimise(removed, contracted, { policyCost: false })).solver.integerVariables).toBe(0);
  });

  it('price shift: adds to every tier after the multipliers, never below 0', () => {
    const twoTiers = Network.parse({ ...tiny, markets: tiny.markets.map((m) => (m.id === 'exp' ? { ...m, tiers: [{ tonnesPerYear: 50, priceUsdPerTonne: 50 }, { tonnesPerYear: 50, priceUsdPerTonne: 40 }] } : m)) });
    const up = effectiveNetwork(withOverrides({ exportPriceMultiplier: 2, markets: { exp: { priceShiftUsdPerTonne: 5 } } }), twoTiers);
    expect(up.markets[1].tiers.map((t) => t.priceUsdPerTonne)).toEqual([105, 85]);
    const down = effectiveNetwork(withOverrides({ markets: { exp: { priceShiftUsdPerTonne: -45 } } }), twoTiers);
    expect(down.markets[1].tiers.map((t) => t.priceUsdPerTonne)).toEqual([5, 0]);
  });
});

describe('leg overrides', () => {
  it('lot size: with sea lots, the export moves in the overridden lots', async () => {
    // LP exports 20 t; in 30 t lots: 0 (3,600) or 30 (70·45 + 30·30 = 4,050).
    const s = withOverrides({ legs: { 'port-exp': { lotTonnes: 30 } } }, { mip: { contracts: false, seaLots: true } });
    const plan = await optimise(s, tiny, { policyCost: false });
    expect(plan.objectiveValue).toBeCloseTo(4050, 6);
    expect(plan.markets.find((m) => m.id === 'exp')!.tonnes).toBeCloseTo(30, 6);
    expect(checkPlan(plan, s, tiny).violations).toEqual([]);
  });

  it('distance: freight per tonne-km and CO2 follow the overridden distance', async () => {
    // 0.1 USD/t-km on the home leg: 100 km → 10 USD/t more than the fixed 5; 300 km → 30 more.
    const s = (km: number) => withOverrides({ legs: { 'plant-dom': { usdPerTonneKm: 0.1, distanceKm: km } } });
    expect(networkForScenario(s(300), tiny).legs[0].distanceKm).toBe(300);
    const near = await optimise(s(100), tiny, { policyCost: false });
    const far = await optimise(s(300), tiny, { policyCost: false });
    expect(near.objectiveValue).toBeCloseTo(4200 - 80 * 10, 6);
    // 300 km: home nets 60 − 35 − 10 = 15 < export's 30, but the 50 % rule keeps 50 t at home.
    expect(far.objectiveValue).toBeCloseTo(50 * 15 + 50 * 30, 6);
    expect(far.kpis!.co2Tonnes).toBeCloseTo((50 * 300 * 0.02 + 50 * (200 * 0.02 + 400 * 0.015)) / 1000, 6);
  });

  it('CO2 intensity: the CO2 KPI and a carbon price follow it', async () => {
    const s = withOverrides({ legs: { 'plant-dom': { co2KgPerTonneKm: 0.2 } } }, { carbonPriceUsdPerTonneCo2: 100 });
    const plan = await optimise(s, tiny, { policyCost: false });
    // Home: 100 km × 0.2 kg = 0.02 t CO2/t → 2 USD/t; export 0.01 t → 1 USD/t. Still 80 home + 20 export.
    expect(plan.kpis!.co2Tonnes).toBeCloseTo(80 * 0.02 + 20 * 0.01, 6);
    expect(plan.objectiveValue).toBeCloseTo(4200 - 80 * 2 - 20 * 1, 6);
  });
});

describe('node overrides', () => {
  it('kind: the port reported as a rail terminal', async () => {
    const s = withOverrides({ nodes: { port: { kind: 'rail' } } });
    expect(effectiveNetwork(s, tiny).nodes[0].kind).toBe('rail');
    const plan = await optimise(s, tiny, { policyCost: false });
    expect(plan.nodes[0].kind).toBe('rail');
  });
});

describe('given volumes (min-cost)', () => {
  it('delivers exactly the given tonnes per market at least cost, not the full output', async () => {
    // 30 t home (5 + 10 USD/t) and 20 t export (10 + 10 USD/t): 30·15 + 20·20 = 850 USD.
    const s = scenario({ objective: 'min-cost', volumesTonnesPerYear: { dom: 30, exp: 20 } });
    const plan = await optimise(s, tiny);
    expect(plan.status).toBe('optimal');
    expect(plan.objectiveValue).toBeCloseTo(850, 6);
    expect(plan.kpis!.productionTonnes).toBeCloseTo(50, 6);
    expect(plan.markets.find((m) => m.id === 'dom')!.tonnes).toBeCloseTo(30, 6);
    expect(plan.markets.find((m) => m.id === 'exp')!.tonnes).toBeCloseTo(20, 6);
    expect(plan.binding.some((b) => b.family === 'volume')).toBe(true);
    expect(checkPlan(plan, s, tiny).violations).toEqual([]);
  });

  it('an unlisted market is served only when the policy needs it', async () => {
    // 40 t of export alone breaks the 50 % rule: 40 t home at 15 USD/t join it. 40·15 + 40·20 = 1,400.
    const plan = await optimise(scenario({ objective: 'min-cost', volumesTonnesPerYear: { exp: 40 } }), tiny);
    expect(plan.objectiveValue).toBeCloseTo(1400, 6);
    expect(plan.markets.find((m) => m.id === 'dom')!.tonnes).toBeCloseTo(40, 6);
  });

  it('a volume above what the plant makes is infeasible and diagnosed', async () => {
    const plan = await optimise(scenario({ objective: 'min-cost', policy: { domesticShare: 0, basis: 'sales' }, volumesTonnesPerYear: { exp: 150 } }), tinyNetwork({ exportTonnes: 200 }));
    expect(plan.status).toBe('infeasible');
    expect(plan.infeasibility!.items.length).toBeGreaterThan(0);
  });

  it('a volume for an unknown market is a consistency problem', () => {
    const problems = checkScenario(scenario({ volumesTonnesPerYear: { nowhere: 10 } }), tiny);
    expect(problems.map((p) => p.path)).toContainEqual(['volumesTonnesPerYear', 'nowhere']);
  });
});
