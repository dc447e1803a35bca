/**
 * The plan as an Excel workbook: KPIs, markets (with bagged and bulk tonnes where the plan has product
 * forms), routes, legs, nodes, tables per month (or per year in a multi-year plan), the comparison
 * (when one is on screen) and a sources sheet. Numbers stay numbers (tonnes and USD, unrounded), so a
 * planner can sum and chart them; sheet names, headers and words are in the page's language (it is a
 * file for people: the CSV keeps its English column names for programs), ids as the data gives them. Each sheet's header row is bold
 * and frozen, its columns as wide as their text (10 to 60 characters); written by lib/xlsx.ts.
 */
import { planHasProductForms } from '../../../server/core/allocation-csv.ts';
import type { Plan } from '../../../server/core/plan-schema.ts';
import { t } from '../i18n/index.ts';
import type { PlanDiff } from './diff.ts';
import { formatStyleOf } from './format.ts';
import { MODE_LABELS, type FlowMode } from './style.ts';
import { writeXlsx, type XlsxCell, type XlsxSheet, type XlsxWorkbook } from './xlsx.ts';

export interface WorkbookContext {
  source: 'server' | 'browser' | 'run';
  runId: string | null;
  /** The link that reopens this view. */
  link: string;
  compare?: { a: string; b: string; diff: PlanDiff } | null;
  now?: Date;
}

/** Units of the KPI sheet: tonnes, USD, a share 0..1, tonnes of CO2. */
type KpiUnit = 't' | 'USD' | 'fraction' | 't CO2';

/** The KPI sheet's rows: the figure, its name in the page's language, its unit; bagging and wagons where the plan has them. */
export const KPI_ROWS: [keyof NonNullable<Plan['kpis']>, () => string, KpiUnit][] = [
  ['productionTonnes', () => t('Production'), 't'],
  ['salesTonnes', () => t('Sales'), 't'],
  ['domesticTonnes', () => t('Domestic sales'), 't'],
  ['exportTonnes', () => t('Exports'), 't'],
  ['domesticShare', () => t('Domestic share'), 'fraction'],
  ['policyDomesticShare', () => t('Domestic-share rule'), 'fraction'],
  ['revenueUsd', () => t('Revenue'), 'USD'],
  ['dutyUsd', () => t('Duty and border costs'), 'USD'],
  ['freightUsd', () => t('Freight'), 'USD'],
  ['handlingUsd', () => t('Port and handling'), 'USD'],
  ['packingCostUsd', () => t('Bagging (part of logistics)'), 'USD'],
  ['wagonCostUsd', () => t('Wagons (part of logistics)'), 'USD'],
  ['logisticsCostUsd', () => t('Logistics cost'), 'USD'],
  ['productionCostUsd', () => t('Production cost'), 'USD'],
  ['holdingCostUsd', () => t('Stock holding'), 'USD'],
  ['carbonCostUsd', () => t('Carbon cost'), 'USD'],
  ['contractFixedCostUsd', () => t('Contract fixed costs'), 'USD'],
  ['marginUsd', () => t('Margin'), 'USD'],
  ['marginAfterFixedCostUsd', () => t('Margin after fixed cost'), 'USD'],
  ['co2Tonnes', () => t('CO₂'), 't CO2'],
  ['plantUtilisation', () => t('Plant utilisation'), 'fraction'],
];

const unitText = (unit: KpiUnit): string => (unit === 't' ? formatStyleOf('t') : unit === 't CO2' ? `${formatStyleOf('t')} CO₂` : unit === 'fraction' ? t('fraction') : 'USD');

function sheet(book: XlsxWorkbook, name: string, header: string[], rows: XlsxCell[][]): void {
  const columns = Math.max(header.length, ...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, i) => {
    const longest = Math.max(header[i]?.length ?? 8, ...rows.slice(0, 200).map((r) => String(r[i] ?? '').length));
    return Math.min(60, Math.max(10, longest + 2));
  });
  book.sheets.push({ name, header, rows, widths } satisfies XlsxSheet);
}

