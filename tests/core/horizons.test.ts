/** Monthly, multi-year, other objectives and the mixed-integer options, on hand-worked networks. */
import { afterAll, describe, expect, it } from 'vitest';
import { optimise } from '../../server/optimise.ts';
import { Network, type Network as NetworkT } from '../../server/core/schema.ts';
import { shutdownSolverPool } from '../../server/solver/solve.ts';
import { checkPlan } from '../oracle/check-plan.ts';
import { scenario, tinyNetwork } from './fixtures.ts';

afterAll(() => shutdownSolverPool());

function withPlant(net: NetworkT, plant: Partial<NetworkT['plants'][number]>): NetworkT {
  return Network.parse({ ...net, plants: [{ ...net.plants[0], ...plant }] });
}

describe('monthly plans', () => {
  it('stock carries June and May output into a July kiln stop', async () => {
    // 120 t/yr = 10 t/month, none in July. Home takes 80/12 t a month at 45 USD/t net of cost,
    // export 100/12 at 30. May and June each make 10: home gets 6.67, the other 3.33 goes to stock
    // (worth 45 − 0.5/month in July) rather than to export (30). Exports: 9 months × 3.33 = 30 t.
    // Margin = 12 × 6.667 × 45 + 30 × 30 − 0.5 × (3.333 + 6.667) = 3,600 + 900 − 5 = 4,495 USD.
    const availability = [1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1];
    const net = withPlant(tinyNetwork({ capacity: 120 }), { monthlyAvailability: availability, stockCapacityTonnes: 50, holdingCostUsdPerTonnePerMonth: 0.5 });
    const s = scenario({ horizon: { kind: 'monthly', year: 2027 } });
    for (const engine of ['highs', 'auto'] as const) {
      const plan = await optimise({ ...s, engine }, net);
      expect(plan.status).toBe('optimal');
      expect(plan.objectiveValue).toBeCloseTo(4495, 4);
      const plant = plan.plants[0];
      expect(plant.tonnesByPeriod[6]).toBe(0);
      expect(plant.stockTonnesByPeriod![5]).toBeCloseTo(80 / 12, 4);
      expect(plan.markets.find((m) => m.id === 'dom')!.tonnesByPeriod[6]).toBeCloseTo(80 / 12, 4);
      expect(checkPlan(plan, s, net).violations).toEqual([]);
    }
  });

  it('a leg closed by ice carries nothing in its closed months', async () => {
    const base = tinyNetwork({ capacity: 120 });
    const net = Network.parse({ ...base, legs: base.legs.map((l) => (l.id === 'port-exp' ? { ...l, closedMonths: [12, 1, 2] } : l)) });
    const s = scenario({ horizon: { kind: 'monthly', year: 2027 } });
    const plan = await optimise(s, net);
    const sea = plan.legs.find((l) => l.id === 'port-exp')!;
    expect(sea.closedPeriods).toEqual([0, 1, 11]);
    for (const month of [0, 1, 11]) expect(sea.tonnesByPeriod[month]).toBe(0);
    expect(sea.tonnes).toBeGreaterThan(0);
    expect(checkPlan(plan, s, net).violations).toEqual([]);
  });
});

describe('multi-year plans', () => {
  it('phase 2 capacity and late-opening export markets arrive in their year', async () => {
    // 2027: 100 t, export not open yet → home 80 t. 2028: 200 t, home 80 + export 100.
    const base = tinyNetwork();
    const net = Network.parse({ ...base, markets: base.markets.map((m) => (m.id === 'exp' ? { ...m, openFromPhase: 2 } : m)) });
    const s = scenario({ horizon: { kind: 'multi-year', fromYear: 2027, toYear: 2028, phase2FromYear: 2028 }, policy: { domesticShare: 0.4, basis: 'sales' } });
    const plan = await optimise(s, net);
    expect(plan.horizon.periods).toEqual(['2027', '2028']);
    expect(plan.markets.find((m) => m.id === 'exp')!.tonnesByPeriod).toEqual([0, 100]);
    expect(plan.plants[0].tonnesByPeriod).toEqual([80, 180]);
    // 2027: 80·45; 2028: 80·45 + 100·30.
    expect(plan.objectiveValue).toBeCloseTo(80 * 45 * 2 + 100 * 30, 6);
    expect(plan.binding.some((b) => b.row === 'domestic-share:2028')).toBe(false);
    expect(checkPlan(plan, s, net).violations).toEqual([]);
  });
});

