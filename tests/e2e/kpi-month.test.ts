/**
 * A monthly plan's results panel: the key figures are the whole year's and say so, and the month
 * picked on the map's slider gets its own tonnes beside them, following the slider.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, browserAvailable, PLANNER_KEY, startServedPage, type ServedPage } from './harness.ts';

const run = browserAvailable();

describe.skipIf(!run)('key figures of a monthly plan', () => {
  let served: ServedPage;

  beforeAll(async () => {
    served = await startServedPage();
  }, 300_000);

  afterAll(async () => {
    await served?.close();
  });

  it('say they are the whole year, and give the slider month its own tonnes', async () => {
    const { page, errors } = await served.open(PLANNER_KEY);
    const seq = await page.evaluate(() => Number(document.body.dataset.planSeq ?? 0));
    await page.getByLabel('Horizon').selectOption('monthly');
    await page.click('#run-button');
    await page.waitForFunction((n) => Number(document.body.dataset.planSeq ?? 0) > n, seq, { timeout: 180_000 });
    const note = page.locator('#kpi-month');
    await expect.poll(() => note.textContent()).toMatch(/^Key figures for the whole of 2027/);
    const yearProduction = await page.locator('#kpi-production .kpi-value').textContent();
    const tonnes = (text: string, what: string) => {
      const m = new RegExp(`${what} ([\\d\\u202f.]+) (t|kt|Mt)`).exec(text)!;
      return Number(m[1].replace(/\u202f/g, '')) * { t: 1, kt: 1e3, Mt: 1e6 }[m[2] as 't' | 'kt' | 'Mt'];
    };

    const slider = page.locator('#month-slider');
    await slider.fill('3');
    await expect.poll(() => note.getAttribute('data-period')).toBe('2027-03');
    const march = (await note.textContent()) ?? '';
    expect(march).toMatch(/^Key figures above: the whole of 2027\. Mar 2027: production [\d\u202f.]+ (t|kt), domestic .+ \([\d.]+ %\), exports .+\.$/);
    // The whole-year figure stays; the month's production is a part of it.
    expect(await page.locator('#kpi-production .kpi-value').textContent()).toBe(yearProduction);
    const yearTonnes = tonnes(`Production ${yearProduction}`, 'Production');
    expect(tonnes(march, 'production')).toBeGreaterThan(0);
    expect(tonnes(march, 'production')).toBeLessThan(yearTonnes);
    await page.locator('#kpi-panel').screenshot({ path: join(ARTIFACTS, 'kpi-monthly-march.png') });

    await slider.fill('0');
    await expect.poll(() => note.getAttribute('data-period')).toBe('year');
    expect(await note.textContent()).toMatch(/^Key figures for the whole of 2027/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
