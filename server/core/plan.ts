/**
 * From solver values back to the product: KPIs, markets with routes and netbacks, leg / node / plant
 * use, flows as GeoJSON, binding constraints in words (DESIGN §4). Pipeline step: solve → plan.
 * Browser-safe, pure.
 */
import { rowActivity, type LpRow, type SolveResult } from './lp.ts';
import type { BuiltModel } from './model.ts';
import { legLabel, marketDemandTonnes } from './model.ts';
import { packingCostUsdPerTonne, usesWagons, wagonCostUsdPerTonne } from './families/costs.ts';
import { baggedShareRange, baggingIsChosen, fixedBaggedShare, netBaggedPremiumUsdPerTonne } from './product-forms.ts';
import { ourBorderFrictionUsdPerTonne, ourDutyUsdPerTonne, wholeMarketTonnes } from './market-economics.ts';
import type {
  BindingConstraint,
  CapacityUse,
  Kpis,
  MarketResult,
  PackingUse,
  Plan,
  RouteSummary,
} from './plan-schema.ts';
import {
  closedIn,
  legCo2TonnesPerTonne,
  legCostUsdPerTonne,
  periodCapacityTonnes,
  dutyPaidUsdPerTonne,
  netPriceUsdPerTonne,
  plantCapacityTonnes,
} from './scenario.ts';
import { firstTier, type Leg, type Market, type Network, type Scenario } from './schema.ts';
import { explainBinding, yearOfRow } from './explain.ts';
import { flowVariable, key, yearOfKey } from './families/context.ts';
import { englishWhy } from './why.ts';

const EPS_TONNES = 1e-6;
const finiteOrNull = (x: number) => (Number.isFinite(x) ? round(x) : null);
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const round = (x: number, digits = 6) => {
  const f = 10 ** digits;
  const r = Math.round(x * f) / f;
  return Object.is(r, -0) ? 0 : r;
};

export interface PlanBody {
  kpis: Kpis;
  markets: MarketResult[];
  legs: CapacityUse[];
  nodes: CapacityUse[];
  plants: CapacityUse[];
  packing: PackingUse[];
  flows: Plan['flows'];
  binding: BindingConstraint[];
}

type Optimal = Extract<SolveResult, { status: 'optimal' }>;

/** What every section of the read-out shares: the solution, look-ups and the tonnes on each leg. */
interface ReadContext {
  readonly network: Network;
  readonly scenario: Scenario;
  readonly built: BuiltModel;
  readonly result: Optimal;
  readonly index: BuiltModel['index'];
  readonly periods: BuiltModel['index']['periods'];
  readonly firstYear: number;
  readonly clearing: boolean;
  /** A variable's value, 0 when it does not exist (solver noise below 1e-9 is 0). */
  readonly val: (i: number | undefined) => number;
  readonly nameOf: (id: string) => string;
  readonly nodeById: ReadonlyMap<string, Network['nodes'][number]>;
  readonly plantById: ReadonlyMap<string, Network['plants'][number]>;
  readonly marketById: ReadonlyMap<string, Market>;
  /** Clearing price of market m in period t: the dual of its balance row, USD/t. */
  readonly clearingPrice: (marketId: string, t: number) => number;
  /** Tonnes per leg and period. */
  readonly legTonnes: ReadonlyMap<string, number[]>;
  /** Tonnes per leg and destination market, over the horizon. */
  readonly legMarketTonnes: ReadonlyMap<string, Map<string, number>>;
  readonly wagonUsdPerTonne: number;
}

/** Read an optimal solution back into product terms, section by section. */
export function readSolution(network: Network, scenario: Scenario, built: BuiltModel, result: Optimal): PlanBody {
  const ctx = readContext(network, scenario, built, result);
  const legCosts = readLegCosts(ctx);
  const plants = readPlants(ctx);
  const markets = readMarkets(ctx);
  const legs = readLegs(ctx);
  const nodes = readNodes(ctx);
  const flows = readFlows(ctx, legs);
  const kpis = readKpis(ctx, legCosts, plants, markets);
  return {
    kpis,
    markets: markets.markets,
    legs,
    nodes,
    plants: plants.plants,
    packing: readPacking(ctx),
    flows,
    binding: bindingConstraints(built, result, network, scenario),
  };
}

/**
 * The plan's key figures alone, read the way `readSolution` reads them (the same sections' totals,
 * so the same numbers), without the per-leg, per-node, flow and binding read-outs.
 */
export function readKpisOnly(network: Network, scenario: Scenario, built: BuiltModel, result: Optimal): Kpis {
  const ctx = readContext(network, scenario, built, result);
  return readKpis(ctx, readLegCosts(ctx), readPlants(ctx), readMarkets(ctx));
}

type ById = Pick<ReadContext, 'nodeById' | 'plantById' | 'marketById' | 'nameOf'> & {
  /** Each leg's name in words (`legLabel`). */
  readonly legNames: ReadonlyMap<string, string>;
  /** Each leg's line for the flows' GeoJSON, [lng, lat] pairs. */
  readonly legLines: ReadonlyMap<string, number[][]>;
};
const byIdOf = new WeakMap<Network, ById>();

