/**
 * What every constraint family of the model sees while the model is built: the effective network,
 * the scenario, the periods, the writer that collects variables and rows, and the index being filled.
 * Browser-safe, pure.
 */
import type { LpRow, LpVariable } from '../lp.ts';
import type { Period } from '../scenario.ts';
import type { Leg, Network, Scenario, TransitNode } from '../schema.ts';

export interface ModelOptions {
  /** Leave out the domestic-share rule (to price it). */
  readonly withoutDomesticShare?: boolean;
  /**
   * Asked between the build's steps (each period's variables, each constraint family): true ends
   * the build with ModelBuildStopped (the run's time is over, or no one wants it any more).
   */
  readonly shouldStop?: () => boolean;
}

/** The build was told to stop (`ModelOptions.shouldStop`) before it was done. */
export class ModelBuildStopped extends Error {
  constructor() {
    super('the model build was stopped');
    this.name = 'ModelBuildStopped';
  }
}

/** Where each product quantity lives in the variable vector. */
export interface ModelIndex {
  readonly periods: readonly Period[];
  readonly prod: Map<string, number>; // `${p}|${t}`
  readonly stock: Map<string, number>; // `${p}|${t}`
  readonly flow: Map<string, number>; // `${l}|${m}|${t}`
  /** Our sales: per tier (price-taker, `${m}|${k}|${t}`) or our deliveries (clearing, `${m}|0|${t}`). */
  readonly sale: Map<string, number>;
  /** Clearing: block purchases `${m}|${k}|${t}`. */
  readonly buy: Map<string, number>;
  /** Clearing: competitor supply `${s}|${m}|${t}`. */
  readonly supply: Map<string, number>;
  readonly open: Map<string, number>; // m
  readonly lots: Map<string, number>; // `${l}|${t}`
  /** Our bagged tonnes from plant p bound for market m where bagging is a decision: `${p}|${m}|${t}`. */
  readonly bagged: Map<string, number>;
  /** The bagging-line row of each plant and period: `${p}|${t}`. */
  readonly packingRows: Map<string, number>;
  /** Legs that may carry each market's cement. */
  readonly legsForMarket: ReadonlyMap<string, readonly Leg[]>;
  /** Unit logistics cost of one tonne over a leg, including handling at the node it enters, USD/t. */
  readonly legUnitCostUsdPerTonne: Map<string, number>;
  readonly domesticShareRows: number[];
  /** Clearing: the market-balance row per `${m}|${t}` (its dual is the clearing price). */
  readonly clearRows: Map<string, number>;
  /** Our sale variables of each market (every tier or delivery, every period): no key to parse. */
  readonly salesOfMarket: Map<string, number[]>;
  /** The flow variables of each leg, with the market and period each carries. */
  readonly flowsOfLeg: Map<string, FlowEntry[]>;
  /** The flow variables that carry each market's cement (every leg, every period). */
  readonly flowsOfMarket: Map<string, number[]>;
  /** The flow variable of each market, leg and period (`flowVariable`): the same as `flow`, without a key to build. */
  readonly flowOfMarketLeg: Map<string, Map<string, number[]>>;
}

export interface FlowEntry {
  readonly v: number;
  readonly marketId: string;
  readonly period: number;
}

/** The flow variable of leg `legId` carrying market `marketId`'s cement in period `t`, as `flow` has it. */
export function flowVariable(index: ModelIndex, legId: string, marketId: string, t: number): number | undefined {
  return index.flowOfMarketLeg.get(marketId)?.get(legId)?.[t];
}

/** Appends `value` to the list under `id`. */
export function listPush<T>(lists: Map<string, T[]>, id: string, value: T): void {
  const list = lists.get(id);
  if (list) list.push(value);
  else lists.set(id, [value]);
}

/**
 * The one key format of the model index: parts joined by "|". Two or three parts, written out (it runs
 * for every variable as the model is built and read, and a rest array and join allocate more).
 */
export const key = (a: string | number, b: string | number, c?: string | number): string => (c === undefined ? `${a}|${b}` : `${a}|${b}|${c}`);

export class ModelWriter {
  readonly variables: LpVariable[] = [];
  readonly rows: LpRow[] = [];

  addVariable(v: LpVariable): number {
    this.variables.push(v);
    return this.variables.length - 1;
  }

  addRow(row: LpRow): number {
    this.rows.push(row);
    return this.rows.length - 1;
  }
}

export interface ModelContext {
  readonly network: Network;
  readonly scenario: Scenario;
  readonly options: ModelOptions;
  readonly periods: readonly Period[];
  readonly years: readonly number[];
  readonly firstYear: number;
  /** Market-clearing mode (DESIGN §3b) rather than price-taker. */
  readonly clearing: boolean;
  readonly w: ModelWriter;
  readonly index: ModelIndex;
  readonly nodeById: ReadonlyMap<string, TransitNode>;
  /** Per market: the usable legs that end at it. */
  readonly legsInto: ReadonlyMap<string, readonly Leg[]>;
  /** Per market: the usable legs that leave one of our plants carrying its cement. */
  readonly plantLegs: ReadonlyMap<string, readonly Leg[]>;
  /** Cost of one tonne bound for market m over leg l, USD/t (freight, handling, carbon, wagons, packing). */
  flowUnitCost: (leg: Leg, marketId: string) => number;
}

/** Objective coefficient of a cost in USD: negative when maximising margin or welfare, positive for min-cost, 0 for max-domestic. */
export function costCoef(ctx: ModelContext, usd: number): number {
  const objective = ctx.scenario.objective;
  return objective === 'margin' ? -usd : objective === 'min-cost' ? usd : 0;
}

/** Periods of one calendar year. */
export function periodsInYear(ctx: ModelContext, year: number): Period[] {
  return ctx.periods.filter((p) => p.year === year);
}

/** Row name with a year suffix only when the horizon spans several years. */
/** The calendar year of an index key whose last part is the period (`${m}|${k}|${t}`, `${p}|${t}`). */
export function yearOfKey(index: Pick<ModelIndex, 'periods'>, indexKey: string): number {
  return index.periods[Number(indexKey.slice(indexKey.lastIndexOf('|') + 1))]!.year;
}

export function yearly(ctx: ModelContext, name: string, year: number): string {
  return ctx.years.length > 1 ? `${name}:${year}` : name;
}

/** Our shipments to market m in period t: the flows on legs that leave our plants bound for m. */
export function shipmentTerms(ctx: ModelContext, marketId: string, t: Period, coef = 1, fromPlant?: (plantId: string) => boolean) {
  const terms: { v: number; coef: number }[] = [];
  for (const leg of ctx.plantLegs.get(marketId) ?? []) {
    if (fromPlant && !fromPlant(leg.from)) continue;
    terms.push({ v: flowVariable(ctx.index, leg.id, marketId, t.index)!, coef });
  }
  return terms;
}
