/**
 * The back-test table as CSV (RFC 4180, written by server/core/csv.ts: text guarded against
 * spreadsheet formulas, numbers as numbers). Browser-safe, pure.
 */
import { csvField, csvLine } from '../core/csv.ts';
import type { BacktestResult } from './backtest.ts';

export const CSV_COLUMNS = ['kind', 'id', 'name', 'unit', 'modelled', 'observed', 'errorPct', 'observedIsEstimate', 'observedFromInputs', 'modelledRank', 'observedRank', 'lng', 'lat'] as const;

/** The table (one row per figure), a blank line, then the targets: name, threshold, value, met or missed, detail, evidence and its note. */
export function backtestCsv(result: BacktestResult): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of result.rows) lines.push(CSV_COLUMNS.map((c) => csvField(r[c])).join(','));
  lines.push('');
  lines.push(['target', 'threshold', 'value', 'met', 'detail', 'evidence', 'evidenceNote'].join(','));
  for (const t of result.targets) lines.push(csvLine([t.name, t.target, t.value, t.met ? 'met' : 'missed', t.detail, t.evidence, t.evidenceNote]));
  return `${lines.join('\r\n')}\r\n`;
}
