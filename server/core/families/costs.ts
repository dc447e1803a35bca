/**
 * Per-tonne costs of our flows: freight and handling per leg, carbon, hopper wagons on rail legs
 * leaving a plant, and bagging for the exact share of a market's tonnes that goes bagged (where the
 * bagged tonnes are a decision, their packing is charged on them: families/packing.ts).
 * Browser-safe, pure.
 */
import { legCo2TonnesPerTonne, legCostUsdPerTonne } from '../scenario.ts';
import type { Leg, Market, Network, Plant } from '../schema.ts';
import type { ModelContext } from './context.ts';
import { fixedBaggedShare } from '../product-forms.ts';

/** Wagon cost of one tonne by rail from the plant: usdPerWagonDay × turnaroundDays / tonnesPerWagon, USD/t. */
export function wagonCostUsdPerTonne(network: Network): number {
  const fleet = network.wagonFleet;
  return fleet ? (fleet.usdPerWagonDay * fleet.turnaroundDays) / fleet.tonnesPerWagon : 0;
}

/**
 * Bagging cost of one tonne shipped from a plant to a market with an exact bagged share:
 * baggedShare × packing cost, USD/t; 0 where the bagged tonnes are a decision of the plan.
 */
export function packingCostUsdPerTonne(plant: Plant | undefined, market: Market | undefined): number {
  if (!plant?.packing || !market) return 0;
  return fixedBaggedShare(market) * plant.packing.costUsdPerTonne;
}

/** Does a leg's first tonne-kilometre use our wagon fleet (a rail leg out of a plant)? */
export function usesWagons(leg: Leg, network: Network): boolean {
  return leg.mode === 'rail' && network.wagonFleet !== undefined && network.plants.some((p) => p.id === leg.from);
}

/** Fill the index's leg unit costs and return the per-flow cost function. */
export function flowUnitCosts(ctx: ModelContext): (leg: Leg, marketId: string) => number {
  const { network, index, scenario } = ctx;
  for (const leg of network.legs) {
    const entered = ctx.nodeById.get(leg.to);
    index.legUnitCostUsdPerTonne.set(leg.id, legCostUsdPerTonne(leg) + (entered ? entered.handlingUsdPerTonne : 0));
  }
  const plantById = new Map(network.plants.map((p) => [p.id, p]));
  const marketById = new Map(network.markets.map((m) => [m.id, m]));
  const wagons = wagonCostUsdPerTonne(network);
  return (leg, marketId) => {
    let cost = index.legUnitCostUsdPerTonne.get(leg.id)! + scenario.carbonPriceUsdPerTonneCo2 * legCo2TonnesPerTonne(leg);
    const plant = plantById.get(leg.from);
    if (plant) {
      cost += packingCostUsdPerTonne(plant, marketById.get(marketId));
      if (usesWagons(leg, network)) cost += wagons;
    }
    return cost;
  };
}
