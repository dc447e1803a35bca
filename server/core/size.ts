/**
 * How large a scenario's model will be, from the body alone and before anything is built, so a
 * request over the service's cap is refused at once (422). Counts every variable `buildModel` makes:
 * production (and stock, monthly) per plant and period; our sales per market tier and period, or in
 * the market-clearing mode our deliveries and the market's demand blocks; competitors' supply per
 * route and period (clearing); flows per leg, destination and period; bagged tonnes per plant and
 * market where bagging is a decision; sea lots and contract switches. The count stops early once
 * over `cap`, so the time it takes is bounded by the cap, whatever the body. Browser-safe.
 */
import { baggingIsChosen } from './product-forms.ts';
import { networkForScenario } from './pipeline.ts';
import { periodsOf } from './scenario.ts';
import type { Network, Scenario } from './schema.ts';

export interface SizeEstimate {
  /** Variables, exact up to `cap`; over it, some number above the cap. */
  readonly variables: number;
  readonly overCap: boolean;
}

/** Per-period variables that follow the network's reachability (the same in every scenario on it). */
interface RouteCounts {
  /** (leg, market) pairs a flow variable is made for (see legsServingMarkets). */
  readonly flows: number;
  /** (plant, market) pairs a bagged variable is made for: markets where bagging is chosen × plants with a leg serving them. */
  readonly bagged: number;
  /** Sea legs with a lot size that carry some market's cement (a lots variable when whole lots are on). */
  readonly lotLegs: number;
}

/**
 * `baseNetwork`: the network the scenario is planned on (its own, or the default one); the count is
 * of the network the model is built from, the scenario's overrides applied (`networkForScenario`:
 * tiers, bagging, contracts, lots, stock, absent competitors, and in the price-taker mode the
 * markets only competitors serve left out). Worked out once per scenario and network object, and
 * kept for the check and the build that follow.
 */
export function estimateModelSize(scenario: Scenario, baseNetwork: Network, cap = Infinity): SizeEstimate {
  const network = networkForScenario(scenario, baseNetwork);
  const T = periodsOf(scenario.horizon, scenario.phase).length;
  const monthly = scenario.horizon.kind === 'monthly';
  const clearing = scenario.market === 'clearing';
  let perPeriod = 0;
  for (const p of network.plants) perPeriod += monthly && p.stockCapacityTonnes > 0 ? 2 : 1;
  for (const m of network.markets) perPeriod += clearing ? 1 + (m.demand ? m.demand.blocks.length : m.tiers.length) : m.tiers.length;
  if (clearing) {
    const marketIds = new Set(network.markets.map((m) => m.id));
    for (const s of network.suppliers) for (const r of s.routes) if (marketIds.has(r.market)) perPeriod += 1;
  }
  const fixed = perPeriod * T + (scenario.mip.contracts ? network.markets.filter((m) => m.contract).length : 0);
  const total = (c: RouteCounts) => fixed + (c.flows + c.bagged + (scenario.mip.seaLots ? c.lotLegs : 0)) * T;
  const known = routeCountsKept.get(network);
  // A quick bound first: every market on every leg, bagged from every plant, lots on every leg.
  const markets = network.markets.length;
  const bound = fixed + (markets * network.legs.length + markets * network.plants.length + network.legs.length) * T;
  if (known !== undefined || bound <= cap) {
    const counts = known ?? countRoutes(network, Infinity);
    return { variables: total(counts), overCap: total(counts) > cap };
  }
  const budget = Math.floor((cap - fixed) / T);
  if (budget < 0) return { variables: fixed, overCap: true };
  const counts = countRoutes(network, budget);
  if (counts.flows + counts.bagged > budget) return { variables: fixed + (counts.flows + counts.bagged) * T, overCap: true };
  return { variables: total(counts), overCap: total(counts) > cap };
}

/** Each network object's route counts, once counted to the end (networks are never changed in place). */
const routeCountsKept = new WeakMap<Network, RouteCounts>();

/**
 * The reachability counts, walking each market's legs backwards from it as `legsServingMarkets`
 * does; stops once flows + bagged pairs are over `stopAbove` (and then keeps nothing).
 */
function countRoutes(network: Network, stopAbove: number): RouteCounts {
  const nodeIds = new Set(network.nodes.map((n) => n.id));
  const plantIds = new Set(network.plants.map((p) => p.id));
  const outgoing = new Map<string, string[]>();
  const incoming = new Map<string, Network['legs'][number][]>();
  for (const leg of network.legs) {
    (outgoing.get(leg.from) ?? outgoing.set(leg.from, []).get(leg.from)!).push(leg.to);
    (incoming.get(leg.to) ?? incoming.set(leg.to, []).get(leg.to)!).push(leg);
  }
  const forward = new Set(plantIds);
  const queue = [...forward];
  while (queue.length) {
    for (const to of outgoing.get(queue.pop()!) ?? []) {
      if (nodeIds.has(to) && !forward.has(to)) {
        forward.add(to);
        queue.push(to);
      }
    }
  }
  let flows = 0;
  let bagged = 0;
  const lotLegs = new Set<string>();
  for (const market of network.markets) {
    const chosen = baggingIsChosen(market);
    const baggedFrom = new Set<string>();
    const backward = new Set([market.id]);
    const back = [market.id];
    while (back.length) {
      for (const leg of incoming.get(back.pop()!) ?? []) {
        if (forward.has(leg.from)) {
          flows++;
          if (chosen && plantIds.has(leg.from) && !baggedFrom.has(leg.from)) {
            baggedFrom.add(leg.from);
            bagged++;
          }
          if (leg.mode === 'sea' && leg.lotTonnes && leg.lotTonnes > 0) lotLegs.add(leg.id);
        }
        if (flows + bagged > stopAbove) return { flows, bagged, lotLegs: lotLegs.size };
        if (nodeIds.has(leg.from) && !backward.has(leg.from)) {
          backward.add(leg.from);
          back.push(leg.from);
        }
      }
    }
  }
  const counts = { flows, bagged, lotLegs: lotLegs.size };
  routeCountsKept.set(network, counts);
  return counts;
}
