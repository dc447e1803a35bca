/** Plan downloads built in the browser: an allocation CSV and a GeoJSON of flows and markets. Pure. */
import { csvField as field } from '../../../server/core/csv.ts';
import type { Plan } from '../../../server/core/plan-schema.ts';

/** One field of the page's CSV (server/core/csv.ts, formulas guarded); numbers rounded to 3 decimals. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'number' ? field(round(value)) : field(String(value));
}

const round = (v: number) => Math.round(v * 1000) / 1000;

export function toCsv(header: string[], rows: unknown[][]): string {
  return `${[header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}

/**
 * One row per market and route: where the cement goes, by which legs, and what it earns.
 * Period columns follow for monthly plans (market tonnes by period on the market's first row).
 */
export function planToAllocationCsv(plan: Plan): string {
  const periods = plan.horizon.periods;
  const perPeriod = periods.length > 1;
  const header = [
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
    ...(perPeriod ? periods.map((p) => `tonnes_${p}`) : []),
  ];
  const rows: unknown[][] = [];
  for (const m of plan.markets) {
    const routes = m.routes.length ? m.routes : [null];
    routes.forEach((route, i) => {
      rows.push([
        m.id,
        m.name,
        m.country,
        m.domestic ? 'yes' : 'no',
        route ? route.path.join(' > ') : '',
        route ? route.modes.join('+') : '',
        route ? route.tonnes : 0,
        m.tonnes,
        m.demandTonnes,
        m.shareOfDemand,
        m.priceUsdPerTonne,
        m.dutyUsdPerTonne,
        m.logisticsCostUsdPerTonne,
        m.netbackUsdPerTonne,
        ...(perPeriod ? periods.map((_, p) => (i === 0 ? (m.tonnesByPeriod[p] ?? 0) : '')) : []),
      ]);
    });
  }
  return toCsv(header, rows);
}

/** Flows (LineStrings) and markets (Points) in one FeatureCollection, [lng, lat] as GeoJSON wants. */
export function planToGeoJson(plan: Plan): { type: 'FeatureCollection'; features: unknown[] } {
  const markets = plan.markets.map((m) => ({
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [m.lng, m.lat] },
    properties: {
      kind: 'market',
      id: m.id,
      name: m.name,
      country: m.country,
      domestic: m.domestic,
      tonnes: m.tonnes,
      demandTonnes: m.demandTonnes,
      shareOfDemand: m.shareOfDemand,
      netbackUsdPerTonne: m.netbackUsdPerTonne,
      tonnesByPeriod: m.tonnesByPeriod,
    },
  }));
  const flows = plan.flows.features.map((f) => ({ ...f, properties: { kind: 'flow', ...f.properties } }));
  return { type: 'FeatureCollection', features: [...flows, ...markets] };
}

/** A file name for a plan's downloads: "caspian-plan-<scenario>-<hash8>.csv". */
export function downloadName(plan: Pick<Plan, 'scenarioName' | 'inputsHash'>, ext: 'csv' | 'geojson' | 'xlsx' | 'png'): string {
  const slug = plan.scenarioName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'plan';
  return `caspian-plan-${slug}-${plan.inputsHash.slice(0, 8)}.${ext}`;
}
