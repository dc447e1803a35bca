/**
 * The difference between two plans as data: KPIs, markets, legs, and a flow map of the change.
 * B − A everywhere ("what changes if we go from plan A to plan B"). Pure.
 */
import type { Plan, PriceRange } from '../../../server/core/plan-schema.ts';
import { areaRadiusScale, flowWidthScale, type WidthScale } from './scales.ts';
import { horizonMismatch } from '../../../server/core/horizon-span.ts';
import { modeMismatch, modeText, type MarketMode } from '../../../server/core/market-mode.ts';
import type { NetworkMismatch } from '../../../server/core/network-digest.ts';
import { t } from '../i18n/index.ts';
import { perTonneRangeText, rangeText } from './clearing.ts';
import { USD, type Money } from './money.ts';

/** "2027" or "2027–2031 (5 years)", in the page's language. */
export function yearsLabel(years: readonly number[]): string {
  if (years.length <= 1) return String(years[0] ?? '—');
  return t('{from}–{to} ({n} years)', { from: years[0]!, to: years.at(-1)!, n: years.length });
}

/** The warning over a comparison of plans over different numbers of years; null when they cover as many. */
export function yearsNote(diff: Pick<PlanDiff, 'years'>): string | null {
  if (!diff.years) return null;
  return t('A covers {a} and B covers {b}: the totals are compared as they are, not per year.', { a: yearsLabel(diff.years.a), b: yearsLabel(diff.years.b) });
}

/** The warning over a comparison of plans solved in different market modes; null when in the same one. */
export function modesNote(diff: Pick<PlanDiff, 'modes'>): string | null {
  if (!diff.modes) return null;
  return t('A was planned in {a} and B in {b}: margins, prices and volumes differ by the market model as well as by the inputs.', { a: t(modeText(diff.modes.a)), b: t(modeText(diff.modes.b)) });
}

/** The warning over a comparison of plans made on different networks; null when on the same one (or not known). */
export function networksNote(diff: Pick<PlanDiff, 'networks'>): string | null {
  const n = diff.networks;
  if (!n) return null;
  if (n.versions) return t('A and B were planned on different versions of the default network ({a} and {b}): the differences are the data’s as well as the inputs’.', { a: n.versions.a, b: n.versions.b });
  if (n.a === 'own' && n.b === 'own') return t('A and B were planned on two different networks of their own: the differences are the networks’ as well as the inputs’.');
  const which = (kind: string) => (kind === 'own' ? t('a network of its own') : t('the default network'));
  return t('A was planned on {a} and B on {b}: the differences are the networks’ as well as the inputs’.', { a: which(n.a), b: which(n.b) });
}

/**
 * The warnings over a comparison where a market-clearing plan's market does not fix a price we sell at
 * or our margin: that side's figures are one equilibrium's (the solver's end of each range), and so
 * are the differences from them. One per such side, in the reader's money; none otherwise.
 */
export function rangesNotes(diff: Pick<PlanDiff, 'ranges'>, m: Money = USD): string[] {
  const notes: string[] = [];
  for (const side of ['a', 'b'] as const) {
    const r = diff.ranges?.[side];
    if (!r) continue;
    const label = side === 'a' ? 'A' : 'B';
    const markets = r.markets.map((x) => t('{market} ({range})', { market: x.name, range: perTonneRangeText(x.range, m) })).join(', ');
    // One market or several: the Russian words differ ("на рынке" / "на рынках").
    const one = r.markets.length === 1;
    if (r.markets.length && r.margin)
      notes.push(
        t(
          one
            ? 'In plan {plan} the market does not fix the price in {market} or our margin ({margin}): its figures and the differences from them are one equilibrium’s, not facts.'
            : 'In plan {plan} the market does not fix the price in {markets} or our margin ({margin}): its figures and the differences from them are one equilibrium’s, not facts.',
          { plan: label, market: markets, markets, margin: rangeText(r.margin, m.total) },
        ),
      );
    else if (r.margin) notes.push(t('In plan {plan} the market does not fix our margin ({margin}): its margin and the difference from it are one equilibrium’s, not facts.', { plan: label, margin: rangeText(r.margin, m.total) }));
    else
      notes.push(
        t(
          one
            ? 'In plan {plan} the market does not fix the price in {market}: its price there and the difference from it are one equilibrium’s, not facts.'
            : 'In plan {plan} the market does not fix the price in {markets}: its prices there and the differences from them are one equilibrium’s, not facts.',
          { plan: label, market: markets, markets },
        ),
      );
  }
  return notes;
}

