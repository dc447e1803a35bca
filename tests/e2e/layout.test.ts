/**
 * The page's layout on a phone, a tablet (both ways round) and a desktop: no sideways scrolling, a
 * map that keeps most of the width from 1024 px up, the status line in sight, and the Scenario and
 * Results panels never on top of each other. Screenshots go to test-artifacts/layout-<width>.png.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, browserAvailable, PLANNER_KEY, startServedPage, type ServedPage } from './harness.ts';

const run = browserAvailable();

const VIEWPORTS = [
  { width: 390, height: 844 },
  { width: 768, height: 1024 },
  { width: 1024, height: 768 },
  { width: 1440, height: 900 },
];

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The on-screen box of an element that is shown (not collapsed away), or null. */
function shownBox(page: Page, selector: string): Promise<Box | null> {
  return page.locator(selector).evaluate((el) => {
    const style = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    const onScreen = r.right > 0 && r.left < window.innerWidth && r.bottom > 0 && r.top < window.innerHeight;
    if (style.visibility === 'hidden' || style.display === 'none' || r.width === 0 || r.height === 0 || !onScreen) return null;
    return { x: r.x, y: r.y, width: r.width, height: r.height };
  });
}

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width - 0.5 && b.x < a.x + a.width - 0.5 && a.y < b.y + b.height - 0.5 && b.y < a.y + a.height - 0.5;
}

/** Clicks a panel toggle until the panel is open (a toggle closes an open panel). */
async function openPanel(page: Page, toggle: string): Promise<void> {
  if ((await page.locator(toggle).getAttribute('aria-expanded')) !== 'true') await page.click(toggle);
  await expect.poll(() => page.locator(toggle).getAttribute('aria-expanded')).toBe('true');
}

/** Waits until the panels' slide (a CSS transition) has finished: two equal boxes in a row. */
async function settled(page: Page, selector: string): Promise<void> {
  let last = '';
  await expect
    .poll(async () => {
      const now = JSON.stringify(await shownBox(page, selector));
      const same = now === last;
      last = now;
      return same;
    })
    .toBe(true);
}

describe.skipIf(!run)('the page layout on phones, tablets and desktops', () => {
  let served: ServedPage;

  beforeAll(async () => {
    served = await startServedPage();
  }, 240_000);

  afterAll(async () => {
    await served?.close();
  });

  for (const viewport of VIEWPORTS) {
    it(`fits ${viewport.width}×${viewport.height}`, async () => {
      const { page, errors } = await served.open(PLANNER_KEY, { viewport });
      const label = `at ${viewport.width} px`;

      // No sideways scrolling, with the panels as the page opens.
      const scroll = () => page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
      const opened = await scroll();
      expect(opened.scrollWidth, `page width ${label}`).toBeLessThanOrEqual(opened.innerWidth);

      // The status line is in sight and says what the page did.
      const status = await shownBox(page, '#run-status');
      expect(status, `status line ${label}`).not.toBeNull();
      expect(status!.width, `status line width ${label}`).toBeGreaterThan(100);
      expect((await page.locator('#run-status').textContent())?.trim().length, `status text ${label}`).toBeGreaterThan(0);

      // From 1024 px up the map keeps most of the width, with the panels that open with the page.
      await settled(page, '#map');
      const map = (await shownBox(page, '#map'))!;
      if (viewport.width >= 1024) expect(map.width / viewport.width, `map share of the width ${label}`).toBeGreaterThanOrEqual(0.55);
      await page.screenshot({ path: join(ARTIFACTS, `layout-${viewport.width}.png`) });

      // Scenario, then Results: both asked open, they never cover each other (nor scroll the page).
      await openPanel(page, '#toggle-scenario');
      await openPanel(page, '#toggle-kpi');
      await settled(page, '#kpi-panel');
      await settled(page, '#scenario-panel');
      const results = await shownBox(page, '#kpi-panel');
      const scenario = await shownBox(page, '#scenario-panel');
      expect(results, `Results shown ${label}`).not.toBeNull();
      if (scenario) expect(overlaps(scenario, results!), `Scenario under Results ${label}`).toBe(false);
      expect((await scroll()).scrollWidth, `page width with Results open ${label}`).toBeLessThanOrEqual(viewport.width);
      // Nor does the Results panel itself scroll sideways: its tables fit it (the markets' netbacks
      // were cut off), in English and in Russian, whose words are longer.
      const panelFits = () => page.locator('#kpi-panel').evaluate((el) => el.scrollWidth - el.clientWidth);
      expect(await panelFits(), `Results panel overflow ${label}`).toBeLessThanOrEqual(1);
      await page.screenshot({ path: join(ARTIFACTS, `layout-${viewport.width}-results.png`) });
      if (viewport.width === 1440) {
        const ru = await served.open(PLANNER_KEY, { viewport, hash: '#lang=ru' });
        await openPanel(ru.page, '#toggle-kpi');
        await settled(ru.page, '#kpi-panel');
        expect(await ru.page.locator('#kpi-panel').evaluate((el) => el.scrollWidth - el.clientWidth), `Results panel overflow in Russian ${label}`).toBeLessThanOrEqual(1);
        await ru.page.close();
      }

      // And the other way round: Scenario opened last is on top, whole, and not under Results.
      await page.click('#toggle-scenario');
      await openPanel(page, '#toggle-scenario');
      await settled(page, '#scenario-panel');
      await settled(page, '#kpi-panel');
      const scenarioLast = (await shownBox(page, '#scenario-panel'))!;
      expect(scenarioLast, `Scenario shown ${label}`).not.toBeNull();
      expect(scenarioLast.x, `Scenario left edge ${label}`).toBeGreaterThanOrEqual(0);
      expect(scenarioLast.x + scenarioLast.width, `Scenario right edge ${label}`).toBeLessThanOrEqual(viewport.width + 0.5);
      const resultsAfter = await shownBox(page, '#kpi-panel');
      if (resultsAfter) expect(overlaps(scenarioLast, resultsAfter), `Results over Scenario ${label}`).toBe(false);
      // The status line is still in sight with a panel open.
      expect(await shownBox(page, '#run-status'), `status line with Scenario open ${label}`).not.toBeNull();
      await page.screenshot({ path: join(ARTIFACTS, `layout-${viewport.width}-scenario.png`) });

      // The wide panels (Analysis, Library) and Scenario again: whichever opens last is shown, and the
      // map keeps most of the width beside it.
      if (viewport.width >= 1024) {
        for (const [toggle, panel] of [
          ['#toggle-analysis', '#analysis-panel'],
          ['#toggle-library', '#library-panel'],
          ['#toggle-scenario', '#scenario-panel'],
        ] as const) {
          await openPanel(page, toggle);
          await settled(page, panel);
          await settled(page, '#map');
          expect(await shownBox(page, panel), `${panel} shown ${label}`).not.toBeNull();
          const mapNow = (await shownBox(page, '#map'))!;
          expect(mapNow.width / viewport.width, `map share with ${panel} open ${label}`).toBeGreaterThanOrEqual(0.55);
          expect((await scroll()).scrollWidth, `page width with ${panel} open ${label}`).toBeLessThanOrEqual(viewport.width);
        }
        await page.screenshot({ path: join(ARTIFACTS, `layout-${viewport.width}-wide-panels.png`) });
      }
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});
