/**
 * Engine adapter for HiGHS (npm `highs`, WebAssembly). The only module that imports `highs`.
 *
 * - The wasm runtime is loaded once per thread and cached (lazy singleton). If a solve throws,
 *   the cached runtime is dropped: highs-js can be left corrupted after a native error, so the
 *   next solve reloads it.
 * - A solve builds a native model from structured CSR arrays (`createModel`), so our names (which
 *   contain ':' and '-') never go through the LP text format. The model of the last optimal LP solve
 *   is kept (one per thread): a solve asked to `warmStart` (the pipeline's price-gap re-solves and
 *   the rule's second solve) that has the same constraints — the same rows, only variables' costs
 *   or bounds and rows' bounds changed — changes those in place and starts from the last optimal
 *   basis instead of building the model again. Any other solve disposes it.
 * - Simplex edges (SolveOptions.edgeGroups, the price gaps' certificate): for each group that is
 *   wholly 0 in the optimal plan, its cheapest column to enter, and the basic columns' move per
 *   unit of it, −B⁻¹aⱼ from HiGHS's reduced column (one solve with the factored basis each, no
 *   iteration).
 * - Options: `time_limit` from `timeLimitMs`, `mip_rel_gap: 0`, no output; for LPs row-wise PRICE
 *   and the implied bounds from presolve (LP_OPTIONS).
 * - An 'optimal' plan is re-checked against the model (bounds, rows, integrality; 1e-6 relative)
 *   and downgraded to 'error' if it fails.
 *
 * Sign convention of the returned sensitivity (checked against GLPK in the tests):
 *   rowDuals[i]     = d objective / d (active bound of row i), in the model's own sense.
 *                     For a max problem a binding `≤ capacity` row has a dual ≥ 0 (more capacity
 *                     never hurts); a binding `≥ minimum` row has a dual ≤ 0. For a min problem a
 *                     binding `≥` row has a dual ≥ 0 and a binding `≤` row a dual ≤ 0. Rows that
 *                     are not binding have dual 0.
 *   reducedCosts[j] = d objective / d (active bound of variable j), same sense; 0 for basic
 *                     variables.
 *   costRanges[j]   = [low, high] within which variable j's objective coefficient can move
 *                     with the current basis staying optimal (absolute values, not deltas).
 *   rowRanges[i]    = [low, high] within which row i's active bound can move with the current
 *                     basis staying optimal (absolute values).
 * HiGHS itself reports duals this way for both senses; the adapter passes them through.
 * Sensitivity is only produced for LPs (MIP duals are meaningless).
 */
import highsLoader from 'highs';
import type { Highs, Model as HighsModel, ModelData, ModelStatusCode, Solution, VariableType } from 'highs';
import type { EdgeGroup, LpModel, SimplexEdge, SolveOptions, SolveResult, SolveSensitivity } from '../core/lp.ts';
import { countIntegerVariables } from '../core/lp.ts';
import { clean, errorMessage, failure, findViolation, makeStats, now, trivialOutcome } from './common.ts';

/**
 * Options for every LP (price-taker and market-clearing alike). The answer is an optimum of the same
 * LP either way; only the route to it changes (where the LP has several optima, which one).
 * - `simplex_price_strategy: 1` keeps the dual simplex's PRICE step row-wise: by default HiGHS
 *   switches to column-wise PRICE (a pass over every column) once the rows of the basis inverse it
 *   computes are dense. In the market-clearing LP they are (competitors' supply couples every
 *   market to every other through the suppliers' capacity rows) and the model is wide (after
 *   presolve ~20 columns per row), so the column pass costs more than it saves: on the
 *   20,000-variable clearing LP of `npm run bench` the simplex after presolve is ~25 % faster with
 *   row-wise PRICE (the whole HiGHS run ~10 %), and the price-taker solve is no slower.
 * - `use_implied_bounds_from_presolve: true` gives the presolved LP's columns the (slightly relaxed)
 *   upper bounds its rows imply: a competitor's supply into a market is at most what the market and
 *   the supplier's capacity allow, our flows at most what the plants make. Every column of the
 *   presolved LP is then boxed, so the dual simplex corrects a dual infeasibility by moving the
 *   column to its other bound instead of working it out of the basis. Postsolve returns to the
 *   model's own bounds (and the plan is re-checked against them below). On the 20,000-variable
 *   clearing LP of `npm run bench` the simplex after presolve takes about half the time (1,378
 *   iterations against 1,460), the whole solve with ranging about 60 %; the price-taker LP is a
 *   little faster; the default scenarios solve in the same time within the noise.
 */
