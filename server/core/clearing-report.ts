/**
 * The market-clearing read-out (DESIGN §3b): per market the clearing price (the dual of its
 * balance row), tonnes bought, our share, who supplies the rest and the marginal supplier; per
 * competitor its volume, markets and capacity rent; competitors' flows for the map.
 * Pipeline step: solve → plan (beside plan.ts). Browser-safe, pure.
 */
import { key } from './families/context.ts';
import type { SolveResult } from './lp.ts';
import { demandSteps, routeCapacityTonnes, supplierCapacityTonnes, supplierDeliveredCost } from './market-economics.ts';
import type { BuiltModel } from './model.ts';
import type { ClearingMarket, ClearingReport, CompetitorResult, MarketResult, Plan } from './plan-schema.ts';
import type { Network } from './schema.ts';

type Optimal = Extract<SolveResult, { status: 'optimal' }>;

/** Tolerance on USD/t when comparing a cost with a price. */
export const PRICE_TOL_USD = 1e-4;
const EPS_TONNES = 1e-6;
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const round = (x: number, digits = 6) => {
  const f = 10 ** digits;
  const r = Math.round(x * f) / f;
  return Object.is(r, -0) ? 0 : r;
};

/** Markets where our tonnes may differ between equilibria (dual degeneracy); ranges are re-solved for these only. */
export interface ClearingRead {
  readonly report: ClearingReport;
  readonly degenerateMarkets: string[];
}

