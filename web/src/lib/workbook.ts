/**
 * The plan as an Excel workbook: KPIs, markets (with bagged and bulk tonnes where the plan has product
 * forms), routes, legs, nodes, tables per month (or per year in a multi-year plan), the comparison
 * (when one is on screen) and a sources sheet. A market-clearing plan adds its clearing report: our
 * margin at clearing prices (and its interval), welfare and tonnes bought on the KPI sheet, then the
 * clearing markets, competitors, competitors by market and demand blocks, and per month or year the
 * clearing prices (and the periods whose price is an interval), tonnes bought, competitors' tonnes
 * and their delivered offers. Numbers stay numbers (tonnes and USD, unrounded), so a
 * planner can sum and chart them; sheet names, headers and words are in the page's language (it is a
 * file for people: the CSV keeps its English column names for programs), ids as the data gives them. Each sheet's header row is bold
 * and frozen, its columns as wide as their text (10 to 60 characters); written by lib/xlsx.ts.
 */
import { planHasProductForms } from '../../../server/core/allocation-csv.ts';
import type { Plan, PriceRange } from '../../../server/core/plan-schema.ts';
import { t } from '../i18n/index.ts';
import { isClearingPlan, priceSetterName, type ClearingPlan } from './clearing.ts';
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
    k
      ? [
          ...KPI_ROWS.filter(([key]) => k[key] !== undefined).map(([key, label, unit]): XlsxCell[] => [label(), (k[key] as number) ?? null, unitText(unit)]),
          ...(isClearingPlan(plan) ? clearingKpiRows(plan) : []),
        ]
      : [[t('Status'), t(plan.status), '']],
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
  if (isClearingPlan(plan)) clearingSheets(wb, plan);
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
      ...(isClearingPlan(plan) ? [[t('Market mode'), t('market clearing')]] : []),
      [t('Solver'), JSON.stringify(plan.solver)],
      [t('Units'), t('money in USD; tonnes in metric tonnes; shares as fractions 0..1')],
      [t('Link'), ctx.link],
      [t('Written'), (ctx.now ?? new Date()).toISOString()],
      [t('Map data'), t('Natural Earth (countries), data/geo (Caspian Sea)')],
    ],
  );
  return wb;
}

/** The tonnes a clearing market buys in one period (its demand blocks' bought tonnes). */
const boughtInPeriod = (m: ClearingPlan['clearing']['markets'][number], p: number) => m.blocks.reduce((s, b) => s + (b.boughtTonnesByPeriod[p] ?? 0), 0);

/** Competitors' tonnes in a clearing market: what its suppliers other than us sell there. */
const competitorTonnesIn = (m: ClearingPlan['clearing']['markets'][number]) => m.suppliers.reduce((s, x) => s + (x.ours ? 0 : x.tonnes), 0);

/** An interval's upper end: a number, or words where nothing bounds it. */
const highEnd = (r: PriceRange): XlsxCell => r.high ?? t('no upper end');

/**
 * The KPI sheet's rows of a clearing plan: our margin at clearing prices (with its interval over
 * every equilibrium where a price we sell at is not unique), the market's welfare, tonnes bought in
 * all clearing markets and competitors' tonnes.
 */
function clearingKpiRows(plan: ClearingPlan): XlsxCell[][] {
  const c = plan.clearing;
  const range = c.ourMarginRangeUsd;
  return [
    [t('Our margin at clearing prices'), c.ourMarginUsd, 'USD'],
    ...(range
      ? [
          [t('Our margin at clearing prices, lowest (all equilibria)'), range.low, 'USD'],
          [t('Our margin at clearing prices, highest (all equilibria)'), highEnd(range), 'USD'],
        ]
      : []),
    [t('Welfare'), c.welfareUsd, 'USD'],
    [t('Bought in all clearing markets'), c.markets.reduce((s, m) => s + m.boughtTonnes, 0), formatStyleOf('t')],
    [t("Competitors' tonnes"), c.competitors.reduce((s, x) => s + x.tonnes, 0), formatStyleOf('t')],
  ];
}

/**
 * A clearing plan's sheets: the clearing markets (price and its interval where the equilibrium does
 * not fix it, tonnes bought, ours and competitors', who sets the price), the competitors, what each
 * sells in each market and at what delivered offer, the demand blocks, and per month or year the
 * prices, price intervals, tonnes bought, competitors' tonnes and offers.
 */
