/**
 * The scenario and run library in the page: stored runs listed with name, who, when, status, margin
 * and inputs hash; search; open one; compare two, with the comparison in the link and difference
 * circles on the map; rename, duplicate and delete (after a confirmation) with a planner key, and
 * a viewer key sees the list without those buttons.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, browserAvailable, PLANNER_KEY, startServedPage, VIEWER_KEY, type ServedPage } from './harness.ts';

const run = browserAvailable();
/** A loaded machine answers slowly: each poll waits up to this long (it returns as soon as it holds). */
const WAIT = { timeout: 30_000 };

const planSeq = (page: Page) => page.evaluate(() => Number(document.body.dataset.planSeq ?? 0));
const shareBox = (page: Page) => page.getByLabel('Minimum domestic share as a fraction (0–1)');

async function saveRun(page: Page, name: string, share: string): Promise<string> {
  await page.getByLabel('Scenario name').fill(name);
  await shareBox(page).fill(share);
  const before = await planSeq(page);
  await page.click('#save-button');
  await page.waitForFunction((n) => Number(document.body.dataset.planSeq ?? 0) > n && document.body.dataset.planSource === 'run', before, { timeout: 30_000 });
  return new URLSearchParams(new URL(await page.evaluate(() => location.href)).hash.slice(1)).get('run')!;
}

