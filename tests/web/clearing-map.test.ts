/** The clearing mode on the map: pie geometry, competitor flows, clearing popups, results rows. */
import { describe, expect, it } from 'vitest';
import {
  boughtIn,
  clearingMarketPopup,
  clearingRows,
  clearingSummary,
  competitorFlowItems,
  competitorFlowStyle,
  competitorPopup,
  COMPETITOR_COLOUR,
  isClearingPlan,
  marginalSupplierText,
  marketPies,
  maxBoughtTonnes,
  maxCompetitorFlowTonnes,
  shortSupplier,
} from '../../web/src/lib/clearing.ts';
import { money } from '../../web/src/lib/money.ts';
import { setLocale } from '../../web/src/i18n/index.ts';
import { pieSlices, pieSvg } from '../../web/src/lib/pie.ts';
import { DEFAULT_FILTERS, DOMESTIC_COLOUR, MODE_COLOURS } from '../../web/src/lib/style.ts';
import { makeClearingFixture } from './fixtures/clearing-fixture.ts';
import { makeFixturePlan } from './fixtures/plan-fixture.ts';

const plan = makeClearingFixture();
if (!isClearingPlan(plan)) throw new Error('the fixture must be a clearing plan');

/** Parses "M.. L x0 y0 A .. x1 y1 Z" back into its points. */
function arcEnds(d: string): { start: [number, number]; end: [number, number]; large: number } {
  const m = /^M([\d.-]+) ([\d.-]+)L([\d.-]+) ([\d.-]+)A[\d.]+ [\d.]+ 0 (\d) 1 ([\d.-]+) ([\d.-]+)Z$/.exec(d);
  if (!m) throw new Error(`not a slice: ${d}`);
  return { start: [Number(m[3]), Number(m[4])], end: [Number(m[6]), Number(m[7])], large: Number(m[5]) };
}

describe('pie geometry', () => {
  it('starts at 12 o’clock and goes clockwise; a quarter ends at 3 o’clock', () => {
    const [ours, rest] = pieSlices([{ key: 'ours', value: 1, colour: 'g' }, { key: 'competitors', value: 3, colour: 'c' }], 10, 10, 10);
    expect(ours.fraction).toBeCloseTo(0.25);
    const a = arcEnds(ours.d);
    expect(a.start).toEqual([10, 0]);
    expect(a.end).toEqual([20, 10]);
    expect(a.large).toBe(0);
    const b = arcEnds(rest.d);
    expect(b.start).toEqual([20, 10]);
    expect(b.end).toEqual([10, 0]);
    expect(b.large).toBe(1);
  });

  it('draws a lone slice as a whole disc and leaves out empty or invalid slices', () => {
    const paths = pieSlices([{ key: 'ours', value: 0, colour: 'g' }, { key: 'competitors', value: 5, colour: 'c' }, { key: 'bad', value: Number.NaN, colour: 'x' }], 8);
    expect(paths).toHaveLength(1);
    expect(paths[0].fraction).toBe(1);
    expect(paths[0].d).toBe('M8 0A8 8 0 1 1 8 16A8 8 0 1 1 8 0Z');
    expect(pieSlices([], 8)).toEqual([]);
    expect(pieSlices([{ key: 'a', value: 1, colour: 'x' }], 0)).toEqual([]);
  });

  it('every slice ends where the next starts, and the fractions add up to one', () => {
    const values = [3, 1, 4, 1, 5, 9, 2, 6];
    const paths = pieSlices(values.map((v, i) => ({ key: String(i), value: v, colour: '#000' })), 20, 20, 20);
    expect(paths.reduce((s, p) => s + p.fraction, 0)).toBeCloseTo(1, 12);
    for (let i = 1; i < paths.length; i += 1) expect(arcEnds(paths[i].d).start).toEqual(arcEnds(paths[i - 1].d).end);
    expect(arcEnds(paths[paths.length - 1].d).end).toEqual([20, 0]);
  });

  it('gives the SVG an accessible name and escapes it', () => {
    const svg = pieSvg([{ key: 'ours', value: 1, colour: '#2f7d32' }], 6, 'A & B <market>');
    expect(svg).toContain('role="img"');
    expect(svg).toContain('aria-label="A &amp; B &lt;market&gt;"');
    expect(svg).toContain('<title>A &amp; B &lt;market&gt;</title>');
    expect(svg).toContain('width="15"');
    // Nothing bought: a hollow ring, no slices.
    expect(pieSvg([], 4, 'empty')).not.toContain('data-slice');
  });
});

