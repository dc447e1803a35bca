/**
 * The plan as an Excel workbook (exceljs): KPIs, markets, routes, legs, nodes, monthly tables, the
 * comparison (when one is on screen) and a sources sheet. Numbers stay numbers (tonnes and USD,
 * unrounded), so a planner can sum and chart them; headers are in English like the CSV.
 * The ExcelJS module is passed in: the page loads it only when the button is pressed.
 */
import type { Plan } from '../../../server/core/plan-schema.ts';
import type { PlanDiff } from './diff.ts';

type ExcelJSModule = typeof import('exceljs');
type Workbook = import('exceljs').Workbook;

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

function sheet(wb: Workbook, name: string, header: string[], rows: (string | number | boolean | null)[][]): void {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.addRow(header).font = { bold: true };
  for (const row of rows) ws.addRow(row);
  ws.columns.forEach((col, i) => {
    const longest = Math.max(header[i]?.length ?? 8, ...rows.slice(0, 200).map((r) => String(r[i] ?? '').length));
    col.width = Math.min(60, Math.max(10, longest + 2));
  });
}

export function buildPlanWorkbook(ExcelJS: ExcelJSModule, plan: Plan, ctx: WorkbookContext): Workbook {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Caspian export optimiser';
  wb.created = ctx.now ?? new Date();
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
