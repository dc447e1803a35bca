/**
 * The analysis panel end to end: the built page served by the real service, driven in Debian's
 * Chromium with a planner key. Share curve, a 1-D sweep followed live to 100 %, a small Monte Carlo
 * with its histograms and robust markets ringed on the map, phasing, contracts; a viewer key is told
 * in words why the analyses are refused. Screenshots go to test-artifacts/analysis-*.png.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathPoints } from '../../web/src/lib/charts/svg.ts';
import { closeMonteCarloPools } from '../../server/analysis/mc-pool.ts';
import { animationsSettled, ARTIFACTS, browserAvailable, PLANNER_KEY, startServedPage, VIEWER_KEY, type OpenedPage, type ServedPage } from './harness.ts';

const run = browserAvailable();

describe.skipIf(!run)('the analysis panel', () => {
  let served: ServedPage;

  beforeAll(async () => {
    served = await startServedPage();
  }, 120_000);

  afterAll(async () => {
    await served?.close();
    await closeMonteCarloPools();
  });

  async function open(key: string, viewport?: { width: number; height: number }): Promise<OpenedPage> {
    const opened = await served.open(key, { viewport });
    const { page } = opened;
    await page.click('#toggle-analysis');
    await expect.poll(() => page.locator('#analysis-panel').evaluate((el) => !el.classList.contains('collapsed'))).toBe(true);
    await animationsSettled(page);
    return opened;
  }

  it('draws the share curve, runs a 1-D sweep live to 100 % and a Monte Carlo with its histograms', async () => {
    const { page, errors } = await open(PLANNER_KEY);
    // The Results panel makes room: one right-hand panel at a time.
    expect(await page.locator('#kpi-panel').evaluate((el) => el.classList.contains('collapsed'))).toBe(true);
    expect(await page.locator('#toggle-analysis').getAttribute('aria-expanded')).toBe('true');

    // Share curve: margin against the domestic share, the policy line, tables in words.
    await page.click('#sensitivity-run');
    const curve = page.locator('#share-curve-chart svg path.series');
    await curve.waitFor({ timeout: 20_000 });
    const d = (await curve.getAttribute('d')) ?? '';
    expect(pathPoints(d).length).toBeGreaterThanOrEqual(5);
    expect(await page.locator('#share-curve-chart .policy-label').textContent()).toMatch(/rule now: 50 %/);
    expect(await page.locator('#shadow-table tbody tr').count()).toBeGreaterThan(0);
    expect(await page.locator('#range-table tbody tr').count()).toBeGreaterThan(0);
    expect(await page.locator('#sensitivity-tables').textContent()).toMatch(/USD\/t/);
    await page.locator('#analysis-panel').screenshot({ path: join(ARTIFACTS, 'analysis-share-curve.png') });

    // Sweep: export prices × 0.8 … 1.4 in 5 points, followed through the server-sent events.
    await page.getByRole('tab', { name: 'Sweeps' }).click();
    await page.locator('#sweep-a1-steps').fill('5');
    await page.click('#sweep-start');
    await expect.poll(() => page.locator('#sweep-progress-text').textContent(), { timeout: 30_000 }).toMatch(/5 \/ 5 points \(100 %\)/);
    const line = page.locator('#sweep-chart svg.line-chart path.series');
    await line.first().waitFor({ timeout: 10_000 });
    expect(await line.count()).toBe(2);
    expect(pathPoints((await line.first().getAttribute('d')) ?? '').length).toBe(5);
    expect(await page.locator('#sweep-status').textContent()).toMatch(/Done/);
    expect(await page.locator('#sweep-csv').isVisible()).toBe(true);
    const download = page.waitForEvent('download');
    await page.click('#sweep-csv');
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^sweep-job_.*\.csv$/);
    await page.locator('#analysis-panel').screenshot({ path: join(ARTIFACTS, 'analysis-sweep-line.png') });

    // Monte Carlo: 200 draws; histograms with percentiles, the rule-binds probability, robust markets ringed.
    await page.getByRole('tab', { name: 'Monte Carlo' }).click();
    await page.getByLabel('Draws').fill('200');
    await page.click('#mc-start');
    await expect.poll(() => page.locator('#mc-progress-text').textContent(), { timeout: 40_000 }).toMatch(/200 \/ 200 draws \(100 %\)/);
    await page.locator('#mc-hist-margin svg.histogram').waitFor({ timeout: 10_000 });
    expect(await page.locator('#mc-hist-margin rect.bar').count()).toBeGreaterThan(3);
    expect(await page.locator('#mc-hist-margin .percentile-label').allTextContents()).toEqual([expect.stringMatching(/^p5 /), expect.stringMatching(/^p50 /), expect.stringMatching(/^p95 /)]);
    expect(await page.locator('#mc-hist-export svg').count()).toBe(1);
    expect(await page.locator('#mc-hist-share svg').count()).toBe(1);
    expect(await page.locator('#mc-rule-binds .kpi-value').textContent()).toMatch(/^\d+ %$/);
    const robust = await page.locator('#mc-robust li').count();
    expect(robust).toBeGreaterThan(0);
    await expect.poll(() => page.locator('path.robust-ring').count()).toBe(robust);
    await page.locator('#analysis-panel').screenshot({ path: join(ARTIFACTS, 'analysis-montecarlo.png') });
    await page.screenshot({ path: join(ARTIFACTS, 'analysis-page-robust.png') });

    // The rings go with the panel.
    await page.click('#toggle-kpi');
    await expect.poll(() => page.locator('path.robust-ring').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it('a job the page was following is cancelled when the page goes (a reload), so it does not hold a job place', async () => {
    const { page } = await open(PLANNER_KEY);
    await page.getByRole('tab', { name: 'Sweeps' }).click();
    await page.locator('#sweep-a1-steps').fill('200');
    await page.check('#sweep-two');
    await page.locator('#sweep-a2-parameter').selectOption('domesticShare');
    await page.locator('#sweep-a2-steps').fill('10');
    const accepted = page.waitForResponse((r) => r.url().endsWith('/api/v1/analysis/sweeps') && r.request().method() === 'POST');
    await page.click('#sweep-start');
    const jobId = ((await (await accepted).json()) as { jobId: string }).jobId;
    const statusOf = async () => (await served.service.app.inject({ method: 'GET', url: `/api/v1/analysis/jobs/${jobId}`, headers: { authorization: `Bearer ${PLANNER_KEY}` } })).json().status as string;
    expect(await statusOf()).toBe('running');
    await page.reload();
    await expect.poll(statusOf, { timeout: 30_000 }).toBe('cancelled');
    await page.close();
  }, 120_000);

  it('2-D sweep heat map, phasing bars and the contracts table', async () => {
    const { page, errors } = await open(PLANNER_KEY);
    await page.getByRole('tab', { name: 'Sweeps' }).click();
    await page.locator('#sweep-a1-steps').fill('4');
    await page.check('#sweep-two');
    await page.locator('#sweep-a2-parameter').selectOption('domesticShare');
    await page.locator('#sweep-a2-steps').fill('4');
    await page.click('#sweep-start');
    await page.locator('#sweep-chart svg.heatmap').waitFor({ timeout: 30_000 });
    expect(await page.locator('#sweep-chart rect.cell').count()).toBe(16);
    expect(await page.locator('#sweep-chart .binds-flag').count()).toBeGreaterThan(0);
    await page.locator('#analysis-panel').screenshot({ path: join(ARTIFACTS, 'analysis-sweep-heatmap.png') });

    await page.getByRole('tab', { name: 'Phasing' }).click();
    await page.click('#phasing-run');
    await page.locator('#phasing-chart svg.stacked-bars').waitFor({ timeout: 20_000 });
    expect(await page.locator('#phasing-chart rect.segment[data-series="Domestic (Kazakhstan)"]').count()).toBe(5);
    await page.locator('#analysis-panel').screenshot({ path: join(ARTIFACTS, 'analysis-phasing.png') });

    await page.getByRole('tab', { name: 'Contracts' }).click();
    await page.click('#contracts-run');
    await page.locator('#contracts-table').waitFor({ timeout: 20_000 });
    expect(await page.locator('#contracts-table tbody tr').count()).toBeGreaterThan(0);
    expect(await page.locator('#contracts-table').textContent()).toMatch(/Sign/);
    await page.locator('#analysis-panel').screenshot({ path: join(ARTIFACTS, 'analysis-contracts.png') });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('says on the Russian page that contracts are weighed in the price-taker mode only, for a clearing scenario', async () => {
    const { page, errors } = await served.open(PLANNER_KEY, { hash: '#lang=ru' });
    await page.locator('#scenario-panel select').filter({ has: page.locator('option[value="clearing"]') }).selectOption('clearing');
    await page.click('#toggle-analysis');
    await expect.poll(() => page.locator('#analysis-panel').evaluate((el) => !el.classList.contains('collapsed'))).toBe(true);
    await page.getByRole('tab', { name: 'Контракты' }).click();
    const asked: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/analysis/contracts')) asked.push(r.url());
    });
    await page.click('#contracts-run');
    await expect.poll(() => page.locator('#contracts-status').textContent()).toMatch(/^Контракты оцениваются только в режиме ценополучателя: .*выберите «Ценополучатель» в поле «Модель рынка»/);
    expect(await page.locator('#contracts-status').getAttribute('class')).toMatch(/\bbad\b/);
    expect(await page.locator('#contracts-table').count()).toBe(0);
    expect(asked).toEqual([]);
    await page.locator('#analysis-panel').screenshot({ path: join(ARTIFACTS, 'analysis-contracts-clearing-ru.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('tells a viewer key in words why an analysis is refused; tabs work from the keyboard; fits a tablet', async () => {
    const { page } = await open(VIEWER_KEY, { width: 820, height: 1180 });
    await expect.poll(() => page.locator('#analysis-role').textContent()).toMatch(/Viewer key/);
    await page.click('#sensitivity-run');
    await expect.poll(() => page.locator('#sensitivity-status').textContent()).toMatch(/viewer key.*planner key/i);
    // Tabs: arrow keys move between them.
    await page.getByRole('tab', { name: 'Share curve' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('tab', { name: 'Sweeps' }).getAttribute('aria-selected')).toBe('true');
    expect(await page.locator('#analysis-sweeps').isVisible()).toBe(true);
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('#analysis-panel input, #analysis-panel select')].filter((el) => {
        const id = el.getAttribute('id');
        return !(id && document.querySelector(`label[for="${id}"]`)) && !el.closest('label') && !el.getAttribute('aria-label');
      }).length,
    );
    expect(unlabelled).toBe(0);
    const box = await page.locator('#analysis-panel').boundingBox();
    expect(box!.width).toBeLessThanOrEqual(820);
    await page.screenshot({ path: join(ARTIFACTS, 'analysis-tablet.png') });
    await page.close();
  });
});
