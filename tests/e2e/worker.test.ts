/**
 * The live what-if in a web worker, end to end in Debian's Chromium: the plan a slider makes in the
 * worker has the server's numbers for the same scenario, the main thread keeps painting frames while
 * the worker solves, and without workers the page solves on the main thread with the same plan.
 * Skips without /usr/bin/chromium unless REQUIRE_BROWSER=1 (CI).
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../server/core/plan-schema.ts';
import type { Scenario } from '../../server/core/schema.ts';
import { browserAvailable, launchBrowser, openPage, PLANNER_KEY, startServedPage, type ServedPage } from './harness.ts';

const run = browserAvailable();

interface Probe {
  /** Scenarios the page sent to the worker, and the plans it got back. */
  sent: { kind: string; scenario?: Scenario }[];
  answers: { ok: boolean; plan?: Plan }[];
  /** requestAnimationFrame callbacks on the main thread while an in-page solve ran, and the solves. */
  framesDuringSolves: number;
  solves: number;
}

/**
 * Before the page's own scripts: record the messages to and from the worker, and count animation
 * frames while the body says an in-page solve runs (a MutationObserver on `data-in-page-solving`).
 */
function instrument(withoutWorkers: boolean): void {
  const probe: Probe = { sent: [], answers: [], framesDuringSolves: 0, solves: 0 };
  (window as unknown as { __probe: Probe }).__probe = probe;
  if (withoutWorkers) {
    delete (window as { Worker?: unknown }).Worker;
  } else {
    const Base = window.Worker;
    window.Worker = class extends Base {
      constructor(url: string | URL, options?: WorkerOptions) {
        super(url, options);
        this.addEventListener('message', (e) => probe.answers.push(e.data));
      }
      override postMessage(message: unknown, options?: StructuredSerializeOptions | Transferable[]): void {
        probe.sent.push(message as Probe['sent'][number]);
        super.postMessage(message, options as StructuredSerializeOptions);
      }
    };
  }
  // Frames: counted on the main thread while the body says an in-page solve runs.
  const tick = () => {
    if (document.body?.dataset.inPageSolving === 'true') probe.framesDuringSolves += 1;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  // Solves: each time the attribute appears (records keep every change, even within one task).
  new MutationObserver((records) => {
    for (const r of records) if (r.oldValue === null && (r.target as HTMLElement).dataset.inPageSolving !== undefined) probe.solves += 1;
  }).observe(document, { attributes: true, subtree: true, attributeOldValue: true, attributeFilter: ['data-in-page-solving'] });
}

/** The export-price multiplier the slider now shows, as JSON. */
const planSourceInputs = (page: Page) => page.getByLabel('Export prices × value', { exact: true }).inputValue().then((v) => JSON.stringify(Number(v)));
const planSeq = (page: Page) => page.evaluate(() => Number(document.body.dataset.planSeq ?? 0));
const probeOf = (page: Page) => page.evaluate(() => (window as unknown as { __probe: Probe }).__probe);

/** Moves the export-price slider `steps` to the right and waits for the live plan drawn from the browser. */
async function dragAndWait(page: Page, steps: number): Promise<void> {
  const before = await planSeq(page);
  const slider = page.getByLabel('Export prices × slider');
  await slider.focus();
  for (let i = 0; i < steps; i += 1) await page.keyboard.press('ArrowRight');
  await page.waitForFunction((n) => Number(document.body.dataset.planSeq ?? 0) > n && document.body.dataset.planSource === 'browser', before);
  // The newest position wins: settled once two frames in a row see no solve running, the whole plan
  // (a key press lets the slider go at once) and the live status.
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        let quiet = 0;
        const check = () => {
          const idle =
            document.body.dataset.inPageSolving !== 'true' &&
            document.body.dataset.livePlan === 'whole' &&
            /^Live plan: optimal/.test(document.getElementById('run-status')?.textContent ?? '');
          quiet = idle ? quiet + 1 : 0;
          if (quiet >= 2) resolve();
          else requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      }),
  );
}

const LIVE_STATUS = /^Live plan: optimal, solved in this browser in \d+ ms\.$/;
/** The results panel's text, without the solve's own time (it differs from solve to solve). */
const kpiText = (page: Page) => page.locator('#kpi-panel').textContent().then((t) => (t ?? '').replace(/\d+ ms/g, '… ms'));

/** Every number in the KPIs, to compare two plans' KPIs within a relative tolerance. */
function expectSameKpis(actual: Plan['kpis'], expected: Plan['kpis']): void {
  expect(actual).not.toBeNull();
  expect(expected).not.toBeNull();
  expect(Object.keys(actual!).sort()).toEqual(Object.keys(expected!).sort());
  for (const [key, value] of Object.entries(expected!)) {
    const got = (actual as Record<string, unknown>)[key];
    if (typeof value === 'number') {
      expect(Math.abs((got as number) - value), key).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(value)));
    } else expect(got, key).toEqual(value);
  }
}

