/**
 * A plan's allocation as CSV, the one layout of the page's download and the API's
 * `GET /runs/:id/allocation.csv`: one row per market and route — where the cement goes, by which
 * legs, and what it earns (USD per tonne); monthly plans add a tonnes column per period (the
 * market's tonnes, on its first row). Numbers rounded to 3 decimals; text through csvField
 * (spreadsheet formulas defused). Browser-safe, pure.
 */
import { csvLine } from './csv.ts';
import type { Plan } from './plan-schema.ts';

/** The columns every allocation CSV starts with (period columns follow for monthly plans). */
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

const round = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);

export function allocationCsv(plan: Plan): string {
  const periods = plan.horizon.periods;
  const perPeriod = periods.length > 1;
  const header = [...ALLOCATION_COLUMNS, ...(perPeriod ? periods.map((p) => `tonnes_${p}`) : [])];
  const lines = [csvLine(header)];
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
          ...(perPeriod ? periods.map((_, p) => (i === 0 ? round(m.tonnesByPeriod[p] ?? 0) : '')) : []),
        ]),
      );
    });
  }
  return `${lines.join('\r\n')}\r\n`;
}