export const LP_OPTIONS = { simplex_price_strategy: 1, use_implied_bounds_from_presolve: true } as const;

let cached: Promise<Highs> | null = null;
let loadedVersion = 'unknown';

/** Loads (once per thread) the HiGHS wasm runtime. */
export function loadHighs(): Promise<Highs> {
  if (!cached) {
    const p = highsLoader().then((h) => {
      loadedVersion = h.version.string;
      return h;
    });
    p.catch(() => {
      if (cached === p) cached = null;
    });
    cached = p;
  }
  return cached;
}

/** Drops the cached runtime so the next solve reloads a fresh one. */
export function resetHighs(): void {
  dropKept();
  cached = null;
}

/** Models up to this many variables are kept for a re-solve (a larger one would hold its memory idle). */
const KEEP_MAX_VARIABLES = 50_000;

interface Kept {
  readonly runtime: Highs;
  readonly rows: LpModel['rows'];
  /** The native model's costs and bounds, copied (a caller may change its own arrays afterwards). */
  readonly cost: Float64Array;
  readonly lb: Float64Array;
  readonly ub: Float64Array;
  readonly sense: LpModel['sense'];
  readonly timeLimitS: number | null;
  readonly hm: HighsModel;
}
let kept: Kept | null = null;

function dropKept(): void {
  const k = kept;
  kept = null;
  try {
    k?.hm.dispose();
  } catch {
    cached = null;
  }
}

/**
 * The kept model, made this model: the same runtime, rows, sense and continuous variables; time limit,
 * costs and bounds changed in place (the basis stays). Null when it cannot be: the caller builds one.
 */
function reuseKept(h: Highs, model: LpModel, timeLimitS: number | null): HighsModel | null {
  const k = kept;
  if (!k || k.runtime !== h || k.sense !== model.sense) return null;
  const rowsMoved = k.rows === model.rows ? [] : movedRowBounds(k.rows, model.rows);
  if (rowsMoved === null) return null;
  // No limit after a limited solve would need HiGHS's default back, which it takes only as a number.
  if (timeLimitS === null && k.timeLimitS !== null) return null;
  const n = model.variables.length;
  if (k.cost.length !== n || model.variables.some((v) => v.kind !== 'continuous')) return null;
  kept = null;
  const all = { kind: 'range', from: 0, to: n - 1 } as const;
  let costs = false;
  let bounds = false;
  for (let j = 0; j < n && !(costs && bounds); j += 1) {
    const v = model.variables[j]!;
    costs ||= k.cost[j] !== v.cost;
    bounds ||= k.lb[j] !== v.lb || k.ub[j] !== v.ub;
  }
  if (timeLimitS !== null && timeLimitS !== k.timeLimitS) k.hm.options.set('time_limit', timeLimitS);
  if (costs) k.hm.changeColsCost(all, Float64Array.from(model.variables, (v) => v.cost));
  if (bounds) k.hm.changeColsBounds(all, Float64Array.from(model.variables, (v) => v.lb), Float64Array.from(model.variables, (v) => v.ub));
  if (rowsMoved.length > 0) {
    k.hm.changeRowsBounds(
      { kind: 'set', indices: Int32Array.from(rowsMoved) },
      Float64Array.from(rowsMoved, (i) => model.rows[i]!.lb),
      Float64Array.from(rowsMoved, (i) => model.rows[i]!.ub),
    );
  }
  return k.hm;
}

/**
 * The rows whose bounds differ between the kept model's rows and these, in increasing order, when
 * nothing else differs (each row the same object, or one with the same terms array and name);
 * null otherwise.
 */
function movedRowBounds(before: LpModel['rows'], after: LpModel['rows']): number[] | null {
  if (before.length !== after.length) return null;
  const moved: number[] = [];
  for (let i = 0; i < after.length; i += 1) {
    const a = before[i]!;
    const b = after[i]!;
    if (a === b) continue;
    if (a.terms !== b.terms || a.name !== b.name) return null;
    if (a.lb !== b.lb || a.ub !== b.ub) moved.push(i);
  }
  return moved;
}

