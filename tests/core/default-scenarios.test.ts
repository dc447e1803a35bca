/** The shipped scenarios on the default network: solved, checked independently, compared with GLPK. */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../server/core/model.ts';
import { optimise } from '../../server/optimise.ts';
import { networkForScenario } from '../../server/core/pipeline.ts';
import { Scenario } from '../../server/core/schema.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { shutdownSolverPool } from '../../server/solver/solve.ts';
import { solveWithGlpk } from '../oracle/glpk.ts';
import { checkPlan } from '../oracle/check-plan.ts';
import { scenarioFiles } from '../support/scenario-files.ts';

afterAll(() => shutdownSolverPool());
const network = loadDefaultNetwork();
const dir = new URL('../../data/scenarios/', import.meta.url);
// Scenarios in the market-clearing mode ("market": "clearing") are solved and checked in tests/clearing/equilibrium.test.ts
// (DESIGN §3b); tests/data/scenarios.test.ts still parses them.
const files = scenarioFiles('price-taker');

describe.each(files)('scenario %s', (file) => {
  const scenario = Scenario.parse(JSON.parse(readFileSync(new URL(file, dir), 'utf8')));

  it('solves to an optimum that the independent checker accepts', async () => {
    const plan = await optimise(scenario, network);
    expect(plan.status).toBe('optimal');
    expect(checkPlan(plan, scenario, network).violations).toEqual([]);
    expect(plan.kpis!.domesticShare).toBeGreaterThanOrEqual(scenario.policy.domesticShare - 1e-9);
  });

  it('agrees with GLPK on the objective (LP) or with its LP relaxation bound (MIP)', async () => {
    const { model } = buildModel(networkForScenario(scenario, network), scenario);
    const isMip = model.variables.some((v) => v.kind !== 'continuous');
    const oracle = await solveWithGlpk(model, { relaxIntegers: isMip });
    const plan = await optimise(scenario, network, { engine: 'highs' });
    expect(oracle.status).toBe('optimal');
    if (oracle.status !== 'optimal') return;
    if (isMip) expect(plan.objectiveValue!).toBeLessThanOrEqual(oracle.objective + 1e-6 * Math.abs(oracle.objective));
    else expect(Math.abs(plan.objectiveValue! - oracle.objective) / Math.abs(oracle.objective)).toBeLessThan(1e-6);
  });
});

describe('the default network tells the reference story', () => {
  it('at phase 1 the 50 % rule does not bind; at phase 2 it does, at a price', async () => {
    const load = (f: string) => Scenario.parse(JSON.parse(readFileSync(new URL(f, dir), 'utf8')));
    const p1 = await optimise(load('phase1-annual.json'), network);
    const p2 = await optimise(load('phase2-annual.json'), network);
    expect(p1.policyCost!.binds).toBe(false);
    expect(p1.kpis!.domesticShare).toBeGreaterThan(0.6);
    expect(p2.policyCost!.binds).toBe(true);
    expect(p2.policyCost!.costUsd).toBeGreaterThan(0);
    // Western Kazakhstan imports cement: the plan serves it first.
    for (const id of ['atyrau', 'aktobe']) expect(p1.markets.find((m) => m.id === id)!.tonnes).toBeGreaterThan(0);
    // Northern Iran is a surplus market behind a duty: not served.
    expect(p1.markets.filter((m) => m.country === 'IR').every((m) => m.tonnes === 0)).toBe(true);
  });

  it('Uzbekistan pays 90 USD/t of specific duty at any price: left out at phase 2, with a price gap that re-solving confirms', async () => {
    const base = JSON.parse(readFileSync(new URL('phase2-annual.json', dir), 'utf8'));
    const at = (price: number) => Scenario.parse({ ...base, overrides: { markets: { tashkent: { priceMultiplier: price / 39 } } } });
    const p2 = await optimise(at(39), network);
    const uz = p2.markets.find((m) => m.id === 'tashkent')!;
    expect(uz.tonnes).toBe(0);
    expect(uz.dutyUsdPerTonne).toBeCloseTo(90, 6);
    const gap = uz.priceGapUsdPerTonne!;
    expect(gap).toBeGreaterThan(90);
    const above = await optimise(at(39 + gap + 0.02), network);
    const below = await optimise(at(39 + gap - 0.02), network);
    expect(above.markets.find((m) => m.id === 'tashkent')!.tonnes).toBeGreaterThan(0);
    expect(above.markets.find((m) => m.id === 'tashkent')!.dutyUsdPerTonne).toBeCloseTo(90, 6);
    expect(below.markets.find((m) => m.id === 'tashkent')!.tonnes).toBe(0);
  });
});
