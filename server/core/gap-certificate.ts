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

/** Rows of each column with their coefficients, once per model. */
const columnsOf = new WeakMap<LpModel, { rows: number[][]; coefs: number[][] }>();

function incidence(model: LpModel): { rows: number[][]; coefs: number[][] } {
  let found = columnsOf.get(model);
  if (!found) {
    const rows = model.variables.map((): number[] => []);
    const coefs = model.variables.map((): number[] => []);
    model.rows.forEach((row, i) => {
      for (const t of row.terms) {
        rows[t.v]!.push(i);
        coefs[t.v]!.push(t.coef);
      }
    });
    found = { rows, coefs };
    columnsOf.set(model, found);
  }
  return found;
}

/**
 * How far the plan's value c·x⁰ may be below the model's optimum V(0), USD, by weak duality with
 * the row prices y (module comment); Infinity when they give no finite bound or the model minimises.
 */
export function planShortfallUsd(model: LpModel, values: readonly number[], rowDuals: readonly number[]): number {
  if (model.sense !== 'max' || rowDuals.length !== model.rows.length) return Infinity;
  const reduced = model.variables.map((v) => v.cost);
  const size = model.variables.map((v) => Math.abs(v.cost));
  let bound = 0;
  let magnitude = 0;
  const add = (price: number, lb: number, ub: number): boolean => {
    if (price === 0) return true;
    const at = price > 0 ? ub : lb;
    if (!Number.isFinite(at)) return false;
    bound += price * at;
    magnitude += Math.abs(price * at);
    return true;
  };
  for (let i = 0; i < model.rows.length; i++) {
    const row = model.rows[i]!;
    const y = rowDuals[i]!;
    if (!add(y, row.lb, row.ub)) return Infinity;
    for (const t of row.terms) {
      reduced[t.v]! -= t.coef * y;
      size[t.v]! += Math.abs(t.coef * y);
    }
  }
  for (let j = 0; j < model.variables.length; j++) {
    const v = model.variables[j]!;
    const d = Math.abs(reduced[j]!) <= REDUCED_COST_ROUNDING * size[j]! ? 0 : reduced[j]!;
    if (!add(d, v.lb, v.ub)) return Infinity;
  }
  let value = 0;
  for (let j = 0; j < model.variables.length; j++) {
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
  model.rows.forEach((row, i) => {
    let a = 0;
    let magnitude = 0;
    for (const t of row.terms) {
      a += t.coef * values[t.v]!;
      magnitude += Math.abs(t.coef * values[t.v]!);
    }
    activity[i] = a;
    size[i] = magnitude;
  });
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
  const sales = new Set(q.saleColumns);
  const { rows: rowsOfColumn, coefs: coefsOfColumn } = incidence(model);
  const shortfall = q.planShortfallUsd + Math.max(0, q.valueGainAtMostUsd);
  if (!Number.isFinite(shortfall)) return 0;
  // Only an edge that sells m and pays at g can show anything; the cheapest per tonne sold first.
  const promising = q.edges
    .map((edge) => {
      let soldPerUnit = 0;
      let valuePerUnit = 0;
      for (let k = 0; k < edge.indices.length; k++) {
        const j = edge.indices[k]!;
        const d = edge.values[k]!;
        if (sales.has(j)) soldPerUnit += d;
        valuePerUnit += model.variables[j]!.cost * d;
      }
      return { edge, soldPerUnit, valuePerUnit };
    })
    .filter((e) => e.soldPerUnit > 0 && e.valuePerUnit + g * nu * e.soldPerUnit > 0)
    .sort((a, b) => b.valuePerUnit / b.soldPerUnit - a.valuePerUnit / a.soldPerUnit);
  const enough = q.enoughTonnes ?? Infinity;
  const atPlan = rowActivities(model, values);
  let best = 0;
  for (const { edge } of promising) {
    if (best > enough) break;

    // The rows it moves, and by how much per unit.
    const rowMove = new Map<number, { d: number; size: number }>();
    for (let k = 0; k < edge.indices.length; k++) {
      const j = edge.indices[k]!;
      const d = edge.values[k]!;
      const rows = rowsOfColumn[j]!;
      const coefs = coefsOfColumn[j]!;
      for (let r = 0; r < rows.length; r++) {
        const m = rowMove.get(rows[r]!) ?? { d: 0, size: 0 };
        m.d += coefs[r]! * d;
        m.size += Math.abs(coefs[r]! * d);
        rowMove.set(rows[r]!, m);
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
    for (const [i, m] of rowMove) {
      if (Math.abs(m.d) <= ROUNDING * m.size) continue;
      const row = model.rows[i]!;
      limit(atPlan.activity[i]!, m.d, row.lb, row.ub);
    }
    if (!(step > 0 && Number.isFinite(step))) continue;

    // The end point x¹, checked against every bound and row it moved.
    const moved = new Map<number, number>();
    for (let k = 0; k < edge.indices.length; k++) {
      const j = edge.indices[k]!;
      moved.set(j, (moved.get(j) ?? values[j]!) + step * edge.values[k]!);
    }
    const atEnd = (j: number) => moved.get(j) ?? values[j]!;
    let feasible = true;
    for (const [j, x] of moved) {
      const v = model.variables[j]!;
      feasible &&= within(x, v.lb, v.ub, Math.max(Math.abs(x), Number.isFinite(v.lb) ? Math.abs(v.lb) : 0, Number.isFinite(v.ub) ? Math.abs(v.ub) : 0));
    }
    // A row's activity at x¹ is its activity at x⁰ plus the step times its move (A·x¹ = A·x⁰ + t·A·d),
    // its terms' size at most theirs at x⁰ plus the step times the move's.
    for (const [i, m] of rowMove) {
      if (!feasible) break;
      const row = model.rows[i]!;
      const a = atPlan.activity[i]! + step * m.d;
      const size = atPlan.size[i]! + step * m.size;
      feasible = within(a, row.lb, row.ub, Math.max(size, Number.isFinite(row.lb) ? Math.abs(row.lb) : 0, Number.isFinite(row.ub) ? Math.abs(row.ub) : 0));
    }
    if (!feasible) continue;

    let gain = 0; // c·x¹ − c·x⁰
    let sold = 0; // s(x¹)
    for (const [j, x] of moved) gain += model.variables[j]!.cost * (x - values[j]!);
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
  const own = new Set(q.marketColumns);
  const sales = new Set(q.saleColumns);
  const { rows: rowsOfColumn, coefs: coefsOfColumn } = incidence(model);
  // The market's own rows, as nodes 1..n (0 is the fixed reference).
  const node = new Map<number, number>();
  for (const j of q.marketColumns) {
    for (const i of rowsOfColumn[j]!) {
      if (node.has(i)) continue;
      const row = model.rows[i]!;
      if (row.lb === 0 && row.ub === 0 && row.terms.every((t) => own.has(t.v))) node.set(i, node.size + 1);
    }
  }
  // Each row's orientation σ (its price moves by σ·z): a column's two own rows get opposite
  // coefficients once oriented (a flow leaves one node and enters the next; the delivery row counts
  // what arrives with the sign of the sales).
  const orientation = new Map<number, number>();
  const pairs = new Map<number, { row: number; coef: number }[]>();
  for (const j of q.marketColumns) {
    const entries: { row: number; coef: number }[] = [];
    const rows = rowsOfColumn[j]!;
    for (let r = 0; r < rows.length; r++) {
      if (!node.has(rows[r]!)) continue;
      const coef = coefsOfColumn[j]![r]!;
      if (coef !== 1 && coef !== -1) return Infinity;
      entries.push({ row: rows[r]!, coef });
    }
    if (entries.length > 2) return Infinity;
    if (entries.length === 2) for (const [a, b] of [entries, [entries[1]!, entries[0]!]] as const) (pairs.get(a.row) ?? pairs.set(a.row, []).get(a.row)!).push({ row: b.row, coef: -a.coef * b.coef });
  }
  for (const start of node.keys()) {
    if (orientation.has(start)) continue;
    orientation.set(start, 1);
    const queue = [start];
    while (queue.length > 0) {
      const i = queue.pop()!;
      for (const { row, coef } of pairs.get(i) ?? []) {
        // σ_row·b = −σ_i·a, i.e. σ_row = σ_i·(−a·b) for coefficients ±1.
        const want = orientation.get(i)! * coef;
        const has = orientation.get(row);
        if (has === undefined) {
          orientation.set(row, want);
          queue.push(row);
        } else if (has !== want) return Infinity;
      }
    }
  }
  // Each column's condition: Σ over its own rows of σ·a·z ≥ b, with b its reduced cost at λ′.
  interface Condition {
    readonly b: number;
    readonly size: number;
    readonly plus: number; // node with coefficient +1, or 0
    readonly minus: number; // node with coefficient −1, or 0
  }
  const conditions: Condition[] = [];
  for (const j of q.marketColumns) {
    const v = model.variables[j]!;
    if (v.lb !== 0) return Infinity;
    let b = v.cost + (sales.has(j) ? repaired * nu : 0);
    let size = Math.abs(b);
    let plus = 0;
    let minus = 0;
    const rows = rowsOfColumn[j]!;
    const coefs = coefsOfColumn[j]!;
    for (let r = 0; r < rows.length; r++) {
      const n = node.get(rows[r]!);
      if (n === undefined) {
        b -= coefs[r]! * rowDuals[rows[r]!]!;
        size += Math.abs(coefs[r]! * rowDuals[rows[r]!]!);
      } else {
        const oriented = coefs[r]! * orientation.get(rows[r]!)!;
        if (oriented === 1 && plus === 0) plus = n;
        else if (oriented === -1 && minus === 0) minus = n;
        else return Infinity;
      }
    }
    conditions.push({ b, size, plus, minus });
  }
  // Δy_plus − Δy_minus ≥ b  ⇔  Δy_minus ≤ Δy_plus − b: an arc plus → minus of length −b.
  const price = new Array<number>(node.size + 1).fill(0);
  for (let round = 0; round <= node.size + 1; round++) {
    let changed = false;
    for (const c of conditions) {
      // Within half the rounding the check below allows: a reduced cost of 1e-13 is not a condition.
      if (price[c.minus]! > price[c.plus]! - c.b + (REDUCED_COST_ROUNDING / 2) * Math.max(1, c.size)) {
        price[c.minus] = price[c.plus]! - c.b;
        changed = true;
      }
    }
    if (!changed) break;
    if (round === node.size + 1) return Infinity; // a cycle of negative length: no such prices
  }
  // The reference row price is 0: only differences matter, so move every price by it.
  const reference = price[0]!;
  const delta = (n: number) => (n === 0 ? 0 : price[n]! - reference);
  for (const c of conditions) {
    const reduced = c.b - delta(c.plus) + delta(c.minus);
    if (reduced > REDUCED_COST_ROUNDING * Math.max(1, c.size + Math.abs(delta(c.plus)) + Math.abs(delta(c.minus)))) return Infinity;
  }
  return q.planShortfallUsd / ((repaired - lambda) * nu);
}
