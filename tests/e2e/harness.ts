/**
 * Shared by the browser tests and bench/web.ts: build the page, start the whole service in-process
 * on a free port, and drive Debian's Chromium (never a downloaded browser).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { chromium, type BrowserContext } from 'playwright-core';
import { buildApp } from '../../server/app.ts';
import { sha256Hex } from '../../server/api/plugins/auth.ts';
import { openSqliteStore } from '../../server/store/sqlite.ts';

export const CHROMIUM = '/usr/bin/chromium';
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

/** Builds web/dist with Vite (the same as `npm run build:web`). */
export async function buildWeb(): Promise<void> {
  const { build } = await import('vite');
  await build({ root: join(ROOT, 'web'), configFile: join(ROOT, 'web/vite.config.ts'), logLevel: 'warn' });
}

export interface Service {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

export async function startService(): Promise<Service> {
  const app = await buildApp({
    store: openSqliteStore({ path: ':memory:' }),
    keys: [
      { id: 'key_e2e_planner', role: 'planner', sha256: sha256Hex(PLANNER_KEY) },
      { id: 'key_e2e_viewer', role: 'viewer', sha256: sha256Hex(VIEWER_KEY) },
    ],
    publicRead: true,
    logger: false,
    rateLimit: false,
    webRoot: WEB_DIST,
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url: address, close: () => app.close() };
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchBrowser(viewport = { width: 1440, height: 900 }): Promise<Browser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'caspian-e2e-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
