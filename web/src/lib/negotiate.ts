/**
 * "Room to negotiate", pure: the tolerance form, which markets to show and in what order, the band
 * of each market in kt, which markets to mark on the map, and the alternative plans as card text.
 * Types come from the server's near-optimal analysis.
 */
import type { AlternativePlan, Alternatives, MarketRange } from '../../../server/analysis/alternatives.ts';
import { formatShare, formatStyleOf, formatUsdCompact } from './format.ts';
import { shortName } from './names.ts';
import { trim } from './analysis.ts';
import { t } from '../i18n/index.ts';

export type { AlternativePlan, Alternatives, MarketRange };

/** The form's default and bounds, in % of the best margin. */
export const DEFAULT_TOLERANCE_PCT = 1;
export const MAX_TOLERANCE_PCT = 10;

/** Markets whose range is wider than this get a marker on the map. */
export const FLEXIBLE_TONNES = 1000;

/** Below this a market counts as not served (solver noise). */
const SERVED_TONNES = 1;

/** What is wrong with the tolerance box, in words (null: fine). */
export function toleranceProblem(pct: number): string | null {
  if (!Number.isFinite(pct) || pct < 0 || pct > MAX_TOLERANCE_PCT) return t('Tolerance: a number from 0 to {max} (% of the best margin).', { max: MAX_TOLERANCE_PCT });
  return null;
}

/** The box's percentage as the API's share: 1 → 0.01. */
export function toleranceShare(pct: number): number {
  return Math.round(pct * 1000) / 100_000;
}

/** The figure of kt(): "300", "14", "8.3", "0.6", "0" (with the page's decimal mark). */
function ktFigure(tonnes: number): string {
  const v = Math.abs(tonnes) < 0.5 ? 0 : tonnes / 1000;
  const digits = Math.abs(v) >= 10 || v === 0 ? 0 : 1;
  const s = String(Number(v.toFixed(digits))).replace(/^-/, '−').replace('.', formatStyleOf('decimal'));
  return s === '−0' ? '0' : s;
}

/** "300 kt", "14 kt", "9 kt", "0.6 kt", "0 kt": every label of the tab is in kt. */
export function kt(tonnes: number): string {
  return `${ktFigure(tonnes)} ${formatStyleOf('kt')}`;
}

/** The band in words: "150–323 kt" or, with no room, "300 kt". */
export function bandText(m: Pick<MarketRange, 'minTonnes' | 'maxTonnes'>): string {
  if (m.maxTonnes - m.minTonnes <= FLEXIBLE_TONNES / 2) return kt((m.minTonnes + m.maxTonnes) / 2);
  return `${ktFigure(m.minTonnes)}–${kt(m.maxTonnes)}`;
}

export function isServed(m: Pick<MarketRange, 'planTonnes'>): boolean {
  return m.planTonnes > SERVED_TONNES;
}

export function isFlexible(m: Pick<MarketRange, 'minTonnes' | 'maxTonnes'>): boolean {
  return m.maxTonnes - m.minTonnes > FLEXIBLE_TONNES;
}

/**
 * The chart's rows: markets the best plan serves, most tonnes first, then markets that some plan
 * within the tolerance serves, by their most tonnes; markets no such plan reaches are left out.
 */
export function rangeRows(markets: readonly MarketRange[]): MarketRange[] {
  const served = markets.filter(isServed).sort((a, b) => b.planTonnes - a.planTonnes || b.maxTonnes - a.maxTonnes || a.name.localeCompare(b.name));
  const possible = markets
    .filter((m) => !isServed(m) && m.maxTonnes > SERVED_TONNES)
    .sort((a, b) => b.maxTonnes - a.maxTonnes || a.name.localeCompare(b.name));
  return [...served, ...possible];
}

/** Markets to mark on the map: room of more than ~1 kt. */
export function flexibleMarketIds(markets: readonly MarketRange[]): string[] {
  return markets.filter(isFlexible).map((m) => m.marketId);
}

/** The best plan's domestic share from the ranges (each market's planTonnes). */
export function bestDomesticShare(markets: readonly MarketRange[]): number | null {
  let home = 0;
  let total = 0;
  for (const m of markets) {
    total += m.planTonnes;
    if (m.domestic) home += m.planTonnes;
  }
  return total > 0 ? home / total : null;
}

