/**
 * What a Monte Carlo draw is: its seed, its multipliers sampled from the distributions, and the
 * same draw written as a scenario with overrides (for a full `optimise`).
 *
 * Reproducible: draw i's random numbers come from mulberry32 seeded with (seed, i) only.
 */
import type { Currency } from '../core/market-schema.ts';
import type { Mode, Network, Scenario } from '../core/schema.ts';
import { mulberry32 } from '../solver/generate.ts';
import type { Distribution, Uncertainty } from './mc-draws.ts';
import type { MonteCarloRequest } from './mc-request.ts';

/** Seed of draw `i`: mixes the run's seed and the draw index (no dependence on other draws). */
export function drawSeed(seed: number, drawIndex: number): number {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul((drawIndex + 0x632be5ab) >>> 0, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** One value from a distribution. */
export function sample(d: Distribution, rnd: () => number): number {
  switch (d.type) {
    case 'uniform':
      return d.min + (d.max - d.min) * rnd();
    case 'triangular': {
      const { min, mode, max } = d;
      if (max === min) return min;
      const u = rnd();
      const f = (mode - min) / (max - min);
      return u < f ? min + Math.sqrt(u * (max - min) * (mode - min)) : max - Math.sqrt((1 - u) * (max - min) * (max - mode));
    }
    case 'empirical':
      return d.values[Math.min(d.values.length - 1, Math.floor(rnd() * d.values.length))];
    case 'normal': {
      if (d.sd === 0) return d.mean;
      // Box–Muller, redrawn while negative (truncated at 0); gives up at 0 after many tries.
      for (let tries = 0; tries < 1000; tries++) {
        const u1 = 1 - rnd();
        const u2 = rnd();
        const x = d.mean + d.sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
        if (x >= 0) return x;
      }
      return 0;
    }
  }
}

export interface DrawMultipliers {
  /** Per market (network order). */
  readonly price: number[];
  readonly demand: number[];
  /** Per mode. */
  readonly freight: Record<Mode, number>;
  /** Per competitor (network order): cash cost and capacity multipliers. */
  readonly supplierCost: number[];
  readonly supplierCapacity: number[];
  /** Exchange-rate multipliers per currency. */
  readonly fx: Partial<Record<Currency, number>>;
}

/** The multipliers of draw `i`. Uncertainties are sampled in the order given. */
export function drawMultipliers(
  markets: readonly { readonly id: string; readonly domestic: boolean }[],
  uncertainties: readonly Uncertainty[],
  seed: number,
  drawIndex: number,
  suppliers: readonly { readonly id: string }[] = [],
): DrawMultipliers {
  const rnd = mulberry32(drawSeed(seed, drawIndex));
  const price = markets.map(() => 1);
  const demand = markets.map(() => 1);
  const freight: Record<Mode, number> = { rail: 1, road: 1, sea: 1 };
  const supplierCost = suppliers.map(() => 1);
  const supplierCapacity = suppliers.map(() => 1);
  const fx: Partial<Record<Currency, number>> = {};
  const applies = (u: Uncertainty, m: { id: string; domestic: boolean }) =>
    u.market !== undefined ? u.market === m.id : u.group === 'all' || (u.group === 'export') === !m.domestic;
  for (const u of uncertainties) {
    const x = sample(u.distribution, rnd);
    if (u.parameter === 'freight') {
      for (const mode of ['rail', 'road', 'sea'] as const) if (u.mode === undefined || u.mode === mode) freight[mode] *= x;
      continue;
    }
    if (u.parameter === 'fx') {
      fx[u.currency!] = (fx[u.currency!] ?? 1) * x;
      continue;
    }
    if (u.parameter === 'supplierCost' || u.parameter === 'supplierCapacity') {
      const target = u.parameter === 'supplierCost' ? supplierCost : supplierCapacity;
      suppliers.forEach((s, i) => {
        if (u.supplier === undefined || u.supplier === s.id) target[i] *= x;
      });
      continue;
    }
    const target = u.parameter === 'price' ? price : demand;
    markets.forEach((m, i) => {
      if (applies(u, m)) target[i] *= x;
    });
  }
  return { price, demand, freight, supplierCost, supplierCapacity, fx };
}

/** Draw `i` as a scenario with overrides: what a full `optimise` of the same draw solves. */
export function drawScenario(request: MonteCarloRequest, network: Network, drawIndex: number): Scenario {
  const { scenario } = request;
  const mult = drawMultipliers(network.markets, request.uncertainties, request.seed, drawIndex, network.suppliers);
  const o = scenario.overrides;
  const markets = { ...o.markets };
  network.markets.forEach((m, i) => {
    if (mult.price[i] === 1 && mult.demand[i] === 1) return;
    // The price-taker mode leaves out markets only competitors reach: no override for them there.
    if (m.competitorsOnly && scenario.market !== 'clearing') return;
    const mo = markets[m.id] ?? {};
    markets[m.id] = {
      ...mo,
      priceMultiplier: (mo.priceMultiplier ?? 1) * mult.price[i],
      demandMultiplier: (mo.demandMultiplier ?? 1) * mult.demand[i],
    };
  });
  const byMode = { ...o.freightMultiplierByMode };
  for (const mode of ['rail', 'road', 'sea'] as const) if (mult.freight[mode] !== 1) byMode[mode] = (byMode[mode] ?? 1) * mult.freight[mode];
  const suppliers = { ...o.suppliers };
  network.suppliers.forEach((sup, i) => {
    if (mult.supplierCost[i] === 1 && mult.supplierCapacity[i] === 1) return;
    const so = suppliers[sup.id] ?? {};
    suppliers[sup.id] = { ...so, cashCostMultiplier: (so.cashCostMultiplier ?? 1) * mult.supplierCost[i], capacityMultiplier: (so.capacityMultiplier ?? 1) * mult.supplierCapacity[i] };
  });
  const fxPerUsd = { ...o.fxPerUsd };
  for (const [currency, x] of Object.entries(mult.fx) as [Currency, number][]) {
    // The drawn multiplier scales the rate of every year the network (or the scenario) gives.
    const given = o.fxPerUsd[currency];
    const byYear = typeof given === 'number' ? { '2027': given } : { ...(network.fxPerUsd[currency] ?? {}), ...(given ?? {}) };
    fxPerUsd[currency] = typeof given === 'number' ? given * x : Object.fromEntries(Object.entries(byYear).map(([y, r]) => [y, r * x]));
  }
  return { ...scenario, overrides: { ...o, markets, freightMultiplierByMode: byMode, suppliers, fxPerUsd } };
}
