/**
 * Scales from tonnes to pixels. One scale serves every period of a plan, so a line's width means the
 * same tonnes in January and in July (flow-map users ask for this first).
 */
import type { Plan } from '../../../server/core/plan-schema.ts';

export interface WidthScale {
  /** Tonnes that map to the widest line (0 when nothing is drawn: the legend then shows no widths). */
  maxTonnes: number;
  minPx: number;
  maxPx: number;
  (tonnes: number): number;
}

/**
 * Width by the square root of tonnes: w = maxPx · √(t / maxTonnes), never thinner than minPx for a
 * flow that carries anything (a hairline would vanish), and 0 for no flow. A linear scale makes the
 * small flows look alike (50 kt and 200 kt both at the floor); the root keeps them apart while the
 * order of widths still follows the order of tonnes. The legend draws its samples with this scale.
 */
export function flowWidthScale(maxTonnes: number, minPx = 1.5, maxPx = 16): WidthScale {
  const domain = maxTonnes > 0 && Number.isFinite(maxTonnes) ? maxTonnes : 1;
  const scale = ((tonnes: number) => {
    if (!(tonnes > 0)) return 0;
    return Math.max(minPx, Math.min(maxPx, maxPx * Math.sqrt(Math.min(tonnes, domain) / domain)));
  }) as WidthScale;
  scale.maxTonnes = maxTonnes > 0 && Number.isFinite(maxTonnes) ? maxTonnes : 0;
  scale.minPx = minPx;
  scale.maxPx = maxPx;
  return scale;
}

/** Circle radius with area ∝ tonnes: r = maxPx · √(t / maxTonnes). */
export function areaRadiusScale(maxTonnes: number, maxPx = 22, minPx = 3): (tonnes: number) => number {
  const domain = maxTonnes > 0 && Number.isFinite(maxTonnes) ? maxTonnes : 1;
  return (tonnes: number) => {
    if (!(tonnes > 0)) return minPx;
    return Math.max(minPx, maxPx * Math.sqrt(Math.min(tonnes, domain) / domain));
  };
}

/**
 * The largest tonnes any one item carries in the view's unit: per period for a period view (the max
 * over all periods, so every month shares it), per year for the whole-horizon view.
 */
function maxTonnes(items: readonly { tonnes: number; tonnesByPeriod: readonly number[] }[], view: 'total' | 'period'): number {
  let max = 0;
  for (const item of items) {
    if (view === 'total') max = Math.max(max, item.tonnes);
    else for (const t of item.tonnesByPeriod) max = Math.max(max, t);
  }
  return max;
}

/** The largest tonnes any single leg carries in the view's unit (line widths). */
export function maxLegTonnes(plan: Pick<Plan, 'legs'>, view: 'total' | 'period'): number {
  return maxTonnes(plan.legs, view);
}

/** Same for markets (circle sizes). */
export function maxMarketTonnes(plan: Pick<Plan, 'markets'>, view: 'total' | 'period'): number {
  return maxTonnes(plan.markets, view);
}

/** Tonnes of something in the chosen period (null = whole horizon). */
export function tonnesIn(item: { tonnes: number; tonnesByPeriod?: readonly number[] }, period: number | null): number {
  if (period == null) return item.tonnes;
  const v = item.tonnesByPeriod?.[period];
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** A few round legend values below the scale's maximum: 1 Mt, 500 kt, 100 kt … */
export function legendSteps(maxTonnes: number, count = 3): number[] {
  if (!(maxTonnes > 0)) return [];
  const nice = [1, 2, 5];
  const steps: number[] = [];
  let exp = Math.floor(Math.log10(maxTonnes));
  let i = nice.length - 1;
  // Walk down the 1-2-5 ladder from the largest nice value ≤ max.
  while (nice[i] * 10 ** exp > maxTonnes) {
    i -= 1;
    if (i < 0) {
      i = nice.length - 1;
      exp -= 1;
    }
  }
  while (steps.length < count) {
    steps.push(nice[i] * 10 ** exp);
    // Skip one rung so the legend's sizes are visibly different.
    i -= 2;
    while (i < 0) {
      i += nice.length;
      exp -= 1;
    }
  }
  return steps;
}
