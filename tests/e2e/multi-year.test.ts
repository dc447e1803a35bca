/**
 * A stored run of years opened by its link: the results header names the years and each phase, the
 * key figures say they are totals over the years, the period slider steps through the years with the
 * whole horizon at its start, the scenario form shows the run of years, and Run re-plans the same
 * years, in English and in Russian (with KZT).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../server/core/plan-schema.ts';
import { ARTIFACTS, browserAvailable, PLANNER_KEY, startServedPage, storedRunOf, type ServedPage } from './harness.ts';

const run = browserAvailable();
const WAIT = { timeout: 60_000 };

describe.skipIf(!run)('a stored multi-year run on the map page', () => {
  let served: ServedPage;
  let runId: string;
  let plan: Plan;

  beforeAll(async () => {
    served = await startServedPage();
    ({ runId, plan } = await storedRunOf(served.service, 'multi-year.json'));
  }, 300_000);

  afterAll(async () => {
    await served?.close();
  });

  it('names the years and phases, says the key figures are totals, and steps the slider through the years', async () => {
    expect(plan.horizon).toEqual({ kind: 'multi-year', periods: ['2027', '2028', '2029', '2030', '2031'] });
    const { page, errors } = await served.open(PLANNER_KEY, { hash: `#run=${runId}` });
    await page.waitForFunction(() => document.body.dataset.planSource === 'run', undefined, WAIT);
    expect(await page.locator('#plan-status').textContent()).toMatch(/^Multi-year 2027–2031, phase 2 from 2029 — optimal, multi-year 2027–2031, phase 1 2027–2028, phase 2 from 2029\. Stored run /);

    const note = page.locator('#kpi-month');
    expect(await note.textContent()).toBe('Key figures are totals over 2027–2031 (5 years), not one year’s; pick a year on the map to see its tonnes.');
    expect(await page.locator('#month-bar label').textContent()).toBe('Year');
    expect(await page.locator('#month-label').textContent()).toBe('All years 2027–2031');

    // The scenario form shows the run of years it was made from.
    expect(await page.getByLabel('Horizon').inputValue()).toBe('multi-year');
    expect(await page.getByLabel('First year').inputValue()).toBe('2027');
    expect(await page.getByLabel('Last year').inputValue()).toBe('2031');
    expect(await page.getByLabel(/^Phase 2 from year/).inputValue()).toBe('2029');
    expect(await page.locator('input[data-path="horizon.year"]').isVisible()).toBe(false);

    const slider = page.locator('#month-slider');
    expect(await slider.getAttribute('max')).toBe('5');
    await slider.fill('3');
    await expect.poll(() => note.getAttribute('data-period')).toBe('2029');
    expect(await page.locator('#month-label').textContent()).toBe('2029, phase 2');
    const production2029 = plan.plants.reduce((s, p) => s + p.tonnesByPeriod[2], 0);
    expect(production2029).toBeLessThan(plan.kpis!.productionTonnes);
    expect(await note.textContent()).toMatch(/^Key figures above: totals over 2027–2031\. 2029, phase 2: production [\d.]+ Mt, domestic .+ \([\d.]+ %\), exports .+\.$/);
    // The flow widths in the legend are the year's tonnes, not a month's.
    expect(await page.locator('.legend-row').filter({ has: page.locator('.legend-width') }).first().textContent()).toMatch(/\/year$/);
    await page.screenshot({ path: join(ARTIFACTS, 'multi-year-run-en.png') });

    // Run re-plans the same years, not one year.
    const seq = await page.evaluate(() => Number(document.body.dataset.planSeq ?? 0));
    await page.click('#run-button');
    await page.waitForFunction((n) => Number(document.body.dataset.planSeq ?? 0) > n, seq, { timeout: 180_000 });
    expect(await page.locator('#plan-status').textContent()).toMatch(/— optimal, multi-year 2027–2031, phase 1 2027–2028, phase 2 from 2029\. Solved on the server\./);
    expect(await page.locator('#kpi-production .kpi-value').textContent()).toMatch(/^9\.89 Mt$/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says the same in Russian, with money in tenge', async () => {
    const { page, errors } = await served.open(PLANNER_KEY, { hash: `#run=${runId}&lang=ru&cur=KZT` });
    await page.waitForFunction(() => document.body.dataset.planSource === 'run', undefined, WAIT);
    expect(await page.locator('#plan-status').textContent()).toMatch(/ — оптимальный, по годам, 2027–2031, очередь 1 в 2027–2028 годах, очередь 2 с 2029 года\. Сохранённый расчёт /);
    expect(await page.locator('#plan-horizon').textContent()).toBe(', по годам, 2027–2031, очередь 1 в 2027–2028 годах, очередь 2 с 2029 года');
    expect(await page.locator('#kpi-month').textContent()).toBe('Ключевые показатели — суммы за 2027–2031 гг. (лет: 5), а не за один год; выберите год на карте, чтобы увидеть его тонны.');
    expect(await page.locator('#month-bar label').textContent()).toBe('Год');
    expect(await page.locator('#month-label').textContent()).toBe('Все годы 2027–2031');
    expect(await page.getByLabel('Горизонт').inputValue()).toBe('multi-year');
    expect(await page.locator('#kpi-margin .kpi-value').textContent()).toMatch(/^KZT /);
    await page.screenshot({ path: join(ARTIFACTS, 'multi-year-run-ru-kzt.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});
