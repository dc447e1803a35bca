/**
 * Shared by the browser tests and bench/web.ts: build the page, start the whole service in-process
 * on a free port, and drive Debian's Chromium (never a downloaded browser): in a test run, the run's
 * one browser (tests/support/chromium.ts); elsewhere, a browser of its own.
 */
import { buildWebOnce } from '../support/build.ts';
import { CHROMIUM, chromiumArgs } from '../support/chromium.ts';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { buildApp } from '../../server/app.ts';
import { sha256Hex } from '../../server/core/hash.ts';
import type { Plan } from '../../server/core/plan-schema.ts';
import { openSqliteStore } from '../../server/store/sqlite.ts';

export { CHROMIUM };
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const WEB_DIST = join(ROOT, 'web/dist');
export const ARTIFACTS = join(ROOT, 'test-artifacts');

export const PLANNER_KEY = 'e2e-planner-key-0123456789';
export const VIEWER_KEY = 'e2e-viewer-key-0123456789';

/** Browser tests run where Chromium is installed; CI sets REQUIRE_BROWSER=1 so a missing one fails. */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.REQUIRE_BROWSER === '1') throw new Error(`REQUIRE_BROWSER=1 but ${CHROMIUM} is missing`);
  return false;
}

/**
 * web/dist built with Vite (the same as `npm run build:web`), once for every test file of a run:
 * rebuilt only when the page's sources changed since (tests/support/build.ts).
 */
export async function buildWeb(): Promise<void> {
  await buildWebOnce();
}

