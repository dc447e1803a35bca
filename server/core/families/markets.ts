/**
 * Constraint families of the markets: our sales (price-taker tiers, or our deliveries in the
 * clearing mode), deliveries, demand tiers or blocks, contracted minimums, the domestic-share rule,
 * the export cap, import caps and, for min-cost, full output. Browser-safe, pure.
 */
import { described, periodOf } from '../labels.ts';
import type { LpTerm } from '../lp.ts';
import { demandSteps, ourBorderFrictionUsdPerTonne, ourDutyUsdPerTonne } from '../market-economics.ts';
import { netPriceUsdPerTonne, plantCapacityTonnes, tierTonnes, type Period } from '../scenario.ts';
import type { Market } from '../schema.ts';
import { costCoef, flowVariable, key, listPush, periodsInYear, yearly, type ModelContext } from './context.ts';
import { addFlowVariables } from './network.ts';

/** Number of our sale variables per market and period: one per tier, or one delivery in the clearing mode. */
export function saleSteps(ctx: ModelContext, market: Market): number {
  return ctx.clearing ? 1 : market.tiers.length;
}

/** Our sale variables of a market in a period. */
export function saleTerms(ctx: ModelContext, market: Market, t: Period, coef = 1): LpTerm[] {
  const terms: LpTerm[] = [];
  for (let k = 0; k < saleSteps(ctx, market); k++) terms.push({ v: ctx.index.sale.get(key(market.id, k, t.index))!, coef });
  return terms;
}

/**
 * Objective coefficient of a tonne sold at a tier price. margin: net of duty; min-cost: the duty
 * (a cost); max-domestic: 1 for a domestic tonne.
 */
function tierCoef(ctx: ModelContext, market: Market, priceUsdPerTonne: number): number {
  const net = netPriceUsdPerTonne(priceUsdPerTonne, market);
  if (ctx.scenario.objective === 'margin') return net;
  if (ctx.scenario.objective === 'min-cost') return priceUsdPerTonne - net;
  return market.domestic ? 1 : 0;
}

/**
 * Per market: price-taker sale:{m}:{k}:{t} per tier; clearing ship:{m}:{t} (our deliveries, paying
 * the duty and the border friction) and buy:{m}:{k}:{t} per demand block (valued at its willingness to pay); then the flows.
 */
export function addMarketVariables(ctx: ModelContext, t: Period): void {
  const { w, index } = ctx;
  for (const market of ctx.network.markets) {
    if (!ctx.clearing) {
      market.tiers.forEach((tier, k) => {
        const v = w.addVariable({
          name: `sale:${market.id}:${k + 1}:${t.label}`,
          lb: 0,
          ub: Infinity,
          cost: tierCoef(ctx, market, tier.priceUsdPerTonne),
          kind: 'continuous',
          label: `tonnes sold in ${market.name} at ${tier.priceUsdPerTonne.toFixed(2)} USD/t in ${t.label}`,
        });
        index.sale.set(key(market.id, k, t.index), v);
        listPush(index.salesOfMarket, market.id, v);
      });
    } else {
      const v = w.addVariable({
        name: `ship:${market.id}:${t.label}`,
        lb: 0,
        // Phased exports: our cement may not go there before the market opens.
        ub: t.phase >= market.openFromPhase ? Infinity : 0,
        cost: costCoef(ctx, ourDutyUsdPerTonne(ctx.network, market, t.year) + ourBorderFrictionUsdPerTonne(ctx.network, market, t.year)),
        kind: 'continuous',
        label: `tonnes of our cement delivered to ${market.name} in ${t.label}`,
      });
      index.sale.set(key(market.id, 0, t.index), v);
      listPush(index.salesOfMarket, market.id, v);
      demandSteps(ctx.network, market, t, ctx.firstYear).forEach((step, k) => {
        index.buy.set(
          key(market.id, k, t.index),
          w.addVariable({
            name: `buy:${market.id}:${k + 1}:${t.label}`,
            lb: 0,
            ub: Infinity,
            cost: step.valueUsdPerTonne,
            kind: 'continuous',
            label: `tonnes ${market.name} buys at up to ${step.valueUsdPerTonne.toFixed(2)} USD/t in ${t.label}`,
          }),
        );
      });
    }
    addFlowVariables(ctx, market, t);
  }
}

