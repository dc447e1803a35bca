import { describe, expect, it } from 'vitest';
import { chooseEngine, JS_LP_SOLVER_MAX_CELLS } from '../../server/solver/choose.ts';
import { generateTransportModel } from '../../server/solver/generate.ts';
import { solveModelInProcess } from '../../server/solver/solve.ts';

describe('chooseEngine', () => {
  const small = generateTransportModel(40, 1);
  const large = generateTransportModel(2000, 1);
  const mip = generateTransportModel(40, 1, { integerVariables: 3 });

  it('auto: small pure LPs go to javascript-lp-solver, the rest to HiGHS', () => {
    expect(small.variables.length * small.rows.length).toBeLessThanOrEqual(JS_LP_SOLVER_MAX_CELLS);
    expect(chooseEngine(small, { engine: 'auto' }).engine).toBe('jsLpSolver');
    expect(chooseEngine(small, { engine: 'auto', wantSensitivity: true }).engine).toBe('highs');
    expect(chooseEngine(large, { engine: 'auto' }).engine).toBe('highs');
    expect(chooseEngine(mip, { engine: 'auto' }).engine).toBe('highs');
    expect(chooseEngine(small).engine).toBe('jsLpSolver');
  });

  it('auto: a re-solve that may start from the last basis goes to HiGHS, which keeps it (a forced engine still wins)', async () => {
    expect(chooseEngine(small, { engine: 'auto', warmStart: true }).engine).toBe('highs');
    expect(chooseEngine(small, { engine: 'jsLpSolver', warmStart: true }).engine).toBe('jsLpSolver');
    const first = await solveModelInProcess(small, { timeLimitMs: 5_000, warmStart: true });
    expect(first.stats.engine).toBe('highs');
    const cheaper = { ...small, variables: small.variables.map((v, j) => (j === 0 ? { ...v, cost: v.cost * 0.5 } : v)) };
    const again = await solveModelInProcess(cheaper, { timeLimitMs: 5_000, warmStart: true });
    expect(again.stats.engine).toBe('highs');
    expect(again.stats.warmStarted).toBe(true);
    // the same optimum as javascript-lp-solver's cold solve of the changed model
    const cold = await solveModelInProcess(cheaper, { timeLimitMs: 5_000, engine: 'jsLpSolver' });
    expect(again.status === 'optimal' && cold.status === 'optimal').toBe(true);
    if (again.status === 'optimal' && cold.status === 'optimal') expect(Math.abs(again.objective - cold.objective)).toBeLessThan(1e-9 * Math.abs(cold.objective) + 1e-6);
  });

  it('a forced engine is honoured', () => {
    expect(chooseEngine(large, { engine: 'jsLpSolver' }).engine).toBe('jsLpSolver');
    expect(chooseEngine(small, { engine: 'highs' }).engine).toBe('highs');
  });

  it('solveModelInProcess follows the choice and gives duals only from HiGHS', async () => {
    const a = await solveModelInProcess(small, { timeLimitMs: 5_000 });
    expect(a.stats.engine).toBe('jsLpSolver');
    expect(a.status === 'optimal' && a.sensitivity).toBeUndefined();
    const b = await solveModelInProcess(small, { timeLimitMs: 5_000, wantSensitivity: true });
    expect(b.stats.engine).toBe('highs');
    expect(b.status === 'optimal' && b.sensitivity?.rowDuals.length).toBe(small.rows.length);
    const c = await solveModelInProcess(mip, { timeLimitMs: 5_000, engine: 'jsLpSolver' });
    expect(c.status).toBe('error');
  });
});
