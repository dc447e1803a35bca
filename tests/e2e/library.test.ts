/**
 * The scenario and run library in the page: stored runs listed with name, who, when, status, margin
 * and inputs hash; search; open one; compare two, with the comparison in the link.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, browserAvailable, PLANNER_KEY, startServedPage, VIEWER_KEY, type ServedPage } from './harness.ts';

const run = browserAvailable();

const planSeq = (page: Page) => page.evaluate(() => Number(document.body.dataset.planSeq ?? 0));
const shareBox = (page: Page) => page.getByLabel('Minimum domestic share as a fraction (0–1)');

async function saveRun(page: Page, name: string, share: string): Promise<string> {
  await page.getByLabel('Scenario name').fill(name);
  await shareBox(page).fill(share);
  const before = await planSeq(page);
  await page.click('#save-button');
  await page.waitForFunction((n) => Number(document.body.dataset.planSeq ?? 0) > n && document.body.dataset.planSource === 'run', before, { timeout: 30_000 });
  return new URLSearchParams(new URL(await page.evaluate(() => location.href)).hash.slice(1)).get('run')!;
}

describe.skipIf(!run)('the scenario and run library', () => {
  let served: ServedPage;

  beforeAll(async () => {
    served = await startServedPage();
  }, 120_000);

  afterAll(async () => {
    await served?.close();
  });

  it('lists stored runs, finds them, opens one and compares two with the comparison in the link', async () => {
    const { page, errors } = await served.open(PLANNER_KEY);
    const loose = await saveRun(page, 'Loose rule', '0.5');
    const strict = await saveRun(page, 'Strict rule', '0.8');
    expect(loose).not.toBe(strict);

    await page.click('#toggle-library');
    const rows = page.locator('#library-table tbody tr[data-kind="run"]');
    await expect.poll(() => rows.count()).toBe(2);
    await page.waitForSelector('#library-panel[data-margins="loaded"]');
    const strictRow = page.locator(`#library-table tr[data-id="${strict}"]`);
    const text = await strictRow.textContent();
    expect(text).toContain('Strict rule');
    expect(text).toContain('optimal');
    expect(text).toMatch(/USD [\d.]+ [mk]/);
    expect(await strictRow.locator('td.mono').getAttribute('title')).toMatch(/^[0-9a-f]{16,}$/);
    await page.screenshot({ path: join(ARTIFACTS, 'library.png') });

    // Search by name, then by part of the inputs hash.
    await page.fill('#library-search', 'loose');
    await expect.poll(() => rows.count()).toBe(1);
    const hash = (await page.locator(`#library-table tr[data-id="${loose}"] td.mono`).getAttribute('title'))!;
    await page.fill('#library-search', hash.slice(0, 12));
    await expect.poll(() => rows.count()).toBe(1);
    await page.fill('#library-search', '');
    await expect.poll(() => rows.count()).toBe(2);

    // Open the loose run: its inputs fill the form, nothing is stale.
    const before = await planSeq(page);
    await page.click(`#library-table tr[data-id="${loose}"] button.library-open`);
    await page.waitForFunction((n) => Number(document.body.dataset.planSeq ?? 0) > n, before);
    await expect.poll(() => shareBox(page).inputValue()).toBe('0.5');
    expect(await page.evaluate(() => location.href)).toContain(`run=${loose}`);
    expect(await page.locator('#stale-banner').isVisible()).toBe(false);

    // Compare the two: the difference map, and the pair in the link.
    expect(await page.locator('#toggle-library').getAttribute('aria-expanded')).toBe('true');
    await page.check(`#pick-${loose}`);
    await page.check(`#pick-${strict}`);
    await page.click('#library-compare');
    await expect.poll(() => page.evaluate(() => location.href)).toContain(`cmp=${loose},${strict}`);
    await expect.poll(() => page.locator('path.flow-diff').count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    const link = new URL(await page.evaluate(() => location.href)).hash;
    await page.close();

    // The link reopens the comparison, for a viewer too.
    const viewer = (await served.open(VIEWER_KEY, { hash: link })).page;
    expect(await viewer.evaluate(() => document.body.dataset.compare)).toBe(`${loose},${strict}`);
    expect(await viewer.locator('path.flow-diff').count()).toBeGreaterThan(0);
    expect(await viewer.locator('#toggle-kpi').getAttribute('aria-expanded')).toBe('true');
    expect(await viewer.locator('#compare-table').textContent()).toMatch(/Exports/);
    expect(await viewer.locator('#compare-a option:checked').textContent()).toContain('Loose rule');
    expect(await viewer.locator('#compare-b option:checked').textContent()).toContain('Strict rule');
    await viewer.screenshot({ path: join(ARTIFACTS, 'library-compare.png') });
    await viewer.close();
  });
});
