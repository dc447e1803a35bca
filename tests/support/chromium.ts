/**
 * Debian's Chromium for the browser tests and bench/web.ts (never a downloaded browser): where it
 * is, and the flags it runs with. As a vitest globalSetup it starts one browser for the whole test
 * run and provides its address (`inject('browserEndpoint')`); each browser test file connects to it
 * and works in browser contexts of its own (tests/e2e/harness.ts), instead of starting a Chromium
 * per file. Without Chromium the address is null (the browser tests skip, or fail with
 * REQUIRE_BROWSER=1).
 */
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

declare module 'vitest' {
  export interface ProvidedContext {
    /** The test run's shared Chromium (a Playwright browser server's WebSocket address), or null. */
    browserEndpoint: string | null;
  }
}

/** vitest globalSetup: one Chromium for the run, its address provided as `browserEndpoint`. */
export default async function setup(project: { provide(key: 'browserEndpoint', value: string | null): void }): Promise<() => Promise<void>> {
  if (!existsSync(CHROMIUM)) {
    project.provide('browserEndpoint', null);
    return async () => undefined;
  }
  const server = await chromium.launchServer({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS] });
  project.provide('browserEndpoint', server.wsEndpoint());
  return () => server.close();
}
