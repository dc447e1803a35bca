/**
 * The plan as an Excel workbook: KPIs, markets, routes, legs, nodes, monthly tables, the comparison
 * (when one is on screen) and a sources sheet. Numbers stay numbers (tonnes and USD, unrounded), so a
 * planner can sum and chart them; headers are in English like the CSV. Each sheet's header row is bold
 * and frozen, its columns as wide as their text (10 to 60 characters); written by lib/xlsx.ts.
 */
import type { Plan } from '../../../server/core/plan-schema.ts';
import type { PlanDiff } from './diff.ts';
import { writeXlsx, type XlsxCell, type XlsxSheet, type XlsxWorkbook } from './xlsx.ts';

export interface WorkbookContext {
  source: 'server' | 'browser' | 'run';
  runId: string | null;
  /** The link that reopens this view. */
  link: string;
  compare?: { a: string; b: string; diff: PlanDiff } | null;
  now?: Date;
}

export const KPI_ROWS: [keyof NonNullable<Plan['kpis']>, string, string][] = [
  ['productionTonnes', 'Production', 't'],
  ['salesTonnes', 'Sales', 't'],
  ['domesticTonnes', 'Domestic sales', 't'],
  ['exportTonnes', 'Exports', 't'],
  ['domesticShare', 'Domestic share', 'fraction'],
  ['policyDomesticShare', 'Domestic-share rule', 'fraction'],
  ['revenueUsd', 'Revenue', 'USD'],
  ['dutyUsd', 'Duty and border costs', 'USD'],
  ['freightUsd', 'Freight', 'USD'],
  ['handlingUsd', 'Port and handling', 'USD'],
  ['logisticsCostUsd', 'Logistics cost', 'USD'],
  ['productionCostUsd', 'Production cost', 'USD'],
  ['holdingCostUsd', 'Stock holding', 'USD'],
  ['carbonCostUsd', 'Carbon cost', 'USD'],
  ['contractFixedCostUsd', 'Contract fixed costs', 'USD'],
  ['marginUsd', 'Margin', 'USD'],
  ['marginAfterFixedCostUsd', 'Margin after fixed cost', 'USD'],
  ['co2Tonnes', 'CO2', 't CO2'],
  ['plantUtilisation', 'Plant utilisation', 'fraction'],
];

function sheet(book: XlsxWorkbook, name: string, header: string[], rows: XlsxCell[][]): void {
  const columns = Math.max(header.length, ...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, i) => {
    const longest = Math.max(header[i]?.length ?? 8, ...rows.slice(0, 200).map((r) => String(r[i] ?? '').length));
    return Math.min(60, Math.max(10, longest + 2));
  });
  book.sheets.push({ name, header, rows, widths } satisfies XlsxSheet);
}

/** The workbook's sheets, as data. */
export function planWorkbook(plan: Plan, ctx: WorkbookContext): XlsxWorkbook {
  const wb: XlsxWorkbook = { creator: 'Caspian export optimiser', created: ctx.now ?? new Date(), sheets: [] };
  const k = plan.kpis;
  sheet(wb, 'KPIs', ['Figure', 'Value', 'Unit'], k ? KPI_ROWS.map(([key, label, unit]) => [label, (k[key] as number) ?? null, unit]) : [['Status', plan.status, '']]);
  sheet(
    wb,
    'Markets',
    ['Market id', 'Market', 'Country', 'Domestic', 'Tonnes', 'Demand tonnes', 'Share of demand', 'Price USD/t', 'Duty USD/t', 'Logistics USD/t', 'Netback USD/t'],
    plan.markets.map((m) => [m.id, m.name, m.country, m.domestic, m.tonnes, m.demandTonnes, m.shareOfDemand, m.priceUsdPerTonne, m.dutyUsdPerTonne, m.logisticsCostUsdPerTonne, m.netbackUsdPerTonne]),
  );
  sheet(
    wb,
    'Routes',
    ['Market id', 'Market', 'Route', 'Modes', 'Tonnes', 'Distance km', 'Logistics USD/t'],
    plan.markets.flatMap((m) => m.routes.map((r) => [m.id, m.name, r.path.join(' → '), r.modes.join(', '), r.tonnes, r.distanceKm, r.logisticsCostUsdPerTonne])),
  );
  sheet(
    wb,
    'Legs',
    ['Leg id', 'Leg', 'Mode', 'Tonnes', 'Capacity tonnes', 'Utilisation', 'Closed periods'],
    plan.legs.map((l) => [l.id, l.name, l.mode ?? '', l.tonnes, l.capacityTonnes, l.utilisation, l.closedPeriods.map((p) => plan.horizon.periods[p] ?? p).join(', ')]),
  );
  sheet(
    wb,
    'Nodes',
    ['Node id', 'Node', 'Kind', 'Tonnes', 'Capacity tonnes', 'Utilisation'],
    [...plan.plants, ...plan.nodes].map((n) => [n.id, n.name, n.kind, n.tonnes, n.capacityTonnes, n.utilisation]),
  );
  if (plan.horizon.periods.length > 1) {
    const periods = plan.horizon.periods;
    sheet(wb, 'Monthly markets', ['Market id', 'Market', ...periods], plan.markets.map((m) => [m.id, m.name, ...periods.map((_, i) => m.tonnesByPeriod[i] ?? 0)]));
    sheet(wb, 'Monthly legs', ['Leg id', 'Leg', ...periods], plan.legs.map((l) => [l.id, l.name, ...periods.map((_, i) => l.tonnesByPeriod[i] ?? 0)]));
  }
  if (ctx.compare) {
    const d = ctx.compare.diff;
    sheet(
      wb,
      'Comparison',
      ['Figure', 'A', 'B', 'B − A'],
      d.kpis.map((row) => [row.label, row.a, row.b, row.delta]),
    );
  }
  sheet(
    wb,
    'Sources',
    ['Item', 'Value'],
    [
      ['Scenario', plan.scenarioName],
      ['Status', plan.status],
      ['Solved', ctx.source === 'browser' ? 'in the browser (live what-if)' : ctx.source === 'run' ? `stored run ${ctx.runId}` : 'on the server'],
      ['Model version', plan.modelVersion],
      ['Inputs hash', plan.inputsHash],
      ['Horizon', `${plan.horizon.kind}: ${plan.horizon.periods.join(', ')}`],
      ['Phase', plan.phase],
      ['Solver', JSON.stringify(plan.solver)],
      ['Money', 'USD; tonnes in metric tonnes; shares as fractions'],
      ['Link', ctx.link],
      ['Written', (ctx.now ?? new Date()).toISOString()],
      ['Map data', 'Natural Earth (countries), data/geo (Caspian Sea)'],
    ],
  );
  return wb;
}

/** The plan's workbook as the bytes of an .xlsx file. */
export function planWorkbookXlsx(plan: Plan, ctx: WorkbookContext): Uint8Array<ArrayBuffer> {
  return writeXlsx(planWorkbook(plan, ctx));
}
