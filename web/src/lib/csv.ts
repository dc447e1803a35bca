/**
 * Plan downloads built in the browser: the allocation CSV (the engine's, the same layout as the API's
 * stored-run CSV) and a GeoJSON of flows and markets. Pure.
 */
import type { Plan } from '../../../server/core/plan-schema.ts';

import { allocationCsv } from '../../../server/core/allocation-csv.ts';
import { COMMA_DECIMAL_CSV, csvField, PROGRAM_CSV } from '../../../server/core/csv.ts';

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

/** A number as the programs' CSV writes it (String(number)): unquoted, `.` as the decimal mark. */
const PROGRAM_NUMBER = /^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i;

/** The fields of an RFC 4180 text: rows of [text, quoted]. */
function parseCsv(text: string): { value: string; quoted: boolean }[][] {
  const rows: { value: string; quoted: boolean }[][] = [];
  let row: { value: string; quoted: boolean }[] = [];
  let i = 0;
  const body = text.replace(/(\r?\n)$/, '');
  if (body === '') return rows;
  while (i <= body.length) {
    let value = '';
    let quoted = false;
    if (body[i] === '"') {
      quoted = true;
      i++;
      while (i < body.length) {
        if (body[i] === '"' && body[i + 1] === '"') {
          value += '"';
          i += 2;
        } else if (body[i] === '"') {
          i++;
          break;
        } else value += body[i++];
      }
    }
    while (i < body.length && body[i] !== ',' && body[i] !== '\n' && body[i] !== '\r') value += body[i++];
    row.push({ value, quoted });
    if (body[i] === ',') i++;
    else {
      rows.push(row);
      row = [];
      if (body[i] === '\r') i++;
      if (body[i] === '\n') i++;
      if (i >= body.length) break;
    }
  }
  return rows;
}

/**
 * A job's CSV as the API gives it (programs' style: `,` and `.`) made ready for a spreadsheet in the
 * page's language, like the plan's CSV: a byte-order mark, and in Russian `;` between fields and `,`
 * as the decimal mark. Numbers keep their digits; text and empty lines stay as they are.
 */
export function jobCsvForSpreadsheet(apiCsv: string, language = 'en'): string {
  if (language !== 'ru') return UTF8_BOM + apiCsv;
  const lineBreak = apiCsv.includes('\r\n') ? '\r\n' : '\n';
  const lines = parseCsv(apiCsv).map((row) =>
    row.length === 1 && row[0]!.value === '' && !row[0]!.quoted
      ? ''
      : row.map((f) => (!f.quoted && PROGRAM_NUMBER.test(f.value) ? f.value.replace('.', ',') : csvField(f.value, COMMA_DECIMAL_CSV))).join(COMMA_DECIMAL_CSV.separator),
  );
  return `${UTF8_BOM}${lines.join(lineBreak)}${lineBreak}`;
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
  const slug = plan.scenarioName.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '-').slice(0, 40).replace(/^-+|-+$/g, '') || 'plan';
  return `caspian-plan-${slug}-${plan.inputsHash.slice(0, 8)}.${ext}`;
}
