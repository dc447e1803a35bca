/**
 * Logistics that bind in reality (DESIGN §3b), on the tiny network worked by hand
 * (tests/core/fixtures.ts: plant at 10 USD/t; domestic 80 t at 60 over a 5 USD/t rail leg; export
 * 100 t at 50 over rail 5 + sea 5 through a port). Every plan also passes the independent checker.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { networkForScenario } from '../../server/core/pipeline.ts';
import { legCostUsdPerTonne } from '../../server/core/scenario.ts';
import type { Network, Scenario } from '../../server/core/schema.ts';
import type { Plan } from '../../server/core/plan-schema.ts';
import { shutdownSolverPool } from '../../server/solver/solve.ts';
import { solveAndCheck as solveAndCheckWith } from '../oracle/solve-and-check.ts';
import { scenario, tinyNetwork } from './fixtures.ts';

afterAll(() => shutdownSolverPool());
const withLegs = (net: Network, change: (leg: Network['legs'][number]) => Network['legs'][number]): Network => ({ ...net, legs: net.legs.map(change) });

/** With the domestic rule off unless a scenario is given. */
const solveAndCheck = (net: Network, s: Scenario = scenario({ policy: { domesticShare: 0 } })): Promise<Plan> => solveAndCheckWith(net, s);

describe('logistics', () => {
  it('a sea leg with a vessel costs its voyage over the cargo: 5,500 t instead of 6,500 t raises the freight per tonne by 6,500/5,500', async () => {
    const net = withLegs(tinyNetwork(), (l) => (l.mode === 'sea' ? { ...l, fixedUsdPerTonne: 1, vessel: { loadTonnes: 6500, voyageUsd: 26_000 } } : l));
    expect(legCostUsdPerTonne(net.legs.find((l) => l.mode === 'sea')!)).toBeCloseTo(1 + 4, 9);
    const low = scenario({ policy: { domesticShare: 0 }, overrides: { legs: { 'port-exp': { vesselLoadTonnes: 5500 } } } });
    const eff = networkForScenario(low, net).legs.find((l) => l.id === 'port-exp')!;
    expect(legCostUsdPerTonne(eff)).toBeCloseTo(1 + 26_000 / 5500, 9);
    const plan = await solveAndCheck(net, low);
    const exp = plan.markets.find((m) => m.id === 'exp')!;
    // export: 50 − (5 rail + 1 + 4.727 sea) = 39.27 USD/t netback
    expect(exp.netbackUsdPerTonne).toBeCloseTo(50 - 5 - (1 + 26_000 / 5500), 4);
  });

  it('a railway tariff multiplier scales that railway only', async () => {
    const net = withLegs(tinyNetwork(), (l) => (l.mode === 'rail' ? { ...l, railway: 'KTZ' as const } : l));
    const s = scenario({ policy: { domesticShare: 0 }, overrides: { railTariffMultiplierByRailway: { KTZ: 2.1, RZD: 5 } } });
    const eff = networkForScenario(s, net);
    expect(legCostUsdPerTonne(eff.legs.find((l) => l.id === 'plant-dom')!)).toBeCloseTo(5 * 2.1, 9);
    expect(legCostUsdPerTonne(eff.legs.find((l) => l.id === 'port-exp')!)).toBeCloseTo(5, 9);
    const plan = await solveAndCheck(net, s);
    expect(plan.markets.find((m) => m.id === 'dom')!.logisticsCostUsdPerTonne).toBeCloseTo(10.5, 6);
  });

  it('the wagon fleet caps rail tonnes out of the plant and charges its wagon-days', async () => {
    // 2 wagons × 365 days / 10-day turns × 20 t = 1,460 t... scaled: 0.1 wagons → 73 t a year by rail.
    const fleet = { wagons: 0.1, tonnesPerWagon: 20, turnaroundDays: 10, usdPerWagonDay: 4 };
    const net: Network = { ...tinyNetwork({ capacity: 500 }), wagonFleet: fleet };
    const plan = await solveAndCheck(net);
    expect(plan.kpis!.productionTonnes).toBeCloseTo(73, 6);
    // wagon cost = 4 USD/day × 10 days / 20 t = 2 USD/t on every rail tonne out of the plant
    expect(plan.kpis!.wagonCostUsd).toBeCloseTo(73 * 2, 4);
    const row = plan.binding.find((b) => b.family === 'wagons');
    expect(row).toBeDefined();
    // one more wagon-day carries 2 t (20 t / 10 days): worth 2 × (60 − 10 − 5 − 2) = 86 USD at home
    expect(row!.shadowPriceUsd).toBeCloseTo(86, 4);
  });

  it('the bagging line caps bagged tonnes and charges bagging on the bagged share', async () => {
    const base = tinyNetwork({ capacity: 500 });
    const net: Network = {
      ...base,
      plants: base.plants.map((p) => ({ ...p, packing: { capacityTonnesPerYear: 50, costUsdPerTonne: 3 } })),
      markets: base.markets.map((m) => ({ ...m, baggedShare: m.id === 'exp' ? 1 : 0.5 })),
    };
    const plan = await solveAndCheck(net);
    const dom = plan.markets.find((m) => m.id === 'dom')!;
    const exp = plan.markets.find((m) => m.id === 'exp')!;
    // domestic (netback 60 − 5 − 1.5 = 53.5) bags half its tonnes; 80 t use 40 t of the line, 10 t are left for export
    expect(dom.tonnes).toBeCloseTo(80, 6);
    expect(exp.tonnes).toBeCloseTo(10, 6);
    expect(plan.kpis!.packingCostUsd).toBeCloseTo(3 * 50, 4);
    expect(dom.logisticsCostUsdPerTonne).toBeCloseTo(5 + 1.5, 6);
  });

  it('an import cap binds our tonnes into the capped country', async () => {
    const net = tinyNetwork({ capacity: 500 });
    const plan = await solveAndCheck(net, scenario({ policy: { domesticShare: 0, importCaps: [{ country: 'AZ', tonnesPerYear: 30 }] } }));
    expect(plan.markets.find((m) => m.id === 'exp')!.tonnes).toBeCloseTo(30, 6);
    expect(plan.binding.some((b) => b.row === 'import-cap:az')).toBe(true);
  });
});
