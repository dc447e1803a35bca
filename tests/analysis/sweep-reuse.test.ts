/**
 * Sweep points that reuse one model (server/analysis/sweep-reuse.ts): every row equals the row of a
 * fresh full `optimise` of the same point, the margin agrees with GLPK on the point's own model, and
 * parameters that change matrix coefficients (or the clearing mode) take the full path.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { rowOf, runSweep, sweepScenarios, SweepRequest, type SweepAxis } from '../../server/analysis/sweep.ts';
import { canReuseSweepModel, sameMatrix, SweepModelReuse } from '../../server/analysis/sweep-reuse.ts';
import { prepare } from '../../server/analysis/common.ts';
import { optimise } from '../../server/optimise.ts';
import { shutdownSolverPool } from '../../server/solver/solve.ts';
import type { Scenario } from '../../server/core/schema.ts';
import { solveWithGlpk } from '../oracle/glpk.ts';
import { defaultNetwork, standardScenario } from './helpers.ts';
import { generateNetwork } from '../../server/solver/generate-network.ts';

afterAll(async () => {
  await shutdownSolverPool();
});

/** The row a full optimise of each point gives, with the options a sweep point is run with. */
async function fullRows(request: SweepRequest) {
  const rows = [];
  for (const [i, p] of sweepScenarios(request).entries()) {
    const plan = await optimise(p.scenario, defaultNetwork(), { inProcess: true, policyCost: true, wantSensitivity: false, ranges: false, competitorImpact: false });
    rows.push(rowOf(i, p.point, plan));
  }
  return rows;
}

const AXES: SweepAxis[] = [
  { parameter: 'exportPriceMultiplier', values: [0.5, 0.8, 1, 1.3, 1.7] },
  { parameter: 'freightMultiplier', values: [0.6, 1, 1.6] },
  { parameter: 'fxKztPerUsd', values: [380, 470, 600] },
  { parameter: 'nodeThroughput', node: 'port_aktau', values: [0, 100_000, 400_000] },
  { parameter: 'wagons', values: [50, 400, 2000] },
];

describe('sweep points reusing the model', () => {
  const cases: [string, Scenario][] = [
    ['phase 1, engine auto', standardScenario('phase1-annual')],
    ['phase 2, engine auto', standardScenario('phase2-annual')],
    ['phase 1, HiGHS', standardScenario('phase1-annual', { engine: 'highs' })],
  ];
  for (const [name, scenario] of cases) {
    it(`${name}: every row equals a full optimise of its point, for each cost or bound parameter`, async () => {
      for (const axis of AXES) {
        const request = SweepRequest.parse({ scenario, axes: [axis] });
        expect(canReuseSweepModel(request.scenario, [axis.parameter])).toBe(true);
        const reused = await runSweep(request, defaultNetwork(), { solving: 'reuse', optimiseOptions: { inProcess: true } });
        expect(reused.rows, axis.parameter).toEqual(await fullRows(request));
        expect(reused.rows.some((r) => r.status === 'optimal'), axis.parameter).toBe(true);
      }
    });
  }

  it('a two-parameter grid in the pool threads equals full optimises, with the rule binding at some points and not at others', async () => {
    const request = SweepRequest.parse({
      scenario: standardScenario('phase2-annual'),
      axes: [
        { parameter: 'exportPriceMultiplier', values: [0.7, 1, 1.3] },
        { parameter: 'freightMultiplier', values: [0.8, 1.2] },
      ],
    });
    const progress: number[] = [];
    const reused = await runSweep(request, defaultNetwork(), { solving: 'reuse', concurrency: 2, onProgress: (done) => progress.push(done) });
    expect(reused.rows).toEqual(await fullRows(request));
    expect(progress.at(-1)).toBe(6);
    expect(new Set(reused.rows.map((r) => r.ruleBinds))).toEqual(new Set([true, false]));
  });

  it('one model serves every point of an export-price sweep, and each margin agrees with GLPK on the point\'s own model', async () => {
    const network = defaultNetwork();
    const request = SweepRequest.parse({ scenario: standardScenario('phase1-annual'), axes: [{ parameter: 'exportPriceMultiplier', values: [0.6, 0.9, 1.2, 1.5] }] });
    const reuse = new SweepModelReuse(network);
    for (const { scenario } of sweepScenarios(request)) {
      const figures = await reuse.solvePoint(scenario);
      expect(figures).not.toBeNull();
      const glpk = await solveWithGlpk(prepare(scenario, network).built.model);
      if (glpk.status !== 'optimal') throw new Error(`GLPK: ${glpk.status}`);
      expect(Math.abs(figures!.kpis.marginUsd - glpk.objective)).toBeLessThanOrEqual(1e-6 * Math.abs(glpk.objective) + 0.01);
    }
    expect(reuse.counts.based).toBe(1);
    expect(reuse.counts.reused).toBe(3);
    // Low export prices leave the rule slack (no second solve), high ones make it bind.
    expect(reuse.counts.ruleSolvesSkipped).toBeGreaterThan(0);
    expect(reuse.counts.ruleSolvesSkipped).toBeLessThan(4);
  });

  it('domestic share changes a matrix coefficient: the models differ and the sweep takes the full path, with the same rows', async () => {
    const network = defaultNetwork();
    const scenario = standardScenario('phase1-annual');
    const request = SweepRequest.parse({ scenario, axes: [{ parameter: 'domesticShare', values: [0.3, 0.6] }] });
    expect(canReuseSweepModel(scenario, ['domesticShare'])).toBe(false);
    const [a, b] = sweepScenarios(request).map((p) => prepare(p.scenario, network).built.model);
    expect(sameMatrix(a, b)).toBe(false);
    const sameRows = sweepScenarios(SweepRequest.parse({ scenario, axes: [{ parameter: 'exportPriceMultiplier', values: [0.6, 1.4] }] })).map((p) => prepare(p.scenario, network).built.model);
    expect(sameMatrix(sameRows[0], sameRows[1])).toBe(true);
    const result = await runSweep(request, network, { solving: 'reuse', optimiseOptions: { inProcess: true } });
    expect(result.rows).toEqual(await fullRows(request));
  });

  it('the clearing mode takes the full path, with the same rows', async () => {
    const scenario = standardScenario('phase1-annual', { market: 'clearing' });
    expect(canReuseSweepModel(scenario, ['exportPriceMultiplier'])).toBe(false);
    const request = SweepRequest.parse({ scenario, axes: [{ parameter: 'fxKztPerUsd', values: [420, 520] }] });
    const result = await runSweep(request, defaultNetwork(), { solving: 'reuse', optimiseOptions: { inProcess: true } });
    expect(result.rows).toEqual(await fullRows(request));
    expect(result.rows.every((r) => r.status === 'optimal')).toBe(true);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    const run = runSweep(
      { scenario: standardScenario('phase1-annual'), axes: [{ parameter: 'exportPriceMultiplier', from: 0.5, to: 1.5, steps: 200 }] },
      defaultNetwork(),
      { solving: 'reuse', concurrency: 1, signal: controller.signal, onProgress: (done) => done >= 1 && controller.abort() },
    );
    await expect(run).rejects.toThrow(/cancelled/);
  });
});