export function readClearing(
  network: Network,
  built: BuiltModel,
  result: Optimal,
  markets: readonly MarketResult[],
  ourMarginUsd: number,
): ClearingRead {
  const { index, model } = built;
  const { periods } = index;
  const values = result.values;
  const val = (v: number | undefined) => (v === undefined ? 0 : Math.abs(values[v]!) < 1e-9 ? 0 : values[v]!);
  const duals = result.sensitivity?.rowDuals ?? [];
  const rc = result.sensitivity?.reducedCosts ?? [];
  const rowByName = new Map(model.rows.map((r, i) => [r.name, i]));
  const dualOf = (name: string) => {
    const i = rowByName.get(name);
    return i === undefined ? 0 : (duals[i] ?? 0);
  };
  const firstYear = periods[0]!.year;
  const marketById = new Map(network.markets.map((m) => [m.id, m]));
  const priceAt = (marketId: string, t: number) => Math.max(0, duals[index.clearRows.get(key(marketId, t))!] ?? 0);

  // --- competitors ---
  const competitors: CompetitorResult[] = network.suppliers.map((s) => {
    const capacityByPeriod = periods.map((t) => supplierCapacityTonnes(s, t));
    const marketsOf = s.routes
      .filter((r) => marketById.has(r.market))
      .map((route) => {
        const byPeriod = periods.map((t) => val(index.supply.get(key(s.id, route.market, t.index))));
        return {
          market: route.market,
          tonnes: round(sum(byPeriod)),
          tonnesByPeriod: byPeriod.map((x) => round(x)),
          deliveredCostUsdPerTonneByPeriod: periods.map((t) => round(supplierDeliveredCost(network, s, route, t.year, t.month).totalUsdPerTonne, 4)),
          routeCapacityTonnesByPeriod: periods.map((t) => {
            const c = routeCapacityTonnes(route, t);
            return Number.isFinite(c) ? round(c) : null;
          }),
        };
      });
    const byPeriod = periods.map((_, t) => sum(marketsOf.map((m) => m.tonnesByPeriod[t]!)));
    const tonnes = sum(byPeriod);
    const capacity = sum(capacityByPeriod);
    const rentWeighted = sum(periods.map((t) => byPeriod[t.index]! * Math.max(0, dualOf(`supplier-capacity:${s.id}:${t.label}`))));
    // The schema gives every supplier at least one route.
    const cost = supplierDeliveredCost(network, s, s.routes[0]!, firstYear);
    return {
      id: s.id,
      name: s.name,
      owner: s.owner,
      kind: s.kind,
      country: s.country,
      lng: s.lng,
      lat: s.lat,
      capacityTonnesByPeriod: capacityByPeriod.map((x) => round(x)),
      tonnes: round(tonnes),
      tonnesByPeriod: byPeriod.map((x) => round(x)),
      utilisation: capacity > 0 ? round(tonnes / capacity) : null,
      cashCostUsdPerTonne: round(cost.cashUsdPerTonne, 4),
      markupUsdPerTonne: round(cost.markupUsdPerTonne, 4),
      rentUsdPerTonne: tonnes > EPS_TONNES ? round(rentWeighted / tonnes, 4) : 0,
      markets: marketsOf,
    };
  });

  // --- markets ---
  const degenerateMarkets: string[] = [];
  const ourPlantNames = network.plants.map((p) => p.name).join(' + ');
  const clearingMarkets: ClearingMarket[] = network.markets.map((market) => {
    // A market only competitors reach has no row of ours: we deliver nothing there.
    const ours = markets.find((m) => m.id === market.id) ?? { tonnes: 0 };
    const prices = periods.map((t) => priceAt(market.id, t.index));
    const steps = periods.map((t) => demandSteps(network, market, t, firstYear));
    const boughtByPeriod = periods.map((t) => steps[t.index]!.map((_, k) => val(index.buy.get(key(market.id, k, t.index)))));
    const bought = sum(boughtByPeriod.map(sum));
    const consumption = sum(steps.map((ss) => sum(ss.map((s) => s.tonnes))));
    const weighted = bought > EPS_TONNES ? sum(periods.map((t) => prices[t.index]! * sum(boughtByPeriod[t.index]!))) / bought : sum(prices) / prices.length;
    const suppliers = competitors
      .map((c) => ({ id: c.id, name: c.name, ours: false, tonnes: c.markets.find((m) => m.market === market.id)?.tonnes ?? 0 }))
      .filter((s) => s.tonnes > EPS_TONNES);
    if (ours.tonnes > EPS_TONNES) suppliers.push({ id: network.plants[0]!.id, name: ourPlantNames, ours: true, tonnes: ours.tonnes });
    suppliers.sort((a, b) => b.tonnes - a.tonnes);

    // The period that carries the most tonnes tells who sets the price.
    const t = periods.reduce((best, p) => (sum(boughtByPeriod[p.index]!) > sum(boughtByPeriod[best.index]!) ? p : best), periods[0]!);
    const price = prices[t.index]!;
    const zeroRc = (v: number | undefined) => v !== undefined && Math.abs(rc[v] ?? 0) <= PRICE_TOL_USD;
    const competitorFlexible = network.suppliers.some((s) => zeroRc(index.supply.get(key(s.id, market.id, t.index))));
    const marginalBlock = steps[t.index]!.findIndex((_, k) => {
      const v = index.buy.get(key(market.id, k, t.index));
      return zeroRc(v) && Math.abs(dualOf(`block:${market.id}:${k + 1}:${t.label}`)) <= PRICE_TOL_USD;
    });
    const ourZeroRcIn = (p: number) =>
      (index.legsForMarket.get(market.id) ?? []).some((leg) => network.plants.some((pl) => pl.id === leg.from) && zeroRc(index.flow.get(key(leg.id, market.id, p))));
    const ourFlexible = periods.some((p) => ourZeroRcIn(p.index));
    if (ourFlexible && (competitorFlexible || marginalBlock >= 0)) degenerateMarkets.push(market.id);

    return {
      id: market.id,
      name: market.name,
      country: market.country,
      domestic: market.domestic,
      lng: market.lng,
      lat: market.lat,
      priceUsdPerTonne: round(weighted, 4),
      priceUsdPerTonneByPeriod: prices.map((p) => round(p, 4)),
      consumptionTonnes: round(consumption),
      boughtTonnes: round(bought),
      ourTonnes: ours.tonnes,
      ourShare: bought > EPS_TONNES ? round(ours.tonnes / bought) : 0,
      ourTonnesRange: null,
      priceRangeUsdPerTonne: null,
      priceRangeUsdPerTonneByPeriod: periods.map(() => null),
      suppliers,
      marginalSupplier: marginalSupplier(network, market.id, t.index, t.label, price, index, val, zeroRc, dualOf, steps[t.index]!, marginalBlock, ours.tonnes > EPS_TONNES && ourZeroRcIn(t.index), ourPlantNames),
      blocks: steps[0]!.map((step, k) => ({
        label: step.label,
        valueUsdPerTonneByPeriod: periods.map((p) => round(steps[p.index]![k]?.valueUsdPerTonne ?? 0, 4)),
        tonnesByPeriod: periods.map((p) => round(steps[p.index]![k]?.tonnes ?? 0)),
        boughtTonnesByPeriod: periods.map((p) => round(boughtByPeriod[p.index]![k] ?? 0)),
      })),
    };
  });

  const competitorFlows: Plan['flows'] = {
    type: 'FeatureCollection',
    features: competitors.flatMap((c) =>
      c.markets
        .filter((m) => m.tonnes > EPS_TONNES)
        .map((m) => {
          const market = marketById.get(m.market)!;
          return {
            type: 'Feature' as const,
            geometry: { type: 'LineString' as const, coordinates: [[c.lng, c.lat], [market.lng, market.lat]] },
            properties: {
              supplierId: c.id,
              supplierName: c.name,
              owner: c.owner,
              market: m.market,
              marketName: market.name,
              tonnes: m.tonnes,
              tonnesByPeriod: m.tonnesByPeriod,
              deliveredCostUsdPerTonne: m.deliveredCostUsdPerTonneByPeriod[0],
            },
          };
        }),
    ),
  };

  return {
    report: {
      markets: clearingMarkets,
      competitors,
      ourMarginUsd: round(ourMarginUsd, 2),
      ourMarginRangeUsd: null,
      welfareUsd: round(result.objective, 2),
      competitorFlows,
    },
    degenerateMarkets,
  };
}

