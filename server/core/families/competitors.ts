/**
 * The market-clearing families (DESIGN §3b): competitors' supply, their capacities, and each
 * market's balance, whose dual is the clearing price. Browser-safe, pure.
 */
import { described, periodOf } from '../labels.ts';
import type { LpTerm } from '../lp.ts';
import { routeCapacityTonnes, supplierCapacityTonnes, supplierDeliveredCost } from '../market-economics.ts';
import type { Period } from '../scenario.ts';
import { costCoef, key, type ModelContext } from './context.ts';

/** supply:{s}:{m}:{t}   competitor s's tonnes into market m, at its delivered offer (cash + mark-up + freight + duty). */
export function addCompetitorVariables(ctx: ModelContext, t: Period): void {
  const markets = new Map(ctx.network.markets.map((m) => [m.id, m]));
  for (const supplier of ctx.network.suppliers) {
    for (const route of supplier.routes) {
      const market = markets.get(route.market);
      if (!market) continue;
      const cost = supplierDeliveredCost(ctx.network, supplier, route, t.year, t.month);
      ctx.index.supply.set(
        key(supplier.id, market.id, t.index),
        ctx.w.addVariable({
          name: `supply:${supplier.id}:${market.id}:${t.label}`,
          lb: 0,
          ub: routeCapacityTonnes(route, t),
          cost: costCoef(ctx, cost.totalUsdPerTonne),
          kind: 'continuous',
          label: `tonnes ${supplier.name} delivers to ${market.name} in ${t.label}`,
        }),
      );
    }
  }
}

/** clear:{m}:{t}   Σ_k buy[m,k,t] − ship[m,t] − Σ_s supply[s,m,t] = 0; its dual is m's clearing price. */
export function addClearing(ctx: ModelContext): void {
  const { index } = ctx;
  for (const t of ctx.periods) {
    const supplyInto = new Map<string, LpTerm[]>();
    for (const supplier of ctx.network.suppliers) {
      for (const route of supplier.routes) {
        const v = index.supply.get(key(supplier.id, route.market, t.index));
        if (v === undefined) continue;
        (supplyInto.get(route.market) ?? supplyInto.set(route.market, []).get(route.market)!).push({ v, coef: -1 });
      }
    }
    for (const market of ctx.network.markets) {
      const terms: LpTerm[] = [];
      for (let k = 0; index.buy.has(key(market.id, k, t.index)); k++) terms.push({ v: index.buy.get(key(market.id, k, t.index))!, coef: 1 });
      terms.push({ v: index.sale.get(key(market.id, 0, t.index))!, coef: -1 });
      terms.push(...(supplyInto.get(market.id) ?? []));
      index.clearRows.set(
        key(market.id, t.index),
        ctx.w.addRow({
          name: `clear:${market.id}:${t.label}`,
          family: 'clear',
          terms,
          lb: 0,
          ub: 0,
          ...described({ kind: 'market-clears', market: market.name, period: periodOf(t) }),
        }),
      );
    }
  }
}

/** supplier-capacity:{s}:{t}   Σ_m supply[s,m,t] ≤ capacity(s,t) */
export function addSupplierCapacity(ctx: ModelContext): void {
  for (const t of ctx.periods) {
    for (const supplier of ctx.network.suppliers) {
      const terms: LpTerm[] = [];
      for (const route of supplier.routes) {
        const v = ctx.index.supply.get(key(supplier.id, route.market, t.index));
        if (v !== undefined) terms.push({ v, coef: 1 });
      }
      if (terms.length === 0) continue;
      ctx.w.addRow({
        name: `supplier-capacity:${supplier.id}:${t.label}`,
        family: 'supplier-capacity',
        terms,
        lb: -Infinity,
        ub: supplierCapacityTonnes(supplier, t),
        ...described({ kind: 'supplier-capacity', supplier: supplier.name, period: periodOf(t) }),
      });
    }
  }
}
