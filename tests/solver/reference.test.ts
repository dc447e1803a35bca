/**
 * Hand-worked reference LPs, each solved by javascript-lp-solver, HiGHS and the GLPK oracle, with
 * the optimum computed by hand in a comment.
 */
import { describe, expect, it } from 'vitest';
import type { LpModel, SolveResult } from '../../server/core/lp.ts';
import { solveWithHighs } from '../../server/solver/highs.ts';
import { solveWithJsLpSolver, toJsLpModel } from '../../server/solver/jsLpSolver.ts';
import { solveWithGlpk } from '../oracle/glpk.ts';
import { close, validateSolution } from '../oracle/validate.ts';
import { lp, row, v } from './helpers.ts';

const opts = { timeLimitMs: 10_000 };
const engines = [
  ['jsLpSolver', solveWithJsLpSolver],
  ['highs', solveWithHighs],
] as const;

function expectOptimal(model: LpModel, r: SolveResult, objective: number, values?: number[]): void {
  if (r.status !== 'optimal') throw new Error(`expected optimal, got ${r.status}: ${r.message}`);
  expect(close(r.objective, objective, 1e-9)).toBe(true);
  const check = validateSolution(model, r.values, r.objective);
  expect(check.problems).toEqual([]);
  if (values) for (const [j, x] of r.values.entries()) expect(x).toBeCloseTo(values[j], 6);
}

/*
 * Transport, minimise cost. Plants A (cap 100), B (cap 80); markets X (needs exactly 70),
 * Y (needs exactly 90). Costs A→X 4, A→Y 6, B→X 5, B→Y 3.
 * By hand: B's cheapest use is Y (3): B→Y = 80 (B at capacity); Y's remaining 10 from A (6);
 * X's 70 from A (4). A uses 80 ≤ 100. Cost = 80·3 + 10·6 + 70·4 = 580.
 * Moving one tonne B→Y to B→X (and A→X to A→Y) changes cost by −3 + 5 − 4 + 6 = +4 > 0: optimal.
 * Duals (d cost / d bound): supply A 0 (slack), supply B −3 (one more tonne at B displaces A→Y:
 * 6 → 3), demand X +4 (via A→X), demand Y +6 (via A→Y). Basis: A→X, A→Y, B→Y, slack A: non-degenerate.
 * Ranging: B→Y's cost may rise to 6 (then A→Y is as good); B's capacity may move in [60, 90]
 * (A→Y = 90 − capB ≥ 0 and A's load 160 − capB ≤ 100).
 */
const transport = (sense: 'min' | 'max'): LpModel => {
  const s = sense === 'min' ? 1 : -1;
  return lp(
    sense,
    [v('flow:A:X', 4 * s), v('flow:A:Y', 6 * s), v('flow:B:X', 5 * s), v('flow:B:Y', 3 * s)],
    [
      row('capacity:A', [[0, 1], [1, 1]], -Infinity, 100),
      row('capacity:B', [[2, 1], [3, 1]], -Infinity, 80),
      row('demand:X', [[0, 1], [2, 1]], 70, 70),
      row('demand:Y', [[1, 1], [3, 1]], 90, 90),
    ],
  );
};

/* x + y ≥ 10 with x ≤ 3, y ≤ 4: at most 7 < 10, infeasible. */
const infeasible = lp('max', [v('x', 1, 0, 3), v('y', 1, 0, 4)], [row('need', [[0, 1], [1, 1]], 10, Infinity)]);

/* max x + y s.t. x − y ≤ 1: (t + 1, t) is feasible for every t ≥ 0 and the objective 2t + 1 grows: unbounded. */
const unbounded = lp('max', [v('x', 1), v('y', 1)], [row('gap', [[0, 1], [1, -1]], -Infinity, 1)]);

/*
 * Equality + ranged + free rows, a negative lower bound.
 * max 2x + 3y − z s.t. x + y = 10, 2 ≤ x − y ≤ 4, x + 2y free, x + z ≤ 100, z ∈ [−5, 5].
 * y = 10 − x so 2x + 3y = 30 − x: make x as small as the ranged row allows: x − y = 2x − 10 ≥ 2 →
 * x = 6, y = 4 (x − y = 2, at the range's lower end). z = −5 (cost −1). Objective 24 + 5 = 29.
 */
