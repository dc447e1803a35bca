/**
 * Clearing prices the equilibrium does not fix (DESIGN §3b). A market's clearing price is the dual of
 * its balance row; where the LP's optimum is degenerate that dual is not unique: every price in an
 * interval meets every equilibrium condition (a border cap that equals the market's whole demand:
 * anything from our delivered cost to the value of the last block bought). The solver returns one
 * end; the plan must not state it as fact.
 *
 * The interval is exact LP theory: the welfare v(b) as a function of the balance row's bound b is
 * concave and piecewise linear, and the set of the row's optimal duals is [v'(b⁺), v'(b⁻)], its
 * one-sided derivatives (for a maximisation; the ends swap for a minimisation). More generally, over
 * every optimal dual y, min and max of Σ dᵢ yᵢ for a direction d over several rows are v's one-sided
 * derivatives along d. Each is found by re-solving with the rows' bounds moved by PRICE_STEP_TONNES · d
 * (the same engine, from the plan's basis where the engine keeps it). The difference quotient equals
 * the derivative when no other kink of v lies within the step; otherwise, v being concave, it gives a
 * slightly wider interval, never a narrower one.
 * Browser-safe, pure apart from the re-solves it is given.
 */
import { key } from './families/context.ts';
import type { LpModel, SolveResult } from './lp.ts';
import type { BuiltModel } from './model.ts';
import type { ClearingReport, PriceRange } from './plan-schema.ts';

type Optimal = Extract<SolveResult, { status: 'optimal' }>;

/** A re-solve of a model that differs from the plan's in rows' bounds only. */
export type Resolve = (model: LpModel) => Promise<SolveResult>;

/** How far a balance row's bound moves each way for its one-sided derivatives, t. */
export const PRICE_STEP_TONNES = 1;
/** Below this width, USD/t, a price interval is the solver's tolerance, not a real choice. */
export const PRICE_RANGE_TOL_USD = 1e-3;

/** Min and max of Σ dᵢ yᵢ over the optimal duals: ±Infinity where the re-solve on that side is infeasible. */
interface DualInterval {
  readonly low: number;
  readonly high: number;
}

/**
 * Σ dᵢ yᵢ's interval over the optimal duals from two re-solves with each row i's bounds moved by
 * ±PRICE_STEP_TONNES · dᵢ; null when a re-solve ends other than optimal or infeasible (time limit, error).
 */
async function dualInterval(model: LpModel, optimum: number, direction: ReadonlyMap<number, number>, resolve: Resolve): Promise<DualInterval | null> {
  const quotients: number[] = [];
  for (const sign of [1, -1] as const) {
    const rows = model.rows.map((row, i) => {
      const d = direction.get(i);
      return d === undefined ? row : { ...row, lb: row.lb + sign * PRICE_STEP_TONNES * d, ub: row.ub + sign * PRICE_STEP_TONNES * d };
    });
    const r = await resolve({ ...model, rows });
    if (r.status === 'infeasible') {
      // No plan at all on that side: the welfare falls to −∞ (a maximisation) or rises to +∞.
      const worse = model.sense === 'max' ? -Infinity : Infinity;
      quotients.push(sign * worse);
    } else if (r.status !== 'optimal') return null;
    else quotients.push((r.objective - optimum) / (sign * PRICE_STEP_TONNES));
  }
  const [up, down] = quotients as [number, number];
  return { low: Math.min(up, down), high: Math.max(up, down) };
}

/**
 * Whether the balance row's dual is the same in every optimal dual, from the plan's solve alone (so
 * most markets need no re-solve). Each test is sound:
 * - HiGHS's ranging says the plan's basis stays optimal while the row's bound moves anywhere within
 *   ±PRICE_STEP_TONNES: then v is linear there with the basis's dual as its slope, so both one-sided
 *   derivatives are that dual (the re-solves would return exactly it) and the price is unique.
 * - A demand block bought in part (strictly between 0 and its tonnes): complementary slackness holds
 *   between the plan and every optimal dual, so the block's row (slack) has dual 0 and its column
 *   (positive) has reduced cost 0 in each: the price is the block's value in every one.
 * - A competitor's delivery strictly inside its route's bounds while its capacity row is slack: by the
 *   same argument the price is its delivered offer in every optimal dual.
 */
