/**
 * The linear programme of DESIGN §3 (price-taker) and §3b (market clearing), built solver-neutral
 * from an effective network and a scenario, one constraint family at a time (families/*.ts).
 * Pipeline step: (checked scenario) → buildModel → LpModel (+ an index to read values back).
 * Browser-safe, pure. Every variable is in tonnes (or a count for integers) and ≥ 0.
 *
 * Variables: prod:{p}:{t}, stock:{p}:{t} (monthly only), flow:{l}:{m}:{t} (our cement bound for m),
 *   price-taker: sale:{m}:{k}:{t} (tier k of market m);
 *   clearing:    sale:{m}:1:{t} (our deliveries to m), buy:{m}:{k}:{t} (block k bought by market m),
 *                supply:{s}:{m}:{t} (competitor s's tonnes into m);
 *   bagged:{p}:{m}:{t} (our bagged tonnes from plant p for m, where the bagged share is a decision),
 *   open:{m} (contracts), lots:{l}:{t} (sea lots).
 */
import type { LpModel } from './lp.ts';
import type { Leg, Market, Network, Scenario } from './schema.ts';
import { periodsOf, tierTonnes, yearsOf, type Period } from './scenario.ts';
import { ModelBuildStopped, ModelWriter, type ModelContext, type ModelIndex, type ModelOptions } from './families/context.ts';
import { addNetworkVariables, addCapacity, addBalance, addConserve, addLegCapacity, addNodeThroughput } from './families/network.ts';
import { addMarketVariables, addDeliver, addDemand, addDemandMin, addDomesticShare, addExportCap, addImportCaps, addFullOutput, addVolumes } from './families/markets.ts';
import { addCompetitorVariables, addClearing, addSupplierCapacity } from './families/competitors.ts';
import { addWagonFleet } from './families/logistics.ts';
import { addBaggedVariables, addBaggedShares, addPacking } from './families/packing.ts';
import { addContracts, addSeaLots } from './families/mip.ts';
import { flowUnitCosts } from './families/costs.ts';

export { key as modelKey } from './families/context.ts';
export type { ModelIndex, ModelOptions } from './families/context.ts';
export { ModelBuildStopped } from './families/context.ts';
export { legLabel } from './labels.ts';

export interface BuiltModel {
  readonly model: LpModel;
  readonly index: ModelIndex;
}

const servingLegs = new WeakMap<Network, ReadonlyMap<string, readonly Leg[]>>();

/**
 * Legs that can carry cement bound for market m: their tail is reachable from a plant through
 * transit nodes, and their head is m or a transit node from which m is reachable.
 * Markets are sinks: nothing moves on from a market. Worked out once per network object (networks
 * are never changed in place; the scenario check and the model build of a plan share it).
 */
export function legsServingMarkets(network: Network): ReadonlyMap<string, readonly Leg[]> {
  let legs = servingLegs.get(network);
  if (!legs) {
    legs = findLegsServingMarkets(network);
    servingLegs.set(network, legs);
  }
  return legs;
}

function findLegsServingMarkets(network: Network): Map<string, Leg[]> {
  const plantIds = new Set(network.plants.map((p) => p.id));
  const nodeIds = new Set(network.nodes.map((n) => n.id));
  const outgoing = new Map<string, Leg[]>();
  const incoming = new Map<string, Leg[]>();
  for (const leg of network.legs) {
    (outgoing.get(leg.from) ?? outgoing.set(leg.from, []).get(leg.from)!).push(leg);
    (incoming.get(leg.to) ?? incoming.set(leg.to, []).get(leg.to)!).push(leg);
  }
  // Forward: plants and the transit nodes reachable from them.
  const forward = new Set<string>(plantIds);
  const queue = [...plantIds];
  while (queue.length) {
    const at = queue.pop()!;
    for (const leg of outgoing.get(at) ?? []) {
      if (nodeIds.has(leg.to) && !forward.has(leg.to)) {
        forward.add(leg.to);
        queue.push(leg.to);
      }
    }
  }
  const order = new Map(network.legs.map((l, i) => [l.id, i]));
  const result = new Map<string, Leg[]>();
  for (const market of network.markets) {
    // Backward from the market through transit nodes.
    const backward = new Set<string>([market.id]);
    const back = [market.id];
    while (back.length) {
      const at = back.pop()!;
      for (const leg of incoming.get(at) ?? []) {
        if (nodeIds.has(leg.from) && !backward.has(leg.from)) {
          backward.add(leg.from);
          back.push(leg.from);
        }
      }
    }
    const legs: Leg[] = [];
    for (const at of backward) {
      for (const leg of incoming.get(at) ?? []) if (forward.has(leg.from)) legs.push(leg);
    }
    // Keep the network's leg order: names and rows come out in a stable order.
    legs.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    result.set(market.id, legs);
  }
  return result;
}

