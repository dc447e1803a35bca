/**
 * Certificates that spare a price gap its re-solves (pipeline.ts, `exactPriceGaps`), from the plan's
 * own optimal basis and row prices: that an unserved market is served once its prices rise a little
 * past a level (`servedTonnesAtLeast`), and that it stays unserved a little below one
 * (`soldTonnesAtMost`). Each is checked numerically against the model; when one does not hold, the
 * caller re-solves. Browser-safe, pure.
 *
 * Setting. The plan x⁰ maximises c·x over a polyhedron P (the model; a margin, so `max`) and sells
 * market m nothing. Raising every tier's delivered price of m by g USD/t adds g·ν per tonne sold
 * there (ν = 1 − dutyPct / 100, the share of a rise the seller keeps): the value at g is
 * V(g) = max { c·x + g·ν·s(x) : x ∈ P }, s(x) the tonnes sold to m. V is convex (a maximum of
 * functions linear in g) and, for any optimum x_g at g, ν·s(x_g) is a subgradient of V at g.
 *
 * Claim (served above). Let λ < g be a shift at which the plan is (nearly) still optimal:
 * V(λ) ≤ V(0) + E (λ = 0 with E = 0 always qualifies; so does a λ that `soldTonnesAtMost` covers,
 * with E the shortfall below, or L − tol/2 once the joint re-solve there left m out, with E what
 * that re-solve's plan still sells there at the raised prices, see `unservedJustBelow`), and let
 * x¹ ∈ P.
 * Then every optimum x_g at g sells m at least
 *     (c·x¹ + g·ν·s(x¹) − V(0) − E) / ((g − λ)·ν)  tonnes,
 * because convexity gives V(λ) ≥ V(g) + ν·s(x_g)·(λ − g), i.e.
 * ν·s(x_g)·(g − λ) ≥ V(g) − V(λ) ≥ c·x¹ + g·ν·s(x¹) − V(0) − E.
 *
 * The point x¹. An edge of the optimal basis that raises m's sales (`SimplexEdge`, from the engine)
 * followed as far as the model allows (the ratio test over every column and row it moves), then
 * checked against the bounds and rows it moves; the others keep the plan's values, which the engine
 * adapter checked against the model. Along it the value changes by c·d per unit, so the
 * bound is large when the edge's own price gap −c·d / (ν·Σ d over m's sales) is below g and the
 * step is long. A degenerate basis can block an edge at once (a basic variable already at the bound
 * it moves towards); then no certificate, and the caller re-solves. Any other direction out of the
 * plan serves as well: the caller also follows the move from the plan to a re-solve's plan.
 *
 * V(0) itself. The engine's plan is optimal to its tolerances, not exactly: V(0) is bounded above
 * by weak duality with the plan's row prices y (`planShortfallUsd`): for any y, with d = c − Aᵀy,
 * c·x = y·Ax + d·x ≤ Σᵢ max(yᵢ·lbᵢ, yᵢ·ubᵢ) + Σⱼ max(dⱼ·lbⱼ, dⱼ·ubⱼ) for every x ∈ P, so V(0) − c·x⁰
 * is at most that sum minus c·x⁰ (zero up to rounding at an optimum; infinite, and no certificate,
 * when a price leans on a bound that is not there).
 *
 * Tolerances. Rounding: a reduced cost within 1e-9 of its terms' size counts as 0, and the sums
 * carry a relative 1e-12 of their terms' size; x¹ must meet every bound and row it moves within a
 * relative 1e-9.
 */
import type { LpModel, SimplexEdge } from './lp.ts';

/** A reduced cost below this share of its terms' size is rounding. */
const REDUCED_COST_ROUNDING = 1e-9;
/** What summing many terms may lose, relative to their sizes. */
const SUM_ROUNDING = 1e-12;
/** How far the edge's end point may be outside a bound or row, relative to its size. */
const FEASIBILITY_TOLERANCE = 1e-9;
/** A row's change along an edge below this share of its terms' sizes is rounding, not a move. */
const ROUNDING = 1e-11;