const equalityRanged = lp(
  'max',
  [v('x', 2), v('y', 3), v('z', -1, -5, 5)],
  [
    row('sum', [[0, 1], [1, 1]], 10, 10),
    row('spread', [[0, 1], [1, -1]], 2, 4),
    row('free', [[0, 1], [1, 2]], -Infinity, Infinity),
    row('cap', [[0, 1], [2, 1]], -Infinity, 100),
  ],
);

/*
 * Variables named like the library's result fields. max result + 2·feasible − bounded
 * s.t. result + feasible ≤ 4, feasible ≤ 3 (bound), bounded ≥ 0 with a cost: feasible = 3 (worth
 * 2 each), result = 1, bounded = 0. Objective 1 + 6 = 7.
 */
const clashing = lp(
  'max',
  [v('result', 1), v('feasible', 2, 0, 3), v('bounded', -1), v('isIntegral', 0, 1, 1)],
  [row('room', [[0, 1], [1, 1]], -Infinity, 4)],
);

/*
 * Optimum where every variable is zero: min 3x + 2y + 0·w s.t. x + y ≥ 0, x − y ≤ 5; every term is
 * ≥ 0 so (0, 0, 0) is optimal with objective 0. The engines omit zeros; the
 * adapters must still return three values.
 */
const allZero = lp('min', [v('x', 3), v('y', 2), v('w', 0)], [row('any', [[0, 1], [1, 1]], 0, Infinity), row('gap', [[0, 1], [1, -1]], -Infinity, 5)]);

describe.each(engines)('reference LPs on %s', (_name, solve) => {
  it('transport (min and max)', async () => {
    expectOptimal(transport('min'), await solve(transport('min'), opts), 580, [70, 10, 0, 80]);
    expectOptimal(transport('max'), await solve(transport('max'), opts), -580, [70, 10, 0, 80]);
  });
  it('infeasible', async () => {
    expect((await solve(infeasible, opts)).status).toBe('infeasible');
  });
  it('unbounded', async () => {
    expect((await solve(unbounded, opts)).status).toBe('unbounded');
  });
  it('equality, ranged and free rows, negative lower bound, offset', async () => {
    expectOptimal(equalityRanged, await solve(equalityRanged, opts), 29, [6, 4, -5]);
  });
  it('variables named result / feasible / bounded / isIntegral', async () => {
    expectOptimal(clashing, await solve(clashing, opts), 7, [1, 3, 0, 1]);
  });
  it('optimum with every variable at zero', async () => {
    const r = await solve(allZero, opts);
    expectOptimal(allZero, r, 0, [0, 0, 0]);
    if (r.status === 'optimal') expect(r.values).toHaveLength(3);
  });
  it('model without variables', async () => {
    const r = await solve(lp('max', [], []), opts);
    expect(r.status).toBe('optimal');
    if (r.status === 'optimal') expect(r.objective).toBe(0);
  });
  it('contradictory bounds and an impossible empty row are infeasible', async () => {
    expect((await solve(lp('max', [v('x', 1, 5, 2)], []), opts)).status).toBe('infeasible');
    expect((await solve(lp('max', [v('x', 1, 0, 2)], [row('empty', [], 1, 2)]), opts)).status).toBe('infeasible');
  });
  it('infeasible even though the objective has an unbounded direction; no time limit', async () => {
    // x ≥ 1 and x ≤ 0 cannot both hold; y is free with cost 1 (a ray). The answer is infeasible.
    const m = lp('max', [v('x', 0), v('y', 1, -Infinity, Infinity)], [row('a', [[0, 1]], 1, Infinity), row('b', [[0, 1]], -Infinity, 0)]);
    expect((await solve(m, { timeLimitMs: Infinity })).status).toBe('infeasible');
  });
  it('repeated terms in a row add up', async () => {
    // max x s.t. x + x ≤ 6 → x = 3.
    const m = lp('max', [v('x', 1)], [row('twice', [[0, 1], [0, 1]], -Infinity, 6)]);
    expectOptimal(m, await solve(m, opts), 3, [3]);
  });
});