/** A clearing plan's ranges: the markets we sell in whose price the market does not fix, and our margin's range; null when it has none. */
export interface PlanRanges {
  markets: { id: string; name: string; range: PriceRange }[];
  margin: PriceRange | null;
}

function rangesOf(plan: Plan): PlanRanges | null {
  const c = plan.market === 'clearing' ? plan.clearing : null;
  if (!c) return null;
  const ours = new Set(plan.markets.map((m) => m.id));
  const markets = c.markets.flatMap((m) => (ours.has(m.id) && m.priceRangeUsdPerTonne ? [{ id: m.id, name: m.name, range: m.priceRangeUsdPerTonne }] : []));
  const margin = c.ourMarginRangeUsd ?? null;
  return markets.length || margin ? { markets, margin } : null;
}

export interface KpiDiffRow {
  key: string;
  label: string;
  unit: 'tonnes' | 'usd' | 'share' | 'co2';
  a: number | null;
  b: number | null;
  delta: number | null;
  /** Our margin's range over every equilibrium on a clearing side whose market does not fix it (`a`, `b` are then one point of it). */
  range?: { a: PriceRange | null; b: PriceRange | null };
}

export interface ItemDiffRow {
  id: string;
  name: string;
  a: number;
  b: number;
  delta: number;
}

/** A market's change, with where it is drawn. */
export interface MarketDiffRow extends ItemDiffRow {
  lat: number;
  lng: number;
  domestic: boolean;
}

export interface LegDiffRow extends ItemDiffRow {
  mode: string | null;
}

export interface PlanDiff {
  /** The plans' years when they cover different numbers of years (their totals differ by it as well); null otherwise. */
  years: { a: number[]; b: number[] } | null;
  /** The plans' market modes when they differ (the model differs as well as the inputs); null otherwise. */
  modes: { a: MarketMode; b: MarketMode } | null;
  /** How the networks of two stored runs differ (known from their runs, not their plans alone); null or absent when not. */
  networks?: NetworkMismatch | null;
  /** Each clearing side's prices and margin that the market does not fix; null when neither side has any. */
  ranges: { a: PlanRanges | null; b: PlanRanges | null } | null;
  kpis: KpiDiffRow[];
  markets: MarketDiffRow[];
  legs: LegDiffRow[];
  /** One LineString per leg that changed, with `deltaTonnes` (B − A), `tonnesA`, `tonnesB`, `mode`, `legId`. */
  flows: {
    type: 'FeatureCollection';
    features: {
      type: 'Feature';
      geometry: { type: 'LineString'; coordinates: number[][] };
      properties: { legId: string; mode: string | null; tonnesA: number; tonnesB: number; deltaTonnes: number };
    }[];
  };
}

const KPI_ROWS: { key: keyof NonNullable<Plan['kpis']>; label: string; unit: KpiDiffRow['unit'] }[] = [
  { key: 'productionTonnes', label: 'Production', unit: 'tonnes' },
  { key: 'domesticTonnes', label: 'Domestic sales', unit: 'tonnes' },
  { key: 'exportTonnes', label: 'Exports', unit: 'tonnes' },
  { key: 'domesticShare', label: 'Domestic share', unit: 'share' },
  { key: 'revenueUsd', label: 'Revenue', unit: 'usd' },
  { key: 'logisticsCostUsd', label: 'Logistics cost', unit: 'usd' },
  { key: 'dutyUsd', label: 'Duty and border costs', unit: 'usd' },
  { key: 'productionCostUsd', label: 'Production cost', unit: 'usd' },
  { key: 'marginUsd', label: 'Margin', unit: 'usd' },
  { key: 'co2Tonnes', label: 'CO₂', unit: 'co2' },
];

/** Changes smaller than this (tonnes) are rounding noise between engines, not a change of plan. */
export const TONNES_EPSILON = 0.5;

function kpiValue(plan: Plan, key: keyof NonNullable<Plan['kpis']>): number | null {
  const value = plan.kpis?.[key];
  return typeof value === 'number' ? value : null;
}