/** deliver:{m}:{t}   Σ our sales − Σ flow into m = 0 */
export function addDeliver(ctx: ModelContext): void {
  for (const t of ctx.periods) {
    for (const market of ctx.network.markets) {
      const terms = saleTerms(ctx, market, t);
      for (const leg of ctx.legsInto.get(market.id) ?? []) terms.push({ v: flowVariable(ctx.index, leg.id, market.id, t.index)!, coef: -1 });
      ctx.w.addRow({
        name: `deliver:${market.id}:${t.label}`,
        family: 'deliver',
        terms,
        lb: 0,
        ub: 0,
        ...described({ kind: 'deliveries', market: market.name, period: periodOf(t) }),
      });
    }
  }
}

/**
 * Price-taker demand-max:{m}:{k}:{t}   sale[m,k,t] ≤ tier tonnes (0 before the market opens).
 * Clearing block:{m}:{k}:{t}           buy[m,k,t] ≤ block tonnes (the whole market, open to competitors).
 */
export function addDemand(ctx: ModelContext): void {
  for (const t of ctx.periods) {
    for (const market of ctx.network.markets) {
      if (ctx.clearing) {
        demandSteps(ctx.network, market, t, ctx.firstYear).forEach((step, k) => {
          ctx.w.addRow({
            name: `block:${market.id}:${k + 1}:${t.label}`,
            family: 'block',
            terms: [{ v: ctx.index.buy.get(key(market.id, k, t.index))!, coef: 1 }],
            lb: -Infinity,
            ub: step.tonnes,
            ...described({ kind: 'demand-block', market: market.name, priceUsdPerTonne: step.valueUsdPerTonne, period: periodOf(t) }),
          });
        });
        continue;
      }
      const open = t.phase >= market.openFromPhase;
      market.tiers.forEach((tier, k) => {
        ctx.w.addRow({
          name: `demand-max:${market.id}:${k + 1}:${t.label}`,
          family: 'demand-max',
          terms: [{ v: ctx.index.sale.get(key(market.id, k, t.index))!, coef: 1 }],
          lb: -Infinity,
          ub: open ? tierTonnes(market, k, t, ctx.firstYear) : 0,
          ...described({ kind: 'demand-tier', market: market.name, priceUsdPerTonne: tier.priceUsdPerTonne, period: periodOf(t) }),
        });
      });
    }
  }
}

/** demand-min:{m}:{y}   Σ our sales in year y ≥ contracted minimum */
export function addDemandMin(ctx: ModelContext): void {
  for (const market of ctx.network.markets) {
    if (market.minTonnesPerYear <= 0) continue;
    for (const year of ctx.years) {
      const inYear = periodsInYear(ctx, year);
      if (!inYear.some((p) => p.phase >= market.openFromPhase)) continue;
      ctx.w.addRow({
        name: `demand-min:${market.id}:${year}`,
        family: 'demand-min',
        terms: inYear.flatMap((t) => saleTerms(ctx, market, t)),
        lb: market.minTonnesPerYear,
        ub: Infinity,
        ...described({ kind: 'contracted-minimum', market: market.name, year }),
      });
    }
  }
}

/** domestic-share[:{y}]   Σ_D sale − s·Σ_M sale ≥ 0 (basis sales) or Σ_D sale − s·Σ_p prod ≥ 0 (basis production). Our sales only. */
export function addDomesticShare(ctx: ModelContext): void {
  const { scenario, index } = ctx;
  const share = scenario.policy.domesticShare;
  if (ctx.options.withoutDomesticShare || share <= 0) return;
  for (const year of ctx.years) {
    const coefs = new Map<number, number>();
    const add = (v: number, c: number) => coefs.set(v, (coefs.get(v) ?? 0) + c);
    for (const t of periodsInYear(ctx, year)) {
      for (const market of ctx.network.markets) {
        for (const { v } of saleTerms(ctx, market, t)) {
          if (market.domestic) add(v, 1);
          if (scenario.policy.basis === 'sales') add(v, -share);
        }
      }
      if (scenario.policy.basis === 'production') {
        for (const plant of ctx.network.plants) add(index.prod.get(key(plant.id, t.index))!, -share);
      }
    }
    index.domesticShareRows.push(
      ctx.w.addRow({
        name: yearly(ctx, 'domestic-share', year),
        family: 'domestic-share',
        terms: [...coefs].filter(([, c]) => c !== 0).map(([v, coef]) => ({ v, coef })),
        lb: 0,
        ub: Infinity,
        ...described({ kind: 'domestic-share', share, basis: scenario.policy.basis, year: ctx.years.length > 1 ? year : null }),
      }),
    );
  }
}

