/**
 * The clearing mode, the currency switch and the backtest view end to end: the built page served by
 * the real service, driven in Debian's Chromium. Skips without /usr/bin/chromium unless REQUIRE_BROWSER=1.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../server/core/plan-schema.ts';
import { ARTIFACTS, browserAvailable, PLANNER_KEY, startServedPage, storedRunOf, type ServedPage } from './harness.ts';
import { whyText } from '../../web/src/lib/why.ts';
import { setLocale } from '../../web/src/i18n/index.ts';
import { money, USD } from '../../web/src/lib/money.ts';

const run = browserAvailable();

/** Resolves after the browser has painted the next frame (the layers are drawn synchronously before it). */
const nextFrame = (page: Page) => page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));

/** Resolves once the open popup has faded in and any auto-pan has brought it wholly inside the map. */
const popupSettled = (page: Page) =>
  page.waitForFunction(() => {
    const popup = document.querySelector('.leaflet-popup');
    const map = document.getElementById('map');
    if (!popup || !map || document.querySelector('.leaflet-pan-anim, .leaflet-zoom-anim')) return false;
    const r = popup.getBoundingClientRect();
    const m = map.getBoundingClientRect();
    return getComputedStyle(popup).opacity === '1' && r.top >= m.top && r.bottom <= m.bottom && r.left >= m.left && r.right <= m.right;
  });

