/**
 * First paint of the default plan: the built page served by the real service, in headless Chromium.
 * Prints the time from navigation to the plan drawn over the base map (cold, then the median of warm
 * loads), the browser's first contentful paint, and the gzip size of the page's JavaScript.
 *   npm run bench:web            (builds web/dist first)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildWeb, launchBrowser, PLANNER_KEY, startService, WEB_DIST, browserAvailable } from '../tests/e2e/harness.ts';

const RUNS = Number(process.env.RUNS ?? 7);

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
  } finally {
    await browser.close();
    await service.close();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const warm = samples.slice(1);
  console.log(`first paint of the default plan (navigation → flows drawn over the base map, server solve included)`);
  console.log(`  cold load:            ${samples[0].drawnMs.toFixed(0)} ms (first contentful paint ${samples[0].fcpMs.toFixed(0)} ms)`);
  console.log(`  warm, median of ${warm.length}:    ${median(warm.map((s) => s.drawnMs)).toFixed(0)} ms (first contentful paint ${median(warm.map((s) => s.fcpMs)).toFixed(0)} ms)`);
  console.log(`JavaScript, gzip:`);
  console.log(`  loaded with the page: ${sum(initial).toFixed(1)} KB (${initial.join(', ')})`);
  console.log(`  loaded on demand:     ${sum(lazy).toFixed(1)} KB (${lazy.join(', ')}: in-browser optimiser)`);
  console.log(`  total:                ${(sum(initial) + sum(lazy)).toFixed(1)} KB (budget 400 KB)`);
  console.log(`base map data, gzip:    ${sum(baseMap).toFixed(1)} KB (${baseMap.join(', ')})`);
}

await main();
