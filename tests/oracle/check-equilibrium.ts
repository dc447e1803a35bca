/**
 * An independent checker of a market-clearing plan (DESIGN §3b): verifies the equilibrium
 * conditions from the returned plan alone (prices, blocks, competitors' offers and capacities, our
 * tonnes and costs), without the model builder or any engine.
 *
 * - Every market balances: tonnes bought = competitors' tonnes + ours.
 * - A block is bought whole when its value is above the price, not at all when below.
 * - A competitor sells only where its delivered offer + its capacity rent = the price (within route
 *   capacity), nowhere with spare route capacity is its offer + rent below the price, and it earns a
 *   rent only at full capacity.
 * - Our plant (single-period plans): every market we serve pays at least our delivered cost + our
 *   capacity rent at the prices adjusted by the domestic rule's shadow price; where no leg or node
 *   binds, no market we leave pays more.
 * - Our margin and the welfare recompute from the plan's own numbers.
 */
import { importCapRowName } from '../../server/core/families/markets.ts';
import type { Plan } from '../../server/core/plan-schema.ts';
import type { Network, Scenario } from '../../server/core/schema.ts';

export interface EquilibriumCheck {
  readonly violations: string[];
  readonly recomputedOurMarginUsd: number;
  readonly recomputedWelfareUsd: number;
}

/** Price tolerance, USD/t, and tonnes tolerance relative to the market. */
const PRICE_TOL = 1e-3;
const tonnesTol = (scale: number) => 1e-3 + 1e-6 * Math.abs(scale);

