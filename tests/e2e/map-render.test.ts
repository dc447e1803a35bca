/**
 * What the map draws, measured in the browser: labels (place names and volumes on flows) never
 * cover one another.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, browserAvailable, PLANNER_KEY, startServedPage, type ServedPage } from './harness.ts';

const run = browserAvailable();

interface LabelBox {
  text: string;
  /** A volume on a flow (not a place name). */
  volume: boolean;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Every label on the map as the browser draws it, and whether it stays inside the map. */
async function labelBoxes(page: Page): Promise<{ boxes: LabelBox[]; outside: string[] }> {
  return page.evaluate(() => {
    const frame = document.getElementById('map')!.getBoundingClientRect();
    const boxes: LabelBox[] = [];
    const outside: string[] = [];
    for (const span of document.querySelectorAll<HTMLElement>('#map .map-label span, #map .flow-volume span')) {
      const r = span.getBoundingClientRect();
      if (r.width === 0 || getComputedStyle(span).visibility === 'hidden') continue;
      const text = span.textContent ?? '';
      boxes.push({ text, volume: span.closest('.flow-volume') != null, left: r.left, top: r.top, right: r.right, bottom: r.bottom });
      if (r.left < frame.left - 1 || r.top < frame.top - 1 || r.right > frame.right + 1 || r.bottom > frame.bottom + 1) outside.push(text);
    }
    return { boxes, outside };
  });
}

/** Pairs of labels whose boxes intersect. */
function collisions(boxes: LabelBox[]): string[] {
  const pairs: string[] = [];
  for (let i = 0; i < boxes.length; i += 1) {
    for (let j = i + 1; j < boxes.length; j += 1) {
      const [a, b] = [boxes[i], boxes[j]];
      if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) pairs.push(`"${a.text}" × "${b.text}"`);
    }
  }
  return pairs;
}

/** Waits until the labels have been placed for the map's zoom `zoom`. */
async function labelsPlacedAt(page: Page, zoom: number): Promise<void> {
  await page.waitForFunction((z) => Math.abs(Number(document.getElementById('map')!.dataset.labelsZoom) - z) < 1e-9, zoom, { timeout: 30_000 });
}

const mapZoom = (page: Page) => page.evaluate(() => Number(document.getElementById('map')!.dataset.labelsZoom));

describe.skipIf(!run)('the map drawing', () => {
  let served: ServedPage;

  beforeAll(async () => {
    served = await startServedPage();
    // The first plan starts the solver's worker; a page opened after it gets its plan promptly.
    const warm = await served.service.app.inject({ method: 'POST', url: '/api/v1/optimise', payload: { name: 'warm-up' }, headers: { authorization: `Bearer ${PLANNER_KEY}` } });
    expect(warm.statusCode).toBe(200);
  }, 300_000);

  afterAll(async () => {
    await served?.close();
  });

  it('places volumes and place names in one placement: no two labels meet, at the default view and one zoom level in', async () => {
    const { page, errors } = await served.open(PLANNER_KEY);
    await page.click('#toggle-volumes');
    await expect.poll(() => page.locator('#map .flow-volume').count(), { timeout: 30_000 }).toBeGreaterThan(2);

    const atDefault = await labelBoxes(page);
    expect(atDefault.boxes.map((b) => b.text)).toContain('Baiganin plant');
    expect(atDefault.boxes.filter((b) => b.volume).length).toBeGreaterThan(2);
    expect(collisions(atDefault.boxes)).toEqual([]);
    expect(atDefault.outside).toEqual([]);
    await page.locator('#map').screenshot({ path: join(ARTIFACTS, 'map-labels-default.png') });

    // One zoom level in (the zoom buttons step by half a level); labels are placed again.
    const zoom = await mapZoom(page);
    for (const step of [0.5, 1]) {
      await page.click('.leaflet-control-zoom-in');
      await labelsPlacedAt(page, zoom + step);
    }
    const zoomedIn = await labelBoxes(page);
    expect(zoomedIn.boxes.map((b) => b.text)).toContain('Baiganin plant');
    expect(zoomedIn.boxes.filter((b) => b.volume).length).toBeGreaterThan(2);
    expect(collisions(zoomedIn.boxes)).toEqual([]);
    expect(zoomedIn.outside).toEqual([]);
    await page.locator('#map').screenshot({ path: join(ARTIFACTS, 'map-labels-zoom-in.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});