export interface PlanChange {
  readonly marketId: string;
  readonly name: string;
  readonly domestic: boolean;
  readonly bestTonnes: number;
  readonly tonnes: number;
  /** "450 → 541 kt" */
  readonly text: string;
}

export interface PlanCard {
  readonly title: string;
  /** "USD 279 k (1.0 % of the best margin)" */
  readonly givenUp: string;
  /** "87.8 % at home (best plan 81.3 %)" */
  readonly domestic: string;
  /** Largest change first. */
  readonly changes: readonly PlanChange[];
}

/** "most kept at home" → "Most kept at home"; "serve Azerbaijan via Port of Baku (Alat)" → "Serve Baku". */
export function planTitle(label: string): string {
  const serve = /^serve (.+)$/i.exec(label);
  const text = serve ? `serve ${shortName(serve[1])}` : label;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** An alternative plan as the words on its card. */
export function planCard(plan: AlternativePlan, result: Pick<Alternatives, 'bestMarginUsd' | 'markets'>): PlanCard {
  const byId = new Map(result.markets.map((m) => [m.marketId, m]));
  const pctOfBest = result.bestMarginUsd !== 0 ? (plan.marginGivenUpUsd / Math.abs(result.bestMarginUsd)) * 100 : 0;
  const best = bestDomesticShare(result.markets);
  const changes = Object.entries(plan.changedMarkets)
    .map(([id, c]) => {
      const m = byId.get(id);
      return {
        marketId: id,
        name: m ? shortName(m.name) : id,
        domestic: m?.domestic ?? false,
        bestTonnes: c.bestTonnes,
        tonnes: c.tonnes,
        text: `${ktFigure(c.bestTonnes)} → ${kt(c.tonnes)}`,
      };
    })
    .sort((a, b) => Math.abs(b.tonnes - b.bestTonnes) - Math.abs(a.tonnes - a.bestTonnes) || a.name.localeCompare(b.name));
  return {
    title: planTitle(plan.label),
    givenUp: t('{amount} ({share} of the best margin)', { amount: formatUsdCompact(Math.max(0, plan.marginGivenUpUsd)), share: formatShare(Math.max(0, pctOfBest) / 100, pctOfBest < 10 ? 1 : 0) }),
    domestic: best == null ? t('{share} at home', { share: formatShare(plan.domesticShare) }) : t('{share} at home (best plan {best})', { share: formatShare(plan.domesticShare), best: formatShare(best) }),
    changes,
  };
}

/** The summary over the chart, in words. */
export function summaryText(result: Alternatives): string {
  const flexible = result.markets.filter(isFlexible).length;
  const pct = `${trimPct(result.tolerance * 100)} %`.replace('.', formatStyleOf('decimal'));
  const words =
    result.floorMarginUsd === null
      ? t('Best margin {best} at the clearing prices; every plan here keeps the market’s welfare within {tolerance} of its best.', { best: formatUsdCompact(result.bestMarginUsd), tolerance: pct })
      : t('Best margin {best}; every plan here keeps at least {floor} (within {tolerance}).', { best: formatUsdCompact(result.bestMarginUsd), floor: formatUsdCompact(result.floorMarginUsd), tolerance: pct });
  const room = t(flexible === 1 ? '{count} market has more than {room} of room.' : '{count} markets have more than {room} of room.', { count: flexible, room: kt(FLEXIBLE_TONNES) });
  return `${words} ${room}`;
}

function trimPct(v: number): string {
  return String(Number(v.toFixed(2)));
}

/** The range chart's title: what the tolerance holds (our margin, or in the clearing mode the market's welfare). */
export function rangeChartTitle(r: Pick<Alternatives, 'held' | 'tolerance'>): string {
  const tolerance = trim(r.tolerance * 100, 2);
  return r.held === 'welfare'
    ? t("Tonnes each market can take within {tolerance} % of the market's best welfare (our margin can fall by more)", { tolerance })
    : t('Tonnes each market can take within {tolerance} % of the best margin', { tolerance });
}