export function checkEquilibrium(plan: Plan, scenario: Scenario, network: Network): EquilibriumCheck {
  const v: string[] = [];
  const report = plan.clearing;
  if (plan.status !== 'optimal' || !report || !plan.kpis)
    return { violations: [`plan is ${plan.status} without a clearing report`], recomputedOurMarginUsd: NaN, recomputedWelfareUsd: NaN };
  const T = plan.horizon.periods.length;
  const ours = new Map(plan.markets.map((m) => [m.id, m]));
  let blockValueUsd = 0;
  let competitorCostUsd = 0;

  // Markets: balance and blocks.
  // A market only competitors reach is in the report but not among our markets: we deliver nothing there.
  const competitorsOnly = new Set(network.markets.filter((m) => m.competitorsOnly).map((m) => m.id));
  for (const m of report.markets) {
    const our = ours.get(m.id) ?? (competitorsOnly.has(m.id) ? { tonnesByPeriod: Array.from({ length: T }, () => 0) } : undefined);
    if (!our) {
      v.push(`market ${m.id} missing from the plan's markets`);
      continue;
    }
    for (let t = 0; t < T; t++) {
      const price = m.priceUsdPerTonneByPeriod[t];
      if (!(price >= -PRICE_TOL)) v.push(`market ${m.id} period ${t}: negative price ${price}`);
      let bought = 0;
      for (const b of m.blocks) {
        const value = b.valueUsdPerTonneByPeriod[t];
        const size = b.tonnesByPeriod[t];
        const x = b.boughtTonnesByPeriod[t];
        bought += x;
        blockValueUsd += x * value;
        if (x < -tonnesTol(size) || x > size + tonnesTol(size)) v.push(`market ${m.id} period ${t} ${b.label}: bought ${x} of ${size} t`);
        if (value > price + PRICE_TOL && x < size - tonnesTol(size)) v.push(`market ${m.id} period ${t} ${b.label}: worth ${value} > price ${price} but only ${x} of ${size} t bought`);
        if (value < price - PRICE_TOL && x > tonnesTol(size)) v.push(`market ${m.id} period ${t} ${b.label}: worth ${value} < price ${price} but ${x} t bought`);
      }
      const supplied =
        our.tonnesByPeriod[t] + report.competitors.reduce((s, c) => s + (c.markets.find((x) => x.market === m.id)?.tonnesByPeriod[t] ?? 0), 0);
      if (Math.abs(bought - supplied) > tonnesTol(bought)) v.push(`market ${m.id} period ${t}: bought ${bought} t ≠ supplied ${supplied} t`);
    }
  }

  // Competitors: price-takers at the clearing prices. A binding import cap puts a wedge (its shadow
  // price, USD/t) between the price in the capped country and what an importer there receives.
  const marketCountry = new Map(report.markets.map((m) => [m.id, m.country]));
  const quotaWedge = (market: string, country: string, fromCountry: string, t: number) => {
    if (country === fromCountry) return 0;
    const year = plan.horizon.periods[t]?.slice(0, 4);
    // Every binding cap that counts this market adds its shadow price (a cap that lists markets counts those only).
    let wedge = 0;
    for (const [i, cap] of scenario.policy.importCaps.entries()) {
      if (cap.country !== country || (cap.markets && !cap.markets.includes(market))) continue;
      const name = importCapRowName(scenario.policy.importCaps, i);
      const row = plan.binding.find((b) => b.family === 'import-cap' && (b.row === name || b.row === `${name}:${year}`));
      wedge += Math.max(0, row?.shadowPriceUsd ?? 0);
    }
    return wedge;
  };
  const priceOf = (market: string, t: number) => report.markets.find((m) => m.id === market)?.priceUsdPerTonneByPeriod[t] ?? NaN;
  for (const c of report.competitors) {
    for (let t = 0; t < T; t++) {
      const capacity = c.capacityTonnesByPeriod[t];
      const total = c.markets.reduce((s, m) => s + m.tonnesByPeriod[t], 0);
      if (total > capacity + tonnesTol(capacity)) v.push(`${c.id} period ${t}: sells ${total} t over its capacity ${capacity} t`);
      const atCapacity = total >= capacity - tonnesTol(capacity);
      const spare = (m: (typeof c.markets)[number]) => {
        const cap = m.routeCapacityTonnesByPeriod[t];
        return cap === null || m.tonnesByPeriod[t] < cap - tonnesTol(cap);
      };
      const margins = c.markets.map((m) => ({ m, margin: priceOf(m.market, t) - quotaWedge(m.market, marketCountry.get(m.market) ?? '', c.country, t) - m.deliveredCostUsdPerTonneByPeriod[t] }));
      const rent = atCapacity ? Math.max(0, ...margins.filter(({ m }) => spare(m)).map((x) => x.margin)) : 0;
      for (const { m, margin } of margins) {
        const x = m.tonnesByPeriod[t];
        competitorCostUsd += x * m.deliveredCostUsdPerTonneByPeriod[t];
        if (spare(m) && margin > rent + PRICE_TOL) v.push(`${c.id} → ${m.market} period ${t}: offer ${m.deliveredCostUsdPerTonneByPeriod[t]} + rent ${rent} below the price ${priceOf(m.market, t)} with spare capacity`);
        if (x > tonnesTol(x) && margin < rent - PRICE_TOL) v.push(`${c.id} → ${m.market} period ${t}: sells ${x} t at a margin ${margin} below its rent ${rent}`);
      }
    }
  }

  // Our plant, at the prices adjusted by the domestic rule (single-period plans: the plan's per-tonne costs are per period).
  const k = plan.kpis;
  const variableCost = network.plants[0]?.variableCostUsdPerTonne ?? 0;
  const shareRow = plan.binding.find((b) => b.family === 'domestic-share');
  const mu = Math.max(0, -(shareRow?.shadowPriceUsd ?? 0));
  const share = scenario.policy.domesticShare;
  const basisSales = scenario.policy.basis === 'sales';
  const routeBinds = plan.binding.some((b) => b.family === 'leg' || b.family === 'node' || b.family === 'wagons' || b.family === 'packing' || b.family === 'import-cap' || b.family === 'export-cap');
  if (T === 1 && network.plants.length === 1) {
    const ourCountry = network.plants[0]?.country ?? '';
    const effective = (m: Plan['markets'][number], price: number) =>
      price - quotaWedge(m.id, m.country, ourCountry, 0) + (basisSales ? (m.domestic ? mu * (1 - share) : -mu * share) : m.domestic ? mu : 0) - (basisSales ? 0 : mu * share);
    const served = plan.markets.filter((m) => m.tonnes > 1e-6);
    const atCapacity = k.plantUtilisation >= 1 - 1e-6;
    const marginOf = (m: Plan['markets'][number]) => {
      const price = priceOf(m.id, 0);
      // Our delivered cost: production + logistics + duty (the plan's per-tonne figures).
      return effective(m, price) - (variableCost + m.logisticsCostUsdPerTonne + m.dutyUsdPerTonne);
    };
    const ourRent = atCapacity ? (served.length ? Math.min(...served.map(marginOf)) : 0) : 0;
    if (ourRent < -PRICE_TOL) v.push(`our plant sells at a loss at the adjusted prices (rent ${ourRent})`);
    for (const m of served) {
      if (!routeBinds && Math.abs(marginOf(m) - ourRent) > PRICE_TOL * 10) v.push(`our tonnes to ${m.id}: margin ${marginOf(m)} ≠ our rent ${ourRent} with no route at capacity`);
      if (marginOf(m) < ourRent - PRICE_TOL * 10) v.push(`our tonnes to ${m.id}: margin ${marginOf(m)} below our rent ${ourRent}`);
    }
    if (!routeBinds) {
      for (const m of plan.markets.filter((x) => x.tonnes <= 1e-6)) {
        if (Number.isFinite(m.logisticsCostUsdPerTonne) && marginOf(m) > ourRent + PRICE_TOL * 10)
          v.push(`we leave ${m.id} although it pays ${marginOf(m)} over our cost, above our rent ${ourRent}`);
      }
    }
  }

  // Our margin at clearing prices and the welfare.
  let revenue = 0;
  let ourCosts = 0;
  for (const m of plan.markets) {
    const c = report.markets.find((x) => x.id === m.id);
    for (let t = 0; t < T; t++) revenue += m.tonnesByPeriod[t] * (c?.priceUsdPerTonneByPeriod[t] ?? 0);
    ourCosts += m.tonnes * (m.dutyUsdPerTonne + m.logisticsCostUsdPerTonne);
  }
  ourCosts += k.productionCostUsd + k.holdingCostUsd + k.carbonCostUsd;
  const margin = revenue - ourCosts;
  // The plan rounds per-tonne figures to 1e-4 USD/t: allow that much on every tonne.
  const tonnes = plan.markets.reduce((s, m) => s + m.tonnes, 0);
  const close = (a: number, b: number) => Math.abs(a - b) <= 1 + 1e-4 * tonnes + 1e-6 * Math.max(Math.abs(a), Math.abs(b));
  if (!close(margin, k.marginUsd)) v.push(`our margin ${k.marginUsd} ≠ recomputed ${margin}`);
  if (!close(report.ourMarginUsd, k.marginUsd)) v.push(`clearing.ourMarginUsd ${report.ourMarginUsd} ≠ kpis.marginUsd ${k.marginUsd}`);
  const welfare = blockValueUsd - competitorCostUsd - ourCosts;
  if (!close(welfare, report.welfareUsd)) v.push(`welfare ${report.welfareUsd} ≠ recomputed ${welfare}`);
  return { violations: v, recomputedOurMarginUsd: margin, recomputedWelfareUsd: welfare };
}
