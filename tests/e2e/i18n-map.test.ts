/**
 * The map's popups and the backtest view in the page's language: a flow's popup and the backtest
 * panel in English and in Russian, numbers in the language's style, screenshots of both.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backtestFixture } from '../web/fixtures/backtest-fixture.ts';
import { ARTIFACTS, browserAvailable, PLANNER_KEY, startServedPage, type ServedPage } from './harness.ts';

const run = browserAvailable();

/**
 * Clicks the middle of the widest flow line and returns its popup's text. The point is measured
 * again before each click, until the popup is open: the map may still redraw (labels placed, the
 * plan's layers replaced) between a measurement and a click.
 */
async function openWidestFlowPopup(page: Page): Promise<string> {
  const popup = page.locator('.leaflet-popup-content .popup');
  await expect
    .poll(
      async () => {
        if ((await popup.count()) === 0) {
          const at = await page.evaluate(() => {
            const paths = [...document.querySelectorAll<SVGPathElement>('path.flow-line')].sort((x, y) => Number(y.getAttribute('stroke-width')) - Number(x.getAttribute('stroke-width')));
            const path = paths[0];
            const m = path.getScreenCTM()!;
            const p = path.getPointAtLength(path.getTotalLength() / 2);
            return { x: m.a * p.x + m.c * p.y + m.e, y: m.b * p.x + m.d * p.y + m.f };
          });
          await page.mouse.click(at.x, at.y);
        }
        return popup.count();
      },
      { timeout: 20_000 },
    )
    .toBe(1);
  return (await popup.textContent()) ?? '';
}

describe.skipIf(!run)('popups and the backtest view in the page language', () => {
  let served: ServedPage;

  beforeAll(async () => {
    served = await startServedPage();
  }, 300_000);

  afterAll(async () => {
    await served?.close();
  });

  for (const lang of ['en', 'ru'] as const) {
    it(`${lang}: a flow's popup and the backtest panel speak the language`, async () => {
      const { page, errors } = await served.open(PLANNER_KEY, { hash: lang === 'ru' ? '#lang=ru' : '' });
      const popup = await openWidestFlowPopup(page);
      // The popup, not the popup and beside it the hover tooltip with the same table.
      await expect.poll(() => page.locator('.leaflet-tooltip.map-tooltip').count()).toBe(0);
      if (lang === 'ru') {
        expect(popup).toMatch(/Вид транспорта\s*(Ж\/д|Авто|Море)/);
        expect(popup).toMatch(/Тонны\s*[\d\u202f,]+ (тыс\. т|млн т)/);
        expect(popup).toMatch(/Загрузка/);
        expect(popup).not.toMatch(/Mode|Tonnes|Capacity|Utilisation|unlimited/);
        // Leaflet's own controls too.
        expect(await page.locator('.leaflet-control-zoom-in').getAttribute('title')).toBe('Приблизить');
        expect(await page.locator('.leaflet-control-zoom-out').getAttribute('aria-label')).toBe('Отдалить');
        expect(await page.locator('.leaflet-popup-close-button').getAttribute('aria-label')).toBe('Закрыть');
      } else {
        expect(popup).toMatch(/Mode\s*(Rail|Road|Sea)/);
        expect(popup).toMatch(/Tonnes\s*[\d\u202f.]+ (kt|Mt)/);
      }
      await page.locator('#map').screenshot({ path: join(ARTIFACTS, `map-flow-popup-${lang}.png`) });
      await page.locator('.leaflet-popup-close-button').click();

      await page.route('**/api/v1/backtest', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(backtestFixture) }));
      await page.click('#toggle-backtest');
      await page.waitForSelector('body[data-backtest="ready"]');
      const panel = (await page.locator('#backtest-panel').textContent()) ?? '';
      const firstRow = (await page.locator('#backtest-table tbody tr').first().textContent()) ?? '';
      if (lang === 'ru') {
        expect(await page.locator('#backtest-title').textContent()).toMatch(/^Калибровка на 2024 год, расчёт на 2025 год\. Столбики на карте/);
        expect(await page.locator('#backtest-targets h3').textContent()).toBe('Цели: выполнено 1 из 2');
        expect(panel).toMatch(/Модель и факт/);
        expect(panel).toMatch(/Показатель\s*Модель\s*Факт\s*Ошибка/);
        expect(panel).toMatch(/\(оценка\)/);
        expect(panel).toMatch(/[+−]\d+,\d %/);
        expect(firstRow).toMatch(/^(Производство|Импорт|Экспорт|Чистый импорт, запад|Ранг цены): /);
        expect(panel).not.toMatch(/Modelled|Observed|Calibrated on|Targets:|\(estimate\)/);
        expect(await page.locator('#backtest-language').count()).toBe(1);
      } else {
        expect(await page.locator('#backtest-targets h3').textContent()).toBe('Targets: 1 of 2 met');
        expect(panel).toMatch(/What\s*Modelled\s*Observed\s*Error/);
        expect(panel).toMatch(/[+−]\d+\.\d %/);
        expect(await page.locator('#backtest-language').count()).toBe(0);
      }
      await page.screenshot({ path: join(ARTIFACTS, `page-backtest-${lang}.png`) });
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});
