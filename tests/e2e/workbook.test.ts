/**
 * Bring your own data in the page: the Library panel uploads an edited network workbook; a broken
 * one lists its problems by sheet, row and column, a good one is stored and opened.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, PLANNER_KEY, startServedPage, type ServedPage } from './harness.ts';

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
  }, 90_000);
});
