/**
 * Sensitivity of a plan: how far each price, cost and capacity can move before the plan's
 * structure (its optimal basis) changes, next to what one more unit is worth — in USD/t and t/yr,
 * with a sentence for people. Plus the margin curve as the domestic share goes from 0.5 to 1.0.
 *
 * Prices and costs come from HiGHS cost ranging. A product parameter often sits on several
 * objective coefficients (a leg's freight on one flow variable per destination and period, a tier's
 * price on one sale variable per period), and moving it shifts all of them together. Intersecting
 * the single-coefficient ranges is not exact for such a joint shift, so the ranging model carries
 * each parameter's cost on one aggregate variable instead:
 *     aggregate:{param} − Σ members = 0, cost moved from the members to the aggregate.
 * The LP is the same (same optimum, same vertices); the aggregate's cost range is then exactly the
 * range of the joint shift. Capacities come from HiGHS bound ranging of their rows (binding rows);
 * a slack row keeps its basis for any bound down to its activity. The domestic share is a
 * coefficient, not a bound: its range is found by re-solving (bisection on the plan's structure).
 *
 * Margin objective only (the ranges are of margin-maximising plans).
 */
import type { LpModel, LpRow, LpVariable } from '../core/lp.ts';
import { rowActivity } from '../core/lp.ts';
import { formatPct, formatTonnes, formatUsd } from '../core/explain.ts';
import { legLabel } from '../core/model.ts';
import { basisTonnesOfRow } from '../core/plan.ts';
import { legCostUsdPerTonne, plantCapacityTonnes } from '../core/scenario.ts';
import { packingCostUsdPerTonne } from '../core/families/costs.ts';
import { key } from '../core/families/context.ts';
import type { Network, Scenario } from '../core/schema.ts';
import { planRuleBinds, prepare, round, solveHere, structureOf, volumeFigures, type Prepared } from './common.ts';
import type { ParameterKind, ParameterRange, SensitivityReport, ShareCurvePoint } from '../core/analysis-schema.ts';

export type { ParameterKind, ParameterRange, SensitivityReport, ShareCurvePoint } from '../core/analysis-schema.ts';

export interface SensitivityOptions {
  /** Points on the domestic-share curve (default 11: 0.50, 0.55, ..., 1.00). */
  readonly curvePoints?: number;
  readonly curveFrom?: number;
  readonly curveTo?: number;
  /** Leave out parameters whose tier has no demand or whose leg cannot carry anything. Default true. */
  readonly skipIdle?: boolean;
}

interface Aggregate {
  readonly parameter: string;
  readonly kind: 'price' | 'freight' | 'production-cost';
  readonly id: string;
  readonly label: string;
  /** Current product value (price, freight, variable cost), USD/t. */
  readonly current: number;
  /** d(objective coefficient) / d(parameter). */
  readonly slope: number;
  readonly members: number[];
  /**
   * Per member, the part of its cost that is not this parameter's (bagging on a flow out of the plant,
   * which depends on the market): it stays on the member while the common part moves to the aggregate.
   */
  readonly memberOwnCost?: number[];
  /** Index of the aggregate variable in the ranging model. */
  variable: number;
}