describe.skipIf(!run)('the clearing mode on the map', () => {
  let served: ServedPage;

  beforeAll(async () => {
    served = await startServedPage();
  }, 120_000);

  afterAll(async () => {
    await served?.close();
  });

  /** Switches the scenario to market clearing, re-plans on the server and returns the plan it drew. */
  async function planClearing(page: Page): Promise<Plan> {
    await page.getByLabel('Market mode').selectOption('clearing');
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/optimise') && r.request().method() === 'POST', { timeout: 120_000 });
    await page.click('#run-button');
    const plan = (await (await answer).json()) as Plan;
    await page.waitForSelector('body[data-plan-market="clearing"]', { timeout: 30_000 });
    return plan;
  }

  it('switches to market clearing, draws competitors apart from us, pies per market, and names who sets each price', async () => {
    const { page, errors } = await served.open(PLANNER_KEY);
    // The price-taker plan first: no pies, no competitors.
    expect(await page.locator('.market-pie').count()).toBe(0);
    expect(await page.locator('path.competitor-flow').count()).toBe(0);

    const plan = await planClearing(page);
    expect(plan.market).toBe('clearing');
    const clearing = plan.clearing!;

    // Competitors' flows: one line per flow the plan reports, drawn dashed in their own colour.
    await expect.poll(() => page.locator('path.competitor-flow').count()).toBe(clearing.competitorFlows.features.length);
    expect(await page.locator('path.competitor-flow').first().getAttribute('stroke-dasharray')).toMatch(/^\d+ \d+$/);
    expect(await page.locator('path.flow-line').count()).toBeGreaterThan(0);
    // One pie per market, each with an accessible name saying our share.
    expect(await page.locator('.market-pie').count()).toBe(clearing.markets.length);
    const aktobe = clearing.markets.find((m) => m.id === 'aktobe')!;
    expect(await page.locator('.market-pie[data-market="aktobe"] svg').getAttribute('aria-label')).toMatch(/^Aktobe region: .* bought, our share \d+ %/);
    expect(Number(await page.locator('.market-pie[data-market="aktobe"]').getAttribute('data-our-share'))).toBeCloseTo(aktobe.ourShare, 3);
    // Competitor plants that sell are on the map; the legend explains and filters them.
    expect(await page.locator('.competitor-plant').count()).toBe(clearing.competitors.length);
    expect(await page.locator('#legend').textContent()).toMatch(/Competitors' flows and plants/);
    // Results: our margin at clearing prices, the clearing table, and the why sentences about competitors.
    expect(await page.locator('#kpi-clearing-margin .kpi-label').textContent()).toBe('Our margin at clearing prices');
    expect(await page.locator('#kpi-clearing-margin .kpi-value').textContent()).toMatch(/^USD /);
    expect(await page.locator('.clearing-markets tbody tr').count()).toBe(clearing.markets.length);
    expect(await page.locator('#why li').first().textContent()).toBe(whyText(plan.whySentences![0]!));

    await nextFrame(page);
    await page.locator('#map').screenshot({ path: join(ARTIFACTS, 'map-clearing.png') });

    // A market where a competitor sets the price: its popup (opened from the keyboard) names it.
    const set = clearing.markets.find((m) => m.marginalSupplier?.kind === 'competitor' && m.boughtTonnes > 0)!;
    const pie = page.locator(`.market-pie[data-market="${set.id}"]`);
    await pie.focus();
    await page.keyboard.press('Enter');
    const popup = page.locator('.leaflet-popup-content .popup-clearing');
    await expect.poll(() => popup.count()).toBe(1);
    const text = (await popup.textContent()) ?? '';
    expect(text).toContain(set.name);
    expect(text).toContain(`Price set by ${set.marginalSupplier!.name}`);
    expect(text).toMatch(/Clearing price\s*[\d\u202f.]+ USD\/t/);
    expect(text).toMatch(/Tonnes bought/);
    await popupSettled(page);
    await page.locator('#map').screenshot({ path: join(ARTIFACTS, 'map-clearing-popup.png') });
    await page.keyboard.press('Escape');

    // A competitor plant's popup: capacity use, cash cost, rent, its markets.
    const active = [...clearing.competitors].sort((a, b) => b.tonnes - a.tonnes)[0];
    await page.locator(`.competitor-plant[data-supplier="${active.id}"]`).focus();
    await page.keyboard.press('Enter');
    const plantPopup = page.locator('.leaflet-popup-content .popup-competitor');
    await expect.poll(() => plantPopup.count()).toBe(1);
    expect(await plantPopup.textContent()).toMatch(/Capacity use.*Cash cost.*Capacity rent.*Markets/s);
    await page.keyboard.press('Escape');

    expect(errors).toEqual([]);
    await page.close();
  });

  it('the clearing legend is in Russian on the Russian page, the list of competitors too', async () => {
    const { page, errors } = await served.open(PLANNER_KEY, { hash: '#lang=ru' });
    await page.locator('#scenario-panel select').filter({ has: page.locator('option[value="clearing"]') }).selectOption('clearing');
    await page.click('#run-button');
    await page.waitForSelector('body[data-plan-market="clearing"]', { timeout: 120_000 });
    const details = page.locator('#legend details.legend-details');
    if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) await details.locator('summary').first().click();
    await page.locator('.legend-competitor-list summary').click();
    const legend = (await page.locator('#legend').textContent()) ?? '';
    expect(legend).toMatch(/наша доля \(цветом\) и доля конкурентов \(серым\)/);
    expect(legend).toMatch(/Потоки и заводы конкурентов/);
    expect(legend).toMatch(/завод, который при этих ценах ничего не продаёт/);
    expect(await page.locator('.legend-competitor-list summary').textContent()).toMatch(/^По конкурентам \(\d+\)$/);
    expect(legend).not.toMatch(/our share|Competitors|plant selling|By competitor/);
    await page.locator('#legend').screenshot({ path: join(ARTIFACTS, 'legend-clearing-ru.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('hides competitors as a whole and one by one, and keeps that in the link', async () => {
    const { page } = await served.open(PLANNER_KEY);
    const plan = await planClearing(page);
    const flows = plan.clearing!.competitorFlows.features;
    const count = () => page.evaluate(() => Number(document.body.dataset.competitorFlowCount));
    await expect.poll(count).toBe(flows.length);

    await page.uncheck('#filter-competitors');
    await expect.poll(count).toBe(0);
    expect(await page.locator('.competitor-plant').count()).toBe(0);
    expect(page.url()).toContain('hide=competitors');
    await page.check('#filter-competitors');
    await expect.poll(count).toBe(flows.length);

    const biggest = String(flows.reduce((a, b) => (Number(b.properties.tonnes) > Number(a.properties.tonnes) ? b : a)).properties.supplierId);
    const own = flows.filter((f) => f.properties.supplierId === biggest).length;
    await page.locator('.legend-competitor-list summary').click();
    await page.uncheck(`#filter-competitor-${biggest}`);
    await expect.poll(count).toBe(flows.length - own);
    expect(await page.locator(`path.competitor-flow[data-supplier="${biggest}"]`).count()).toBe(0);
    expect(page.url()).toContain(`hc=${biggest}`);
    await page.close();
  });

  it('shows money in tenge at the plan’s rate, in the results and the popups, and keeps it in the link', async () => {
    const { page, errors } = await served.open(PLANNER_KEY);
    const plan = await planClearing(page);
    await page.check('#currency-kzt');
    await expect.poll(() => page.locator('#kpi-clearing-margin .kpi-value').textContent()).toMatch(/^KZT /);
    expect(await page.locator('.currency-switch').textContent()).toContain(`at ${plan.kztPerUsd} KZT/USD`);
    expect(page.url()).toContain('cur=KZT');
    await page.locator('.market-pie[data-market="aktobe"]').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.leaflet-popup-content').textContent()).toMatch(/Clearing price\s*[\d\u202f]+ KZT\/t/);
    await popupSettled(page);
    await page.screenshot({ path: join(ARTIFACTS, 'page-clearing-kzt.png') });
    // Escape closes a popup opened from the keyboard, and the focus is back on the pie that opened it.
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('.leaflet-popup').count()).toBe(0);
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.market)).toBe('aktobe');

    // The same link reopens in tenge and in the clearing mode.
    const again = await served.browser.context.newPage();
    await again.goto(page.url());
    await again.waitForSelector('body[data-ready="true"][data-plan-market="clearing"]', { timeout: 120_000 });
    expect(await again.locator('#currency-kzt').isChecked()).toBe(true);
    expect(await again.locator('#kpi-margin .kpi-value').textContent()).toMatch(/^KZT /);
    await again.close();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('gives a price the equilibrium does not fix as its range, with no one setting it, and our margin as a range (competitor-entry, stored run; English and Russian, and in a comparison)', async () => {
    const [{ runId, plan }, fixed] = await Promise.all([storedRunOf(served.service, 'competitor-entry.json'), storedRunOf(served.service, 'clearing-phase1.json')]);
    const clearing = plan.clearing!;
    const astrakhan = clearing.markets.find((m) => m.id === 'astrakhan')!;
    const price = astrakhan.priceRangeUsdPerTonne!;
    const margin = clearing.ourMarginRangeUsd!;
    expect(price.high).not.toBeNull();
    expect(margin.high).not.toBeNull();

    const { page, errors } = await served.open(PLANNER_KEY, { hash: `#run=${runId}` });
    await page.waitForSelector('body[data-plan-market="clearing"]', { timeout: 120_000 });
    const row = page.locator('.clearing-markets tr[data-market="astrakhan"]');
    // The unit said once: "55.98 – 57.62 USD/t".
    expect(await row.locator('td').nth(1).textContent()).toBe(`${USD.perTonne(price.low).replace(/ USD\/t$/, '')} – ${USD.perTonne(price.high)}`);
    expect(await row.locator('.price-setter-short').textContent()).toBe('price not fixed by the market');
    expect(await row.textContent()).not.toContain('price set by');
    // A market whose price is fixed keeps its price setter.
    const setBy = clearing.markets.find((m) => !m.priceRangeUsdPerTonne && m.marginalSupplier?.kind === 'competitor' && m.boughtTonnes > 0)!;
    expect(await page.locator(`.clearing-markets tr[data-market="${setBy.id}"] .price-setter-short`).textContent()).toMatch(/^price set by /);
    // Each end of a sum is kept on one line (no-break spaces inside it).
    const text = async (selector: string) => ((await page.locator(selector).textContent()) ?? '').replace(/\u00a0/g, ' ');
    const marginText = `${USD.total(margin.low)} – ${USD.total(margin.high)}`;
    expect(await text('#kpi-clearing-margin .kpi-value')).toBe(marginText);
    expect(await text('#kpi-margin .kpi-value')).toBe(marginText);
    expect(await page.locator('#clearing-ranges').textContent()).toContain(`The map shows one equilibrium, with our margin ${USD.total(clearing.ourMarginUsd)}.`);
    await page.locator('#clearing-summary').screenshot({ path: join(ARTIFACTS, 'results-clearing-ranges.png') });
    await page.screenshot({ path: join(ARTIFACTS, 'page-clearing-ranges.png') });
    await page.close();

    const ru = await served.open(PLANNER_KEY, { hash: `#run=${runId}&lang=ru&cur=KZT` });
    await ru.page.waitForSelector('body[data-plan-market="clearing"]', { timeout: 120_000 });
    setLocale('ru');
    try {
      const kzt = money('KZT', plan.kztPerUsd);
      const ruRow = ru.page.locator('.clearing-markets tr[data-market="astrakhan"]');
      expect(await ruRow.locator('td').nth(1).textContent()).toBe(`${kzt.perTonne(price.low).replace(/ KZT\/т$/, '')} – ${kzt.perTonne(price.high)}`);
      expect(await ruRow.locator('.price-setter-short').textContent()).toBe('рынок цену не фиксирует');
      expect((await ru.page.locator('#kpi-clearing-margin .kpi-value').textContent())?.replace(/\u00a0/g, ' ')).toBe(`${kzt.total(margin.low)} – ${kzt.total(margin.high)}`);
      expect(await ru.page.locator('#clearing-ranges').textContent()).toMatch(/^Где рынок не фиксирует цену/);
    } finally {
      setLocale('en');
    }
    await ru.page.locator('#clearing-summary').screenshot({ path: join(ARTIFACTS, 'results-clearing-ranges-ru.png') });
    await ru.page.close();

    // The comparison of a run with fixed prices (A) and this one (B): a note for B, its margin as a range.
    const cmp = await served.open(PLANNER_KEY, { hash: `#cmp=${fixed.runId},${runId}` });
    await expect.poll(() => cmp.page.locator('.compare-ranges').count(), { timeout: 120_000 }).toBe(1);
    expect(await cmp.page.locator('.compare-ranges').textContent()).toContain(`In plan B the market does not fix the price in Astrakhan region (RU) (${USD.perTonne(price.low).replace(/ USD\/t$/, '')} – ${USD.perTonne(price.high)})`);
    const marginRow = cmp.page.locator('#compare-table tr').filter({ has: cmp.page.locator('th', { hasText: /^Margin$/ }) });
    expect((await marginRow.locator('td').nth(1).textContent())?.replace(/\u00a0/g, ' ')).toBe(marginText);
    expect(await marginRow.locator('td').nth(2).textContent()).toBe('not fixed');
    await cmp.page.locator('section.compare').screenshot({ path: join(ARTIFACTS, 'compare-clearing-ranges.png') });
    await cmp.page.close();
    expect([...errors, ...ru.errors, ...cmp.errors]).toEqual([]);
  });

  it("the backtest view says plainly when a server has no backtest, and draws this server's own answer", async () => {
    const { page } = await served.open(PLANNER_KEY);
    // A server without the route (an older one): answered here with its 404.
    await page.route('**/api/v1/backtest', (route) =>
      route.fulfill({ status: 404, contentType: 'application/json', body: JSON.stringify({ error: { code: 'not_found', message: 'No route GET /api/v1/backtest' } }) }),
    );
    await page.click('#toggle-backtest');
    await page.waitForSelector('body[data-backtest="unavailable"]');
    expect(await page.locator('#backtest-unavailable').textContent()).toMatch(/not available on this server/);
    expect(await page.locator('#toggle-backtest').getAttribute('aria-expanded')).toBe('true');
    // Nothing to draw: the plan stays as it was, not dimmed.
    expect(await page.evaluate(() => document.body.classList.contains('backtest-on'))).toBe(false);
    await page.screenshot({ path: join(ARTIFACTS, 'page-backtest-unavailable.png') });
    await page.click('#toggle-backtest');
    await page.unroute('**/api/v1/backtest');

    // This server's own back-test, exactly as the API sends it to anyone.
    const answer = await served.service.app.inject({ method: 'GET', url: '/api/v1/backtest', headers: { authorization: `Bearer ${PLANNER_KEY}` } });
    expect(answer.statusCode).toBe(200);
    const api = answer.json() as { rows: { lat: number | null; lng: number | null }[]; targets: { met: boolean; evidence: string }[]; narrative: string[] };
    await page.click('#toggle-backtest');
    await page.waitForSelector('body[data-backtest="ready"]', { timeout: 120_000 });
    expect(await page.locator('.backtest-bar').count()).toBe(api.rows.filter((r) => r.lat !== null && r.lng !== null).length);
    expect(await page.locator('#backtest-table tbody tr').count()).toBe(api.rows.length);
    expect(await page.locator('#backtest-targets h3').textContent()).toBe(`Targets: ${api.targets.filter((t) => t.met).length} of ${api.targets.length} met`);
    expect(await page.locator('#backtest-narrative').textContent()).toContain(api.narrative[1]);
    // Each target says whether its observations are independent of the model's inputs, as the API does.
    const independent = api.targets.filter((t) => t.evidence === 'independent').length;
    expect(await page.locator('#backtest-evidence').textContent()).toMatch(new RegExp(`^${independent} of ${api.targets.length} judged on observations independent of the model's inputs`));
    expect(await page.locator('.backtest-targets .backtest-evidence').allTextContents()).toEqual(
      api.targets.map((t) => ({ independent: "independent of the model's inputs", 'partly built in': "partly built into the model's inputs", 'built in': "built into the model's inputs" })[t.evidence]),
    );
    expect(page.url()).toContain('bt=1');
    expect(await page.evaluate(() => document.body.classList.contains('backtest-on'))).toBe(true);
    // Opening it framed the map on the bars.
    await page.waitForFunction(() => !document.querySelector('.leaflet-pan-anim, .leaflet-zoom-anim'));
    await nextFrame(page);
    await page.screenshot({ path: join(ARTIFACTS, 'page-backtest.png') });
    await page.close();
  });
});
