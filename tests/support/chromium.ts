/**
 * Debian's Chromium for the browser tests and bench/web.ts (never a downloaded browser): where it
 * is, and the flags it runs with. As a vitest globalSetup it starts one browser for the whole test
 * run and provides its address (`inject('browserEndpoint')`); each browser test file connects to it
 * and works in browser contexts of its own (tests/e2e/harness.ts), instead of starting a Chromium
 * per file. Without Chromium the address is null (the browser tests skip, or fail with
 * REQUIRE_BROWSER=1).
 */
import { existsSync, readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

const BASE_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

/**
 * Browser features a headless page never shows but Chromium's headless mode still builds for every
 * window it opens: the address bar's WebUI popups, each a renderer of its own. They cost about 2 s
 * of CPU per page opened, more than a fifth of what opening the map page costs.
 */
export const UNUSED_FEATURES: readonly string[] = ['WebUIOmniboxPopup', 'WebUIOmniboxAimPopup'];

/** The `--disable-features` list of a running Chromium, read from its command line (the last such flag, the one Chromium honours). */
export function disabledFeaturesOf(pid: number): string[] {
  const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const flag = args.filter((a) => a.startsWith('--disable-features=')).at(-1);
  return flag ? flag.slice('--disable-features='.length).split(',').filter(Boolean) : [];
}

let argsOnce: Promise<string[]> | null = null;

/**
 * The flags every Chromium here runs with. Chromium honours only the last `--disable-features`
 * flag and Playwright passes a list of its own first, so ours repeats Playwright's list, as read
 * from a browser Playwright starts for the purpose, and adds UNUSED_FEATURES.
 */
export function chromiumArgs(): Promise<string[]> {
  argsOnce ??= (async () => {
    const probe = await chromium.launchServer({ executablePath: CHROMIUM, headless: true, args: [...BASE_ARGS] });
    try {
      const pid = probe.process().pid;
      const playwrights = pid === undefined ? [] : disabledFeaturesOf(pid);
      const features = [...new Set([...playwrights, ...UNUSED_FEATURES])];
      return [...BASE_ARGS, `--disable-features=${features.join(',')}`];
    } finally {
      await probe.close();
    }
  })();
  return argsOnce;
}

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
  const server = await chromium.launchServer({ executablePath: CHROMIUM, headless: true, args: await chromiumArgs() });
  project.provide('browserEndpoint', server.wsEndpoint());
  return () => server.close();
}
