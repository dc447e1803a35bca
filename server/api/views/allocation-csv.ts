/**
 * A plan's allocation as CSV, one row per market:
 * market, country, domestic, tonnes, price, duty, logistics, netback, route (USD per tonne).
 */
import { csvField } from '../../core/csv.ts';
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

const csvNumber = (value: number | null, decimals: number): string =>
  value === null || !Number.isFinite(value) ? '' : String(Number(value.toFixed(decimals)));

export function allocationCsv(plan: Plan): string {
  const rows = plan.markets.map((m) => {
    const route = m.routes
      .filter((r) => r.tonnes > 0)
      .map((r) => r.path.join(' > '))
      .join(' | ');
    return [
      csvField(m.name),
      csvField(m.country),
      m.domestic ? 'true' : 'false',
      csvNumber(m.tonnes, 1),
      csvNumber(m.priceUsdPerTonne, 2),
      csvNumber(m.dutyUsdPerTonne, 2),
      csvNumber(m.logisticsCostUsdPerTonne, 2),
      csvNumber(m.netbackUsdPerTonne, 2),
      csvField(route),
    ].join(',');
  });
  return `${[ALLOCATION_COLUMNS.join(','), ...rows].join('\r\n')}\r\n`;
}
