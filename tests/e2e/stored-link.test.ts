/**
 * The link of a stored scenario with a network of its own: a link cannot carry the network, so it
 * names the stored scenario (`sc=<id>&sv=<version>`). Reloading it reads the scenario and plans it as
 * itself — the page's margin is the API's plan of that scenario, not the default network's. A link
 * whose scenario has been deleted says so in the page's language and plans nothing in its place.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, browserAvailable, openStoredFromLibrary, openPage, PLANNER_KEY, planSeq, ROOT, startServedPage, startService, type ServedPage } from './harness.ts';

const run = browserAvailable();
const WAIT = { timeout: 30_000 };

/** The shipped network with the plant's variable cost at 10 USD/t instead of 25: a network of the scenario's own. */
function ownNetwork(): unknown {
  const network = JSON.parse(readFileSync(join(ROOT, 'data/network.json'), 'utf8'));
  network.plants[0].variableCostUsdPerTonne = 10;
  return network;
}


/** The page's link, as its parameters. */
const hashParams = async (page: Page) => new URLSearchParams((await page.evaluate(() => location.hash)).slice(1));
/** Opens a panel unless it is open. */
async function openPanel(page: Page, toggle: string): Promise<void> {
  if ((await page.locator(toggle).getAttribute('aria-expanded')) !== 'true') await page.click(toggle);
}

/** A link's scenario as the page writes it (`s=`): base64url JSON. */
const linkScenario = (scenario: unknown) => Buffer.from(JSON.stringify(scenario)).toString('base64url');

/** The margin shown in the Results panel, as the page writes it. */
const marginText = (usd: number) => `USD ${(usd / 1e6).toFixed(1)} m`;