/** The ranging model: the plan's LP with each parameter's cost on one aggregate variable. */
export function rangingModel(prepared: Prepared): { model: LpModel; aggregates: Aggregate[] } {
  const { network, built } = prepared;
  const { index, model } = built;
  const aggregates: Aggregate[] = [];
  const clearing = index.buy.size > 0;
  for (const market of network.markets) {
    if (clearing) {
      // The whole market's blocks: their willingness to pay (the buy variables' objective coefficient).
      for (let k = 0; index.buy.has(key(market.id, k, 0)); k++) {
        const members = index.periods.map((t) => index.buy.get(key(market.id, k, t.index))).filter((v): v is number => v !== undefined);
        aggregates.push({
          parameter: `value:${market.id}:${k + 1}`,
          kind: 'price',
          id: market.id,
          label: `${market.name} willingness to pay, block ${k + 1}`,
          current: model.variables[members[0]].cost,
          slope: 1,
          members,
          variable: -1,
        });
      }
      continue;
    }
    market.tiers.forEach((tier, k) => {
      const members = index.periods.map((t) => index.sale.get(key(market.id, k, t.index))!).filter((v) => v !== undefined);
      aggregates.push({
        parameter: `price:${market.id}:${k + 1}`,
        kind: 'price',
        id: market.id,
        label: `${market.name} price, tier ${k + 1} (${formatTonnes(tier.tonnesPerYear)}/yr)`,
        current: tier.priceUsdPerTonne,
        // d(price × (1 − dutyPct) − specific duty) / d(price): a specific duty does not move with the price.
        slope: 1 - market.dutyPct / 100,
        members,
        variable: -1,
      });
    });
  }
  const plantOf = new Map(network.plants.map((p) => [p.id, p]));
  const marketOf = new Map(network.markets.map((m) => [m.id, m]));
  const objectiveSign = model.sense === 'min' ? 1 : -1;
  for (const leg of network.legs) {
    const members: number[] = [];
    const memberOwnCost: number[] = [];
    for (const { v, marketId } of index.flowsOfLeg.get(leg.id) ?? []) {
      members.push(v);
      memberOwnCost.push(objectiveSign * packingCostUsdPerTonne(plantOf.get(leg.from), marketOf.get(marketId)));
    }
    if (members.length === 0) continue;
    aggregates.push({
      parameter: `freight:${leg.id}`,
      kind: 'freight',
      id: leg.id,
      label: `freight on ${legLabel(leg, network)}`,
      current: legCostUsdPerTonne(leg),
      slope: -1,
      members,
      memberOwnCost,
      variable: -1,
    });
  }
  for (const plant of network.plants) {
    const members = index.periods.map((t) => index.prod.get(key(plant.id, t.index))!);
    aggregates.push({
      parameter: `production-cost:${plant.id}`,
      kind: 'production-cost',
      id: plant.id,
      label: `${plant.name} variable cost`,
      current: plant.variableCostUsdPerTonne,
      slope: -1,
      members,
      variable: -1,
    });
  }

  const variables: LpVariable[] = model.variables.map((v) => ({ ...v }));
  const rows: LpRow[] = [...model.rows];
  for (const a of aggregates) {
    const own = a.memberOwnCost ?? a.members.map(() => 0);
    const cost = model.variables[a.members[0]].cost - own[0];
    for (const [i, j] of a.members.entries()) variables[j] = { ...variables[j], cost: own[i] };
    a.variable = variables.length;
    variables.push({ name: `aggregate:${a.parameter}`, lb: 0, ub: Infinity, cost, kind: 'continuous' });
    // aggregate − Σ members = 0
    rows.push({
      name: `aggregate:${a.parameter}`,
      family: 'aggregate',
      terms: [{ v: a.variable, coef: 1 }, ...a.members.map((v) => ({ v, coef: -1 }))],
      lb: 0,
      ub: 0,
      label: `${a.label}: tonnes it applies to, t`,
    });
  }
  return { model: { ...model, name: `${model.name} (ranging)`, variables, rows }, aggregates };
}

const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);

/** Parameter range from a coefficient range: coef(p) = c + slope·(p − p0) ∈ [lo, hi]. */
function parameterRange(p0: number, c: number, slope: number, lo: number, hi: number): { low: number | null; high: number | null } {
  const a = p0 + (lo - c) / slope;
  const b = p0 + (hi - c) / slope;
  const low = Math.min(a, b);
  const high = Math.max(a, b);
  return { low: finiteOrNull(low), high: finiteOrNull(high) };
}