export interface ServedAboveQuestion {
  readonly model: LpModel;
  /** The plan, x⁰ (one value per column). */
  readonly values: readonly number[];
  /** How far c·x⁰ may be below V(0), USD (`planShortfallUsd`). */
  readonly planShortfallUsd: number;
  /** Edges of the plan's basis that may move the market (its columns entering). */
  readonly edges: readonly SimplexEdge[];
  /** The market's sale columns. */
  readonly saleColumns: readonly number[];
  /** The share of a price rise the seller keeps, ν. */
  readonly netShare: number;
  /** g, USD/t. */
  readonly shiftUsdPerTonne: number;
  /** λ < g, USD/t, at which the plan is known to be (nearly) still optimal. */
  readonly stillOptimalAtUsdPerTonne: number;
  /** E: how much more than the plan's value any plan earns at λ, at most, USD. */
  readonly valueGainAtMostUsd: number;
  /** Stop at the first edge that shows more than this many tonnes (default: try every edge). */
  readonly enoughTonnes?: number;
}

/**
 * The model's columns in compressed form (the rows each column enters, with their coefficients, in
 * row order), with scratch space sized to the model, once per model: the certificates of a plan's
 * markets share it, so a market's certificate allocates next to nothing.
 */
interface ModelColumns {
  /** Column j's entries are `start[j]` to `start[j + 1]` − 1 of `row` and `coef`. */
  readonly start: Int32Array;
  readonly row: Int32Array;
  readonly coef: Float64Array;
  /** Per column and per row: the pass that last marked it (compared with `pass`, never cleared). */
  readonly columnMark: Int32Array;
  readonly columnMark2: Int32Array;
  readonly rowMark: Int32Array;
  /** Per column and per row: a value the marking pass wrote. */
  readonly columnValue: Float64Array;
  readonly rowValue: Float64Array;
  readonly rowValue2: Float64Array;
  readonly rowInt: Int32Array;
  /** The columns and rows a pass marked, in the order it marked them. */
  readonly columnList: Int32Array;
  readonly rowList: Int32Array;
  pass: number;
}

const columnsOf = new WeakMap<LpModel, ModelColumns>();

function modelColumns(model: LpModel): ModelColumns {
  let found = columnsOf.get(model);
  if (!found) {
    const n = model.variables.length;
    const m = model.rows.length;
    const start = new Int32Array(n + 1);
    for (const row of model.rows) for (const t of row.terms) start[t.v + 1]!++;
    for (let j = 0; j < n; j++) start[j + 1]! += start[j]!;
    const next = start.slice(0, n);
    const row = new Int32Array(start[n]!);
    const coef = new Float64Array(start[n]!);
    for (let i = 0; i < m; i++) {
      for (const t of model.rows[i]!.terms) {
        const k = next[t.v]!++;
        row[k] = i;
        coef[k] = t.coef;
      }
    }
    found = {
      start,
      row,
      coef,
      columnMark: new Int32Array(n),
      columnMark2: new Int32Array(n),
      rowMark: new Int32Array(m),
      columnValue: new Float64Array(n),
      rowValue: new Float64Array(m),
      rowValue2: new Float64Array(m),
      rowInt: new Int32Array(m),
      columnList: new Int32Array(n),
      rowList: new Int32Array(m),
      pass: 0,
    };
    columnsOf.set(model, found);
  }
  return found;
}

/** A new pass over the scratch space: marks of earlier passes no longer count. */
function newPass(c: ModelColumns): number {
  if (c.pass >= 0x7fffffff) {
    c.columnMark.fill(0);
    c.columnMark2.fill(0);
    c.rowMark.fill(0);
    c.pass = 0;
  }
  return ++c.pass;
}

/**
 * How far the plan's value c·x⁰ may be below the model's optimum V(0), USD, by weak duality with
 * the row prices y (module comment); Infinity when they give no finite bound or the model minimises.
 */
