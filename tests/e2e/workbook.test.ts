/**
 * The Excel plan workbook from the page's button: opened with exceljs, its cells match the plan the
 * server makes for the same scenario.
 */
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../server/core/plan-schema.ts';
import { DEFAULT_FORM, formToScenario } from '../../web/src/lib/scenario-form.ts';
import { ARTIFACTS, browserAvailable, PLANNER_KEY, startServedPage, type ServedPage } from './harness.ts';

const run = browserAvailable();

describe.skipIf(!run)('the Excel plan workbook', () => {
  let served: ServedPage;

  beforeAll(async () => {
    served = await startServedPage();
  }, 120_000);

  afterAll(async () => {
    await served?.close();
  });

  it('downloads a workbook whose KPIs, markets, legs and sources match the plan', async () => {
    const { page, errors } = await served.open(PLANNER_KEY);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-xlsx')]);
    expect(download.suggestedFilename()).toMatch(/^caspian-plan-.*\.xlsx$/);
    const path = join(ARTIFACTS, 'plan.xlsx');
    await download.saveAs(path);
    const plan = (await page.evaluate(async (scenario) => {
      const r = await fetch('/api/v1/optimise', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(scenario) });
      return r.json();
    }, formToScenario(DEFAULT_FORM))) as Plan;

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['KPIs', 'Markets', 'Routes', 'Legs', 'Nodes', 'Sources']);
    const kpis = wb.getWorksheet('KPIs')!;
    const kpi = (label: string) => {
      let value: unknown = null;
      kpis.eachRow((row) => {
        if (row.getCell(1).value === label) value = row.getCell(2).value;
      });
      return value as number;
    };
    expect(kpi('Production')).toBeCloseTo(plan.kpis!.productionTonnes, 3);
    expect(kpi('Margin')).toBeCloseTo(plan.kpis!.marginUsd, 3);
    expect(kpi('Domestic share')).toBeCloseTo(plan.kpis!.domesticShare, 9);

    const markets = wb.getWorksheet('Markets')!;
    expect(markets.rowCount).toBe(plan.markets.length + 1);
    const byId = new Map<string, number>();
    markets.eachRow((row, i) => {
      if (i > 1) byId.set(String(row.getCell(1).value), Number(row.getCell(5).value));
    });
    for (const m of plan.markets) expect(byId.get(m.id)).toBeCloseTo(m.tonnes, 3);

    const legs = wb.getWorksheet('Legs')!;
    expect(legs.rowCount).toBe(plan.legs.length + 1);
    const sources = wb.getWorksheet('Sources')!;
    let hash: unknown = null;
    sources.eachRow((row) => {
      if (row.getCell(1).value === 'Inputs hash') hash = row.getCell(2).value;
    });
    expect(hash).toBe(plan.inputsHash);
    expect(errors).toEqual([]);
    await page.close();
  });
});
