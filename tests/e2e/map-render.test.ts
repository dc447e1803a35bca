/**
 * What the map draws, measured in the browser: labels (place names and volumes on flows) never
 * cover one another; the offline base map fills land as land and sea as sea in the far north too.
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

const LAND = [0xf3, 0xf1, 0xec];
const SEA = [0xc9, 0xdc, 0xe8];

/** Known places on the base map: [lat, lng]. */
const LAND_POINTS: Record<string, [number, number]> = { 'Urals, 60°N 60°E': [60, 60], 'Siberia, 65°N 90°E': [65, 90] };
const SEA_POINTS: Record<string, [number, number]> = { 'Caspian, 42°N 50.5°E': [42, 50.5], 'Kara Sea, 73°N 65°E': [73, 65] };

/** Web Mercator pixel position of [lat, lng] at `zoom` (Leaflet's 256-pixel tiles). */
function worldPx([lat, lng]: [number, number], zoom: number): { x: number; y: number } {
  const scale = (256 * 2 ** zoom) / (2 * Math.PI);
  const phi = (lat * Math.PI) / 180;
  return { x: scale * ((lng * Math.PI) / 180), y: -scale * Math.log(Math.tan(Math.PI / 4 + phi / 2)) };
}

interface BaseMapSample {
  colours: Record<string, number[]>;
  /** The longest run of line-dark pixels along any one row, as a share of the map's width. */
  longestRowLine: number;
}

/**
 * The base map alone (every other pane hidden) as the browser draws it: the colour around each
 * named point (a 5 × 5 median) and the longest dark horizontal run (a line across the map is a band).
 */
async function sampleBaseMap(page: Page, points: Record<string, [number, number]>): Promise<BaseMapSample> {
  const hash = await page.evaluate(() => location.hash);
  const [zoom, lat, lng] = /v=([\d.-]+)\/([\d.-]+)\/([\d.-]+)/.exec(hash)!.slice(1).map(Number);
  const centre = worldPx([lat, lng], zoom);
  await page.evaluate(() => {
    for (const pane of document.querySelectorAll<HTMLElement>('#map .leaflet-map-pane > .leaflet-pane, #map .leaflet-control-container')) {
      if (!pane.matches('.leaflet-base-pane, .leaflet-sea-pane')) pane.style.visibility = 'hidden';
    }
  });
  const png = await page.locator('#map').screenshot();
  await page.evaluate(() => {
    for (const pane of document.querySelectorAll<HTMLElement>('#map .leaflet-map-pane > .leaflet-pane, #map .leaflet-control-container')) pane.style.visibility = '';
  });
  const size = await page.evaluate(() => ({ w: document.getElementById('map')!.clientWidth, h: document.getElementById('map')!.clientHeight }));
  const at: Record<string, { x: number; y: number }> = {};
  for (const [name, p] of Object.entries(points)) {
    const w = worldPx(p, zoom);
    const x = Math.round(size.w / 2 + w.x - centre.x);
    const y = Math.round(size.h / 2 + w.y - centre.y);
    if (x >= 3 && y >= 3 && x < size.w - 3 && y < size.h - 3) at[name] = { x, y };
  }
  return page.evaluate(
    async ({ base64, at }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(bitmap, 0, 0);
      const { data, width, height } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
      const px = (x: number, y: number) => [0, 1, 2].map((c) => data[(y * width + x) * 4 + c]);
      const colours: Record<string, number[]> = {};
      for (const [name, { x, y }] of Object.entries(at)) {
        const around: number[][] = [];
        for (let dy = -2; dy <= 2; dy += 1) for (let dx = -2; dx <= 2; dx += 1) around.push(px(x + dx, y + dy));
        colours[name] = [0, 1, 2].map((c) => around.map((p) => p[c]).sort((a, b) => a - b)[12]);
      }
      // Borders and coasts are darker than both fills (channel sum below 600; land 720, sea 653).
      let longest = 0;
      for (let y = 0; y < height; y += 1) {
        let run = 0;
        for (let x = 0; x < width; x += 1) {
          const [r, g, b] = px(x, y);
          run = r + g + b < 600 ? run + 1 : 0;
          longest = Math.max(longest, run);
        }
      }
      return { colours, longestRowLine: longest / width };
    },
    { base64: png.toString('base64'), at },
  );
}

const near = (rgb: number[], target: number[]) => Math.max(...rgb.map((v, i) => Math.abs(v - target[i]))) <= 6;

const mapZoom = (page: Page) => page.evaluate(() => Number(document.getElementById('map')!.dataset.labelsZoom));

describe.skipIf(!run)('the map drawing', () => {
  let served: ServedPage;

  beforeAll(async () => {
    served = await startServedPage();
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

  it('fills land as land and sea as sea at zoom 3 and 4, centred on the Caspian and on northern Russia, with no band across', async () => {
    for (const [name, [lat, lng]] of [
      ['caspian', [42, 50.5]],
      ['north', [65, 60]],
    ] as const) {
      const { page, errors } = await served.open(PLANNER_KEY, { hash: `#v=3/${lat}/${lng}` });
      await labelsPlacedAt(page, 3);
      for (const zoom of [3, 4]) {
        if (zoom === 4) {
          for (const step of [3.5, 4]) {
            await page.click('.leaflet-control-zoom-in');
            await labelsPlacedAt(page, step);
          }
        }
        await page.locator('#map').screenshot({ path: join(ARTIFACTS, `basemap-${name}-z${zoom}.png`) });
        const sample = await sampleBaseMap(page, { ...LAND_POINTS, ...SEA_POINTS });
        const seen = Object.keys(sample.colours);
        expect(seen.filter((p) => p in LAND_POINTS).length, `land points in view at ${name} z${zoom}`).toBeGreaterThan(0);
        expect(seen.filter((p) => p in SEA_POINTS).length, `sea points in view at ${name} z${zoom}`).toBeGreaterThan(0);
        for (const [point, rgb] of Object.entries(sample.colours)) {
          const expected = point in LAND_POINTS ? LAND : SEA;
          expect(near(rgb, expected), `${point} at ${name} z${zoom}: rgb(${rgb.join(', ')})`).toBe(true);
        }
        expect(sample.longestRowLine, `a dark line across the map at ${name} z${zoom}`).toBeLessThan(0.4);
      }
      expect(errors).toEqual([]);
      await page.close();
    }
  });
});