describe('market pies', () => {
  it('one pie per located market: our share against competitors, sized by tonnes bought', () => {
    const pies = marketPies(plan, DEFAULT_FILTERS, null);
    expect(pies.map((p) => p.id)).toEqual(['aktobe', 'atyrau', 'baku']);
    const aktobe = pies[0];
    expect(aktobe.boughtTonnes).toBe(706_000);
    expect(aktobe.ourTonnes).toBe(12_000);
    expect(aktobe.competitorTonnes).toBe(694_000);
    expect(aktobe.slices).toEqual([
      { key: 'ours', value: 12_000, colour: DOMESTIC_COLOUR },
      { key: 'competitors', value: 694_000, colour: COMPETITOR_COLOUR },
    ]);
    expect(aktobe.label).toBe('Aktobe region: 706 kt bought, our share 2 % (12 kt), competitors 98 %');
    expect(pies[2].label).toBe('Azerbaijan via Port of Baku (Alat): nothing bought at the clearing price');
    expect(maxBoughtTonnes(plan, 'total')).toBe(706_000);
  });

  it('follows the domestic / export filter; competitors hidden on the map still count in the pie', () => {
    expect(marketPies(plan, { ...DEFAULT_FILTERS, export: false }, null).map((p) => p.id)).toEqual(['aktobe', 'atyrau']);
    const hidden = marketPies(plan, { ...DEFAULT_FILTERS, competitors: false }, null);
    expect(hidden[0].competitorTonnes).toBe(694_000);
  });

  it('draws a market only competitors reach (no row of ours) at the clearing market’s own position', () => {
    const atyrau = plan.clearing.markets.find((m) => m.id === 'atyrau')!;
    const omsk = { ...atyrau, id: 'omsk', name: 'Omsk region', domestic: false, lng: 73.37, lat: 54.99, ourTonnes: 0, ourShare: 0 };
    const withOutside = { ...plan, clearing: { ...plan.clearing, markets: [...plan.clearing.markets, omsk] } };
    const pie = marketPies(withOutside, DEFAULT_FILTERS, null).find((p) => p.id === 'omsk');
    expect(pie).toMatchObject({ lng: 73.37, lat: 54.99, ourTonnes: 0, ourShare: 0, boughtTonnes: boughtIn(atyrau, null) });
    expect(pie!.competitorTonnes).toBe(boughtIn(atyrau, null));
    // Without a position of its own and without a row of ours, a market cannot be placed.
    const { lng: _lng, lat: _lat, ...unplaced } = omsk;
    const none = { ...plan, clearing: { ...plan.clearing, markets: [...plan.clearing.markets, unplaced] } };
    expect(marketPies(none, DEFAULT_FILTERS, null).map((p) => p.id)).toEqual(['aktobe', 'atyrau', 'baku']);
  });

  it('takes a period’s tonnes from the demand blocks bought in it', () => {
    expect(boughtIn(plan.clearing.markets[1], 0)).toBe(600_000);
    expect(boughtIn(plan.clearing.markets[1], null)).toBe(600_000);
  });
});