/** Structured HiGHS model data (CSR, repeated terms merged, zero coefficients dropped). */
export function toHighsModelData(h: Highs, model: LpModel): ModelData {
  const n = model.variables.length;
  const m = model.rows.length;
  let terms = 0;
  for (const row of model.rows) terms += row.terms.length;
  const starts = new Int32Array(m + 1);
  const indices = new Int32Array(terms);
  const values = new Float64Array(terms);
  // Per variable: the last row it was seen in and where its entry went, to merge repeated terms.
  const lastRow = new Int32Array(n).fill(-1);
  const entryAt = new Int32Array(n);
  let nz = 0;
  model.rows.forEach((row, i) => {
    for (const t of row.terms) {
      if (t.coef === 0) continue;
      if (lastRow[t.v] === i) values[entryAt[t.v]] += t.coef;
      else {
        lastRow[t.v] = i;
        entryAt[t.v] = nz;
        indices[nz] = t.v;
        values[nz++] = t.coef;
      }
    }
    starts[i + 1] = nz;
  });
  const integrality = new Int32Array(n);
  const colLower = new Float64Array(n);
  const colUpper = new Float64Array(n);
  model.variables.forEach((v, j) => {
    let lb = v.lb;
    let ub = v.ub;
    if (v.kind !== 'continuous') {
      integrality[j] = h.constants.variableType.integer;
      if (v.kind === 'binary') {
        lb = Math.max(lb, 0);
        ub = Math.min(ub, 1);
      }
    }
    colLower[j] = lb;
    colUpper[j] = ub;
  });
  const hasInt = integrality.some((x) => x !== 0);
  return {
    numCols: n,
    numRows: m,
    sense: model.sense === 'max' ? h.constants.objectiveSense.maximize : h.constants.objectiveSense.minimize,
    offset: 0,
    colCost: Float64Array.from(model.variables, (v) => v.cost),
    colLower,
    colUpper,
    rowLower: Float64Array.from(model.rows, (r) => r.lb),
    rowUpper: Float64Array.from(model.rows, (r) => r.ub),
    matrix: { numRows: m, numCols: n, format: 'csr', starts, indices: indices.slice(0, nz), values: values.slice(0, nz) },
    ...(hasInt ? { integrality: integrality as unknown as readonly VariableType[] } : {}),
  };
}

/** Size of a model as HiGHS sees it before and after its presolve (diagnostics for the benchmarks). */
export interface ModelDimensions {
  readonly rows: number;
  readonly columns: number;
  readonly nonzeros: number;
  readonly presolved: { readonly rows: number; readonly columns: number; readonly nonzeros: number };
}

/** Rows, columns and nonzeros of a model, and of the reduced LP HiGHS's presolve makes of it. */
export async function modelDimensions(model: LpModel): Promise<ModelDimensions> {
  const h = await loadHighs();
  const data = toHighsModelData(h, model);
  const hm = h.createModel(data);
  try {
    hm.options.set({ output_flag: false });
    hm.presolve();
    const reduced = hm.getPresolvedDimensions();
    return {
      rows: data.numRows,
      columns: data.numCols,
      nonzeros: data.matrix?.indices.length ?? 0,
      presolved: { rows: reduced.numRows, columns: reduced.numCols, nonzeros: reduced.numNonzeros },
    };
  } finally {
    hm.dispose();
  }
}

function describeStatus(h: Highs, code: ModelStatusCode): string {
  const names = h.constants.modelStatus as unknown as Record<string, number>;
  for (const [k, v] of Object.entries(names)) if (v === code) return k;
  return `status ${code}`;
}

/**
 * Why the raw solution HiGHS hands back is unusable, or undefined when it has one finite value per
 * column and per row (one pass over typed arrays: this runs after every solve).
 */
