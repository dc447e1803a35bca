/**
 * A stored scenario opened from the Library plans as itself: its per-market and plant overrides
 * (which the form has no controls for) are planned with it, so the page's margin is the API's plan of
 * that scenario, not the default network's; the Scenario panel names the settings it carries; Run
 * with nothing changed gives the same plan; dropping the settings is a button, and flags the plan.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, browserAvailable, PLANNER_KEY, startServedPage, type ServedPage } from './harness.ts';

const run = browserAvailable();
const WAIT = { timeout: 30_000 };

const STORED = {
  name: 'Cheap plant, dear Atyrau',
  phase: 1,
  overrides: {
    plants: { plant_baiganin: { variableCostUsdPerTonne: 10 } },
    markets: { atyrau: { priceMultiplier: 1.5 } },
  },
};

const planSeq = (page: Page) => page.evaluate(() => Number(document.body.dataset.planSeq ?? 0));

/** The margin of the plan the page asks the server for while `act` runs. */
async function plannedMargin(page: Page, act: () => Promise<void>): Promise<number> {
  const before = await planSeq(page);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().includes('/api/v1/optimise') && r.request().method() === 'POST', WAIT),
    act(),
  ]);
  expect(response.status()).toBe(200);
  const plan = (await response.json()) as { kpis: { marginUsd: number } };
  await page.waitForFunction((n) => Number(document.body.dataset.planSeq ?? 0) > n, before, WAIT);
  return plan.kpis.marginUsd;
}

describe.skipIf(!run)('a stored scenario opened from the Library', () => {
  let served: ServedPage;
  let scenarioId: string;
  let apiMargin: number;
  let defaultMargin: number;

  beforeAll(async () => {
    served = await startServedPage();
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${served.service.url}/api/v1${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${PLANNER_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status, path).toBeLessThan(300);
      return res.json();
    };
    scenarioId = (await post('/scenarios', STORED)).id;
    apiMargin = (await post('/optimise?flows=false', STORED)).kpis.marginUsd;
    defaultMargin = (await post('/optimise?flows=false', { name: 'Default' })).kpis.marginUsd;
    // The overrides matter: the stored scenario's plan is not the default's.
    expect(Math.abs(apiMargin - defaultMargin)).toBeGreaterThan(1_000_000);
  }, 240_000);

  afterAll(async () => {
    await served?.close();
  });

  it('plans the stored scenario, says what the form does not show, and re-plans it the same', async () => {
    const { page, errors } = await served.open(PLANNER_KEY);
    await page.click('#toggle-library');
    const open = page.locator(`#library-table tr[data-kind="scenario"][data-id="${scenarioId}"] button.library-open`);
    await open.waitFor(WAIT);

    const opened = await plannedMargin(page, () => open.click());
    expect(opened).toBeCloseTo(apiMargin, 0);
    // The Results panel shows that plan under the scenario's name.
    await page.click('#toggle-kpi');
    const margin = page.locator('#kpi-margin .kpi-value');
    await expect.poll(() => margin.textContent(), WAIT).toBe(`USD ${(apiMargin / 1e6).toFixed(1)} m`);
    expect(await page.locator('#kpi-panel').textContent()).toContain(STORED.name);

    // The Scenario panel names the settings it carries, and offers to drop them.
    await page.click('#toggle-scenario');
    const note = page.locator('#carried-settings');
    await note.waitFor(WAIT);
    const said = await note.textContent();
    expect(said).toContain('This scenario has settings the form does not show: 1 market, 1 plant. They are kept');
    await page.screenshot({ path: join(ARTIFACTS, 'open-stored-scenario.png') });

    // Run with nothing changed: the same plan, and nothing is flagged as out of date.
    const again = await plannedMargin(page, () => page.click('#run-button'));
    expect(again).toBeCloseTo(apiMargin, 0);
    expect(await page.evaluate(() => document.body.dataset.stale)).toBe('false');

    // Dropping the settings is explicit: the plan on screen is then flagged, and Run plans the default.
    await page.click('#drop-carried');
    await expect.poll(() => note.count(), WAIT).toBe(0);
    await expect.poll(() => page.evaluate(() => document.body.dataset.stale), WAIT).toBe('true');
    const dropped = await plannedMargin(page, () => page.click('#run-button'));
    expect(dropped).toBeCloseTo(defaultMargin, 0);
    expect(errors).toEqual([]);
  });
});
