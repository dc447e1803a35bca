/**
 * javascript-lp-solver has reported a feasible model infeasible: the phase-1 plan with a dense
 * "margin within 2 % of the best" row (coefficients ~10¹, right-hand side ~10⁷). The automatic
 * choice must not pass such a verdict on unconfirmed.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LpModel } from '../../server/core/lp.ts';
import { solveModelInProcess } from '../../server/solver/inProcess.ts';
import { chooseEngine } from '../../server/solver/choose.ts';
import { solveWithGlpk } from '../oracle/glpk.ts';

const model: LpModel = JSON.parse(readFileSync(new URL('./fixtures/near-optimal-phase1.json', import.meta.url), 'utf8'), (_k, v) =>
  v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v,
);

describe('the automatic engine choice confirms a negative verdict', () => {
  it('a feasible model that javascript-lp-solver calls infeasible is solved by HiGHS under auto', async () => {
    expect(chooseEngine(model, { engine: 'auto' }).engine).toBe('jsLpSolver');
    const oracle = await solveWithGlpk(model);
    expect(oracle.status).toBe('optimal');
    const forced = await solveModelInProcess(model, { engine: 'jsLpSolver', timeLimitMs: 10_000 });
    // Recorded behaviour of javascript-lp-solver 1.0.3 on this model; if it ever changes, the
    // guard below still holds.
    expect(['infeasible', 'optimal']).toContain(forced.status);
    const auto = await solveModelInProcess(model, { engine: 'auto', timeLimitMs: 10_000 });
    expect(auto.status).toBe('optimal');
    if (auto.status === 'optimal' && oracle.status === 'optimal') {
      expect(Math.abs(auto.objective - oracle.objective)).toBeLessThan(1e-6 * Math.max(1, Math.abs(oracle.objective)));
      expect(auto.stats.engine).toBe(forced.status === 'optimal' ? 'jsLpSolver' : 'highs');
    }
  });
});