/** The network's nodes, plants and markets by id, and a place's name, once per network object. */
function byId(network: Network): ById {
  let found = byIdOf.get(network);
  if (!found) {
    const nodeById = new Map(network.nodes.map((n) => [n.id, n]));
    const plantById = new Map(network.plants.map((p) => [p.id, p]));
    const marketById = new Map(network.markets.map((m) => [m.id, m]));
    const nameOf = (id: string) => nodeById.get(id)?.name ?? plantById.get(id)?.name ?? marketById.get(id)?.name ?? id;
    const legNames = new Map(network.legs.map((leg) => [leg.id, legLabel(leg, network, nameOf)]));
    const legLines = new Map(network.legs.map((leg) => [leg.id, leg.geometry.coordinates.map((c) => [c[0], c[1]])]));
    found = { nodeById, plantById, marketById, nameOf, legNames, legLines };
    byIdOf.set(network, found);
  }
  return found;
}

function readContext(network: Network, scenario: Scenario, built: BuiltModel, result: Optimal): ReadContext {
  const { index } = built;
  const { periods } = index;
  const values = result.values.map((v) => (Math.abs(v) < 1e-9 ? 0 : v));
  const val = (i: number | undefined) => (i === undefined ? 0 : values[i]!);
  const { nodeById, plantById, marketById, nameOf } = byId(network);
  const duals = result.sensitivity?.rowDuals;

  // Leg tonnes per period, per market.
  const legTonnes = new Map<string, number[]>();
  const legMarketTonnes = new Map<string, Map<string, number>>();
  for (const leg of network.legs) {
    legTonnes.set(leg.id, periods.map(() => 0));
    legMarketTonnes.set(leg.id, new Map());
  }
  for (const market of network.markets) {
    for (const leg of index.legsForMarket.get(market.id) ?? []) {
      for (const t of periods) {
        const x = val(flowVariable(index, leg.id, market.id, t.index));
        if (x === 0) continue;
        legTonnes.get(leg.id)![t.index]! += x;
        const byMarket = legMarketTonnes.get(leg.id)!;
        byMarket.set(market.id, (byMarket.get(market.id) ?? 0) + x);
      }
    }
  }
  return {
    network,
    scenario,
    built,
    result,
    index,
    periods,
    firstYear: periods[0]!.year,
    clearing: scenario.market === 'clearing',
    val,
    nameOf,
    nodeById,
    plantById,
    marketById,
    clearingPrice: (marketId, t) => {
      const row = index.clearRows.get(key(marketId, t));
      return row === undefined || !duals ? NaN : Math.max(0, duals[row]!);
    },
    legTonnes,
    legMarketTonnes,
    wagonUsdPerTonne: wagonCostUsdPerTonne(network),
  };
}

/** Freight, handling at the node a leg enters, and CO₂, over every leg. */
function readLegCosts({ network, legTonnes, nodeById }: ReadContext): { freightUsd: number; handlingUsd: number; co2Tonnes: number } {
  let freightUsd = 0;
  let handlingUsd = 0;
  let co2Tonnes = 0;
  for (const leg of network.legs) {
    const tonnes = sum(legTonnes.get(leg.id)!);
    freightUsd += tonnes * legCostUsdPerTonne(leg);
    const entered = nodeById.get(leg.to);
    if (entered) handlingUsd += tonnes * entered.handlingUsdPerTonne;
    co2Tonnes += tonnes * legCo2TonnesPerTonne(leg);
  }
  return { freightUsd, handlingUsd, co2Tonnes };
}

interface PlantsRead {
  readonly plants: CapacityUse[];
  readonly productionTonnes: number;
  readonly capacityTonnes: number;
  readonly productionCostUsd: number;
  readonly holdingCostUsd: number;
}

function readPlants({ network, index, periods, val }: ReadContext): PlantsRead {
  let productionTonnes = 0;
  let capacityTonnes = 0;
  let productionCostUsd = 0;
  let holdingCostUsd = 0;
  const plants: CapacityUse[] = network.plants.map((plant) => {
    const byPeriod = periods.map((t) => val(index.prod.get(key(plant.id, t.index))));
    const stockByPeriod = periods.map((t) => val(index.stock.get(key(plant.id, t.index))));
    const capacity = sum(periods.map((t) => plantCapacityTonnes(plant, t)));
    const tonnes = sum(byPeriod);
    productionTonnes += tonnes;
    capacityTonnes += capacity;
    productionCostUsd += tonnes * plant.variableCostUsdPerTonne;
    holdingCostUsd += sum(stockByPeriod) * plant.holdingCostUsdPerTonnePerMonth;
    return {
      id: plant.id,
      name: plant.name,
      kind: 'plant',
      tonnes: round(tonnes),
      capacityTonnes: round(capacity),
      utilisation: capacity > 0 ? round(tonnes / capacity) : null,
      closedPeriods: [],
      tonnesByPeriod: byPeriod.map((x) => round(x)),
      stockTonnesByPeriod: index.stock.size > 0 ? stockByPeriod.map((x) => round(x)) : undefined,
    };
  });
  return { plants, productionTonnes, capacityTonnes, productionCostUsd, holdingCostUsd };
}

