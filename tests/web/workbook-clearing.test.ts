/**
 * The page's plan workbook of a market-clearing plan (web/src/lib/workbook.ts), from real plans of the
 * shipped clearing scenarios, written to .xlsx and read back with exceljs: the clearing markets (price
 * and its interval where the equilibrium does not fix it, tonnes bought, ours, competitors', who sets
 * the price), the competitors, what each sells in each market, the demand blocks, our margin at
 * clearing prices (and its interval) on the KPI sheet, and per year or month the prices, intervals,
 * tonnes bought, competitors' tonnes and offers; every figure against the plan, in English and
 * Russian. A price-taker plan's workbook is the one it always was.
 */
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../server/core/plan-schema.ts';
import { Scenario, type ScenarioInput } from '../../server/core/schema.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { optimise } from '../../server/optimise.ts';
import { setLocale } from '../../web/src/i18n/index.ts';
import { isClearingPlan, type ClearingPlan } from '../../web/src/lib/clearing.ts';
import { KPI_ROWS, planWorkbook, planWorkbookXlsx, type WorkbookContext } from '../../web/src/lib/workbook.ts';

const dir = new URL('../../data/scenarios/', import.meta.url);
const shipped = (file: string) => JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as ScenarioInput;
const network = loadDefaultNetwork();
const ctx: WorkbookContext = { source: 'server', runId: null, link: 'http://localhost/', now: new Date('2026-12-01T09:00:00Z') };

async function plan(file: string, horizon?: ScenarioInput['horizon'], ranges = true): Promise<ClearingPlan> {
  const input = shipped(file);
  const p = await optimise(Scenario.parse(horizon ? { ...input, horizon } : input), network, { inProcess: true, ranges, competitorImpact: false });
  expect(p.status).toBe('optimal');
  if (!isClearingPlan(p)) throw new Error(`${file}: not a clearing plan`);
  return p;
}

async function read(p: Plan): Promise<ExcelJS.Workbook> {
  const bytes = planWorkbookXlsx(p, ctx);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  return wb;
}

/** A sheet as a planner reads it: the header row, then each row as { header: value }. */
function table(wb: ExcelJS.Workbook, name: string): { header: string[]; rows: Record<string, unknown>[] } {
  const ws = wb.getWorksheet(name);
  if (!ws) throw new Error(`no sheet ${name} in ${wb.worksheets.map((w) => w.name).join(', ')}`);
  const header: string[] = [];
  ws.getRow(1).eachCell((cell, c) => {
    header[c - 1] = String(cell.value);
  });
  const rows: Record<string, unknown>[] = [];
  ws.eachRow((row, n) => {
    if (n === 1) return;
    rows.push(Object.fromEntries(header.map((h, i) => [h, row.getCell(i + 1).value ?? null])));
  });
  return { header, rows };
}

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
const kpi = (wb: ExcelJS.Workbook, label: string) => table(wb, 'KPIs').rows.find((r) => r.Figure === label);

