/**
 * A plan's allocation as CSV, one row per market:
 * market, country, domestic, tonnes, price, duty, logistics, netback, route (USD per tonne).
 */
import type { Plan } from '../../core/plan-schema.ts';

export const ALLOCATION_COLUMNS = [
  'market',
  'country',
  'domestic',
  'tonnes',
  'price',
  'duty',
  'logistics',
  'netback',
  'route',
] as const;

/** RFC 4180 quoting; text that a spreadsheet would run as a formula is prefixed with a quote. */
export function csvText(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

const csvNumber = (value: number | null, decimals: number): string =>
  value === null || !Number.isFinite(value) ? '' : String(Number(value.toFixed(decimals)));

export function allocationCsv(plan: Plan): string {
  const rows = plan.markets.map((m) => {
    const route = m.routes
      .filter((r) => r.tonnes > 0)
      .map((r) => r.path.join(' > '))
      .join(' | ');
    return [
      csvText(m.name),
      csvText(m.country),
      m.domestic ? 'true' : 'false',
      csvNumber(m.tonnes, 1),
      csvNumber(m.priceUsdPerTonne, 2),
      csvNumber(m.dutyUsdPerTonne, 2),
      csvNumber(m.logisticsCostUsdPerTonne, 2),
      csvNumber(m.netbackUsdPerTonne, 2),
      csvText(route),
    ].join(',');
  });
  return `${[ALLOCATION_COLUMNS.join(','), ...rows].join('\r\n')}\r\n`;
}