/** Sensitivity of the scenario's plan. Never throws for solver outcomes; a scenario that cannot be a model throws ScenarioProblemsError. */
export async function sensitivity(scenario: Scenario, baseNetwork: Network, options: SensitivityOptions = {}): Promise<SensitivityReport> {
  if (scenario.objective !== 'margin') {
    return { scenarioName: scenario.name, status: 'error', message: 'Sensitivity is computed for the margin objective only.', marginUsd: null, valuedAs: 'margin', parameters: [], shareCurve: [], notes: [] };
  }
  // Ranging needs an LP: contracts and lots are dropped (their LP relaxation would mislead).
  const lpScenario: Scenario = { ...scenario, mip: { contracts: false, seaLots: false } };
  const prepared = prepare(lpScenario, baseNetwork);
  const { network, built } = prepared;
  const ranging = rangingModel(prepared);
  const result = await solveHere(ranging.model, 'highs', { wantSensitivity: true, timeLimitMs: scenario.timeLimitMs });
  const clearing = scenario.market === 'clearing';
  const valuedAs = clearing ? 'welfare' : 'margin';
  const shareCurve = await reportShareCurve(lpScenario, baseNetwork, options);
  const notes = [
    'Within a range the plan keeps its structure (the same markets, tiers, routes and binding limits); tonnes may shift along it for a capacity, not for a price or cost.',
    'A range holds for one parameter moving alone.',
    'Freight ranges are of the leg’s whole per-tonne cost (all destinations and periods together).',
  ];
  if (scenario.mip.contracts || scenario.mip.seaLots) notes.push('Contracts and whole lots were left out: ranging is for the linear plan.');
  if (clearing)
    notes.push(
      'Market clearing: a range is where the equilibrium keeps its structure (who supplies whom, which blocks are bought, which capacities are full); prices are willingness to pay per demand block; a capacity’s value is its rent (ours, or a competitor’s). Our margin and the share curve are valued at clearing prices; for competitors’ costs and the rouble use a sweep or Monte Carlo.',
    );
  if (result.status !== 'optimal' || !result.sensitivity?.costRanges || !result.sensitivity.rowRanges) {
    const message = result.status === 'optimal' ? 'HiGHS returned no ranging for this plan.' : `The plan is ${result.status}: ${'message' in result ? result.message : ''}`;
    return { scenarioName: scenario.name, status: result.status === 'optimal' ? 'error' : result.status, message, marginUsd: null, valuedAs, parameters: [], shareCurve, notes };
  }
  const { values } = result;
  const { costRanges, rowRanges, rowDuals } = result.sensitivity;
  const skipIdle = options.skipIdle ?? true;
  const parameters: ParameterRange[] = [];

  // --- prices and costs: cost ranging of the aggregates ---
  for (const a of ranging.aggregates) {
    const j = a.variable;
    const tonnes = values[j];
    if (a.kind === 'price') {
      const demand = a.members.reduce((s, v) => s + demandOf(built.model, v), 0);
      if (skipIdle && demand <= 0) continue;
      if (a.slope <= 0) continue;
    }
    const c = ranging.model.variables[j].cost;
    const ranged = parameterRange(a.current, c, a.slope, costRanges[j].low, costRanges[j].high);
    // Prices and costs cannot go below zero: the range stops there.
    const low = ranged.low === null ? 0 : Math.max(0, ranged.low);
    const rangedHigh = ranged.high;
    // An unsold tier starts to pay where its range ends (the aggregate may sit in the basis at
    // zero, so its own reduced cost can read 0) — if a re-solve just past that end sells it: at a
    // degenerate plan, or where the range ends on another tier's price, the end is only a bound,
    // and the rise that makes it sell is found by re-solving.
    const rangedGap = a.kind === 'price' && tonnes <= 1e-6 && rangedHigh !== null ? Math.max(0, rangedHigh - a.current) : null;
    const checkedGap = rangedGap === null ? null : await checkGap(ranging.model, j, a.slope, a.current, rangedGap, scenario.timeLimitMs);
    const gap = rangedGap === null ? null : (checkedGap?.gap ?? null);
    // The range stays where the plan keeps its structure; the gap is where the tier starts to sell
    // (at a degenerate plan the structure can change before that).
    const high = rangedHigh;
    const marginal = a.slope * tonnes;
    parameters.push({
      parameter: a.parameter,
      kind: a.kind,
      id: a.id,
      label: a.label,
      unit: 'USD/t',
      current: round(a.current, 4),
      low: low === null ? null : round(low, 4),
      high: high === null ? null : round(high, 4),
      marginalValueUsd: round(marginal, 4),
      marginalValueBelowUsd: null,
      priceGapUsdPerTonne: gap === null ? null : round(gap, 4),
      tonnes: round(tonnes, 3),
      method: checkedGap?.resolved ? 're-solve' : 'ranging',
      explanation: explainCost(a, tonnes, low, high, gap, valuedAs),
    });
  }

  // --- capacities and demand: bound ranging of their rows ---
  const annual = scenario.horizon.kind === 'annual';
  // The limits the report lists: each row of a limit family (idle ones left out), and whether it binds.
  const limits = built.model.rows.flatMap((row, i) => {
    const kind = rowKind(row.family);
    if (!kind) return [];
    if ((kind === 'demand' || kind === 'leg-capacity' || kind === 'node-capacity') && skipIdle && row.ub <= 0) return [];
    const activity = rowActivity(row, values);
    const binding = activity >= row.ub - 1e-7 * Math.max(1, Math.abs(row.ub)) || Math.abs(rowDuals[i]) > 1e-9;
    return [{ row, i, kind, activity, binding }];
  });
  // A binding limit's value and range, checked by re-solving: at a degenerate plan HiGHS's dual and
  // its range can come from two different bases (a value of 0 "between 250 and 400 kt" where each
  // tonne below 400 kt was worth 4.91 USD).
  const checked = new Map<number, CheckedLimit>();
  for (const { i, binding } of limits) if (binding) checked.set(i, await checkLimit(ranging.model, i, result.objective, rowDuals[i], rowRanges[i], scenario.timeLimitMs));
  for (const { row, i, kind, activity } of limits) {
    const entity = row.name.split(':')[1] ?? '';
    const periodLabel = row.name.split(':').at(-1) ?? '';
    // Row bound → product unit: annual plans report t/yr (a leg closed some months has a smaller row bound).
    const perYear = annual ? annualFactor(kind, entity, row, network, scenario) : 1;
    const unit: ParameterRange['unit'] = annual ? 't/yr' : 't';
    const limit = checked.get(i);
    const dual = limit ? limit.value : rowDuals[i];
    const valueBelow = limit?.valueBelow ?? null;
    const low = limit ? limit.low : activity;
    const high = limit ? limit.high : null;
    const scaleUp = (x: number | null) => (x === null ? null : round(Math.max(0, x) / perYear, 3));
    parameters.push({
      parameter: `${kind}:${row.name.split(':').slice(1).join(':')}`,
      kind,
      id: entity,
      label: row.label.replace(/, t$/, ''),
      unit,
      current: round(row.ub / perYear, 3),
      low: scaleUp(low),
      high: scaleUp(high),
      marginalValueUsd: round(dual * perYear, 4),
      marginalValueBelowUsd: valueBelow === null ? null : round(valueBelow * perYear, 4),
      priceGapUsdPerTonne: null,
      tonnes: round(activity, 3),
      method: limit?.resolved ? 're-solve' : 'ranging',
      explanation: explainCapacity(row.label.replace(/, t$/, ''), kind, activity, row.ub, dual, limit !== undefined, scaleUp(low), scaleUp(high), unit, periodLabel, valueBelow),
    });
  }

  // --- the domestic share: re-solved (price-taker; in the clearing mode the share curve says it) ---
  const shareItem = clearing ? null : await domesticShareRange(lpScenario, baseNetwork, prepared, values, rowDuals);
  if (shareItem) parameters.push(shareItem);

  return {
    scenarioName: scenario.name,
    status: 'optimal',
    message: null,
    // The clearing LP's objective is the market's welfare: our margin is valued at its prices.
    marginUsd: clearing ? await ourClearingMargin(lpScenario, baseNetwork) : round(result.objective, 2),
    valuedAs,
    parameters,
    shareCurve,
    notes,
  };
}

