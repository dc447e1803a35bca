/**
 * The analysis panel's logic, pure: sweep parameters and their grids, the sweep result as a line or
 * a grid, the sensitivity report cut to what matters in words, the Monte Carlo request from a small
 * form, phasing volumes as chart series. Answer types come from server/core/analysis-schema.ts.
 */
import type { ParameterRange, PhasingChart, SensitivityReport, SweepResult } from '../../../server/core/analysis-schema.ts';
import type { SweepAxis } from '../../../server/analysis/sweep.ts';
import type { MonteCarloRequestInput } from '../../../server/analysis/montecarlo.ts';
import { DOMESTIC_COLOUR, exportColours } from './charts/colour.ts';
import { formatShare, formatStyleOf, formatTonnes, formatUsdCompact, formatUsdPerTonne } from './format.ts';
import { t } from '../i18n/index.ts';

// ---------------------------------------------------------------- sweeps

export type SweepParameter = SweepAxis['parameter'];

export interface SweepParameterInfo {
  readonly id: SweepParameter;
  /** Words for the select and the chart axis. */
  readonly label: string;
  /** The unit of the form's from / to boxes, in words. */
  readonly unit: string;
  readonly from: number;
  readonly to: number;
  readonly steps: number;
  /** Form value → API value (port throughput is entered in kt/yr, sent in t/yr). */
  readonly toApi: (v: number) => number;
  /** API value → tick label. */
  readonly format: (v: number) => string;
}

const mult = (v: number) => `× ${trim(v, 2)}`;
export const SWEEP_PARAMETERS: readonly SweepParameterInfo[] = [
  // Words as getters: in the page's language when they are read, not when the module loads.
  {
    id: 'exportPriceMultiplier',
    get label() {
      return t('Export prices ×');
    },
    get unit() {
      return t('Multipliers: 1 = as in the scenario.');
    },
    from: 0.8,
    to: 1.4,
    steps: 7,
    toApi: (v) => v,
    format: mult,
  },
  {
    id: 'freightMultiplier',
    get label() {
      return t('Freight ×');
    },
    get unit() {
      return t('Multipliers on every leg’s freight: 1 = as in the scenario.');
    },
    from: 0.8,
    to: 1.4,
    steps: 7,
    toApi: (v) => v,
    format: mult,
  },
  {
    id: 'fxKztPerUsd',
    get label() {
      return t('KZT per USD');
    },
    get unit() {
      return t('Tenge per US dollar (domestic prices are set in tenge; the network uses 510).');
    },
    from: 450,
    to: 570,
    steps: 7,
    toApi: (v) => v,
    format: (v) => trim(v, 0),
  },
  {
    id: 'domesticShare',
    get label() {
      return t('Minimum domestic share');
    },
    get unit() {
      return t('Shares from 0 to 1 (0.5 = the 50 % rule).');
    },
    from: 0.5,
    to: 1,
    steps: 6,
    toApi: (v) => v,
    format: (v) => formatShare(v, 0),
  },
  {
    id: 'nodeThroughput',
    get label() {
      return t('Port throughput');
    },
    get unit() {
      return t('Throughput in kt per year.');
    },
    from: 0,
    to: 1000,
    steps: 6,
    toApi: (v) => v * 1000,
    format: (v) => formatTonnes(v),
  },
];

export function sweepParameter(id: string): SweepParameterInfo {
  return SWEEP_PARAMETERS.find((p) => p.id === id) ?? SWEEP_PARAMETERS[0];
}

export interface AxisForm {
  parameter: SweepParameter;
  /** For a port's throughput. */
  node: string;
  from: number;
  to: number;
  steps: number;
}

/** The API axis of one row of the form. */
export function axisFromForm(form: AxisForm): SweepAxis {
  const info = sweepParameter(form.parameter);
  return {
    parameter: form.parameter,
    from: info.toApi(form.from),
    to: info.toApi(form.to),
    steps: Math.round(form.steps),
    ...(form.parameter === 'nodeThroughput' ? { node: form.node } : {}),
  } as SweepAxis;
}

