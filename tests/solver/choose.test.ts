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