describe('GLPK oracle on the same cases', () => {
  it('agrees with the hand-worked optima', async () => {
    const t = await solveWithGlpk(transport('min'));
    expect(t.status === 'optimal' && t.objective).toBeCloseTo(580, 9);
    expect((await solveWithGlpk(infeasible)).status).toBe('infeasible');
    expect((await solveWithGlpk(unbounded)).status).toBe('unbounded');
    const e = await solveWithGlpk(equalityRanged);
    expect(e.status === 'optimal' && e.objective).toBeCloseTo(29, 9);
    const c = await solveWithGlpk(clashing);
    expect(c.status === 'optimal' && c.objective).toBeCloseTo(7, 9);
  });
});

describe('HiGHS sensitivity', () => {
  it('row duals are d objective / d bound in the model sense, with ranging', async () => {
    const min = await solveWithHighs(transport('min'), { ...opts, wantSensitivity: true });
    if (min.status !== 'optimal' || !min.sensitivity) throw new Error('expected sensitivity');
    const d = min.sensitivity.rowDuals;
    for (const [i, x] of [0, -3, 4, 6].entries()) expect(d[i]).toBeCloseTo(x, 9);
    // Reduced cost of the unused B→X: 5 − (u_B + v_X) = 5 − (−3 + 4) = 4 (raising its bound costs 4).
    expect(min.sensitivity.reducedCosts[2]).toBeCloseTo(4, 9);
    expect(min.sensitivity.costRanges?.[3].high).toBeCloseTo(6, 9);
    expect(min.sensitivity.rowRanges?.[1].low).toBeCloseTo(60, 9);
    expect(min.sensitivity.rowRanges?.[1].high).toBeCloseTo(90, 9);

    const max = await solveWithHighs(transport('max'), { ...opts, wantSensitivity: true });
    if (max.status !== 'optimal' || !max.sensitivity) throw new Error('expected sensitivity');
    // Maximising −cost: the binding capacity of B is worth +3 per tonne.
    for (const [i, x] of [0, 3, -4, -6].entries()) expect(max.sensitivity!.rowDuals[i]).toBeCloseTo(x, 9);
  });
  it('no ranging unless asked', async () => {
    const r = await solveWithHighs(transport('min'), opts);
    expect(r.status === 'optimal' && r.sensitivity?.costRanges).toBeUndefined();
  });
});

describe('MIP handling', () => {
  /*
   * Knapsack: max 5a + 4b + 3c s.t. 2a + 3b + c ≤ 5, a, b, c ∈ {0, 1}.
   * By enumeration a = b = c = 1 weighs 6 > 5; best is
   * a + b (weight 5, value 9) vs a + c (3, 8) vs b + c (4, 7): 9. Its LP relaxation gives more
   * (a = 1, c = 1, b = 2/3: 8 + 8/3).
   */
  const knapsack = lp(
    'max',
    [v('a', 5, 0, 1, 'binary'), v('b', 4, 0, 1, 'binary'), v('c', 3, 0, 1, 'binary')],
    [row('weight', [[0, 2], [1, 3], [2, 1]], -Infinity, 5)],
  );
  it('HiGHS solves it to proven optimality', async () => {
    expectOptimal(knapsack, await solveWithHighs(knapsack, opts), 9, [1, 1, 0]);
  });
  it('javascript-lp-solver refuses it honestly', async () => {
    const r = await solveWithJsLpSolver(knapsack, opts);
    expect(r.status).toBe('error');
    if (r.status !== 'optimal') expect(r.message).toMatch(/HiGHS/);
  });
});

describe('javascript-lp-solver model translation', () => {
  it('uses only prefixed internal names and an explicit opType', () => {
    const j = toJsLpModel(clashing);
    expect(j.opType).toBe('max');
    expect(Object.keys(j.variables)).toEqual(['v0', 'v1', 'v2', 'v3']);
    for (const k of Object.keys(j.constraints)) expect(k).toMatch(/^(r|lb|ub|fx)\d+$/);
  });
});

