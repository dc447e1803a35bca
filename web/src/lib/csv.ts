/**
 * Plan downloads built in the browser: the allocation CSV (the engine's, the same layout as the API's
 * stored-run CSV) and a GeoJSON of flows and markets. Pure.
 */
import type { Plan } from '../../../server/core/plan-schema.ts';

export { allocationCsv as planToAllocationCsv } from '../../../server/core/allocation-csv.ts';

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