/** Every clearing market and competitor of the plan, figure by figure, on the English sheets; totals against the KPIs. */
function checkAgainstPlan(wb: ExcelJS.Workbook, p: ClearingPlan): void {
  const c = p.clearing;
  const markets = table(wb, 'Clearing markets');
  expect(markets.header).toEqual([
    'Market id',
    'Market',
    'Country',
    'Domestic',
    'Clearing price, USD/t',
    'Clearing price, lowest, USD/t',
    'Clearing price, highest, USD/t',
    'Consumption listed, t',
    'Bought, t',
    'Our tonnes, t',
    "Competitors' tonnes, t",
    'Our share',
    'Our tonnes, lowest, t',
    'Our tonnes, highest, t',
    'Price set by',
    'Offer or value that sets the price, USD/t',
  ]);
  expect(markets.rows.map((r) => r['Market id'])).toEqual(c.markets.map((m) => m.id));
  const competitorName = new Map(c.competitors.map((x) => [x.id, x.name]));
  for (const [i, m] of c.markets.entries()) {
    const r = markets.rows[i]!;
    const theirs = sum(m.suppliers.filter((s) => !s.ours).map((s) => s.tonnes));
    expect(r, m.id).toMatchObject({
      Market: m.name,
      Country: m.country,
      Domestic: m.domestic,
      'Clearing price, USD/t': m.priceUsdPerTonne,
      'Clearing price, lowest, USD/t': m.priceRangeUsdPerTonne?.low ?? null,
      'Clearing price, highest, USD/t': m.priceRangeUsdPerTonne ? (m.priceRangeUsdPerTonne.high ?? 'no upper end') : null,
      'Consumption listed, t': m.consumptionTonnes,
      'Bought, t': m.boughtTonnes,
      'Our tonnes, t': m.ourTonnes,
      "Competitors' tonnes, t": theirs,
      'Our share': m.ourShare,
      'Our tonnes, lowest, t': m.ourTonnesRange?.min ?? null,
      'Our tonnes, highest, t': m.ourTonnesRange?.max ?? null,
    });
    // What is bought is ours plus the competitors'.
    expect(Math.abs((r['Our tonnes, t'] as number) + (r["Competitors' tonnes, t"] as number) - m.boughtTonnes), m.id).toBeLessThan(1e-3);
    const setter = m.marginalSupplier;
    if (m.priceRangeUsdPerTonne) {
      // A price the equilibrium does not fix is set by no one, and no offer is its source.
      expect(r['Price set by'], m.id).toBe('no one: any price in the range clears the market');
      expect(r['Offer or value that sets the price, USD/t'], m.id).toBeNull();
    } else {
      expect(r['Offer or value that sets the price, USD/t'], m.id).toBe(setter?.costUsdPerTonne ?? null);
      if (setter?.kind === 'competitor') expect(r['Price set by'], m.id).toBe(competitorName.get(setter.id!));
      if (setter?.kind === 'ours') expect(r['Price set by'], m.id).toBe(`our plant (${setter.plantNames})`);
      if (setter?.kind === 'demand') expect(r['Price set by'], m.id).toBe(`the market's own demand (${setter.blockLabel})`);
    }
  }
  const col = (name: string) => markets.rows.map((r) => r[name] as number);
  // Our tonnes over the markets are the plan's sales; competitors' over the markets are what the competitors sell.
  expect(Math.abs(sum(col('Our tonnes, t')) - p.kpis!.salesTonnes)).toBeLessThan(1e-3);
  expect(Math.abs(sum(col("Competitors' tonnes, t")) - sum(c.competitors.map((x) => x.tonnes)))).toBeLessThan(1e-3);

  // The KPI sheet: the price-taker rows as they were, then the clearing report's figures.
  const kpis = table(wb, 'KPIs').rows;
  const base = KPI_ROWS.filter(([key]) => p.kpis![key] !== undefined);
  expect(kpis.slice(0, base.length).map((r) => r.Value)).toEqual(base.map(([key]) => p.kpis![key]));
  expect(kpi(wb, 'Our margin at clearing prices')).toEqual({ Figure: 'Our margin at clearing prices', Value: p.kpis!.marginUsd, Unit: 'USD' });
  expect(c.ourMarginUsd).toBe(p.kpis!.marginUsd);
  expect(kpi(wb, 'Welfare')?.Value).toBe(c.welfareUsd);
  expect(kpi(wb, 'Bought in all clearing markets')).toEqual({ Figure: 'Bought in all clearing markets', Value: sum(c.markets.map((m) => m.boughtTonnes)), Unit: 't' });
  expect(kpi(wb, "Competitors' tonnes")?.Value).toBe(sum(col("Competitors' tonnes, t")));
  const range = c.ourMarginRangeUsd;
  expect(kpi(wb, 'Our margin at clearing prices, lowest (all equilibria)')?.Value).toBe(range?.low);
  expect(kpi(wb, 'Our margin at clearing prices, highest (all equilibria)')?.Value).toBe(range ? (range.high ?? 'no upper end') : undefined);

  // Every competitor.
  const competitors = table(wb, 'Competitors');
  expect(competitors.header).toEqual(['Supplier id', 'Supplier', 'Owner', 'Kind', 'Country', 'Output capacity, t', 'Sold, t', 'Capacity use', 'Cash cost, USD/t', 'Mark-up over cash cost, USD/t', 'Capacity rent, USD/t']);
  expect(competitors.rows.map((r) => r['Supplier id'])).toEqual(c.competitors.map((x) => x.id));
  for (const [i, x] of c.competitors.entries()) {
    expect(competitors.rows[i], x.id).toMatchObject({
      Supplier: x.name,
      Owner: x.owner,
      Country: x.country,
      'Output capacity, t': sum(x.capacityTonnesByPeriod),
      'Sold, t': x.tonnes,
      'Capacity use': x.utilisation,
      'Cash cost, USD/t': x.cashCostUsdPerTonne,
      'Mark-up over cash cost, USD/t': x.markupUsdPerTonne,
      'Capacity rent, USD/t': x.rentUsdPerTonne,
    });
  }

  // What each competitor sells in each market it reaches: summing to its sales, and to each market's competitors' tonnes.
  const byMarket = table(wb, 'Competitors by market').rows;
  expect(byMarket).toHaveLength(sum(c.competitors.map((x) => x.markets.length)));
  for (const x of c.competitors) {
    const rows = byMarket.filter((r) => r['Supplier id'] === x.id);
    expect(rows.map((r) => [r['Market id'], r['Sold, t']])).toEqual(x.markets.map((m) => [m.market, m.tonnes]));
    expect(Math.abs(sum(rows.map((r) => r['Sold, t'] as number)) - x.tonnes), x.id).toBeLessThan(1e-3);
  }
  for (const m of c.markets) {
    const there = byMarket.filter((r) => r['Market id'] === m.id).map((r) => r['Sold, t'] as number);
    expect(Math.abs(sum(there) - sum(m.suppliers.filter((s) => !s.ours).map((s) => s.tonnes))), m.id).toBeLessThan(1e-3);
  }

  // Demand blocks: what was bought of each, summing to the market's tonnes bought.
  const blocks = table(wb, 'Demand blocks').rows;
  for (const m of c.markets) {
    const bought = blocks.filter((r) => r['Market id'] === m.id).map((r) => r['Bought, t'] as number);
    expect(bought).toHaveLength(m.blocks.length * p.horizon.periods.length);
    expect(Math.abs(sum(bought) - m.boughtTonnes), m.id).toBeLessThan(1e-3);
  }
}

