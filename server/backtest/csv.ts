/**
 * The back-test table as CSV (RFC 4180). Text cells that a spreadsheet would read as a formula
 * (starting with =, +, −, @, a tab or a carriage return) are prefixed with an apostrophe; numbers are
 * written as numbers. Browser-safe, pure.
 */
import type { BacktestResult } from './backtest.ts';

const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell: numbers as they are, text guarded against formulas and quoted when needed. */
export function csvCell(value: string | number | boolean | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const CSV_COLUMNS = ['kind', 'id', 'name', 'unit', 'modelled', 'observed', 'errorPct', 'observedIsEstimate', 'modelledRank', 'observedRank', 'lng', 'lat'] as const;

/** The table (one row per figure), a blank line, then the targets: name, threshold, value, met or missed, detail. */
export function backtestCsv(result: BacktestResult): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of result.rows) lines.push(CSV_COLUMNS.map((c) => csvCell(r[c])).join(','));
  lines.push('');
  lines.push(['target', 'threshold', 'value', 'met', 'detail'].join(','));
  for (const t of result.targets) lines.push([csvCell(t.name), csvCell(t.target), csvCell(t.value), csvCell(t.met ? 'met' : 'missed'), csvCell(t.detail)].join(','));
  return `${lines.join('\r\n')}\r\n`;
}