export interface Service {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

export interface ServiceOptions {
  /** Reads open without a key (the default here); false: a keyed server where every read needs a key. */
  publicRead?: boolean;
}

export async function startService(options: ServiceOptions = {}): Promise<Service> {
  const app = await buildApp({
    store: openSqliteStore({ path: ':memory:' }),
    keys: [
      { id: 'key_e2e_planner', role: 'planner', sha256: sha256Hex(PLANNER_KEY) },
      { id: 'key_e2e_viewer', role: 'viewer', sha256: sha256Hex(VIEWER_KEY) },
    ],
    publicRead: options.publicRead ?? true,
    logger: false,
    rateLimit: false,
    webRoot: WEB_DIST,
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    url: address,
    async close() {
      const closing = app.close();
      // A tab still open on this service (the browser may be closed after it) can hold a request
      // open, and the server's close waits for every open request: end them at the file's end.
      app.server.closeAllConnections();
      await closing;
    },
  };
}

/**
 * The closed network of the browser tests: every request that would leave the machine goes to a
 * proxy that is not there and fails (`openPage` counts it as an error); the service on 127.0.0.1 is
 * reached directly. Chromium refuses such requests itself, without stopping each request of the page
 * for Playwright to look at (about 0.5 s of CPU per page opened).
 */
const CLOSED_NETWORK = { server: 'http://127.0.0.1:9', bypass: '127.0.0.1' };
const LOCAL = 'http://127.0.0.1';

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** The test run's shared browser (tests/support/chromium.ts), or null outside vitest or without one. */
async function runBrowserEndpoint(): Promise<string | null> {
  if (!process.env.VITEST) return null;
  const { inject } = await import('vitest');
  return inject('browserEndpoint') ?? null;
}

/**
 * A fresh browser context (no cookies, storage or cache from another): in a test run, a new context
 * in the run's shared browser; elsewhere, a Chromium of its own with a fresh profile.
 */
export async function launchBrowser(viewport = { width: 1440, height: 900 }): Promise<Browser> {
  const endpoint = await runBrowserEndpoint();
  if (endpoint) {
    const browser = await chromium.connect(endpoint);
    try {
      const context = await browser.newContext({ viewport, proxy: CLOSED_NETWORK });
      return {
        context,
        async close() {
          await context.close();
          await browser.close();
        },
      };
    } catch (error) {
      await browser.close();
      throw error;
    }
  }
  const userDataDir = mkdtempSync(join(tmpdir(), 'caspian-e2e-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    proxy: CLOSED_NETWORK,
    args: await chromiumArgs(),
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export interface OpenedPage {
  page: Page;
  /** Page errors, console errors and requests that tried to leave the machine, in order. */
  errors: string[];
}

export interface ServedPage {
  readonly service: Service;
  readonly browser: Browser;
  /**
   * A new tab on the page (`hash` appended to its address) with `key` stored (null: none), once the
   * page says it is ready. Nothing may leave the machine: the page must work on a closed network, so
   * any other request fails (CLOSED_NETWORK) and is counted as an error.
   */
  open(key: string | null, options?: { viewport?: { width: number; height: number }; hash?: string }): Promise<OpenedPage>;
  close(): Promise<void>;
}

/** What a browser test file starts with: the artifacts folder, the built page, the service (with one plan solved) and the browser. */
export async function startServedPage(options: ServiceOptions & { build?: boolean } = {}): Promise<ServedPage> {
  mkdirSync(ARTIFACTS, { recursive: true });
  if (options.build !== false) await buildWeb();
  const service = await startService(options);
  // The first plan starts the solver's threads (a page opened after it gets its plan promptly);
  // the browser context is made meanwhile.
  const warmUp = async () => {
    const warm = await service.app.inject({ method: 'POST', url: '/api/v1/optimise', payload: { name: 'warm-up' }, headers: { authorization: `Bearer ${PLANNER_KEY}` } });
    if (warm.statusCode !== 200) throw new Error(`the warm-up plan answered ${warm.statusCode}: ${warm.body.slice(0, 300)}`);
  };
  const [warmed, launched] = await Promise.allSettled([warmUp(), launchBrowser()]);
  if (warmed.status === 'rejected' || launched.status === 'rejected') {
    if (launched.status === 'fulfilled') await launched.value.close();
    await service.close();
    throw warmed.status === 'rejected' ? warmed.reason : (launched as PromiseRejectedResult).reason;
  }
  const browser = launched.value;
  return {
    service,
    browser,
    open: (key, options = {}) => openPage(browser, service.url, key, options),
    async close() {
      await browser.close();
      await service.close();
    },
  };
}

/**
 * A new tab on `baseUrl` (`hash` appended) with `key` stored (null: none), once the page says it is
 * ready. Requests that try to leave the machine fail (CLOSED_NETWORK) and are counted as errors.
 */
export async function openPage(
  browser: Browser,
  baseUrl: string,
  key: string | null,
  options: { viewport?: { width: number; height: number }; hash?: string } = {},
): Promise<OpenedPage> {
  const page = await browser.context.newPage();
  if (options.viewport) await page.setViewportSize(options.viewport);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('requestfailed', (request) => {
    if (!request.url().startsWith(LOCAL)) errors.push(`external request: ${request.url()}`);
  });
  await page.addInitScript((k) => {
    if (k) localStorage.setItem('caspian.apiKey', k);
    else localStorage.removeItem('caspian.apiKey');
  }, key);
  await page.goto(`${baseUrl}/${options.hash ?? ''}`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 90_000 });
  return { page, errors };
}

/** A shipped scenario (`data/scenarios/<file>`) stored and run on the service with the planner key: the run's id and plan. */
export async function storedRunOf(service: Pick<Service, 'url'>, scenarioFile: string): Promise<{ runId: string; plan: Plan }> {
  const post = async (path: string, body?: unknown) => {
    const res = await fetch(`${service.url}/api/v1${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${PLANNER_KEY}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const record = await post('/scenarios', JSON.parse(readFileSync(join(ROOT, 'data/scenarios', scenarioFile), 'utf8')));
  const stored = await post(`/scenarios/${record.id}/runs`);
  return { runId: stored.id, plan: stored.plan };
}

/** How many plans the page has drawn (`body[data-plan-seq]`). */
export const planSeq = (page: Page): Promise<number> => page.evaluate(() => Number(document.body.dataset.planSeq ?? 0));

/** Waits until the page has drawn a plan after the `before`-th. */
export async function nextPlanDrawn(page: Page, before: number, wait = { timeout: 30_000 }): Promise<void> {
  await page.waitForFunction((n) => Number(document.body.dataset.planSeq ?? 0) > n, before, wait);
}

/**
 * Waits until no CSS transition or finite animation runs on the page (a panel sliding open, a popup
 * fading, the map's zoom): what a screenshot or a measurement of the layout waits for, in place of a
 * fixed pause. The busy spinner's endless turn is not waited for.
 */
export async function animationsSettled(page: Page, wait = { timeout: 30_000 }): Promise<void> {
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Number.POSITIVE_INFINITY), undefined, wait);
}

/** Opens stored scenario `id` from the page's Library and waits until its plan is drawn. */
export async function openStoredFromLibrary(page: Page, id: string, wait = { timeout: 30_000 }): Promise<void> {
  await page.click('#toggle-library');
  const open = page.locator(`#library-table tr[data-kind="scenario"][data-id="${id}"] button.library-open`);
  await open.waitFor(wait);
  const before = await planSeq(page);
  await open.click();
  await nextPlanDrawn(page, before, wait);
}
