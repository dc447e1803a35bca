/**
 * The page's plan workbook (web/src/lib/workbook.ts, written by web/src/lib/xlsx.ts), read back with
 * exceljs: the same sheets, cells, bold frozen headers, column widths and properties as exceljs writes
 * from the same sheets (as the page once did with exceljs itself).
 */
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import { diffPlans } from '../../web/src/lib/diff.ts';
import { planWorkbook, planWorkbookXlsx, type WorkbookContext } from '../../web/src/lib/workbook.ts';
import { columnName, crc32, writeXlsx, type XlsxWorkbook } from '../../web/src/lib/xlsx.ts';
import { makeFixturePlan } from './fixtures/plan-fixture.ts';
import { setLocale } from '../../web/src/i18n/index.ts';

/** The sheets written with exceljs: frozen bold header, the rows, the widths. */
async function writtenByExcelJs(book: XlsxWorkbook): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  wb.creator = book.creator;
  wb.created = book.created;
  for (const s of book.sheets) {
    const ws = wb.addWorksheet(s.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.addRow(s.header).font = { bold: true };
    for (const row of s.rows) ws.addRow(row);
    s.widths.forEach((w, i) => {
      ws.getColumn(i + 1).width = w;
    });
  }
  const read = new ExcelJS.Workbook();
  await read.xlsx.load(await wb.xlsx.writeBuffer());
  return read;
}

async function read(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  return wb;
}

/** What a reader sees of a workbook: per sheet its cells (value, bold), frozen rows and column widths. */
function contents(wb: ExcelJS.Workbook) {
  return {
    creator: wb.creator,
    created: wb.created?.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    sheets: wb.worksheets.map((ws) => {
      const rows: { values: unknown[]; bold: boolean[] }[] = [];
      ws.eachRow({ includeEmpty: true }, (row) => {
        const values: unknown[] = [];
        const bold: boolean[] = [];
        for (let c = 1; c <= ws.columnCount; c++) {
          const cell = row.getCell(c);
          values.push(cell.value ?? null);
          bold.push(Boolean(cell.font?.bold));
        }
        rows.push({ values, bold });
      });
      return {
        name: ws.name,
        frozen: ws.views.map((v) => ({ state: v.state, ySplit: (v as { ySplit?: number }).ySplit })),
        widths: Array.from({ length: ws.columnCount }, (_, i) => ws.getColumn(i + 1).width),
        rows,
      };
    }),
  };
}

describe('the plan workbook', () => {
  const now = new Date('2026-11-30T08:15:42Z');
  const a = makeFixturePlan({ domesticShare: 0.5, scenarioName: 'Base & <more>' });
  const monthly = makeFixturePlan({ domesticShare: 0.8, monthly: true, scenarioName: 'Monthly' });
  const cases: [string, Parameters<typeof planWorkbook>[0], WorkbookContext][] = [
    ['annual, from the server', a, { source: 'server', runId: null, link: 'http://localhost/#s=1&x="2"', now }],
    ['monthly, a stored run compared with another', monthly, { source: 'run', runId: 'run_1', link: 'http://localhost/', compare: { a: 'h1', b: 'h2', diff: diffPlans(a, monthly) }, now }],
  ];

  for (const [label, plan, ctx] of cases) {
    it(`${label}: reads back as exceljs would have written it`, async () => {
      const book = planWorkbook(plan, ctx);
      const ours = contents(await read(planWorkbookXlsx(plan, ctx)));
      expect(ours).toEqual(contents(await writtenByExcelJs(book)));
      // The figures are the plan's, numbers as numbers.
      const markets = ours.sheets.find((s) => s.name === 'Markets')!;
      expect(markets.rows).toHaveLength(plan.markets.length + 1);
      expect(markets.rows[0].bold.every(Boolean)).toBe(true);
      expect(markets.rows[1].values[4]).toBe(plan.markets[0].tonnes);
      expect(ours.sheets.map((s) => s.name)).toEqual(book.sheets.map((s) => s.name));
    });
  }

  it('holds the sheets a monthly comparison asks for', () => {
    const names = planWorkbook(monthly, cases[1][2]).sheets.map((s) => s.name);
    expect(names).toEqual(['KPIs', 'Markets', 'Routes', 'Legs', 'Nodes', 'Monthly markets', 'Monthly legs', 'Comparison', 'Sources']);
  });
});