export function planShortfallUsd(model: LpModel, values: readonly number[], rowDuals: readonly number[]): number {
  if (model.sense !== 'max' || rowDuals.length !== model.rows.length) return Infinity;
  const n = model.variables.length;
  const reduced = new Float64Array(n);
  const size = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const cost = model.variables[j]!.cost;
    reduced[j] = cost;
    size[j] = Math.abs(cost);
  }
  let bound = 0;
  let magnitude = 0;
  for (let i = 0; i < model.rows.length; i++) {
    const row = model.rows[i]!;
    const y = rowDuals[i]!;
    if (y !== 0) {
      const at = y > 0 ? row.ub : row.lb;
      if (!Number.isFinite(at)) return Infinity;
      bound += y * at;
      magnitude += Math.abs(y * at);
    }
    for (const t of row.terms) {
      reduced[t.v]! -= t.coef * y;
      size[t.v]! += Math.abs(t.coef * y);
    }
  }
  for (let j = 0; j < n; j++) {
    const v = model.variables[j]!;
    const d = Math.abs(reduced[j]!) <= REDUCED_COST_ROUNDING * size[j]! ? 0 : reduced[j]!;
    if (d !== 0) {
      const at = d > 0 ? v.ub : v.lb;
      if (!Number.isFinite(at)) return Infinity;
      bound += d * at;
      magnitude += Math.abs(d * at);
    }
  }
  let value = 0;
  for (let j = 0; j < n; j++) {
    value += model.variables[j]!.cost * values[j]!;
    magnitude += Math.abs(model.variables[j]!.cost * values[j]!);
  }
  return Math.max(0, bound - value) + SUM_ROUNDING * magnitude;
}

/** Each row's activity Σ a·x and its terms' size Σ |a·x| at a plan, once per model and plan. */
const activities = new WeakMap<readonly number[], { model: LpModel; activity: Float64Array; size: Float64Array }>();

function rowActivities(model: LpModel, values: readonly number[]): { activity: Float64Array; size: Float64Array } {
  const found = activities.get(values);
  if (found && found.model === model) return found;
  const activity = new Float64Array(model.rows.length);
  const size = new Float64Array(model.rows.length);
  for (let i = 0; i < model.rows.length; i++) {
    let a = 0;
    let magnitude = 0;
    for (const t of model.rows[i]!.terms) {
      a += t.coef * values[t.v]!;
      magnitude += Math.abs(t.coef * values[t.v]!);
    }
    activity[i] = a;
    size[i] = magnitude;
  }
  const computed = { model, activity, size };
  activities.set(values, computed);
  return computed;
}

const within = (x: number, lb: number, ub: number, size: number): boolean => {
  const slack = FEASIBILITY_TOLERANCE * Math.max(1, size);
  return x >= lb - slack && x <= ub + slack;
};

/**
 * Tonnes every optimum at shift g sells the market at least, from the best of the edges (module
 * comment); 0 when no edge shows any.
 */