export function malformedSolution(raw: Pick<Solution, 'colValue' | 'colDual' | 'rowDual'>, columns: number, rows: number): string | undefined {
  const arrays = [
    ['colValue', raw.colValue, columns],
    ['colDual', raw.colDual, columns],
    ['rowDual', raw.rowDual, rows],
  ] as const;
  for (const [name, values, length] of arrays) {
    if (values.length !== length) return `${name} has ${values.length} entries, expected ${length}`;
    for (let i = 0; i < length; i++) if (!Number.isFinite(values[i])) return `${name}[${i}] is not a finite number`;
  }
  return undefined;
}

/**
 * The simplex edges of the optimal basis asked for with SolveOptions.edgeGroups: for each group
 * wholly 0 in the plan, its cheapest column to enter (lp.ts, `EdgeGroup`) nonbasic at its lower
 * bound 0, the basic columns moving by −(B⁻¹aⱼ) per unit of it (HiGHS's reduced column; row slacks
 * are left out, the caller recomputes rows). Undefined when the basis cannot give them (HiGHS holds
 * no valid basis, or a call fails).
 */
function simplexEdges(
  h: Highs,
  hm: HighsModel,
  sense: LpModel['sense'],
  values: readonly number[],
  reducedCosts: readonly number[],
  groups: readonly EdgeGroup[],
): SimplexEdge[] | undefined {
  try {
    if (Number(hm.info.get('basis_validity')) !== h.constants.basisValidity.valid) return undefined;
    const colStatus = hm.getBasis().colStatus;
    const basic = hm.getBasicVariables();
    const atLower = h.constants.basisStatus.lower;
    const better = (a: number, b: number) => (sense === 'max' ? reducedCosts[a]! > reducedCosts[b]! : reducedCosts[a]! < reducedCosts[b]!);
    const cheapest = (columns: readonly number[]): number | undefined => {
      let best: number | undefined;
      for (const j of columns) if (colStatus[j] === atLower && values[j] === 0 && (best === undefined || better(j, best))) best = j;
      return best;
    };
    const edges: SimplexEdge[] = [];
    for (const group of groups) {
      if (group.enter.some((j) => values[j] !== 0) || group.otherwise.some((j) => values[j] !== 0)) continue;
      const j = group.enter.length > 0 && group.enter.every((k) => colStatus[k] === atLower) ? cheapest(group.enter) : cheapest(group.otherwise);
      if (j === undefined) continue;
      const reduced = hm.getReducedColumn(j, true);
      const indices = [j];
      const moves = [1];
      for (const p of reduced.nonzeroIndices ?? reduced.values.keys()) {
        const column = basic[p]!;
        const z = reduced.values[p]!;
        if (column >= 0 && z !== 0) {
          indices.push(column);
          moves.push(-z);
        }
      }
      edges.push({ column: j, indices, values: moves });
    }
    return edges;
  } catch {
    return undefined;
  }
}

