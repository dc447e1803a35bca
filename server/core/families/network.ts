/**
 * Constraint families of our own network: production, plant balance, conservation at transit
 * nodes, leg capacity and node throughput. Each family is built in time linear in its size.
 * Browser-safe, pure.
 */
import type { LpTerm } from '../lp.ts';
import { described, legEnds, periodOf } from '../labels.ts';
import { closedIn, periodCapacityTonnes, plantCapacityTonnes, type Period } from '../scenario.ts';
import type { Market } from '../schema.ts';
import { costCoef, flowVariable, key, listPush, type ModelContext } from './context.ts';

/** prod:{p}:{t} and, in monthly plans with silos, stock:{p}:{t}. */
export function addNetworkVariables(ctx: ModelContext, t: Period): void {
  const monthly = ctx.scenario.horizon.kind === 'monthly';
  for (const plant of ctx.network.plants) {
    ctx.index.prod.set(
      key(plant.id, t.index),
      ctx.w.addVariable({
        name: `prod:${plant.id}:${t.label}`,
        lb: 0,
        ub: Infinity,
        cost: costCoef(ctx, plant.variableCostUsdPerTonne),
        kind: 'continuous',
        label: `tonnes produced at ${plant.name} in ${t.label}`,
      }),
    );
    if (monthly && plant.stockCapacityTonnes > 0) {
      ctx.index.stock.set(
        key(plant.id, t.index),
        ctx.w.addVariable({
          name: `stock:${plant.id}:${t.label}`,
          lb: 0,
          ub: plant.stockCapacityTonnes,
          cost: costCoef(ctx, plant.holdingCostUsdPerTonnePerMonth),
          kind: 'continuous',
          label: `tonnes in stock at ${plant.name} at the end of ${t.label}`,
        }),
      );
    }
  }
}

/** flow:{l}:{m}:{t} for every leg that may carry market m's cement. */
export function addFlowVariables(ctx: ModelContext, market: Market, t: Period): void {
  const { index } = ctx;
  for (const leg of index.legsForMarket.get(market.id) ?? []) {
    const v = ctx.w.addVariable({
      name: `flow:${leg.id}:${market.id}:${t.label}`,
      lb: 0,
      ub: Infinity,
      cost: costCoef(ctx, ctx.flowUnitCost(leg, market.id)),
      kind: 'continuous',
      label: `tonnes bound for ${market.name} on leg ${leg.id} in ${t.label}`,
    });
    index.flow.set(key(leg.id, market.id, t.index), v);
    let byLeg = index.flowOfMarketLeg.get(market.id);
    if (!byLeg) {
      byLeg = new Map();
      index.flowOfMarketLeg.set(market.id, byLeg);
    }
    const byPeriod = byLeg.get(leg.id);
    if (byPeriod) byPeriod[t.index] = v;
    else {
      const periods: number[] = [];
      periods[t.index] = v;
      byLeg.set(leg.id, periods);
    }
    listPush(index.flowsOfLeg, leg.id, { v, marketId: market.id, period: t.index });
    listPush(index.flowsOfMarket, market.id, v);
  }
}

/** capacity:{p}:{t}   prod[p,t] ≤ capacity(p,t) */
export function addCapacity(ctx: ModelContext): void {
  for (const t of ctx.periods) {
    for (const plant of ctx.network.plants) {
      ctx.w.addRow({
        name: `capacity:${plant.id}:${t.label}`,
        family: 'capacity',
        terms: [{ v: ctx.index.prod.get(key(plant.id, t.index))!, coef: 1 }],
        lb: -Infinity,
        ub: plantCapacityTonnes(plant, t),
        ...described({ kind: 'plant-capacity', plant: plant.name, period: periodOf(t) }),
      });
    }
  }
}

/** balance:{p}:{t}   prod + stock[t−1] − stock[t] − Σ flow out of p = 0 */
export function addBalance(ctx: ModelContext): void {
  const { index } = ctx;
  for (const t of ctx.periods) {
    const out = new Map<string, LpTerm[]>(ctx.network.plants.map((p) => [p.id, []]));
    for (const market of ctx.network.markets) {
      for (const leg of ctx.plantLegs.get(market.id) ?? []) {
        out.get(leg.from)!.push({ v: flowVariable(index, leg.id, market.id, t.index)!, coef: -1 });
      }
    }
    for (const plant of ctx.network.plants) {
      const terms: LpTerm[] = [{ v: index.prod.get(key(plant.id, t.index))!, coef: 1 }];
      const prevStock = t.index > 0 ? index.stock.get(key(plant.id, t.index - 1)) : undefined;
      const stock = index.stock.get(key(plant.id, t.index));
      if (prevStock !== undefined) terms.push({ v: prevStock, coef: 1 });
      if (stock !== undefined) terms.push({ v: stock, coef: -1 });
      terms.push(...out.get(plant.id)!);
      ctx.w.addRow({
        name: `balance:${plant.id}:${t.label}`,
        family: 'balance',
        terms,
        lb: 0,
        ub: 0,
        ...described({ kind: 'output-balance', plant: plant.name, period: periodOf(t) }),
      });
    }
  }
}

