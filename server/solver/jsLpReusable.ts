/**
 * javascript-lp-solver for many solves of one model whose numbers change between solves (Monte
 * Carlo draws, sweeps): the library's model and its starting tableau are built once, and each
 * solve starts from a copy of that tableau with the objective coefficients and right-hand sides
 * (row bounds, variable bounds) of the model it is given written in. Browser-safe.
 *
 * The copy is the tableau the library would build from the same model, cell for cell, and the
 * simplex starts from it with fresh state, so a solve gives exactly what `solveWithJsLpSolver` gives
 * (same pivots, same point). A model that differs in structure — other rows or terms, a bound
 * that appears or goes, another size — is solved the ordinary way (a rebuild).
 *
 * The library has no warm start that would keep the previous draw's basis without risking another
 * optimal vertex on a tie; HiGHS (the `highs` wasm package) takes a whole LP text per solve.
 */
import solver from 'javascript-lp-solver';
import type { LpModel, SolveOptions, SolveResult } from '../core/lp.ts';
import { errorMessage, failure, makeStats, now } from './common.ts';
import { JS_LP_SOLVER_VERSION, readJsLpResult, refusedOrTrivial, rowShape, solveWithJsLpSolver, toJsLpModel, variableShape } from './jsLpSolver.ts';

type JsModel = InstanceType<typeof solver.Model>;
type JsTableau = InstanceType<typeof solver.Tableau>;

/** Where a tableau row's right-hand side comes from: a row's or a variable's bound. */
interface RhsSource {
  readonly kind: 'row' | 'lb' | 'ub' | 'fx';
  readonly index: number;
  /** The library's `≤` half (its rhs is kept as is) or `≥` half (negated in the tableau). */
  readonly upper: boolean;
}

export interface ReusableSolveStats {
  /** Solves that started from the kept tableau. */
  readonly reused: number;
  /** Solves of a model of another structure, built from scratch. */
  readonly rebuilt: number;
}

export class ReusableJsLpSolver {
  readonly #base: LpModel;
  readonly #variableShapes: Int8Array;
  readonly #rowShapes: ReturnType<typeof rowShape>[];
  readonly #rhs: readonly RhsSource[];
  readonly #tableau: JsTableau | undefined;
  readonly #costSign: number;
  /** The working matrix, as large as the kept tableau's. */
  readonly #matrix: Float64Array;
  #reused = 0;
  #rebuilt = 0;

  /** Builds the library's model of `base` once; a model it cannot keep is solved by rebuilding. */
  constructor(base: LpModel) {
    this.#base = base;
    this.#variableShapes = Int8Array.from(base.variables, variableShape);
    this.#rowShapes = base.rows.map(rowShape);
    const kept = keptTableau(base);
    this.#rhs = kept?.rhs ?? [];
    this.#costSign = base.sense === 'min' ? -1 : 1;
    this.#tableau = kept?.tableau;
    this.#matrix = new Float64Array(this.#tableau?.matrix.length ?? 0);
  }

