/**
 * A degenerate optimum on purpose, for the figures derived from duals (price gaps, the value of one
 * unit less): phase 2 with Atyrau's tiers as the data had them before they were cut to a share of the
 * region (300 + 150 + 100 kt at 72 / 62 / 52 USD/t). Then the plant is full, the 50 % rule binds and
 * Atyrau's tiers are exactly full at once, so the duals are not unique: the dual lower bound of
 * Kostanay's price gap (7.415 USD/t) is below the true threshold (8.30 USD/t, found by re-solving).
 * The shipped phase-2 plan is no longer degenerate, so the tests that need one build it here.
 */
export const DEGENERATE_ATYRAU_TIERS = [
  { tonnesPerYear: 300_000, priceUsdPerTonne: 72 },
  { tonnesPerYear: 150_000, priceUsdPerTonne: 62 },
  { tonnesPerYear: 100_000, priceUsdPerTonne: 52 },
] as const;

/** A scenario input with Atyrau's tiers replaced by the degenerate ones (other overrides kept). */
export function degenerateInput<T extends { overrides?: { markets?: Record<string, unknown> } & Record<string, unknown> }>(input: T): T {
  return { ...input, overrides: { ...input.overrides, markets: { ...input.overrides?.markets, atyrau: { tiers: DEGENERATE_ATYRAU_TIERS.map((t) => ({ ...t })) } } } };
}