describe('the workbook of a market-clearing plan', () => {
  let phase1: ClearingPlan;
  let entry: ClearingPlan;
  beforeAll(async () => {
    phase1 = await plan('clearing-phase1.json');
    entry = await plan('competitor-entry.json');
  }, 120_000);
  afterEach(() => {
    setLocale('en');
  });

  it('clearing-phase1: every clearing market and competitor as the plan has them, totals as its KPIs', async () => {
    const wb = await read(phase1);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['KPIs', 'Markets', 'Routes', 'Legs', 'Nodes', 'Clearing markets', 'Competitors', 'Competitors by market', 'Demand blocks', 'Sources']);
    checkAgainstPlan(wb, phase1);
    // One period: each offer beside the clearing price of its market.
    const price = new Map(phase1.clearing.markets.map((m) => [m.id, m.priceUsdPerTonne]));
    const offers = table(wb, 'Competitors by market').rows;
    for (const x of phase1.clearing.competitors)
      for (const m of x.markets) {
        const r = offers.find((o) => o['Supplier id'] === x.id && o['Market id'] === m.market)!;
        expect(r['Delivered offer, USD/t']).toBe(m.deliveredCostUsdPerTonneByPeriod[0]);
        expect(r['Clearing price, USD/t']).toBe(price.get(m.market));
        const cap = m.routeCapacityTonnesByPeriod[0];
        expect(r['Route capacity, t (blank: unlimited)']).toBe(cap ?? null);
      }
    // Every price is unique here: no interval, no margin interval.
    expect(phase1.clearing.ourMarginRangeUsd).toBeNull();
    expect(kpi(wb, 'Our margin at clearing prices, lowest (all equilibria)')).toBeUndefined();
    expect(table(wb, 'Sources').rows.find((r) => r.Item === 'Market mode')?.Value).toBe('market clearing');
  });

  it('competitor-entry: Astrakhan clears anywhere in an interval, set by no one; our margin is an interval too', async () => {
    const wb = await read(entry);
    checkAgainstPlan(wb, entry);
    const astrakhan = table(wb, 'Clearing markets').rows.find((r) => r['Market id'] === 'astrakhan')!;
    const range = entry.clearing.markets.find((m) => m.id === 'astrakhan')!.priceRangeUsdPerTonne!;
    expect(range).not.toBeNull();
    expect([astrakhan['Clearing price, lowest, USD/t'], astrakhan['Clearing price, highest, USD/t']]).toEqual([range.low, range.high]);
    const margin = entry.clearing.ourMarginRangeUsd!;
    expect(kpi(wb, 'Our margin at clearing prices, lowest (all equilibria)')?.Value).toBe(margin.low);
    expect(kpi(wb, 'Our margin at clearing prices, highest (all equilibria)')?.Value).toBe(margin.high);
  });

  it('an interval with no upper end (no seller could bring one more tonne) says so in words, in both languages', () => {
    const open = (r: { low: number; high: number | null } | null) => (r ? { ...r, high: null } : null);
    const p: ClearingPlan = {
      ...entry,
      clearing: {
        ...entry.clearing,
        ourMarginRangeUsd: open(entry.clearing.ourMarginRangeUsd),
        markets: entry.clearing.markets.map((m) => ({ ...m, priceRangeUsdPerTonne: open(m.priceRangeUsdPerTonne) })),
      },
    };
    const en = planWorkbook(p, ctx).sheets.find((x) => x.name === 'Clearing markets')!;
    expect(en.rows.find((r) => r[0] === 'astrakhan')![en.header.indexOf('Clearing price, highest, USD/t')]).toBe('no upper end');
    expect(planWorkbook(p, ctx).sheets[0]!.rows.find((r) => r[0] === 'Our margin at clearing prices, highest (all equilibria)')?.[1]).toBe('no upper end');
    setLocale('ru');
    const ru = planWorkbook(p, ctx);
    const markets = ru.sheets.find((x) => x.name === 'Равновесие рынков')!;
    expect(markets.rows.find((r) => r[0] === 'astrakhan')![markets.header.indexOf('Равновесная цена, максимум, USD/т')]).toBe('без верхней границы');
  });

  it('in Russian: the same figures under Russian sheet names, headers and words', async () => {
    setLocale('ru');
    const ru = await read(entry);
    setLocale('en');
    const en = await read(entry);
    expect(ru.worksheets.map((w) => w.name)).toEqual(['Показатели', 'Рынки', 'Маршруты', 'Участки', 'Узлы', 'Равновесие рынков', 'Конкуренты', 'Конкуренты по рынкам', 'Блоки спроса', 'Источники']);
    const markets = table(ru, 'Равновесие рынков');
    expect(markets.header).toEqual([
      'Код рынка',
      'Рынок',
      'Страна',
      'Внутренний рынок',
      'Равновесная цена, USD/т',
      'Равновесная цена, минимум, USD/т',
      'Равновесная цена, максимум, USD/т',
      'Заявленное потребление, т',
      'Куплено, т',
      'Наши тонны, т',
      'Объёмы конкурентов, т',
      'Наша доля',
      'Наши тонны, минимум, т',
      'Наши тонны, максимум, т',
      'Кто задаёт цену',
      'Предложение или ценность, задающие цену, USD/т',
    ]);
    expect(table(ru, 'Конкуренты').header).toEqual(['Код поставщика', 'Поставщик', 'Владелец', 'Тип', 'Страна', 'Мощность, т', 'Продано, т', 'Загрузка мощности', 'Денежные затраты, USD/т', 'Наценка к денежным затратам, USD/т', 'Рента мощности, USD/т']);
    expect(table(ru, 'Конкуренты').rows[0]!.Тип).toBe('завод');
    const astrakhan = markets.rows.find((r) => r['Код рынка'] === 'astrakhan')!;
    expect(astrakhan['Кто задаёт цену']).toBe('никто: рынок уравновешивает любая цена из диапазона');
    const setByUs = markets.rows.find((r) => r['Код рынка'] === entry.clearing.markets.find((m) => !m.priceRangeUsdPerTonne && m.marginalSupplier?.kind === 'ours')?.id);
    if (setByUs) expect(setByUs['Кто задаёт цену']).toMatch(/^наш завод \(/);
    const kpis = Object.fromEntries(table(ru, 'Показатели').rows.map((r) => [r.Показатель, [r.Значение, r.Единица]]));
    expect(kpis['Наша маржа по равновесным ценам']).toEqual([entry.kpis!.marginUsd, 'USD']);
    expect(kpis['Наша маржа по равновесным ценам, минимум (все равновесия)']).toEqual([entry.clearing.ourMarginRangeUsd!.low, 'USD']);
    expect(kpis['Куплено на всех рынках']?.[1]).toBe('т');
    expect(table(ru, 'Источники').rows.find((r) => r.Пункт === 'Модель рынка')?.Значение).toBe('равновесие рынка');
    // Every number is the English workbook's, cell for cell; no English word in a Russian sheet name or header.
    for (const [i, ws] of en.worksheets.entries()) {
      const other = ru.worksheets[i]!;
      ws.eachRow((row, n) =>
        row.eachCell((cell, c) => {
          if (typeof cell.value === 'number') expect(other.getRow(n).getCell(c).value, `${ws.name} ${n}:${c}`).toBe(cell.value);
        }),
      );
    }
    const words = ru.worksheets.flatMap((w) => [w.name, ...table(ru, w.name).header]).join(' ');
    expect(words).not.toMatch(/Clearing|Competitor|Supplier|Bought|Price|Offer|Block|Demand|Sold|Route|Our /);
  });

  it("a price-taker plan's workbook is as it was: the clearing plan without its clearing report loses exactly the clearing sheets and rows", () => {
    const withClearing = planWorkbook(phase1, ctx);
    const without = planWorkbook({ ...phase1, market: 'price-taker', clearing: null }, ctx);
    expect(without.sheets.map((s) => s.name)).toEqual(['KPIs', 'Markets', 'Routes', 'Legs', 'Nodes', 'Sources']);
    const added = ['Clearing markets', 'Competitors', 'Competitors by market', 'Demand blocks'];
    expect(withClearing.sheets.filter((s) => !added.includes(s.name)).map((s) => s.name)).toEqual(without.sheets.map((s) => s.name));
    for (const s of without.sheets) {
      const same = withClearing.sheets.find((x) => x.name === s.name)!;
      expect(same.header).toEqual(s.header);
      // The KPI sheet and the sources gain rows; every other sheet is the same.
      if (s.name === 'KPIs') expect(same.rows.slice(0, s.rows.length)).toEqual(s.rows);
      else if (s.name === 'Sources') expect(same.rows.filter((r) => r[0] !== 'Market mode')).toEqual(s.rows);
      else expect(same).toEqual(s);
    }
    expect(without.sheets[0]!.rows.map((r) => r[0])).toEqual(KPI_ROWS.filter(([key]) => phase1.kpis![key] !== undefined).map(([, label]) => label()));
  });
});

