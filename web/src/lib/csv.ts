/**
 * Plan downloads built in the browser: the allocation CSV (the engine's, the same layout as the API's
 * stored-run CSV) and a GeoJSON of flows and markets. Pure.
 */
import type { Plan } from '../../../server/core/plan-schema.ts';

import { allocationCsv } from '../../../server/core/allocation-csv.ts';
import { COMMA_DECIMAL_CSV, PROGRAM_CSV } from '../../../server/core/csv.ts';

/** UTF-8's byte-order mark: without it Excel reads a CSV in the system's code page (Windows-1251 in Russia). */
export const UTF8_BOM = '\uFEFF';

/**
 * The allocation CSV for a spreadsheet in the page's language: the API's table with a byte-order
 * mark, and in Russian `;` between fields and `,` as the decimal mark (a Russian Excel's list
 * separator), so a double-click opens it in columns with numbers as numbers.
 */
export function planToAllocationCsv(plan: Plan, language = 'en'): string {
  return UTF8_BOM + allocationCsv(plan, language === 'ru' ? COMMA_DECIMAL_CSV : PROGRAM_CSV);
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
  // Letters of any script stay: "Фаза 2 базовый" is "фаза-2-базовый", not "2".
  const slug = plan.scenarioName.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '').slice(0, 40) || 'plan';
  return `caspian-plan-${slug}-${plan.inputsHash.slice(0, 8)}.${ext}`;
}
