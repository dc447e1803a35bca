/**
 * The map page end to end: the built page served by the real service, driven in Debian's Chromium.
 * Skips without /usr/bin/chromium unless REQUIRE_BROWSER=1 (CI), where a missing browser fails.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { animationsSettled, ARTIFACTS, browserAvailable, launchBrowser, PLANNER_KEY, startServedPage, VIEWER_KEY, type OpenedPage, type ServedPage } from './harness.ts';

const run = browserAvailable();

describe.skipIf(!run)('the map page', () => {
  let served: ServedPage;

  beforeAll(async () => {
    served = await startServedPage();
  }, 120_000);

  afterAll(async () => {
    await served?.close();
  });

  const open = (key: string | null, hash = ''): Promise<OpenedPage> => served.open(key, { hash });

  const planSeq = (page: Page) => page.evaluate(() => Number(document.body.dataset.planSeq ?? 0));
  async function runAndWait(page: Page): Promise<void> {
    const before = await planSeq(page);
    await page.click('#run-button');
    await page.waitForFunction((n) => Number(document.body.dataset.planSeq ?? 0) > n, before, { timeout: 30_000 });
  }
  const domesticShare = (page: Page) => page.locator('#domestic-share-text').getAttribute('data-share').then(Number);
  /** Total drawn width of the lines that mostly carry export cement. */
  const exportWidth = (page: Page) =>
    page.evaluate(() =>
      [...document.querySelectorAll('path.flow-line[data-carries="export"]')].reduce((s, p) => s + Number(p.getAttribute('stroke-width')), 0),
    );

  it('loads the default plan from the server and draws its flows on the offline base map', async () => {
    const { page, errors } = await open(PLANNER_KEY);
    expect(await page.evaluate(() => document.body.dataset.planSource)).toBe('server');
    const flows = await page.locator('path.flow-line').count();
    expect(flows).toBeGreaterThan(3);
    expect(await page.locator('path.flow-arrow').count()).toBeGreaterThan(0);
    expect(await page.locator('.market').count()).toBeGreaterThan(10);
    expect(await page.locator('.map-label').count()).toBeGreaterThan(8);
    // The base map is drawn (canvas) and the Caspian is labelled.
    expect(await page.locator('.leaflet-pane canvas').count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator('.label-sea', { hasText: 'Caspian Sea' }).count()).toBe(1);
    expect(await page.locator('#kpi-production .kpi-value').textContent()).toMatch(/Mt|kt/);
    expect(await page.locator('#legend').textContent()).toMatch(/Rail.*Road.*Sea/s);
    // Every market is reachable from the keyboard, named with its tonnes and netback, and opens its popup.
    const atyrau = page.locator('.market-focus[data-market="atyrau"]');
    expect(await atyrau.getAttribute('aria-label')).toMatch(/^Atyrau region: 350 kt, netback 52\.14 USD\/t$/);
    expect(await page.locator('.market-focus').count()).toBe(await page.locator('path.market').count());
    await atyrau.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.leaflet-popup-content').textContent()).toMatch(/Netback/);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('.leaflet-popup').count()).toBe(0);
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.market)).toBe('atyrau');
    await animationsSettled(page);
    await page.locator('#map').screenshot({ path: join(ARTIFACTS, 'map-default.png') });
    await page.screenshot({ path: join(ARTIFACTS, 'page-default.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('with high export prices, a stricter domestic rule (0.8) keeps 80 % at home and thins the export lines', async () => {
    const { page, errors } = await open(PLANNER_KEY);
    await page.getByLabel('Export prices × value', { exact: true }).fill('1.3');
    await runAndWait(page);
    const looseShare = await domesticShare(page);
    const looseExport = await exportWidth(page);
    expect(looseShare).toBeLessThan(0.8);
    expect(looseExport).toBeGreaterThan(0);

    await page.getByLabel('Minimum domestic share as a fraction (0–1)').fill('0.8');
    await runAndWait(page);
    expect(await domesticShare(page)).toBeGreaterThanOrEqual(0.8 - 1e-6);
    expect(await page.locator('#domestic-share-text').textContent()).toMatch(/rule: at least 80 %/);
    expect(await exportWidth(page)).toBeLessThan(looseExport);
    await page.locator('#map').screenshot({ path: join(ARTIFACTS, 'map-share-80.png') });

    // Two runs in the session: compare them on the map.
    await page.click('#compare-button');
    await expect.poll(() => page.locator('path.flow-diff').count()).toBeGreaterThan(0);
    expect(await page.locator('#compare-table').textContent()).toMatch(/Exports/);
    await page.locator('#map').screenshot({ path: join(ARTIFACTS, 'map-compare.png') });

    // The address reopens the same scenario.
    const url = page.url();
    expect(url).toContain('#');
    const again = await served.browser.context.newPage();
    await again.goto(url);
    await again.waitForSelector('body[data-ready="true"]');
    expect(await again.getByLabel('Minimum domestic share as a fraction (0–1)').inputValue()).toBe('0.8');
    expect(await domesticShare(again)).toBeGreaterThanOrEqual(0.8 - 1e-6);
    await again.close();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says clearly what is wrong with an invalid input, next to the field', async () => {
    const { page } = await open(PLANNER_KEY);
    const before = await planSeq(page);
    await page.getByLabel('Minimum domestic share as a fraction (0–1)').fill('1.5');
    await page.click('#run-button');
    const error = page.locator('.field-error', { hasText: 'Minimum domestic share' });
    await expect.poll(() => error.textContent()).toBe('Minimum domestic share must be at most 1.');
    expect(await page.getByLabel('Minimum domestic share as a fraction (0–1)').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#form-summary').textContent()).toMatch(/not valid/);
    expect(await planSeq(page)).toBe(before);
    // A value whose figure would overflow shows none beside the slider, never "Infinity %".
    await page.getByLabel('Minimum domestic share as a fraction (0–1)').fill('1e308');
    const shown = page.locator('.field', { has: page.getByLabel('Minimum domestic share as a fraction (0–1)') }).locator('output.slider-value');
    await expect.poll(() => shown.textContent()).toBe('—');
    await page.close();
  });

  it('re-plans live in the browser while a slider moves', async () => {
    const { page } = await open(PLANNER_KEY);
    const before = await planSeq(page);
    const slider = page.getByLabel('Export prices × slider');
    await slider.focus();
    for (let i = 0; i < 30; i += 1) await page.keyboard.press('ArrowRight');
    await page.waitForFunction((n) => Number(document.body.dataset.planSeq ?? 0) > n && document.body.dataset.planSource === 'browser', before);
    await expect.poll(() => page.locator('#plan-status').textContent()).toMatch(/Solved in this browser/);
    await page.close();
  });

  it('shows a month slider for monthly plans, with one width scale for every month', async () => {
    const { page } = await open(PLANNER_KEY);
    await page.getByLabel('Horizon').selectOption('monthly');
    await runAndWait(page);
    const slider = page.locator('#month-slider');
    await expect.poll(() => slider.isVisible()).toBe(true);
    await slider.fill('1');
    await expect.poll(() => page.locator('#month-label').textContent()).toMatch(/Jan/);
    const drawn = () =>
      page.evaluate(() => ({
        tonnes: [...document.querySelectorAll('path.flow-line')].reduce((s, p) => s + Number(p.getAttribute('data-tonnes')), 0),
        scale: document.querySelector('.legend-widths')?.textContent ?? '',
      }));
    const january = await drawn();
    await slider.fill('7');
    await expect.poll(() => page.locator('#month-label').textContent()).toMatch(/Jul/);
    const july = await drawn();
    // The months differ, the width scale (and so its legend) does not.
    expect(july.tonnes).not.toBe(january.tonnes);
    expect(july.scale).toBe(january.scale);
    expect(july.scale).toMatch(/month/);
    await page.locator('#map').screenshot({ path: join(ARTIFACTS, 'map-monthly-july.png') });
    await page.close();
  });

  it('is read-only for a viewer key: planner actions are hidden, the plan is still drawn', async () => {
    const { page, errors } = await open(VIEWER_KEY);
    await expect.poll(() => page.locator('#role-text').textContent()).toMatch(/Viewer key: read-only/);
    expect(await page.locator('#save-button').isVisible()).toBe(false);
    // A one-off solve stores nothing, so a viewer re-plans on the server too.
    await expect.poll(() => page.evaluate(() => document.body.dataset.planSource)).toBe('server');
    expect(await page.locator('path.flow-line').count()).toBeGreaterThan(3);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('fits a tablet: panels fold away and every input has a label', async () => {
    const tablet = await launchBrowser({ width: 820, height: 1180 });
    try {
      const page = await tablet.context.newPage();
      await page.addInitScript((k) => localStorage.setItem('caspian.apiKey', k), PLANNER_KEY);
      await page.goto(`${served.service.url}/`);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
      expect(await page.locator('#scenario-panel').evaluate((el) => el.classList.contains('collapsed'))).toBe(true);
      await page.screenshot({ path: join(ARTIFACTS, 'tablet-map.png') });
      await page.click('#toggle-scenario');
      expect(await page.locator('#toggle-scenario').getAttribute('aria-expanded')).toBe('true');
      await animationsSettled(page);
      await page.screenshot({ path: join(ARTIFACTS, 'tablet-scenario.png') });
      const unlabelled = await page.evaluate(() =>
        [...document.querySelectorAll('input, select')].filter((el) => {
          const id = el.getAttribute('id');
          return !(id && document.querySelector(`label[for="${id}"]`)) && !el.closest('label') && !el.getAttribute('aria-label');
        }).length,
      );
      expect(unlabelled).toBe(0);
    } finally {
      await tablet.close();
    }
  });
});