function demandOf(model: LpModel, saleVar: number): number {
  const row = model.rows.find((r) => (r.family === 'demand-max' || r.family === 'block') && r.terms.length === 1 && r.terms[0].v === saleVar);
  return row ? row.ub : 0;
}

function rowKind(family: string): ParameterKind | null {
  switch (family) {
    case 'capacity':
      return 'plant-capacity';
    case 'leg':
      return 'leg-capacity';
    case 'node':
      return 'node-capacity';
    case 'demand-max':
    case 'block':
      return 'demand';
    case 'supplier-capacity':
      return 'competitor-capacity';
    case 'export-cap':
      return 'export-cap';
    default:
      return null;
  }
}

/** Row bound per t/yr of the product parameter (1 unless a leg or node is closed some months). */
function annualFactor(kind: ParameterKind, id: string, row: LpRow, network: Network, scenario: Scenario): number {
  if (kind === 'plant-capacity') {
    const plant = network.plants.find((p) => p.id === id);
    if (!plant) return 1;
    const cap = plantCapacityTonnes(plant, { index: 0, label: '', year: 0, month: null, yearFraction: 1, phase: scenario.phase });
    return cap > 0 ? row.ub / cap : 1;
  }
  if (kind === 'leg-capacity') {
    const leg = network.legs.find((l) => l.id === id);
    return leg?.capacityTonnesPerYear ? row.ub / leg.capacityTonnesPerYear : 1;
  }
  if (kind === 'node-capacity') {
    const node = network.nodes.find((n) => n.id === id);
    return node?.throughputTonnesPerYear ? row.ub / node.throughputTonnesPerYear : 1;
  }
  return 1;
}

