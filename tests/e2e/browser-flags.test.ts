/**
 * The test browser's flags: the address bar's WebUI popups (a renderer per window that a headless
 * page never shows) stay off, and Playwright's own disabled features are kept beside them, since
 * Chromium honours only the last `--disable-features` flag.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, chromiumArgs, disabledFeaturesOf, UNUSED_FEATURES } from '../support/chromium.ts';
import { browserAvailable } from './harness.ts';

const run = browserAvailable();

/** The command lines of `root` and every process below it. */
function processTree(root: number): string[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ');
      parentOf.set(Number(entry), Number(fields[1]));
    } catch {
      // the process ended while the tree was read
    }
  }
  const inside = (pid: number): boolean => {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = parentOf.get(p)) if (p === root) return true;
    return false;
  };
  const lines: string[] = [];
  for (const pid of parentOf.keys()) {
    if (!inside(pid)) continue;
    try {
      lines.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '));
    } catch {
      // ended meanwhile
    }
  }
  return lines;
}

/**
 * Opens a page in a Chromium started with `args`; then counts its address-bar popup renderers
 * (once at least one is there, when `awaitPopup`: Chromium may start it a moment after the page).
 */
async function rendererFlags(args: string[], awaitPopup: boolean): Promise<{ topChromeRenderers: number; disabled: string[] }> {
  const server = await chromium.launchServer({ executablePath: CHROMIUM, headless: true, args });
  try {
    const browser = await chromium.connect(server.wsEndpoint());
    const page = await (await browser.newContext()).newPage();
    await page.setContent('<p>a page</p>');
    const pid = server.process().pid!;
    const count = () => processTree(pid).filter((line) => line.includes('--top-chrome-webui')).length;
    if (awaitPopup) await expect.poll(count).toBeGreaterThan(0);
    const topChromeRenderers = count();
    await browser.close();
    return { topChromeRenderers, disabled: disabledFeaturesOf(pid) };
  } finally {
    await server.close();
  }
}

describe.skipIf(!run)('the test browser', () => {
  it('builds no address-bar popup renderer and keeps the features Playwright disables', async () => {
    const base = (await chromiumArgs()).filter((a) => !a.startsWith('--disable-features='));
    const plain = await rendererFlags(base, true);
    const ours = await rendererFlags(await chromiumArgs(), false);
    // Without the flag this Chromium builds the popup's renderer (the poll above waited for it), so the check below can fail.
    expect(ours.topChromeRenderers).toBe(0);
    expect(ours.disabled).toEqual(expect.arrayContaining([...plain.disabled, ...UNUSED_FEATURES]));
    expect(plain.disabled.length).toBeGreaterThan(0);
  });
});