describe("the plan workbook in the page's language, its years and product forms", () => {
  afterEach(() => {
    setLocale('en');
  });
  const now = new Date('2026-11-30T08:15:42Z');
  const ctx: WorkbookContext = { source: 'server', runId: null, link: 'http://localhost/#lang=ru', now };
  const monthly = makeFixturePlan({ monthly: true });
  const years = ['2027', '2028', '2029', '2030', '2031'];
  const multiYear = {
    ...monthly,
    horizon: { kind: 'multi-year', periods: years },
    markets: monthly.markets.map((m) => ({ ...m, tonnesByPeriod: m.tonnesByPeriod.slice(0, 5) })),
    legs: monthly.legs.map((l) => ({ ...l, tonnesByPeriod: l.tonnesByPeriod.slice(0, 5) })),
  };
  const annual = makeFixturePlan();
  const bagged = {
    ...annual,
    kpis: { ...annual.kpis!, packingCostUsd: 2_600_000, wagonCostUsd: 1_100_000 },
    markets: annual.markets.map((m) => ({ ...m, baggedTonnes: m.tonnes / 2, bulkTonnes: m.tonnes / 2 })),
  };

  it('Russian: sheet names, headers, figure names, units and words in Russian; ids, names and numbers as they are', () => {
    setLocale('ru');
    const book = planWorkbook(annual, ctx);
    expect(book.sheets.map((s) => s.name)).toEqual(['Показатели', 'Рынки', 'Маршруты', 'Участки', 'Узлы', 'Источники']);
    const kpis = book.sheets[0]!;
    expect(kpis.header).toEqual(['Показатель', 'Значение', 'Единица']);
    expect(kpis.rows[0]).toEqual(['Производство', annual.kpis!.productionTonnes, 'т']);
    expect(kpis.rows.find((r) => r[0] === 'Доля внутреннего рынка')?.[2]).toBe('доля');
    const markets = book.sheets[1]!;
    expect(markets.header).toEqual(['Код рынка', 'Рынок', 'Страна', 'Внутренний рынок', 'Тонны', 'Спрос, т', 'Доля спроса', 'Цена, USD/т', 'Пошлина, USD/т', 'Логистика, USD/т', 'Нетбэк, USD/т']);
    expect(markets.rows[0]!.slice(0, 2)).toEqual([annual.markets[0]!.id, annual.markets[0]!.name]);
    expect(typeof markets.rows[0]![3]).toBe('boolean');
    const sources = Object.fromEntries(book.sheets.at(-1)!.rows.map((r) => [r[0], r[1]]));
    expect(sources['Статус']).toBe('оптимальный');
    expect(sources['Где рассчитан']).toBe('на сервере');
    expect(sources['Горизонт']).toMatch(/^на год: /);
    const words = book.sheets.flatMap((s) => [s.name, ...s.header]).join(' ');
    expect(words).not.toMatch(/Market|Tonnes|Figure|Sources|Capacity|Monthly/);
  });

  it('a multi-year plan gets tables by year, not "Monthly", in both languages', () => {
    expect(planWorkbook(multiYear, ctx).sheets.map((s) => s.name)).toEqual(['KPIs', 'Markets', 'Routes', 'Legs', 'Nodes', 'Markets by year', 'Legs by year', 'Sources']);
    setLocale('ru');
    const book = planWorkbook(multiYear, ctx);
    expect(book.sheets.map((s) => s.name).slice(5, 7)).toEqual(['По годам — рынки', 'По годам — участки']);
    expect(book.sheets[5]!.header).toEqual(['Код рынка', 'Рынок', ...years]);
    expect(book.sheets.every((s) => s.name.length <= 31 && !/[:\\/?*[\]]/.test(s.name))).toBe(true);
    expect(planWorkbook(monthly, ctx).sheets.map((s) => s.name)).toContain('По месяцам — рынки');
  });

  it('bagged and bulk tonnes per market, and the bagging and wagon costs, where the plan has them', () => {
    const book = planWorkbook(bagged, ctx);
    const markets = book.sheets.find((s) => s.name === 'Markets')!;
    expect(markets.header.slice(4, 7)).toEqual(['Tonnes', 'Bagged, t', 'Bulk, t']);
    const m = bagged.markets[0]!;
    expect(markets.rows[0]!.slice(4, 7)).toEqual([m.tonnes, m.baggedTonnes, m.bulkTonnes]);
    const kpis = book.sheets[0]!.rows;
    expect(kpis.find((r) => r[0] === 'Bagging (part of logistics)')).toEqual(['Bagging (part of logistics)', 2_600_000, 'USD']);
    expect(kpis.find((r) => r[0] === 'Wagons (part of logistics)')?.[1]).toBe(1_100_000);
    // A plan without product forms has neither column nor cost line.
    const plain = planWorkbook(annual, ctx);
    expect(plain.sheets[1]!.header).not.toContain('Bagged, t');
    expect(plain.sheets[0]!.rows.map((r) => r[0])).not.toContain('Bagging (part of logistics)');
  });
});

describe('the xlsx writer', () => {
  it('names columns as spreadsheets do', () => {
    expect([0, 1, 25, 26, 27, 51, 52, 701, 702].map(columnName)).toEqual(['A', 'B', 'Z', 'AA', 'AB', 'AZ', 'BA', 'ZZ', 'AAA']);
  });

  it('computes the ZIP checksum (CRC-32)', () => {
    expect(crc32(new TextEncoder().encode('123456789')).toString(16)).toBe('cbf43926');
    expect(crc32(new Uint8Array())).toBe(0);
  });

  it('keeps text that XML cannot hold readable, and blanks, booleans and non-ASCII as they are', async () => {
    const book: XlsxWorkbook = {
      creator: 'Tester',
      created: new Date('2026-01-02T03:04:05Z'),
      sheets: [{ name: 'Odd <&> "text"', header: ['A', 'B'], rows: [['  padded  ', null], [true, false], ['Алматы → Баку\u0007', -0.000001]], widths: [12, 30] }],
    };
    const wb = await read(writeXlsx(book));
    const ws = wb.getWorksheet('Odd <&> "text"')!;
    expect(ws.getCell('A2').value).toBe('  padded  ');
    expect(ws.getCell('B2').value).toBeNull();
    expect(ws.getCell('A3').value).toBe(true);
    expect(ws.getCell('B3').value).toBe(false);
    expect(ws.getCell('A4').value).toBe('Алматы → Баку');
    expect(ws.getCell('B4').value).toBe(-0.000001);
    expect(ws.getColumn(2).width).toBe(30);
    expect(wb.creator).toBe('Tester');
  });
});
