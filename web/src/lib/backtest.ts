/**
 * The backtest view: the model calibrated on one year, run on the next, against what was observed
 * (GET /api/v1/backtest). Parsing and the view model are pure; the panel and layer only draw them.
 */
import type { z } from 'zod';
import { BacktestResultSchema, type BacktestRowSchema } from '../../../server/backtest/result-schema.ts';
import { formatNumber, formatStyleOf, formatTonnes } from './format.ts';
import { locale, t } from '../i18n/index.ts';

/** The server's own schema of the answer: the page reads exactly what the API sends. */
export const Backtest = BacktestResultSchema;
export type Backtest = z.infer<typeof BacktestResultSchema>;
export type BacktestRow = z.infer<typeof BacktestRowSchema>;

/** What the page knows after asking for the backtest. */
export type BacktestState =
  | { kind: 'loading' }
  | { kind: 'ready'; data: Backtest }
  | { kind: 'unavailable'; message: string };

/**
 * The answer of GET /api/v1/backtest as a state: a 404 (no such route on this server), any error,
 * a network failure or a body in another shape all say plainly that the backtest is not available.
 */
export function backtestState(status: number, body: unknown): BacktestState {
  if (status === 404) return { kind: 'unavailable', message: t('The backtest is not available on this server (it has no backtest route).') };
  if (status === 0) return { kind: 'unavailable', message: t('The backtest is not available: the server cannot be reached.') };
  if (status < 200 || status >= 300) return { kind: 'unavailable', message: t('The backtest is not available on this server (it answered {status}).', { status }) };
  const parsed = Backtest.safeParse(body);
  if (!parsed.success) return { kind: 'unavailable', message: t('The backtest is not available on this server: its answer is not a backtest.') };
  return { kind: 'ready', data: parsed.data };
}

/** What a row measures, in English (the message keys; `kindLabel` gives the page's language). */
export const KIND_LABELS: Record<BacktestRow['kind'], string> = {
  'plant-production': 'Production',
  imports: 'Imports',
  exports: 'Exports',
  'west-net-imports': 'Net imports, west',
  price: 'Price',
};

export const kindLabel = (kind: BacktestRow['kind']): string => t(KIND_LABELS[kind]);

/** Whether a target's observations are independent of the model's inputs (message keys). */
const EVIDENCE_LABELS: Record<Backtest['targets'][number]['evidence'], string> = {
  independent: "independent of the model's inputs",
  'partly built in': "partly built into the model's inputs",
  'built in': "built into the model's inputs",
};

/** Error bands: |error| ≤ 10 % good, ≤ 25 % fair, else poor; no error when either side is missing. */
export type ErrorBand = 'good' | 'fair' | 'poor' | 'none';
export const BAND_COLOURS: Record<ErrorBand, string> = { good: '#2e7d32', fair: '#d08a00', poor: '#c62828', none: '#7c8794' };
/** The bands in English (the message keys; `bandLabel` gives the page's language). */
export const BAND_LABELS: Record<ErrorBand, string> = { good: '≤ 10 % off', fair: '10–25 % off', poor: '> 25 % off', none: 'no comparison' };
export const bandLabel = (band: ErrorBand): string => t(BAND_LABELS[band]);

export function errorBand(errorPct: number | null | undefined): ErrorBand {
  if (errorPct == null || !Number.isFinite(errorPct)) return 'none';
  const a = Math.abs(errorPct);
  if (a <= 10) return 'good';
  if (a <= 25) return 'fair';
  return 'poor';
}