function range(low: number | null, high: number | null, unit: string): string {
  const f = (x: number) => (unit === 'USD/t' ? `${formatUsd(x)} USD/t` : formatTonnes(x));
  if (low === null && high === null) return 'at any value';
  if (low === null) return `up to ${f(high!)}`;
  if (high === null) return `from ${f(low)} upwards`;
  return `between ${f(low)} and ${f(high)}`;
}

/**
 * A price or cost in words. In the clearing mode its marginal value is of the market's welfare: a
 * cost where we set the price is passed on to the buyers and leaves our margin where it was.
 */
function explainCost(a: Aggregate, tonnes: number, low: number | null, high: number | null, gap: number | null, valuedAs: 'margin' | 'welfare'): string {
  const what = a.label.charAt(0).toUpperCase() + a.label.slice(1);
  const of = valuedAs === 'margin' ? 'of margin' : "of the market's welfare (our own margin moves only by what the prices pass on to us)";
  const holds = `the plan keeps its shape for ${range(low, high, 'USD/t')}`;
  if (a.kind === 'price') {
    if (tonnes <= 1e-6)
      return `${what} is ${formatUsd(a.current)} USD/t and the plan sells nothing at it; ${holds}${gap !== null && gap > 0 ? ` — it needs +${formatUsd(gap)} USD/t before selling there pays` : ''}.`;
    return `${what} is ${formatUsd(a.current)} USD/t on ${formatTonnes(tonnes)}: each USD/t more adds ${formatUsd(a.slope * tonnes)} USD ${of}; ${holds}.`;
  }
  if (tonnes <= 1e-6) return `${what} is ${formatUsd(a.current)} USD/t and the plan does not use it; ${holds}.`;
  return `${what} is ${formatUsd(a.current)} USD/t on ${formatTonnes(tonnes)}: each USD/t more costs ${formatUsd(tonnes)} USD ${of}; ${holds}.`;
}

function explainCapacity(
  what: string,
  kind: ParameterKind,
  activity: number,
  bound: number,
  dual: number,
  binding: boolean,
  low: number | null,
  high: number | null,
  unit: string,
  _period: string,
  valueBelow: number | null,
): string {
  const r = range(low, high, unit);
  if (!binding) {
    return `${what}: ${formatTonnes(activity)} of ${formatTonnes(bound)} used; the limit does not bind and the plan keeps its shape ${r}.`;
  }
  const noun = kind === 'demand' ? 'tonne of demand' : 'tonne of capacity';
  const below =
    valueBelow === null
      ? ''
      : ` One ${noun} less costs ${formatUsd(valueBelow)} USD: the plan is degenerate here, so a tonne more and a tonne less are worth different amounts.`;
  return `${what} binds at ${formatTonnes(bound)}: one more ${noun} is worth ${formatUsd(dual)} USD; that holds ${r}.${below}`;
}

/**
 * The rise of an unsold tier's price that makes it sell, checked by re-solving: HiGHS's range end
 * when the tier sells just past it; else found by doubling and then halving the step (to 0.01 USD/t).
 * `resolved` says the ranging figure was not the answer. Null when it does not sell even 10,000
 * USD/t higher (another limit keeps it out, whatever its price).
 */
