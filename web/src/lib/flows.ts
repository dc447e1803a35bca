/**
 * Flow figures derived from a plan for the map: per-leg tonnes split into domestic and export cement,
 * per period, ready to filter. Pure.
 */
import type { Plan } from '../../../server/core/plan-schema.ts';
import { tonnesIn } from './scales.ts';

export interface LegSplit {
  domesticTonnes: number;
  exportTonnes: number;
}

/**
 * Tonnes on each leg by market type, from the market routes (each route lists its legs). Flows are
 * indexed by destination, so a leg's tonnes are the sum of the routes through it.
 */
export function legSplitByMarketType(plan: Pick<Plan, 'markets'>): Map<string, LegSplit> {
  const split = new Map<string, LegSplit>();
  for (const market of plan.markets) {
    for (const route of market.routes) {
      for (const legId of route.legIds) {
        const entry = split.get(legId) ?? { domesticTonnes: 0, exportTonnes: 0 };
        if (market.domestic) entry.domesticTonnes += route.tonnes;
        else entry.exportTonnes += route.tonnes;
        split.set(legId, entry);
      }
    }
  }
  return split;
}

/**
 * Tonnes on a leg that the current filter shows. When routes do not cover the leg (no split known),
 * the leg shows in full unless both market types are hidden. Per-period values take the leg's annual
 * split as the period's split (routes carry annual tonnes only).
 */
export function visibleLegTonnes(
  leg: { tonnes: number; tonnesByPeriod?: readonly number[] },
  split: LegSplit | undefined,
  period: number | null,
  show: { domestic: boolean; export: boolean },
): number {
  const total = tonnesIn(leg, period);
  if (show.domestic && show.export) return total;
  if (!show.domestic && !show.export) return 0;
  if (!split) return total;
  const sum = split.domesticTonnes + split.exportTonnes;
  if (!(sum > 0)) return total;
  const fraction = (show.domestic ? split.domesticTonnes : split.exportTonnes) / sum;
  return total * fraction;
}

/** Share of demand served, in the period if one is chosen (demand per period taken as annual / periods). */
export function shareOfDemandIn(
  market: { tonnes: number; demandTonnes: number; tonnesByPeriod: readonly number[] },
  period: number | null,
  periodCount: number,
): number | null {
  if (!(market.demandTonnes > 0)) return null;
  if (period == null) return market.tonnes / market.demandTonnes;
  const demandPerPeriod = market.demandTonnes / Math.max(1, periodCount);
  return tonnesIn(market, period) / demandPerPeriod;
}
