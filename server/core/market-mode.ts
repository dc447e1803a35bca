/**
 * The market model a plan was solved in: given prices (price-taker) or prices that clear against
 * competitors (clearing, DESIGN §3b). Two plans in different modes differ by the model as well as
 * by their inputs, so a comparison says so. Browser-safe, pure.
 */
import type { Plan } from './plan-schema.ts';

export type MarketMode = 'price-taker' | 'clearing';

/**
 * The mode a plan was asked for: its scenario's when known (a plan that ended infeasible, in error
 * or out of time carries no `market`), else the plan's own (plans from before the clearing mode
 * carry none: price-taker).
 */
export function marketModeOf(plan: Pick<Plan, 'market'>, scenario?: { readonly market?: MarketMode }): MarketMode {
  return scenario?.market ?? plan.market ?? 'price-taker';
}

type Planned = { readonly plan: Pick<Plan, 'market'>; readonly scenario?: { readonly market?: MarketMode } };

/** The two runs' modes when they differ; null when both were asked for in the same one. */
export function modeMismatch(a: Planned, b: Planned): { readonly a: MarketMode; readonly b: MarketMode } | null {
  const ma = marketModeOf(a.plan, a.scenario);
  const mb = marketModeOf(b.plan, b.scenario);
  return ma === mb ? null : { a: ma, b: mb };
}

/** "the price-taker mode (given prices)" / "the market-clearing mode (prices that clear against competitors)"; the page translates it (the text is its message key). */
export function modeText(mode: MarketMode): string {
  return mode === 'clearing' ? 'the market-clearing mode (prices that clear against competitors)' : 'the price-taker mode (given prices)';
}
