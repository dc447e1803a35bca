/**
 * Logistics that bind in reality (DESIGN §3b): the hopper-wagon fleet (the bagging line: packing.ts).
 * Browser-safe, pure.
 */
import { described, periodOf } from '../labels.ts';
import type { LpTerm } from '../lp.ts';
import { flowVariable, type ModelContext } from './context.ts';
import { usesWagons } from './costs.ts';

const DAYS_PER_YEAR = 365;

/** Wagons in the fleet in a plant phase: `wagonsByPhase` when given (the last entry for later phases), else `wagons`. */
export function wagonsIn(fleet: NonNullable<ModelContext['network']['wagonFleet']>, phase: number): number {
  const byPhase = fleet.wagonsByPhase;
  return byPhase ? (byPhase[Math.min(phase, byPhase.length) - 1] ?? fleet.wagons) : fleet.wagons;
}

/**
 * wagons:{t}   Σ rail tonnes leaving our plants × turnaroundDays / tonnesPerWagon ≤ wagons × days in t
 * (wagon-days needed ≤ wagon-days the fleet has).
 */
export function addWagonFleet(ctx: ModelContext): void {
  const fleet = ctx.network.wagonFleet;
  if (!fleet) return;
  const wagonDaysPerTonne = fleet.turnaroundDays / fleet.tonnesPerWagon;
  for (const t of ctx.periods) {
    const terms: LpTerm[] = [];
    for (const market of ctx.network.markets) {
      for (const leg of ctx.plantLegs.get(market.id) ?? []) {
        if (usesWagons(leg, ctx.network)) terms.push({ v: flowVariable(ctx.index, leg.id, market.id, t.index)!, coef: wagonDaysPerTonne });
      }
    }
    if (terms.length === 0) continue;
    ctx.w.addRow({
      name: `wagons:${t.label}`,
      family: 'wagons',
      terms,
      lb: -Infinity,
      ub: wagonsIn(fleet, t.phase) * DAYS_PER_YEAR * t.yearFraction,
      ...described({ kind: 'wagon-fleet', wagons: wagonsIn(fleet, t.phase), period: periodOf(t) }),
    });
  }
}