/** What the model's families look up in a network, worked out once per network object. */
interface NetworkLookups {
  readonly nodeById: ModelContext['nodeById'];
  readonly legsInto: ModelContext['legsInto'];
  readonly plantLegs: ModelContext['plantLegs'];
}

const lookups = new WeakMap<Network, NetworkLookups>();

function networkLookups(network: Network): NetworkLookups {
  let found = lookups.get(network);
  if (!found) {
    const legsForMarket = legsServingMarkets(network);
    const plantIds = new Set(network.plants.map((p) => p.id));
    found = {
      nodeById: new Map(network.nodes.map((n) => [n.id, n])),
      legsInto: new Map(network.markets.map((m) => [m.id, (legsForMarket.get(m.id) ?? []).filter((l) => l.to === m.id)])),
      plantLegs: new Map(network.markets.map((m) => [m.id, (legsForMarket.get(m.id) ?? []).filter((l) => plantIds.has(l.from))])),
    };
    lookups.set(network, found);
  }
  return found;
}

export function buildModel(network: Network, scenario: Scenario, options: ModelOptions = {}): BuiltModel {
  const periods = periodsOf(scenario.horizon, scenario.phase);
  const legsForMarket = legsServingMarkets(network);
  const { nodeById, legsInto, plantLegs } = networkLookups(network);
  const index: ModelIndex = {
    periods,
    prod: new Map(),
    stock: new Map(),
    flow: new Map(),
    sale: new Map(),
    buy: new Map(),
    supply: new Map(),
    open: new Map(),
    lots: new Map(),
    bagged: new Map(),
    packingRows: new Map(),
    legsForMarket,
    legUnitCostUsdPerTonne: new Map(),
    domesticShareRows: [],
    clearRows: new Map(),
    salesOfMarket: new Map(),
    flowsOfLeg: new Map(),
    flowsOfMarket: new Map(),
    flowOfMarketLeg: new Map(),
  };
  const ctx: ModelContext = {
    network,
    scenario,
    options,
    periods,
    years: yearsOf(periods),
    firstYear: periods[0]!.year,
    clearing: scenario.market === 'clearing',
    w: new ModelWriter(),
    index,
    nodeById,
    legsInto,
    plantLegs,
    flowUnitCost: () => 0,
  };
  ctx.flowUnitCost = flowUnitCosts(ctx);
  const step = (add: (ctx: ModelContext) => void) => {
    if (options.shouldStop?.()) throw new ModelBuildStopped();
    add(ctx);
  };

  // Variables: per period, the plants, then per market our sales (or deliveries and blocks) and flows, then competitors.
  for (const t of periods) {
    step((c) => addNetworkVariables(c, t));
    step((c) => addMarketVariables(c, t));
    step((c) => addBaggedVariables(c, t));
    if (ctx.clearing) step((c) => addCompetitorVariables(c, t));
  }

  // Constraints, one family at a time.
  const families = [addCapacity, addBalance, addConserve, addDeliver, addDemand, addDemandMin, addLegCapacity, addNodeThroughput, addDomesticShare, addExportCap, addVolumes, addFullOutput, addContracts, addSeaLots];
  if (ctx.clearing) families.push(addClearing, addSupplierCapacity);
  families.push(addImportCaps, addWagonFleet, addBaggedShares, addPacking);
  for (const family of families) step(family);

  return {
    model: {
      name: scenario.name,
      sense: scenario.objective === 'min-cost' ? 'min' : 'max',
      variables: ctx.w.variables,
      rows: ctx.w.rows,
    },
    index,
  };
}

/** The tonnes a price-taker market takes in a period (sum of its tiers; 0 before it opens). */
export function marketDemandTonnes(market: Market, period: Period, firstYear: number): number {
  if (period.phase < market.openFromPhase) return 0;
  return market.tiers.reduce((s, _, k) => s + tierTonnes(market, k, period, firstYear), 0);
}