/** A value in its unit: tonnes as t/kt/Mt, ranks as "#3", anything else (KZT/t) as a number and its unit. */
export function formatBacktestValue(value: number | null | undefined, unit: string): string {
  if (value == null || !Number.isFinite(value)) return '—';
  const u = unit.toLowerCase();
  if (u === 't' || u === 'tonnes' || u === 't/yr') return formatTonnes(value);
  if (u === 'rank') return `#${Math.round(value)}`;
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  // Money per tonne in the page's unit ("KZT/т" in Russian), as everywhere else on the page.
  const shown = u === 'kzt/t' ? formatStyleOf('kztPerTonne') : u === 'usd/t' ? formatStyleOf('perTonne') : unit;
  return `${formatNumber(value, digits)} ${shown}`;
}

/** "+12.3 %", "−4.0 %", "—". */
export function formatErrorPct(errorPct: number | null | undefined): string {
  if (errorPct == null || !Number.isFinite(errorPct)) return '—';
  const size = Number(Math.abs(errorPct).toFixed(1));
  if (size === 0) return `${formatNumber(0, 1)} %`;
  return `${errorPct > 0 ? '+' : '−'}${formatNumber(size, 1)} %`;
}

export interface BacktestBar {
  /** `kind:id`: a place can carry several rows (production and imports of one region). */
  key: string;
  id: string;
  kind: BacktestRow['kind'];
  name: string;
  kindLabel: string;
  lat: number;
  lng: number;
  /** Bar heights in px, on one scale per unit (so every production bar is comparable). */
  modelledPx: number;
  observedPx: number;
  colour: string;
  band: ErrorBand;
  estimate: boolean;
  /** The symbol's accessible name and title. */
  label: string;
  /** The short caption under the bars: "Caspi Cement −20.0 %", "Price rank #2 vs #1". */
  caption: string;
}

export interface BacktestTableRow {
  id: string;
  kind: BacktestRow['kind'];
  kindLabel: string;
  name: string;
  modelled: string;
  observed: string;
  error: string;
  band: ErrorBand;
  colour: string;
  estimate: boolean;
}

export interface BacktestView {
  title: string;
  bars: BacktestBar[];
  table: BacktestTableRow[];
  targets: { name: string; target: string; value: string; met: boolean; detail: string; evidence: Backtest['targets'][number]['evidence']; evidenceLabel: string; evidenceNote: string }[];
  targetsMet: number;
  /** Targets judged on observations independent of the model's inputs. */
  targetsIndependent: number;
  narrative: string[];
}

/** A target's figure to at most two decimals in the page's language. */
const show = (v: number) => {
  const rounded = Number(v.toFixed(2));
  return formatNumber(rounded, (String(rounded).split('.')[1] ?? '').length);
};

/**
 * A target's figures with their unit: an error target ("within ±20 %") is a percentage, "25 %"
 * against "±20 %"; a correlation target (price ranks) has no unit, "0.86" against "≥ 0.6".
 */
export function targetFigures(target: Pick<Backtest['targets'][number], 'name' | 'target' | 'value'>): { target: string; value: string } {
  if (target.name.includes('%')) return { target: `±${show(target.target)} %`, value: `${show(target.value)} %` };
  return { target: `≥ ${show(target.target)}`, value: show(target.value) };
}

