/**
 * Product forms (DESIGN §3b): bulk and bagged. On the tiny network worked by hand
 * (tests/core/fixtures.ts: plant at 10 USD/t; domestic 80 t at 60 over a 5 USD/t rail leg; export
 * 100 t at 50 over rail 5 + sea 5 through a port) with a bagging line at 3 USD/t: a bagged share as a
 * range the plan chooses within, a premium per bagged tonne, the line's capacity and its shadow price
 * (checked by re-solving with one more tonne of it), in every horizon and in the clearing mode; GLPK
 * agrees on generated networks; overrides; the shipped data's exact shares work as before.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../server/core/model.ts';
import { checkScenario } from '../../server/core/consistency.ts';
import { networkForScenario } from '../../server/core/pipeline.ts';
import type { Plan } from '../../server/core/plan-schema.ts';
import { Scenario as ScenarioSchema, type Network, type Scenario } from '../../server/core/schema.ts';
import { englishWhy } from '../../server/core/why.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { optimise } from '../../server/optimise.ts';
import { formatPlanReport } from '../../server/report.ts';
import { mulberry32 } from '../../server/solver/generate.ts';
import { shutdownSolverPool } from '../../server/solver/solve.ts';
import { checkPlan } from '../oracle/check-plan.ts';
import { solveAndCheck as solveAndCheckWith } from '../oracle/solve-and-check.ts';
import { solveWithGlpk } from '../oracle/glpk.ts';
import { handNetwork } from '../clearing/fixtures.ts';
import { randomNetwork } from './generate-network.ts';
import { scenario, tinyNetwork } from './fixtures.ts';

afterAll(() => shutdownSolverPool());

type MarketPatch = Partial<Network['markets'][number]>;

/** The tiny network with a bagging line at the plant and per-market bagging data. */
function bagNetwork(capacityTonnesPerYear: number, dom: MarketPatch, exp: MarketPatch = { baggedShare: 0 }): Network {
  const base = tinyNetwork({ capacity: 500 });
  return {
    ...base,
    plants: base.plants.map((p) => ({ ...p, packing: { capacityTonnesPerYear, costUsdPerTonne: 3 } })),
    markets: base.markets.map((m) => ({ ...m, ...(m.id === 'dom' ? dom : exp) })),
  };
}

/** With the domestic rule off unless a scenario is given. */
const solveAndCheck = (net: Network, s: Scenario = scenario({ policy: { domesticShare: 0 } })): Promise<Plan> => solveAndCheckWith(net, s);

const market = (plan: Plan, id: string) => plan.markets.find((m) => m.id === id)!;