describe('competitor flows', () => {
  it('are muted and dashed, on the width they are given (the scale shared with our flows)', () => {
    const s = competitorFlowStyle(10);
    expect(s.weight).toBe(10);
    expect(s.color).toBe(COMPETITOR_COLOUR);
    expect(Object.values(MODE_COLOURS)).not.toContain(s.color);
    expect(s.dashArray).toBe('22 12');
    expect(s.opacity).toBeLessThan(0.88);
    // Thin lines keep readable dashes.
    expect(competitorFlowStyle(1.5).dashArray).toBe('5 4');
  });

  it('are filtered as a whole and by competitor, and by the market filter', () => {
    const all = competitorFlowItems(plan, DEFAULT_FILTERS, null);
    expect(all.map((f) => `${f.supplierId}>${f.market}`)).toEqual(['aktobe_cem>uralsk', 'aktobe_cem>aktobe', 'caspi_cement>atyrau']);
    expect(competitorFlowItems(plan, { ...DEFAULT_FILTERS, competitors: false }, null)).toEqual([]);
    expect(competitorFlowItems(plan, { ...DEFAULT_FILTERS, hiddenCompetitors: ['aktobe_cem'] }, null).map((f) => f.supplierId)).toEqual(['caspi_cement']);
    // Uralsk is not among the clearing markets of the fixture, so only the domestic filter's known markets drop.
    expect(competitorFlowItems(plan, { ...DEFAULT_FILTERS, domestic: false }, null).map((f) => f.market)).toEqual(['uralsk']);
    expect(maxCompetitorFlowTonnes(plan, 'total')).toBe(1_306_000);
    expect(maxCompetitorFlowTonnes(makeFixturePlan(), 'total')).toBe(0);
  });
});

