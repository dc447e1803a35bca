/**
 * How large a scenario's model will be, from the body alone and before anything is built, so a
 * request over the service's cap is refused at once (422). Counts the variables `buildModel` makes:
 * production (and stock, monthly) per plant and period, sales per market tier and period, flows per
 * leg, destination and period, sea lots and contract switches. The count stops early once over
 * `cap`, so the time it takes is bounded by the cap, whatever the body. Browser-safe.
 */
import { periodsOf } from './scenario.ts';
import type { Network, Scenario } from './schema.ts';

export interface SizeEstimate {
  /** Variables, exact up to `cap`; over it, some number above the cap. */
  readonly variables: number;
  readonly overCap: boolean;
}

export function estimateModelSize(scenario: Scenario, network: Network, cap = Infinity): SizeEstimate {
  const T = periodsOf(scenario.horizon, scenario.phase).length;
  const monthly = scenario.horizon.kind === 'monthly';
  let perPeriod = 0;
  for (const p of network.plants) perPeriod += monthly && p.stockCapacityTonnes > 0 ? 2 : 1;
  for (const m of network.markets) perPeriod += m.tiers.length;
  if (scenario.mip.seaLots) for (const l of network.legs) if (l.mode === 'sea' && l.lotTonnes && l.lotTonnes > 0) perPeriod += 1;
  let variables = perPeriod * T + (scenario.mip.contracts ? network.markets.filter((m) => m.contract).length : 0);
  const known = fullFlowCounts.get(network);
  // A quick bound first: every market on every leg.
  if (known !== undefined || variables + network.markets.length * network.legs.length * T <= cap) {
    const flows = known ?? fullFlowCount(network);
    return { variables: variables + flows * T, overCap: variables + flows * T > cap };
  }
  const budget = Math.floor((cap - variables) / T);
  const flows = budget < 0 ? Infinity : flowCount(network, budget);
  // Counted to the end (not stopped over the budget): kept for the next scenario on this network.
  if (flows <= budget) fullFlowCounts.set(network, flows);
  variables += flows * T;
  return { variables, overCap: variables > cap };
}

/** Each network object's whole flow count, once counted to the end (networks are never changed in place). */
const fullFlowCounts = new WeakMap<Network, number>();

function fullFlowCount(network: Network): number {
  const flows = flowCount(network, Infinity);
  fullFlowCounts.set(network, flows);
  return flows;
}

/** (leg, market) pairs a flow variable is made for (see legsServingMarkets); stops once over `stopAbove`. */
function flowCount(network: Network, stopAbove: number): number {
  const nodeIds = new Set(network.nodes.map((n) => n.id));
  const outgoing = new Map<string, string[]>();
  const incoming = new Map<string, { from: string }[]>();
  for (const leg of network.legs) {
    (outgoing.get(leg.from) ?? outgoing.set(leg.from, []).get(leg.from)!).push(leg.to);
    (incoming.get(leg.to) ?? incoming.set(leg.to, []).get(leg.to)!).push(leg);
  }
  const forward = new Set(network.plants.map((p) => p.id));
  const queue = [...forward];
  while (queue.length) {
    for (const to of outgoing.get(queue.pop()!) ?? []) {
      if (nodeIds.has(to) && !forward.has(to)) {
        forward.add(to);
        queue.push(to);
      }
    }
  }
  let count = 0;
  for (const market of network.markets) {
    const backward = new Set([market.id]);
    const back = [market.id];
    while (back.length) {
      for (const leg of incoming.get(back.pop()!) ?? []) {
        if (forward.has(leg.from)) count++;
        if (count > stopAbove) return count;
        if (nodeIds.has(leg.from) && !backward.has(leg.from)) {
          backward.add(leg.from);
          back.push(leg.from);
        }
      }
    }
  }
  return count;
}
