/** Mixed-integer families (off by default): export contracts and whole sea lots. Browser-safe, pure. */
import type { LpTerm } from '../lp.ts';
import { described, legEnds, periodOf } from '../labels.ts';
import { tierTonnes } from '../scenario.ts';
import { costCoef, key, periodsInYear, type ModelContext } from './context.ts';
import { saleTerms } from './markets.ts';

/**
 * open:{m} binary per market with a contract.
 * contract-min:{m}:{y}   Σ sale − min·open ≥ 0
 * contract-max:{m}:{y}   Σ sale − maxDemand·open ≤ 0
 */
export function addContracts(ctx: ModelContext): void {
  if (!ctx.scenario.mip.contracts) return;
  for (const market of ctx.network.markets) {
    if (!market.contract) continue;
    const fixed = market.contract.fixedCostUsdPerYear * ctx.years.length;
    const open = ctx.w.addVariable({
      name: `open:${market.id}`,
      lb: 0,
      ub: 1,
      cost: costCoef(ctx, fixed),
      kind: 'binary',
      label: `sign the ${market.name} contract (1) or not (0)`,
    });
    ctx.index.open.set(market.id, open);
    for (const year of ctx.years) {
      const inYear = periodsInYear(ctx, year);
      const sales = inYear.flatMap((t) => saleTerms(ctx, market, t));
      const maxTonnes = inYear.reduce(
        (s, t) => s + market.tiers.reduce((a, _, k) => a + (t.phase >= market.openFromPhase ? tierTonnes(market, k, t, ctx.firstYear) : 0), 0),
        0,
      );
      ctx.w.addRow({
        name: `contract-min:${market.id}:${year}`,
        family: 'contract-min',
        terms: [...sales, { v: open, coef: -market.contract.minTonnesPerYear }],
        lb: 0,
        ub: Infinity,
        ...described({ kind: 'contract-minimum', market: market.name, year }),
      });
      ctx.w.addRow({
        name: `contract-max:${market.id}:${year}`,
        family: 'contract-max',
        terms: [...sales, { v: open, coef: -maxTonnes }],
        lb: -Infinity,
        ub: 0,
        ...described({ kind: 'contract-only', market: market.name, year }),
      });
    }
  }
}

/** lots:{l}:{t} integer;   Σ_m flow[l,m,t] − lot·lots = 0 */
export function addSeaLots(ctx: ModelContext): void {
  if (!ctx.scenario.mip.seaLots) return;
  for (const leg of ctx.network.legs) {
    if (leg.mode !== 'sea' || !leg.lotTonnes || leg.lotTonnes <= 0) continue;
    for (const t of ctx.periods) {
      const terms: LpTerm[] = ctx.network.markets.flatMap((m) => {
        const v = ctx.index.flow.get(key(leg.id, m.id, t.index));
        return v === undefined ? [] : [{ v, coef: 1 }];
      });
      if (terms.length === 0) continue;
      const lots = ctx.w.addVariable({
        name: `lots:${leg.id}:${t.label}`,
        lb: 0,
        ub: Infinity,
        cost: 0,
        kind: 'integer',
        label: `${leg.lotTonnes} t lots shipped on ${leg.id} in ${t.label}`,
      });
      ctx.index.lots.set(key(leg.id, t.index), lots);
      ctx.w.addRow({
        name: `lots:${leg.id}:${t.label}`,
        family: 'lots',
        terms: [...terms, { v: lots, coef: -leg.lotTonnes }],
        lb: 0,
        ub: 0,
        ...described({ kind: 'whole-lots', mode: leg.mode, ...legEnds(leg, ctx.network), lotTonnes: leg.lotTonnes, period: periodOf(t) }),
      });
    }
  }
}