/**
 * Who sets the price in a market: a competitor selling there whose delivered offer equals the price
 * and whose capacity earns no rent: one with spare capacity first (it would sell one more tonne at
 * that price), else the largest full one whose capacity earns no rent (its last tonne earns no more
 * than its offer elsewhere, so one more tonne of capacity moves neither the price nor the welfare:
 * Shymkentcement in `price-war`); else the demand block the price sits on; else our plant when it
 * delivers there at zero reduced cost (the price is then our delivered cost plus the rent our
 * capacity earns elsewhere); else scarcity (every seller there earns a rent).
 */
function marginalSupplier(
  network: Network,
  marketId: string,
  t: number,
  label: string,
  price: number,
  index: BuiltModel['index'],
  val: (v: number | undefined) => number,
  zeroRc: (v: number | undefined) => boolean,
  dualOf: (name: string) => number,
  steps: ReturnType<typeof demandSteps>,
  marginalBlock: number,
  ourAtPrice: boolean,
  ourName: string,
): ClearingMarket['marginalSupplier'] {
  if (!Number.isFinite(price)) return null;
  let best: { id: string; name: string; cost: number; tonnes: number; spare: boolean } | null = null;
  const period = index.periods[t]!;
  const { year, month } = period;
  for (const s of network.suppliers) {
    const route = s.routes.find((r) => r.market === marketId);
    const v = index.supply.get(key(s.id, marketId, t));
    if (!route || v === undefined || !zeroRc(v)) continue;
    const rent = Math.max(0, dualOf(`supplier-capacity:${s.id}:${label}`));
    const cost = supplierDeliveredCost(network, s, route, year, month).totalUsdPerTonne;
    if (rent > PRICE_TOL_USD || Math.abs(cost - price) > 1e-3 * Math.max(1, price)) continue;
    const tonnes = val(v);
    const sold = sum(s.routes.map((r) => val(index.supply.get(key(s.id, r.market, t)))));
    const capacity = supplierCapacityTonnes(s, period);
    const spare = sold < capacity - 1e-6 * Math.max(1, capacity);
    if (!best || (spare && !best.spare) || (spare === best.spare && tonnes > best.tonnes)) best = { id: s.id, name: s.name, cost, tonnes, spare };
  }
  if (best) return { kind: 'competitor', id: best.id, name: best.name, costUsdPerTonne: round(best.cost, 4) };
  if (marginalBlock >= 0) {
    const step = steps[marginalBlock]!;
    return { kind: 'demand', id: null, name: `the market's own demand (${step.label})`, costUsdPerTonne: round(step.valueUsdPerTonne, 4), blockLabel: step.label };
  }
  // We deliver there at zero reduced cost: the price is our delivered cost plus what our capacity earns elsewhere.
  if (ourAtPrice) return { kind: 'ours', id: network.plants[0]!.id, name: `our plant (${ourName})`, costUsdPerTonne: round(price, 4), plantNames: ourName };
  return { kind: 'scarcity', id: null, name: 'no seller at cost: every seller here earns a capacity or policy rent', costUsdPerTonne: null };
}