describe('clearing popups', () => {
  it('a market: clearing price, tonnes bought, our share, who supplies the rest, and who sets the price', () => {
    const html = clearingMarketPopup(plan.clearing.markets[0], plan.markets.find((m) => m.id === 'aktobe'));
    expect(html).toContain('<h3>Aktobe region</h3>');
    expect(html).toContain('<th scope="row">Clearing price</th><td>39.11 USD/t</td>');
    expect(html).toContain('<th scope="row">Tonnes bought</th><td>706 kt</td>');
    expect(html).toContain('<th scope="row">Our tonnes</th><td>12 kt (2 % share)</td>');
    expect(html).toContain('<h4>Who supplies the rest</h4>');
    expect(html).toContain('Aktobe Cem (Alga district, Aktobe region) <span class="muted">694 kt</span>');
    expect(html).toContain('Price set by Aktobe Cem (Alga district, Aktobe region): its delivered offer, 39.11 USD/t.');
    expect(html).not.toContain('all equilibria');
  });

  it('a degenerate split gives our tonnes as a range over all equilibria', () => {
    const html = clearingMarketPopup(plan.clearing.markets[1], undefined);
    expect(html).toContain('<th scope="row">Our tonnes, all equilibria</th><td>150 kt – 450 kt</td>');
    expect(html).toContain('the split is not unique');
    expect(html).toContain('Price set by the buyers: today&#39;s average regional price: marginal buyers, worth 41.19 USD/t to them.');
  });

  it('a price the equilibrium does not fix: its range over all equilibria, and no one said to set it', () => {
    const cm = { ...plan.clearing.markets[0], priceRangeUsdPerTonne: { low: 39.1061, high: 41.5 }, priceRangeUsdPerTonneByPeriod: [{ low: 39.1061, high: 41.5 }] };
    const html = clearingMarketPopup(cm, undefined);
    expect(html).toContain('<th scope="row">Clearing price, all equilibria</th><td>39.11 – 41.50 USD/t</td>');
    expect(html).toContain('The market does not fix the price here');
    expect(html).not.toContain('Price set by');
    const open = clearingMarketPopup({ ...cm, priceRangeUsdPerTonneByPeriod: [{ low: 39.1061, high: null }] }, undefined, { period: 0, periodLabel: '2027' });
    expect(open).toContain('<th scope="row">Clearing price, all equilibria (2027)</th><td>39.11 USD/t or more</td>');
  });

  it('in tenge at the plan’s rate', () => {
    const html = clearingMarketPopup(plan.clearing.markets[0], undefined, { money: money('KZT', plan.kztPerUsd) });
    expect(html).toContain('<th scope="row">Clearing price</th><td>20\u202f335 KZT/t</td>');
  });

  it('says who sets the price for every kind of marginal supplier', () => {
    expect(marginalSupplierText({ kind: 'ours', id: 'p', name: 'Baiganin plant', costUsdPerTonne: 41.19 })).toBe(
      'Price set by us, Baiganin plant: our delivered cost plus the rent our capacity earns elsewhere, 41.19 USD/t.',
    );
    expect(marginalSupplierText(plan.clearing.markets[2].marginalSupplier)).toBe('Price set by scarcity: no seller at cost: every seller here earns a capacity or policy rent.');
    expect(marginalSupplierText(null)).toBe('Price set by: not determined for this market.');
  });

  it('words our plant, the buyers’ block and scarcity in the page’s language (the engine gives them in English)', () => {
    setLocale('ru');
    try {
      const demand = { kind: 'demand' as const, id: null, name: "the market's own demand (tier 2)", costUsdPerTonne: 60, blockLabel: 'tier 2' };
      expect(marginalSupplierText(demand, money('KZT', 500))).toBe('Цену задают покупатели: спрос самого рынка (tier 2), для них это стоит 30\u202f000 KZT/т.');
      const ours = { kind: 'ours' as const, id: 'p', name: 'our plant (Baiganin plant)', costUsdPerTonne: 41.19, plantNames: 'Baiganin plant' };
      expect(marginalSupplierText(ours)).toBe('Цену задаём мы, наш завод (Baiganin plant): наши затраты с доставкой плюс рента, которую наша мощность приносит на других рынках, 41,19 USD/т.');
      expect(marginalSupplierText(plan.clearing.markets[2].marginalSupplier)).toBe('Цену задаёт дефицит: нет продавца по себестоимости: каждый продавец здесь получает ренту мощности или правил.');
    } finally {
      setLocale('en');
    }
  });

  it('a competitor plant: capacity use, cash cost, rent, and its markets by tonnes', () => {
    const names = new Map([
      ['aktobe', 'Aktobe region'],
      ['uralsk', 'West Kazakhstan region (Uralsk)'],
    ]);
    const html = competitorPopup(plan.clearing.competitors[0], names);
    expect(html).toContain('<th scope="row">Capacity use</th><td>100 %</td>');
    expect(html).toContain('<th scope="row">Cash cost</th><td>23.46 USD/t</td>');
    expect(html).toContain('<th scope="row">Capacity rent</th><td>7.11 USD/t</td>');
    expect(html.indexOf('West Kazakhstan')).toBeLessThan(html.indexOf('Aktobe region <span'));
    expect(html).not.toContain('atyrau');
    const idle = competitorPopup(plan.clearing.competitors[1], names);
    expect(idle).toContain('<th scope="row">Capacity rent</th><td>none (spare capacity)</td>');
  });
});

describe('the results panel in the clearing mode', () => {
  it('sums our margin at clearing prices and the tonnes on each side', () => {
    expect(clearingSummary(plan)).toEqual({
      ourMarginUsd: 3_378_691.44,
      ourMarginRangeUsd: null,
      welfareUsd: 993_807_412.91,
      ourTonnes: 312_000,
      competitorTonnes: 994_000,
      marketsWithUs: 2,
      activeCompetitors: 2,
    });
  });

  it('lists markets where we sell first, with who sets each price in a word', () => {
    const rows = clearingRows(plan);
    expect(rows.map((r) => [r.id, r.priceSetBy, r.ourRange])).toEqual([
      ['aktobe', 'Aktobe Cem', null],
      ['atyrau', 'buyers', '150 kt–450 kt'],
      ['baku', 'scarcity', null],
    ]);
    expect(shortSupplier('Other south-Kazakh plants (Turkestan, Zhambyl and Almaty regions; grouped)')).toBe('Other south-Kazakh plants');
  });

  it('is not a clearing plan without the mode and its report', () => {
    expect(isClearingPlan(makeFixturePlan())).toBe(false);
    expect(isClearingPlan(null)).toBe(false);
  });
});