/** What is wrong with an axis, in words (null: fine). Checked before the request so the answer is instant. */
export function axisProblem(form: AxisForm, label: string): string | null {
  const info = sweepParameter(form.parameter);
  if (![form.from, form.to, form.steps].every(Number.isFinite)) return t('{axis}: from, to and points must be numbers.', { axis: label });
  if (form.from < 0 || form.to < 0) return t('{axis}: values cannot be negative.', { axis: label });
  if (!Number.isInteger(form.steps) || form.steps < 2 || form.steps > 201) return t('{axis}: between 2 and 201 points.', { axis: label });
  if (form.parameter === 'domesticShare' && (form.from > 1 || form.to > 1)) return t('{axis}: a domestic share is between 0 and 1.', { axis: label });
  if (form.parameter === 'nodeThroughput' && !form.node) return t('{axis}: choose a port.', { axis: label });
  void info;
  return null;
}

/** Grid values of an axis, as the server computes them. */
export function axisGrid(axis: SweepAxis): number[] {
  if (axis.values) return [...axis.values];
  const { from = 0, to = 0, steps = 2 } = axis;
  // As the server makes it (server/analysis/sweep.ts axisValues): to 12 significant digits.
  return Array.from({ length: steps }, (_, i) => Number((from + ((to - from) * i) / (steps - 1)).toPrecision(12)));
}

export interface SweepLine {
  readonly xs: number[];
  readonly margin: (number | null)[];
  readonly exportTonnes: (number | null)[];
  readonly ruleBinds: boolean[];
}

/** A 1-D sweep as series along its parameter (rows are in grid order). */
export function sweepLine(result: SweepResult): SweepLine {
  const key = result.parameters[0];
  const rows = [...result.rows].sort((a, b) => a.index - b.index);
  return {
    xs: rows.map((r) => r.point[key]),
    margin: rows.map((r) => (r.status === 'optimal' ? r.marginUsd : null)),
    exportTonnes: rows.map((r) => (r.status === 'optimal' ? r.exportTonnes : null)),
    ruleBinds: rows.map((r) => r.ruleBinds === true),
  };
}

export interface SweepGrid {
  /** The first parameter, across (columns). */
  readonly xs: number[];
  /** The second parameter, up (rows). */
  readonly ys: number[];
  /** margin[yi][xi] */
  readonly margin: (number | null)[][];
  readonly ruleBinds: boolean[][];
}

/** A 2-D sweep as a grid. Rows come row-major with the first parameter varying slowest. */
export function sweepGrid(result: SweepResult): SweepGrid {
  const [kx, ky] = result.parameters;
  const xs = [...new Set(result.rows.map((r) => r.point[kx]))].sort((a, b) => a - b);
  const ys = [...new Set(result.rows.map((r) => r.point[ky]))].sort((a, b) => a - b);
  const margin = ys.map(() => xs.map(() => null as number | null));
  const ruleBinds = ys.map(() => xs.map(() => false));
  for (const r of result.rows) {
    const xi = xs.indexOf(r.point[kx]);
    const yi = ys.indexOf(r.point[ky]);
    if (xi < 0 || yi < 0) continue;
    margin[yi][xi] = r.status === 'optimal' ? r.marginUsd : null;
    ruleBinds[yi][xi] = r.ruleBinds === true;
  }
  return { xs, ys, margin, ruleBinds };
}

/** Axis words for a sweep key, with the port's name for a throughput. */
export function parameterLabel(key: string, nodeName: (id: string) => string): string {
  const [id, node] = key.split(':');
  const info = sweepParameter(id);
  return id === 'nodeThroughput' && node ? t('{port} throughput', { port: shortPlace(nodeName(node)) }) : info.label;
}

// ---------------------------------------------------------------- sensitivity

const CAPACITY_KINDS = new Set(['plant-capacity', 'leg-capacity', 'node-capacity', 'demand', 'export-cap']);
const COST_KINDS = new Set(['price', 'freight', 'production-cost']);

export interface SensitivityDigest {
  /** The domestic rule in words (from the report). */
  readonly rule: string | null;
  /** Limits that bind, by what one more unit is worth (largest first). */
  readonly shadowPrices: ParameterRange[];
  /** Prices and costs the margin moves with most (USD per USD/t = tonnes concerned). */
  readonly ranges: ParameterRange[];
  /** Unsold tiers closest to paying. */
  readonly nearlyPaying: ParameterRange[];
}

/** How much a limit matters: what a unit more is worth, or a unit less costs where that differs (a kink). */
function worth(p: ParameterRange): number {
  return Math.max(Math.abs(p.marginalValueUsd), Math.abs(p.marginalValueBelowUsd ?? 0));
}

