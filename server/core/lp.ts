/**
 * The solver-neutral linear programme: what the model builder produces and every engine adapter
 * consumes. Browser-safe. Names are the product's names (`flow:rail_plant_aktau:makhachkala:1`);
 * adapters that need other names map them internally and back.
 */
import type { WhySubject } from './why.ts';

export type VariableKind = 'continuous' | 'integer' | 'binary';

export interface LpVariable {
  /** Predictable name, e.g. `prod:plant_baiganin:1`. */
  readonly name: string;
  readonly lb: number;
  /** Upper bound; Infinity = none. */
  readonly ub: number;
  /** Objective coefficient. */
  readonly cost: number;
  readonly kind: VariableKind;
  /** Plain words: "tonnes produced at the Baiganin plant in 2027". */
  readonly label?: string;
}

export interface LpTerm {
  /** Index into `LpModel.variables`. */
  readonly v: number;
  readonly coef: number;
}

export interface LpRow {
  /** Predictable name, e.g. `capacity:plant_baiganin:1`. */
  readonly name: string;
  readonly terms: readonly LpTerm[];
  /** Lower bound; -Infinity = none. */
  readonly lb: number;
  /** Upper bound; Infinity = none. Equality rows have lb === ub. */
  readonly ub: number;
  /** Plain words with the unit: "Aktau port capacity, t/yr". */
  readonly label: string;
  /** Constraint family: capacity, balance, conserve, deliver, demand-max, ... */
  readonly family: string;
  /** What the row bounds, as data (the label is its English words with the unit): plans' sentences carry it for other languages. */
  readonly about?: WhySubject;
}

export interface LpModel {
  readonly name: string;
  readonly sense: 'max' | 'min';
  readonly variables: readonly LpVariable[];
  readonly rows: readonly LpRow[];
}

export type SolveStatus = 'optimal' | 'infeasible' | 'unbounded' | 'timedout' | 'error';
export type EngineName = 'jsLpSolver' | 'highs';

export interface SolveStats {
  readonly engine: EngineName;
  readonly engineVersion: string;
  readonly variables: number;
  readonly rows: number;
  readonly integerVariables: number;
  readonly solveMs: number;
  /** The solve started from the basis of the one before (SolveOptions.warmStart, taken). */
  readonly warmStarted?: boolean;
}

/** Duals and ranging are present only when the engine provides them (HiGHS, LPs). */
export interface SolveSensitivity {
  /** Row dual (shadow price) per row index, in objective units per unit of the row's bound. */
  readonly rowDuals: readonly number[];
  /** Reduced cost per variable index. */
  readonly reducedCosts: readonly number[];
  /** Cost ranging per variable: the objective coefficient may move within [low, high] with the same basis. */
  readonly costRanges?: readonly { readonly low: number; readonly high: number }[];
  /** Bound ranging per row: the active bound may move within [low, high] with the same basis. */
  readonly rowRanges?: readonly { readonly low: number; readonly high: number }[];
  /** The simplex edges asked for with `SolveOptions.edgeGroups` (HiGHS, LPs). */
  readonly edges?: readonly SimplexEdge[];
}

/**
 * A simplex edge out of the optimal basis: how every column moves per unit of one nonbasic column
 * raised from its lower bound with the other nonbasic columns held (the basic ones follow so that
 * every row the basis holds at a bound stays there). Only a direction: how far it stays feasible is
 * the caller's ratio test, and the caller checks the point it reaches against the model.
 */
export interface SimplexEdge {
  /** The nonbasic column that enters. */
  readonly column: number;
  /** The columns that move, the entering one (at 1) included. */
  readonly indices: readonly number[];
  /** Their change per unit of the entering column, parallel to `indices`. */
  readonly values: readonly number[];
}

export type SolveResult =
  | {
      readonly status: 'optimal';
      /** Objective value: Σ cost·x. */
      readonly objective: number;
      /** Value per variable index (zeros included). */
      readonly values: readonly number[];
      readonly sensitivity?: SolveSensitivity;
      readonly stats: SolveStats;
    }
  | {
      readonly status: Exclude<SolveStatus, 'optimal'>;
      readonly message: string;
      readonly stats: SolveStats;
    };

export interface SolveOptions {
  readonly timeLimitMs: number;
  /** Ask for duals and ranging (forces an engine that has them). */
  readonly wantSensitivity?: boolean;
  /**
   * This model is the one solved last in this thread with only variables' costs or bounds, or rows'
   * bounds, changed (each row the same object or one with the same `terms` array and name): an
   * engine that can may start from the last optimal basis. Checked, not trusted: a model that is
   * not such a re-solve is solved from scratch.
   */
  readonly warmStart?: boolean;
  /**
   * Groups of columns (a market's sales, then its flows): for each group every column of which is
   * 0 in the optimal plan, one simplex edge (`SolveSensitivity.edges`), the cheapest to enter
   * (`EdgeGroup`). An engine that cannot leaves them out.
   */
  readonly edgeGroups?: readonly EdgeGroup[];
}

/**
 * The columns of a group whose simplex edge is asked for: of `enter`, when every one is nonbasic
 * at its lower bound 0, the one with the best reduced cost (the largest in a maximisation);
 * otherwise, of `otherwise`, the one nonbasic at 0 with the best reduced cost.
 */
export interface EdgeGroup {
  readonly enter: readonly number[];
  readonly otherwise: readonly number[];
}

/** Row activity Σ coef·x for a row given variable values. */
export function rowActivity(row: LpRow, values: readonly number[]): number {
  let sum = 0;
  for (const t of row.terms) sum += t.coef * values[t.v]!;
  return sum;
}

export function countIntegerVariables(model: LpModel): number {
  return model.variables.reduce((n, v) => n + (v.kind === 'continuous' ? 0 : 1), 0);
}