export async function solveWithHighs(model: LpModel, options: SolveOptions): Promise<SolveResult> {
  const started = now();
  let warmStarted = false;
  const stats = () => ({ ...makeStats(model, 'highs', loadedVersion, now() - started), ...(warmStarted ? { warmStarted } : {}) });
  let h: Highs;
  try {
    h = await loadHighs();
  } catch (e) {
    resetHighs();
    return failure('error', `HiGHS could not be loaded: ${errorMessage(e)}`, stats());
  }
  try {
    const trivial = trivialOutcome(model, stats());
    if (trivial) return trivial;
    const isMip = countIntegerVariables(model) > 0;
    const S = h.constants.modelStatus;
    const timeLimitS = Number.isFinite(options.timeLimitMs) && options.timeLimitMs > 0 ? options.timeLimitMs / 1000 : null;
    const reused = options.warmStart ? reuseKept(h, model, timeLimitS) : null;
    if (!reused) dropKept();
    warmStarted = reused !== null;
    const hm = reused ?? h.createModel(toHighsModelData(h, model));
    // Kept for the next solve of the same rows unless the solve changed more than costs and bounds.
    let keep = !isMip && model.variables.length <= KEEP_MAX_VARIABLES;
    try {
      if (!reused) {
        hm.options.set({ output_flag: false, mip_rel_gap: 0, ...(isMip ? {} : LP_OPTIONS) });
        // HiGHS rejects a non-finite option value: no limit means leaving its default (none).
        if (timeLimitS !== null) hm.options.set('time_limit', timeLimitS);
      }
      hm.run();
      let status = hm.getModelStatus();

      if (status === S.unboundedOrInfeasible) {
        keep = false;
        // Tell them apart: is there any feasible point at all? Solve with a zero objective.
        hm.options.set({ presolve: 'off' });
        hm.clearSolver();
        hm.run();
        status = hm.getModelStatus();
        if (status === S.unboundedOrInfeasible) {
          hm.changeColsCost({ kind: 'range', from: 0, to: model.variables.length - 1 }, new Float64Array(model.variables.length));
          hm.clearSolver();
          hm.run();
          const feas = hm.getModelStatus();
          if (feas === S.optimal) status = S.unbounded;
          else if (feas === S.infeasible) status = S.infeasible;
          else if (feas === S.timeLimit) status = S.timeLimit;
        }
      }

      // Only an optimal basis is worth starting from.
      keep &&= status === S.optimal;
      switch (status) {
        case S.optimal:
          break;
        case S.infeasible:
          return failure('infeasible', 'HiGHS proved that no plan satisfies every constraint', stats());
        case S.unbounded:
          return failure('unbounded', 'the objective can improve without limit (HiGHS)', stats());
        case S.unboundedOrInfeasible:
          return failure('error', 'HiGHS could not tell whether the model is infeasible or unbounded', stats());
        case S.timeLimit: {
          const incumbent = isMip && Number(hm.info.get('primal_solution_status')) === 2;
          return failure(
            'timedout',
            `HiGHS reached the time limit of ${options.timeLimitMs} ms${incumbent ? ' (a feasible but unproven plan existed)' : ''}`,
            stats(),
          );
        }
        default:
          return failure('error', `HiGHS stopped with model status '${describeStatus(h, status)}'`, stats());
      }

      const sol = hm.getSolution();
      // The engine's raw answer is checked for shape before anything trusts it.
      const malformed = malformedSolution(sol, model.variables.length, model.rows.length);
      if (malformed) {
        keep = false;
        return failure('error', `HiGHS returned a malformed solution: ${malformed}`, stats());
      }
      const values = Array.from(sol.colValue, clean);
      const violation = findViolation(model, values);
      if (violation) {
        keep = false;
        return failure('error', `HiGHS reported optimal but its plan violates ${violation.kind} ${violation.name} by ${violation.amount}`, stats());
      }
      const objective = hm.getObjectiveValue();
      let sensitivity: SolveSensitivity | undefined;
      if (!isMip) {
        const rowDuals = Array.from(sol.rowDual, clean);
        const reducedCosts = Array.from(sol.colDual, clean);
        let costRanges: { low: number; high: number }[] | undefined;
        let rowRanges: { low: number; high: number }[] | undefined;
        if (options.wantSensitivity) {
          try {
            const rg = hm.getRanging();
            costRanges = Array.from(rg.colCostDown.value, (low, j) => ({ low, high: rg.colCostUp.value[j] }));
            rowRanges = Array.from(rg.rowBoundDown.value, (low, i) => ({ low, high: rg.rowBoundUp.value[i] }));
          } catch {
            // Ranging needs a valid simplex basis; leave it out rather than fail the solve.
          }
        }
        const edges = options.edgeGroups ? simplexEdges(h, hm, model.sense, values, reducedCosts, options.edgeGroups) : undefined;
        sensitivity = { rowDuals, reducedCosts, ...(costRanges ? { costRanges } : {}), ...(rowRanges ? { rowRanges } : {}), ...(edges ? { edges } : {}) };
      }
      return { status: 'optimal', objective, values, ...(sensitivity ? { sensitivity } : {}), stats: stats() };
    } catch (e) {
      keep = false;
      throw e;
    } finally {
      if (keep) {
        kept = {
          runtime: h,
          rows: model.rows,
          cost: Float64Array.from(model.variables, (v) => v.cost),
          lb: Float64Array.from(model.variables, (v) => v.lb),
          ub: Float64Array.from(model.variables, (v) => v.ub),
          sense: model.sense,
          timeLimitS,
          hm,
        };
      } else {
        try {
          hm.dispose();
        } catch {
          resetHighs();
        }
      }
    }
  } catch (e) {
    resetHighs();
    return failure('error', `HiGHS failed: ${errorMessage(e)}`, stats());
  }
}
