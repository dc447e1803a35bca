/**
 * Room to negotiate end to end, with a VIEWER key (the route is a read): the role line says the tab
 * works, the tab draws one range bar per market and the alternative plans as cards, and the markets
 * with room are ringed (dashed) on the map only while the tab is open. Screenshots go to
 * test-artifacts/analysis-alternatives*.png.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { animationsSettled, ARTIFACTS, browserAvailable, startServedPage, VIEWER_KEY, type OpenedPage, type ServedPage } from './harness.ts';

const run = browserAvailable();

describe.skipIf(!run)('room to negotiate', () => {
  let served: ServedPage;

  beforeAll(async () => {
    served = await startServedPage();
  }, 120_000);

  afterAll(async () => {
    await served?.close();
  });

  async function open(key: string): Promise<OpenedPage> {
    const opened = await served.open(key);
    const { page } = opened;
    await page.click('#toggle-analysis');
    await expect.poll(() => page.locator('#analysis-panel').evaluate((el) => !el.classList.contains('collapsed'))).toBe(true);
    await animationsSettled(page);
    return opened;
  }

  it('runs with a viewer key: range bars, alternative plans, dashed rings on the map while the tab is open', async () => {
    const { page, errors } = await open(VIEWER_KEY);
    await expect.poll(() => page.locator('#analysis-role').textContent()).toMatch(/Viewer key: “Room to negotiate” works with your key/);

    await page.getByRole('tab', { name: 'Room to negotiate' }).click();
    expect(await page.locator('#negotiate-tolerance').inputValue()).toBe('1');
    await page.click('#negotiate-run');
    await page.locator('#negotiate-chart svg.range-bars').waitFor({ timeout: 30_000 });
    expect(await page.locator('#negotiate-status').textContent()).toMatch(/Done/);

    // One bar per market with a band and the best plan's tick; served markets come first, largest first.
    const bars = page.locator('#negotiate-chart g.range-row');
    expect(await bars.count()).toBeGreaterThanOrEqual(5);
    expect(await page.locator('#negotiate-chart rect.range-band').count()).toBe(await bars.count());
    expect(await page.locator('#negotiate-chart line.plan-tick').count()).toBe(await bars.count());
    const notes = await page.locator('#negotiate-chart .row-note').allTextContents();
    for (const n of notes) expect(n).toMatch(/ kt$/);
    const fills = await page.locator('#negotiate-chart rect.range-band').evaluateAll((els) => els.map((e) => e.getAttribute('fill')));
    expect(new Set(fills)).toEqual(new Set(['#2f7d32', '#6a3fb5']));

    // Alternative plans as cards: what they give up and which markets change.
    const cards = page.locator('#negotiate-plans .alt-card');
    expect(await cards.count()).toBeGreaterThanOrEqual(2);
    expect(await cards.first().textContent()).toMatch(/Gives up USD .* % of the best margin/);
    expect(await cards.first().locator('.alt-changes li').count()).toBeGreaterThan(0);
    expect(await page.locator('#negotiate-summary').textContent()).toMatch(/Best margin USD/);

    // The map rings the markets with room, dashed, only while this tab is open.
    const rings = Number(await page.evaluate(() => document.body.dataset.roomRings));
    expect(rings).toBeGreaterThan(0);
    await expect.poll(() => page.locator('path.room-ring').count()).toBe(rings);
    expect(await page.locator('#analysis-negotiate').textContent()).toMatch(/dashed amber ring marks the \d+ markets? with more than 1 kt of room/);
    await page.screenshot({ path: join(ARTIFACTS, 'analysis-alternatives-page.png') });
    // Tall enough for the whole tab (chart and cards) in one picture.
    await page.setViewportSize({ width: 1440, height: 1900 });
    await animationsSettled(page);
    const panel = (await page.locator('#analysis-panel').boundingBox())!;
    const end = (await page.locator('#negotiate-results').boundingBox())!;
    await page.screenshot({ path: join(ARTIFACTS, 'analysis-alternatives.png'), clip: { x: panel.x, y: panel.y, width: panel.width, height: end.y + end.height + 12 - panel.y } });
    await page.setViewportSize({ width: 1440, height: 900 });

    await page.getByRole('tab', { name: 'Contracts' }).click();
    await expect.poll(() => page.locator('path.room-ring').count()).toBe(0);
    await page.getByRole('tab', { name: 'Room to negotiate' }).click();
    await expect.poll(() => page.locator('path.room-ring').count()).toBe(rings);
    await page.click('#toggle-kpi');
    await expect.poll(() => page.locator('path.room-ring').count()).toBe(0);

    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it('says what is wrong with a tolerance out of bounds before asking the server', async () => {
    const { page } = await open(VIEWER_KEY);
    await page.getByRole('tab', { name: 'Room to negotiate' }).click();
    await page.locator('#negotiate-tolerance').fill('12');
    await page.click('#negotiate-run');
    await expect.poll(() => page.locator('#negotiate-status').textContent()).toMatch(/from 0 to 10/);
    await page.close();
  });
});
