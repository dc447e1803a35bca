/**
 * The plan for a slide deck: the print stylesheet puts the title, the map, the KPIs and the markets
 * served on one A4 landscape page (controls left out), and the Map PNG button saves the map view as
 * a PNG made in the page. Artifacts: test-artifacts/plan-print.pdf, plan-print.png (print-emulated
 * screenshot) and map-view.png.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, browserAvailable, PLANNER_KEY, startServedPage, type ServedPage } from './harness.ts';

const run = browserAvailable();

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from a PNG's IHDR chunk (right after the signature). */
function pngSize(bytes: Buffer): { width: number; height: number } {
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

function rgb(hex: string): number[] {
  return [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
}

/** Share of the image's pixels in each exact colour, decoded by the browser. */
function colourShares(page: Page, png: Buffer): Promise<Record<string, number>> {
  return page.evaluate(async (base64) => {
    const image = new Image();
    image.src = `data:image/png;base64,${base64}`;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.naturalWidth;
    canvas.height = image.naturalHeight;
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(image, 0, 0);
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    const counts: Record<string, number> = {};
    for (let i = 0; i < data.length; i += 4) {
      const key = `#${[data[i], data[i + 1], data[i + 2]].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    const total = data.length / 4;
    for (const key of Object.keys(counts)) counts[key] /= total;
    return counts;
  }, png.toString('base64'));
}

describe.skipIf(!run)('the plan for a slide deck', () => {
  let served: ServedPage;

  beforeAll(async () => {
    served = await startServedPage();
  }, 240_000);

  afterAll(async () => {
    await served?.close();
  });

  it('saves the map view as a PNG of the map’s size, drawn offline with land, sea and flows', async () => {
    const { page, errors } = await served.open(PLANNER_KEY);
    const mapSize = await page.locator('#map').evaluate((el) => ({ width: el.clientWidth, height: el.clientHeight }));
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-map-png')]);
    expect(download.suggestedFilename()).toMatch(/^caspian-plan-.+\.png$/);
    const path = join(ARTIFACTS, 'map-view.png');
    await download.saveAs(path);
    const bytes = readFileSync(path);
    expect([...bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(pngSize(bytes)).toEqual(mapSize);
    const shares = await colourShares(page, bytes);
    // Not blank: the offline land and the sea fill large areas, and many other colours are drawn over them.
    expect(shares['#f3f1ec'] ?? 0, 'land').toBeGreaterThan(0.05);
    expect(shares['#c9dce8'] ?? 0, 'sea').toBeGreaterThan(0.05);
    expect(Object.keys(shares).length).toBeGreaterThan(50);
    // The flows are in it: a line's colour, at its opacity over the land (or Kazakhstan's lighter fill), covers some pixels.
    const line = page.locator('path.flow-line').first();
    const stroke = rgb((await line.getAttribute('stroke'))!);
    const opacity = Number((await line.getAttribute('stroke-opacity')) ?? 1);
    const over = ['#f3f1ec', '#fbf7ea'].map((under) => rgb(under).map((u, i) => opacity * stroke[i] + (1 - opacity) * u));
    const flowShare = Object.entries(shares)
      .filter(([hex]) => over.some((want) => Math.hypot(...rgb(hex).map((v, i) => v - want[i])) <= 12))
      .reduce((sum, [, share]) => sum + share, 0);
    expect(flowShare, `flow colour ${stroke} at opacity ${opacity}`).toBeGreaterThan(0.001);
    await expect.poll(() => page.locator('#run-status').textContent()).toMatch(/Map image saved/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('prints the map, KPIs and markets on exactly one A4 landscape page, without the controls', async () => {
    const { page, errors } = await served.open(PLANNER_KEY);
    const production = (await page.locator('#kpi-production .kpi-value').textContent())!;
    await page.emulateMedia({ media: 'print' });
    await page.waitForSelector('body[data-map-layout="print"]');
    await page.screenshot({ path: join(ARTIFACTS, 'plan-print.png') });

    // In print: the KPIs and the markets table are there, the controls are not.
    expect(await page.locator('#kpi-production .kpi-value').isVisible()).toBe(true);
    expect(await page.locator('#kpi-production .kpi-value').textContent()).toBe(production);
    expect(await page.locator('#kpi-margin').isVisible()).toBe(true);
    expect(await page.locator('.markets-served table.markets tbody tr').first().isVisible()).toBe(true);
    for (const hidden of ['#scenario-panel', '#toggle-kpi', '#run-button', '.leaflet-control-zoom', '#download-csv', '#lang-select']) {
      expect(await page.locator(hidden).isVisible(), `${hidden} in print`).toBe(false);
    }
    // The map, the KPIs and the markets table lie inside the printed area (A4 landscape less 8 mm margins).
    const page96 = { width: (281 / 25.4) * 96, height: (194 / 25.4) * 96 };
    for (const inside of ['#map', '#kpi-production', '.markets-served table.markets']) {
      const box = (await page.locator(inside).boundingBox())!;
      expect(box.x + box.width, `${inside} right edge`).toBeLessThanOrEqual(page96.width + 1);
      expect(box.y + box.height, `${inside} bottom edge`).toBeLessThanOrEqual(page96.height + 1);
    }
    // The map was fitted to its print size: its drawn flows lie inside it.
    const map = (await page.locator('#map').boundingBox())!;
    expect(map.width).toBeGreaterThan(page96.width * 0.5);
    const flows = await page.locator('path.flow-line').evaluateAll((paths) => paths.map((p) => p.getBoundingClientRect()).filter((r) => r.width > 0).map((r) => ({ x: r.x + r.width / 2, y: r.y + r.height / 2 })));
    expect(flows.filter((c) => c.x >= map.x && c.x <= map.x + map.width && c.y >= map.y && c.y <= map.y + map.height).length).toBeGreaterThan(3);

    const pdf = await page.pdf({ format: 'A4', landscape: true, printBackground: true });
    const pdfPath = join(ARTIFACTS, 'plan-print.pdf');
    writeFileSync(pdfPath, pdf);
    const text = pdf.toString('latin1');
    expect(text.startsWith('%PDF-')).toBe(true);
    expect(text.match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length, 'pages in the PDF').toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a page printed in tenge says the rate, in the page language', async () => {
    const { page, errors } = await served.open(PLANNER_KEY, { hash: '#lang=ru&cur=KZT' });
    await page.waitForSelector('#kpi-margin');
    expect(await page.locator('#currency-print').isVisible()).toBe(false);
    await page.emulateMedia({ media: 'print' });
    await page.waitForSelector('body[data-map-layout="print"]');
    await page.screenshot({ path: join(ARTIFACTS, 'plan-print-kzt-ru.png') });
    expect(await page.locator('#kpi-margin .kpi-value').textContent()).toMatch(/^KZT /);
    expect(await page.locator('#currency-print').isVisible()).toBe(true);
    expect(await page.locator('#currency-print').textContent()).toMatch(/^Суммы в тенге по курсу \d+ KZT\/USD \(курс плана на \d{4} год\)\.$/);
    // The switch itself stays out of print.
    expect(await page.locator('#currency-kzt').isVisible()).toBe(false);
    const pdf = await page.pdf({ format: 'A4', landscape: true, printBackground: true });
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length, 'pages in the PDF').toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });
});