export function servedTonnesAtLeast(q: ServedAboveQuestion): number {
  const { model, values, netShare: nu } = q;
  const g = q.shiftUsdPerTonne;
  const lambda = q.stillOptimalAtUsdPerTonne;
  if (!(nu > 0) || !(g > lambda)) return 0;
  const shortfall = q.planShortfallUsd + Math.max(0, q.valueGainAtMostUsd);
  if (!Number.isFinite(shortfall)) return 0;
  const c = modelColumns(model);
  const { start, row: rowOf, coef: coefOf } = c;
  // The market's sales, marked for this question.
  const sale = newPass(c);
  for (const j of q.saleColumns) c.columnMark2[j] = sale;
  // Only an edge that sells m and pays at g can show anything; the cheapest per tonne sold first.
  const promising: { edge: SimplexEdge; soldPerUnit: number; valuePerUnit: number }[] = [];
  for (const edge of q.edges) {
    let soldPerUnit = 0;
    let valuePerUnit = 0;
    for (let k = 0; k < edge.indices.length; k++) {
      const j = edge.indices[k]!;
      const d = edge.values[k]!;
      if (c.columnMark2[j] === sale) soldPerUnit += d;
      valuePerUnit += model.variables[j]!.cost * d;
    }
    if (soldPerUnit > 0 && valuePerUnit + g * nu * soldPerUnit > 0) promising.push({ edge, soldPerUnit, valuePerUnit });
  }
  if (promising.length > 1) promising.sort((a, b) => b.valuePerUnit / b.soldPerUnit - a.valuePerUnit / a.soldPerUnit);
  const enough = q.enoughTonnes ?? Infinity;
  const atPlan = rowActivities(model, values);
  let best = 0;
  for (const { edge } of promising) {
    if (best > enough) break;
    const pass = newPass(c);

    // The rows it moves, and by how much per unit (rowValue, and rowValue2 for the terms' size).
    let movedRows = 0;
    for (let k = 0; k < edge.indices.length; k++) {
      const j = edge.indices[k]!;
      const d = edge.values[k]!;
      for (let p = start[j]!; p < start[j + 1]!; p++) {
        const i = rowOf[p]!;
        if (c.rowMark[i] !== pass) {
          c.rowMark[i] = pass;
          c.rowValue[i] = 0;
          c.rowValue2[i] = 0;
          c.rowList[movedRows++] = i;
        }
        c.rowValue[i]! += coefOf[p]! * d;
        c.rowValue2[i]! += Math.abs(coefOf[p]! * d);
      }
    }

    // Ratio test: the longest step every moved column and row allows.
    let step = Infinity;
    // Up to half the tolerance the end point is checked with, so that the engine's rounding in a
    // move (a column at 0 that the other plan has at −1e-13) does not stop the edge.
    const limit = (at: number, d: number, lb: number, ub: number) => {
      const bound = d > 0 ? ub : lb;
      const room = (d > 0 ? ub - at : at - lb) + (FEASIBILITY_TOLERANCE / 2) * Math.max(1, Math.abs(bound));
      step = Math.min(step, Math.max(0, room) / Math.abs(d));
    };
    for (let k = 0; k < edge.indices.length; k++) {
      const v = model.variables[edge.indices[k]!]!;
      limit(values[edge.indices[k]!]!, edge.values[k]!, v.lb, v.ub);
    }
    for (let r = 0; r < movedRows; r++) {
      const i = c.rowList[r]!;
      const d = c.rowValue[i]!;
      if (Math.abs(d) <= ROUNDING * c.rowValue2[i]!) continue;
      const row = model.rows[i]!;
      limit(atPlan.activity[i]!, d, row.lb, row.ub);
    }
    if (!(step > 0 && Number.isFinite(step))) continue;

    // The end point x¹ (columnValue for the columns it moves), checked against every bound and row it moved.
    let movedColumns = 0;
    for (let k = 0; k < edge.indices.length; k++) {
      const j = edge.indices[k]!;
      if (c.columnMark[j] !== pass) {
        c.columnMark[j] = pass;
        c.columnValue[j] = values[j]!;
        c.columnList[movedColumns++] = j;
      }
      c.columnValue[j]! += step * edge.values[k]!;
    }
    const atEnd = (j: number) => (c.columnMark[j] === pass ? c.columnValue[j]! : values[j]!);
    let feasible = true;
    for (let r = 0; r < movedColumns && feasible; r++) {
      const j = c.columnList[r]!;
      const x = c.columnValue[j]!;
      const v = model.variables[j]!;
      feasible = within(x, v.lb, v.ub, Math.max(Math.abs(x), Number.isFinite(v.lb) ? Math.abs(v.lb) : 0, Number.isFinite(v.ub) ? Math.abs(v.ub) : 0));
    }
    // A row's activity at x¹ is its activity at x⁰ plus the step times its move (A·x¹ = A·x⁰ + t·A·d),
    // its terms' size at most theirs at x⁰ plus the step times the move's.
    for (let r = 0; r < movedRows && feasible; r++) {
      const i = c.rowList[r]!;
      const row = model.rows[i]!;
      const a = atPlan.activity[i]! + step * c.rowValue[i]!;
      const size = atPlan.size[i]! + step * c.rowValue2[i]!;
      feasible = within(a, row.lb, row.ub, Math.max(size, Number.isFinite(row.lb) ? Math.abs(row.lb) : 0, Number.isFinite(row.ub) ? Math.abs(row.ub) : 0));
    }
    if (!feasible) continue;

    let gain = 0; // c·x¹ − c·x⁰
    let sold = 0; // s(x¹)
    for (let r = 0; r < movedColumns; r++) {
      const j = c.columnList[r]!;
      gain += model.variables[j]!.cost * (c.columnValue[j]! - values[j]!);
    }
    for (const j of q.saleColumns) sold += atEnd(j);
    const tonnes = (gain + g * nu * sold - shortfall) / ((g - lambda) * nu);
    best = Math.max(best, tonnes);
  }
  return best;
}