interface MarketsRead {
  readonly markets: MarketResult[];
  readonly revenueUsd: number;
  readonly dutyUsd: number;
  readonly domesticTonnes: number;
  readonly exportTonnes: number;
  readonly wagonCostUsd: number;
  readonly packingCostUsd: number;
}

function readMarkets(ctx: ReadContext): MarketsRead {
  const totals = { revenueUsd: 0, dutyUsd: 0, domesticTonnes: 0, exportTonnes: 0, wagonCostUsd: 0, packingCostUsd: 0 };
  // Our markets: a market only competitors reach is in the clearing report, not among ours.
  const markets = ctx.network.markets.filter((market) => !market.competitorsOnly).map((market) => readMarket(ctx, market, totals));
  return { markets, ...totals };
}

/** One market: tonnes, revenue and duty, logistics, netback, routes, price gap; adds to the totals. */
function readMarket(
  ctx: ReadContext,
  market: Market,
  totals: { revenueUsd: number; dutyUsd: number; domesticTonnes: number; exportTonnes: number; wagonCostUsd: number; packingCostUsd: number },
): MarketResult {
  const { network, index, periods, clearing, val, firstYear } = ctx;
  const saleSteps = clearing ? 1 : market.tiers.length;
  const saleAt = (k: number, t: number) => val(index.sale.get(key(market.id, k, t)));
  const byPeriod = periods.map((t) => sum(Array.from({ length: saleSteps }, (_, k) => saleAt(k, t.index))));
  const tonnes = sum(byPeriod);
  const baggedByPeriod = periods.map((t) => baggedTonnes(ctx, market, t.index, byPeriod[t.index]!));
  const bagged = sum(baggedByPeriod);
  // The bagged premium on our bagged tonnes (in the clearing mode an add-on to the clearing price).
  let gross = bagged * (market.baggedPremiumUsdPerTonne ?? 0);
  let net = bagged * netBaggedPremiumUsdPerTonne(market);
  for (const t of periods) {
    if (clearing) {
      const price = ctx.clearingPrice(market.id, t.index);
      gross += byPeriod[t.index]! * price;
      // In the clearing mode the border friction is paid like a duty and reported with it.
      net += byPeriod[t.index]! * (price - ourDutyUsdPerTonne(network, market, t.year) - ourBorderFrictionUsdPerTonne(network, market, t.year));
      continue;
    }
    market.tiers.forEach((tier, k) => {
      const sold = saleAt(k, t.index);
      gross += sold * tier.priceUsdPerTonne;
      net += sold * netPriceUsdPerTonne(tier.priceUsdPerTonne, market);
    });
  }
  totals.revenueUsd += gross;
  totals.dutyUsd += gross - net;
  if (market.domestic) totals.domesticTonnes += tonnes;
  else totals.exportTonnes += tonnes;
  const logisticsUsd = marketLogisticsUsd(ctx, market, totals);
  const demand = sum(periods.map((t) => (clearing ? wholeMarketTonnes(network, market, t, firstYear) : marketDemandTonnes(market, t, firstYear))));
  const unsoldPrice = clearing ? ctx.clearingPrice(market.id, 0) : firstTier(market).priceUsdPerTonne;
  const price = tonnes > EPS_TONNES ? gross / tonnes : Number.isFinite(unsoldPrice) ? unsoldPrice : 0;
  const duty =
    tonnes > EPS_TONNES
      ? (gross - net) / tonnes
      : clearing
        ? ourDutyUsdPerTonne(network, market, firstYear) + ourBorderFrictionUsdPerTonne(network, market, firstYear)
        : dutyPaidUsdPerTonne(price, market);
  const logistics = tonnes > EPS_TONNES ? logisticsUsd / tonnes : cheapestRouteCost(market, ctx);
  const routes = decomposeRoutes(market.id, network, index.legsForMarket.get(market.id) ?? [], ctx.legMarketTonnes, index.legUnitCostUsdPerTonne, ctx.nameOf);
  const gap = tonnes > EPS_TONNES || clearing ? null : priceGap(market, ctx, demand > 0);
  return {
    id: market.id,
    name: market.name,
    country: market.country,
    domestic: market.domestic,
    lng: market.lng,
    lat: market.lat,
    tonnes: round(tonnes),
    demandTonnes: round(demand),
    shareOfDemand: demand > 0 ? round(tonnes / demand) : 0,
    priceUsdPerTonne: round(price, 4),
    dutyUsdPerTonne: round(duty, 4),
    logisticsCostUsdPerTonne: round(logistics, 4),
    netbackUsdPerTonne: tonnes > EPS_TONNES ? round(price - duty - logistics, 4) : null,
    priceGapUsdPerTonne: gap === null ? null : round(gap, 4),
    routes,
    tonnesByPeriod: byPeriod.map((x) => round(x)),
    baggedTonnes: round(bagged),
    bulkTonnes: round(tonnes - bagged),
    baggedTonnesByPeriod: baggedByPeriod.map((x) => round(x)),
  };
}

