/**
 * The page's plan workbook (web/src/lib/workbook.ts, written by web/src/lib/xlsx.ts), read back with
 * exceljs: the same sheets, cells, bold frozen headers, column widths and properties as exceljs writes
 * from the same sheets (as the page once did with exceljs itself).
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { diffPlans } from '../../web/src/lib/diff.ts';
import { planWorkbook, planWorkbookXlsx, type WorkbookContext } from '../../web/src/lib/workbook.ts';
import { columnName, crc32, writeXlsx, type XlsxWorkbook } from '../../web/src/lib/xlsx.ts';
import { makeFixturePlan } from './fixtures/plan-fixture.ts';

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