function priceIsUnique(built: BuiltModel, result: Optimal, marketId: string, t: number, rowIndexByName: ReadonlyMap<string, number>): boolean {
  const { model, index } = built;
  const i = index.clearRows.get(key(marketId, t))!;
  const row = model.rows[i]!;
  const range = result.sensitivity?.rowRanges?.[i];
  if (range && range.low <= row.lb - PRICE_STEP_TONNES && range.high >= row.ub + PRICE_STEP_TONNES) return true;
  const x = result.values;
  const tol = (bound: number) => 1e-6 * Math.max(1, Math.abs(bound));
  const inside = (value: number, lb: number, ub: number) => (lb === -Infinity || value > lb + tol(lb)) && (ub === Infinity || value < ub - tol(ub));
  const label = index.periods[t]!.label;
  for (let k = 0; index.buy.has(key(marketId, k, t)); k++) {
    const v = index.buy.get(key(marketId, k, t))!;
    const block = rowIndexByName.get(`block:${marketId}:${k + 1}:${label}`);
    const ub = block === undefined ? model.variables[v]!.ub : Math.min(model.variables[v]!.ub, model.rows[block]!.ub);
    if (inside(x[v]!, model.variables[v]!.lb, ub)) return true;
  }
  for (const [name, v] of supplyInto(built, marketId, t)) {
    const variable = model.variables[v]!;
    if (!inside(x[v]!, variable.lb, variable.ub)) continue;
    const cap = rowIndexByName.get(`supplier-capacity:${name}:${label}`);
    if (cap === undefined) return true;
    const capRow = model.rows[cap]!;
    let used = 0;
    for (const term of capRow.terms) used += term.coef * x[term.v]!;
    if (capRow.ub === Infinity || used < capRow.ub - tol(capRow.ub)) return true;
  }
  return false;
}

/** The competitors' supply columns into a market in a period, by supplier id. */
function supplyInto(built: BuiltModel, marketId: string, t: number): [string, number][] {
  const out: [string, number][] = [];
  const suffix = `|${marketId}|${t}`;
  for (const [k, v] of built.index.supply) if (k.endsWith(suffix)) out.push([k.slice(0, -suffix.length), v]);
  return out;
}

const round4 = (x: number) => {
  const r = Math.round(x * 1e4) / 1e4;
  return Object.is(r, -0) ? 0 : r;
};

/** A price interval as the plan reports it: prices are at least 0, no upper end is null. */
function asPriceRange(interval: DualInterval): PriceRange {
  return { low: round4(Math.max(0, interval.low)), high: Number.isFinite(interval.high) ? round4(Math.max(0, interval.high)) : null };
}

const wide = (r: DualInterval) => !(r.high - r.low <= PRICE_RANGE_TOL_USD);

/**
 * Fills `priceRangeUsdPerTonne(ByPeriod)` of each clearing market and `ourMarginRangeUsd` of the
 * report where the equilibrium does not fix the prices. Two re-solves per market and period whose
 * price `priceIsUnique` cannot vouch for; two more for a market's volume-weighted price when more
 * than one of its periods has an interval, and two for our margin when prices of more than one
 * market or period we sell in have one (the ends of a sum are not the sum of the ends where the
 * prices move together). A failed re-solve leaves that figure null.
 */
export async function fillPriceRanges(built: BuiltModel, result: Optimal, report: ClearingReport, ourMarginUsd: number, resolve: Resolve): Promise<void> {
  const { model, index } = built;
  const rowIndexByName = new Map(model.rows.map((r, i) => [r.name, i]));
  const duals = result.sensitivity?.rowDuals ?? [];
  // Our tonnes per balance row with an interval, and the rows' intervals, for our margin.
  const ourRows: { row: number; tonnes: number; interval: DualInterval; dual: number }[] = [];
  let marginUnknown = false;
  for (const market of report.markets) {
    const byPeriod: (PriceRange | null)[] = [];
    const intervals: { t: number; interval: DualInterval }[] = [];
    let unknown = false;
    for (const period of index.periods) {
      const t = period.index;
      const row = index.clearRows.get(key(market.id, t))!;
      const tonnes = result.values[index.sale.get(key(market.id, 0, t))!]!;
      if (priceIsUnique(built, result, market.id, t, rowIndexByName)) {
        byPeriod.push(null);
        continue;
      }
      const interval = await dualInterval(model, result.objective, new Map([[row, 1]]), resolve);
      if (interval === null) {
        unknown = true;
        if (tonnes > 1e-6) marginUnknown = true;
        byPeriod.push(null);
        continue;
      }
      // The plan's own price lies in the interval, at an end where a quotient is within the
      // tolerance of it (the quotients carry the welfare's rounding, ~1e-6 USD/t).
      const dual = duals[row] ?? 0;
      const end = (x: number) => (Math.abs(x - dual) <= PRICE_RANGE_TOL_USD ? dual : x);
      const held = { low: end(Math.min(interval.low, dual)), high: end(Math.max(interval.high, dual)) };
      if (!wide(held)) {
        byPeriod.push(null);
        continue;
      }
      byPeriod.push(asPriceRange(held));
      intervals.push({ t, interval: held });
      if (tonnes > 1e-6) ourRows.push({ row, tonnes, interval: held, dual });
    }
    market.priceRangeUsdPerTonneByPeriod = byPeriod;
    market.priceRangeUsdPerTonne = unknown || intervals.length === 0 ? null : await weightedRange(built, result, market, intervals, resolve);
    // A price the market does not fix is set by no one: the supplier at the solver's end of the range
    // is not stated as fact (DESIGN §3b; docs/market-clearing.md, Price ranges).
    if (market.priceRangeUsdPerTonne !== null) market.marginalSupplier = null;
  }
  report.ourMarginRangeUsd = marginUnknown || ourRows.length === 0 ? null : await marginRange(built, result, ourRows, ourMarginUsd, resolve);
}