describe.skipIf(!run)('a link to a stored scenario with its own network', () => {
  let served: ServedPage;
  const api = async (method: string, path: string, body?: unknown, base = served.service.url) => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${PLANNER_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(res.status, `${method} ${path}`).toBeLessThan(300);
    return res.status === 204 ? null : res.json();
  };
  const STORED = { name: 'Own network, cheap clinker', phase: 1, network: ownNetwork() };
  let apiMargin: number;
  let defaultMargin: number;

  beforeAll(async () => {
    served = await startServedPage();
    apiMargin = (await api('POST', '/optimise?flows=false', STORED)).kpis.marginUsd;
    // What a link without its network would plan: the same scenario on the server's default network.
    defaultMargin = (await api('POST', '/optimise?flows=false', { ...STORED, network: undefined })).kpis.marginUsd;
    expect(Math.abs(apiMargin - defaultMargin)).toBeGreaterThan(1_000_000);
    expect(marginText(apiMargin)).not.toBe(marginText(defaultMargin));
  }, 240_000);

  afterAll(async () => {
    await served?.close();
  });

  /** Stores the scenario, opens it from the Library and returns the page, its link and the stored id. */
  async function openFromLibrary(): Promise<{ page: Page; errors: string[]; id: string; hash: string }> {
    const { id, version } = (await api('POST', '/scenarios', STORED)) as { id: string; version: number };
    const { page, errors } = await served.open(PLANNER_KEY);
    await openStoredFromLibrary(page, id, WAIT);
    // The link names the stored scenario and its version (it cannot hold the network).
    await expect.poll(() => page.evaluate(() => location.hash), WAIT).toContain(`sc=${id}`);
    const hash = await page.evaluate(() => location.hash);
    expect(new URLSearchParams(hash.slice(1)).get('sv')).toBe(String(version));
    return { page, errors, id, hash };
  }

  it('reloads as the stored scenario: the margin is the API plan of it, not of the default network', async () => {
    const { page, errors } = await openFromLibrary();
    await page.click('#toggle-kpi');
    const margin = page.locator('#kpi-margin .kpi-value');
    await expect.poll(() => margin.textContent(), WAIT).toBe(marginText(apiMargin));

    // Reload the link: the page reads the stored scenario and sends its network with the plan request.
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/api/v1/optimise') && r.request().method() === 'POST', { timeout: 90_000 }),
      page.reload(),
    ]);
    const sent = response.request().postDataJSON() as { name: string; network?: { plants: { variableCostUsdPerTonne: number }[] } };
    expect(sent.name).toBe(STORED.name);
    expect(sent.network?.plants[0].variableCostUsdPerTonne).toBe(10);
    expect(response.status()).toBe(200);
    const planned = ((await response.json()) as { kpis: { marginUsd: number } }).kpis.marginUsd;
    expect(planned).toBeCloseTo(apiMargin, 0);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 90_000 });
    const kpiOpen = await page.locator('#toggle-kpi').getAttribute('aria-expanded');
    if (kpiOpen !== 'true') await page.click('#toggle-kpi');
    await expect.poll(() => page.locator('#kpi-margin .kpi-value').textContent(), WAIT).toBe(marginText(apiMargin));
    expect(await page.locator('#kpi-panel').textContent()).toContain(STORED.name);
    // The Scenario panel still names its own network among the settings it carries.
    expect(await page.locator('#carried-settings').textContent()).toContain('its own network');
    await page.screenshot({ path: join(ARTIFACTS, 'stored-link-reloaded.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says, in the page’s language, that a deleted scenario’s link cannot be planned, and plans nothing', async () => {
    const { page: first, id, hash } = await openFromLibrary();
    await first.close();
    await api('DELETE', `/scenarios/${id}`);

    const optimiseCalls: string[] = [];
    const { page, errors } = await served.open(PLANNER_KEY, { hash: `${hash}&lang=ru` });
    page.on('request', (r) => {
      if (r.url().includes('/api/v1/optimise')) optimiseCalls.push(r.url());
    });
    const status = page.locator('#run-status');
    await expect.poll(() => status.textContent(), WAIT).toContain(`Ссылка рассчитывает план на сети сохранённого сценария ${id}, но этот сценарий удалён.`);
    expect(await status.textContent()).toContain('Вместо него на сети по умолчанию ничего не рассчитывается.');
    // No plan on screen (least of all the default network's under the scenario's name).
    expect(await planSeq(page)).toBe(0);
    expect(await page.locator('#kpi-margin').count()).toBe(0);
    expect(await page.locator('#kpi-panel').textContent()).not.toContain(STORED.name);
    // The Scenario panel says why too (the status line may be cut short), with the way out.
    const note = page.locator('#network-pending');
    await note.waitFor(WAIT);
    expect(await note.textContent()).toBe(await status.textContent());
    await page.screenshot({ path: join(ARTIFACTS, 'stored-link-deleted.png') });
    // Run says it again instead of planning.
    await page.click('#run-button');
    await expect.poll(() => status.textContent(), WAIT).toContain('пока её нет, ничего не рассчитывается');
    expect(optimiseCalls).toEqual([]);
    expect(await planSeq(page)).toBe(0);
    // The link keeps naming the scenario (a reader with a key, or a server back up, may read it later).
    expect(await page.evaluate(() => location.hash)).toContain(`sc=${id}`);

    // Dropping its settings is the explicit way to the default network: the plan is then the default's.
    await page.click('#drop-carried');
    await expect.poll(() => note.count(), WAIT).toBe(0);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/api/v1/optimise') && r.request().method() === 'POST', { timeout: 90_000 }),
      page.click('#run-button'),
    ]);
    expect(((await response.json()) as { kpis: { marginUsd: number } }).kpis.marginUsd).toBeCloseTo(defaultMargin, 0);
    expect(await page.evaluate(() => location.hash)).not.toContain('sc=');
    // The browser logs the 404 of the deleted scenario's read; nothing else went wrong.
    expect(errors).toEqual(['Failed to load resource: the server responded with a status of 404 (Not Found)']);
    await page.close();
  });

  it('after “Save as stored run”, the link names the scenario just stored, so it opens as the saved run once the old one is gone', async () => {
    const { page, id: oldId } = await openFromLibrary();
    const before = await planSeq(page);
    await openPanel(page, '#toggle-scenario');
    await page.click('#save-button');
    await page.waitForFunction((n) => Number(document.body.dataset.planSeq ?? 0) > n, before, { timeout: 90_000 });
    await expect.poll(async () => (await hashParams(page)).get('run'), WAIT).toBeTruthy();
    const params = await hashParams(page);
    const runId = params.get('run')!;
    const run = (await api('GET', `/runs/${runId}?flows=false`)) as { scenarioId: string; scenarioVersion: number };
    // The save stored a scenario of its own (network inline): the link names it, at the run's version.
    expect(run.scenarioId).not.toBe(oldId);
    expect(params.get('sc')).toBe(run.scenarioId);
    expect(params.get('sv')).toBe(String(run.scenarioVersion));
    const hash = await page.evaluate(() => location.hash);
    await page.close();

    // The scenario the form was opened from goes: the saved link still opens as its run, and plans.
    await api('DELETE', `/scenarios/${oldId}`);
    const { page: reopened, errors } = await served.open(PLANNER_KEY, { hash });
    const status = reopened.locator('#run-status');
    await expect.poll(() => status.textContent(), WAIT).toBe(`Stored run ${runId}.`);
    expect(await reopened.evaluate(() => document.body.dataset.stale)).toBe('false');
    expect(await reopened.locator('#network-pending').count()).toBe(0);
    await openPanel(reopened, '#toggle-kpi');
    await expect.poll(() => reopened.locator('#kpi-margin .kpi-value').textContent(), WAIT).toBe(marginText(apiMargin));
    expect(errors).toEqual([]);
    await reopened.close();
  });

  it('an older link without `sc` to a run on a network of its own plans that network, not the default one under its name', async () => {
    const { id } = (await api('POST', '/scenarios', STORED)) as { id: string };
    const run = (await api('POST', `/scenarios/${id}/runs`)) as { id: string };
    // The form as links were written before they named the stored scenario: its name, and the run.
    const { page, errors } = await served.open(PLANNER_KEY, { hash: `#s=${linkScenario({ name: STORED.name })}&run=${run.id}` });
    const status = page.locator('#run-status');
    await expect.poll(() => status.textContent(), WAIT).toBe(`Stored run ${run.id}. This link names no stored scenario for the run’s own network (an older link): the form plans on that network, as stored with the run.`);
    // The form is the run's own again: no "differs from the run" banner, and the link now names its scenario.
    expect(await page.evaluate(() => document.body.dataset.stale)).toBe('false');
    await expect.poll(async () => (await hashParams(page)).get('sc'), WAIT).toBe(id);
    expect(await page.locator('#carried-settings').textContent()).toContain('its own network');
    await page.screenshot({ path: join(ARTIFACTS, 'stored-link-older-link.png') });
    // Re-planned, the form is planned on the run's network.
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/api/v1/optimise') && r.request().method() === 'POST', { timeout: 90_000 }),
      page.click('#run-button'),
    ]);
    const sent = response.request().postDataJSON() as { name: string; network?: { plants: { variableCostUsdPerTonne: number }[] } };
    expect(sent.name).toBe(STORED.name);
    expect(sent.network?.plants[0].variableCostUsdPerTonne).toBe(10);
    expect(((await response.json()) as { kpis: { marginUsd: number } }).kpis.marginUsd).toBeCloseTo(apiMargin, 0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('opened with no key on a server that reads only with one, says a key is needed; entering one plans the scenario', async () => {
    const keyed = await startService({ publicRead: false });
    try {
      const { id, version } = (await api('POST', '/scenarios', STORED, keyed.url)) as { id: string; version: number };
      const { page, errors } = await openPage(served.browser, keyed.url, null, { hash: `#s=${linkScenario({ name: STORED.name })}&sc=${id}&sv=${version}` });
      const status = page.locator('#run-status');
      const why = `This link plans on the network of stored scenario ${id}, which can be read only with an API key: enter one under “Access”.`;
      await expect.poll(() => status.textContent(), WAIT).toContain(why);
      expect(await page.locator('#network-pending').textContent()).toContain(why);
      expect(await page.locator('#network-pending').textContent()).not.toContain('Reload the page');
      await page.screenshot({ path: join(ARTIFACTS, 'stored-link-no-key.png') });
      // A key entered: the scenario is read and planned on its network, without a reload.
      const before = await planSeq(page);
      await page.fill('#signin-key', PLANNER_KEY);
      await page.press('#signin-key', 'Enter');
      await page.waitForFunction((n) => Number(document.body.dataset.planSeq ?? 0) > n, before, { timeout: 90_000 });
      await expect.poll(() => page.locator('#network-pending').count(), WAIT).toBe(0);
      await openPanel(page, '#toggle-kpi');
      await expect.poll(() => page.locator('#kpi-margin .kpi-value').textContent(), WAIT).toBe(marginText(apiMargin));
      // The browser logs the 401s of the reads made without a key; nothing else went wrong.
      expect(errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
      await page.close();
    } finally {
      await keyed.close();
    }
  });
});
