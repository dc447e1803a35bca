/**
 * Engine adapter for javascript-lp-solver (pure JS simplex). Browser-safe: the web page imports
 * this module for live what-if solves. This module and jsLpReusable.ts (many solves of one model)
 * are the only modules that import the library.
 *
 * What the library gets wrong, and how the adapter copes:
 * - Variable names share one result object with `feasible`, `result`, `bounded`, `isIntegral`:
 *   every name is mapped to a prefixed internal name (`v12`, `r7`, `lb3`, `ub3`, objective `obj`).
 * - Zero-valued variables are omitted from the result: missing means 0.
 * - Infeasible models come back with `feasible: false` and meaningless values; unbounded ones with
 *   `bounded: false` and/or `result: ±Infinity`.
 * - Variables are ≥ 0 by default and have no bound fields: bounds become constraints
 *   (negative or missing lower bounds make the variable `unrestricted`).
 * - Its MIP result cannot be trusted (fractional answers reported feasible after a timeout), so
 *   MIPs are refused with status 'error'.
 * - No duals, reduced costs or ranging: `sensitivity` is never set.
 * Every optimal answer is re-checked against the model (bounds and rows, 1e-6 relative) and the
 * objective is recomputed from the values; a failed check is reported as 'error'.
 */
import solver from 'javascript-lp-solver';
import type { Model as JsLpModel } from 'javascript-lp-solver';
import { z } from 'zod';
import { countIntegerVariables, type LpModel, type LpRow, type LpVariable, type SolveOptions, type SolveResult, type SolveStats } from '../core/lp.ts';
import { clean, errorMessage, failure, findViolation, makeStats, now, objectiveOf, trivialOutcome } from './common.ts';

export const JS_LP_SOLVER_VERSION = '1.0.3';

const OBJECTIVE = 'obj';

const anyNumber = z.custom<number>((v) => typeof v === 'number', 'expected a number');

/** Shape of the library's simplified result; variable values are read separately by key. */
const rawResultSchema = z
  .object({
    feasible: z.boolean(),
    result: anyNumber,
    bounded: z.boolean().optional(),
    isIntegral: z.boolean().optional(),
  })
  .catchall(z.unknown());

type Constraint = { min?: number; max?: number; equal?: number };

/**
 * How a variable's bounds reach the library: fixed (`fx` row), or a `lb` row when the lower bound is
 * finite and not 0, a `ub` row when the upper bound is finite, `unrestricted` when lb < 0.
 * Two models whose variables and rows have the same shapes give tableaux of the same layout.
 */
export function variableShape(v: LpVariable): number {
  if (v.lb === v.ub) return (v.lb < 0 ? 1 : 0) | 8;
  return (v.lb < 0 ? 1 : 0) | (Number.isFinite(v.lb) && v.lb !== 0 ? 2 : 0) | (Number.isFinite(v.ub) ? 4 : 0);
}

/** How a row reaches the library: left out (free or constant), `equal`, or `min` and/or `max`. */
export function rowShape(row: LpRow): 'none' | 'equal' | 'min' | 'max' | 'range' {
  const hasLb = Number.isFinite(row.lb);
  const hasUb = Number.isFinite(row.ub);
  if ((!hasLb && !hasUb) || row.terms.length === 0) return 'none'; // free row, or constant row checked before solving
  if (hasLb && hasUb && row.lb === row.ub) return 'equal';
  return hasLb && hasUb ? 'range' : hasLb ? 'min' : 'max';
}

