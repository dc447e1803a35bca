/**
 * The market-clearing plan on the map (DESIGN §3b): market pies (our share against competitors'),
 * competitors' flows told apart from ours, competitor plants, and their popups. Pure: the layers in
 * web/src/map/ only place what these functions return.
 */
import type { ClearingMarket, CompetitorResult, MarketResult, Plan, PriceRange } from '../../../server/core/plan-schema.ts';
import { formatShare, formatTonnes } from './format.ts';
import { USD, type Money } from './money.ts';
import { shortName } from './names.ts';
import type { PieSlice } from './pie.ts';
import { escapeHtml } from './escape.ts';
import { marketColour, type LineStyle, type MapFilters } from './style.ts';
import { t } from '../i18n/index.ts';

/** Competitors' flows and slices: a muted warm grey, apart from the mode colours of our flows. */
export const COMPETITOR_COLOUR = '#8c8273';
export const COMPETITOR_PLANT_COLOUR = '#5f574b';

export type ClearingPlan = Plan & { market: 'clearing'; clearing: NonNullable<Plan['clearing']> };

export function isClearingPlan(plan: Plan | null | undefined): plan is ClearingPlan {
  return plan != null && plan.market === 'clearing' && plan.clearing != null;
}

/** Whether a competitor's flows, plant and slice are on the map under the user's filters. */
export function competitorVisible(filters: MapFilters, supplierId: string): boolean {
  return filters.competitors && !filters.hiddenCompetitors.includes(supplierId);
}

/**
 * A competitor flow's line: the same width scale as ours (so a 400 kt line is as wide whoever ships
 * it), a muted colour, dashed with dashes that grow with the width, slightly transparent.
 */
export function competitorFlowStyle(widthPx: number): LineStyle {
  const w = Math.max(1, widthPx);
  return { color: COMPETITOR_COLOUR, weight: widthPx, opacity: 0.7, dashArray: `${Math.round(Math.max(5, 2.2 * w))} ${Math.round(Math.max(4, 1.2 * w))}` };
}