/**
 * `modesOf`: the market mode each side was asked for, when known (a stored run's scenario): a plan
 * that ended infeasible or out of time carries no mode of its own.
 */
export function diffPlans(a: Plan, b: Plan, modesOf: { readonly a?: MarketMode; readonly b?: MarketMode } = {}): PlanDiff {
  const rangesA = rangesOf(a);
  const rangesB = rangesOf(b);
  const kpis = KPI_ROWS.map(({ key, label, unit }): KpiDiffRow => {
    const va = kpiValue(a, key);
    const vb = kpiValue(b, key);
    const row: KpiDiffRow = { key, label, unit, a: va, b: vb, delta: va != null && vb != null ? vb - va : null };
    if (key === 'marginUsd' && (rangesA?.margin || rangesB?.margin)) row.range = { a: rangesA?.margin ?? null, b: rangesB?.margin ?? null };
    return row;
  });

  const marketIds = new Set([...a.markets.map((m) => m.id), ...b.markets.map((m) => m.id)]);
  const markets: MarketDiffRow[] = [];
  for (const id of marketIds) {
    const ma = a.markets.find((m) => m.id === id);
    const mb = b.markets.find((m) => m.id === id);
    const ta = ma?.tonnes ?? 0;
    const tb = mb?.tonnes ?? 0;
    const m = (mb ?? ma)!;
    markets.push({ id, name: m.name, a: ta, b: tb, delta: tb - ta, lat: m.lat, lng: m.lng, domestic: m.domestic });
  }

  const legIds = new Set([...a.legs.map((l) => l.id), ...b.legs.map((l) => l.id)]);
  const legs: LegDiffRow[] = [];
  for (const id of legIds) {
    const la = a.legs.find((l) => l.id === id);
    const lb = b.legs.find((l) => l.id === id);
    const ta = la?.tonnes ?? 0;
    const tb = lb?.tonnes ?? 0;
    legs.push({ id, name: (lb ?? la)!.name, mode: (lb ?? la)!.mode ?? null, a: ta, b: tb, delta: tb - ta });
  }

  const geometry = new Map<string, { type: 'LineString'; coordinates: number[][] }>();
  for (const plan of [a, b]) {
    for (const f of plan.flows.features) {
      const legId = f.properties.legId;
      if (typeof legId === 'string' && !geometry.has(legId)) geometry.set(legId, f.geometry);
    }
  }
  const features: PlanDiff['flows']['features'] = [];
  for (const leg of legs) {
    const g = geometry.get(leg.id);
    if (!g || Math.abs(leg.delta) < TONNES_EPSILON) continue;
    features.push({
      type: 'Feature',
      geometry: g,
      properties: { legId: leg.id, mode: leg.mode, tonnesA: leg.a, tonnesB: leg.b, deltaTonnes: leg.delta },
    });
  }

  const byChange = (x: ItemDiffRow, y: ItemDiffRow) => Math.abs(y.delta) - Math.abs(x.delta) || x.id.localeCompare(y.id);
  markets.sort(byChange);
  legs.sort(byChange);
  return {
    years: horizonMismatch(a, b),
    modes: modeMismatch({ plan: a, scenario: { market: modesOf.a } }, { plan: b, scenario: { market: modesOf.b } }),
    ranges: rangesA || rangesB ? { a: rangesA, b: rangesB } : null,
    kpis,
    markets,
    legs,
    flows: { type: 'FeatureCollection', features },
  };
}

export interface DiffMapScales {
  /** Line width by |Δ tonnes| of a leg. */
  flowWidth: WidthScale;
  /** Circle radius (area ∝ |Δ tonnes|) of a market's change. */
  marketRadius: (tonnes: number) => number;
  /** The largest |Δ tonnes| of a market: the top of the legend's circles. */
  maxMarketDeltaTonnes: number;
}

/** The scales of the difference map: both by the size of the change, not by either plan's tonnes. */
export function diffMapScales(diff: PlanDiff): DiffMapScales {
  const maxLeg = Math.max(0, ...diff.legs.map((l) => Math.abs(l.delta)));
  const maxMarket = Math.max(0, ...diff.markets.map((m) => Math.abs(m.delta)));
  return { flowWidth: flowWidthScale(maxLeg, 1.5, 14), marketRadius: areaRadiusScale(maxMarket, 20, 3), maxMarketDeltaTonnes: maxMarket };
}