  /**
   * A copy of the kept tableau as the library's `copy()` makes it (fresh solver state), except that
   * its matrix is this solver's one buffer, overwritten each solve instead of allocated.
   */
  #freshTableau(): JsTableau {
    const base = this.#tableau!;
    const t = new solver.Tableau(base.precision, base.branchAndCutService);
    t.width = base.width;
    t.height = base.height;
    t.nVars = base.nVars;
    t.model = base.model;
    t.variables = base.variables;
    t.variablesPerIndex = base.variablesPerIndex;
    t.unrestrictedVars = base.unrestrictedVars;
    t.lastElementIndex = base.lastElementIndex;
    t.varIndexByRow = base.varIndexByRow.slice();
    t.varIndexByCol = base.varIndexByCol.slice();
    t.rowByVarIndex = base.rowByVarIndex.slice();
    t.colByVarIndex = base.colByVarIndex.slice();
    t.availableIndexes = base.availableIndexes.slice();
    this.#matrix.set(base.matrix);
    t.matrix = this.#matrix;
    return t;
  }

  get stats(): ReusableSolveStats {
    return { reused: this.#reused, rebuilt: this.#rebuilt };
  }

  /** True when `model` has the kept model's structure: only costs and bound values may differ. */
  fits(model: LpModel): boolean {
    const base = this.#base;
    if (this.#tableau === undefined || model.sense !== base.sense || model.variables.length !== base.variables.length || model.rows.length !== base.rows.length) return false;
    for (let j = 0; j < model.variables.length; j++) {
      const v = model.variables[j]!;
      if (v.kind !== 'continuous' || variableShape(v) !== this.#variableShapes[j]) return false;
    }
    for (let i = 0; i < model.rows.length; i++) {
      const row = model.rows[i]!;
      if (rowShape(row) !== this.#rowShapes[i] || !sameTerms(row.terms, base.rows[i]!.terms)) return false;
    }
    return true;
  }

  /** Solves `model`: from the kept tableau when it fits, else rebuilt. Never throws. */
  async solve(model: LpModel, options: SolveOptions): Promise<SolveResult> {
    if (!this.fits(model)) {
      this.#rebuilt++;
      return solveWithJsLpSolver(model, options);
    }
    this.#reused++;
    const started = now();
    const stats = () => makeStats(model, 'jsLpSolver', JS_LP_SOLVER_VERSION, now() - started);
    try {
      const early = refusedOrTrivial(model, stats);
      if (early) return early;
      const tableau = this.#freshTableau();
      const matrix = tableau.matrix;
      const width = tableau.width;
      // The cost row (row 0): column j + 1 holds variable j's cost, as the library writes it.
      for (let j = 0; j < model.variables.length; j++) matrix[j + 1] = this.#costSign * (model.variables[j]!.cost || 0);
      // Column 0 holds each constraint's rhs, negated for a `≥` constraint.
      this.#rhs.forEach((r, k) => {
        const value = rhsOf(model, r);
        matrix[(k + 1) * width] = r.upper ? value : -value;
      });
      const solution = tableau.solve();
      const raw: Record<string, number | boolean> = { feasible: solution.feasible, result: solution.evaluation, bounded: solution.bounded };
      for (const [id, value] of Object.entries(solution.generateSolutionSet())) if (value !== 0 && value !== undefined) raw[id] = value;
      return readJsLpResult(raw, model, stats);
    } catch (e) {
      return failure('error', `javascript-lp-solver failed: ${errorMessage(e)}`, stats());
    }
  }
}

/**
 * The library's starting tableau of `base` and where each of its constraints' right-hand side
 * comes from; undefined when the layout is not the one expected (every solve then rebuilds).
 */
function keptTableau(base: LpModel): { tableau: JsTableau; rhs: RhsSource[] } | undefined {
  try {
    if (refusedOrTrivial(base, () => makeStats(base, 'jsLpSolver', JS_LP_SOLVER_VERSION, 0)) !== undefined) return undefined;
    const json = toJsLpModel(base);
    const model: JsModel = new solver.Model(undefined, undefined, solver.branchAndCutService).loadJson(json);
    const rhs: RhsSource[] = [];
    // loadJson makes the constraints in the order of the JSON's ids: `≥` before `≤` for each.
    for (const [id, c] of Object.entries(json.constraints)) {
      const kind = id.startsWith('r') ? 'row' : id.startsWith('lb') ? 'lb' : id.startsWith('ub') ? 'ub' : 'fx';
      const index = Number(id.slice(kind === 'row' ? 1 : 2));
      const bound = typeof c === 'string' ? {} : c;
      if (bound.equal !== undefined || bound.min !== undefined) rhs.push({ kind, index, upper: false });
      if (bound.equal !== undefined || bound.max !== undefined) rhs.push({ kind, index, upper: true });
    }
    const layoutKnown =
      model.isMinimization === (base.sense === 'min') &&
      rhs.length === model.constraints.length &&
      rhs.every((r, k) => model.constraints[k]!.isUpperBound === r.upper) &&
      model.variables.length === base.variables.length;
    if (!layoutKnown) return undefined;
    model.tableau.setModel(model);
    model.tableauInitialized = true;
    // Weighted (prioritised) objectives keep state outside the matrix: not for LpModels.
    return model.tableau.optionalObjectives.length === 0 ? { tableau: model.tableau, rhs } : undefined;
  } catch {
    return undefined;
  }
}

function rhsOf(model: LpModel, r: RhsSource): number {
  if (r.kind === 'row') {
    const row = model.rows[r.index]!;
    return r.upper ? row.ub : row.lb;
  }
  const v = model.variables[r.index]!;
  return r.kind === 'ub' ? v.ub : v.lb;
}

function sameTerms(a: LpModel['rows'][number]['terms'], b: LpModel['rows'][number]['terms']): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let t = 0; t < a.length; t++) if (a[t]!.v !== b[t]!.v || a[t]!.coef !== b[t]!.coef) return false;
  return true;
}