/** The volume-weighted price's interval (the weights `priceUsdPerTonne` uses: tonnes bought per period). */
async function weightedRange(
  built: BuiltModel,
  result: Optimal,
  market: ClearingReport['markets'][number],
  intervals: readonly { t: number; interval: DualInterval }[],
  resolve: Resolve,
): Promise<PriceRange | null> {
  const { index } = built;
  const periods = index.periods.length;
  const bought = market.blocks.length === 0 ? [] : index.periods.map((p) => market.blocks.reduce((s, b) => s + (b.boughtTonnesByPeriod[p.index] ?? 0), 0));
  const total = bought.reduce((a, b) => a + b, 0);
  const weight = (t: number) => (total > 1e-6 ? bought[t]! / total : 1 / periods);
  const prices = market.priceUsdPerTonneByPeriod;
  if (intervals.length === 1) {
    // The other periods' prices are unique: the weighted price moves with this period's alone.
    const { t, interval } = intervals[0]!;
    const rest = market.priceUsdPerTonne - weight(t) * prices[t]!;
    return asPriceRange({ low: rest + weight(t) * interval.low, high: rest + weight(t) * interval.high });
  }
  const direction = new Map(intervals.map(({ t }) => [index.clearRows.get(key(market.id, t))!, weight(t)]));
  const joint = await dualInterval(built.model, result.objective, direction, resolve);
  if (joint === null) return null;
  // Periods with a unique price add their fixed share.
  const fixed = index.periods.reduce((s, p) => (direction.has(index.clearRows.get(key(market.id, p.index))!) ? s : s + weight(p.index) * prices[p.index]!), 0);
  return asPriceRange({ low: fixed + joint.low, high: fixed + joint.high });
}

/**
 * Our margin's interval over the prices that clear the markets: the margin is linear in the prices
 * with our tonnes as coefficients (duty, friction and freight are per tonne, not per USD of price),
 * and at any one set of clearing prices every equilibrium's plan earns us the same (each is a best
 * reply to those prices), so the plan's tonnes give the interval.
 */
async function marginRange(
  built: BuiltModel,
  result: Optimal,
  ourRows: readonly { row: number; tonnes: number; interval: DualInterval; dual: number }[],
  ourMarginUsd: number,
  resolve: Resolve,
): Promise<{ low: number; high: number | null } | null> {
  const at = (x: number) => Math.round(x * 100) / 100;
  const asMargin = (low: number, high: number) => (Number.isFinite(low) ? { low: at(low), high: Number.isFinite(high) ? at(high) : null } : null);
  if (ourRows.length === 1) {
    const { tonnes, interval, dual } = ourRows[0]!;
    return asMargin(ourMarginUsd + tonnes * (Math.max(0, interval.low) - Math.max(0, dual)), ourMarginUsd + tonnes * (interval.high - Math.max(0, dual)));
  }
  // Scaled so that the largest row moves by PRICE_STEP_TONNES.
  const largest = Math.max(...ourRows.map((r) => r.tonnes));
  const joint = await dualInterval(built.model, result.objective, new Map(ourRows.map((r) => [r.row, r.tonnes / largest])), resolve);
  if (joint === null) return null;
  const atPlan = ourRows.reduce((s, r) => s + r.tonnes * Math.max(0, r.dual), 0);
  return asMargin(ourMarginUsd + largest * joint.low - atPlan, ourMarginUsd + largest * joint.high - atPlan);
}