/** conserve:{n}:{m}:{t}   Σ flow into n − Σ flow out of n = 0, per destination */
export function addConserve(ctx: ModelContext): void {
  for (const t of ctx.periods) {
    for (const market of ctx.network.markets) {
      const byNode = new Map<string, LpTerm[]>();
      const termsOf = (nodeId: string) => byNode.get(nodeId) ?? byNode.set(nodeId, []).get(nodeId)!;
      const legs = ctx.index.legsForMarket.get(market.id) ?? [];
      // Nodes in the order the legs first touch them (tail before head).
      for (const leg of legs) {
        if (ctx.nodeById.has(leg.from)) termsOf(leg.from);
        if (ctx.nodeById.has(leg.to)) termsOf(leg.to);
      }
      for (const leg of legs) {
        const v = flowVariable(ctx.index, leg.id, market.id, t.index)!;
        if (ctx.nodeById.has(leg.to)) termsOf(leg.to).push({ v, coef: 1 });
        if (ctx.nodeById.has(leg.from)) termsOf(leg.from).push({ v, coef: -1 });
      }
      for (const [nodeId, terms] of byNode) {
        ctx.w.addRow({
          name: `conserve:${nodeId}:${market.id}:${t.label}`,
          family: 'conserve',
          terms,
          lb: 0,
          ub: 0,
          ...described({ kind: 'transit', node: ctx.nodeById.get(nodeId)!.name, market: market.name, period: periodOf(t) }),
        });
      }
    }
  }
}

/** Per leg (or per entered node), the flow terms of one period, in market order. */
function termsByLeg(ctx: ModelContext, t: Period, keyOf: (legTo: string, legId: string) => string): Map<string, LpTerm[]> {
  const terms = new Map<string, LpTerm[]>();
  for (const market of ctx.network.markets) {
    for (const leg of ctx.index.legsForMarket.get(market.id) ?? []) {
      const k = keyOf(leg.to, leg.id);
      (terms.get(k) ?? terms.set(k, []).get(k)!).push({ v: flowVariable(ctx.index, leg.id, market.id, t.index)!, coef: 1 });
    }
  }
  return terms;
}

/** leg:{l}:{t}   Σ_m flow[l,m,t] ≤ capacity(l,t); 0 when closed */
export function addLegCapacity(ctx: ModelContext): void {
  for (const t of ctx.periods) {
    const byLeg = termsByLeg(ctx, t, (_, legId) => legId);
    for (const leg of ctx.network.legs) {
      const capacity = periodCapacityTonnes(leg.capacityTonnesPerYear, leg.closedMonths, t);
      const terms = byLeg.get(leg.id);
      if (capacity === null || !terms) continue;
      ctx.w.addRow({
        name: `leg:${leg.id}:${t.label}`,
        family: 'leg',
        terms,
        lb: -Infinity,
        ub: capacity,
        ...described({ kind: 'leg-capacity', mode: leg.mode, ...legEnds(leg, ctx.network), closed: closedIn(leg.closedMonths, t), period: periodOf(t) }),
      });
    }
  }
}

/** node:{n}:{t}   Σ flow into n ≤ throughput(n,t); 0 when closed */
export function addNodeThroughput(ctx: ModelContext): void {
  for (const t of ctx.periods) {
    const byNode = termsByLeg(ctx, t, (legTo) => legTo);
    for (const node of ctx.network.nodes) {
      const capacity = periodCapacityTonnes(node.throughputTonnesPerYear, node.closedMonths, t);
      const terms = byNode.get(node.id);
      if (capacity === null || !terms) continue;
      ctx.w.addRow({
        name: `node:${node.id}:${t.label}`,
        family: 'node',
        terms,
        lb: -Infinity,
        ub: capacity,
        ...described({ kind: 'node-throughput', node: node.name, closed: closedIn(node.closedMonths, t), period: periodOf(t) }),
      });
    }
  }
}