/**
 * Our bagged tonnes in a market and period: the plan's bagged variables where bagging is a decision,
 * else the exact bagged share of the tonnes delivered.
 */
function baggedTonnes(ctx: ReadContext, market: Market, t: number, deliveredTonnes: number): number {
  if (!baggingIsChosen(market)) return deliveredTonnes * fixedBaggedShare(market);
  return sum(ctx.network.plants.map((p) => ctx.val(ctx.index.bagged.get(key(p.id, market.id, t)))));
}

/** The bagging line of each plant that has one: tonnes packed per period, capacity, and what one more tonne of it is worth. */
function readPacking(ctx: ReadContext): PackingUse[] {
  const { network, index, periods, val, result } = ctx;
  const duals = result.sensitivity?.rowDuals;
  return network.plants.flatMap((plant) => {
    if (!plant.packing) return [];
    const byPeriod = periods.map((t) => {
      let tonnes = 0;
      for (const market of network.markets) {
        const chosen = index.bagged.get(key(plant.id, market.id, t.index));
        if (chosen !== undefined) {
          tonnes += val(chosen);
          continue;
        }
        const share = fixedBaggedShare(market);
        if (share <= 0) continue;
        for (const leg of ctx.built.index.legsForMarket.get(market.id) ?? []) {
          if (leg.from === plant.id) tonnes += share * val(flowVariable(index, leg.id, market.id, t.index));
        }
      }
      return tonnes;
    });
    const capacity = plant.packing.capacityTonnesPerYear * sum(periods.map((t) => t.yearFraction));
    const tonnes = sum(byPeriod);
    const dualOf = (t: number): number | null => {
      const row = index.packingRows.get(key(plant.id, t));
      if (row === undefined) return 0;
      return duals ? Math.max(0, duals[row]!) : null;
    };
    const shadow = periods.map((t) => dualOf(t.index));
    return [
      {
        plantId: plant.id,
        name: plant.name,
        tonnes: round(tonnes),
        capacityTonnes: round(capacity),
        utilisation: capacity > 0 ? round(tonnes / capacity) : null,
        costUsdPerTonne: plant.packing.costUsdPerTonne,
        tonnesByPeriod: byPeriod.map((x) => round(x)),
        shadowPriceUsdPerTonneByPeriod: shadow.map((d) => (d === null ? null : round(d))),
        // One more tonne a year of capacity adds the period's share of a year in every period.
        shadowPriceUsdPerTonne: shadow.some((d) => d === null) ? null : round(sum(periods.map((t, i) => shadow[i]! * t.yearFraction))),
      },
    ];
  });
}

/** Logistics of a market's tonnes, USD: each leg's unit cost, plus packing and wagons out of a plant (added to the totals). */
function marketLogisticsUsd(ctx: ReadContext, market: Market, totals: { wagonCostUsd: number; packingCostUsd: number }): number {
  const { network, index, wagonUsdPerTonne } = ctx;
  let logisticsUsd = 0;
  for (const leg of index.legsForMarket.get(market.id) ?? []) {
    const x = ctx.legMarketTonnes.get(leg.id)!.get(market.id) ?? 0;
    logisticsUsd += x * index.legUnitCostUsdPerTonne.get(leg.id)!;
    const plant = ctx.plantById.get(leg.from);
    if (!plant || x === 0) continue;
    const packing = x * packingCostUsdPerTonne(plant, market);
    const wagons = usesWagons(leg, network) ? x * wagonUsdPerTonne : 0;
    totals.packingCostUsd += packing;
    totals.wagonCostUsd += wagons;
    logisticsUsd += packing + wagons;
  }
  // Where the bagged tonnes are a decision, their packing is charged on them.
  for (const plant of network.plants) {
    if (!plant.packing) continue;
    for (const t of ctx.periods) {
      const packing = ctx.val(index.bagged.get(key(plant.id, market.id, t.index))) * plant.packing.costUsdPerTonne;
      totals.packingCostUsd += packing;
      logisticsUsd += packing;
    }
  }
  return logisticsUsd;
}

function readLegs({ network, periods, legTonnes }: ReadContext): CapacityUse[] {
  const { legNames } = byId(network);
  return network.legs.map((leg) => {
    const byPeriod = legTonnes.get(leg.id)!;
    const tonnes = sum(byPeriod);
    const caps = periods.map((t) => periodCapacityTonnes(leg.capacityTonnesPerYear, leg.closedMonths, t));
    const capacity = caps.some((c) => c === null) ? null : sum(caps as number[]);
    return {
      id: leg.id,
      name: legNames.get(leg.id)!,
      kind: 'leg',
      mode: leg.mode,
      tonnes: round(tonnes),
      capacityTonnes: capacity === null ? null : round(capacity),
      utilisation: capacity && capacity > 0 ? round(tonnes / capacity) : null,
      closedPeriods: periods.filter((t) => closedIn(leg.closedMonths, t)).map((t) => t.index),
      co2Tonnes: round(tonnes * legCo2TonnesPerTonne(leg)),
      freightUsd: round(tonnes * legCostUsdPerTonne(leg), 2),
      tonnesByPeriod: byPeriod.map((x) => round(x)),
    };
  });
}

