/**
 * The map draws a plan with the network it was made on. A stored scenario whose own network moves the
 * plant, adds a port and a market the default network does not have is drawn with that network when
 * opened from the Library, from its link, as a stored run and as side B of a comparison: its plant
 * where its network has it, its port with its name, its market with the netback the server planned,
 * all in the opening frame. A plan of the default network is still drawn with the default network.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../server/core/plan-schema.ts';
import { formatUsdPerTonne } from '../../web/src/lib/format.ts';
import { ARTIFACTS, browserAvailable, nextPlanDrawn, openStoredFromLibrary, PLANNER_KEY, planSeq, ROOT, startServedPage, type ServedPage } from './harness.ts';

const run = browserAvailable();
const WAIT = { timeout: 30_000 };

const PLANT = { lat: 54.6, lng: 61.2 };
const PORT = { id: 'port_own_bekdash', name: 'Bekdash terminal (own network)', lat: 41.55, lng: 52.55 };
const MARKET = { id: 'own_kerman', name: 'Kerman (own network)', lat: 30.28, lng: 57.08 };

/**
 * The shipped network with the plant moved north (its legs start where it now is), a port on the
 * Kara-Bogaz coast reached by sea from Aktau, and a market far south of the Caspian reached from it.
 */
function ownNetwork(): Record<string, unknown> {
  const network = JSON.parse(readFileSync(join(ROOT, 'data/network.json'), 'utf8'));
  const plant = network.plants[0];
  Object.assign(plant, PLANT);
  for (const leg of network.legs) if (leg.from === plant.id) leg.geometry.coordinates[0] = [PLANT.lng, PLANT.lat];
  network.nodes.push({ id: PORT.id, name: PORT.name, kind: 'port', country: 'TM', lat: PORT.lat, lng: PORT.lng, handlingUsdPerTonne: 4 });
  const template = network.markets.find((m: { id: string }) => m.id === 'turkmenbashi');
  network.markets.push({
    ...structuredClone(template),
    id: MARKET.id,
    name: MARKET.name,
    country: 'IR',
    lat: MARKET.lat,
    lng: MARKET.lng,
    tiers: [{ tonnesPerYear: 150_000, priceUsdPerTonne: 220, label: 'own network test market' }],
    openFromPhase: 1,
  });
  const template2 = network.legs.find((l: { id: string }) => l.id === 'sea_aktau_turkmenbashi');
  network.legs.push(
    { ...structuredClone(template2), id: 'sea_aktau_own_bekdash', from: 'port_aktau', to: PORT.id, geometry: { type: 'LineString', coordinates: [[51.21, 43.61], [51.9, 42.6], [PORT.lng, PORT.lat]] }, distanceKm: 260 },
    {
      id: 'road_own_bekdash_kerman',
      from: PORT.id,
      to: MARKET.id,
      mode: 'road',
      geometry: { type: 'LineString', coordinates: [[PORT.lng, PORT.lat], [55.5, 37.5], [MARKET.lng, MARKET.lat]] },
      distanceKm: 1400,
      fixedUsdPerTonne: 2,
      usdPerTonneKm: 0.04,
      co2KgPerTonneKm: 0.08,
    },
  );
  return network;
}

const STORED = { name: 'Own network: Bekdash and Kerman', phase: 1, network: ownNetwork() };


/** Where Leaflet puts a place on the map's container at the link's view (Web Mercator, 256 px tiles). */
async function expectedPoint(page: Page, place: { lat: number; lng: number }): Promise<{ x: number; y: number }> {
  const hash = await page.evaluate(() => location.hash);
  const v = new URLSearchParams(hash.slice(1)).get('v');
  expect(v, 'the link holds the view').toBeTruthy();
  const [zoom, lat, lng] = v!.split('/').map(Number);
  const box = (await page.locator('#map').boundingBox())!;
  const project = (p: { lat: number; lng: number }) => {
    const scale = 256 * 2 ** zoom;
    const s = Math.sin((p.lat * Math.PI) / 180);
    return { x: (scale * (p.lng + 180)) / 360, y: scale * (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) };
  };
  const c = project({ lat, lng });
  const q = project(place);
  return { x: box.x + box.width / 2 + q.x - c.x, y: box.y + box.height / 2 + q.y - c.y };
}