async function checkGap(
  model: LpModel,
  j: number,
  slope: number,
  current: number,
  rangedGap: number,
  timeLimitMs: number,
): Promise<{ gap: number; resolved: boolean } | null> {
  const sells = async (price: number): Promise<boolean> => {
    const variables = model.variables.map((v, k) => (k === j ? { ...v, cost: v.cost + slope * (price - current) } : v));
    // The ranged model with one cost moved: HiGHS starts from the basis of the solve before (lp.ts, warmStart).
    const r = await solveHere({ ...model, variables }, 'highs', { timeLimitMs, warmStart: true });
    return r.status === 'optimal' && r.values[j]! > 1e-6;
  };
  const step = Math.max(0.01, 1e-4 * Math.abs(current));
  if (await sells(current + rangedGap + step)) return { gap: rangedGap, resolved: false };
  let lo = current + rangedGap;
  let hi = current + Math.max(2 * rangedGap, 1);
  while (!(await sells(hi))) {
    lo = hi;
    if (hi - current > 10_000) return null;
    hi = current + 2 * (hi - current);
  }
  while (hi - lo > 0.01) {
    const mid = (lo + hi) / 2;
    if (await sells(mid)) hi = mid;
    else lo = mid;
  }
  return { gap: hi - current, resolved: true };
}

/** A binding limit's value and range, as checked by re-solving (checkLimit). Row units (t per period). */
interface CheckedLimit {
  /** Objective gained per unit the limit rises (the right-hand slope). */
  readonly value: number;
  /** Objective lost per unit the limit falls, where it differs from `value` (a kink); else null. */
  readonly valueBelow: number | null;
  /** Where `value` holds: certified by re-solves when HiGHS's figures did not agree with them. */
  readonly low: number | null;
  readonly high: number | null;
  /** The figures are the re-solves', not HiGHS's ranging. */
  readonly resolved: boolean;
}

/**
 * Checks a binding row's dual and bound range by re-solving with the row's bound just above and just
 * below (δ = 1e-3 of it, at least 100 t). Where both one-sided slopes equal the dual, HiGHS's figures
 * stand. Otherwise the value is the slope above (what one more unit is worth), the slope below is
 * reported beside it when it differs, and each end of the range is kept only where a re-solve there
 * shows the same slope all the way: the margin is concave in a limit (a maximum over a polytope
 * growing with it), so a chord with the one-sided slope proves the margin linear on that stretch.
 * Upwards that is HiGHS's end when a re-solve confirms it, else the farthest of 1000δ, 100δ, 10δ
 * that does (the range is then on the safe side). A slope of 0 above holds without end: more of a
 * limit never lowers the margin.
 */
async function checkLimit(
  model: LpModel,
  i: number,
  objective: number,
  dual: number,
  ranged: { low: number; high: number },
  timeLimitMs: number,
): Promise<CheckedLimit> {
  const row = model.rows[i]!;
  const b = row.ub;
  const delta = Math.max(100, 1e-3 * Math.abs(b));
  const floor = Number.isFinite(row.lb) ? Math.max(row.lb, 0) : 0;
  const at = async (ub: number): Promise<number | null> => {
    // The ranged model with one row's bound moved (its terms the same array): a warm start from the solve before.
    const r = await solveHere({ ...model, rows: model.rows.map((x, k) => (k === i ? { ...x, ub } : x)) }, 'highs', { timeLimitMs, warmStart: true });
    return r.status === 'optimal' ? r.objective : null;
  };
  const sign = model.sense === 'max' ? 1 : -1;
  const tolerance = (x: number) => 0.01 + 1e-4 * Math.abs(x);
  const same = (a: number, c: number) => Math.abs(a - c) <= tolerance(c);
  const zAbove = await at(b + delta);
  const zBelow = b - delta >= floor ? await at(b - delta) : null;
  const above = zAbove === null ? null : (sign * (zAbove - objective)) / delta;
  const below = zBelow === null ? null : (sign * (objective - zBelow)) / delta;
  const haveRange = { low: finiteOrNull(ranged.low), high: finiteOrNull(ranged.high) };
  if ((above === null || same(above, dual)) && (below === null || same(below, dual))) return { value: dual, valueBelow: null, ...haveRange, resolved: false };
  const value = above ?? dual;
  const chord = async (from: number, to: number): Promise<boolean> => {
    const zFrom = from === b ? objective : await at(from);
    const zTo = to === b ? objective : await at(to);
    return zFrom !== null && zTo !== null && same((sign * (zTo - zFrom)) / (to - from), value);
  };
  let high: number | null = b + delta;
  if (above !== null && Math.abs(above) <= tolerance(0) && model.sense === 'max') high = null;
  else {
    // HiGHS's end if a re-solve there confirms it, else the farthest of a few steps that does.
    const candidates = [...(haveRange.high !== null && haveRange.high > b + delta ? [haveRange.high] : []), b + 1000 * delta, b + 100 * delta, b + 10 * delta];
    for (const h of candidates) {
      if (await chord(b, h)) {
        high = h;
        break;
      }
    }
  }
  const kink = below !== null && !same(below, value);
  let low: number | null = kink ? b : Math.max(floor, b - delta);
  if (!kink && haveRange.low !== null && haveRange.low < b - delta && haveRange.low >= floor && (await chord(haveRange.low, b))) low = haveRange.low;
  return { value, valueBelow: kink ? below : null, low, high, resolved: true };
}