function readNodes({ network, periods, legTonnes }: ReadContext): CapacityUse[] {
  const legsInto = new Map<string, Leg[]>();
  for (const l of network.legs) (legsInto.get(l.to) ?? legsInto.set(l.to, []).get(l.to)!).push(l);
  return network.nodes.map((node) => {
    const byPeriod = periods.map((t) => sum((legsInto.get(node.id) ?? []).map((l) => legTonnes.get(l.id)![t.index]!)));
    const tonnes = sum(byPeriod);
    const caps = periods.map((t) => periodCapacityTonnes(node.throughputTonnesPerYear, node.closedMonths, t));
    const capacity = caps.some((c) => c === null) ? null : sum(caps as number[]);
    return {
      id: node.id,
      name: node.name,
      kind: node.kind,
      tonnes: round(tonnes),
      capacityTonnes: capacity === null ? null : round(capacity),
      utilisation: capacity && capacity > 0 ? round(tonnes / capacity) : null,
      closedPeriods: periods.filter((t) => closedIn(node.closedMonths, t)).map((t) => t.index),
      tonnesByPeriod: byPeriod.map((x) => round(x)),
    };
  });
}

/** Flows as GeoJSON: every leg, with its tonnes (0 for unused legs); `legs` in network.legs' order. */
function readFlows({ network, nameOf, legMarketTonnes }: ReadContext, legs: readonly CapacityUse[]): Plan['flows'] {
  const { legLines } = byId(network);
  return {
    type: 'FeatureCollection',
    features: network.legs.map((leg, i) => {
      const used = legs[i]!;
      return {
        type: 'Feature' as const,
        geometry: { type: 'LineString' as const, coordinates: legLines.get(leg.id)! },
        properties: {
          legId: leg.id,
          from: leg.from,
          to: leg.to,
          fromName: nameOf(leg.from),
          toName: nameOf(leg.to),
          mode: leg.mode,
          tonnes: used.tonnes,
          tonnesByPeriod: used.tonnesByPeriod,
          capacityTonnes: used.capacityTonnes,
          utilisation: used.utilisation,
          closedPeriods: used.closedPeriods,
          closedMonths: leg.closedMonths,
          distanceKm: round(leg.distanceKm ?? 0, 3),
          costUsdPerTonne: round(legCostUsdPerTonne(leg), 4),
          co2Tonnes: used.co2Tonnes,
          tonnesByMarket: Object.fromEntries([...legMarketTonnes.get(leg.id)!].map(([m, x]) => [m, round(x)])),
        },
      };
    }),
  };
}

/** The plan's key figures from the sections' totals; margin = revenue − duty − logistics − production − holding − carbon − contracts. */
function readKpis(
  { network, scenario, index, periods, val, marketById }: ReadContext,
  legCosts: ReturnType<typeof readLegCosts>,
  plants: PlantsRead,
  markets: MarketsRead,
): Kpis {
  const { freightUsd, handlingUsd, co2Tonnes } = legCosts;
  const { productionTonnes, capacityTonnes, productionCostUsd, holdingCostUsd } = plants;
  const { revenueUsd, dutyUsd, domesticTonnes, exportTonnes, wagonCostUsd, packingCostUsd } = markets;
  const contractFixedCostUsd = [...index.open].reduce((s, [marketId, v]) => {
    const m = marketById.get(marketId)!;
    return s + Math.round(val(v)) * (m.contract?.fixedCostUsdPerYear ?? 0) * new Set(periods.map((p) => p.year)).size;
  }, 0);
  const carbonCostUsd = co2Tonnes * scenario.carbonPriceUsdPerTonneCo2;
  const logisticsCostUsd = freightUsd + handlingUsd + wagonCostUsd + packingCostUsd;
  const marginUsd =
    revenueUsd - dutyUsd - logisticsCostUsd - productionCostUsd - holdingCostUsd - carbonCostUsd - contractFixedCostUsd;
  const years = new Set(periods.map((p) => p.year)).size;
  const fixedCostUsd = sum(network.plants.map((p) => p.fixedCostUsdPerYear)) * years;
  const salesTonnes = domesticTonnes + exportTonnes;
  const basisTonnes = scenario.policy.basis === 'sales' ? salesTonnes : productionTonnes;
  return {
    productionTonnes: round(productionTonnes),
    salesTonnes: round(salesTonnes),
    domesticTonnes: round(domesticTonnes),
    exportTonnes: round(exportTonnes),
    domesticShare: basisTonnes > EPS_TONNES ? round(domesticTonnes / basisTonnes) : 0,
    policyDomesticShare: scenario.policy.domesticShare,
    policyBasis: scenario.policy.basis,
    revenueUsd: round(revenueUsd, 2),
    dutyUsd: round(dutyUsd, 2),
    freightUsd: round(freightUsd, 2),
    handlingUsd: round(handlingUsd, 2),
    logisticsCostUsd: round(logisticsCostUsd, 2),
    productionCostUsd: round(productionCostUsd, 2),
    holdingCostUsd: round(holdingCostUsd, 2),
    carbonCostUsd: round(carbonCostUsd, 2),
    contractFixedCostUsd: round(contractFixedCostUsd, 2),
    wagonCostUsd: round(wagonCostUsd, 2),
    packingCostUsd: round(packingCostUsd, 2),
    marginUsd: round(marginUsd, 2),
    marginAfterFixedCostUsd: round(marginUsd - fixedCostUsd, 2),
    co2Tonnes: round(co2Tonnes, 3),
    plantUtilisation: capacityTonnes > 0 ? round(productionTonnes / capacityTonnes) : 0,
  };
}