describe('bagged tonnes chosen within a range', () => {
  it('a premium above the packing cost bags the maximum share; below it, the minimum', async () => {
    // Premium 20 − packing 3 = 17 USD/t more for each bagged tonne: 90 % of the 80 t go bagged.
    const high = await solveAndCheck(bagNetwork(1000, { baggedShareRange: { min: 0.2, max: 0.9 }, baggedPremiumUsdPerTonne: 20 }));
    expect(market(high, 'dom').baggedTonnes).toBeCloseTo(72, 6);
    expect(market(high, 'dom').bulkTonnes).toBeCloseTo(8, 6);
    // margin = 80 × (60 − 5 − 10) + 72 × (20 − 3) + 100 × (50 − 10 − 10)
    expect(high.kpis!.marginUsd).toBeCloseTo(3600 + 72 * 17 + 3000, 4);
    expect(high.kpis!.packingCostUsd).toBeCloseTo(72 * 3, 4);
    // The premium is revenue: the domestic price per tonne is (80 × 60 + 72 × 20) / 80.
    expect(market(high, 'dom').priceUsdPerTonne).toBeCloseTo((80 * 60 + 72 * 20) / 80, 4);
    // netback = price − logistics (5 freight + 72 × 3 / 80 packing), before the production cost.
    expect(market(high, 'dom').netbackUsdPerTonne).toBeCloseTo(55 + (72 * 17) / 80, 4);

    // Premium 2 < packing 3: only the minimum 20 % is bagged, at a loss of 1 USD/t.
    const low = await solveAndCheck(bagNetwork(1000, { baggedShareRange: { min: 0.2, max: 0.9 }, baggedPremiumUsdPerTonne: 2 }));
    expect(market(low, 'dom').baggedTonnes).toBeCloseTo(16, 6);
    expect(low.kpis!.marginUsd).toBeCloseTo(3600 - 16 + 3000, 4);
  });

  it('a full line: its shadow price is the premium less packing of the market at the margin, as one more tonne of capacity confirms', async () => {
    // Domestic earns 20 − 3 = 17 per bagged tonne, export 10 − 3 = 7: the 100 t line bags all 80
    // domestic tonnes first, then 20 export tonnes; one more tonne of line bags one more export tonne.
    const net = bagNetwork(100, { baggedShareRange: { min: 0, max: 1 }, baggedPremiumUsdPerTonne: 20 }, { baggedShareRange: { min: 0, max: 1 }, baggedPremiumUsdPerTonne: 10 });
    const s = scenario({ policy: { domesticShare: 0 } });
    const plan = await solveAndCheck(net, s);
    expect(market(plan, 'dom').baggedTonnes).toBeCloseTo(80, 6);
    expect(market(plan, 'exp').baggedTonnes).toBeCloseTo(20, 6);
    const line = plan.packing!.find((p) => p.plantId === 'plant')!;
    expect(line.tonnes).toBeCloseTo(100, 6);
    expect(line.utilisation).toBeCloseTo(1, 9);
    expect(line.shadowPriceUsdPerTonne).toBeCloseTo(10 - 3, 6);

    const more = await solveAndCheck(net, scenario({ policy: { domesticShare: 0 }, overrides: { plants: { plant: { packingCapacityTonnesPerYear: 101 } } } }));
    expect(more.objectiveValue! - plan.objectiveValue!).toBeCloseTo(line.shadowPriceUsdPerTonne!, 6);

    // The checker is not a rubber stamp: more bagged tonnes than the range allows, or a line overfilled, fail it.
    const tampered = structuredClone(plan);
    const exp = tampered.markets.find((m) => m.id === 'exp')!;
    exp.baggedTonnesByPeriod = [exp.tonnes + 1];
    exp.baggedTonnes = exp.tonnes + 1;
    expect(checkPlan(tampered, s, net).violations.join(' ')).toMatch(/exp period 0: .* t bagged, outside 0\.\.1 .*over its bagging line/);

    const binding = plan.binding.find((b) => b.family === 'packing')!;
    expect(binding.shadowPriceUsd).toBeCloseTo(7, 6);
    const sentence = plan.whySentences!.find((w) => w.kind === 'packing-full');
    expect(sentence).toMatchObject({ kind: 'packing-full', objective: 'margin' });
    expect(plan.why).toContain(englishWhy(sentence!));
    expect(englishWhy(sentence!)).toMatch(/^Plant bagging capacity in 2027 is fully used: one more tonne of bagging capacity is worth 7\.00 USD/);
    // The terminal report: the line full, one more tonne a year worth 7 USD; domestic all bagged, export 20 of 100 t.
    const report = formatPlanReport(plan);
    expect(report).toMatch(/BAGGING\n.*\n.*\nPlant +100 t +100 t +100 % +3\.00 +7\.00\n/);
    expect(report).toMatch(/Domestic town +80 t +0 t\n/);
    expect(report).toMatch(/Export city +20 t +80 t\n/);
  });

  it("an unserved market's price gap counts what its bagged tonnes would earn, as re-solving at the gap confirms", async () => {
    // 80 t of plant: domestic earns 60 − 5 − 10 = 45 a tonne, export 50 − 10 − 10 = 30 plus 10 − 3 = 7
    // for each bagged tonne (up to all of them): export needs 45 − 37 = 8 USD/t more.
    const base = bagNetwork(1000, { baggedShare: 0 }, { baggedShareRange: { min: 0, max: 1 }, baggedPremiumUsdPerTonne: 10 });
    const net: Network = { ...base, plants: base.plants.map((p) => ({ ...p, capacityTonnesPerYearByPhase: [80, 160] })) };
    const plan = await solveAndCheck(net);
    expect(market(plan, 'exp').tonnes).toBe(0);
    expect(market(plan, 'exp').priceGapUsdPerTonne).toBeCloseTo(8, 1);
    const at = (shiftUsdPerTonne: number) => solveAndCheck(net, scenario({ policy: { domesticShare: 0 }, overrides: { markets: { exp: { priceShiftUsdPerTonne: shiftUsdPerTonne } } } }));
    expect(market(await at(8 - 0.05), 'exp').tonnes).toBe(0);
    expect(market(await at(8 + 0.05), 'exp').tonnes).toBeGreaterThan(0);
  });

  it('every horizon: a monthly and a two-year plan bag the same way, and the line is worth its shadow price per tonne a year', async () => {
    const net = bagNetwork(60, { baggedShareRange: { min: 0, max: 1 }, baggedPremiumUsdPerTonne: 20 });
    for (const horizon of [{ kind: 'monthly', year: 2027 }, { kind: 'multi-year', fromYear: 2027, toYear: 2028 }] as const) {
      const s = scenario({ policy: { domesticShare: 0 }, horizon });
      const plan = await solveAndCheck(net, s);
      const years = horizon.kind === 'monthly' ? 1 : 2;
      // 60 t a year of line, all on domestic tonnes (17 USD/t each).
      expect(market(plan, 'dom').baggedTonnes).toBeCloseTo(60 * years, 6);
      const line = plan.packing![0]!;
      expect(line.shadowPriceUsdPerTonne).toBeCloseTo(17 * years, 6);
      const more = await solveAndCheck(net, ScenarioSchema.parse({ ...s, overrides: { ...s.overrides, plants: { plant: { packingCapacityTonnesPerYear: 61 } } } }));
      expect(more.objectiveValue! - plan.objectiveValue!).toBeCloseTo(line.shadowPriceUsdPerTonne!, 6);
    }
  });

  it('the clearing mode: the premium is an add-on to our netback on our bagged tonnes; the clearing prices stay', async () => {
    // tests/clearing/equilibrium.test.ts: prices A 27, B 32, D 35, our margin 300, our last 30 t in B.
    // A 10 t line at 1 USD/t, B's bagged premium 5: 10 of our B tonnes earn 4 more; nothing else moves.
    const base = handNetwork();
    const net: Network = {
      ...base,
      plants: base.plants.map((p) => ({ ...p, packing: { capacityTonnesPerYear: 10, costUsdPerTonne: 1 } })),
      markets: base.markets.map((m) => (m.id === 'b' ? { ...m, baggedShareRange: { min: 0, max: 1 }, baggedPremiumUsdPerTonne: 5 } : m)),
    };
    const s = scenario({ market: 'clearing', policy: { domesticShare: 0 } });
    const plan = await optimise(s, net);
    expect(plan.status).toBe('optimal');
    const price = (id: string) => plan.clearing!.markets.find((x) => x.id === id)!.priceUsdPerTonne;
    expect([price('a'), price('b'), price('d')].map((p) => Math.round(p * 1e6) / 1e6)).toEqual([27, 32, 35]);
    expect(market(plan, 'b').baggedTonnes).toBeCloseTo(10, 6);
    expect(plan.kpis!.marginUsd).toBeCloseTo(300 + 10 * (5 - 1), 6);
    expect(plan.packing![0]!.shadowPriceUsdPerTonne).toBeCloseTo(4, 6);
    const sentence = plan.whySentences!.find((w) => w.kind === 'packing-full');
    expect(sentence && 'dual' in sentence ? sentence.dual : null).toBeCloseTo(4, 6);
    const oracle = await solveWithGlpk(buildModel(networkForScenario(s, net), s).model);
    expect(oracle.status === 'optimal' && oracle.objective).toBeCloseTo(plan.objectiveValue!, 6);
  });
});

