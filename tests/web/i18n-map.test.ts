/**
 * The map's popups and the backtest view follow the page's language: their words come from the
 * message catalogue and their numbers from the language's style; English stays as it was.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { setLocale } from '../../web/src/i18n/index.ts';
import { backtestState, backtestView } from '../../web/src/lib/backtest.ts';
import { clearingMarketPopup, competitorPopup, isClearingPlan } from '../../web/src/lib/clearing.ts';
import { legPopup, marketPopup, nodePopup } from '../../web/src/lib/popups.ts';
import { backtestFixture } from './fixtures/backtest-fixture.ts';
import { makeClearingFixture } from './fixtures/clearing-fixture.ts';
import { makeFixturePlan } from './fixtures/plan-fixture.ts';

afterEach(() => {
  setLocale('en');
});

const plan = makeFixturePlan();
const leg = plan.legs.find((l) => l.tonnes > 0)!;
const market = plan.markets.find((m) => m.tonnes > 0)!;

describe('map popups in Russian', () => {
  it('a flow popup: mode, tonnes for the month, capacity, utilisation and closure in Russian', () => {
    setLocale('ru');
    const html = legPopup({ name: leg.name, mode: 'rail', tonnes: 450_000, periodLabel: 'мар. 2027 г.', use: { ...leg, capacityTonnes: null, utilisation: 0.5234 }, closed: true });
    expect(html).toContain('<th scope="row">Вид транспорта</th><td>Ж/д</td>');
    expect(html).toContain('<th scope="row">Тонны (мар. 2027 г.)</th><td>450 тыс. т</td>');
    expect(html).toContain('<th scope="row">Пропускная способность</th><td>без ограничений</td>');
    expect(html).toContain('<th scope="row">Загрузка</th><td>52,3 %</td>');
    expect(html).toContain('Закрыто в этом виде');
    setLocale('en');
    const english = legPopup({ name: leg.name, mode: 'rail', tonnes: 450_000, periodLabel: null, use: { ...leg, capacityTonnes: null, utilisation: 0.5234 }, closed: false });
    expect(english).toContain('<th scope="row">Mode</th><td>Rail</td>');
    expect(english).toContain('<th scope="row">Utilisation</th><td>52.3 %</td>');
  });

  it('a market and a port popup in Russian', () => {
    setLocale('ru');
    const html = marketPopup(market, { tonnes: market.tonnes, shareOfDemand: 0.4, periodLabel: null });
    expect(html).toMatch(/(Внутренний|Экспортный) рынок/);
    expect(html).toContain('<th scope="row">Доля спроса</th><td>40,0 %</td>');
    expect(html).toMatch(/<th scope="row">Нетбэк<\/th><td>[\d\u202f]+,\d\d USD\/т<\/td>/);
    expect(html).toMatch(/<h4>Маршрут(ы)?<\/h4>/);
    expect(marketPopup({ ...market, tonnes: 100_000, baggedTonnes: 70_000, bulkTonnes: 30_000 }, { tonnes: 100_000, shareOfDemand: 0.4, periodLabel: null })).toContain(
      '<th scope="row">В мешках / навалом</th><td>70 тыс. т / 30 тыс. т</td>',
    );
    const port = nodePopup({ ...leg, capacityTonnes: 2_000_000, utilisation: 0.25 }, { tonnes: 500_000, periodLabel: null, closed: false });
    expect(port).toContain('<th scope="row">Перевалка</th><td>500 тыс. т</td>');
    expect(port).toContain('<th scope="row">Пропускная способность</th><td>2,00 млн т</td>');
  });
});

describe('market-clearing popups in Russian', () => {
  it('a market: clearing price, tonnes bought, our share and who sets the price; a competitor plant', () => {
    setLocale('ru');
    const clearing = makeClearingFixture();
    if (!isClearingPlan(clearing)) throw new Error('the fixture must be a clearing plan');
    const html = clearingMarketPopup(clearing.clearing.markets[0], clearing.markets.find((m) => m.id === 'aktobe'));
    expect(html).toContain('<th scope="row">Равновесная цена</th><td>39,11 USD/т</td>');
    expect(html).toContain('<th scope="row">Куплено тонн</th><td>706 тыс. т</td>');
    expect(html).toContain('<th scope="row">Наши тонны</th><td>12 тыс. т (доля 2 %)</td>');
    expect(html).toContain('<h4>Кто поставляет остальное</h4>');
    expect(html).toContain('Цену задаёт Aktobe Cem (Alga district, Aktobe region): его предложение с доставкой, 39,11 USD/т.');
    const names = new Map(clearing.clearing.markets.map((m) => [m.id, m.name]));
    const plant = competitorPopup(clearing.clearing.competitors[0], names);
    expect(plant).toContain('<th scope="row">Продаёт</th>');
    expect(plant).toContain('<th scope="row">Денежные затраты</th>');
    expect(plant).not.toMatch(/Sells|Cash cost|Capacity/);
    // A plant's capacity is its output ("мощность"), not a leg's or port's throughput.
    expect(plant).toMatch(/<th scope="row">Мощность<\/th><td>[\d\u202f,]+ (тыс\. т|млн т)<\/td>/);
    expect(plant).not.toContain('Пропускная способность');
  });
});

describe('the backtest view in Russian', () => {
  it('words, kinds, bands and numbers in Russian; the server’s own names stay as sent', () => {
    setLocale('ru');
    const state = backtestState(200, backtestFixture);
    if (state.kind !== 'ready') throw new Error('fixture must parse');
    const view = backtestView(state.data);
    expect(view.title).toBe('Калибровка на 2024 год, расчёт на 2025 год');
    const caspi = view.table.find((r) => r.id === 'caspi_cement')!;
    expect(caspi).toMatchObject({ kindLabel: 'Производство', modelled: '520 тыс. т', observed: '650 тыс. т (оценка)', error: '−20,0 %' });
    const steppe = view.bars.find((b) => b.key === 'plant-production:steppe_cement')!;
    expect(steppe.label).toBe('Steppe Cement, производство 2025: модель 2,05 млн т, факт 2,00 млн т (входные данные модели), ошибка +2,5 %');
    expect(view.bars.find((b) => b.kind === 'price')!.caption).toBe('Цена +15,2 %');
    expect(view.targets[1]).toMatchObject({ name: 'Imports within 25 %', target: '±25 %', value: '40 %', met: false });
    // Prices per tonne in the page's unit, as everywhere else on the Russian page.
    expect(view.table.find((r) => r.kind === 'price' && r.id === 'atyrau')).toMatchObject({ modelled: '41\u202f460 KZT/т (#2)', observed: '36\u202f000 KZT/т (#1) (оценка)' });
    expect(backtestState(404, null)).toEqual({ kind: 'unavailable', message: 'Бэктест на этом сервере недоступен (у него нет маршрута бэктеста).' });
    expect(backtestState(503, null)).toEqual({ kind: 'unavailable', message: 'Бэктест на этом сервере недоступен (ответ 503).' });
  });
});