/**
 * Where the domestic rule starts to cost margin, in words. When the rule is slack in the plan, the
 * report's own figure: the share the plan keeps at home anyway (the domestic share's upper range,
 * where the plan changes shape); a higher rule costs margin. When it binds, the report has no such
 * figure, and the sentence names the first point of the curve's grid where it binds, as a grid point.
 */
export function ruleCostStart(report: Pick<SensitivityReport, 'parameters' | 'shareCurve'>): string {
  const share = report.parameters.find((p) => p.kind === 'domestic-share');
  if (share && share.marginalValueUsd === 0 && share.high !== null && share.high < 1)
    return t('The rule starts to cost margin above {share}: the plan keeps that much at home anyway.', { share: formatShare(share.high, 1) });
  const firstBinding = report.shareCurve.find((p) => p.ruleBinds);
  return firstBinding ? t('Of the curve’s points, the first where the rule costs margin is {share}.', { share: formatShare(firstBinding.domesticShare, 0) }) : t('The rule does not bind anywhere on the curve.');
}

export function digestSensitivity(report: SensitivityReport, topN: number): SensitivityDigest {
  const n = Math.max(1, Math.floor(topN));
  const byValue = (a: ParameterRange, b: ParameterRange) => worth(b) - worth(a) || a.label.localeCompare(b.label);
  const share = report.parameters.find((p) => p.kind === 'domestic-share');
  return {
    rule: share?.explanation ?? null,
    shadowPrices: report.parameters.filter((p) => CAPACITY_KINDS.has(p.kind) && worth(p) > 1e-6).sort(byValue).slice(0, n),
    ranges: report.parameters.filter((p) => COST_KINDS.has(p.kind) && Math.abs(p.marginalValueUsd) > 1e-6).sort(byValue).slice(0, n),
    nearlyPaying: report.parameters
      .filter((p) => p.kind === 'price' && p.priceGapUsdPerTonne != null && p.priceGapUsdPerTonne > 0)
      .sort((a, b) => (a.priceGapUsdPerTonne ?? 0) - (b.priceGapUsdPerTonne ?? 0))
      .slice(0, Math.min(n, 5)),
  };
}

/** Long network names made short for a table: the plant, junctions, "(rail)" tags. */
export function shortLabel(label: string): string {
  return label
    .replace(/QazCement[^,]*cement plant, Baiganin district \(Aktobe region\)/gi, 'Baiganin plant')
    .replace(/\s*\((rail|road|sea)\)/gi, '')
    .replace(/^freight on (rail|road|sea) /i, (_, m: string) => `${m[0].toUpperCase()}${m.slice(1)} freight `)
    .replace(/\s+/g, ' ')
    .trim();
}

function shortPlace(name: string): string {
  return name.replace(/\s*\(.*?\)/g, '').replace(/\b(Sea Commercial Port|port)\b/gi, '').trim() || name;
}

const quantity = (p: ParameterRange, v: number | null): string =>
  v == null ? '—' : p.unit === 'USD/t' ? formatUsdPerTonne(v) : p.unit === 'share' ? formatShare(v) : formatTonnes(v);

/** "1.25 Mt – 1.40 Mt", "from 52.35 USD/t up", "up to 3.90 USD/t". */
export function rangeText(p: ParameterRange): string {
  if (p.low == null && p.high == null) return t('any value');
  if (p.high == null) return t('from {value} up', { value: quantity(p, p.low) });
  if (p.low == null) return t('up to {value}', { value: quantity(p, p.high) });
  return `${quantity(p, p.low)} – ${quantity(p, p.high)}`;
}

/** What one more unit of a binding limit is worth, in words: "13.60 USD per t". */
export function shadowText(p: ParameterRange): string {
  const signed = (v: number) => `${v < 0 ? '−' : ''}${formatUsdPerTonne(Math.abs(v))}`;
  const more = signed(p.marginalValueUsd);
  // A degenerate plan's kink: a unit less costs another figure than a unit more is worth.
  return p.marginalValueBelowUsd == null ? more : t('{more} (one less: {less})', { more, less: signed(p.marginalValueBelowUsd) });
}

/** What 1 USD/t more does to the margin: "+USD 300 k" / "−USD 1.3 m". */
export function slopeText(p: ParameterRange): string {
  const v = p.marginalValueUsd;
  return `${v >= 0 ? '+' : '−'}${formatUsdCompact(Math.abs(v))}`;
}

