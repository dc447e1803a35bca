/**
 * The market-clearing mode (DESIGN §3b) on a network worked out by hand, then on every shipped
 * clearing scenario in every horizon: each result passes the independent equilibrium checker, and
 * GLPK, a second solver, agrees on the welfare and the prices.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../server/core/model.ts';
import { optimise } from '../../server/optimise.ts';
import { networkForScenario } from '../../server/core/pipeline.ts';
import { Scenario, type ScenarioInput } from '../../server/core/schema.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { shutdownSolverPool } from '../../server/solver/solve.ts';
import { scenario } from '../core/fixtures.ts';
import { checkEquilibrium } from '../oracle/check-equilibrium.ts';
import { solveWithGlpk } from '../oracle/glpk.ts';
import { handNetwork } from './fixtures.ts';
import { scenarioFiles } from '../support/scenario-files.ts';

afterAll(() => shutdownSolverPool());
const ENGINES = ['highs', 'jsLpSolver'] as const;
const clearing = (input: Partial<ScenarioInput> = {}) => scenario({ market: 'clearing', policy: { domesticShare: 0 }, ...input });

describe('a market worked out by hand: our plant and one rival, three markets of two blocks', () => {
  // Our delivered costs: A 25, B 30, D 50; Rival's (cash 30 + freight): A 40, B 32, D 35. Rival has
  // spare capacity, so where it sells, its offer is the price: B 32, D 35. Our 150 t go first where
  // they save most over Rival or add most value: A's 60 t at 100 (15 over Rival's 40), A's 60 t at 30
  // (5 over our cost, Rival would not serve it), then B (2 under Rival): our last 30 t earn 2 USD/t,
  // so our capacity rent is 2 and A's price is our 25 + 2 = 27 (A's lower block, worth 30, is bought
  // whole). D: Rival at 35 serves both blocks (80 and 45 > 35).
  // Welfare = values bought (A 7,800 + B 8,800 + D 6,250) − costs (ours 120×25 + 30×30; Rival 90×32 + 100×35) = 12,570.
  // Our margin at these prices: 120 × (27 − 25) + 30 × (32 − 30) = 300.
  it.each(ENGINES)('%s: prices 27 / 32 / 35, flows, margin and welfare as on paper', async (engine) => {
    const net = handNetwork();
    const s = clearing({ engine });
    const plan = await optimise(s, net);
    expect(plan.status).toBe('optimal');
    const m = (id: string) => plan.clearing!.markets.find((x) => x.id === id)!;
    expect(m('a').priceUsdPerTonne).toBeCloseTo(27, 6);
    expect(m('b').priceUsdPerTonne).toBeCloseTo(32, 6);
    expect(m('d').priceUsdPerTonne).toBeCloseTo(35, 6);
    expect([m('a').ourTonnes, m('b').ourTonnes, m('d').ourTonnes]).toEqual([120, 30, 0]);
    expect([m('a').boughtTonnes, m('b').boughtTonnes, m('d').boughtTonnes]).toEqual([120, 120, 100]);
    expect(m('b').ourShare).toBeCloseTo(0.25, 9);
    const rival = plan.clearing!.competitors[0];
    expect(rival.markets.map((x) => [x.market, x.tonnes])).toEqual([['a', 0], ['b', 90], ['d', 100]]);
    expect(rival.rentUsdPerTonne).toBe(0);
    expect(m('a').marginalSupplier).toMatchObject({ kind: 'ours', costUsdPerTonne: 27 });
    expect(m('b').marginalSupplier).toMatchObject({ kind: 'competitor', id: 'rival', costUsdPerTonne: 32 });
    expect(m('d').marginalSupplier).toMatchObject({ kind: 'competitor', id: 'rival', costUsdPerTonne: 35 });
    expect(plan.kpis!.marginUsd).toBeCloseTo(300, 6);
    expect(plan.clearing!.welfareUsd).toBeCloseTo(12570, 6);
    expect(plan.clearing!.markets.every((x) => x.ourTonnesRange === null)).toBe(true);
    expect(checkEquilibrium(plan, s, net).violations).toEqual([]);
    expect(plan.why.join(' ')).toMatch(/Rival takes 90 t of Market B/);
  });

  it('a border friction into D (KZ→AZ, 12 USD/t) lifts Rival\'s offer there to 47 and is charged on our deliveries too', async () => {
    // Rival's D offer: 30 + 5 + 12 = 47: D's upper block (80) buys at 47, its lower block (45) no longer.
    // Our D cost: 50 + 12 = 62, still above 47: we stay out. A and B are inside Kazakhstan: unchanged.
    const friction = { id: 'kz-az', fromCountry: 'KZ', toCountry: 'AZ', cost: { value: 12, currency: 'USD' as const }, sources: {} };
    const net = { ...handNetwork(), borderFrictions: [friction] };
    const s = clearing({ engine: 'highs' });
    const plan = await optimise(s, net);
    expect(plan.status).toBe('optimal');
    const m = (id: string) => plan.clearing!.markets.find((x) => x.id === id)!;
    expect([m('a').priceUsdPerTonne, m('b').priceUsdPerTonne, m('d').priceUsdPerTonne].map((x) => Math.round(x * 1e6) / 1e6)).toEqual([27, 32, 47]);
    expect(m('d').boughtTonnes).toBe(50);
    expect(plan.markets.find((x) => x.id === 'd')!.dutyUsdPerTonne).toBeCloseTo(12, 9);
    expect(plan.markets.find((x) => x.id === 'a')!.dutyUsdPerTonne).toBe(0);
    expect(plan.kpis!.marginUsd).toBeCloseTo(300, 6);
    expect(checkEquilibrium(plan, s, net).violations).toEqual([]);
  });

  it('GLPK finds the same welfare and the same prices (duals of the market balances)', async () => {
    const net = handNetwork();
    const s = clearing();
    const built = buildModel(networkForScenario(s, net), s);
    const oracle = await solveWithGlpk(built.model);
    expect(oracle.status).toBe('optimal');
    if (oracle.status !== 'optimal') return;
    expect(oracle.objective).toBeCloseTo(12570, 6);
    const price = (id: string) => oracle.rowDuals![built.model.rows.findIndex((r) => r.name === `clear:${id}:2027`)];
    expect([price('a'), price('b'), price('d')].map((p) => Math.round(p * 1e6) / 1e6)).toEqual([27, 32, 35]);
  });

  it('the checker is not a rubber stamp: a price moved by 1 USD/t or a tonne moved between markets fails it', async () => {
    const net = handNetwork();
    const s = clearing();
    const plan = await optimise(s, net);
    const moved = structuredClone(plan);
    moved.clearing!.markets[1].priceUsdPerTonneByPeriod[0] += 1;
    expect(checkEquilibrium(moved, s, net).violations.length).toBeGreaterThan(0);
    const shifted = structuredClone(plan);
    shifted.markets[0].tonnesByPeriod[0] -= 10;
    shifted.markets[1].tonnesByPeriod[0] += 10;
    expect(checkEquilibrium(shifted, s, net).violations.length).toBeGreaterThan(0);
  });

  it.each(ENGINES)('%s: a degenerate split is reported as a range, confirmed by tipping the tie either way', async (engine) => {
    // Rival's freight to B 0: its offer there is 30, exactly our delivered cost, and our capacity is ample.
    // B buys 120 t at 30 whoever delivers them; we must deliver at least the 20 t Rival cannot (its 200 t
    // go 100 to D, 100 to B at most... D takes 100, leaving 100 for B), so our tonnes range over [20, 120].
    const tie = { ourCapacity: 1000, rivalFreightB: 0 };
    const s = clearing({ engine });
    const plan = await optimise(s, handNetwork(tie));
    const b = plan.clearing!.markets.find((x) => x.id === 'b')!;
    expect(b.priceUsdPerTonne).toBeCloseTo(30, 6);
    expect(b.ourTonnesRange).toEqual({ min: 20, max: 120 });
    expect(checkEquilibrium(plan, s, handNetwork(tie)).violations).toEqual([]);
    // Tip the tie: Rival 0.01 USD/t dearer gives us all of B; 0.01 cheaper gives us only what Rival cannot carry.
    const dearer = await optimise(s, handNetwork({ ...tie, rivalFreightB: 0.01 }));
    const cheaper = await optimise(s, handNetwork({ ...tie, rivalFreightB: 0 - 0 }));
    expect(dearer.clearing!.markets.find((x) => x.id === 'b')!.ourTonnes).toBeCloseTo(120, 6);
    const rivalCheaper = await optimise(clearing({ engine, overrides: { suppliers: { rival: { cashCostMultiplier: 0.9999 } } } }), handNetwork(tie));
    expect(rivalCheaper.clearing!.markets.find((x) => x.id === 'b')!.ourTonnes).toBeCloseTo(20, 6);
    expect(cheaper.status).toBe('optimal');
  });
});

describe('every shipped clearing scenario, in every horizon', () => {
  const network = loadDefaultNetwork();
  const dir = new URL('../../data/scenarios/', import.meta.url);
  const files = scenarioFiles('clearing');

  it('there are clearing scenarios to check', () => expect(files.length).toBeGreaterThanOrEqual(8));

  it.each(files)('%s: the equilibrium passes the checker and GLPK agrees on welfare', async (file) => {
    const s = Scenario.parse(JSON.parse(readFileSync(new URL(file, dir), 'utf8')));
    const plan = await optimise(s, network, { ranges: false, competitorImpact: false });
    expect(plan.status, plan.message ?? '').toBe('optimal');
    const net = networkForScenario(s, network);
    expect(checkEquilibrium(plan, s, net).violations).toEqual([]);
    const oracle = await solveWithGlpk(buildModel(net, s).model);
    expect(oracle.status).toBe('optimal');
    if (oracle.status === 'optimal') expect(Math.abs(oracle.objective - plan.clearing!.welfareUsd)).toBeLessThan(1e-6 * Math.abs(oracle.objective) + 1);
  });

  const phase1 = Scenario.parse(JSON.parse(readFileSync(new URL('clearing-phase1.json', dir), 'utf8')));
  it.each([
    ['monthly', { kind: 'monthly', year: 2027 }],
    ['multi-year', { kind: 'multi-year', fromYear: 2026, toYear: 2030, phase2FromYear: 2029 }],
  ] as const)('%s: the checker accepts the clearing plan in every period', async (_, horizon) => {
    const s = Scenario.parse({ ...phase1, horizon });
    const plan = await optimise(s, network, { ranges: false, competitorImpact: false });
    expect(plan.status).toBe('optimal');
    expect(plan.clearing!.markets[0].priceUsdPerTonneByPeriod).toHaveLength(plan.horizon.periods.length);
    expect(checkEquilibrium(plan, s, networkForScenario(s, network)).violations).toEqual([]);
  });

  it('javascript-lp-solver, with prices from its own solve of the dual, passes the checker on phase 1', async () => {
    const s = Scenario.parse({ ...phase1, engine: 'jsLpSolver' });
    const plan = await optimise(s, network, { ranges: false, competitorImpact: false });
    expect(plan.solver.engine).toBe('jsLpSolver');
    expect(checkEquilibrium(plan, s, networkForScenario(s, network)).violations).toEqual([]);
  });

  it("the rule's cost to us is our margin at the equilibrium without it minus with it, as a re-solve at share 0 confirms", async () => {
    const plan = await optimise(phase1, network, { ranges: false, competitorImpact: false });
    const free = await optimise(Scenario.parse({ ...phase1, policy: { ...phase1.policy, domesticShare: 0 } }), network, { ranges: false, competitorImpact: false, policyCost: false });
    expect(plan.policyCost!.marginWithRuleUsd).toBeCloseTo(plan.kpis!.marginUsd, 1);
    expect(plan.policyCost!.marginWithoutRuleUsd).toBeCloseTo(free.kpis!.marginUsd, 1);
    expect(plan.policyCost!.costUsd).toBeCloseTo(free.kpis!.marginUsd - plan.kpis!.marginUsd, 1);
  });
});