/** Translates an LpModel into the library's JSON model (fresh objects each call). */
export function toJsLpModel(model: LpModel): JsLpModel {
  const constraints: Record<string, Constraint> = {};
  const variables: Record<string, Record<string, number>> = {};
  const unrestricted: Record<string, 1> = {};

  model.variables.forEach((v, j) => {
    const coeffs: Record<string, number> = {};
    if (v.cost !== 0) coeffs[OBJECTIVE] = v.cost;
    const id = `v${j}`;
    variables[id] = coeffs;
    const shape = variableShape(v);
    if (shape & 1) unrestricted[id] = 1;
    if (shape & 8) {
      constraints[`fx${j}`] = { equal: v.lb };
      coeffs[`fx${j}`] = 1;
      return;
    }
    if (shape & 2) {
      constraints[`lb${j}`] = { min: v.lb };
      coeffs[`lb${j}`] = 1;
    }
    if (shape & 4) {
      constraints[`ub${j}`] = { max: v.ub };
      coeffs[`ub${j}`] = 1;
    }
  });

  model.rows.forEach((row, i) => {
    const name = `r${i}`;
    const shape = rowShape(row);
    if (shape === 'none') return;
    let c: Constraint;
    if (shape === 'equal') c = { equal: row.lb };
    else {
      c = {};
      if (shape !== 'max') c.min = row.lb;
      if (shape !== 'min') c.max = row.ub;
    }
    constraints[name] = c;
    for (const t of row.terms) {
      if (t.coef === 0) continue;
      const coeffs = variables[`v${t.v}`]!;
      coeffs[name] = (coeffs[name] ?? 0) + t.coef; // repeated terms add up
    }
  });

  return {
    optimize: OBJECTIVE,
    opType: model.sense,
    constraints,
    variables,
    unrestricted,
    options: { presolve: false },
  };
}

/** The checks every engine adapter runs first: integer variables refused, trivial models answered. */
export function refusedOrTrivial(model: LpModel, stats: () => SolveStats): SolveResult | undefined {
  if (countIntegerVariables(model) > 0) {
    return failure(
      'error',
      'javascript-lp-solver cannot be trusted with integer variables (it can report a fractional or non-optimal answer as feasible); solve this model with HiGHS',
      stats(),
    );
  }
  return trivialOutcome(model, stats());
}

/** The library's simplified result read into a SolveResult, the optimal point checked against `model`. */
export function readJsLpResult(raw: unknown, model: LpModel, stats: () => SolveStats): SolveResult {
  const parsed = rawResultSchema.safeParse(raw);
  if (!parsed.success) {
    return failure('error', `javascript-lp-solver returned an unexpected result: ${parsed.error.message}`, stats());
  }
  const r = parsed.data;
  if (!r.feasible) return failure('infeasible', 'javascript-lp-solver found no feasible solution', stats());
  if (r.bounded === false || r.result === Infinity || r.result === -Infinity) {
    return failure('unbounded', 'the objective can improve without limit (javascript-lp-solver)', stats());
  }
  if (Number.isNaN(r.result)) return failure('error', 'javascript-lp-solver returned NaN as the objective', stats());

  const values: number[] = new Array(model.variables.length);
  for (let j = 0; j < model.variables.length; j++) {
    const cell: unknown = r[`v${j}`];
    if (cell !== undefined && typeof cell !== 'number') return failure('error', `javascript-lp-solver returned a non-numeric value for ${model.variables[j]!.name}`, stats());
    values[j] = clean(cell ?? 0);
  }
  const violation = findViolation(model, values);
  if (violation) {
    return failure(
      'error',
      `javascript-lp-solver returned a point that violates ${violation.kind} ${violation.name} by ${violation.amount}`,
      stats(),
    );
  }
  return { status: 'optimal', objective: objectiveOf(model, values), values, stats: stats() };
}

export async function solveWithJsLpSolver(model: LpModel, _options: SolveOptions): Promise<SolveResult> {
  const started = now();
  const stats = () => makeStats(model, 'jsLpSolver', JS_LP_SOLVER_VERSION, now() - started);
  try {
    const early = refusedOrTrivial(model, stats);
    if (early) return early;
    return readJsLpResult(solver.Solve(toJsLpModel(model)), model, stats);
  } catch (e) {
    return failure('error', `javascript-lp-solver failed: ${errorMessage(e)}`, stats());
  }
}
