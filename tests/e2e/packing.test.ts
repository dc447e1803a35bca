/**
 * The Results panel of a plan with product forms: each plant's bagging line (tonnes bagged of its
 * capacity, what one more tonne of line is worth) and each served market's bagged and bulk tonnes,
 * the figures of the stored run, in English and in Russian.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../server/core/plan-schema.ts';
import { formatShare, formatTonnes, formatUsdPerTonne } from '../../web/src/lib/format.ts';
import { ARTIFACTS, browserAvailable, PLANNER_KEY, startServedPage, storedRunOf, type ServedPage } from './harness.ts';

const run = browserAvailable();
const WAIT = { timeout: 60_000 };

describe.skipIf(!run)('product forms in the Results panel', () => {
  let served: ServedPage;
  let runId: string;
  let plan: Plan;

  beforeAll(async () => {
    served = await startServedPage();
    ({ runId, plan } = await storedRunOf(served.service, 'packing-choice.json'));
  }, 300_000);

  afterAll(async () => {
    await served?.close();
  });

  it('shows the bagging line per plant and bagged / bulk tonnes per market, from the plan', async () => {
    expect(plan.packing?.length).toBeGreaterThan(0);
    const { page, errors } = await served.open(PLANNER_KEY, { hash: `#run=${runId}` });
    await page.waitForFunction(() => document.body.dataset.planSource === 'run', undefined, WAIT);
    const section = page.locator('#packing');
    await section.waitFor(WAIT);
    expect(await section.locator('h3').textContent()).toBe('Bagging lines');
    for (const line of plan.packing!) {
      const cells = await section.locator(`tr[data-plant="${line.plantId}"] td`).allTextContents();
      const worth = line.shadowPriceUsdPerTonne! > 0 ? formatUsdPerTonne(line.shadowPriceUsdPerTonne) : 'nothing: the line has room';
      expect(cells).toEqual([line.name, `${formatTonnes(line.tonnes)} of ${formatTonnes(line.capacityTonnes)}`, formatShare(line.utilisation!, 0), worth]);
    }
    const table = page.locator('section.markets-served table');
    expect(await table.locator('th .forms').textContent()).toBe('Bagged / bulk');
    const served_ = plan.markets.filter((m) => m.tonnes > 0);
    const bagged = served_.filter((m) => (m.baggedTonnes ?? 0) > 0 && (m.bulkTonnes ?? 0) > 0);
    expect(bagged.length).toBeGreaterThan(0);
    const formsCells = await table.locator('td .forms').allTextContents();
    expect(formsCells).toHaveLength(served_.length);
    for (const m of served_) expect(formsCells).toContain(`${formatTonnes(m.baggedTonnes)} / ${formatTonnes(m.bulkTonnes)}`);
    await section.scrollIntoViewIfNeeded();
    await page.locator('#kpi-panel').screenshot({ path: join(ARTIFACTS, 'packing-results.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('labels them in Russian', async () => {
    const { page, errors } = await served.open(PLANNER_KEY, { hash: `#lang=ru&run=${runId}` });
    await page.waitForFunction(() => document.body.dataset.planSource === 'run', undefined, WAIT);
    const section = page.locator('#packing');
    await section.waitFor(WAIT);
    expect(await section.locator('h3').textContent()).toBe('Линии фасовки');
    expect(await section.locator('th').allTextContents()).toEqual(['Завод', 'Расфасовано из мощности', 'Загрузка', 'Ещё одна тонна мощности линии']);
    expect(await page.locator('section.markets-served th .forms').textContent()).toBe('В мешках / навалом');
    expect(errors).toEqual([]);
    await page.close();
  });
});
