/**
 * First paint of the default plan: the built page served by the real service, in headless Chromium.
 * Prints the time from navigation to the plan drawn over the base map (cold, then the median of warm
 * loads), the browser's first contentful paint, and the gzip size of the page's JavaScript; then
 * dragging a live slider: the time from one step of the export-price slider to the re-planned flows
 * drawn (solved in the page's web worker), over SLIDER_STEPS steps (target < 100 ms).
 *   npm run bench:web            (builds web/dist first)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BrowserContext } from 'playwright-core';
import { buildWeb, launchBrowser, PLANNER_KEY, startService, WEB_DIST, browserAvailable } from '../tests/e2e/harness.ts';

const RUNS = Number(process.env.RUNS ?? 7);
const SLIDER_STEPS = Number(process.env.SLIDER_STEPS ?? 30);

function gzipKb(file: string): number {
  return gzipSync(readFileSync(file), { level: 9 }).length / 1024;
}

async function main(): Promise<void> {
  if (!browserAvailable()) {
    console.log('bench:web skipped: /usr/bin/chromium is not installed');
    return;
  }
  await buildWeb();
  const assets = join(WEB_DIST, 'assets');
  const html = readFileSync(join(WEB_DIST, 'index.html'), 'utf8');
  const js = readdirSync(assets).filter((f) => f.endsWith('.js'));
  const initial = js.filter((f) => html.includes(f));
  const lazy = js.filter((f) => !html.includes(f));
  const sum = (files: string[]) => files.reduce((s, f) => s + gzipKb(join(assets, f)), 0);
  const baseMap = readdirSync(assets).filter((f) => f.endsWith('.json') || f.endsWith('.geojson'));

  const service = await startService();
  const browser = await launchBrowser();
  const samples: { drawnMs: number; fcpMs: number }[] = [];
  let sliderMs: number[] = [];
  try {
    for (let i = 0; i < RUNS; i += 1) {
      const page = await browser.context.newPage();
      await page.addInitScript((k) => localStorage.setItem('caspian.apiKey', k), PLANNER_KEY);
      await page.goto(`${service.url}/`);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
      const timing = await page.evaluate(() => ({
        drawnMs: performance.getEntriesByName('plan-drawn')[0]?.startTime ?? Number.NaN,
        fcpMs: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
      }));
      samples.push(timing);
      await page.close();
    }
    sliderMs = await measureSlider(browser.context, service.url);
  } finally {
    await browser.close();
    await service.close();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const warm = samples.slice(1);
  console.log(`first paint of the default plan (navigation → flows drawn over the base map, server solve included)`);
  console.log(`  cold load:            ${samples[0].drawnMs.toFixed(0)} ms (first contentful paint ${samples[0].fcpMs.toFixed(0)} ms)`);
  console.log(`  warm, median of ${warm.length}:    ${median(warm.map((s) => s.drawnMs)).toFixed(0)} ms (first contentful paint ${median(warm.map((s) => s.fcpMs)).toFixed(0)} ms)`);
  const sortedSlider = [...sliderMs].sort((a, b) => a - b);
  const p90 = sortedSlider[Math.min(sortedSlider.length - 1, Math.ceil(0.9 * sortedSlider.length) - 1)] ?? Number.NaN;
  console.log(`dragging the export-price slider, ${sliderMs.length} steps (one step → re-planned flows drawn, in the page's worker)`);
  console.log(`  median ${median(sliderMs).toFixed(0)} ms, p90 ${p90.toFixed(0)} ms, max ${Math.max(...sliderMs).toFixed(0)} ms (target < 100 ms)`);
  console.log(`JavaScript, gzip:`);
  console.log(`  loaded with the page: ${sum(initial).toFixed(1)} KB (${initial.join(', ')})`);
  console.log(`  loaded on demand:     ${sum(lazy).toFixed(1)} KB (${lazy.join(', ')}: in-browser optimiser)`);
  console.log(`  total:                ${(sum(initial) + sum(lazy)).toFixed(1)} KB (budget 400 KB)`);
  console.log(`base map data, gzip:    ${sum(baseMap).toFixed(1)} KB (${baseMap.join(', ')})`);
}

/**
 * One step of the live export-price slider at a time: sets its value, fires `input` as a drag does,
 * and waits for the page to draw a plan solved in the browser (`data-plan-seq` moves on with
 * `data-plan-source="browser"`) and for the next frame; returns each step's time.
 */
async function measureSlider(context: BrowserContext, url: string): Promise<number[]> {
  const page = await context.newPage();
  await page.addInitScript((k) => localStorage.setItem('caspian.apiKey', k), PLANNER_KEY);
  await page.goto(`${url}/`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  const slider = page.getByLabel('Export prices × slider');
  // The first step loads the in-page optimiser and sends it the network: not counted.
  const times: number[] = [];
  for (let i = 0; i <= SLIDER_STEPS; i += 1) {
    const ms = await slider.evaluate(
      (input, value) =>
        new Promise<number>((resolve) => {
          const el = input as HTMLInputElement;
          const before = Number(document.body.dataset.planSeq ?? 0);
          const started = performance.now();
          const observer = new MutationObserver(() => {
            if (Number(document.body.dataset.planSeq ?? 0) > before && document.body.dataset.planSource === 'browser') {
              observer.disconnect();
              requestAnimationFrame(() => resolve(performance.now() - started));
            }
          });
          observer.observe(document.body, { attributes: true, attributeFilter: ['data-plan-seq', 'data-plan-source'] });
          el.value = String(value);
          el.dispatchEvent(new Event('input', { bubbles: true }));
        }),
      (1.01 + (i % 40) * 0.01).toFixed(2),
    );
    if (i > 0) times.push(ms);
  }
  await page.close();
  return times;
}

await main();
