/**
 * Russian beside English in the browser: the language in the link, the page's own words and numbers
 * in it, switching from the menu, screenshots of both; and axe-core over the page in both languages.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, browserAvailable, openPage, PLANNER_KEY, startServedPage, startService, type ServedPage, type Service } from './harness.ts';

const run = browserAvailable();
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's serious and critical violations on the page as it is. */
async function axeSerious(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the page's CSP (script-src 'self') rightly blocks an inline tag.
  await page.evaluate(readFileSync(AXE, 'utf8'));
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[]; testEngine: { name: string } }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return { engine: result.testEngine.name, violations: result.violations };
  });
  expect(violations.engine).toBe('axe-core');
  const minor = violations.violations.filter((v) => v.impact !== 'serious' && v.impact !== 'critical');
  if (minor.length) console.info(`axe-core, moderate or minor: ${minor.map((v) => `${v.impact} ${v.id} (${v.nodes.length})`).join('; ')}`);
  return violations.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')})`);
}

describe.skipIf(!run)('Russian beside English', () => {
  let served: ServedPage;
  let keyed: Service;

  beforeAll(async () => {
    served = await startServedPage();
    keyed = await startService({ publicRead: false });
  }, 120_000);

  afterAll(async () => {
    // The browser first (its tabs on either service closed with it), then the services.
    await served?.close();
    await keyed?.close();
  });

  it('opens in Russian from the link: the page, its numbers, and the plan’s reasons in Russian, in tenge once KZT is chosen', async () => {
    const { page, errors } = await served.open(PLANNER_KEY, { hash: '#lang=ru' });
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ru');
    expect(await page.locator('#run-button').textContent()).toBe('Рассчитать');
    expect(await page.locator('#toggle-kpi').textContent()).toBe('Результаты');
    expect(await page.locator('#kpi-production .kpi-value').textContent()).toMatch(/(млн|тыс\.) т/);
    expect(await page.locator('#kpi-production .kpi-value').textContent()).toMatch(/\d,\d/);
    expect(await page.locator('#legend').textContent()).toMatch(/Ж\/д.*Авто.*Море/s);
    // The map's scale bar too.
    expect(await page.locator('.leaflet-control-scale-line').textContent()).toMatch(/^\d+ (км|м)$/);
    // The plan's reasons come as data and are worded in Russian here, money in the reader's currency.
    expect(await page.locator('#why-language').count()).toBe(0);
    expect(await page.locator('#why li').first().textContent()).toMatch(/^Завод производит \d+(,\d+)? (млн|тыс\.) т \(\d+ % мощности\)/);
    const netbacks = page.locator('#why li', { hasText: 'Лучшие нетбэки' });
    expect(await netbacks.textContent()).toMatch(/\d,\d\d USD\/т/);
    await page.check('#currency-kzt');
    await expect.poll(() => netbacks.textContent()).toMatch(/^Лучшие нетбэки: .+ \d[\d\u202f]* KZT\/т/);
    expect(await netbacks.textContent()).not.toContain('USD');
    expect(await page.locator('.currency-switch').textContent()).toMatch(/по курсу [\d\u202f]+ KZT\/USD \(курс плана на \d{4} год\)/);
    expect(await page.locator('#why').textContent()).not.toMatch(/The plant makes|Best netbacks|Domestic share/);
    await page.locator('#why').screenshot({ path: join(ARTIFACTS, 'why-ru-kzt.png') });
    expect(await page.locator('#lang-select').inputValue()).toBe('ru');
    // The form keeps working in Russian: labels are translated, the stale banner too. Its boxes show
    // and read the decimal comma (a number box dropped it as typed: "1,2" became 12).
    const share = page.getByLabel('Минимальная доля внутреннего рынка, доля (0–1)');
    expect(await share.inputValue()).toBe('0,5');
    // A wrong value is said in Russian, with the field's name.
    await share.fill('1,5');
    await expect
      .poll(() => share.locator('xpath=ancestor::div[@class="field"][1]').locator('.field-error').textContent())
      .toBe('Минимальная доля внутреннего рынка: должно быть не больше 1.');
    await share.fill('0,8');
    await expect.poll(() => share.locator('xpath=ancestor::div[@class="field"][1]').locator('.slider-value').textContent()).toMatch(/^80\s?%$/);
    const exportPrices = page.getByLabel('Экспортные цены ×, значение', { exact: true });
    await exportPrices.fill('1,2');
    await expect.poll(() => exportPrices.locator('xpath=ancestor::div[@class="field"][1]').locator('.slider-value').textContent()).toBe('× 1,20');
    await exportPrices.fill('1.2');
    await expect.poll(() => exportPrices.locator('xpath=ancestor::div[@class="field"][1]').locator('.slider-value').textContent()).toBe('× 1,20');
    await exportPrices.fill('1');
    await page.locator('#stale-banner').waitFor({ state: 'visible' });
    expect(await page.locator('#stale-text').textContent()).toMatch(/Исходные данные изменились/);
    expect(await page.evaluate(() => location.href)).toContain('lang=ru');
    await page.screenshot({ path: join(ARTIFACTS, 'page-ru.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the ports and legs list in Russian: whole names, the mode in Russian, a tooltip and a Russian label for each box', async () => {
    const { page, errors } = await served.open(PLANNER_KEY, { hash: '#lang=ru' });
    await page.locator('summary', { hasText: 'Порты и участки' }).click();
    await page.locator('.legs-details summary').click();
    const names = page.locator('.legs-details .cap-name');
    expect(await names.count()).toBeGreaterThan(10);
    const texts = await names.allTextContents();
    for (const text of texts) expect(text).toMatch(/^(Ж\/д|Авто|Море): \S.* → \S/);
    // No name is cut: each fits its box (it wraps instead), and its full name is its tooltip.
    const cut = await names.evaluateAll((els) => els.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent));
    expect(cut).toEqual([]);
    expect(await names.first().getAttribute('title')).toMatch(/^(Ж\/д|Авто|Море): .+ → .+/);
    const box = page.locator('.legs-details .cap-row input[inputmode]').first();
    const label = (await box.evaluate((input) => document.querySelector(`label[for="${input.id}"]`)?.textContent)) ?? '';
    expect(label).toMatch(/: пропускная способность, тыс\. т\/год$/);
    expect(label).not.toMatch(/capacity/);
    await names.nth(36).scrollIntoViewIfNeeded();
    await page.locator('#scenario-panel').screenshot({ path: join(ARTIFACTS, 'ports-legs-ru.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the analysis panel in Russian: tabs, forms, the share curve with its axes and numbers', async () => {
    const { page, errors } = await served.open(PLANNER_KEY, { hash: '#lang=ru' });
    await page.click('#toggle-analysis');
    await expect.poll(() => page.locator('#analysis-panel').evaluate((el) => !el.classList.contains('collapsed'))).toBe(true);
    expect(await page.locator('#analysis-panel h2').textContent()).toBe('Анализ');
    expect(await page.locator('#analysis-panel [role="tab"]').allTextContents()).toEqual(['Кривая доли', 'Перебор', 'Монте-Карло', 'По годам', 'Контракты', 'Простор для переговоров']);
    expect(await page.locator('#analysis-role').textContent()).toMatch(/Ключ планировщика/);
    expect(await page.locator('#sensitivity-run').textContent()).toBe('Построить кривую доли');

    await page.locator('#share-points').fill('3');
    await page.click('#sensitivity-run');
    await page.locator('#share-curve-chart svg path.series').waitFor({ timeout: 120_000 });
    const chart = (await page.locator('#share-curve-chart').textContent()) ?? '';
    expect(chart).toMatch(/Маржа, USD/);
    expect(chart).toMatch(/Минимальная доля внутреннего рынка/);
    expect(chart).toMatch(/правило сейчас: 50 %/);
    expect(chart).toMatch(/маржа меняется с USD \d+,\d млн/);
    expect(await page.locator('#sensitivity-status').textContent()).toMatch(/^Готово за (\d+,\d с|\d+ мин \d+ с)\.$/);
    const tables = (await page.locator('#sensitivity-tables').textContent()) ?? '';
    expect(tables).toMatch(/Теневые цены/);
    expect(tables).toMatch(/\d,\d\d USD\/т/);
    await page.locator('#analysis-panel').screenshot({ path: join(ARTIFACTS, 'analysis-ru.png') });

    await page.getByRole('tab', { name: 'Перебор' }).click();
    expect(await page.locator('#sweep-start').textContent()).toBe('Запустить перебор');
    expect(await page.locator('#sweep-a1-parameter option').first().textContent()).toBe('Экспортные цены ×');
    expect(await page.locator('#sweep-count').textContent()).toMatch(/^Точек: 7, каждая/);
    await page.getByRole('tab', { name: 'Монте-Карло' }).click();
    expect(await page.locator('#mc-start').textContent()).toBe('Запустить Монте-Карло');
    await page.getByRole('tab', { name: 'Простор для переговоров' }).click();
    expect(await page.locator('#negotiate-run').textContent()).toBe('Найти простор');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('switches language from the menu and keeps the choice in the link', async () => {
    const { page } = await served.open(PLANNER_KEY);
    expect(await page.locator('#run-button').textContent()).toBe('Run optimisation');
    await page.screenshot({ path: join(ARTIFACTS, 'page-en.png') });
    await Promise.all([page.waitForEvent('load'), page.selectOption('#lang-select', 'ru')]);
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.evaluate(() => location.href)).toContain('lang=ru');
    expect(await page.locator('#run-button').textContent()).toBe('Рассчитать');
    await Promise.all([page.waitForEvent('load'), page.selectOption('#lang-select', 'en')]);
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.evaluate(() => location.href)).not.toContain('lang=');
    expect(await page.locator('#run-button').textContent()).toBe('Run optimisation');
    await page.close();
  });

  it('asks for a key in Russian on a keyed server', async () => {
    const { page } = await openPage(served.browser, keyed.url, null, { hash: '#lang=ru' });
    await page.locator('#signin').waitFor({ state: 'visible' });
    expect(await page.locator('#signin-title').textContent()).toBe('Войдите, чтобы увидеть планы');
    expect(await page.locator('#role-text').textContent()).toMatch(/только по API-ключу/);
    await page.screenshot({ path: join(ARTIFACTS, 'signin-ru.png') });
    await page.close();
  });

  it('axe-core finds no serious or critical violations, in English and in Russian', async () => {
    const found: string[] = [];
    for (const hash of ['', '#lang=ru']) {
      const { page } = await served.open(PLANNER_KEY, { hash });
      found.push(...(await axeSerious(page)).map((v) => `${hash || 'en'}: ${v}`));
      await page.close();
    }
    expect(found).toEqual([]);
  });
});