export interface CompetitorFlowItem {
  supplierId: string;
  supplierName: string;
  market: string;
  marketName: string;
  /** [lng, lat] pairs. */
  coordinates: number[][];
  tonnes: number;
  deliveredCostUsdPerTonne: number | null;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** Competitors' flows in the view (a period, or the whole horizon) that the filters let through. */
export function competitorFlowItems(plan: ClearingPlan, filters: MapFilters, period: number | null): CompetitorFlowItem[] {
  const domestic = new Map(plan.clearing.markets.map((m) => [m.id, m.domestic]));
  const items: CompetitorFlowItem[] = [];
  for (const f of plan.clearing.competitorFlows.features) {
    const p = f.properties;
    const supplierId = String(p.supplierId ?? '');
    const market = String(p.market ?? '');
    if (!competitorVisible(filters, supplierId)) continue;
    const isDomestic = domestic.get(market);
    if (isDomestic === true && !filters.domestic) continue;
    if (isDomestic === false && !filters.export) continue;
    const byPeriod = Array.isArray(p.tonnesByPeriod) ? (p.tonnesByPeriod as unknown[]) : [];
    const tonnes = period == null ? num(p.tonnes) : num(byPeriod[period]);
    if (!(tonnes > 0)) continue;
    items.push({
      supplierId,
      supplierName: String(p.supplierName ?? supplierId),
      market,
      marketName: String(p.marketName ?? market),
      coordinates: f.geometry.coordinates,
      tonnes,
      deliveredCostUsdPerTonne: typeof p.deliveredCostUsdPerTonne === 'number' ? p.deliveredCostUsdPerTonne : null,
    });
  }
  // Wide first, so narrow lines stay visible on top.
  return items.sort((a, b) => b.tonnes - a.tonnes);
}

/** Largest competitor flow in the view's unit, for one width scale shared with our legs. */
export function maxCompetitorFlowTonnes(plan: Plan, view: 'total' | 'period'): number {
  if (!isClearingPlan(plan)) return 0;
  let max = 0;
  for (const f of plan.clearing.competitorFlows.features) {
    if (view === 'total') max = Math.max(max, num(f.properties.tonnes));
    else for (const t of Array.isArray(f.properties.tonnesByPeriod) ? (f.properties.tonnesByPeriod as unknown[]) : []) max = Math.max(max, num(t));
  }
  return max;
}

export function competitorFlowTooltip(item: CompetitorFlowItem, m: Money = USD, periodLabel: string | null = null): string {
  return (
    `<div class="popup"><h3>${escapeHtml(item.supplierName)} → ${escapeHtml(item.marketName)}</h3><p class="muted">${escapeHtml(t("Competitor's flow (straight line, supplier to market)"))}</p>` +
    `<table><tr><th scope="row">${escapeHtml(periodLabel ? t('Tonnes ({period})', { period: periodLabel }) : t('Tonnes'))}</th><td>${escapeHtml(formatTonnes(item.tonnes))}</td></tr>` +
    (item.deliveredCostUsdPerTonne != null ? `<tr><th scope="row">${escapeHtml(t('Delivered offer'))}</th><td>${escapeHtml(m.perTonne(item.deliveredCostUsdPerTonne))}</td></tr>` : '') +
    `</table></div>`
  );
}

// ---------------------------------------------------------------- market pies

export interface MarketPie {
  id: string;
  name: string;
  domestic: boolean;
  lat: number;
  lng: number;
  boughtTonnes: number;
  ourTonnes: number;
  competitorTonnes: number;
  /** Our tonnes over bought tonnes (0 when nothing is bought). */
  ourShare: number;
  slices: PieSlice[];
  /** The accessible name of the symbol, and its title. */
  label: string;
}

/** Tonnes bought in a market in the view: whole horizon, or one period (summed over its demand blocks). */
export function boughtIn(m: ClearingMarket, period: number | null): number {
  if (period == null) return m.boughtTonnes;
  return m.blocks.reduce((s, b) => s + num(b.boughtTonnesByPeriod[period]), 0);
}

function ourTonnesIn(m: ClearingMarket, ours: MarketResult | undefined, period: number | null): number {
  if (period == null) return m.ourTonnes;
  return num(ours?.tonnesByPeriod[period]);
}

/**
 * One pie per market the filters show, located from the clearing market (else from the plan's
 * markets, for plans that carry no position there). Our slice takes the market's
 * colour (green domestic, purple export), competitors' the muted colour. Competitors hidden by the
 * filter still count in the pie: the pie is the market, the filter only hides their lines and plants.
 */
export function marketPies(plan: ClearingPlan, filters: MapFilters, period: number | null): MarketPie[] {
  const located = new Map(plan.markets.map((m) => [m.id, m]));
  const pies: MarketPie[] = [];
  for (const m of plan.clearing.markets) {
    const at = located.get(m.id);
    const lat = m.lat ?? at?.lat;
    const lng = m.lng ?? at?.lng;
    if (lat === undefined || lng === undefined) continue;
    if (m.domestic ? !filters.domestic : !filters.export) continue;
    const bought = boughtIn(m, period);
    const ourTonnes = Math.min(bought, ourTonnesIn(m, at, period));
    const competitorTonnes = Math.max(0, bought - ourTonnes);
    const ourShare = bought > 0 ? ourTonnes / bought : 0;
    const label =
      bought > 0
        ? t('{name}: {bought} bought, our share {share} ({ours}), competitors {others}', {
            name: m.name,
            bought: formatTonnes(bought),
            share: formatShare(ourShare, 0),
            ours: formatTonnes(ourTonnes),
            others: formatShare(1 - ourShare, 0),
          })
        : t('{name}: nothing bought at the clearing price', { name: m.name });
    pies.push({
      id: m.id,
      name: m.name,
      domestic: m.domestic,
      lat,
      lng,
      boughtTonnes: bought,
      ourTonnes,
      competitorTonnes,
      ourShare,
      slices: [
        { key: 'ours', value: ourTonnes, colour: marketColour(m.domestic) },
        { key: 'competitors', value: competitorTonnes, colour: COMPETITOR_COLOUR },
      ],
      label,
    });
  }
  return pies.sort((a, b) => b.boughtTonnes - a.boughtTonnes);
}

/** Largest tonnes bought in one market in the view's unit: the pies' area scale. */
export function maxBoughtTonnes(plan: Plan, view: 'total' | 'period'): number {
  if (!isClearingPlan(plan)) return 0;
  let max = 0;
  for (const m of plan.clearing.markets) {
    if (view === 'total') max = Math.max(max, m.boughtTonnes);
    else for (let t = 0; t < plan.horizon.periods.length; t += 1) max = Math.max(max, boughtIn(m, t));
  }
  return max;
}

// ---------------------------------------------------------------- words

/** The price setter's name; the engine words our plant, the buyers' block and scarcity in English, the page in its language. */
export function priceSetterName(ms: NonNullable<ClearingMarket['marginalSupplier']>): string {
  if (ms.kind === 'ours' && ms.plantNames) return t('our plant ({names})', { names: ms.plantNames });
  if (ms.kind === 'demand' && ms.blockLabel) return t("the market's own demand ({block})", { block: ms.blockLabel });
  if (ms.kind === 'scarcity') return t('no seller at cost: every seller here earns a capacity or policy rent');
  return ms.name;
}

/** Who sets the price, in words: "Price set by Caspi Cement (…): its delivered offer, 43.50 USD/t". */
export function marginalSupplierText(ms: ClearingMarket['marginalSupplier'], m: Money = USD): string {
  if (!ms) return t('Price set by: not determined for this market.');
  const cost = ms.costUsdPerTonne == null ? '' : m.perTonne(ms.costUsdPerTonne);
  const name = priceSetterName(ms);
  switch (ms.kind) {
    case 'ours':
      return cost
        ? t('Price set by us, {name}: our delivered cost plus the rent our capacity earns elsewhere, {cost}.', { name, cost })
        : t('Price set by us, {name}: our delivered cost plus the rent our capacity earns elsewhere.', { name });
    case 'competitor':
      return cost ? t('Price set by {name}: its delivered offer, {cost}.', { name, cost }) : t('Price set by {name}: its delivered offer.', { name });
    case 'demand':
      return cost ? t('Price set by the buyers: {name}, worth {cost} to them.', { name, cost }) : t('Price set by the buyers: {name}.', { name });
    case 'scarcity':
      return t('Price set by scarcity: {name}.', { name });
  }
}

/** Within this, USD/t, a delivered offer or a block's value equals the price (the plan rounds both to 4 decimals). */
const samePrice = (a: number, price: number) => Math.abs(a - price) <= RENT_TOL_USD;

/**
 * Who sets a market's price in one period of a plan of several, from the per-period figures the plan
 * carries (the plan's `marginalSupplier` is one per market, found in the period with the most tonnes,
 * so it can belong to another period than the one shown). The engine's rule (DESIGN §3b), as far as
 * these figures tell it:
 * - the plan's own setter where it holds in this period (a competitor whose delivered offer this
 *   period equals the price and that sells there or has capacity to spare; the block whose value
 *   equals it);
 * - else a competitor whose delivered offer this period equals the price and that sells there this
 *   period, or has spare capacity that period (one with spare capacity first, then the most tonnes);
 * - else a demand block whose value this period equals the price (one partly bought first);
 * - else us, where we deliver there this period (the price is then our delivered cost plus the rent
 *   our capacity earns elsewhere);
 * - else scarcity, where tonnes are bought: every seller there sells below the price, so earns a rent;
 * - else null: the figures do not tell.
 * `ourTonnes`: our tonnes in the market that period; `ourName`: our plants' names.
 */
export function periodPriceSetter(
  cm: ClearingMarket,
  competitors: readonly CompetitorResult[],
  period: number,
  ourTonnes: number,
  ourName: string | null,
): ClearingMarket['marginalSupplier'] {
  const price = cm.priceUsdPerTonneByPeriod[period];
  if (price == null || !Number.isFinite(price)) return null;
  const offers = competitors.flatMap((c) => {
    const x = c.markets.find((r) => r.market === cm.id);
    const offer = x?.deliveredCostUsdPerTonneByPeriod[period];
    if (!x || offer == null || !samePrice(offer, price)) return [];
    const tonnes = num(x.tonnesByPeriod[period]);
    const capacity = num(c.capacityTonnesByPeriod[period]);
    const spare = num(c.tonnesByPeriod[period]) < capacity - 1e-6 * Math.max(1, capacity) - 0.5;
    return tonnes > 0.5 || spare ? [{ c, offer, tonnes, spare }] : [];
  });
  const blockValue = (b: ClearingMarket['blocks'][number]) => b.valueUsdPerTonneByPeriod[period];
  const atValue = cm.blocks.filter((b) => { const v = blockValue(b); return v != null && samePrice(v, price); });
  const ms = cm.marginalSupplier;
  if (ms?.kind === 'competitor' && offers.some((o) => o.c.id === ms.id)) {
    const o = offers.find((x) => x.c.id === ms.id)!;
    return { ...ms, costUsdPerTonne: o.offer };
  }
  if (ms?.kind === 'demand' && ms.blockLabel != null) {
    const b = atValue.find((x) => x.label === ms.blockLabel);
    if (b) return { ...ms, costUsdPerTonne: blockValue(b)! };
  }
  const best = [...offers].sort((a, b) => Number(b.spare) - Number(a.spare) || b.tonnes - a.tonnes)[0];
  if (best) return { kind: 'competitor', id: best.c.id, name: best.c.name, costUsdPerTonne: best.offer };
  const partly = (b: ClearingMarket['blocks'][number]) => num(b.boughtTonnesByPeriod[period]) < num(b.tonnesByPeriod[period]) - 0.5;
  const block = atValue.find(partly) ?? atValue[0];
  if (block) return { kind: 'demand', id: null, name: `the market's own demand (${block.label})`, costUsdPerTonne: blockValue(block)!, blockLabel: block.label };
  if (ourTonnes > 0.5) {
    const name = ourName ?? (ms?.kind === 'ours' ? (ms.plantNames ?? null) : null);
    return { kind: 'ours', id: ms?.kind === 'ours' ? ms.id : null, name: name ? `our plant (${name})` : 'our plant', costUsdPerTonne: price, ...(name ? { plantNames: name } : {}) };
  }
  if (boughtIn(cm, period) > 0.5) return { kind: 'scarcity', id: null, name: 'no seller at cost: every seller here earns a capacity or policy rent', costUsdPerTonne: null };
  return null;
}

const row = (label: string, value: string) => `<tr><th scope="row">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`;

/**
 * A market's popup in the clearing mode: the clearing price, tonnes bought, our tonnes and share
 * (with their range over all equilibria when the split is not unique), our netback, who supplies the
 * rest, and who sets the price. With one period of several chosen, who supplies the rest and who sets
 * the price are that period's, from `competitors` (the plan's `clearing.competitors`): see
 * `periodPriceSetter`.
 */
export function clearingMarketPopup(
  cm: ClearingMarket,
  ours: MarketResult | undefined,
  opts: { money?: Money; period?: number | null; periodLabel?: string | null; competitors?: readonly CompetitorResult[] } = {},
): string {
  const m = opts.money ?? USD;
  const period = opts.period ?? null;
  // One period of several: its own price setter and suppliers (the market's are the horizon's).
  const onePeriodOfSeveral = period != null && cm.priceUsdPerTonneByPeriod.length > 1;
  const price = period == null ? cm.priceUsdPerTonne : cm.priceUsdPerTonneByPeriod[period];
  const bought = boughtIn(cm, period);
  const ourTonnes = Math.min(bought, ourTonnesIn(cm, ours, period));
  const when = opts.periodLabel ? ` (${opts.periodLabel})` : '';
  // Where the equilibrium does not fix the price (a plan stored before ranges has none).
  const priceRange = (period == null ? cm.priceRangeUsdPerTonne : cm.priceRangeUsdPerTonneByPeriod?.[period]) ?? null;
  const lines = [
    row(`${t('Clearing price')}${when}`, m.perTonne(price)),
    ...(priceRange
      ? [row(`${t('Clearing price, all equilibria')}${when}`, perTonneRangeText(priceRange, m))]
      : []),
    row(`${t('Tonnes bought')}${when}`, formatTonnes(bought)),
    row(t('Consumption listed'), formatTonnes(cm.consumptionTonnes)),
    row(`${t('Our tonnes')}${when}`, t('{tonnes} ({share} share)', { tonnes: formatTonnes(ourTonnes), share: formatShare(bought > 0 ? ourTonnes / bought : 0, 0) })),
  ];
  if (cm.ourTonnesRange && Math.abs(cm.ourTonnesRange.max - cm.ourTonnesRange.min) > 0.5) {
    lines.push(row(t('Our tonnes, all equilibria'), `${formatTonnes(cm.ourTonnesRange.min)} – ${formatTonnes(cm.ourTonnesRange.max)}`));
  }
  if (ours?.netbackUsdPerTonne != null && ourTonnes > 0) lines.push(row(t('Our netback'), m.perTonne(ours.netbackUsdPerTonne)));
  const degenerate =
    cm.ourTonnesRange && Math.abs(cm.ourTonnesRange.max - cm.ourTonnesRange.min) > 0.5
      ? `<p class="note">${escapeHtml(t('Suppliers with equal delivered cost: the split is not unique; our tonnes can be anywhere in the range (the map shows one equilibrium).'))}</p>`
      : '';
  const suppliers = onePeriodOfSeveral
    ? (opts.competitors ?? []).flatMap((c) => {
        const x = c.markets.find((r) => r.market === cm.id);
        return x ? [{ name: c.name, ours: false, tonnes: num(x.tonnesByPeriod[period]) }] : [];
      })
    : cm.suppliers;
  const rest = suppliers
    .filter((s) => !s.ours && s.tonnes > 0.5)
    .sort((a, b) => b.tonnes - a.tonnes)
    .map((s) => `<li>${escapeHtml(s.name)} <span class="muted">${escapeHtml(formatTonnes(s.tonnes))}</span></li>`)
    .join('');
  let setterText = marginalSupplierText(cm.marginalSupplier, m);
  if (onePeriodOfSeveral) {
    const ourName = cm.suppliers.find((s) => s.ours)?.name ?? null;
    const setter = opts.competitors ? periodPriceSetter(cm, opts.competitors, period, ourTonnes, ourName) : null;
    setterText = setter ? marginalSupplierText(setter, m) : t('Price set by: not determined for this period.');
  }
  return (
    `<div class="popup popup-clearing"><h3>${escapeHtml(cm.name)}</h3><p class="muted">${escapeHtml(cm.domestic ? t('Domestic market') : t('Export market'))}, ${escapeHtml(cm.country)} · ${escapeHtml(t('market clearing'))}</p>` +
    `<table>${lines.join('')}</table>` +
    degenerate +
    (priceRange
      ? `<p class="price-setter">${escapeHtml(t('The market does not fix the price here: any price in the range clears it, and no one sets it (the map shows one).'))}</p>`
      : `<p class="price-setter">${escapeHtml(setterText)}</p>`) +
    (rest ? `<h4>${escapeHtml(opts.periodLabel ? t('Who supplies the rest ({period})', { period: opts.periodLabel }) : t('Who supplies the rest'))}</h4><ul class="routes">${rest}</ul>` : `<p class="muted">${escapeHtml(t('No competitor sells here at this price.'))}</p>`) +
    `</div>`
  );
}

/**
 * A range over every equilibrium in the reader's money: "55.98 USD/t – 57.62 USD/t", "USD 0 – USD 655 k";
 * "55.98 USD/t or more" where it has no upper end.
 */
export function rangeText(range: PriceRange, format: (usd: number) => string): string {
  // Each end kept on one line: a narrow card breaks at the dash, not inside "USD 655 k".
  const bound = (usd: number) => format(usd).replace(/ /g, '\u00a0');
  return range.high === null ? t('{low} or more', { low: bound(range.low) }) : `${bound(range.low)} – ${bound(range.high)}`;
}

/**
 * A range of prices per tonne in the reader's money, the unit said once: "55.98 – 57.62 USD/t",
 * "29 111 – 29 962 KZT/т"; "55.98 USD/t or more" where it has no upper end.
 */
export function perTonneRangeText(range: PriceRange, m: Money = USD): string {
  if (range.high === null) return t('{low} or more', { low: m.perTonne(range.low) });
  const low = m.perTonne(range.low);
  const high = m.perTonne(range.high);
  const unit = high.slice(high.lastIndexOf(' '));
  return unit.includes('/') && low.endsWith(unit) ? `${low.slice(0, -unit.length)} – ${high}` : `${low} – ${high}`;
}

/**
 * What a competitor's capacity earns, as the plan lets us say it:
 * - `rent`: a rent per tonne the equilibrium fixes;
 * - `range`: not fixed: where it sells into a market whose price is a range, its rent (price − its
 *   delivered offer there, in every equilibrium) is a range too, though the solver reports one end
 *   (a one-period plan: the range in USD/t);
 * - `not-fixed`: the same in a plan of several periods, where the periods' ranges need not move together;
 * - `none-full`: it sells all its capacity, yet the capacity earns nothing at these prices (its last
 *   tonne earns no more than its offer: one more tonne of capacity would change neither price nor welfare);
 * - `none-spare`: it has capacity left over.
 */
export type CompetitorRent =
  | { kind: 'rent'; usdPerTonne: number }
  | { kind: 'range'; range: PriceRange }
  | { kind: 'not-fixed' }
  | { kind: 'none-full' }
  | { kind: 'none-spare' };

/** Capacity use at which a competitor counts as full (utilisation is rounded to 6 decimals). */
const FULL_UTILISATION = 1 - 1e-6;
/** Rents below this, USD/t, are rounding. */
const RENT_TOL_USD = 0.005;

export function competitorRent(c: CompetitorResult, markets: readonly ClearingMarket[]): CompetitorRent {
  const byId = new Map(markets.map((x) => [x.id, x]));
  const periods = c.tonnesByPeriod.length;
  const ranged = c.markets.flatMap((x) =>
    x.tonnesByPeriod.flatMap((tonnes, p) => {
      const range = byId.get(x.market)?.priceRangeUsdPerTonneByPeriod?.[p];
      const offer = x.deliveredCostUsdPerTonneByPeriod[p];
      return tonnes > 0.5 && range && offer != null ? [{ range, offer }] : [];
    }),
  );
  if (ranged.length > 0) {
    if (periods !== 1) return { kind: 'not-fixed' };
    const { range, offer } = ranged[0]!;
    return { kind: 'range', range: { low: Math.max(0, range.low - offer), high: range.high === null ? null : Math.max(0, range.high - offer) } };
  }
  if (c.rentUsdPerTonne > RENT_TOL_USD) return { kind: 'rent', usdPerTonne: c.rentUsdPerTonne };
  return c.utilisation != null && c.utilisation >= FULL_UTILISATION ? { kind: 'none-full' } : { kind: 'none-spare' };
}

/** A competitor's capacity rent in words, in the page's language and the reader's money. */
export function competitorRentText(rent: CompetitorRent, m: Money = USD): string {
  switch (rent.kind) {
    case 'rent':
      return m.perTonne(rent.usdPerTonne);
    case 'range':
      return t('not fixed by the market: {range}', { range: perTonneRangeText(rent.range, m) });
    case 'not-fixed':
      return t('not fixed by the market: some of its markets clear at a range of prices');
    case 'none-full':
      return t('none: it sells all its capacity, but the capacity earns no rent at these prices');
    case 'none-spare':
      return t('none (spare capacity)');
  }
}

/**
 * A competitor plant's popup: capacity use, cash cost, capacity rent (not fixed where the prices of
 * its markets are not; no "spare capacity" for a full plant) and the markets it sells in. `markets`:
 * the plan's clearing markets, for their names and price ranges.
 */
export function competitorPopup(c: CompetitorResult, marketNames: ReadonlyMap<string, string>, opts: { money?: Money; markets?: readonly ClearingMarket[] } = {}): string {
  const m = opts.money ?? USD;
  const capacity = c.capacityTonnesByPeriod.reduce((s, t) => s + t, 0);
  const lines = [
    row(t('Sells'), formatTonnes(c.tonnes)),
    row(t('Output capacity'), formatTonnes(capacity)),
    row(t('Capacity use'), c.utilisation == null ? '—' : formatShare(c.utilisation, 0)),
    row(t('Cash cost'), m.perTonne(c.cashCostUsdPerTonne)),
  ];
  if (c.markupUsdPerTonne > 0) lines.push(row(t('Mark-up over cash cost'), m.perTonne(c.markupUsdPerTonne)));
  lines.push(row(t('Capacity rent'), competitorRentText(competitorRent(c, opts.markets ?? []), m)));
  const markets = c.markets
    .filter((x) => x.tonnes > 0)
    .sort((a, b) => b.tonnes - a.tonnes)
    .map((x) => {
      const offer = x.deliveredCostUsdPerTonneByPeriod[0];
      return `<li>${escapeHtml(marketNames.get(x.market) ?? x.market)} <span class="muted">${escapeHtml(formatTonnes(x.tonnes))}${
        offer != null ? `, ${escapeHtml(t('delivered {price}', { price: m.perTonne(offer) }))}` : ''
      }</span></li>`;
    })
    .join('');
  return (
    `<div class="popup popup-competitor"><h3>${escapeHtml(c.name)}</h3><p class="muted">${escapeHtml(t('Competitor'))} · ${escapeHtml(c.owner)} · ${escapeHtml(c.country)}</p>` +
    `<table>${lines.join('')}</table>` +
    (markets ? `<h4>${escapeHtml(t('Markets'))}</h4><ul class="routes">${markets}</ul>` : `<p class="muted">${escapeHtml(t('Sells nothing at these prices.'))}</p>`) +
    `</div>`
  );
}

// ---------------------------------------------------------------- results panel

export interface ClearingSummary {
  /** One point of `ourMarginRangeUsd` where that is set: the margin at the solver's prices. */
  ourMarginUsd: number;
  /** Our margin over every set of clearing prices, where a price we sell at is a range (else null). */
  ourMarginRangeUsd: PriceRange | null;
  welfareUsd: number;
  ourTonnes: number;
  competitorTonnes: number;
  /** Markets where we sell anything. */
  marketsWithUs: number;
  /** Competitors that sell anything. */
  activeCompetitors: number;
}

export function clearingSummary(plan: ClearingPlan): ClearingSummary {
  const c = plan.clearing;
  const ourTonnes = c.markets.reduce((s, m) => s + m.ourTonnes, 0);
  const bought = c.markets.reduce((s, m) => s + m.boughtTonnes, 0);
  return {
    ourMarginUsd: c.ourMarginUsd,
    ourMarginRangeUsd: c.ourMarginRangeUsd ?? null,
    welfareUsd: c.welfareUsd,
    ourTonnes,
    competitorTonnes: Math.max(0, bought - ourTonnes),
    marketsWithUs: c.markets.filter((m) => m.ourTonnes > 0.5).length,
    activeCompetitors: c.competitors.filter((x) => x.tonnes > 0.5).length,
  };
}

export interface ClearingRow {
  id: string;
  name: string;
  domestic: boolean;
  /** One point of `priceRange` where that is set (the solver's choice, not a fact). */
  priceUsdPerTonne: number;
  /** The clearing prices over every equilibrium, where the market does not fix one (else null). */
  priceRange: PriceRange | null;
  boughtTonnes: number;
  ourShare: number;
  ourRange: string | null;
  /** Short: "us", "Caspi Cement", "buyers", "scarcity"; null where the price is a range (no one sets it). */
  priceSetBy: string | null;
}

/**
 * The clearing markets for the results table: where we sell first, then by tonnes bought. Where the
 * equilibrium does not fix a market's price the row carries the range and no price setter, as the
 * popup and the plan's sentences do.
 */
export function clearingRows(plan: ClearingPlan): ClearingRow[] {
  return plan.clearing.markets
    .map((m) => ({
      id: m.id,
      name: m.name,
      domestic: m.domestic,
      priceUsdPerTonne: m.priceUsdPerTonne,
      priceRange: m.priceRangeUsdPerTonne ?? null,
      boughtTonnes: m.boughtTonnes,
      ourShare: m.ourShare,
      ourRange: m.ourTonnesRange && Math.abs(m.ourTonnesRange.max - m.ourTonnesRange.min) > 0.5 ? `${formatTonnes(m.ourTonnesRange.min)}–${formatTonnes(m.ourTonnesRange.max)}` : null,
      priceSetBy: m.priceRangeUsdPerTonne ? null : priceSetterShort(m.marginalSupplier),
    }))
    .sort((a, b) => Number(b.ourShare > 0) - Number(a.ourShare > 0) || b.boughtTonnes - a.boughtTonnes);
}

/** A clearing row's price in the reader's money: the range where the market does not fix one. */
export function clearingRowPrice(r: Pick<ClearingRow, 'priceUsdPerTonne' | 'priceRange'>, m: Money = USD): string {
  return r.priceRange ? perTonneRangeText(r.priceRange, m) : m.perTonne(r.priceUsdPerTonne);
}

/** A clearing row's price setter in words: "price set by us", or "price not fixed by the market" for a range. */
export function clearingRowSetter(r: Pick<ClearingRow, 'priceSetBy'>): string {
  return r.priceSetBy === null ? t('price not fixed by the market') : t('price set by {who}', { who: r.priceSetBy });
}

function priceSetterShort(ms: ClearingMarket['marginalSupplier']): string {
  if (!ms) return '—';
  if (ms.kind === 'ours') return t('us');
  if (ms.kind === 'demand') return t('buyers');
  if (ms.kind === 'scarcity') return t('scarcity');
  return shortSupplier(ms.name);
}

/** "Caspi Cement (Shetpe, Mangystau region)" → "Caspi Cement"; grouped suppliers keep their first words. */
export function shortSupplier(name: string): string {
  const short = name.replace(/\s*\(.*?\)\s*/g, ' ').split(/[,;]/)[0].trim();
  return short || shortName(name);
}