describe('a sweep row is an answer or an error', () => {
  it('a point "optimal" by its solver but with a figure that is not a number is an error row with no figures', () => {
    const kpis = { marginUsd: 1, exportTonnes: 2, domesticTonnes: 3, domesticShare: 0.6 };
    const fine = rowOf(0, { exportPriceMultiplier: 1 }, { status: 'optimal', kpis, policyCost: { binds: false, costUsd: 0 } } as never);
    expect(fine).toMatchObject({ status: 'optimal', marginUsd: 1, ruleCostUsd: 0 });
    for (const broken of [{ ...kpis, marginUsd: Number.NaN }, { ...kpis, exportTonnes: Number.POSITIVE_INFINITY }]) {
      const row = rowOf(1, { exportPriceMultiplier: 2 }, { status: 'optimal', kpis: broken, policyCost: { binds: false, costUsd: 0 } } as never);
      expect(row).toEqual({ index: 1, point: { exportPriceMultiplier: 2 }, status: 'error', marginUsd: null, exportTonnes: null, domesticTonnes: null, domesticShare: null, ruleBinds: null, ruleCostUsd: null });
    }
    const badRule = rowOf(2, {}, { status: 'optimal', kpis, policyCost: { binds: true, costUsd: Number.NaN } } as never);
    expect(badRule.status).toBe('error');
  });
});

describe("a point's time limit bounds its full plan", () => {
  it('a plan in this thread whose deadline has passed reads timedout (no solve gets the whole limit again); without one it is optimal', async () => {
    const scenario = standardScenario('phase1-annual');
    expect((await optimise(scenario, defaultNetwork(), { inProcess: true })).status).toBe('optimal');
    const late = await optimise(scenario, defaultNetwork(), { inProcess: true, deadline: Date.now() - 1 });
    expect(late.status).toBe('timedout');
  });

  it('a reused point out of time builds and solves nothing more: past its deadline, or when its deadline passes while its model is built', async () => {
    const reuse = new SweepModelReuse(defaultNetwork());
    const scenario = standardScenario('phase1-annual');
    expect(await reuse.solvePoint(scenario, Date.now() - 1)).toBeNull();
    expect(reuse.counts.based + reuse.counts.reused).toBe(0);
    // A network of 240,000 variables takes seconds to build: 10 ms runs out during its build.
    const { network, horizon } = generateNetwork(240_000, 1, { plants: 40 });
    const large = new SweepModelReuse(network);
    const big: Scenario = { ...scenario, horizon: { kind: horizon as 'monthly', year: 2027 }, timeLimitMs: 10 };
    expect(await large.solvePoint(big, Date.now() + 10)).toBeNull();
    expect(large.counts.based + large.counts.reused).toBe(0);
    // With its time, the same point of the default network is answered from a model of its own.
    expect((await reuse.solvePoint(scenario))?.status).toBe('optimal');
    expect(reuse.counts.based).toBe(1);
  });
});