export interface UnservedBelowQuestion {
  readonly model: LpModel;
  /** The plan's row prices y (the engine's duals). */
  readonly rowDuals: readonly number[];
  /** The market's own columns: its sales and the flows of its cement. */
  readonly marketColumns: readonly number[];
  /** The market's sale columns (among `marketColumns`). */
  readonly saleColumns: readonly number[];
  /** The share of a price rise the seller keeps, ν. */
  readonly netShare: number;
  /** λ, USD/t: the shift at which the market is to be shown unserved. */
  readonly shiftUsdPerTonne: number;
  /** λ′ > λ, USD/t: the shift at which the prices are repaired (the margin above λ). */
  readonly repairedAtUsdPerTonne: number;
  /** `planShortfallUsd` of the plan. */
  readonly planShortfallUsd: number;
}

/**
 * Tonnes any optimum at shift λ sells the market at most, from the plan's row prices repaired on
 * the market's own rows; Infinity when they cannot be.
 *
 * The market's own rows are the rows with a bound of 0 on both sides whose every column is the
 * market's (the conservation of its cement at each node, its delivery): their prices can move
 * freely without changing the weak-duality bound D(y) (module comment), since their bounds are 0.
 * If prices y′ (y changed on those rows only) leave every column of the market with a reduced cost
 * ≤ 0 at shift λ′ (its lower bounds 0; the other columns do not change), then D(y′) at λ′ is at
 * most D(y) at 0, so every plan x earns c·x + λ′·ν·s(x) ≤ c·x⁰ + S (S the plan's shortfall). An
 * optimum x at λ earns c·x + λ·ν·s(x) ≥ c·x⁰ (the plan is a plan there too); subtracting,
 * (λ′ − λ)·ν·s(x) ≤ S. The same bound gives V(λ) ≤ V(0) + S, the E of `servedTonnesAtLeast`.
 *
 * Finding y′: each column of the market enters at most two of its rows, with coefficients ±1 (a
 * flow from one node to the next; a sale, into its delivery); with each row's price change taken
 * with a sign that makes a column's two coefficients opposite, the conditions are differences of
 * two row prices bounded by a constant: shortest paths (Bellman–Ford) give a solution when one
 * exists. It is then checked column by column, which is the proof; any other shape of the
 * market's rows gives Infinity.
 */
