/**
 * The one CSV writer (RFC 4180) of every download: the API's allocation, sweep and Monte Carlo
 * CSVs, the back-test table and the page's own plan export. A field is quoted when it holds a
 * comma, a quote or a line break, inner quotes doubled. Text a spreadsheet would run as a formula
 * (starting with =, +, -, @, a tab or a carriage return) gets a leading apostrophe; numbers are
 * written as numbers (a non-finite one as an empty field), so a negative number stays a number.
 * Browser-safe, pure.
 */

export type CsvValue = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One line of fields, comma-separated (no line break). */
export function csvLine(values: readonly CsvValue[]): string {
  return values.map(csvField).join(',');
}
