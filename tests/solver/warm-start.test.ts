/**
 * HiGHS re-solves from the last basis (SolveOptions.warmStart, the pipeline's price-gap re-solves):
 * with only costs, bounds or rows' bounds changed, the answer is the one a fresh solve and GLPK give;
 * a model that is not such a re-solve (rows with other terms, a MIP) is solved from scratch, never
 * from a stale model.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LpModel, SolveResult } from '../../server/core/lp.ts';
import { buildModel } from '../../server/core/model.ts';
import { networkForScenario } from '../../server/core/pipeline.ts';
import { Scenario } from '../../server/core/schema.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { generateTransportModel, mulberry32 } from '../../server/solver/generate.ts';
import { solveWithHighs } from '../../server/solver/highs.ts';
import { solveWithGlpk } from '../oracle/glpk.ts';

const scenario = Scenario.parse(JSON.parse(readFileSync(new URL('../../data/scenarios/phase1-annual.json', import.meta.url), 'utf8')));
const defaultModel = buildModel(networkForScenario(scenario, loadDefaultNetwork()), scenario).model;

/** The same model with rows that are not the kept model's (new terms arrays): never warm-started. */
const fresh = (model: LpModel): LpModel => ({ ...model, rows: model.rows.map((r) => ({ ...r, terms: [...r.terms] })) });
const objectiveOf = (r: SolveResult) => (r.status === 'optimal' ? r.objective : Number.NaN);
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));

/**
 * The model with some variables' costs moved (as a price gap's re-solve moves a market's sales) and,
 * optionally, variables' bounds and rows' bounds (as the rule's second solve frees its rows).
 */
function perturbed(base: LpModel, seed: number, bounds: boolean, rowBounds = false): LpModel {
  const rnd = mulberry32(seed);
  return {
    ...base,
    variables: base.variables.map((v) => {
      if (rnd() > 0.2) return v;
      const cost = v.cost + (rnd() - 0.3) * 40;
      return bounds && rnd() < 0.5 ? { ...v, cost, ub: Number.isFinite(v.ub) ? v.ub * (0.5 + rnd()) : 1e6 * rnd() } : { ...v, cost };
    }),
    rows: !rowBounds
      ? base.rows
      : base.rows.map((r) => {
          if (rnd() > 0.2) return r;
          if (rnd() < 0.3) return { ...r, lb: -Infinity, ub: Infinity };
          return Number.isFinite(r.ub) && r.ub > 0 && r.lb !== r.ub ? { ...r, ub: Math.max(r.lb, r.ub * (0.6 + 0.6 * rnd())) } : r;
        }),
  };
}

describe('warm-started HiGHS re-solves', () => {
  for (const [name, base] of [
    ['the default annual model', defaultModel],
    ['a generated transport model', generateTransportModel(800, 7)],
  ] as const) {
    it(`${name}: costs, bounds and row bounds changed on the same rows give the fresh solve's and GLPK's answer`, async () => {
      const first = await solveWithHighs(base, { timeLimitMs: 30_000, wantSensitivity: true });
      expect(first.status).toBe('optimal');
      let warm = 0;
      let warmable = 0;
      // Only an optimal solve leaves a basis to start from (freed or tightened rows can make a model infeasible).
      let lastOptimal = true;
      for (let seed = 1; seed <= 24; seed += 1) {
        const model = perturbed(base, seed, seed % 3 === 0, seed % 2 === 0);
        const again = await solveWithHighs(model, { timeLimitMs: 30_000, wantSensitivity: false, warmStart: true });
        if (again.stats.warmStarted) warm += 1;
        if (lastOptimal) warmable += 1;
        lastOptimal = again.status === 'optimal';
        const scratch = await solveWithHighs(fresh(model), { timeLimitMs: 30_000, wantSensitivity: false });
        expect(scratch.stats.warmStarted).toBeUndefined();
        expect(again.status, `seed ${seed}`).toBe(scratch.status);
        if (scratch.status !== 'optimal') continue;
        expect(close(objectiveOf(again), objectiveOf(scratch)), `seed ${seed}: ${objectiveOf(again)} vs ${objectiveOf(scratch)}`).toBe(true);
        if (seed % 4 === 0) {
          const oracle = await solveWithGlpk(model);
          expect(oracle.status).toBe('optimal');
          const glpk = oracle.status === 'optimal' ? oracle.objective : Number.NaN;
          expect(close(objectiveOf(again), glpk), `seed ${seed}: GLPK ${glpk}`).toBe(true);
        }
        // The next re-solve starts from this model, not the fresh one: solve it once more warm.
        await solveWithHighs(model, { timeLimitMs: 30_000, wantSensitivity: false });
      }
      // Each re-solve that followed an optimal solve of the same rows started from its basis.
      expect(warm).toBe(warmable);
      expect(warmable).toBeGreaterThanOrEqual(12);
    });
  }

  it('solves from scratch when the rows have other terms, when not asked, and for a MIP', async () => {
    await solveWithHighs(defaultModel, { timeLimitMs: 30_000 });
    const otherRows = await solveWithHighs(fresh(perturbed(defaultModel, 3, false)), { timeLimitMs: 30_000, warmStart: true });
    expect(otherRows.stats.warmStarted).toBeUndefined();
    const notAsked = await solveWithHighs(defaultModel, { timeLimitMs: 30_000 });
    expect(notAsked.stats.warmStarted).toBeUndefined();
    const mip: LpModel = { ...defaultModel, variables: defaultModel.variables.map((v, j) => (j === 0 ? { ...v, kind: 'integer' } : v)) };
    const asMip = await solveWithHighs(mip, { timeLimitMs: 30_000, warmStart: true });
    expect(asMip.stats.warmStarted).toBeUndefined();
    expect(asMip.status).toBe('optimal');
  });
});
