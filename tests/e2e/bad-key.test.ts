/**
 * A key that cannot be a key (a Cyrillic "с" typed on the Russian layout): a stored one is dropped
 * on load and said in the sign-in, in the page's language, and one typed into the sign-in is refused
 * there without being stored. The page never says the server cannot be reached over it.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, browserAvailable, startServedPage, type ServedPage } from './harness.ts';

const run = browserAvailable();
const WAIT = { timeout: 30_000 };

describe.skipIf(!run)('an API key with characters a key cannot have', () => {
  let served: ServedPage;

  beforeAll(async () => {
    served = await startServedPage({ publicRead: false });
  }, 240_000);

  afterAll(async () => {
    await served?.close();
  });

  it('is dropped on load, said in the sign-in, and a typed one is never stored', async () => {
    const { page, errors } = await served.open('сxo_ключ-planner', { hash: '#lang=ru' });
    // On load: the stored key is gone, and the sign-in says why.
    await page.locator('#signin').waitFor({ state: 'visible', ...WAIT });
    expect(await page.evaluate(() => localStorage.getItem('caspian.apiKey'))).toBeNull();
    const error = page.locator('#signin-error');
    await expect.poll(() => error.textContent(), WAIT).toMatch(/^Этот API-ключ недействителен: в нём есть кириллические буквы \(«с», «к», «л», «ю», «ч»\)/);
    expect(await page.locator('#run-status').textContent()).not.toMatch(/недоступен/);
    await page.screenshot({ path: join(ARTIFACTS, 'bad-key-signin.png') });

    // Typed into the sign-in: refused there, not stored, the sign-in stays.
    await page.fill('#signin-key', 'e2e-planner-key-0123456789ё');
    await page.locator('#signin button[type="submit"]').click();
    await expect.poll(() => error.textContent(), WAIT).toContain('«ё»');
    expect(await page.evaluate(() => localStorage.getItem('caspian.apiKey'))).toBeNull();
    expect(await page.locator('#signin').isVisible()).toBe(true);
    expect(errors).toEqual([]);
  });
});
