/** The result of a Monte Carlo run from its per-draw table: percentiles, histograms, served shares. */
import type { MonteCarloResult, Summary } from '../core/analysis-schema.ts';
import { csvLine } from '../core/csv.ts';
import { round } from './common.ts';
import { STATUS_CODES, type DrawTable, type FastModel } from './mc-draws.ts';
import type { MonteCarloRequest } from './mc-request.ts';

export type { MonteCarloResult, Summary } from '../core/analysis-schema.ts';

/** p-th percentile (0..1) of sorted values, linear between ranks. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 1) return sorted[0];
  const pos = p * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function summarise(values: ArrayLike<number>, bins: number, digits = 2): Summary {
  const xs: number[] = [];
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) xs.push(values[i]);
  if (xs.length === 0) return { mean: null, p5: null, p50: null, p95: null, min: null, max: null, histogram: [] };
  let total = 0;
  for (const x of xs) total += x; // draw order: independent of the worker split
  const sorted = Float64Array.from(xs).sort();
  const min = sorted[0];
  const max = sorted[sorted.length - 1];
  const width = (max - min) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const x of xs) counts[width > 0 ? Math.min(bins - 1, Math.floor((x - min) / width)) : 0]++;
  const histogram = width > 0 ? counts.map((count, b) => ({ from: round(min + b * width, digits), to: round(min + (b + 1) * width, digits), count })) : [{ from: round(min, digits), to: round(max, digits), count: xs.length }];
  return {
    mean: round(total / xs.length, digits),
    p5: round(percentile(sorted, 0.05), digits),
    p50: round(percentile(sorted, 0.5), digits),
    p95: round(percentile(sorted, 0.95), digits),
    min: round(min, digits),
    max: round(max, digits),
    histogram,
  };
}

/** What the summary reads of a request. */
export type SummaryRequest = Pick<MonteCarloRequest, 'seed' | 'histogramBins' | 'robustThreshold'> & { readonly scenarioName: string };

/** From per-draw figures to the result. */
export function summariseTable(fast: Pick<FastModel, 'markets'>, request: SummaryRequest, table: DrawTable): MonteCarloResult {
  const draws = table.margin.length;
  const M = fast.markets.length;
  const statusCounts = Object.fromEntries(STATUS_CODES.map((s) => [s, 0])) as Record<(typeof STATUS_CODES)[number], number>;
  for (let i = 0; i < draws; i++) statusCounts[STATUS_CODES[table.status[i]]]++;
  const optimal = statusCounts.optimal;
  let binds = 0;
  const servedCount = new Array<number>(M).fill(0);
  for (let i = 0; i < draws; i++) {
    if (table.status[i] !== 0) continue;
    binds += table.ruleBinds[i];
    for (let m = 0; m < M; m++) servedCount[m] += table.served[i * M + m];
  }
  const markets = fast.markets.map((m, i) => {
    const servedShare = optimal > 0 ? servedCount[i] / optimal : 0;
    return { id: m.id, name: m.name, domestic: m.domestic, servedShare: round(servedShare, 6), robust: optimal > 0 && servedShare >= request.robustThreshold };
  });
  return {
    scenarioName: request.scenarioName,
    seed: request.seed,
    draws,
    optimalDraws: optimal,
    statusCounts,
    marginUsd: summarise(table.margin, request.histogramBins, 2),
    exportTonnes: summarise(table.exportTonnes, request.histogramBins, 3),
    domesticShare: summarise(table.domesticShare, request.histogramBins, 6),
    ruleBindsProbability: optimal > 0 ? round(binds / optimal, 6) : null,
    markets,
    robustMarkets: markets.filter((m) => m.robust).map((m) => m.id),
    robustThreshold: request.robustThreshold,
  };
}

/** Monte Carlo summary as CSV: one line per figure, then one per market's served share. */
export function monteCarloCsv(result: MonteCarloResult): string {
  const lines = ['figure,mean,p5,p50,p95,min,max'];
  for (const [name, s] of [['margin_usd', result.marginUsd], ['export_tonnes', result.exportTonnes], ['domestic_share', result.domesticShare]] as const) {
    lines.push(csvLine([name, s.mean, s.p5, s.p50, s.p95, s.min, s.max]));
  }
  lines.push(csvLine(['rule_binds_probability', result.ruleBindsProbability, '', '', '', '', '']));
  lines.push('', 'market,domestic,served_share,robust');
  for (const m of result.markets) lines.push(csvLine([m.id, m.domestic, m.servedShare, m.robust]));
  return `${lines.join('\n')}\n`;
}