/** The view model: bars for the located rows, the table for all rows, targets and narrative. */
export function backtestView(data: Backtest, maxBarPx = 44): BacktestView {
  const maxByUnit = new Map<string, number>();
  for (const r of data.rows) {
    // Ranks are drawn inverted (rank 1 the tallest) on a scale of the largest rank.
    const peak = Math.max(Math.abs(r.modelled ?? 0), Math.abs(r.observed ?? 0));
    maxByUnit.set(r.unit, Math.max(maxByUnit.get(r.unit) ?? 0, peak));
  }
  const height = (value: number | null, unit: string): number => {
    if (value == null || !Number.isFinite(value)) return 0;
    const max = maxByUnit.get(unit) ?? 0;
    if (!(max > 0)) return 0;
    const v = unit.toLowerCase() === 'rank' ? max + 1 - value : Math.abs(value);
    // A true zero stays flat; anything else is at least 2 px so it can be seen.
    return v === 0 ? 0 : Math.max(2, Math.round((maxBarPx * v) / max));
  };
  const bars: BacktestBar[] = [];
  const table: BacktestTableRow[] = [];
  for (const r of data.rows) {
    const band = errorBand(r.errorPct);
    const colour = BAND_COLOURS[band];
    // Prices carry their rank among the regions (1 = dearest) beside the figure.
    const modelledValue = formatBacktestValue(r.modelled, r.unit);
    const modelled = r.modelledRank == null ? modelledValue : `${modelledValue} (#${formatNumber(r.modelledRank, Number.isInteger(r.modelledRank) ? 0 : 1)})`;
    const observedValue = formatBacktestValue(r.observed, r.unit);
    const ranked = (value: string, rank: number | null) => (rank == null ? value : `${value} (#${formatNumber(rank, Number.isInteger(rank) ? 0 : 1)})`);
    const observedShown = ranked(observedValue, r.observedRank);
    const estimated = r.observedIsEstimate ? t('{value} (estimate)', { value: observedShown }) : observedShown;
    const observed = r.observedFromInputs ? t('{value} (model input)', { value: estimated }) : estimated;
    const error = formatErrorPct(r.errorPct);
    const kind = kindLabel(r.kind);
    table.push({ id: r.id, kind: r.kind, kindLabel: kind, name: r.name, modelled, observed, error, band, colour, estimate: r.observedIsEstimate });
    if (r.lat == null || r.lng == null || !Number.isFinite(r.lat) || !Number.isFinite(r.lng)) continue;
    bars.push({
      key: `${r.kind}:${r.id}`,
      id: r.id,
      kind: r.kind,
      name: r.name,
      kindLabel: kind,
      lat: r.lat,
      lng: r.lng,
      modelledPx: height(r.modelled, r.unit),
      observedPx: height(r.observed, r.unit),
      colour,
      band,
      estimate: r.observedIsEstimate,
      label: t('{name}, {what} {year}: modelled {modelled}, observed {observed}, error {error}', { name: r.name, what: kind.toLocaleLowerCase(locale()), year: data.year, modelled, observed, error }),
      caption: `${r.kind === 'plant-production' ? r.name : kind} ${r.errorPct == null ? t('{modelled} vs {observed}', { modelled: modelledValue, observed: observedValue }) : error}`,
    });
  }
  const targets = data.targets.map((target) => ({
    name: target.name,
    ...targetFigures(target),
    met: target.met,
    detail: target.detail,
    evidence: target.evidence,
    evidenceLabel: t(EVIDENCE_LABELS[target.evidence]),
    evidenceNote: target.evidenceNote,
  }));
  return {
    title: t('Calibrated on {from}, run on {year}', { from: data.calibratedOn, year: data.year }),
    bars,
    table,
    targets,
    targetsMet: targets.filter((target) => target.met).length,
    targetsIndependent: targets.filter((target) => target.evidence === 'independent').length,
    narrative: data.narrative,
  };
}

/**
 * Bars that share a place (within about 10 km: 0.1°) sit side by side: each one's horizontal pixel
 * offset, centred on the place (pairs are `barPairPx` wide), and its row for the caption under them.
 */
export function barOffsets(bars: readonly Pick<BacktestBar, 'key' | 'lat' | 'lng'>[], barPairPx = 18): Map<string, { dx: number; row: number }> {
  const groups = new Map<string, string[]>();
  for (const b of bars) {
    const k = `${b.lat.toFixed(1)},${b.lng.toFixed(1)}`;
    groups.set(k, [...(groups.get(k) ?? []), b.key]);
  }
  const out = new Map<string, { dx: number; row: number }>();
  for (const keys of groups.values()) {
    for (const [i, key] of keys.entries()) out.set(key, { dx: (i - (keys.length - 1) / 2) * (barPairPx + 4), row: i });
  }
  return out;
}