describe('other objectives', () => {
  it('min-cost delivers full output at the lowest delivered cost', async () => {
    // 100 t must be sold: home leg 5 USD/t (80 t), export legs 10 USD/t; production 10 USD/t.
    // Cost = 80·5 + 20·10 + 100·10 = 1,600 USD.
    const plan = await optimise(scenario({ objective: 'min-cost' }), tinyNetwork());
    expect(plan.objectiveValue).toBeCloseTo(1600, 6);
    expect(plan.markets.find((m) => m.id === 'dom')!.tonnes).toBeCloseTo(80, 6);
  });

  it('max-domestic keeps all it can at home', async () => {
    const plan = await optimise(scenario({ objective: 'max-domestic' }), tinyNetwork({ domesticPrice: 50, exportPrice: 90 }));
    expect(plan.objectiveValue).toBeCloseTo(80, 6);
  });

  it('a carbon price inside the objective moves cement off the dirtier route', async () => {
    // Home leg: 100 km at 0.02 kg/t-km; export: 200 km rail 0.02 + 400 km sea 0.015 = 0.01 t CO2/t.
    // Export nets 30 USD/t vs home 45; at 100 USD/t CO2 export loses 1 USD/t more: 29.
    const plain = await optimise(scenario(), tinyNetwork());
    const priced = await optimise(scenario({ carbonPriceUsdPerTonneCo2: 100 }), tinyNetwork());
    expect(priced.kpis!.carbonCostUsd).toBeGreaterThan(0);
    expect(priced.objectiveValue).toBeCloseTo(plain.objectiveValue! - 100 * (80 * 0.002 + 20 * 0.01), 6);
  });
});

describe('mixed-integer options', () => {
  const contractNet = (min: number) => {
    const base = tinyNetwork({ domesticPrice: 50, exportPrice: 60 });
    return Network.parse({ ...base, markets: base.markets.map((m) => (m.id === 'exp' ? { ...m, contract: { minTonnesPerYear: min, fixedCostUsdPerYear: 500 } } : m)) });
  };

  it('a contract whose minimum cannot fit beside the 50 % rule is not signed', async () => {
    // Min 60 t but D ≥ E and D + E ≤ 100 allow at most 50 t of export: stay closed, D = 80, margin 80·35.
    const s = scenario({ mip: { contracts: true, seaLots: false } });
    const plan = await optimise(s, contractNet(60));
    expect(plan.solver.integerVariables).toBe(1);
    expect(plan.objectiveValue).toBeCloseTo(2800, 6);
    expect(plan.markets.find((m) => m.id === 'exp')!.tonnes).toBe(0);
    expect(checkPlan(plan, s, contractNet(60)).violations).toEqual([]);
  });

  it('a contract that pays its fixed cost is signed', async () => {
    // Min 40 t: open → D = E = 50, margin 3,750 − 500 = 3,250 > 2,800 closed.
    const s = scenario({ mip: { contracts: true, seaLots: false } });
    const plan = await optimise(s, contractNet(40));
    expect(plan.objectiveValue).toBeCloseTo(3250, 6);
    expect(plan.kpis!.contractFixedCostUsd).toBe(500);
    expect(checkPlan(plan, s, contractNet(40)).violations).toEqual([]);
  });

  it('sea legs carry whole lots', async () => {
    // LP optimum exports 20 t; with 30 t lots the choice is 0 (3,600) or 30 (70·45 + 30·30 = 4,050).
    const base = tinyNetwork();
    const net = Network.parse({ ...base, legs: base.legs.map((l) => (l.id === 'port-exp' ? { ...l, lotTonnes: 30 } : l)) });
    const s = scenario({ mip: { contracts: false, seaLots: true } });
    const plan = await optimise(s, net);
    expect(plan.solver.engine).toBe('highs');
    expect(plan.objectiveValue).toBeCloseTo(4050, 6);
    expect(plan.markets.find((m) => m.id === 'exp')!.tonnes).toBeCloseTo(30, 6);
    expect(checkPlan(plan, s, net).violations).toEqual([]);
  });
});
