/**
 * Product forms (DESIGN §3b): bulk and bagged. What a market says about the bagged share of our
 * tonnes there — an exact share (`baggedShare`) or a range the plan chooses within
 * (`baggedShareRange`) — and what a bagged tonne earns over a bulk one (`baggedPremiumUsdPerTonne`).
 * Browser-safe, pure.
 */
import type { Market } from './schema.ts';

/** The share of our tonnes in a market that may be bagged, min..max (an exact share has min = max; none is 0..0). */
export interface ShareRange {
  readonly min: number;
  readonly max: number;
}

export function baggedShareRange(market: Pick<Market, 'baggedShare' | 'baggedShareRange'>): ShareRange {
  if (market.baggedShareRange) return market.baggedShareRange;
  const exact = market.baggedShare ?? 0;
  return { min: exact, max: exact };
}

/**
 * Is the bagged tonnage of a market a decision of the plan (a variable per plant and period)? It is
 * when the share is a range or a bagged tonne earns a premium; otherwise the exact share of every
 * tonne is bagged and its packing is a per-tonne cost of the flows out of the plant.
 */
export function baggingIsChosen(market: Pick<Market, 'baggedShare' | 'baggedShareRange' | 'baggedPremiumUsdPerTonne'>): boolean {
  const range = baggedShareRange(market);
  return range.max > range.min || (market.baggedPremiumUsdPerTonne ?? 0) > 0;
}

/** The bagged share every tonne of a market carries when bagging is not a decision there (0 when it is). */
export function fixedBaggedShare(market: Market | undefined): number {
  if (!market || baggingIsChosen(market)) return 0;
  return baggedShareRange(market).min;
}

/** Bagged premium net of the market's ad-valorem duty (the premium is part of the customs value), USD/t. */
export function netBaggedPremiumUsdPerTonne(market: Pick<Market, 'baggedPremiumUsdPerTonne' | 'dutyPct'>): number {
  return (market.baggedPremiumUsdPerTonne ?? 0) * (1 - market.dutyPct / 100);
}
