/**
 * The market model a plan was solved in: given prices (price-taker) or prices that clear against
 * competitors (clearing, DESIGN §3b). Two plans in different modes differ by the model as well as
 * by their inputs, so a comparison says so. Browser-safe, pure.
 */
import type { Plan } from './plan-schema.ts';

export type MarketMode = 'price-taker' | 'clearing';

/** The plan's mode (plans from before the clearing mode carry none: price-taker). */
export function marketModeOf(plan: Pick<Plan, 'market'>): MarketMode {
  return plan.market ?? 'price-taker';
}

/** The two plans' modes when they differ; null when both were solved in the same one. */
export function modeMismatch(a: Pick<Plan, 'market'>, b: Pick<Plan, 'market'>): { readonly a: MarketMode; readonly b: MarketMode } | null {
  const ma = marketModeOf(a);
  const mb = marketModeOf(b);
  return ma === mb ? null : { a: ma, b: mb };
}

/** "the price-taker mode (given prices)" / "the market-clearing mode (prices that clear against competitors)". */
export function modeText(mode: MarketMode): string {
  return mode === 'clearing' ? 'the market-clearing mode (prices that clear against competitors)' : 'the price-taker mode (given prices)';
}
