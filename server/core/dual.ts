/**
 * Duals for an engine that reports none (javascript-lp-solver, also in the browser): solve the dual
 * linear programme and read the row duals and reduced costs from it. By strong duality any optimal
 * dual pairs with any optimal primal, so the prices it gives are valid for the primal solution found.
 * Browser-safe, pure.
 *
 * Primal (max; a min problem is max of −c):  max c'x   s.t. lb_i ≤ a_i·x ≤ ub_i,  0 ≤ x_j ≤ u_j.
 * Dual: p_i ≥ 0 per finite ub_i, q_i ≥ 0 per finite lb_i, z_j ≥ 0 per finite u_j;
 *       min Σ ub_i·p_i − Σ lb_i·q_i + Σ u_j·z_j   s.t.  Σ_i a_ij·(p_i − q_i) + z_j ≥ c_j  for every j.
 * Row dual y_i = p_i − q_i (d objective / d bound, in the model's own sense, as HiGHS reports it).
 */
import type { LpModel, LpRow, LpTerm, LpVariable, SolveSensitivity } from './lp.ts';

export interface DualModel {
  readonly model: LpModel;
  /** Per primal row: the dual variable of its upper bound (p) and of its lower bound (q), if any. */
  readonly rowVars: readonly { readonly p: number | null; readonly q: number | null }[];
}

export function dualModel(primal: LpModel): DualModel {
  if (primal.variables.some((v) => v.lb !== 0)) throw new Error('dual LP: every variable must have a lower bound of 0');
  const sign = primal.sense === 'max' ? 1 : -1;
  const variables: LpVariable[] = [];
  const columns: LpTerm[][] = primal.variables.map(() => []);
  const rowVars = primal.rows.map((row, i) => {
    const add = (bound: number, coef: number, tag: string) => {
      variables.push({ name: `dual:${tag}:${i}`, lb: 0, ub: Infinity, cost: coef * bound, kind: 'continuous' });
      const v = variables.length - 1;
      for (const t of row.terms) columns[t.v]!.push({ v, coef: coef * t.coef });
      return v;
    };
    return {
      p: Number.isFinite(row.ub) ? add(row.ub, 1, 'ub') : null,
      q: Number.isFinite(row.lb) ? add(row.lb, -1, 'lb') : null,
    };
  });
  primal.variables.forEach((x, j) => {
    if (!Number.isFinite(x.ub)) return;
    variables.push({ name: `dual:var:${j}`, lb: 0, ub: Infinity, cost: x.ub, kind: 'continuous' });
    columns[j]!.push({ v: variables.length - 1, coef: 1 });
  });
  const rows: LpRow[] = primal.variables.map((x, j) => ({
    name: `dual:${x.name}`,
    family: 'dual',
    label: `dual of ${x.name}`,
    terms: columns[j]!,
    lb: sign * x.cost,
    ub: Infinity,
  }));
  return { model: { name: `${primal.name} (dual)`, sense: 'min', variables, rows }, rowVars };
}

/** Row duals and reduced costs of the primal from the dual's optimal values. */
export function sensitivityFromDual(primal: LpModel, dual: DualModel, values: readonly number[]): SolveSensitivity {
  const sign = primal.sense === 'max' ? 1 : -1;
  const rowDuals = dual.rowVars.map(({ p, q }) => sign * ((p === null ? 0 : values[p]!) - (q === null ? 0 : values[q]!)));
  const reducedCosts = primal.variables.map((x) => x.cost);
  primal.rows.forEach((row, i) => {
    for (const t of row.terms) reducedCosts[t.v]! -= t.coef * rowDuals[i]!;
  });
  return { rowDuals, reducedCosts };
}
