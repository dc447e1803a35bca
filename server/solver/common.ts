/**
 * Helpers shared by the engine adapters. Browser-safe (no Node imports).
 */
import { countIntegerVariables, type EngineName, type LpModel, type SolveResult, type SolveStats } from '../core/lp.ts';

export function makeStats(model: LpModel, engine: EngineName, engineVersion: string, solveMs: number): SolveStats {
  return {
    engine,
    engineVersion,
    variables: model.variables.length,
    rows: model.rows.length,
    integerVariables: countIntegerVariables(model),
    solveMs,
  };
}

export function failure(
  status: 'infeasible' | 'unbounded' | 'timedout' | 'error',
  message: string,
  stats: SolveStats,
): SolveResult {
  return { status, message, stats };
}

/** Σ cost·x. */
export function objectiveOf(model: LpModel, values: readonly number[]): number {
  let z = 0;
  for (let j = 0; j < model.variables.length; j++) z += model.variables[j]!.cost * values[j]!;
  return z;
}

/** Tolerance scaled to the magnitude of a bound: `abs + rel·|bound|`. */
function tol(bound: number, rel: number): number {
  return rel * Math.max(1, Math.abs(bound));
}

export interface Violation {
  readonly kind: 'bound' | 'row' | 'integrality' | 'value';
  readonly name: string;
  readonly amount: number;
}

/**
 * First violated bound, row or integrality requirement of `values`, or undefined when the point
 * is feasible within `rel` (relative to each bound's magnitude, at least absolute `rel`; for rows
 * also relative to Σ|coef·x|). Integer variables must be within 1e-6 of an integer.
 */
export function findViolation(model: LpModel, values: readonly number[], rel = 1e-6): Violation | undefined {
  if (values.length !== model.variables.length) return { kind: 'value', name: 'values.length', amount: Math.abs(values.length - model.variables.length) };
  for (let j = 0; j < model.variables.length; j++) {
    const v = model.variables[j]!;
    const x = values[j]!;
    if (!Number.isFinite(x)) return { kind: 'value', name: v.name, amount: Infinity };
    if (x < v.lb - tol(v.lb, rel)) return { kind: 'bound', name: v.name, amount: v.lb - x };
    if (x > v.ub + tol(v.ub, rel)) return { kind: 'bound', name: v.name, amount: x - v.ub };
    if (v.kind !== 'continuous' && Math.abs(x - Math.round(x)) > 1e-6) {
      return { kind: 'integrality', name: v.name, amount: Math.abs(x - Math.round(x)) };
    }
  }
  for (const row of model.rows) {
    let a = 0;
    let magnitude = 0;
    for (const t of row.terms) {
      a += t.coef * values[t.v]!;
      magnitude += Math.abs(t.coef * values[t.v]!);
    }
    // Relative to the larger of the bound and the terms' magnitude, so rounding in big-M rows
    // (e.g. sale ≤ M·open) is not mistaken for a violation.
    const lbTol = rel * Math.max(1, Math.abs(row.lb), magnitude);
    const ubTol = rel * Math.max(1, Math.abs(row.ub), magnitude);
    if (a < row.lb - lbTol) return { kind: 'row', name: row.name, amount: row.lb - a };
    if (a > row.ub + ubTol) return { kind: 'row', name: row.name, amount: a - row.ub };
  }
  return undefined;
}

/**
 * Outcome for models the engines need not see: no variables (every row is a constant 0), or a
 * variable/row with contradictory bounds. Returns undefined when the model needs an engine.
 */
export function trivialOutcome(model: LpModel, stats: SolveStats): SolveResult | undefined {
  for (const v of model.variables) {
    if (Number.isNaN(v.lb) || Number.isNaN(v.ub) || Number.isNaN(v.cost)) {
      return failure('error', `variable ${v.name} has a NaN bound or cost`, stats);
    }
    if (v.lb > v.ub) return failure('infeasible', `variable ${v.name} has lower bound ${v.lb} above upper bound ${v.ub}`, stats);
    if (v.lb === Infinity || v.ub === -Infinity) return failure('infeasible', `variable ${v.name} has an infinite bound on the wrong side`, stats);
  }
  for (const r of model.rows) {
    if (Number.isNaN(r.lb) || Number.isNaN(r.ub)) return failure('error', `row ${r.name} has a NaN bound`, stats);
    if (r.lb > r.ub) return failure('infeasible', `row ${r.name} has lower bound ${r.lb} above upper bound ${r.ub}`, stats);
    for (const t of r.terms) {
      if (!Number.isInteger(t.v) || t.v < 0 || t.v >= model.variables.length) {
        return failure('error', `row ${r.name} refers to variable index ${t.v}, which does not exist`, stats);
      }
      if (!Number.isFinite(t.coef)) return failure('error', `row ${r.name} has a non-finite coefficient`, stats);
    }
    if (r.terms.length === 0 && (r.lb > 1e-9 * Math.max(1, Math.abs(r.lb)) || r.ub < -1e-9 * Math.max(1, Math.abs(r.ub)))) {
      return failure('infeasible', `row ${r.name} has no terms and its bounds [${r.lb}, ${r.ub}] exclude 0`, stats);
    }
  }
  if (model.variables.length === 0) {
    return { status: 'optimal', objective: 0, values: [], stats };
  }
  return undefined;
}

/** Turns -0 and tiny noise-free values into clean numbers for output. */
export function clean(x: number): number {
  return x === 0 ? 0 : x;
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

export { monotonicNow as now } from '../core/clock.ts';