/** The workbook's sheets, as data: names, headers and words in the page's language, figures as numbers. */
export function planWorkbook(plan: Plan, ctx: WorkbookContext): XlsxWorkbook {
  const wb: XlsxWorkbook = { creator: 'Caspian export optimiser', created: ctx.now ?? new Date(), sheets: [] };
  const k = plan.kpis;
  const perTonne = (what: string) => `${what}, ${formatStyleOf('perTonne')}`;
  const tonnes = (what: string) => `${what}, ${formatStyleOf('t')}`;
  sheet(
    wb,
    t('KPIs'),
    [t('Figure'), t('Value'), t('Unit')],
    k ? KPI_ROWS.filter(([key]) => k[key] !== undefined).map(([key, label, unit]) => [label(), (k[key] as number) ?? null, unitText(unit)]) : [[t('Status'), t(plan.status), '']],
  );
  // Bagged and bulk tonnes, as the plan's CSV has them, where the plan reports product forms.
  const forms = planHasProductForms(plan);
  sheet(
    wb,
    t('Markets'),
    [
      t('Market id'),
      t('Market'),
      t('Country'),
      t('Domestic'),
      t('Tonnes'),
      ...(forms ? [tonnes(t('Bagged')), tonnes(t('Bulk'))] : []),
      tonnes(t('Demand')),
      t('Share of demand'),
      perTonne(t('Price')),
      perTonne(t('Duty')),
      perTonne(t('Logistics')),
      perTonne(t('Netback')),
    ],
    plan.markets.map((m) => [
      m.id,
      m.name,
      m.country,
      m.domestic,
      m.tonnes,
      ...(forms ? [m.baggedTonnes ?? 0, m.bulkTonnes ?? 0] : []),
      m.demandTonnes,
      m.shareOfDemand,
      m.priceUsdPerTonne,
      m.dutyUsdPerTonne,
      m.logisticsCostUsdPerTonne,
      m.netbackUsdPerTonne,
    ]),
  );
  sheet(
    wb,
    t('Routes'),
    [t('Market id'), t('Market'), t('Route'), t('Modes'), t('Tonnes'), t('Distance, km'), perTonne(t('Logistics'))],
    plan.markets.flatMap((m) => m.routes.map((r) => [m.id, m.name, r.path.join(' → '), r.modes.map(modeName).join(', '), r.tonnes, r.distanceKm, r.logisticsCostUsdPerTonne])),
  );
  sheet(
    wb,
    t('Legs'),
    [t('Leg id'), t('Leg'), t('Mode'), t('Tonnes'), tonnes(t('Capacity')), t('Utilisation'), t('Closed periods')],
    plan.legs.map((l) => [l.id, l.name, l.mode ? modeName(l.mode) : '', l.tonnes, l.capacityTonnes, l.utilisation, l.closedPeriods.map((p) => plan.horizon.periods[p] ?? p).join(', ')]),
  );
  sheet(
    wb,
    t('Nodes'),
    [t('Node id'), t('Node'), t('Kind'), t('Tonnes'), tonnes(t('Capacity or output')), t('Utilisation')],
    [...plan.plants, ...plan.nodes].map((n) => [n.id, n.name, kindName(n.kind), n.tonnes, n.capacityTonnes, n.utilisation]),
  );
  if (plan.horizon.periods.length > 1) {
    const periods = plan.horizon.periods;
    // A multi-year plan's periods are years, not months.
    const years = plan.horizon.kind === 'multi-year';
    sheet(wb, years ? t('Markets by year') : t('Monthly markets'), [t('Market id'), t('Market'), ...periods], plan.markets.map((m) => [m.id, m.name, ...periods.map((_, i) => m.tonnesByPeriod[i] ?? 0)]));
    if (forms)
      sheet(
        wb,
        years ? t('Bagged by year') : t('Monthly bagged'),
        [t('Market id'), t('Market'), ...periods],
        plan.markets.map((m) => [m.id, m.name, ...periods.map((_, i) => m.baggedTonnesByPeriod?.[i] ?? 0)]),
      );
    sheet(wb, years ? t('Legs by year') : t('Monthly legs'), [t('Leg id'), t('Leg'), ...periods], plan.legs.map((l) => [l.id, l.name, ...periods.map((_, i) => l.tonnesByPeriod[i] ?? 0)]));
  }
  if (ctx.compare) {
    const d = ctx.compare.diff;
    sheet(
      wb,
      t('Comparison'),
      [t('Figure'), 'A', 'B', 'B − A'],
      d.kpis.map((row) => [row.label, row.a, row.b, row.delta]),
    );
  }
  sheet(
    wb,
    t('Sources'),
    [t('Item'), t('Value')],
    [
      [t('Scenario'), plan.scenarioName],
      [t('Status'), t(plan.status)],
      [t('Solved'), ctx.source === 'browser' ? t('in the browser (live what-if)') : ctx.source === 'run' ? t('stored run {id}', { id: ctx.runId ?? '' }) : t('on the server')],
      [t('Model version'), plan.modelVersion],
      [t('Inputs hash'), plan.inputsHash],
      [t('Horizon'), `${horizonName(plan.horizon.kind)}: ${plan.horizon.periods.join(', ')}`],
      [t('Plant phase'), plan.phase],
      [t('Solver'), JSON.stringify(plan.solver)],
      [t('Units'), t('money in USD; tonnes in metric tonnes; shares as fractions 0..1')],
      [t('Link'), ctx.link],
      [t('Written'), (ctx.now ?? new Date()).toISOString()],
      [t('Map data'), t('Natural Earth (countries), data/geo (Caspian Sea)')],
    ],
  );
  return wb;
}

/** A node's kind in the page's language; a kind the page does not know as given. */
function kindName(kind: string): string {
  const words: Record<string, string> = { plant: t('plant'), port: t('port'), border: t('border crossing'), rail: t('rail node') };
  return words[kind] ?? kind;
}

/** A horizon's kind in the page's language. */
function horizonName(kind: string): string {
  const words: Record<string, string> = { annual: t('annual'), monthly: t('monthly'), 'multi-year': t('multi-year') };
  return words[kind] ?? kind;
}

/** A mode in the page's language ("rail" → "Rail" / "Ж/д"); anything else as given. */
function modeName(mode: string): string {
  return mode in MODE_LABELS ? t(MODE_LABELS[mode as FlowMode]) : mode;
}

/** The plan's workbook as the bytes of an .xlsx file. */
export function planWorkbookXlsx(plan: Plan, ctx: WorkbookContext): Uint8Array<ArrayBuffer> {
  return writeXlsx(planWorkbook(plan, ctx));
}