/** The centre of an element on the page. */
async function centre(page: Page, selector: string): Promise<{ x: number; y: number }> {
  const box = await page.locator(selector).first().boundingBox();
  expect(box, selector).not.toBeNull();
  return { x: box!.x + box!.width / 2, y: box!.y + box!.height / 2 };
}

/** The element is drawn where the place is (within a few pixels: the view in the link is rounded). */
async function expectAt(page: Page, selector: string, place: { lat: number; lng: number }): Promise<void> {
  const at = await centre(page, selector);
  const want = await expectedPoint(page, place);
  expect(Math.abs(at.x - want.x), `${selector} x`).toBeLessThan(4);
  expect(Math.abs(at.y - want.y), `${selector} y`).toBeLessThan(4);
}

/** The point is inside the map on screen: the view frames it. */
async function expectInFrame(page: Page, point: { x: number; y: number }): Promise<void> {
  const box = (await page.locator('#map').boundingBox())!;
  expect(point.x).toBeGreaterThan(box.x);
  expect(point.x).toBeLessThan(box.x + box.width);
  expect(point.y).toBeGreaterThan(box.y);
  expect(point.y).toBeLessThan(box.y + box.height);
}

const plantSelector = '.plant-icon';
const portSelector = `.node-port[title^="${PORT.name}"]`;
const marketSelector = `.market-focus[data-market="${MARKET.id}"]`;

