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

/**
 * How fields are separated and numbers written: commas and `.` for programs (the API's CSVs); a
 * Russian spreadsheet wants `;` between fields and `,` as the decimal mark (its list separator).
 */
export interface CsvStyle {
  readonly separator: ',' | ';';
  readonly decimal: '.' | ',';
}
export const PROGRAM_CSV: CsvStyle = { separator: ',', decimal: '.' };
export const COMMA_DECIMAL_CSV: CsvStyle = { separator: ';', decimal: ',' };

export function csvField(value: CsvValue, style: CsvStyle = PROGRAM_CSV): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? (style.decimal === ',' ? String(value).replace('.', ',') : String(value)) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return text.includes(style.separator) || /["\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One line of fields, separated as the style says (no line break). */
export function csvLine(values: readonly CsvValue[], style: CsvStyle = PROGRAM_CSV): string {
  return values.map((v) => csvField(v, style)).join(style.separator);
}
