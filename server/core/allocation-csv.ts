/**
 * A plan's allocation as CSV, the one layout of the page's download and the API's
 * `GET /runs/:id/allocation.csv`: one row per market and route — where the cement goes, by which
 * legs, and what it earns (USD per tonne); plans with product forms add the market's bagged and
 * bulk tonnes (repeated on each of its rows, like market_tonnes); monthly plans add a tonnes column
 * per period (the market's tonnes, on its first row), and with product forms a bagged-tonnes column
 * per period after them. Numbers rounded to 3 decimals; text through csvField
 * (spreadsheet formulas defused). Browser-safe, pure.
 */
import { csvLine, PROGRAM_CSV, type CsvStyle } from './csv.ts';
import type { Plan } from './plan-schema.ts';

/** The columns every allocation CSV starts with (product-form and period columns may follow). */
export const ALLOCATION_COLUMNS = [
  'market_id',
  'market',
  'country',
  'domestic',
  'route',
  'modes',
  'route_tonnes',
  'market_tonnes',
  'demand_tonnes',
  'share_of_demand',
  'price_usd_per_t',
  'duty_usd_per_t',
  'logistics_usd_per_t',
  'netback_usd_per_t',
] as const;

/** The columns plans with product forms add after ALLOCATION_COLUMNS: the market's tonnes by form. */
export const PRODUCT_FORM_COLUMNS = ['bagged_tonnes', 'bulk_tonnes'] as const;

/** Whether the plan reports product forms (its markets carry bagged and bulk tonnes). */
export function planHasProductForms(plan: Plan): boolean {
  return plan.markets.some((m) => m.baggedTonnes !== undefined);
}

const round = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);

export function allocationCsv(plan: Plan, style: CsvStyle = PROGRAM_CSV): string {
  const periods = plan.horizon.periods;
  const perPeriod = periods.length > 1;
  const forms = planHasProductForms(plan);
  const header = [
    ...ALLOCATION_COLUMNS,
    ...(forms ? PRODUCT_FORM_COLUMNS : []),
    ...(perPeriod ? periods.map((p) => `tonnes_${p}`) : []),
    ...(perPeriod && forms ? periods.map((p) => `bagged_tonnes_${p}`) : []),
  ];
  const lines = [csvLine(header, style)];
  for (const m of plan.markets) {
    const routes = m.routes.length ? m.routes : [null];
    routes.forEach((route, i) => {
      lines.push(
        csvLine([
          m.id,
          m.name,
          m.country,
          m.domestic ? 'yes' : 'no',
          route ? route.path.join(' > ') : '',
          route ? route.modes.join('+') : '',
          round(route ? route.tonnes : 0),
          round(m.tonnes),
          round(m.demandTonnes),
          round(m.shareOfDemand),
          round(m.priceUsdPerTonne),
          round(m.dutyUsdPerTonne),
          round(m.logisticsCostUsdPerTonne),
          round(m.netbackUsdPerTonne),
          ...(forms ? [round(m.baggedTonnes ?? 0), round(m.bulkTonnes ?? 0)] : []),
          ...(perPeriod ? periods.map((_, p) => (i === 0 ? round(m.tonnesByPeriod[p] ?? 0) : '')) : []),
          ...(perPeriod && forms ? periods.map((_, p) => (i === 0 ? round(m.baggedTonnesByPeriod?.[p] ?? 0) : '')) : []),
        ], style),
      );
    });
  }
  return `${lines.join('\r\n')}\r\n`;
}