describe.skipIf(!run)('the map draws a plan with the network it was made on', () => {
  let served: ServedPage;
  let ownPlan: Plan;
  let defaultNetwork: { plants: { lat: number; lng: number }[]; nodes: { id: string; name: string; kind: string; lat: number; lng: number }[] };
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${served.service.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${PLANNER_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(res.status, `${method} ${path}`).toBeLessThan(300);
    return res.json();
  };

  beforeAll(async () => {
    served = await startServedPage();
    ownPlan = (await api('POST', '/optimise', STORED)) as Plan;
    defaultNetwork = await api('GET', '/network');
    // The own network's market is served, through its own port.
    expect(ownPlan.markets.find((m) => m.id === MARKET.id)?.tonnes).toBeGreaterThan(0);
    expect(ownPlan.nodes.find((n) => n.id === PORT.id)?.tonnes).toBeGreaterThan(0);
    expect(defaultNetwork.nodes.some((n) => n.id === PORT.id)).toBe(false);
  }, 240_000);

  afterAll(async () => {
    await served?.close();
  });

  /** Checks the own network's plan is drawn with the own network: plant, port, market and its netback. */
  async function expectOwnNetworkDrawn(page: Page): Promise<void> {
    await page.locator(portSelector).waitFor(WAIT);
    expect(await page.locator(plantSelector).count()).toBe(1);
    await expectAt(page, plantSelector, PLANT);
    // The port's square (its utilisation is written below it).
    await expectAt(page, `${portSelector} .node-box`, PORT);
  }

  it('draws the default plan with the default network', async () => {
    const { page, errors } = await served.open(PLANNER_KEY);
    expect(await page.locator(plantSelector).count()).toBe(1);
    await expectAt(page, plantSelector, defaultNetwork.plants[0]);
    expect(await page.locator(portSelector).count()).toBe(0);
    // The Scenario panel's port rows are the default network's.
    expect(await page.locator('#scenario-panel').textContent()).not.toContain(PORT.name);
    const ports = defaultNetwork.nodes.filter((n) => n.kind === 'port');
    expect(await page.locator('.node-port').count()).toBe(ports.length);
    // Each port's square where the network has it (not stacked below the markers drawn before it).
    for (const port of ports) await expectAt(page, `.node-port[title^="${port.name}"] .node-box`, port);
    await page.screenshot({ path: join(ARTIFACTS, 'own-network-default.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws a stored scenario with its own network, from the Library and from its link, framed on it', async () => {
    const { id } = (await api('POST', '/scenarios', STORED)) as { id: string };
    const { page, errors } = await served.open(PLANNER_KEY);
    await openStoredFromLibrary(page, id, WAIT);
    await expectOwnNetworkDrawn(page);
    // One port more than the default network has.
    expect(await page.locator('.node-port').count()).toBe(defaultNetwork.nodes.filter((n) => n.kind === 'port').length + 1);
    // The Scenario panel's port and leg rows are those of the network the form plans on.
    const panel = await page.locator('#scenario-panel').textContent();
    expect(panel).toContain(PORT.name);
    expect(panel).toContain(`Legs (${(STORED.network.legs as unknown[]).length})`);
    // The analyses' port choices (a sweep of a port's throughput) too, once the panel is opened.
    await page.click('#toggle-analysis');
    await expect.poll(() => page.locator(`#sweep-a2-node option[value="${PORT.id}"]`).count(), WAIT).toBe(1);
    // Its market, where its network has it, with the netback the server planned.
    const planned = ownPlan.markets.find((m) => m.id === MARKET.id)!;
    const label = await page.locator(marketSelector).getAttribute('aria-label');
    expect(label).toContain(MARKET.name);
    expect(label).toContain(`netback ${formatUsdPerTonne(planned.netbackUsdPerTonne!)}`);

    // The link opens on the same network, and frames its plant, its port and its market.
    await expect.poll(() => page.evaluate(() => location.hash), WAIT).toContain(`sc=${id}`);
    const hash = (await page.evaluate(() => location.hash)).replace(/&?v=[^&]*/, '');
    await page.close();
    const linked = await served.open(PLANNER_KEY, { hash });
    await expectOwnNetworkDrawn(linked.page);
    await expectAt(linked.page, marketSelector, MARKET);
    for (const place of [PLANT, PORT, MARKET]) await expectInFrame(linked.page, await expectedPoint(linked.page, place));
    // Its popup, as the keyboard opens it (the mouse reaches the circle beneath).
    await linked.page.locator(marketSelector).focus();
    await linked.page.keyboard.press('Enter');
    const popup = linked.page.locator('.leaflet-popup-content');
    await popup.waitFor(WAIT);
    expect(await popup.textContent()).toContain(MARKET.name);
    expect(await popup.textContent()).toContain(formatUsdPerTonne(planned.netbackUsdPerTonne!));
    await linked.page.screenshot({ path: join(ARTIFACTS, 'own-network-link.png') });
    expect([...errors, ...linked.errors]).toEqual([]);
    await linked.page.close();
  });

  it('draws a stored run with its scenario’s network, and each side of a comparison with its own', async () => {
    const { id } = (await api('POST', '/scenarios', STORED)) as { id: string };
    const own = (await api('POST', `/scenarios/${id}/runs`)) as { id: string };
    const { id: defaultId } = (await api('POST', '/scenarios', { name: 'Default network', phase: 1 })) as { id: string };
    const base = (await api('POST', `/scenarios/${defaultId}/runs`)) as { id: string };

    const opened = await served.open(PLANNER_KEY, { hash: `#run=${own.id}` });
    await expect.poll(() => opened.page.evaluate(() => document.body.dataset.planSource), WAIT).toBe('run');
    await expectOwnNetworkDrawn(opened.page);
    for (const place of [PLANT, PORT]) await expectInFrame(opened.page, await expectedPoint(opened.page, place));
    expect(opened.errors).toEqual([]);
    await opened.page.close();

    // The default network's run (A) against the own network's (B): B's plant and port.
    const compared = await served.open(PLANNER_KEY, { hash: `#cmp=${base.id},${own.id}` });
    await expect.poll(() => compared.page.evaluate(() => document.body.dataset.compare), WAIT).toBe(`${base.id},${own.id}`);
    await expectOwnNetworkDrawn(compared.page);
    // Above the table, the note the API's comparison carries too.
    await expect
      .poll(() => compared.page.locator('#compare-networks').textContent(), WAIT)
      .toBe('A was planned on the default network and B on a network of its own: the differences are the networks’ as well as the inputs’.');
    await compared.page.screenshot({ path: join(ARTIFACTS, 'own-network-compare.png') });
    expect(compared.errors).toEqual([]);
    await compared.page.close();

    // And the other way round: B is the default network's run, drawn with the default plant.
    const reversed = await served.open(PLANNER_KEY, { hash: `#cmp=${own.id},${base.id}` });
    await expect.poll(() => reversed.page.evaluate(() => document.body.dataset.compare), WAIT).toBe(`${own.id},${base.id}`);
    await expectAt(reversed.page, plantSelector, defaultNetwork.plants[0]);
    await expect.poll(() => reversed.page.locator('#compare-networks').textContent(), WAIT).toContain('A was planned on a network of its own and B on the default network');
    expect(reversed.errors).toEqual([]);
    await reversed.page.close();
  });

  it('plans the form on the network a linked run holds when the run’s stored scenario has been deleted', async () => {
    const { id } = (await api('POST', '/scenarios', STORED)) as { id: string };
    const own = (await api('POST', `/scenarios/${id}/runs`)) as { id: string };
    const first = await served.open(PLANNER_KEY, { hash: `#run=${own.id}` });
    await expect.poll(() => first.page.evaluate(() => document.body.dataset.planSource), WAIT).toBe('run');
    await expect.poll(() => first.page.evaluate(() => location.hash), WAIT).toContain(`sc=${id}`);
    const hash = await first.page.evaluate(() => location.hash);
    expect(hash).toContain(`run=${own.id}`);
    await first.page.close();
    const res = await fetch(`${served.service.url}/api/v1/scenarios/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${PLANNER_KEY}` } });
    expect(res.status).toBe(204);

    const { page, errors } = await served.open(PLANNER_KEY, { hash: `${hash}&lang=ru` });
    await expect.poll(() => page.evaluate(() => document.body.dataset.planSource), WAIT).toBe('run');
    const status = page.locator('#run-status');
    await expect.poll(() => status.textContent(), WAIT).toContain(`Сохранённый сценарий ${id} прочитать не удалось: форма рассчитывается на его сети, сохранённой вместе с расчётом ${own.id}.`);
    expect(await status.textContent()).not.toContain('ничего не рассчитывается');
    expect(await page.locator('#network-pending').count()).toBe(0);
    await expectOwnNetworkDrawn(page);
    // Run plans the form on that network, and the map draws it with it.
    const before = await planSeq(page);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/api/v1/optimise') && r.request().method() === 'POST', { timeout: 90_000 }),
      page.click('#run-button'),
    ]);
    expect(response.status()).toBe(200);
    const sent = response.request().postDataJSON() as { network?: { nodes: { id: string }[] } };
    expect(sent.network?.nodes.some((n) => n.id === PORT.id)).toBe(true);
    expect(((await response.json()) as Plan).kpis!.marginUsd).toBeCloseTo(ownPlan.kpis!.marginUsd, 0);
    await nextPlanDrawn(page, before, WAIT);
    expect(await page.evaluate(() => document.body.dataset.planSource)).toBe('server');
    await expectOwnNetworkDrawn(page);
    await page.screenshot({ path: join(ARTIFACTS, 'own-network-run-deleted-scenario.png') });
    // The browser logs the 404 of the deleted scenario's read; nothing else went wrong.
    expect(errors).toEqual(['Failed to load resource: the server responded with a status of 404 (Not Found)']);
    await page.close();
  });
});