describe.skipIf(!run)('the scenario and run library', () => {
  let served: ServedPage;

  beforeAll(async () => {
    served = await startServedPage();
    // One solve first, so the first page's 30 s wait for its plan is not spent loading the model on a busy machine.
    const warm = await fetch(`${served.service.url}/api/v1/optimise?flows=false`, {
      method: 'POST',
      headers: { authorization: `Bearer ${PLANNER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Warm-up' }),
    });
    expect(warm.status).toBe(200);
  }, 180_000);

  afterAll(async () => {
    await served?.close();
  });

  it('lists stored runs, finds them, opens one and compares two with the comparison in the link', async () => {
    const { page, errors } = await served.open(PLANNER_KEY);
    const loose = await saveRun(page, 'Loose rule', '0.5');
    const strict = await saveRun(page, 'Strict rule', '0.8');
    expect(loose).not.toBe(strict);

    await page.click('#toggle-library');
    const rows = page.locator('#library-table tbody tr[data-kind="run"]');
    await expect.poll(() => rows.count(), WAIT).toBe(2);
    await page.waitForSelector('#library-panel[data-margins="loaded"]');
    const strictRow = page.locator(`#library-table tr[data-id="${strict}"]`);
    const text = await strictRow.textContent();
    expect(text).toContain('Strict rule');
    // Who stored it: the planner key's id (never the key).
    expect(text).toContain('key_e2e_planner');
    expect(text).not.toContain(PLANNER_KEY);
    expect(text).toContain('optimal');
    expect(text).toMatch(/USD [\d.]+ [mk]/);
    expect(await strictRow.locator('td.mono').getAttribute('title')).toMatch(/^[0-9a-f]{16,}$/);
    // The table fits its panel (no sideways scrolling inside it) and every row's buttons are in sight.
    const fit = await page.evaluate(() => {
      const list = document.getElementById('library-list')!;
      const buttons = [...document.querySelectorAll('#library-table button')].map((b) => b.getBoundingClientRect());
      return { overflow: list.scrollWidth - list.clientWidth, right: Math.max(...buttons.map((b) => b.right)), width: innerWidth, buttons: buttons.length };
    });
    expect(fit.buttons).toBeGreaterThanOrEqual(8);
    expect(fit.overflow).toBeLessThanOrEqual(1);
    expect(fit.right).toBeLessThanOrEqual(fit.width);
    await page.screenshot({ path: join(ARTIFACTS, 'library.png') });

    // Search by name, then by part of the inputs hash.
    await page.fill('#library-search', 'loose');
    await expect.poll(() => rows.count(), WAIT).toBe(1);
    const hash = (await page.locator(`#library-table tr[data-id="${loose}"] td.mono`).getAttribute('title'))!;
    await page.fill('#library-search', hash.slice(0, 12));
    await expect.poll(() => rows.count(), WAIT).toBe(1);
    await page.fill('#library-search', '');
    await expect.poll(() => rows.count(), WAIT).toBe(2);

    // Open the loose run: its inputs fill the form, nothing is stale.
    const before = await planSeq(page);
    await page.click(`#library-table tr[data-id="${loose}"] button.library-open`);
    await page.waitForFunction((n) => Number(document.body.dataset.planSeq ?? 0) > n, before);
    await expect.poll(() => shareBox(page).inputValue(), WAIT).toBe('0.5');
    expect(await page.evaluate(() => location.href)).toContain(`run=${loose}`);
    expect(await page.locator('#stale-banner').isVisible()).toBe(false);

    // Compare the two: the difference map, and the pair in the link.
    expect(await page.locator('#toggle-library').getAttribute('aria-expanded')).toBe('true');
    // Ticked from the keyboard, a box keeps the focus (the list is drawn again around it).
    await page.locator(`#pick-${loose}`).focus();
    await page.keyboard.press('Space');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id), WAIT).toBe(`pick-${loose}`);
    await page.check(`#pick-${strict}`);
    await page.click('#library-compare');
    await expect.poll(() => page.evaluate(() => location.href), WAIT).toContain(`cmp=${loose},${strict}`);
    await expect.poll(() => page.locator('path.flow-diff').count(), WAIT).toBeGreaterThan(0);
    // Markets as their change, not as plan B: circles by |Δ tonnes|, blue for more and orange for fewer.
    await expect.poll(() => page.locator('path.market-diff-less').count(), WAIT).toBeGreaterThan(0);
    expect(await page.locator('path.market-domestic, path.market-export').count()).toBe(0);
    expect(await page.locator('#legend').textContent()).toContain('fewer tonnes in B');
    // The two plans have names that tell them apart.
    const a = (await page.locator('#compare-a option:checked').textContent())!;
    const b = (await page.locator('#compare-b option:checked').textContent())!;
    expect(a).toContain(loose.slice(-6));
    expect(b).toContain(strict.slice(-6));
    expect(a).not.toBe(b);
    expect(errors).toEqual([]);
    const link = new URL(await page.evaluate(() => location.href)).hash;
    await page.close();

    // The link reopens the comparison, for a viewer too.
    const viewer = (await served.open(VIEWER_KEY, { hash: link })).page;
    expect(await viewer.evaluate(() => document.body.dataset.compare)).toBe(`${loose},${strict}`);
    expect(await viewer.locator('path.flow-diff').count()).toBeGreaterThan(0);
    expect(await viewer.locator('path.market-diff').count()).toBeGreaterThan(0);
    expect(await viewer.locator('path.market-domestic, path.market-export').count()).toBe(0);
    // A stricter domestic rule moves tonnes home: a domestic market gains (blue), exports lose (orange).
    expect(await viewer.locator('path.market-diff-more').count()).toBeGreaterThan(0);
    expect(await viewer.locator('path.market-diff-less').count()).toBeGreaterThan(0);
    expect(await viewer.locator('#toggle-kpi').getAttribute('aria-expanded')).toBe('true');
    expect(await viewer.locator('#compare-table').textContent()).toMatch(/Exports/);
    expect(await viewer.locator('#compare-a option:checked').textContent()).toContain('Loose rule');
    expect(await viewer.locator('#compare-b option:checked').textContent()).toContain('Strict rule');
    await viewer.screenshot({ path: join(ARTIFACTS, 'library-compare.png') });
    await viewer.close();

    // Pasted into a page already open (not a new tab): the same comparison, then the language a link asks for.
    const open = (await served.open(VIEWER_KEY)).page;
    await open.evaluate((hash) => {
      location.hash = hash;
    }, link);
    await expect.poll(() => open.evaluate(() => document.body.dataset.compare), WAIT).toBe(`${loose},${strict}`);
    await expect.poll(() => open.locator('path.flow-diff').count(), WAIT).toBeGreaterThan(0);
    await open.evaluate((hash) => {
      location.hash = hash;
    }, `${link}&lang=ru`);
    await expect.poll(() => open.evaluate(() => document.documentElement.lang), WAIT).toBe('ru');
    await expect.poll(() => open.evaluate(() => document.body.dataset.compare), WAIT).toBe(`${loose},${strict}`);
    await open.close();

    // The same link in Russian.
    const ru = (await served.open(VIEWER_KEY, { hash: `${link}&lang=ru` })).page;
    await expect.poll(() => ru.locator('path.market-diff').count(), WAIT).toBeGreaterThan(0);
    expect(await ru.locator('#legend').textContent()).toContain('меньше тонн в B');
    await ru.screenshot({ path: join(ARTIFACTS, 'library-compare-ru.png') });
    await ru.close();
  }, 240_000);

  it('renames, duplicates and deletes (after a confirmation) with a planner key; a viewer sees no such buttons', async () => {
    const created = await fetch(`${served.service.url}/api/v1/scenarios`, {
      method: 'POST',
      headers: { authorization: `Bearer ${PLANNER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Draft for the board', phase: 1, policy: { domesticShare: 0.6, basis: 'sales' } }),
    });
    expect(created.status).toBe(201);
    const id = ((await created.json()) as { id: string }).id;

    const { page, errors } = await served.open(PLANNER_KEY);
    await page.click('#toggle-library');
    const row = page.locator(`#library-table tr[data-id="${id}"]`);
    await expect.poll(() => row.count(), WAIT).toBe(1);

    // From the keyboard the focus stays where the planner is: Rename then Escape goes back to Rename,
    // Delete then Escape closes the confirmation and goes back to Delete.
    const focusedIs = () => page.evaluate(() => `${document.activeElement?.className ?? ''}|${(document.activeElement as HTMLElement | null)?.dataset.id ?? ''}`);
    await row.locator('button.library-rename').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id), WAIT).toBe(`rename-${id}`);
    await page.keyboard.press('Escape');
    await expect.poll(focusedIs, WAIT).toBe(`library-rename|${id}`);
    await row.locator('button.library-delete').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id), WAIT).toBe('library-confirm-delete');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('#library-confirm-text').count(), WAIT).toBe(0);
    await expect.poll(focusedIs, WAIT).toBe(`library-delete|${id}`);

    // Rename.
    await row.locator('button.library-rename').click();
    await page.fill(`#rename-${id}`, 'Board proposal');
    await page.press(`#rename-${id}`, 'Enter');
    await expect.poll(() => row.locator('th').textContent(), WAIT).toContain('Board proposal');
    expect(await page.locator('#library-status').textContent()).toContain('Board proposal');
    const stored = (await (await fetch(`${served.service.url}/api/v1/scenarios/${id}`, { headers: { authorization: `Bearer ${PLANNER_KEY}` } })).json()) as {
      version: number;
      scenario: { name: string; policy: { domesticShare: number } };
    };
    expect(stored).toMatchObject({ version: 2, scenario: { name: 'Board proposal', policy: { domesticShare: 0.6 } } });

    // A change made meanwhile (another tab, another planner) is not overwritten: the page sends the
    // version its list showed, the server refuses, the page says so and shows the scenario as it is.
    const meanwhile = await fetch(`${served.service.url}/api/v1/scenarios/${id}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${PLANNER_KEY}`, 'content-type': 'application/json', 'if-match': '"2"' },
      body: JSON.stringify({ ...stored.scenario, name: 'Renamed in another tab' }),
    });
    expect(meanwhile.status).toBe(200);
    await row.locator('button.library-rename').click();
    await page.fill(`#rename-${id}`, 'Board proposal v2');
    await page.press(`#rename-${id}`, 'Enter');
    await expect.poll(() => page.locator('#library-status').textContent(), WAIT).toMatch(/changed meanwhile/);
    await expect.poll(() => row.locator('th').textContent(), WAIT).toContain('Renamed in another tab');
    const after = (await (await fetch(`${served.service.url}/api/v1/scenarios/${id}`, { headers: { authorization: `Bearer ${PLANNER_KEY}` } })).json()) as { version: number; scenario: { name: string } };
    expect(after).toMatchObject({ version: 3, scenario: { name: 'Renamed in another tab' } });
    // Renamed again from the list as it now is.
    await row.locator('button.library-rename').click();
    await page.fill(`#rename-${id}`, 'Board proposal');
    await page.press(`#rename-${id}`, 'Enter');
    await expect.poll(() => row.locator('th').textContent(), WAIT).toContain('Board proposal');

    // Search finds it by its new name; duplicate it.
    await page.fill('#library-search', 'board proposal');
    await expect.poll(() => page.locator('#library-table tbody tr').count(), WAIT).toBe(1);
    await row.locator('button.library-duplicate').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#library-table tbody tr').count(), WAIT).toBe(2);
    // The list came back with the copy: the focus is on the Duplicate button that was pressed.
    await expect.poll(focusedIs, WAIT).toBe(`library-duplicate|${id}`);
    const copy = page.locator('#library-table tbody tr', { hasText: 'Board proposal (copy)' });
    expect(await copy.count()).toBe(1);
    const copyId = (await copy.getAttribute('data-id'))!;
    expect(copyId).not.toBe(id);
    await page.screenshot({ path: join(ARTIFACTS, 'library-edit.png') });

    // Delete asks first: cancel keeps it, confirm removes it.
    await row.locator('button.library-delete').click();
    expect(await page.locator('#library-confirm-text').textContent()).toContain('Board proposal');
    await page.screenshot({ path: join(ARTIFACTS, 'library-delete-confirm.png') });
    await page.click('#library-cancel-delete');
    expect(await page.locator('#library-confirm-text').count()).toBe(0);
    expect(await row.count()).toBe(1);
    await row.locator('button.library-delete').click();
    await page.click('#library-confirm-delete');
    // Once the list is back (the copy is there again), the deleted scenario is not.
    await expect.poll(() => page.locator('#library-status').textContent(), WAIT).toContain('Deleted scenario “Board proposal”');
    await expect.poll(() => page.locator(`#library-table tr[data-id="${copyId}"]`).count(), WAIT).toBe(1);
    expect(await row.count()).toBe(0);
    const gone = await fetch(`${served.service.url}/api/v1/scenarios/${id}`, { headers: { authorization: `Bearer ${PLANNER_KEY}` } });
    expect(gone.status).toBe(404);
    // The browser logs the refused rename's answer (409, above); nothing else went wrong.
    expect(errors.filter((e) => !/status of 409 \(Conflict\)/.test(e))).toEqual([]);
    expect(errors.length).toBe(1);
    await page.close();

    // A viewer sees the library (the copy too) but no rename, duplicate or delete.
    for (const lang of ['en', 'ru']) {
      const viewer = (await served.open(VIEWER_KEY, { hash: `#lang=${lang}` })).page;
      await viewer.click('#toggle-library');
      await expect.poll(() => viewer.locator(`#library-table tr[data-id="${copyId}"]`).count(), WAIT).toBe(1);
      await viewer.waitForSelector('#library-panel[data-margins="loaded"]');
      expect(await viewer.locator('button.library-open').count()).toBeGreaterThan(0);
      expect(await viewer.locator('button.library-rename, button.library-duplicate, button.library-delete').count()).toBe(0);
      await viewer.screenshot({ path: join(ARTIFACTS, `library-viewer-${lang}.png`) });
      await viewer.close();
    }
  }, 240_000);

  it("lists every stored scenario, past the API's page of 100", async () => {
    const total = async () => ((await (await fetch(`${served.service.url}/api/v1/scenarios?limit=1`, { headers: { authorization: `Bearer ${PLANNER_KEY}` } })).json()) as { total: number }).total;
    const needed = Math.max(0, 105 - (await total()));
    await Promise.all(
      Array.from({ length: needed }, (_, i) =>
        fetch(`${served.service.url}/api/v1/scenarios`, {
          method: 'POST',
          headers: { authorization: `Bearer ${PLANNER_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: `Paged scenario ${i}` }),
        }),
      ),
    );
    const stored = await total();
    expect(stored).toBeGreaterThan(100);
    const { page } = await served.open(PLANNER_KEY);
    await page.click('#toggle-library');
    await page.waitForSelector('#library-panel[data-margins="loaded"]', { timeout: 60_000 });
    // Every scenario is a row (its runs, or itself when it has none): more rows than scenarios with runs counted once.
    const rows = await page.locator('#library-table tbody tr').count();
    const scenariosShown = await page.evaluate(() => new Set([...document.querySelectorAll('#library-table tbody tr')].map((r) => (r as HTMLElement).dataset.scenario)).size);
    expect(scenariosShown).toBe(stored);
    expect(rows).toBeGreaterThanOrEqual(stored);
    await page.close();
  }, 120_000);

  it('shows the library in Russian with its edit buttons for a planner key', async () => {
    const { page, errors } = await served.open(PLANNER_KEY, { hash: '#lang=ru' });
    await page.click('#toggle-library');
    await expect.poll(() => page.locator('#library-table tbody tr').count(), WAIT).toBeGreaterThan(0);
    await page.waitForSelector('#library-panel[data-margins="loaded"]');
    expect(await page.locator('button.library-rename').first().textContent()).toBe('Переименовать');
    await page.locator('button.library-delete').first().click();
    expect(await page.locator('#library-confirm-text').textContent()).toMatch(/^Удалить сценарий/);
    await page.screenshot({ path: join(ARTIFACTS, 'library-ru.png') });
    await page.click('#library-cancel-delete');
    expect(errors).toEqual([]);
    await page.close();

    // A stored run's CSV from the Russian page opens in a Russian Excel: BOM, ';' and decimal commas.
    const sc = (await (await fetch(`${served.service.url}/api/v1/scenarios`, { method: 'POST', headers: { authorization: `Bearer ${PLANNER_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'CSV in Russian' }) })).json()) as { id: string };
    const run = (await (await fetch(`${served.service.url}/api/v1/scenarios/${sc.id}/runs`, { method: 'POST', headers: { authorization: `Bearer ${PLANNER_KEY}` } })).json()) as { id: string };
    const ru = (await served.open(PLANNER_KEY, { hash: `#lang=ru&run=${run.id}` })).page;
    const link = ru.locator('a', { hasText: run.id });
    await link.waitFor({ timeout: 60_000 });
    const download = ru.waitForEvent('download');
    await link.click();
    // The browser may be a shared one this process connected to: save a local copy to read.
    const saved = join(ARTIFACTS, 'stored-run-ru.csv');
    await (await download).saveAs(saved);
    const text = readFileSync(saved, 'utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    const [header, first] = text.slice(1).split('\r\n');
    expect(header!.split(';')[0]).toBe('market_id');
    expect(first!.split(';').some((cell) => /^\d+,\d+$/.test(cell))).toBe(true);
    await ru.close();
  }, 120_000);
});