function clearingSheets(wb: XlsxWorkbook, plan: ClearingPlan): void {
  const c = plan.clearing;
  const perTonne = (what: string) => `${what}, ${formatStyleOf('perTonne')}`;
  const tonnes = (what: string) => `${what}, ${formatStyleOf('t')}`;
  const periods = plan.horizon.periods;
  const multi = periods.length > 1;
  const years = plan.horizon.kind === 'multi-year';
  const marketName = new Map(c.markets.map((m) => [m.id, m.name]));
  const price = new Map(c.markets.map((m) => [m.id, m]));
  sheet(
    wb,
    t('Clearing markets'),
    [
      t('Market id'),
      t('Market'),
      t('Country'),
      t('Domestic'),
      perTonne(t('Clearing price')),
      perTonne(t('Clearing price, lowest')),
      perTonne(t('Clearing price, highest')),
      tonnes(t('Consumption listed')),
      tonnes(t('Bought')),
      tonnes(t('Our tonnes')),
      tonnes(t("Competitors' tonnes")),
      t('Our share'),
      tonnes(t('Our tonnes, lowest')),
      tonnes(t('Our tonnes, highest')),
      t('Price set by'),
      perTonne(t('Offer or value that sets the price')),
    ],
    c.markets.map((m) => {
      const range = m.priceRangeUsdPerTonne;
      const setter = m.marginalSupplier;
      return [
        m.id,
        m.name,
        m.country,
        m.domestic,
        m.priceUsdPerTonne,
        range ? range.low : null,
        range ? highEnd(range) : null,
        m.consumptionTonnes,
        m.boughtTonnes,
        m.ourTonnes,
        competitorTonnesIn(m),
        m.ourShare,
        m.ourTonnesRange ? m.ourTonnesRange.min : null,
        m.ourTonnesRange ? m.ourTonnesRange.max : null,
        // Where any price in the interval clears the market, no one sets it (as the map's popup says).
        range ? t('no one: any price in the range clears the market') : setter ? priceSetterName(setter) : '—',
        range ? null : (setter?.costUsdPerTonne ?? null),
      ];
    }),
  );
  sheet(
    wb,
    t('Competitors'),
    [
      t('Supplier id'),
      t('Supplier'),
      t('Owner'),
      t('Kind'),
      t('Country'),
      tonnes(t('Output capacity')),
      tonnes(t('Sold')),
      t('Capacity use'),
      perTonne(t('Cash cost')),
      perTonne(t('Mark-up over cash cost')),
      perTonne(t('Capacity rent')),
    ],
    c.competitors.map((x) => [
      x.id,
      x.name,
      x.owner,
      kindName(x.kind),
      x.country,
      x.capacityTonnesByPeriod.reduce((s, v) => s + v, 0),
      x.tonnes,
      x.utilisation,
      x.cashCostUsdPerTonne,
      x.markupUsdPerTonne,
      x.rentUsdPerTonne,
    ]),
  );
  // One row per competitor and market it can reach; a one-period plan's delivered offer beside the
  // clearing price (a multi-period plan's offers are in the per-period sheet).
  const routeCapacity = (caps: (number | null)[]) => (caps.some((v) => v === null) ? null : (caps as number[]).reduce((s, v) => s + v, 0));
  sheet(
    wb,
    t('Competitors by market'),
    [
      t('Supplier id'),
      t('Supplier'),
      t('Market id'),
      t('Market'),
      tonnes(t('Sold')),
      ...(multi ? [] : [perTonne(t('Delivered offer')), perTonne(t('Clearing price'))]),
      `${tonnes(t('Route capacity'))} (${t('blank: unlimited')})`,
    ],
    c.competitors.flatMap((x) =>
      x.markets.map((r) => [
        x.id,
        x.name,
        r.market,
        marketName.get(r.market) ?? r.market,
        r.tonnes,
        ...(multi ? [] : [r.deliveredCostUsdPerTonneByPeriod[0] ?? null, price.get(r.market)?.priceUsdPerTonne ?? null]),
        routeCapacity(r.routeCapacityTonnesByPeriod),
      ]),
    ),
  );
  // What each market's buyers would pay for each block of demand, and what they bought.
  sheet(
    wb,
    t('Demand blocks'),
    [t('Market id'), t('Market'), t('Block'), ...(multi ? [t('Period')] : []), perTonne(t('Value to buyers')), tonnes(t('Demand')), tonnes(t('Bought'))],
    c.markets.flatMap((m) =>
      m.blocks.flatMap((b) =>
        periods.map((period, p) => [m.id, m.name, b.label, ...(multi ? [period] : []), b.valueUsdPerTonneByPeriod[p] ?? null, b.tonnesByPeriod[p] ?? 0, b.boughtTonnesByPeriod[p] ?? 0]),
      ),
    ),
  );
  if (!multi) return;
  const byPeriod = (unit: string) => periods.map((p) => `${p}, ${unit}`);
  sheet(
    wb,
    years ? t('Clearing prices by year') : t('Monthly clearing prices'),
    [t('Market id'), t('Market'), ...byPeriod(formatStyleOf('perTonne'))],
    c.markets.map((m) => [m.id, m.name, ...periods.map((_, i) => m.priceUsdPerTonneByPeriod[i] ?? null)]),
  );
  const ranges = c.markets.flatMap((m) => m.priceRangeUsdPerTonneByPeriod.flatMap((r, i) => (r ? [[m.id, m.name, periods[i] ?? String(i), m.priceUsdPerTonneByPeriod[i] ?? null, r.low, highEnd(r)]] : [])));
  if (ranges.length)
    sheet(
      wb,
      years ? t('Price ranges by year') : t('Monthly price ranges'),
      [t('Market id'), t('Market'), t('Period'), perTonne(t('Clearing price')), perTonne(t('Clearing price, lowest')), perTonne(t('Clearing price, highest'))],
      ranges,
    );
  sheet(
    wb,
    years ? t('Bought by year') : t('Monthly bought'),
    [t('Market id'), t('Market'), ...byPeriod(formatStyleOf('t'))],
    c.markets.map((m) => [m.id, m.name, ...periods.map((_, i) => boughtInPeriod(m, i))]),
  );
  sheet(
    wb,
    years ? t('Competitors by year') : t('Monthly competitors'),
    [t('Supplier id'), t('Supplier'), ...byPeriod(formatStyleOf('t'))],
    c.competitors.map((x) => [x.id, x.name, ...periods.map((_, i) => x.tonnesByPeriod[i] ?? 0)]),
  );
  sheet(
    wb,
    years ? t('Offers by year') : t('Monthly offers'),
    [t('Supplier id'), t('Supplier'), t('Market id'), t('Market'), ...byPeriod(formatStyleOf('perTonne'))],
    c.competitors.flatMap((x) => x.markets.map((r) => [x.id, x.name, r.market, marketName.get(r.market) ?? r.market, ...periods.map((_, i) => r.deliveredCostUsdPerTonneByPeriod[i] ?? null)])),
  );
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