/** The domestic share's range: where the plan keeps its structure, found by bisection on re-solves. */
async function domesticShareRange(
  scenario: Scenario,
  baseNetwork: Network,
  prepared: Prepared,
  values: readonly number[],
  rowDuals: readonly number[],
): Promise<ParameterRange | null> {
  const share = scenario.policy.domesticShare;
  const rowIndex = prepared.built.index.domesticShareRows[0];
  if (rowIndex === undefined) return null;
  const baseValues = values.slice(0, prepared.built.model.variables.length);
  const figures = volumeFigures(prepared.network, scenario, prepared.built, baseValues);
  // Raising the share by ds asks each year's row for ds × that year's basis tonnes more on its
  // right-hand side: d margin / d share = Σ_year dual × basis tonnes (≤ 0); per percentage point:
  const basisTonnesOf = basisTonnesOfRow(prepared.built, baseValues, scenario);
  const perPp = 0.01 * prepared.built.index.domesticShareRows.reduce((s, r) => s + rowDuals[r]! * basisTonnesOf(prepared.built.model.rows[r]!), 0);
  const baseStructure = structureOf(prepared.built.model, baseValues);
  let low: number;
  let high: number;
  if (!figures.ruleBinds) {
    // The rule is slack: any share up to what the plan keeps at home anyway leaves it unchanged (in
    // a run of years, up to the lowest year's share: the rule holds in each year).
    low = 0;
    high = figures.lowestYearShare;
  } else {
    const same = async (s: number) => {
      const p = prepare({ ...scenario, policy: { ...scenario.policy, domesticShare: s } }, baseNetwork);
      const r = await solveHere(p.built.model, 'highs');
      return r.status === 'optimal' && structureOf(p.built.model, r.values) === baseStructure;
    };
    low = await edge(share, 0, same);
    high = await edge(share, 1, same);
  }
  const binds = figures.ruleBinds;
  return {
    parameter: 'domestic-share',
    kind: 'domestic-share',
    id: 'domestic-share',
    label: `domestic share (basis: ${scenario.policy.basis})`,
    unit: 'share',
    current: share,
    low: round(low, 5),
    high: round(high, 5),
    marginalValueUsd: round(perPp, 4),
    marginalValueBelowUsd: null,
    priceGapUsdPerTonne: null,
    tonnes: round(figures.domesticTonnes, 3),
    method: 're-solve',
    explanation: binds
      ? `The ${formatPct(share, 0)} domestic rule binds: each percentage point more costs about ${formatUsd(Math.abs(perPp))} USD of margin; ${
          high - low < 1e-4
            ? 'the line sits exactly where the plan changes shape (a tier or route fills up at this share), so any move changes it'
            : `the plan keeps its shape for a share between ${formatPct(low)} and ${formatPct(high)}`
        }.`
      : `The ${formatPct(share, 0)} domestic rule does not bind: the plan keeps ${formatPct(figures.domesticShare)} at home anyway${
          figures.lowestYearShare < figures.domesticShare - 5e-4 ? ` (${formatPct(figures.lowestYearShare)} in its lowest year; the rule holds in each year)` : ''
        }, and keeps its shape for any rule up to ${formatPct(high)}.`,
  };
}

