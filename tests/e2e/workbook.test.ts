/**
 * Bring your own data in the page: the Library panel uploads an edited network workbook; a broken
 * one lists its problems by sheet, row and column, a good one is stored and opened. And the plan on
 * screen out as a workbook, written in the page (a market-clearing plan's with its clearing sheets).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../server/core/plan-schema.ts';
import { cellOf } from '../support/workbook-cells.ts';
import { ARTIFACTS, browserAvailable, PLANNER_KEY, startServedPage, type ServedPage } from './harness.ts';

const run = browserAvailable();
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

describe.skipIf(!run)('the network workbook in the Library panel', () => {
  let served: ServedPage;

  beforeAll(async () => {
    served = await startServedPage();
  }, 120_000);

  afterAll(async () => {
    await served?.close();
  });

  async function workbook(edit: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
    const res = await served.service.app.inject({ method: 'GET', url: '/api/v1/network.xlsx', headers: { authorization: `Bearer ${PLANNER_KEY}` } });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    edit(wb);
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  it('lists the problems of a broken workbook, and opens the scenario of a good one', async () => {
    const { page, errors } = await served.open(PLANNER_KEY);
    await page.click('#toggle-library');
    const broken = await workbook((wb) => {
      const plants = wb.getWorksheet('Plants');
      if (plants) plants.getRow(2).getCell(3).value = 'lots';
    });
    await page.setInputFiles('#workbook-upload', { name: 'broken.xlsx', mimeType: XLSX, buffer: broken });
    await expect.poll(() => page.locator('#workbook-problems li').count()).toBe(1);
    expect(await page.locator('#workbook-problems li').textContent()).toMatch(/^Plants · row 2 · capacityTonnesPerYearPhase1: must be a number/);

    const good = await workbook((wb) => {
      const readme = wb.getWorksheet('README');
      if (readme) readme.getRow(1).getCell(2).value = 'My own prices';
    });
    await page.setInputFiles('#workbook-upload', { name: 'good.xlsx', mimeType: XLSX, buffer: good });
    await expect.poll(() => page.locator('#workbook-status').textContent()).toMatch(/Stored as scenario sc_/);
    expect(await page.locator('#workbook-problems li').count()).toBe(0);
    await expect.poll(() => page.getByLabel('Scenario name').inputValue()).toBe('My own prices');
    // The broken upload's 422 is the browser's own console line; nothing else may go wrong.
    expect(errors.filter((e) => !/status of 422/.test(e))).toEqual([]);
    await page.close();

    // A Russian planner reads the same problem in Russian.
    const ru = (await served.open(PLANNER_KEY, { hash: '#lang=ru' })).page;
    await ru.click('#toggle-library');
    await ru.setInputFiles('#workbook-upload', { name: 'broken.xlsx', mimeType: XLSX, buffer: broken });
    await expect.poll(() => ru.locator('#workbook-problems li').count()).toBe(1);
    expect(await ru.locator('#workbook-problems li').textContent()).toMatch(/^Plants · строка 2 · capacityTonnesPerYearPhase1: должно быть числом, а не «lots»/);
    expect(await ru.locator('#workbook-status').textContent()).toBe('В книге проблем: 1; ничего не сохранено.');
    await ru.close();
  }, 90_000);

  it('the Results panel saves the plan on screen as a workbook Excel readers open', async () => {
    const { page, errors } = await served.open(PLANNER_KEY);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-xlsx')]);
    expect(download.suggestedFilename()).toMatch(/^caspian-plan-.+\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    // The browser may be a shared one this process connected to: save a local copy to read.
    const path = join(ARTIFACTS, 'plan-workbook.xlsx');
    await download.saveAs(path);
    await wb.xlsx.load(readFileSync(path) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((ws) => ws.name)).toEqual(['KPIs', 'Markets', 'Routes', 'Legs', 'Nodes', 'Sources']);
    const sources = new Map<string, unknown>();
    wb.getWorksheet('Sources')!.eachRow((row, n) => {
      if (n > 1) sources.set(String(row.getCell(1).value), row.getCell(2).value);
    });
    expect(sources.get('Status')).toBe('optimal');
    expect(sources.get('Solved')).toBe('on the server');
    // The plan on screen: its inputs hash starts as the Results panel shows it.
    const shown = (await page.locator('#kpi-panel').textContent())?.match(/Inputs hash ([0-9a-f]{12})/)?.[1];
    expect(shown).toBeTruthy();
    expect(String(sources.get('Inputs hash')).startsWith(shown!)).toBe(true);
    const markets = wb.getWorksheet('Markets')!;
    expect(markets.getRow(1).getCell(5).value).toBe('Tonnes');
    expect(markets.getRow(1).font?.bold ?? markets.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(typeof markets.getRow(2).getCell(5).value).toBe('number');
    await expect.poll(() => page.locator('#run-status').textContent()).toMatch(/Excel workbook written/);
    expect(errors).toEqual([]);
  }, 90_000);

  it("a market-clearing plan's workbook, on the Russian page, carries the clearing markets and competitors as the server planned them", async () => {
    const { page, errors } = await served.open(PLANNER_KEY, { hash: '#lang=ru' });
    await page.getByLabel('Модель рынка').selectOption('clearing');
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/optimise') && r.request().method() === 'POST', { timeout: 120_000 });
    await page.click('#run-button');
    const plan = (await (await answer).json()) as Plan;
    await page.waitForSelector('body[data-plan-market="clearing"]', { timeout: 30_000 });
    await page.locator('#kpi-panel').screenshot({ path: join(ARTIFACTS, 'kpi-clearing-ru.png') });
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-xlsx')]);
    const path = join(ARTIFACTS, 'plan-workbook-clearing-ru.xlsx');
    await download.saveAs(path);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(path) as unknown as ArrayBuffer);
    const names = wb.worksheets.map((ws) => ws.name);
    expect(names).toEqual(expect.arrayContaining(['Равновесие рынков', 'Конкуренты', 'Конкуренты по рынкам', 'Блоки спроса']));
    const clearing = plan.clearing!;
    // Each clearing market's price, tonnes bought and ours, as the plan the page drew.
    const markets = wb.getWorksheet('Равновесие рынков')!;
    expect(markets.rowCount).toBe(clearing.markets.length + 1);
    for (const m of clearing.markets) {
      expect(cellOf(wb, 'Равновесие рынков', m.id, 'Равновесная цена, USD/т').value, m.id).toBe(m.priceUsdPerTonne);
      expect(cellOf(wb, 'Равновесие рынков', m.id, 'Куплено, т').value, m.id).toBe(m.boughtTonnes);
      expect(cellOf(wb, 'Равновесие рынков', m.id, 'Наши тонны, т').value, m.id).toBe(m.ourTonnes);
    }
    for (const x of clearing.competitors) expect(cellOf(wb, 'Конкуренты', x.id, 'Продано, т').value, x.id).toBe(x.tonnes);
    expect(cellOf(wb, 'Показатели', 'Наша маржа по равновесным ценам', 'Значение').value).toBe(clearing.ourMarginUsd);
    await expect.poll(() => page.locator('#run-status').textContent()).toMatch(/Книга Excel записана/);
    expect(errors).toEqual([]);
  }, 180_000);
});