describe('where the bagging line should grow', () => {
  it("two plants: the cheaper plant's full line is worth its production-cost advantage, the other's spare line nothing", async () => {
    // Plant (10 USD/t, 50 t, a 20 t line) and Plant B (12 USD/t, 500 t, a 200 t line) both reach the
    // domestic town (80 t at 60, 5 USD/t freight) whose bagged tonnes earn 20 − 3 = 17 more. Every
    // tonne goes bagged: Plant packs and ships 20 t, Plant B 60 t. One more tonne of Plant's line
    // moves a tonne from B to Plant and saves 12 − 10 = 2 USD; more of B's line is worth nothing.
    const base = bagNetwork(20, { baggedShareRange: { min: 0, max: 1 }, baggedPremiumUsdPerTonne: 20 });
    const net: Network = {
      ...base,
      plants: [
        { ...base.plants[0]!, capacityTonnesPerYearByPhase: [50, 100] },
        { ...base.plants[0]!, id: 'plant-b', name: 'Plant B', variableCostUsdPerTonne: 12, capacityTonnesPerYearByPhase: [500, 500], packing: { capacityTonnesPerYear: 200, costUsdPerTonne: 3 } },
      ],
      nodes: [],
      legs: ['plant', 'plant-b'].map((from) => ({ ...base.legs.find((l) => l.id === 'plant-dom')!, id: `${from}-dom`, from })),
      markets: base.markets.filter((m) => m.id === 'dom'),
    };
    const s = scenario({ policy: { domesticShare: 0 } });
    const plan = await optimise(s, net);
    expect(plan.status, plan.message ?? '').toBe('optimal');
    const oracle = await solveWithGlpk(buildModel(networkForScenario(s, net), s).model);
    expect(oracle.status === 'optimal' && oracle.objective).toBeCloseTo(plan.objectiveValue!, 6);
    expect(market(plan, 'dom').baggedTonnes).toBeCloseTo(80, 6);
    const line = (id: string) => plan.packing!.find((p) => p.plantId === id)!;
    expect([line('plant').tonnes, line('plant-b').tonnes]).toEqual([20, 60]);
    expect(line('plant').shadowPriceUsdPerTonne).toBeCloseTo(2, 6);
    expect(line('plant-b').shadowPriceUsdPerTonne).toBeCloseTo(0, 6);
    const more = await optimise(ScenarioSchema.parse({ ...s, overrides: { ...s.overrides, plants: { plant: { packingCapacityTonnesPerYear: 21 } } } }), net);
    expect(more.objectiveValue! - plan.objectiveValue!).toBeCloseTo(2, 6);
  });
});