describe('the workbook of a multi-period clearing plan', () => {
  let years: ClearingPlan;
  let months: ClearingPlan;
  beforeAll(async () => {
    years = await plan('competitor-entry.json', { kind: 'multi-year', fromYear: 2026, toYear: 2030, phase2FromYear: 2029 });
    months = await plan('clearing-phase1.json', { kind: 'monthly', year: 2027 }, false);
  }, 180_000);
  afterEach(() => {
    setLocale('en');
  });

  it('multi-year: per year the clearing prices, the years whose price is an interval, tonnes bought, competitors and offers', async () => {
    const wb = await read(years);
    const periods = years.horizon.periods;
    // After the price-taker plan's sheets by year (markets, bagged where the plan has product forms, legs).
    const names = wb.worksheets.map((w) => w.name);
    expect(names.slice(0, 6)).toEqual(['KPIs', 'Markets', 'Routes', 'Legs', 'Nodes', 'Markets by year']);
    expect(names.slice(names.indexOf('Legs by year'))).toEqual([
      'Legs by year',
      'Clearing markets',
      'Competitors',
      'Competitors by market',
      'Demand blocks',
      'Clearing prices by year',
      'Price ranges by year',
      'Bought by year',
      'Competitors by year',
      'Offers by year',
      'Sources',
    ]);
    checkAgainstPlan(wb, years);
    const c = years.clearing;
    // Offers are per year, not one figure for the horizon.
    expect(table(wb, 'Competitors by market').header).not.toContain('Delivered offer, USD/t');

    const prices = table(wb, 'Clearing prices by year');
    expect(prices.header).toEqual(['Market id', 'Market', ...periods.map((p) => `${p}, USD/t`)]);
    expect(prices.rows.map((r) => periods.map((p) => r[`${p}, USD/t`]))).toEqual(c.markets.map((m) => m.priceUsdPerTonneByPeriod));

    // Each year whose price the equilibrium does not fix, and only those.
    const ranges = table(wb, 'Price ranges by year').rows;
    const expected = c.markets.flatMap((m) => m.priceRangeUsdPerTonneByPeriod.flatMap((r, i) => (r ? [[m.id, periods[i], m.priceUsdPerTonneByPeriod[i], r.low, r.high ?? 'no upper end']] : [])));
    expect(expected.length).toBeGreaterThan(0);
    expect(ranges.map((r) => [r['Market id'], r.Period, r['Clearing price, USD/t'], r['Clearing price, lowest, USD/t'], r['Clearing price, highest, USD/t']])).toEqual(expected);

    const bought = table(wb, 'Bought by year').rows;
    for (const [i, m] of c.markets.entries()) {
      const row = periods.map((p) => bought[i]![`${p}, t`] as number);
      expect(Math.abs(sum(row) - m.boughtTonnes), m.id).toBeLessThan(1e-3);
    }
    const competitors = table(wb, 'Competitors by year').rows;
    expect(competitors.map((r) => periods.map((p) => r[`${p}, t`]))).toEqual(c.competitors.map((x) => x.tonnesByPeriod));
    const offers = table(wb, 'Offers by year').rows;
    expect(offers.map((r) => [r['Supplier id'], r['Market id'], ...periods.map((p) => r[`${p}, USD/t`])])).toEqual(
      c.competitors.flatMap((x) => x.markets.map((m) => [x.id, m.market, ...m.deliveredCostUsdPerTonneByPeriod])),
    );
    // Demand blocks by year: the block's value to buyers in each year.
    const blocks = table(wb, 'Demand blocks').rows;
    const first = c.markets[0]!;
    expect(blocks.filter((r) => r['Market id'] === first.id).map((r) => [r.Block, r.Period, r['Value to buyers, USD/t']])).toEqual(
      first.blocks.flatMap((b) => periods.map((p, i) => [b.label, p, b.valueUsdPerTonneByPeriod[i]])),
    );
  });

  it('monthly, in Russian: tables by month, none of price ranges where every price is unique', async () => {
    setLocale('ru');
    const wb = await read(months);
    const names = wb.worksheets.map((w) => w.name);
    expect(names.slice(names.indexOf('По месяцам — участки') + 1)).toEqual(['Равновесие рынков', 'Конкуренты', 'Конкуренты по рынкам', 'Блоки спроса', 'По месяцам — цены', 'По месяцам — куплено', 'По месяцам — конкуренты', 'По месяцам — предложения', 'Источники']);
    expect(names.every((n) => n.length <= 31 && !/[:\\/?*[\]]/.test(n))).toBe(true);
    const prices = table(wb, 'По месяцам — цены');
    expect(prices.header).toEqual(['Код рынка', 'Рынок', ...months.horizon.periods.map((p) => `${p}, USD/т`)]);
    expect(prices.rows.map((r) => months.horizon.periods.map((p) => r[`${p}, USD/т`]))).toEqual(months.clearing.markets.map((m) => m.priceUsdPerTonneByPeriod));
    expect(table(wb, 'Блоки спроса').header).toEqual(['Код рынка', 'Рынок', 'Блок', 'Период', 'Ценность для покупателей, USD/т', 'Спрос, т', 'Куплено, т']);
  });
});

afterAll(() => setLocale('en'));