/**
 * The tonnes the domestic share is measured against (our sales or our production), by calendar year,
 * at a solution: a run of years holds the rule in each year, so a rule row's figures use its year's.
 */
export function basisTonnesOfRow(built: BuiltModel, values: readonly number[], scenario: Scenario): (row: LpRow) => number {
  const map = scenario.policy.basis === 'sales' ? built.index.sale : built.index.prod;
  const byYear = new Map<number, number>();
  let total = 0;
  for (const [k, v] of map) {
    const year = yearOfKey(built.index, k);
    byYear.set(year, (byYear.get(year) ?? 0) + values[v]!);
    total += values[v]!;
  }
  return (row) => {
    const year = yearOfRow(row);
    return year === undefined ? total : (byYear.get(year) ?? 0);
  };
}

/** Constraints at their bound that limit the plan, with shadow prices in words. */
function bindingConstraints(
  built: BuiltModel,
  result: Extract<SolveResult, { status: 'optimal' }>,
  network: Network,
  scenario: Scenario,
): BindingConstraint[] {
  const model = built.model;
  const basisTonnesOf = basisTonnesOfRow(built, result.values, scenario);
  const structural = new Set(['balance', 'conserve', 'deliver', 'lots']);
  const duals = result.sensitivity?.rowDuals;
  const ranges = result.sensitivity?.rowRanges;
  const found: BindingConstraint[] = [];
  model.rows.forEach((row, r) => {
    if (structural.has(row.family)) return;
    const activity = rowActivity(row, result.values);
    const bound = Number.isFinite(row.ub) && Math.abs(activity - row.ub) <= 1e-6 * Math.max(1, Math.abs(row.ub))
      ? row.ub
      : Number.isFinite(row.lb) && Math.abs(activity - row.lb) <= 1e-6 * Math.max(1, Math.abs(row.lb))
        ? row.lb
        : null;
    if (bound === null) return;
    const dual = duals ? duals[r]! : null;
    if (dual !== null && Math.abs(dual) < 1e-7) return;
    // Zero bounds are closures (ice, a market not yet open): their duals are degenerate and say
    // nothing reliable, and the closure itself is reported on the leg, node or market.
    if (bound === 0 && row.family !== 'domestic-share') return;
    const range = ranges ? ranges[r] : null;
    const sentence = explainBinding(row, dual, { network, scenario, basisTonnesOf });
    found.push({
      row: row.name,
      family: row.family,
      label: row.label,
      shadowPriceUsd: dual === null ? null : round(dual, 6),
      range: range ? { low: finiteOrNull(range.low), high: finiteOrNull(range.high) } : null,
      explanation: englishWhy(sentence),
      sentence,
    });
  });
  const order = ['capacity', 'domestic-share', 'export-cap', 'node', 'leg', 'demand-min', 'contract-min', 'demand-max'];
  const rank = (family: string) => (order.indexOf(family) + order.length + 1) % (order.length + 1);
  found.sort((a, b) => rank(a.family) - rank(b.family) || Math.abs(b.shadowPriceUsd ?? 0) - Math.abs(a.shadowPriceUsd ?? 0));
  return found;
}

/**
 * Cheapest cost to reach `target` over `legs`, starting from the given costs at the plants
 * (Bellman-Ford: the usable leg set is small and may branch). Each leg's cost is asked for once.
 */
function cheapestCostTo(
  target: string,
  legs: readonly Leg[],
  atPlants: ReadonlyMap<string, number>,
  legCost: (leg: Leg) => number,
): number {
  const best = new Map(atPlants);
  const legCosts = legs.map(legCost);
  for (let i = 0; i <= legs.length; i++) {
    let changed = false;
    for (const [k, leg] of legs.entries()) {
      const from = best.get(leg.from);
      if (from === undefined) continue;
      const cost = from + legCosts[k]!;
      if (cost < (best.get(leg.to) ?? Infinity)) {
        best.set(leg.to, cost);
        changed = true;
      }
    }
    if (!changed) break;
  }
  return best.get(target) ?? Infinity;
}

/**
 * Per-tonne costs of a leg bound for a market beyond freight and handling: bagging and hopper wagons
 * on a leg out of a plant, USD/t.
 */
function plantLegExtrasUsdPerTonne(leg: Leg, market: Market | undefined, network: Network, plantById: ReadContext['plantById']): number {
  const plant = plantById.get(leg.from);
  if (!plant) return 0;
  return packingCostUsdPerTonne(plant, market) + (usesWagons(leg, network) ? wagonCostUsdPerTonne(network) : 0);
}

