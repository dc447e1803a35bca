/**
 * Defects from the planner's desk review (issue 11), in the browser: square-root flow widths and the
 * legend samples that match them, flow tooltips kept inside the map's top edge, the month bar clear
 * of the legend, a Tab order without unnamed map paths, and map labels at 4.5:1 contrast or more.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, browserAvailable, PLANNER_KEY, startServedPage, type ServedPage } from './harness.ts';

const run = browserAvailable();

function tonnesOf(text: string): number {
  const m = /([\d.,]+)\s*(Mt|kt|t)/.exec(text.replace(/\u202f|\u00a0/g, ' '));
  if (!m) return Number.NaN;
  const v = Number(m[1].replace(/,/g, ''));
  return m[2] === 'Mt' ? v * 1e6 : m[2] === 'kt' ? v * 1e3 : v;
}

async function runAndWait(page: Page): Promise<void> {
  const before = await page.evaluate(() => Number(document.body.dataset.planSeq ?? 0));
  await page.click('#run-button');
  await page.waitForFunction((n) => Number(document.body.dataset.planSeq ?? 0) > n, before, { timeout: 30_000 });
}

describe.skipIf(!run)('issue 11 defects in the page', () => {
  let served: ServedPage;

  beforeAll(async () => {
    served = await startServedPage();
  }, 120_000);

  afterAll(async () => {
    await served?.close();
  });

  it('draws flow widths by the square root of tonnes, and the legend samples with the same scale', async () => {
    const { page } = await served.open(PLANNER_KEY);
    const samples = await page.evaluate(() =>
      [...document.querySelectorAll('.legend-widths .legend-row')].map((row) => ({
        text: row.textContent ?? '',
        px: Number.parseFloat((row.querySelector('.legend-width') as HTMLElement).style.height),
      })),
    );
    expect(samples.length).toBe(3);
    const [big, , small] = samples.map((s) => ({ t: tonnesOf(s.text), px: s.px }));
    expect(big.t).toBeGreaterThan(small.t);
    // Distinct sizes, in the ratio of the square roots of their tonnes (both above the 1.5 px floor).
    expect(Math.abs(big.px / small.px / Math.sqrt(big.t / small.t) - 1)).toBeLessThan(0.03);
    const flows = await page.evaluate(() =>
      [...document.querySelectorAll('path.flow-line')].map((p) => ({ t: Number(p.getAttribute('data-tonnes')), px: Number(p.getAttribute('stroke-width')) })),
    );
    const above = flows.filter((f) => f.t > 0 && f.px > 1.5 && f.px < 14).sort((a, b) => b.t - a.t);
    expect(above.length).toBeGreaterThan(1);
    const a = above[0];
    const b = above[above.length - 1];
    expect(Math.abs(a.px / b.px / Math.sqrt(a.t / b.t) - 1)).toBeLessThan(0.03);
    await page.close();
  });

  it('keeps a flow tooltip inside the map at its top edge', async () => {
    const { page } = await served.open(PLANNER_KEY);
    const mapBox = (await page.locator('#map').boundingBox())!;
    // The topmost point of the thickest flow, in page pixels.
    const topPoint = () =>
      page.evaluate(() => {
        const paths = [...document.querySelectorAll<SVGPathElement>('path.flow-line')].sort((x, y) => Number(y.getAttribute('stroke-width')) - Number(x.getAttribute('stroke-width')));
        const path = paths[0];
        const m = path.getScreenCTM()!;
        let best = { x: 0, y: Number.POSITIVE_INFINITY };
        const n = path.getTotalLength();
        for (let i = 0; i <= 200; i += 1) {
          const p = path.getPointAtLength((n * i) / 200);
          const x = m.a * p.x + m.c * p.y + m.e;
          const y = m.b * p.x + m.d * p.y + m.f;
          if (y < best.y) best = { x, y };
        }
        return best;
      });
    // Pan with the keyboard (80 px a press) until that point is near the map's top edge; each pan
    // ends with the view written into the address.
    await page.locator('#map').focus();
    for (let i = 0; i < 30; i += 1) {
      const y = (await topPoint()).y - mapBox.y;
      if (y >= 4 && y <= 90) break;
      const before = page.url();
      await page.keyboard.press(y > 90 ? 'ArrowDown' : 'ArrowUp');
      await page.waitForFunction((u) => location.href !== u, before);
    }
    const top = await topPoint();
    expect(top.y - mapBox.y).toBeLessThan(100);
    expect(top.y - mapBox.y).toBeGreaterThan(0);
    await page.mouse.move(top.x - 1, top.y + 1);
    await page.mouse.move(top.x, top.y + 1);
    const tooltip = page.locator('.leaflet-tooltip.map-tooltip');
    await tooltip.first().waitFor({ state: 'visible' });
    const box = (await tooltip.first().boundingBox())!;
    await page.locator('#map').screenshot({ path: join(ARTIFACTS, 'tooltip-top-edge.png') });
    expect(box.y).toBeGreaterThanOrEqual(mapBox.y);
    await page.close();
  });

  it('keeps the month bar clear of the legend at 1440 and 1024 px', async () => {
    for (const viewport of [
      { width: 1440, height: 900 },
      { width: 1024, height: 768 },
    ]) {
      const { page } = await served.open(PLANNER_KEY, { viewport });
      await page.getByLabel('Horizon').selectOption('monthly');
      await runAndWait(page);
      await page.locator('#month-bar').waitFor({ state: 'visible' });
      const bar = (await page.locator('#month-bar').boundingBox())!;
      const legend = (await page.locator('#legend').boundingBox())!;
      const overlap = !(bar.x + bar.width <= legend.x || legend.x + legend.width <= bar.x || bar.y + bar.height <= legend.y || legend.y + legend.height <= bar.y);
      if (viewport.width === 1024) await page.screenshot({ path: join(ARTIFACTS, 'month-bar-1024.png') });
      expect(overlap, `month bar over the legend at ${viewport.width} px`).toBe(false);
      // Its contents fit inside it (nothing spills out over the legend).
      const fit = await page.locator('#month-bar').evaluate((el) => [el.scrollWidth, el.clientWidth]);
      expect(fit[0], `month bar contents at ${viewport.width} px`).toBeLessThanOrEqual(fit[1] + 1);
      await page.close();
    }
  });

  it('tabs to zoom, the legend and the downloads without passing unnamed map paths', async () => {
    const { page } = await served.open(PLANNER_KEY);
    await page.locator('#map').focus();
    const seen: string[] = [];
    for (let i = 0; i < 40; i += 1) {
      await page.keyboard.press('Tab');
      const what = await page.evaluate(() => {
        const e = document.activeElement!;
        if (e.tagName.toLowerCase() === 'path') return 'path';
        return e.id || e.className.toString() || e.tagName;
      });
      seen.push(what);
      if (what === 'download-csv') break;
    }
    expect(seen).not.toContain('path');
    const zoom = seen.findIndex((s) => s.includes('leaflet-control-zoom-in'));
    const legend = seen.indexOf('toggle-volumes');
    const csv = seen.indexOf('download-csv');
    expect(zoom).toBeGreaterThanOrEqual(0);
    expect(legend).toBeGreaterThan(zoom);
    expect(csv).toBeGreaterThan(legend);
    await page.close();
  });

  it('draws map labels at a contrast of at least 4.5:1 on land and on sea', async () => {
    const { page } = await served.open(PLANNER_KEY);
    const worst = await page.evaluate(() => {
      const lum = (rgb: number[]) => {
        const f = (c: number) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
        return 0.2126 * f(rgb[0]) + 0.7152 * f(rgb[1]) + 0.0722 * f(rgb[2]);
      };
      const contrast = (a: number[], b: number[]) => {
        const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
        return (x + 0.05) / (y + 0.05);
      };
      const land = [0xf3, 0xf1, 0xec];
      const sea = [0xc9, 0xdc, 0xe8];
      let min = { ratio: Number.POSITIVE_INFINITY, text: '' };
      for (const span of document.querySelectorAll<HTMLElement>('.map-label span')) {
        const rgb = getComputedStyle(span).color.match(/\d+/g)!.slice(0, 3).map(Number);
        const ratio = Math.min(contrast(rgb, land), contrast(rgb, sea));
        if (ratio < min.ratio) min = { ratio, text: span.textContent ?? '' };
      }
      return min;
    });
    expect(worst.ratio, `label "${worst.text}"`).toBeGreaterThanOrEqual(4.5);
    await page.close();
  });
});