/** Last value from `from` towards `to` where `same` still holds (bisection, ~1e-5 of a share). */
async function edge(from: number, to: number, same: (s: number) => Promise<boolean>): Promise<number> {
  if (await same(to)) return to;
  let good = from;
  let bad = to;
  while (Math.abs(bad - good) > 1e-5) {
    const mid = (good + bad) / 2;
    if (await same(mid)) good = mid;
    else bad = mid;
  }
  return good;
}

const CLEARING_QUICK = { inProcess: true, ranges: false, competitorImpact: false, policyCost: false, exactPriceGaps: false } as const;

async function ourClearingMargin(scenario: Scenario, baseNetwork: Network): Promise<number | null> {
  const { optimise } = await import('../optimise.ts');
  const plan = await optimise(scenario, baseNetwork, CLEARING_QUICK);
  return plan.kpis ? round(plan.kpis.marginUsd, 2) : null;
}

/** The clearing mode's share curve: a full plan per point, our margin valued at its clearing prices. */
async function clearingShareCurve(scenario: Scenario, baseNetwork: Network, options: SensitivityOptions): Promise<ShareCurvePoint[]> {
  const { optimise } = await import('../optimise.ts');
  const n = Math.max(2, Math.min(101, options.curvePoints ?? 11));
  const from = options.curveFrom ?? 0.5;
  const to = options.curveTo ?? 1;
  const points: ShareCurvePoint[] = [];
  for (let i = 0; i < n; i++) {
    const share = round(from + ((to - from) * i) / (n - 1), 6);
    const plan = await optimise({ ...scenario, policy: { ...scenario.policy, domesticShare: share } }, baseNetwork, CLEARING_QUICK);
    const k = plan.kpis;
    if (plan.status !== 'optimal' || !k) {
      points.push({ domesticShare: share, status: plan.status, marginUsd: null, domesticTonnes: null, exportTonnes: null, achievedShare: null, ruleBinds: null });
      continue;
    }
    points.push({
      domesticShare: share,
      status: 'optimal',
      marginUsd: round(k.marginUsd, 2),
      domesticTonnes: round(k.domesticTonnes, 3),
      exportTonnes: round(k.exportTonnes, 3),
      achievedShare: round(k.domesticShare, 6),
      // In a run of years the rule holds in each year: it binds when any year's row is tight.
      ruleBinds: planRuleBinds(plan, { ...scenario.policy, domesticShare: share }),
    });
  }
  return points;
}

/** The report's share curve, in the scenario's mode (a full plan per point in the clearing mode). */
export function reportShareCurve(scenario: Scenario, baseNetwork: Network, options: SensitivityOptions = {}): Promise<ShareCurvePoint[]> {
  return scenario.market === 'clearing' ? clearingShareCurve(scenario, baseNetwork, options) : domesticShareCurve(scenario, baseNetwork, options);
}

/**
 * The margin curve as the domestic share rises: one solve per point (default 0.50 … 1.00, 11 points).
 */
export async function domesticShareCurve(scenario: Scenario, baseNetwork: Network, options: SensitivityOptions = {}): Promise<ShareCurvePoint[]> {
  const n = Math.max(2, Math.min(101, options.curvePoints ?? 11));
  const from = options.curveFrom ?? 0.5;
  const to = options.curveTo ?? 1;
  const points: ShareCurvePoint[] = [];
  for (let i = 0; i < n; i++) {
    const share = round(from + ((to - from) * i) / (n - 1), 6);
    const s: Scenario = { ...scenario, policy: { ...scenario.policy, domesticShare: share } };
    const p = prepare(s, baseNetwork);
    const r = await solveHere(p.built.model, scenario.mip.contracts || scenario.mip.seaLots ? 'highs' : 'auto', { timeLimitMs: scenario.timeLimitMs });
    if (r.status !== 'optimal') {
      points.push({ domesticShare: share, status: r.status, marginUsd: null, domesticTonnes: null, exportTonnes: null, achievedShare: null, ruleBinds: null });
      continue;
    }
    const f = volumeFigures(p.network, s, p.built, r.values);
    points.push({
      domesticShare: share,
      status: 'optimal',
      marginUsd: round(r.objective, 2),
      domesticTonnes: round(f.domesticTonnes, 3),
      exportTonnes: round(f.exportTonnes, 3),
      achievedShare: round(f.domesticShare, 6),
      ruleBinds: f.ruleBinds,
    });
  }
  return points;
}
