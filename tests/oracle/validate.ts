/**
 * Independent check of a solution against an LpModel, written without the adapters' helpers:
 * every variable bound, every row (1e-6 relative to the bound's magnitude, at least 1e-6
 * absolute), integrality of integer/binary variables, and the reported objective against
 * Σ cost·x + offset (1e-6 relative).
 */
import type { LpModel } from '../../server/core/lp.ts';

export interface Validation {
  readonly ok: boolean;
  readonly problems: string[];
  readonly recomputedObjective: number;
}

const REL = 1e-6;
const slack = (b: number) => REL * Math.max(1, Math.abs(b));

export function validateSolution(model: LpModel, values: readonly number[], reportedObjective?: number): Validation {
  const problems: string[] = [];
  if (values.length !== model.variables.length) {
    problems.push(`expected ${model.variables.length} values, got ${values.length}`);
    return { ok: false, problems, recomputedObjective: NaN };
  }
  let z = 0;
  let scale = 0;
  model.variables.forEach((v, j) => {
    const x = values[j];
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      problems.push(`${v.name}: value ${x} is not finite`);
      return;
    }
    if (x < v.lb - slack(v.lb)) problems.push(`${v.name}: ${x} below lower bound ${v.lb}`);
    if (x > v.ub + slack(v.ub)) problems.push(`${v.name}: ${x} above upper bound ${v.ub}`);
    if (v.kind === 'binary' && (x < -1e-6 || x > 1 + 1e-6)) problems.push(`${v.name}: binary value ${x} outside [0, 1]`);
    if (v.kind !== 'continuous' && Math.abs(x - Math.round(x)) > 1e-6) problems.push(`${v.name}: ${x} is not integral`);
    z += v.cost * x;
    scale += Math.abs(v.cost * x);
  });
  for (const row of model.rows) {
    let a = 0;
    let mag = 0;
    for (const t of row.terms) {
      a += t.coef * values[t.v];
      mag += Math.abs(t.coef * values[t.v]);
    }
    // Tolerance also allows for rounding in the activity itself.
    const extra = 1e-9 * mag;
    if (a < row.lb - slack(row.lb) - extra) problems.push(`row ${row.name}: activity ${a} below ${row.lb}`);
    if (a > row.ub + slack(row.ub) + extra) problems.push(`row ${row.name}: activity ${a} above ${row.ub}`);
  }
  if (reportedObjective !== undefined) {
    if (Math.abs(z - reportedObjective) > REL * Math.max(1, Math.abs(z), 1e-3 * scale)) {
      problems.push(`objective: reported ${reportedObjective}, recomputed ${z}`);
    }
  }
  return { ok: problems.length === 0, problems, recomputedObjective: z };
}

/** Relative closeness used across the solver tests: |a−b| ≤ tol·max(1, |a|, |b|). */
export function close(a: number, b: number, tol = 1e-6): boolean {
  return Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b));
}