describe.skipIf(!run)('the live what-if in a web worker', () => {
  let served: ServedPage;

  beforeAll(async () => {
    served = await startServedPage();
    await served.browser.context.addInitScript(instrument, false);
  }, 120_000);

  afterAll(async () => {
    await served?.close();
  });

  let workerPlan: Plan | null = null;
  let workerScenario: Scenario | null = null;
  let workerKpiText: string | null = null;

  it('a slider re-plans in the worker with the server numbers for the same scenario, and frames keep coming while it solves', async () => {
    const { page, errors } = await served.open(PLANNER_KEY);
    await dragAndWait(page, 30);
    expect(await page.evaluate(() => document.body.dataset.inPageOptimiser)).toBe('worker');
    expect(await page.locator('#run-status').textContent()).toMatch(LIVE_STATUS);
    expect(await page.locator('#plan-status').textContent()).toMatch(/Solved in this browser/);
    const probe = await probeOf(page);
    const solves = probe.sent.filter((m) => m.kind === 'solve');
    // The network crossed once; a scenario per solve; the newest position was solved last.
    expect(probe.sent.filter((m) => m.kind === 'network')).toHaveLength(1);
    expect(solves.length).toBeGreaterThan(0);
    expect(probe.answers).toHaveLength(solves.length);
    const last = probe.answers.at(-1)!;
    expect(last.ok).toBe(true);
    workerPlan = last.plan!;
    workerScenario = solves.at(-1)!.scenario!;
    expect(workerScenario.overrides?.exportPriceMultiplier).toBeGreaterThan(1);
    expect(workerPlan.status).toBe('optimal');
    expect(workerPlan.solver.engine).toBe('jsLpSolver');
    // The page drew the newest answer.
    expect(await planSourceInputs(page)).toBe(JSON.stringify(workerScenario.overrides?.exportPriceMultiplier));
    workerKpiText = await kpiText(page);

    // The server's plan for the same scenario, through the API.
    const response = await fetch(`${served.service.url}/api/v1/optimise`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${PLANNER_KEY}` },
      body: JSON.stringify(workerScenario),
    });
    expect(response.status).toBe(200);
    const serverPlan = (await response.json()) as Plan;
    expect(serverPlan.status).toBe('optimal');
    // (inputsHash names the engine, so it differs by design.)
    expect(serverPlan.solver.engine).not.toBe('jsLpSolver');
    expect(workerPlan.scenarioName).toBe(serverPlan.scenarioName);
    expect(Math.abs(workerPlan.objectiveValue! - serverPlan.objectiveValue!)).toBeLessThanOrEqual(1e-6 * Math.abs(serverPlan.objectiveValue!));
    expectSameKpis(workerPlan.kpis, serverPlan.kpis);
    // Let go, the slider's plan is whole: the rule's cost as the server has it.
    expect(workerPlan.policyCost).not.toBeNull();
    expect(workerPlan.policyCost!.binds).toBe(serverPlan.policyCost!.binds);
    expect(Math.abs((workerPlan.policyCost!.costUsd ?? 0) - (serverPlan.policyCost!.costUsd ?? 0))).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(serverPlan.policyCost!.costUsd ?? 0)));

    // The main thread stayed free: animation frames ran while the worker solved.
    expect(probe.solves).toBeGreaterThan(0);
    expect(probe.framesDuringSolves).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a drag step is planned without the rule’s cost, and letting the slider go brings the whole plan with the same flows', async () => {
    const { page, errors } = await served.open(PLANNER_KEY);
    const slider = page.getByLabel('Export prices × slider');
    const planAfter = async (event: 'input' | 'change', kind: 'step' | 'whole') => {
      const before = await planSeq(page);
      await slider.evaluate((input, type) => {
        const el = input as HTMLInputElement;
        el.value = '1.37';
        el.dispatchEvent(new Event(type, { bubbles: true }));
      }, event);
      await page.waitForFunction(([n, k]) => Number(document.body.dataset.planSeq ?? 0) > Number(n) && document.body.dataset.livePlan === k, [before, kind] as const);
      const probe = await probeOf(page);
      return probe.answers.at(-1)!.plan!;
    };
    const step = await planAfter('input', 'step');
    expect(await page.locator('#run-status').textContent()).toMatch(/the cost of the rule follows when the slider rests/);
    expect(step.policyCost).toBeNull();
    const whole = await planAfter('change', 'whole');
    expect(await page.locator('#run-status').textContent()).toMatch(LIVE_STATUS);
    expect(whole.policyCost).not.toBeNull();
    expect(step.objectiveValue).toBe(whole.objectiveValue);
    expectSameKpis(step.kpis, whole.kpis);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('each plan of a drag is drawn into the same map: no SVG piles up however many plans are drawn', async () => {
    const { page, errors } = await served.open(PLANNER_KEY);
    const svgCount = () => page.evaluate(() => document.querySelectorAll('#map svg').length);
    await dragAndWait(page, 1);
    const drawnFirst = await planSeq(page);
    const svgsFirst = await svgCount();
    for (let i = 0; i < 6; i += 1) await dragAndWait(page, 1);
    // Each step drew at least one more plan (the step's or the whole one).
    expect(await planSeq(page)).toBeGreaterThanOrEqual(drawnFirst + 6);
    expect(await svgCount()).toBe(svgsFirst);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('without workers, the page solves on the main thread with the same plan', async () => {
    expect(workerPlan).not.toBeNull();
    const browser: { context: BrowserContext; close(): Promise<void> } = await launchBrowser();
    try {
      await browser.context.addInitScript(instrument, true);
      const { page, errors } = await openPage(browser, served.service.url, PLANNER_KEY);
      await dragAndWait(page, 30);
      expect(await page.evaluate(() => document.body.dataset.inPageOptimiser)).toBe('main');
      expect(await page.locator('#run-status').textContent()).toMatch(LIVE_STATUS);
    expect(await page.locator('#plan-status').textContent()).toMatch(/Solved in this browser/);
      // The same slider position gives the same numbers as the worker's plan (same engine, same pipeline).
      expect(await kpiText(page)).toBe(workerKpiText);
      const probe = await probeOf(page);
      // The probe saw these solves too (a main-thread solve blocks frames while it runs; not asserted,
      // since loading the optimiser's module on first use lets a frame through).
      expect(probe.solves).toBeGreaterThan(0);
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await browser.close();
    }
  });
});
