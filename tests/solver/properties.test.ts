/**
 * Property tests on generated transport-style LPs (random real data, some infeasible):
 * javascript-lp-solver, HiGHS and GLPK agree on status and objective; HiGHS row duals equal
 * GLPK's on non-degenerate instances; scaling every cost by k scales the objective by k.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LpModel } from '../../server/core/lp.ts';
import { generateTransportModel } from '../../server/solver/generate.ts';
import { solveWithHighs } from '../../server/solver/highs.ts';
import { solveWithJsLpSolver } from '../../server/solver/jsLpSolver.ts';
import { isNonDegenerate, solveWithGlpk } from '../oracle/glpk.ts';
import { close, validateSolution } from '../oracle/validate.ts';

const opts = { timeLimitMs: 20_000 };

const instance = fc.record({
  size: fc.integer({ min: 6, max: 180 }),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  periods: fc.constantFrom(1, 1, 2, 3),
  sense: fc.constantFrom('max' as const, 'max' as const, 'min' as const),
});

const build = (p: { size: number; seed: number; periods: number; sense: 'max' | 'min' }): LpModel =>
  generateTransportModel(p.size, p.seed, { periods: p.periods, sense: p.sense, infeasibleProbability: 0.2 });

describe('engines agree with the GLPK oracle', () => {
  it('status and objective (1e-6 relative), feasible points, duals on non-degenerate instances', async () => {
    const counts = { runs: 0, optimal: 0, infeasible: 0, dualsCompared: 0 };
    await fc.assert(
      fc.asyncProperty(instance, async (p) => {
        const model = build(p);
        const [js, hi, gl] = [await solveWithJsLpSolver(model, opts), await solveWithHighs(model, opts), await solveWithGlpk(model)];
        counts.runs++;
        expect(js.status).toBe(gl.status);
        expect(hi.status).toBe(gl.status);
        if (gl.status !== 'optimal' || js.status !== 'optimal' || hi.status !== 'optimal') {
          if (gl.status === 'infeasible') counts.infeasible++;
          return;
        }
        counts.optimal++;
        expect(close(js.objective, gl.objective)).toBe(true);
        expect(close(hi.objective, gl.objective)).toBe(true);
        expect(validateSolution(model, js.values, js.objective).problems).toEqual([]);
        expect(validateSolution(model, hi.values, hi.objective).problems).toEqual([]);
        if (gl.rowDuals && isNonDegenerate(model, gl.values)) {
          counts.dualsCompared++;
          const d = hi.sensitivity!.rowDuals;
          gl.rowDuals.forEach((g, i) => {
            if (!close(d[i], g, 1e-6)) throw new Error(`row ${model.rows[i].name}: HiGHS dual ${d[i]}, GLPK ${g}`);
          });
        }
      }),
      { numRuns: 60, seed: 20250101 },
    );
    expect(counts.infeasible).toBeGreaterThan(0);
    // Random real data: degeneracy is rare, so most optimal instances must have been compared.
    expect(counts.dualsCompared).toBeGreaterThanOrEqual(Math.ceil(0.5 * counts.optimal));
  });

  it('scaling every cost by k scales the objective by k', async () => {
    await fc.assert(
      fc.asyncProperty(instance, fc.constantFrom(0.25, 3, 1000), async (p, k) => {
        const model = build(p);
        const scaled: LpModel = { ...model, variables: model.variables.map((x) => ({ ...x, cost: x.cost * k })) };
        for (const solve of [solveWithHighs, solveWithJsLpSolver]) {
          const [a, b] = [await solve(model, opts), await solve(scaled, opts)];
          expect(b.status).toBe(a.status);
          if (a.status === 'optimal' && b.status === 'optimal') expect(close(b.objective, k * a.objective, 1e-6)).toBe(true);
        }
      }),
      { numRuns: 25, seed: 7 },
    );
  });

  it('the generator is deterministic and reaches 20,000 variables', () => {
    expect(generateTransportModel(300, 5)).toEqual(generateTransportModel(300, 5));
    expect(generateTransportModel(300, 5)).not.toEqual(generateTransportModel(300, 6));
    const big = generateTransportModel(20_000, 1);
    expect(big.variables.length).toBeGreaterThan(18_000);
    expect(big.variables.length).toBeLessThan(22_000);
  });
});