/** Cheapest logistics cost from any plant to a market over usable legs, USD/t (for unserved markets). */
function cheapestRouteCost(market: Market, { index, network, plantById }: ReadContext): number {
  const atPlants = new Map(network.plants.map((p) => [p.id, 0]));
  const cost = cheapestCostTo(market.id, index.legsForMarket.get(market.id) ?? [], atPlants, (leg) => index.legUnitCostUsdPerTonne.get(leg.id)! + plantLegExtrasUsdPerTonne(leg, market, network, plantById));
  return Number.isFinite(cost) ? cost : NaN;
}

/**
 * The row prices a price gap uses, looked up by row name once per read-out (priceGap runs once per
 * unserved market): per period, each plant's capacity, the wagon fleet, the domestic rule and the
 * export cap; per leg and period, the leg, the node it enters and the bagging line of the plant it
 * leaves, and whether it can carry a tonne at all.
 */
interface GapPrices {
  readonly byPeriod: readonly {
    readonly capacity: ReadonlyMap<string, number>;
    readonly wagons: number;
    readonly share: number;
    readonly exportCap: number;
    readonly leg: ReadonlyMap<string, { readonly usable: boolean; readonly leg: number; readonly node: number; readonly packing: number }>;
  }[];
}

const gapPricesOf = new WeakMap<ReadContext, GapPrices>();

function gapPrices(ctx: ReadContext, duals: readonly number[]): GapPrices {
  let found = gapPricesOf.get(ctx);
  if (found) return found;
  const { network, built, nodeById } = ctx;
  // Most rows' prices are 0: a family (the first part of its rows' names) none of whose rows has a
  // price is never looked up by name.
  const priced = new Set<string>();
  built.model.rows.forEach((r, i) => {
    if (duals[i] !== 0) priced.add(r.family);
  });
  // The rows of those families by name.
  const rowIndex = new Map<string, number>();
  built.model.rows.forEach((r, i) => {
    if (priced.has(r.family)) rowIndex.set(r.name, i);
  });
  const dual = (family: string, name: () => string) => {
    if (!priced.has(family)) return 0;
    const i = rowIndex.get(name());
    return i === undefined ? 0 : duals[i]!;
  };
  const years = new Set(built.index.periods.map((p) => p.year)).size;
  const byPeriod = built.index.periods.map((t) => {
    const yearSuffix = years > 1 ? `:${t.year}` : '';
    const leg = new Map<string, { usable: boolean; leg: number; node: number; packing: number }>();
    for (const l of network.legs) {
      // Only legs that can carry a tonne in this period: not closed, not of zero capacity, and not
      // into a closed or zero-throughput node.
      const entered = nodeById.get(l.to);
      const usable =
        periodCapacityTonnes(l.capacityTonnesPerYear, l.closedMonths, t) !== 0 &&
        (!entered || periodCapacityTonnes(entered.throughputTonnesPerYear, entered.closedMonths, t) !== 0);
      leg.set(l.id, {
        usable,
        leg: Math.max(0, dual('leg', () => `leg:${l.id}:${t.label}`)),
        node: Math.max(0, dual('node', () => `node:${l.to}:${t.label}`)),
        packing: Math.max(0, dual('packing', () => `packing:${l.from}:${t.label}`)),
      });
    }
    return {
      capacity: new Map(network.plants.map((plant) => [plant.id, Math.max(0, dual('capacity', () => `capacity:${plant.id}:${t.label}`))])),
      wagons: Math.max(0, dual('wagons', () => `wagons:${t.label}`)),
      share: Math.abs(dual('domestic-share', () => `domestic-share${yearSuffix}`)),
      exportCap: Math.max(0, dual('export-cap', () => `export-cap${yearSuffix}`)),
      leg,
    };
  });
  found = { byPeriod };
  gapPricesOf.set(ctx, found);
  return found;
}

/**
 * A lower bound on how much the market's prices must rise before serving it pays (USD/t added to
 * every tier's delivered price). The pipeline turns it into the true threshold by re-solving
 * (`exactPriceGaps` in pipeline.ts): at a degenerate optimum other optimal duals give a higher one.
 * From the duals, not the sale variable's own reduced cost (which is degenerate when the market's
 * whole route sits at zero): a tonne delivered to m costs the plant's opportunity cost (variable
 * cost + capacity shadow price) plus the cheapest route at freight + handling + carbon + the shadow
 * prices of full legs and nodes on it, plus what it does to the domestic rule and the export cap.
 * Null without duals, for objectives other than margin, or when the market has no demand.
 */
