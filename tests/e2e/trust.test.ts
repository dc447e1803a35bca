/**
 * State you can trust, end to end: the stale banner, links whose form and stored run disagree, the
 * sign-in prompt on a keyed server without public reads (no key, viewer, planner), and online tiles
 * that keep the offline land fill, say when they fail and never switch on from a link alone.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, browserAvailable, openPage, PLANNER_KEY, startServedPage, startService, VIEWER_KEY, type ServedPage, type Service } from './harness.ts';

const run = browserAvailable();

const planSeq = (page: Page) => page.evaluate(() => Number(document.body.dataset.planSeq ?? 0));
async function waitForPlanAfter(page: Page, before: number): Promise<void> {
  await page.waitForFunction((n) => Number(document.body.dataset.planSeq ?? 0) > n, before, { timeout: 30_000 });
}
const shareBox = (page: Page) => page.getByLabel('Minimum domestic share as a fraction (0–1)');

describe.skipIf(!run)('state you can trust', () => {
  let served: ServedPage;
  /** A second service on the same build: keys configured and no public reads. */
  let keyed: Service;

  beforeAll(async () => {
    served = await startServedPage();
    keyed = await startService({ publicRead: false });
  }, 120_000);

  afterAll(async () => {
    // The browser first (its tabs on either service closed with it), then the services.
    await served?.close();
    await keyed?.close();
  });

  it('flags the plan as out of date the moment an input differs, and clears it on re-plan or undo', async () => {
    const { page, errors } = await served.open(PLANNER_KEY);
    const banner = page.locator('#stale-banner');
    expect(await banner.isVisible()).toBe(false);
    const original = await shareBox(page).inputValue();
    // The flag leaves the map as drawn: the flow lines on screen stay the same elements.
    await page.evaluate(() => {
      (window as unknown as { drawnFlow: Element | null }).drawnFlow = document.querySelector('#map path.flow-line');
    });
    await shareBox(page).fill('0.8');
    await banner.waitFor({ state: 'visible' });
    expect(await page.locator('#stale-text').textContent()).toMatch(/inputs have changed/);
    expect(await page.locator('#plan-status').textContent()).toMatch(/Out of date/);
    expect(await page.evaluate(() => (window as unknown as { drawnFlow: Element | null }).drawnFlow?.isConnected)).toBe(true);
    // Back to the plan's value: no longer stale.
    await shareBox(page).fill(original);
    await banner.waitFor({ state: 'hidden' });
    await shareBox(page).fill('0.8');
    await banner.waitFor({ state: 'visible' });
    await page.screenshot({ path: join(ARTIFACTS, 'stale-banner.png') });
    const before = await planSeq(page);
    await page.click('#stale-replan');
    await waitForPlanAfter(page, before);
    await banner.waitFor({ state: 'hidden' });
    expect(await page.locator('#plan-status').textContent()).not.toMatch(/Out of date/);
    expect(await page.locator('#domestic-share-text').getAttribute('data-share').then(Number)).toBeGreaterThanOrEqual(0.8 - 1e-6);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a key the server stops accepting mid-session is said as such, also once the browser’s plan is on screen', async () => {
    const { page, errors } = await served.open(PLANNER_KEY);
    // The server's keys changed: the key the page holds is refused from now on.
    await page.route('**/api/v1/**', (route) =>
      route.request().headers().authorization
        ? route.fulfill({ status: 401, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: { code: 'unauthorized', message: 'unknown API key' } }) })
        : route.fallback(),
    );
    const before = await planSeq(page);
    await page.click('#run-button');
    await waitForPlanAfter(page, before);
    await expect.poll(() => page.locator('#run-status').textContent()).toMatch(/does not accept this API key.*Showing a plan computed in this browser/);
    expect(await page.evaluate(() => document.body.dataset.planSource)).toBe('browser');
    // The Library says the same, not that a key is needed.
    await page.click('#toggle-library');
    await expect.poll(() => page.locator('#library-panel').textContent()).toContain('does not accept this API key');
    expect(errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
    await page.close();
  });

  it('a mistyped key on a server that shows its map to anyone does not lock the map: it is dropped, and said', async () => {
    const { page, errors } = await served.open('not-a-key-0123456789');
    await expect.poll(() => page.locator('#run-status').textContent()).toContain('That API key is not valid, so the page goes on without one');
    expect(await page.locator('#signin').isHidden()).toBe(true);
    expect(await page.evaluate(() => document.body.dataset.auth)).toBe('ok');
    expect(await page.evaluate(() => localStorage.getItem('caspian.apiKey') ?? '')).toBe('');
    expect(errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
    await page.close();
  });

  it('a stored scenario whose run is refused is said, and saving again runs it without a second copy', async () => {
    const { page, errors } = await served.open(PLANNER_KEY);
    await page.getByLabel('Scenario name').fill('Refused once');
    // The server refuses the first run as over the solve budget.
    let refused = 0;
    await page.route('**/api/v1/scenarios/*/runs', async (route) => {
      if (route.request().method() !== 'POST' || refused > 0) return route.fallback();
      refused++;
      await route.fulfill({ status: 429, headers: { 'retry-after': '5', 'content-type': 'application/json' }, body: JSON.stringify({ error: { code: 'rate_limited', message: 'Too many solves: at most 30 per 1 minute' } }) });
    });
    await page.click('#save-button');
    await expect.poll(() => page.locator('#run-status').textContent()).toMatch(/The scenario is stored \(sc_[^)]+\) but its run was refused: .*Save again/);
    const named = async () => {
      const list = (await (await fetch(`${served.service.url}/api/v1/scenarios?limit=100`, { headers: { authorization: `Bearer ${PLANNER_KEY}` } })).json()) as { items: { id: string; name: string }[] };
      return list.items.filter((x) => x.name === 'Refused once');
    };
    expect(await named()).toHaveLength(1);
    const before = await planSeq(page);
    await page.click('#save-button');
    await waitForPlanAfter(page, before);
    await expect.poll(() => page.locator('#run-status').textContent()).toMatch(/Stored as run run_/);
    const stored = await named();
    expect(stored).toHaveLength(1);
    const runs = (await (await fetch(`${served.service.url}/api/v1/scenarios/${stored[0]!.id}/runs`, { headers: { authorization: `Bearer ${PLANNER_KEY}` } })).json()) as { items: unknown[] };
    expect(runs.items).toHaveLength(1);
    expect(errors.filter((e) => !/status of 429/.test(e))).toEqual([]);
    await page.close();
  });

  it('a link whose form differs from its stored run warns, and offers to re-plan or take the run inputs', async () => {
    const { page } = await served.open(PLANNER_KEY);
    await shareBox(page).fill('0.5');
    const before = await planSeq(page);
    await page.click('#save-button');
    await waitForPlanAfter(page, before);
    await expect.poll(() => page.evaluate(() => document.body.dataset.planSource)).toBe('run');
    const runId = new URLSearchParams(new URL(await page.evaluate(() => location.href)).hash.slice(1)).get('run');
    expect(runId).toMatch(/^run_/);
    // The form now says 0.8 while the link still names the stored run made at 0.5.
    await shareBox(page).fill('0.8');
    // The page writes its address with history.replaceState: read it from the page itself.
    await expect.poll(() => page.evaluate(() => location.href)).toMatch(new RegExp(`#s=.*run=${runId}`));
    const link = new URL(await page.evaluate(() => location.href)).hash;
    await page.close();

    const opened = await served.open(VIEWER_KEY, { hash: link });
    const p = opened.page;
    expect(await p.evaluate(() => document.body.dataset.planSource)).toBe('run');
    await p.locator('#stale-banner').waitFor({ state: 'visible' });
    expect(await p.locator('#stale-text').textContent()).toContain(`stored run ${runId}`);
    expect(await shareBox(p).inputValue()).toBe('0.8');
    await p.screenshot({ path: join(ARTIFACTS, 'link-mismatch.png') });
    await p.click('#stale-use-plan');
    await p.locator('#stale-banner').waitFor({ state: 'hidden' });
    expect(await shareBox(p).inputValue()).toBe('0.5');
    await p.close();

    // The other way out: re-plan with the link's inputs.
    const again = (await served.open(PLANNER_KEY, { hash: link })).page;
    await again.locator('#stale-banner').waitFor({ state: 'visible' });
    const seq = await planSeq(again);
    await again.click('#stale-replan');
    await waitForPlanAfter(again, seq);
    await again.locator('#stale-banner').waitFor({ state: 'hidden' });
    expect(await again.evaluate(() => document.body.dataset.planSource)).toBe('server');
    await again.close();

    // A link with only the run fills the form from the run: nothing is stale.
    const plain = (await served.open(PLANNER_KEY, { hash: `#run=${runId}` })).page;
    expect(await shareBox(plain).inputValue()).toBe('0.5');
    expect(await plain.locator('#stale-banner').isVisible()).toBe(false);
    await plain.close();

    // A link to a run (or a comparison) this server does not have says so, and keeps saying it once
    // the form's own plan is on the map: never the default plan as if it were the shared one.
    for (const hash of ['#run=run_doesnotexist000', `#cmp=${runId},run_doesnotexist000`]) {
      const gone = await served.open(PLANNER_KEY, { hash });
      await expect.poll(() => gone.page.locator('#run-status').textContent()).toContain('not the linked one');
      expect(await gone.page.locator('#run-status').textContent()).toMatch(/could not be opened|Could not open run/);
      expect(gone.errors.filter((e) => !/status of 404/.test(e))).toEqual([]);
      await gone.page.close();
    }
  });

  it('on a keyed server without public reads, a visitor without a key sees a sign-in prompt above the fold', async () => {
    const { page, errors } = await openPage(served.browser, keyed.url, null);
    const prompt = page.locator('#signin');
    await prompt.waitFor({ state: 'visible' });
    const box = await prompt.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.y + box!.height).toBeLessThan(900);
    expect(await page.locator('#role-text').textContent()).toMatch(/only with an API key/);
    expect(await page.locator('#role-text').textContent()).not.toMatch(/re-plan/);
    expect(await page.locator('#no-plan').textContent()).toMatch(/Sign in/);
    expect(await page.locator('#key-details').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'signin-prompt.png') });
    // The library says why it is empty rather than failing in general words.
    await page.click('#toggle-library');
    await expect.poll(() => page.locator('#library-count').textContent()).toMatch(/only with an API key/);
    // A wrong key is refused in words, in the prompt.
    await page.fill('#signin-key', 'not-a-key');
    await page.click('#signin button[type="submit"]');
    await expect.poll(() => page.locator('#signin-error').textContent()).toMatch(/not valid/);
    expect(errors.filter((e) => !/401/.test(e))).toEqual([]);
    await page.close();
  });

  it('after a viewer key is entered, the network, closures, the plan and live what-if load without a reload', async () => {
    const { page } = await openPage(served.browser, keyed.url, null);
    await page.locator('#signin').waitFor({ state: 'visible' });
    const before = await planSeq(page);
    await page.fill('#signin-key', VIEWER_KEY);
    await page.press('#signin-key', 'Enter');
    await waitForPlanAfter(page, before);
    expect(await page.locator('#signin').isVisible()).toBe(false);
    await expect.poll(() => page.locator('#role-text').textContent()).toMatch(/Viewer key/);
    expect(await page.evaluate(() => document.body.dataset.network)).toBe('loaded');
    expect(await page.locator('.cap-row').count()).toBeGreaterThan(3);
    expect(await page.locator('path.flow-line').count()).toBeGreaterThan(3);
    // Live what-if answers.
    const seq = await planSeq(page);
    const slider = page.getByLabel('Export prices × slider');
    await slider.focus();
    for (let i = 0; i < 20; i += 1) await page.keyboard.press('ArrowRight');
    await page.waitForFunction((n) => Number(document.body.dataset.planSeq ?? 0) > n && document.body.dataset.planSource === 'browser', seq);
    await page.close();
  });

  it('a shared run link opens after signing in with a planner key', async () => {
    const first = (await openPage(served.browser, keyed.url, PLANNER_KEY)).page;
    expect(await first.locator('#signin').isVisible()).toBe(false);
    expect(await first.locator('#role-text').textContent()).toMatch(/Planner key/);
    const before = await planSeq(first);
    await first.click('#save-button');
    await waitForPlanAfter(first, before);
    const runId = new URLSearchParams(new URL(await first.evaluate(() => location.href)).hash.slice(1)).get('run');
    expect(runId).toMatch(/^run_/);
    await first.close();

    const { page } = await openPage(served.browser, keyed.url, null, { hash: `#run=${runId}` });
    await page.locator('#signin').waitFor({ state: 'visible' });
    const seq = await planSeq(page);
    await page.fill('#signin-key', PLANNER_KEY);
    await page.click('#signin button[type="submit"]');
    await waitForPlanAfter(page, seq);
    expect(await page.evaluate(() => document.body.dataset.planSource)).toBe('run');
    expect(await page.locator('#plan-status').textContent()).toContain(runId!);
    await page.close();
  });

  it('online tiles never switch on from a link, keep the land fill and say when they cannot load', async () => {
    const { page, errors } = await served.open(PLANNER_KEY, { hash: '#tiles=1' });
    expect(await page.locator('#toggle-tiles').isChecked()).toBe(false);
    expect(errors).toEqual([]);
    /** Share of the base map canvas that is painted (land fill), not only border lines. */
    const landFill = () =>
      page.evaluate(() => {
        const canvas = document.querySelector<HTMLCanvasElement>('.leaflet-base-pane canvas')!;
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < data.length; i += 4 * 16) if (data[i] > 200) painted += 1;
        return painted / (data.length / (4 * 16));
      });
    const fillBefore = await landFill();
    expect(fillBefore).toBeGreaterThan(0.3);
    await page.check('#toggle-tiles');
    // The test page is on a closed network (requests leaving the machine fail).
    await expect.poll(() => page.locator('#tiles-note').textContent(), { timeout: 15_000 }).toMatch(/cannot be loaded/);
    expect(await landFill()).toBeGreaterThan(fillBefore * 0.8);
    await page.locator('#map').screenshot({ path: join(ARTIFACTS, 'tiles-offline.png') });
    // The closed network saw the tile requests (so it would see any other request leaving the machine) and nothing else.
    expect(errors.some((e) => /^external request: https:\/\/tile\.openstreetmap\.org\//.test(e))).toBe(true);
    expect(errors.filter((e) => !/external request: https:\/\/tile\.openstreetmap\.org|ERR_PROXY_CONNECTION_FAILED/.test(e))).toEqual([]);
    await page.close();
  });
});