export function currentText(p: ParameterRange): string {
  return quantity(p, p.current);
}

// ---------------------------------------------------------------- Monte Carlo

export interface MonteCarloForm {
  draws: number;
  seed: number;
  /** Standard deviation of the export price multiplier (0.15 = ±15 %). */
  exportPriceSd: number;
  /** Standard deviation of the freight multiplier. */
  freightSd: number;
  /** Demand drawn uniformly within ± this fraction in every market. */
  demandSpread: number;
}

export const DEFAULT_MONTE_CARLO: MonteCarloForm = { draws: 1000, seed: 1, exportPriceSd: 0.15, freightSd: 0.1, demandSpread: 0.1 };

export function monteCarloProblem(form: MonteCarloForm): string | null {
  if (!Number.isInteger(form.draws) || form.draws < 1 || form.draws > 200_000) return t('Draws: a whole number from 1 to 200,000.');
  if (!Number.isInteger(form.seed) || form.seed < 0) return t('Seed: a whole number, 0 or more.');
  for (const [v, name] of [[form.exportPriceSd, t('Export price spread')], [form.freightSd, t('Freight spread')], [form.demandSpread, t('Demand spread')]] as const) {
    if (!Number.isFinite(v) || v < 0) return t('{field}: a number, 0 or more.', { field: name });
  }
  if (form.demandSpread > 1) return t('Demand spread: at most 1 (±100 %).');
  return null;
}

/** The Monte Carlo request for the scenario on screen. A spread of 0 leaves that input certain. */
export function monteCarloRequest<S>(scenario: S, form: MonteCarloForm): Omit<MonteCarloRequestInput, 'scenario'> & { scenario: S } {
  const uncertainties: MonteCarloRequestInput['uncertainties'] = [];
  if (form.exportPriceSd > 0) uncertainties.push({ parameter: 'price', group: 'export', distribution: { type: 'normal', mean: 1, sd: form.exportPriceSd } });
  if (form.freightSd > 0) uncertainties.push({ parameter: 'freight', distribution: { type: 'normal', mean: 1, sd: form.freightSd } });
  if (form.demandSpread > 0) uncertainties.push({ parameter: 'demand', group: 'all', distribution: { type: 'uniform', min: Math.max(0, 1 - form.demandSpread), max: 1 + form.demandSpread } });
  return { scenario, draws: form.draws, seed: form.seed, uncertainties };
}

// ---------------------------------------------------------------- phasing

export interface PhasingSeries {
  readonly name: string;
  readonly colour: string;
  readonly values: number[];
  readonly domestic: boolean;
}

/** Domestic sales as one series (the map's green), then each export market in the export palette, largest first. */
export function phasingSeries(result: PhasingChart): PhasingSeries[] {
  const exports = result.destinations.filter((d) => !d.domestic);
  const colours = exportColours(exports.map((d) => d.marketId));
  return [
    { name: t('Domestic (Kazakhstan)'), colour: DOMESTIC_COLOUR, values: [...result.domesticTonnesByYear], domestic: true },
    ...exports.map((d) => ({ name: d.name, colour: colours.get(d.marketId)!, values: [...d.tonnesByYear], domestic: false })),
  ];
}

// ---------------------------------------------------------------- shared

/** 1.2000 → "1.2", 0.85 → "0.85" ("0,85" with a decimal comma). */
export function trim(v: number, digits: number): string {
  return String(Number(v.toFixed(digits))).replace('.', formatStyleOf('decimal'));
}

/** Margin tick: 27 500 000 → "27.5 m" (the axis title says USD). */
export function millions(v: number): string {
  const m = v / 1e6;
  const digits = Math.abs(m) >= 100 ? 0 : Math.abs(m) >= 10 ? 1 : 2;
  return `${trim(m, digits)} ${formatStyleOf('m')}`.replace(/^-/, '−');
}

/** Tonnes tick in kt: 250 000 → "250". */
export function kilotonnes(v: number): string {
  return trim(v / 1000, v % 1000 === 0 ? 0 : 1);
}

/** Money without the currency (the column says USD): 2 639 625 → "2.6 m". */
export function usdShort(v: number | null | undefined): string {
  return formatUsdCompact(v).replace(/^(−?)USD /, '$1');
}

/** "42 %" of a probability 0..1. */
export function percent(p: number | null | undefined, digits = 0): string {
  return formatShare(p, digits);
}
