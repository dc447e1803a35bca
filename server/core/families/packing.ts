/**
 * Product forms (DESIGN §3b): our bagged tonnes and the plant's bagging line. Where a market fixes
 * the bagged share exactly, every tonne to it carries that share of packing (a flow cost, costs.ts)
 * and of the line's capacity. Where the share is a range or a bagged tonne earns a premium, the plan
 * chooses our bagged tonnes per plant, market and period within the range: each earns the premium
 * (net of the ad-valorem duty) and costs the plant's packing. In the market-clearing mode the premium
 * is an add-on to our netback; the market's clearing price stays the price of bulk cement.
 * Browser-safe, pure.
 */
import { described, periodOf } from '../labels.ts';
import type { LpTerm } from '../lp.ts';
import type { Period } from '../scenario.ts';
import { baggedShareRange, baggingIsChosen, fixedBaggedShare, netBaggedPremiumUsdPerTonne } from '../product-forms.ts';
import type { Market, Plant } from '../schema.ts';
import { costCoef, key, shipmentTerms, type ModelContext } from './context.ts';

/** Plants with a leg carrying market m's cement out of them, in the network's plant order. */
function plantsServing(ctx: ModelContext, market: Market): Plant[] {
  const from = new Set((ctx.plantLegs.get(market.id) ?? []).map((l) => l.from));
  return ctx.network.plants.filter((p) => from.has(p.id));
}

/**
 * Objective coefficient of one bagged tonne. margin: premium net of duty − packing cost;
 * min-cost: packing cost + the duty on the premium; max-domestic: 0.
 */
function baggedCoef(ctx: ModelContext, plant: Plant, market: Market): number {
  const packingUsd = plant.packing?.costUsdPerTonne ?? 0;
  const premiumUsd = market.baggedPremiumUsdPerTonne ?? 0;
  const netPremiumUsd = netBaggedPremiumUsdPerTonne(market);
  if (ctx.scenario.objective === 'margin') return netPremiumUsd - packingUsd;
  if (ctx.scenario.objective === 'min-cost') return packingUsd + (premiumUsd - netPremiumUsd);
  return costCoef(ctx, packingUsd);
}

/** bagged:{p}:{m}:{t} for every market whose bagged tonnes are a decision and every plant serving it. */
export function addBaggedVariables(ctx: ModelContext, t: Period): void {
  for (const market of ctx.network.markets) {
    if (!baggingIsChosen(market)) continue;
    for (const plant of plantsServing(ctx, market)) {
      ctx.index.bagged.set(
        key(plant.id, market.id, t.index),
        ctx.w.addVariable({
          name: `bagged:${plant.id}:${market.id}:${t.label}`,
          lb: 0,
          ub: Infinity,
          cost: baggedCoef(ctx, plant, market),
          kind: 'continuous',
          label: `bagged tonnes from ${plant.name} for ${market.name} in ${t.label}`,
        }),
      );
    }
  }
}

/**
 * bagged-max:{p}:{m}:{t}   bagged − max share × our tonnes from p to m ≤ 0
 * bagged-min:{p}:{m}:{t}   bagged − min share × our tonnes from p to m ≥ 0 (when the minimum is above 0)
 */
export function addBaggedShares(ctx: ModelContext): void {
  for (const t of ctx.periods) {
    for (const market of ctx.network.markets) {
      if (!baggingIsChosen(market)) continue;
      const range = baggedShareRange(market);
      for (const plant of plantsServing(ctx, market)) {
        const v = ctx.index.bagged.get(key(plant.id, market.id, t.index))!;
        const shipped = (share: number): LpTerm[] => [{ v, coef: 1 }, ...shipmentTerms(ctx, market.id, t, -share, (p) => p === plant.id)];
        ctx.w.addRow({
          name: `bagged-max:${plant.id}:${market.id}:${t.label}`,
          family: 'bagged-max',
          terms: shipped(range.max),
          lb: -Infinity,
          ub: 0,
          ...described({ kind: 'bagged-share', market: market.name, plant: plant.name, bound: 'max', share: range.max, period: periodOf(t) }),
        });
        if (range.min <= 0) continue;
        ctx.w.addRow({
          name: `bagged-min:${plant.id}:${market.id}:${t.label}`,
          family: 'bagged-min',
          terms: shipped(range.min),
          lb: 0,
          ub: Infinity,
          ...described({ kind: 'bagged-share', market: market.name, plant: plant.name, bound: 'min', share: range.min, period: periodOf(t) }),
        });
      }
    }
  }
}

/**
 * packing:{p}:{t}   Σ_m exact bagged share(m) × our tonnes from p to m + Σ_m bagged[p,m,t]
 *                   ≤ packing capacity(p) × share of the year
 * A plant without a bagging line has neither a limit nor a cost on bagging.
 */
export function addPacking(ctx: ModelContext): void {
  for (const plant of ctx.network.plants) {
    if (!plant.packing) continue;
    for (const t of ctx.periods) {
      const terms: LpTerm[] = [];
      for (const market of ctx.network.markets) {
        const bagged = ctx.index.bagged.get(key(plant.id, market.id, t.index));
        if (bagged !== undefined) {
          terms.push({ v: bagged, coef: 1 });
          continue;
        }
        const share = fixedBaggedShare(market);
        if (share > 0) terms.push(...shipmentTerms(ctx, market.id, t, share, (p) => p === plant.id));
      }
      if (terms.length === 0) continue;
      ctx.index.packingRows.set(
        key(plant.id, t.index),
        ctx.w.addRow({
          name: `packing:${plant.id}:${t.label}`,
          family: 'packing',
          terms,
          lb: -Infinity,
          ub: plant.packing.capacityTonnesPerYear * t.yearFraction,
          ...described({ kind: 'bagging-capacity', plant: plant.name, period: periodOf(t) }),
        }),
      );
    }
  }
}