export function soldTonnesAtMost(q: UnservedBelowQuestion): number {
  const { model, rowDuals, netShare: nu } = q;
  const lambda = q.shiftUsdPerTonne;
  const repaired = q.repairedAtUsdPerTonne;
  if (!(nu > 0) || !(repaired > lambda) || !Number.isFinite(q.planShortfallUsd) || rowDuals.length !== model.rows.length) return Infinity;
  const c = modelColumns(model);
  const { start, row: rowOf, coef: coefOf } = c;
  // The market's own columns (columnMark) and sales (columnMark2), marked for this question.
  const pass = newPass(c);
  for (const j of q.marketColumns) c.columnMark[j] = pass;
  for (const j of q.saleColumns) c.columnMark2[j] = pass;
  // The market's own rows, as nodes 1..n (0 is the fixed reference): rowInt, for the rows this
  // question looked at (rowMark), 0 for a row that is not the market's own; rowList[n − 1] is node n.
  let nodes = 0;
  for (const j of q.marketColumns) {
    for (let p = start[j]!; p < start[j + 1]!; p++) {
      const i = rowOf[p]!;
      if (c.rowMark[i] === pass) continue;
      c.rowMark[i] = pass;
      c.rowInt[i] = 0;
      const row = model.rows[i]!;
      if (row.lb !== 0 || row.ub !== 0) continue;
      let own = true;
      for (const t of row.terms) {
        if (c.columnMark[t.v] !== pass) {
          own = false;
          break;
        }
      }
      if (!own) continue;
      c.rowList[nodes++] = i;
      c.rowInt[i] = nodes;
    }
  }
  const nodeOf = (i: number): number => (c.rowMark[i] === pass ? c.rowInt[i]! : 0);
  // Each node's orientation σ (its price moves by σ·z): a column's two own rows get opposite
  // coefficients once oriented (a flow leaves one node and enters the next; the delivery row counts
  // what arrives with the sign of the sales). The pairs of nodes a column joins, both ways, with
  // the sign −a·b that relates their orientations.
  const pairFrom: number[] = [];
  const pairTo: number[] = [];
  const pairSign: number[] = [];
  for (const j of q.marketColumns) {
    let first = 0;
    let firstCoef = 0;
    let entries = 0;
    for (let p = start[j]!; p < start[j + 1]!; p++) {
      const n = nodeOf(rowOf[p]!);
      if (n === 0) continue;
      const coef = coefOf[p]!;
      if (coef !== 1 && coef !== -1) return Infinity;
      entries++;
      if (entries > 2) return Infinity;
      if (entries === 1) {
        first = n;
        firstCoef = coef;
      } else {
        pairFrom.push(first, n);
        pairTo.push(n, first);
        pairSign.push(-firstCoef * coef, -firstCoef * coef);
      }
    }
  }
  const orientation = new Int8Array(nodes + 1);
  const queue: number[] = [];
  for (let start = 1; start <= nodes; start++) {
    if (orientation[start] !== 0) continue;
    orientation[start] = 1;
    queue.push(start);
    while (queue.length > 0) {
      const n = queue.pop()!;
      for (let e = 0; e < pairFrom.length; e++) {
        if (pairFrom[e] !== n) continue;
        // σ_to·b = −σ_n·a, i.e. σ_to = σ_n·(−a·b) for coefficients ±1.
        const to = pairTo[e]!;
        const want = orientation[n]! * pairSign[e]!;
        if (orientation[to] === 0) {
          orientation[to] = want;
          queue.push(to);
        } else if (orientation[to] !== want) return Infinity;
      }
    }
  }
  // Each column's condition: Σ over its own rows of σ·a·z ≥ b, with b its reduced cost at λ′; the
  // node with coefficient +1 (plus) and the one with −1 (minus), 0 for none.
  const count = q.marketColumns.length;
  const conditionB = new Float64Array(count);
  const conditionSize = new Float64Array(count);
  const conditionPlus = new Int32Array(count);
  const conditionMinus = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    const j = q.marketColumns[k]!;
    const v = model.variables[j]!;
    if (v.lb !== 0) return Infinity;
    let b = v.cost + (c.columnMark2[j] === pass ? repaired * nu : 0);
    let size = Math.abs(b);
    let plus = 0;
    let minus = 0;
    for (let p = start[j]!; p < start[j + 1]!; p++) {
      const i = rowOf[p]!;
      const n = nodeOf(i);
      if (n === 0) {
        b -= coefOf[p]! * rowDuals[i]!;
        size += Math.abs(coefOf[p]! * rowDuals[i]!);
      } else {
        const oriented = coefOf[p]! * orientation[n]!;
        if (oriented === 1 && plus === 0) plus = n;
        else if (oriented === -1 && minus === 0) minus = n;
        else return Infinity;
      }
    }
    conditionB[k] = b;
    conditionSize[k] = size;
    conditionPlus[k] = plus;
    conditionMinus[k] = minus;
  }
  // Δy_plus − Δy_minus ≥ b  ⇔  Δy_minus ≤ Δy_plus − b: an arc plus → minus of length −b.
  const price = new Float64Array(nodes + 1);
  for (let round = 0; round <= nodes + 1; round++) {
    let changed = false;
    for (let k = 0; k < count; k++) {
      const plus = conditionPlus[k]!;
      const minus = conditionMinus[k]!;
      // Within half the rounding the check below allows: a reduced cost of 1e-13 is not a condition.
      if (price[minus]! > price[plus]! - conditionB[k]! + (REDUCED_COST_ROUNDING / 2) * Math.max(1, conditionSize[k]!)) {
        price[minus] = price[plus]! - conditionB[k]!;
        changed = true;
      }
    }
    if (!changed) break;
    if (round === nodes + 1) return Infinity; // a cycle of negative length: no such prices
  }
  // The reference row price is 0: only differences matter, so move every price by it.
  const reference = price[0]!;
  const delta = (n: number) => (n === 0 ? 0 : price[n]! - reference);
  for (let k = 0; k < count; k++) {
    const plus = conditionPlus[k]!;
    const minus = conditionMinus[k]!;
    const reduced = conditionB[k]! - delta(plus) + delta(minus);
    if (reduced > REDUCED_COST_ROUNDING * Math.max(1, conditionSize[k]! + Math.abs(delta(plus)) + Math.abs(delta(minus)))) return Infinity;
  }
  return q.planShortfallUsd / ((repaired - lambda) * nu);
}