describe('GLPK agrees on generated networks with bagging ranges, premiums and lines', () => {
  /** A generated network with a bagging line at every plant and a random bagging datum per market. */
  function withBagging(seed: number): Network {
    const net = randomNetwork(seed);
    const rnd = mulberry32((seed ^ 0x2545f491) >>> 0);
    return {
      ...net,
      plants: net.plants.map((p) => ({ ...p, packing: { capacityTonnesPerYear: Math.round(20 + 100 * rnd()), costUsdPerTonne: 2 + 6 * rnd() } })),
      markets: net.markets.map((m) => {
        const kind = Math.floor(rnd() * 3);
        if (kind === 0) return { ...m, baggedShare: Math.round(rnd() * 10) / 10 };
        const min = Math.round(rnd() * 5) / 10;
        return { ...m, baggedShareRange: { min, max: Math.min(1, min + Math.round(rnd() * 6) / 10) }, ...(kind === 2 ? { baggedPremiumUsdPerTonne: 15 * rnd() } : {}) };
      }),
    };
  }

  it('objective within 1e-6 of GLPK in both engines, single-plant plans pass the checker, and the lines never overfill', async () => {
    let checked = 0;
    for (let seed = 1; seed <= 24; seed++) {
      const net = withBagging(seed);
      const s = scenario({ policy: { domesticShare: 0.3 } });
      const oracle = await solveWithGlpk(buildModel(networkForScenario(s, net), s).model);
      for (const engine of ['highs', 'jsLpSolver'] as const) {
        const plan = await optimise({ ...s, engine }, net);
        expect(plan.status, `seed ${seed}`).toBe(oracle.status);
        if (oracle.status !== 'optimal') continue;
        expect(Math.abs(plan.objectiveValue! - oracle.objective) / Math.max(1, Math.abs(oracle.objective)), `seed ${seed} ${engine}`).toBeLessThan(1e-6);
        for (const line of plan.packing!) expect(line.tonnes).toBeLessThanOrEqual(line.capacityTonnes * (1 + 1e-9) + 1e-6);
        if (net.plants.length === 1) {
          expect(checkPlan(plan, s, net).violations, `seed ${seed} ${engine}`).toEqual([]);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
  });
});

describe('overrides', () => {
  const net = bagNetwork(1000, { baggedShare: 0.5 }, { baggedShare: 1 });

  it('a range and a premium by market id (the premium moves with the price multipliers), an exact share back, a premium removed', async () => {
    const s = scenario({
      policy: { domesticShare: 0 },
      overrides: { markets: { dom: { baggedShareRange: { min: 0.3, max: 0.7 }, baggedPremiumUsdPerTonne: 10, priceMultiplier: 1.5 } } },
    });
    const eff = networkForScenario(s, net).markets.find((m) => m.id === 'dom')!;
    expect(eff.baggedShareRange).toEqual({ min: 0.3, max: 0.7 });
    expect(eff.baggedShare).toBeUndefined();
    expect(eff.baggedPremiumUsdPerTonne).toBeCloseTo(15, 9);
    const plan = await solveAndCheck(net, s);
    // 15 − 3 = 12 USD/t for each bagged tonne: 70 % of 80 t.
    expect(market(plan, 'dom').baggedTonnes).toBeCloseTo(56, 6);

    const same = bagNetwork(1000, { baggedShareRange: { min: 0.3, max: 0.7 }, baggedPremiumUsdPerTonne: 15, tiers: [{ tonnesPerYear: 80, priceUsdPerTonne: 90 }] }, { baggedShare: 1 });
    const direct = await solveAndCheck(same);
    expect(direct.objectiveValue!).toBeCloseTo(plan.objectiveValue!, 6);

    const back = networkForScenario(scenario({ overrides: { markets: { dom: { baggedShare: 0.4, baggedPremiumUsdPerTonne: null } } } }), same).markets.find((m) => m.id === 'dom')!;
    expect(back.baggedShare).toBe(0.4);
    expect(back.baggedShareRange).toBeUndefined();
    expect(back.baggedPremiumUsdPerTonne).toBeUndefined();
  });

  it('the packing line by plant id: a cost override changes the packing cost; a plant without a line needs both figures', async () => {
    const s = scenario({ policy: { domesticShare: 0 }, overrides: { plants: { plant: { packingCostUsdPerTonne: 5 } } } });
    const plan = await solveAndCheck(net, s);
    // 40 domestic and 100 export tonnes bagged at 5 USD/t.
    expect(plan.kpis!.packingCostUsd).toBeCloseTo(140 * 5, 4);

    const bare = tinyNetwork();
    const half = scenario({ overrides: { plants: { plant: { packingCapacityTonnesPerYear: 50 } } } });
    expect(checkScenario(half, bare).map((p) => p.path.join('.'))).toEqual(['overrides.plants.plant']);
    const both = scenario({ overrides: { plants: { plant: { packingCapacityTonnesPerYear: 50, packingCostUsdPerTonne: 4 } } } });
    expect(checkScenario(both, bare)).toEqual([]);
    expect(networkForScenario(both, bare).plants[0]!.packing).toEqual({ capacityTonnesPerYear: 50, costUsdPerTonne: 4 });
  });

  it('an exact share and a range together are refused, in the data and in an override', () => {
    const twice = bagNetwork(100, { baggedShare: 0.5, baggedShareRange: { min: 0, max: 1 } });
    expect(checkScenario(scenario(), twice).map((p) => p.path.join('.'))).toEqual(['network.markets.0.baggedShareRange']);
    const s = scenario({ overrides: { markets: { dom: { baggedShare: 0.5, baggedShareRange: { min: 0, max: 1 } } } } });
    expect(checkScenario(s, tinyNetwork()).map((p) => p.path.join('.'))).toEqual(['overrides.markets.dom.baggedShareRange']);
    expect(ScenarioSchema.safeParse({ name: 'x', overrides: { markets: { dom: { baggedShareRange: { min: 0.8, max: 0.2 } } } } }).success).toBe(false);
  });
});

describe('existing data: an exact bagged share keeps its meaning', () => {
  it('an exact share and the same share as a one-point range give the same plan; no bagging variables for exact shares', async () => {
    const exact = bagNetwork(50, { baggedShare: 0.5 }, { baggedShare: 1 });
    const range = bagNetwork(50, { baggedShareRange: { min: 0.5, max: 0.5 } }, { baggedShareRange: { min: 1, max: 1 } });
    const s = scenario({ policy: { domesticShare: 0 } });
    expect(buildModel(networkForScenario(s, exact), s).index.bagged.size).toBe(0);
    const a = await solveAndCheck(exact, s);
    const b = await solveAndCheck(range, s);
    // tests/core/logistics.test.ts: 80 domestic tonnes use 40 t of the 50 t line, 10 t are left for export.
    expect(market(a, 'dom').tonnes).toBeCloseTo(80, 6);
    expect(market(a, 'exp').tonnes).toBeCloseTo(10, 6);
    expect(b.objectiveValue!).toBeCloseTo(a.objectiveValue!, 6);
    for (const plan of [a, b]) {
      expect(market(plan, 'dom').baggedTonnes).toBeCloseTo(40, 6);
      expect(market(plan, 'exp').baggedTonnes).toBeCloseTo(10, 6);
      expect(plan.packing![0]!.tonnes).toBeCloseTo(50, 6);
    }
  });

  it('the shipped network: exact shares only, every market bags its share of our tonnes, the line is reported', async () => {
    const network = loadDefaultNetwork();
    for (const m of network.markets) expect(m.baggedShareRange, m.id).toBeUndefined();
    const s = ScenarioSchema.parse(JSON.parse(readFileSync(new URL('../../data/scenarios/phase1-annual.json', import.meta.url), 'utf8')));
    expect(buildModel(networkForScenario(s, network), s).index.bagged.size).toBe(0);
    const plan = await optimise(s, network);
    expect(plan.status).toBe('optimal');
    for (const m of plan.markets) {
      const share = network.markets.find((x) => x.id === m.id)!.baggedShare ?? 0;
      expect(m.baggedTonnes, m.id).toBeCloseTo(m.tonnes * share, 4);
    }
    const line = plan.packing![0]!;
    const bagged = plan.markets.reduce((sum, m) => sum + m.baggedTonnes!, 0);
    expect(line.tonnes).toBeCloseTo(bagged, 4);
    expect(plan.kpis!.packingCostUsd).toBeCloseTo(bagged * network.plants[0]!.packing!.costUsdPerTonne, 2);
  });
});
