/**
 * The market-clearing plan on the networks `npm run bench` times (tests/clearing/generate.ts,
 * benchClearingNetwork): many markets coupled through a few competitors' shared capacities, the
 * shape on which the solver's options were tuned. The plan HiGHS gives passes the independent
 * equilibrium checker, and GLPK, a second solver, finds the same welfare.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../server/core/model.ts';
import { networkForScenario } from '../../server/core/pipeline.ts';
import { Scenario } from '../../server/core/schema.ts';
import { optimise } from '../../server/optimise.ts';
import { shutdownSolverPool } from '../../server/solver/solve.ts';
import { checkEquilibrium } from '../oracle/check-equilibrium.ts';
import { solveWithGlpk } from '../oracle/glpk.ts';
import { benchClearingNetwork } from './generate.ts';

afterAll(() => shutdownSolverPool());

describe('the clearing benchmark’s generated networks', () => {
  const s = Scenario.parse({ name: 'bench', market: 'clearing', horizon: { kind: 'annual', year: 2027 } });

  it.each([100, 400, 800])('%i markets: the equilibrium passes the checker and GLPK agrees on welfare', async (markets) => {
    const base = benchClearingNetwork(markets);
    const plan = await optimise(s, base, { inProcess: true, ranges: false, competitorImpact: false });
    expect(plan.status, plan.message ?? '').toBe('optimal');
    expect(plan.solver.engine).toBe('highs');
    const net = networkForScenario(s, base);
    expect(checkEquilibrium(plan, s, net).violations).toEqual([]);
    // Competitors sell in many markets and their capacities bind, coupling those markets.
    const report = plan.clearing!;
    expect(report.markets.filter((m) => m.suppliers.some((x) => !x.ours && x.tonnes > 0)).length).toBeGreaterThan(markets / 4);
    expect(report.competitors.filter((c) => c.rentUsdPerTonne > 0).length).toBeGreaterThan(0);
    const oracle = await solveWithGlpk(buildModel(net, s).model);
    expect(oracle.status).toBe('optimal');
    if (oracle.status === 'optimal') expect(Math.abs(oracle.objective - plan.clearing!.welfareUsd)).toBeLessThan(1e-6 * Math.abs(oracle.objective) + 1);
  }, 120_000);
});