/** export-cap[:{y}]   Σ_{M∖D} our sales ≤ cap */
export function addExportCap(ctx: ModelContext): void {
  const cap = ctx.scenario.policy.exportCapTonnesPerYear;
  if (cap === undefined) return;
  for (const year of ctx.years) {
    ctx.w.addRow({
      name: yearly(ctx, 'export-cap', year),
      family: 'export-cap',
      terms: periodsInYear(ctx, year).flatMap((t) => ctx.network.markets.filter((m) => !m.domestic).flatMap((m) => saleTerms(ctx, m, t))),
      lb: -Infinity,
      ub: cap,
      ...described({ kind: 'export-cap', year: ctx.years.length > 1 ? year : null }),
    });
  }
}

/**
 * The name of the i-th import cap's rows (before the year): `import-cap:{c}`, or `import-cap:{c}#{i}`
 * (i its place in `policy.importCaps`) when the scenario caps country c more than once (a regional
 * cap inside a national one), so that every row keeps a name of its own.
 */
export function importCapRowName(caps: readonly { country: string }[], i: number): string {
  const country = caps[i]!.country;
  const base = `import-cap:${country.toLowerCase()}`;
  return caps.filter((c) => c.country === country).length > 1 ? `${base}#${i}` : base;
}

/**
 * import-cap:{c}[#{i}][:{y}]   Σ tonnes into country c's markets (or the cap's listed markets of c) from suppliers outside c ≤ cap.
 * Our tonnes count when our plants are outside c; in the clearing mode competitors' imports count too.
 */
export function addImportCaps(ctx: ModelContext): void {
  const ourCountries = new Set(ctx.network.plants.map((p) => p.country));
  for (const [i, cap] of ctx.scenario.policy.importCaps.entries()) {
    const only = cap.markets ? new Set(cap.markets) : null;
    const markets = ctx.network.markets.filter((m) => m.country === cap.country && (only === null || only.has(m.id)));
    for (const year of ctx.years) {
      const terms: LpTerm[] = [];
      for (const t of periodsInYear(ctx, year)) {
        for (const market of markets) {
          if (!ourCountries.has(cap.country)) terms.push(...saleTerms(ctx, market, t));
          if (!ctx.clearing) continue;
          for (const supplier of ctx.network.suppliers) {
            if (supplier.country === cap.country) continue;
            const v = ctx.index.supply.get(key(supplier.id, market.id, t.index));
            if (v !== undefined) terms.push({ v, coef: 1 });
          }
        }
      }
      if (terms.length === 0) continue;
      ctx.w.addRow({
        name: yearly(ctx, importCapRowName(ctx.scenario.policy.importCaps, i), year),
        family: 'import-cap',
        terms,
        lb: -Infinity,
        ub: cap.tonnesPerYear,
        ...described({ kind: 'import-cap', country: cap.country, ...(only ? { markets: markets.map((m) => m.name) } : {}), year: ctx.years.length > 1 ? year : null }),
      });
    }
  }
}

/** volume:{m}:{y}   Σ our sales of m in year y = the given volume (years in which m is open) */
export function addVolumes(ctx: ModelContext): void {
  for (const [marketId, tonnesPerYear] of Object.entries(ctx.scenario.volumesTonnesPerYear ?? {})) {
    const market = ctx.network.markets.find((m) => m.id === marketId);
    if (!market) continue;
    for (const year of ctx.years) {
      const inYear = periodsInYear(ctx, year).filter((p) => p.phase >= market.openFromPhase);
      if (inYear.length === 0) continue;
      ctx.w.addRow({
        name: `volume:${market.id}:${year}`,
        family: 'volume',
        terms: inYear.flatMap((t) => saleTerms(ctx, market, t)),
        lb: tonnesPerYear,
        ub: tonnesPerYear,
        ...described({ kind: 'given-volume', market: market.name, year }),
      });
    }
  }
}

/**
 * full-output:{t}   min-cost without given volumes delivers the plants' full capacity at the lowest
 * delivered cost (price-blind). With given volumes the volume rows say what must be delivered instead.
 */
export function addFullOutput(ctx: ModelContext): void {
  if (ctx.scenario.objective !== 'min-cost' || Object.keys(ctx.scenario.volumesTonnesPerYear ?? {}).length > 0) return;
  for (const t of ctx.periods) {
    ctx.w.addRow({
      name: `full-output:${t.label}`,
      family: 'full-output',
      terms: ctx.network.plants.map((p) => ({ v: ctx.index.prod.get(key(p.id, t.index))!, coef: 1 })),
      lb: ctx.network.plants.reduce((s, p) => s + plantCapacityTonnes(p, t), 0),
      ub: Infinity,
      ...described({ kind: 'full-output', period: periodOf(t) }),
    });
  }
}