function priceGap(market: Market, ctx: ReadContext, hasDemand: boolean): number | null {
  const { network, scenario, built, result, plantById } = ctx;
  const duals = result.sensitivity?.rowDuals;
  if (!duals || !hasDemand || scenario.objective !== 'margin') return null;
  const prices = gapPrices(ctx, duals);
  const share = scenario.policy.domesticShare;
  const legs = built.index.legsForMarket.get(market.id) ?? [];
  const range = baggedShareRange(market);
  const chosen = baggingIsChosen(market);
  /**
   * What bagging adds to a tonne's delivered cost on a leg out of a plant, given the shadow price of
   * the plant's line: the exact share of it; where the bagged tonnes are a decision, the minimum
   * share's packing and line less its premium, less the best the optional share can earn (so the
   * gap stays a lower bound).
   */
  const baggingUsdPerTonne = (leg: Leg, lineDual: number): number => {
    const plant = plantById.get(leg.from);
    if (!plant) return 0;
    if (!chosen) return fixedBaggedShare(market) * lineDual;
    const baggedEarnsUsd = netBaggedPremiumUsdPerTonne(market) - (plant.packing ? plant.packing.costUsdPerTonne + lineDual : 0);
    return -(range.min * baggedEarnsUsd + (range.max - range.min) * Math.max(0, baggedEarnsUsd));
  };
  let best = Infinity;
  for (const t of built.index.periods) {
    if (t.phase < market.openFromPhase) continue;
    const at = prices.byPeriod[t.index]!;
    const usable = legs.filter((leg) => at.leg.get(leg.id)!.usable);
    const shareDual = at.share;
    const atPlant = new Map<string, number>();
    for (const plant of network.plants) {
      let cost = plant.variableCostUsdPerTonne + at.capacity.get(plant.id)!;
      if (scenario.policy.basis === 'production') cost += share * shareDual;
      atPlant.set(plant.id, cost);
    }
    let delivered = cheapestCostTo(market.id, usable, atPlant, (leg) => {
      const legAt = at.leg.get(leg.id)!;
      return (
        built.index.legUnitCostUsdPerTonne.get(leg.id)! +
        plantLegExtrasUsdPerTonne(leg, market, network, plantById) +
        (usesWagons(leg, network) ? at.wagons * (network.wagonFleet!.turnaroundDays / network.wagonFleet!.tonnesPerWagon) : 0) +
        baggingUsdPerTonne(leg, legAt.packing) +
        scenario.carbonPriceUsdPerTonneCo2 * legCo2TonnesPerTonne(leg) +
        legAt.leg +
        legAt.node
      );
    });
    if (scenario.policy.basis === 'sales') delivered += market.domestic ? -(1 - share) * shareDual : share * shareDual;
    else if (market.domestic) delivered -= shareDual;
    if (!market.domestic) delivered += at.exportCap;
    const net = netPriceUsdPerTonne(firstTier(market).priceUsdPerTonne, market);
    best = Math.min(best, Math.max(0, delivered - net));
  }
  // A price rise of g raises the net price by g × (1 − dutyPct / 100); the specific duty is the
  // same per tonne at any price, so it sits in `net` above and not in this share.
  const netShare = 1 - market.dutyPct / 100;
  return Number.isFinite(best) && netShare > 0 ? best / netShare : null;
}

/** Split a market's flows into plant-to-market routes (largest first). */
function decomposeRoutes(
  marketId: string,
  network: Network,
  /** The legs that may carry the market's cement (the only ones with its tonnes), in network order. */
  marketLegs: readonly Leg[],
  legMarketTonnes: ReadonlyMap<string, Map<string, number>>,
  unitCost: Map<string, number>,
  nameOf: (id: string) => string,
): RouteSummary[] {
  const remaining = new Map<string, number>();
  const byFrom = new Map<string, Leg[]>();
  for (const leg of marketLegs) {
    const x = legMarketTonnes.get(leg.id)?.get(marketId) ?? 0;
    if (x <= EPS_TONNES) continue;
    remaining.set(leg.id, x);
    (byFrom.get(leg.from) ?? byFrom.set(leg.from, []).get(leg.from)!).push(leg);
  }
  const routes: RouteSummary[] = [];
  for (let guard = 0; guard < 200 && remaining.size > 0; guard++) {
    let path: Leg[] | null = null;
    for (const plant of network.plants) {
      path = walk(plant.id, marketId, byFrom, remaining, new Set());
      if (path) break;
    }
    if (!path) break;
    const tonnes = Math.min(...path.map((l) => remaining.get(l.id)!));
    for (const l of path) {
      const left = remaining.get(l.id)! - tonnes;
      if (left <= EPS_TONNES) remaining.delete(l.id);
      else remaining.set(l.id, left);
    }
    routes.push({
      legIds: path.map((l) => l.id),
      path: [nameOf(path[0]!.from), ...path.map((l) => nameOf(l.to))],
      modes: path.map((l) => l.mode),
      tonnes: round(tonnes),
      distanceKm: round(sum(path.map((l) => l.distanceKm ?? 0)), 3),
      logisticsCostUsdPerTonne: round(sum(path.map((l) => unitCost.get(l.id)!)), 4),
    });
  }
  return routes.sort((a, b) => b.tonnes - a.tonnes);
}

function walk(
  at: string,
  target: string,
  byFrom: Map<string, Leg[]>,
  remaining: Map<string, number>,
  seen: Set<string>,
): Leg[] | null {
  if (at === target) return [];
  if (seen.has(at)) return null;
  seen.add(at);
  for (const leg of byFrom.get(at) ?? []) {
    if (!remaining.has(leg.id)) continue;
    const rest = walk(leg.to, target, byFrom, remaining, seen);
    if (rest) return [leg, ...rest];
  }
  return null;
}

