/**
 * Where the market-clearing equilibrium does not fix a figure, the page does not state one end of it
 * as fact (docs/market-clearing.md, "Price ranges"): the Results panel's clearing rows and margin, a
 * competitor's capacity rent in its popup (and no "spare capacity" for a full plant), and the
 * comparison of two plans. From real plans of the shipped scenarios (competitor-entry, price-war, and
 * competitor-entry with Aktobe Cem's capacity set to exactly what it sells), in English and Russian;
 * every figure from the plan.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Scenario, type ScenarioInput } from '../../server/core/schema.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { optimise } from '../../server/optimise.ts';
import { setLocale } from '../../web/src/i18n/index.ts';
import {
  clearingRowPrice,
  clearingRows,
  clearingRowSetter,
  clearingSummary,
  competitorPopup,
  competitorRent,
  competitorRentText,
  isClearingPlan,
  type ClearingPlan,
} from '../../web/src/lib/clearing.ts';
import { diffPlans, rangesNotes } from '../../web/src/lib/diff.ts';
import { money, USD } from '../../web/src/lib/money.ts';

const dir = new URL('../../data/scenarios/', import.meta.url);
const shipped = (file: string) => JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as ScenarioInput;
const network = loadDefaultNetwork();

async function plan(input: ScenarioInput): Promise<ClearingPlan> {
  const p = await optimise(Scenario.parse(input), network, { inProcess: true, ranges: true, competitorImpact: false });
  expect(p.status).toBe('optimal');
  if (!isClearingPlan(p)) throw new Error(`${input.name}: not a clearing plan`);
  return p;
}

/** competitor-entry with Aktobe Cem's capacity exactly what it sells there: full, at a degenerate point. */
function exactlyFull(entry: ClearingPlan): ScenarioInput {
  const input = shipped('competitor-entry.json');
  const sold = entry.clearing.competitors.find((c) => c.id === 'aktobe_cem')!.tonnes;
  return { ...input, name: 'Aktobe Cem exactly full', overrides: { ...input.overrides, suppliers: { aktobe_cem: { capacityTonnesPerYear: { '2027': sold } } } } };
}

let entry: ClearingPlan;
let war: ClearingPlan;
let phase1: ClearingPlan;
let full: ClearingPlan;

beforeAll(async () => {
  [entry, war, phase1] = await Promise.all([plan(shipped('competitor-entry.json')), plan(shipped('price-war.json')), plan(shipped('clearing-phase1.json'))]);
  full = await plan(exactlyFull(entry));
});

afterEach(() => setLocale('en'));

describe('the Results panel’s clearing rows and margin where a price is a range', () => {
  for (const name of ['competitor-entry', 'price-war'] as const) {
    it(`${name}: a market whose price is a range shows the range and no price setter; the others keep theirs`, () => {
      const p = name === 'competitor-entry' ? entry : war;
      const rows = clearingRows(p);
      const ranged = p.clearing.markets.filter((m) => m.priceRangeUsdPerTonne);
      // Astrakhan: the border cap equals its whole demand and we deliver all of it.
      expect(ranged.map((m) => m.id)).toContain('astrakhan');
      for (const m of p.clearing.markets) {
        const row = rows.find((r) => r.id === m.id)!;
        expect(row.priceRange).toEqual(m.priceRangeUsdPerTonne);
        if (m.priceRangeUsdPerTonne) {
          const { low, high } = m.priceRangeUsdPerTonne;
          expect(high).not.toBeNull();
          expect(row.priceSetBy).toBeNull();
          expect(clearingRowSetter(row)).toBe('price not fixed by the market');
          // The unit said once: "55.98 – 57.62 USD/t".
          expect(clearingRowPrice(row, USD)).toBe(`${USD.perTonne(low).replace(/ USD\/t$/, '')} – ${USD.perTonne(high)}`);
          expect(clearingRowPrice(row, USD)).not.toBe(USD.perTonne(m.priceUsdPerTonne));
        } else if (m.marginalSupplier) {
          expect(row.priceSetBy).not.toBeNull();
          expect(clearingRowSetter(row)).toMatch(/^price set by /);
          expect(clearingRowPrice(row, USD)).toBe(USD.perTonne(m.priceUsdPerTonne));
        }
      }
      setLocale('ru');
      const astrakhan = clearingRows(p).find((r) => r.id === 'astrakhan')!;
      const kzt = money('KZT', p.kztPerUsd);
      expect(kzt.currency).toBe('KZT');
      expect(clearingRowSetter(astrakhan)).toBe('рынок цену не фиксирует');
      expect(clearingRowPrice(astrakhan, kzt)).toBe(`${kzt.perTonne(astrakhan.priceRange!.low).replace(/ KZT\/т$/, '')} – ${kzt.perTonne(astrakhan.priceRange!.high)}`);
      expect(clearingRowPrice(astrakhan, kzt)).toMatch(/^[\d\u202f]+ – [\d\u202f]+ KZT\/т$/);
    });

    it(`${name}: our margin is the plan's range, which is our tonnes times the width of the price range`, () => {
      const p = name === 'competitor-entry' ? entry : war;
      const s = clearingSummary(p);
      expect(s.ourMarginRangeUsd).toEqual(p.clearing.ourMarginRangeUsd);
      const { low, high } = s.ourMarginRangeUsd!;
      expect(low).toBeLessThanOrEqual(s.ourMarginUsd);
      expect(high).not.toBeNull();
      expect(high!).toBeGreaterThan(low);
      // Only Astrakhan's price is a range among the markets we sell in: the margin moves with it alone.
      const ours = p.clearing.markets.filter((m) => m.priceRangeUsdPerTonne && m.ourTonnes > 0);
      expect(ours.map((m) => m.id)).toEqual(['astrakhan']);
      const astrakhan = ours[0]!;
      // The prices are rounded to 1e-4 USD/t.
      const width = astrakhan.ourTonnes * (astrakhan.priceRangeUsdPerTonne!.high! - astrakhan.priceRangeUsdPerTonne!.low);
      expect(Math.abs(high! - low - width)).toBeLessThanOrEqual(astrakhan.ourTonnes * 1e-4);
    });
  }

  it('a plan whose prices are all fixed keeps its price setters and a single margin', () => {
    expect(phase1.clearing.ourMarginRangeUsd).toBeNull();
    expect(clearingSummary(phase1).ourMarginRangeUsd).toBeNull();
    const rows = clearingRows(phase1);
    expect(rows.every((r) => r.priceRange === null)).toBe(true);
    expect(rows.filter((r) => r.priceSetBy !== null)).toHaveLength(phase1.clearing.markets.filter((m) => m.marginalSupplier).length);
  });
});

describe('a competitor’s capacity rent in its popup follows its capacity use', () => {
  const popupRent = (html: string) => /<th scope="row">(?:Capacity rent|Рента мощности)<\/th><td>([^<]*)<\/td>/.exec(html)?.[1];

  it('price-war: a full plant whose capacity earns no rent is full, not "spare"; a plant with room is "spare"; a rent is a rent', () => {
    const names = new Map(war.clearing.markets.map((m) => [m.id, m.name]));
    const opts = { markets: war.clearing.markets };
    const fullNoRent = war.clearing.competitors.filter((c) => c.utilisation === 1 && c.rentUsdPerTonne === 0 && c.tonnes > 0);
    // Shymkentcement (1.5 of 1.5 Mt) and Standard Cement (1.0 of 1.0 Mt).
    expect(fullNoRent.map((c) => c.id)).toEqual(expect.arrayContaining(['shymkentcement', 'standard_cement']));
    for (const c of fullNoRent) {
      expect(competitorRent(c, war.clearing.markets)).toEqual({ kind: 'none-full' });
      const html = competitorPopup(c, names, opts);
      expect(popupRent(html)).toBe('none: it sells all its capacity, but the capacity earns no rent at these prices');
      expect(html).not.toContain('spare');
    }
    const spare = war.clearing.competitors.find((c) => c.utilisation !== null && c.utilisation < 1 && c.tonnes > 0)!;
    expect(popupRent(competitorPopup(spare, names, opts))).toBe('none (spare capacity)');
    const rented = war.clearing.competitors.find((c) => c.rentUsdPerTonne > 0.005)!;
    expect(popupRent(competitorPopup(rented, names, opts))).toBe(USD.perTonne(rented.rentUsdPerTonne));

    setLocale('ru');
    const shymkent = war.clearing.competitors.find((c) => c.id === 'shymkentcement')!;
    expect(popupRent(competitorPopup(shymkent, names, opts))).toBe('нет: мощность загружена полностью, но при этих ценах ренты не приносит');
    expect(popupRent(competitorPopup(spare, names, opts))).toBe('нет (есть свободная мощность)');
  });

  it('a plant exactly full at a degenerate point: its rent is a range (0 at the solver’s prices), as the re-solves find', async () => {
    const aktobe = full.clearing.competitors.find((c) => c.id === 'aktobe_cem')!;
    expect(aktobe.utilisation).toBe(1);
    expect(aktobe.rentUsdPerTonne).toBe(0);
    // The prices of the markets it sells in are ranges; in each, price − its offer is its rent.
    const sells = aktobe.markets.filter((x) => x.tonnes > 0);
    const ranges = sells.map((x) => {
      const range = full.clearing.markets.find((m) => m.id === x.market)!.priceRangeUsdPerTonne!;
      return { low: range.low - x.deliveredCostUsdPerTonneByPeriod[0]!, high: range.high! - x.deliveredCostUsdPerTonneByPeriod[0]! };
    });
    expect(sells.length).toBeGreaterThan(0);
    const rent = competitorRent(aktobe, full.clearing.markets);
    expect(rent.kind).toBe('range');
    if (rent.kind !== 'range') return;
    for (const r of ranges) {
      expect(rent.range.low).toBeCloseTo(r.low, 3);
      expect(rent.range.high!).toBeCloseTo(r.high, 3);
    }
    expect(rent.range.low).toBeCloseTo(0, 3);
    expect(rent.range.high!).toBeGreaterThan(1);
    // What one tonne of its capacity is worth to the welfare, each way: 0 above, the range's high end below.
    const input = exactlyFull(entry);
    const sold = aktobe.tonnes;
    const at = async (cap: number) => (await plan({ ...input, overrides: { ...input.overrides, suppliers: { aktobe_cem: { capacityTonnesPerYear: { '2027': cap } } } } })).clearing.welfareUsd;
    const [more, less] = await Promise.all([at(sold + 100), at(sold - 100)]);
    expect((more - full.clearing.welfareUsd) / 100).toBeCloseTo(rent.range.low, 2);
    expect((full.clearing.welfareUsd - less) / 100).toBeCloseTo(rent.range.high!, 2);

    const names = new Map(full.clearing.markets.map((m) => [m.id, m.name]));
    const html = competitorPopup(aktobe, names, { markets: full.clearing.markets });
    expect(html).toContain(`<td>not fixed by the market: ${USD.perTonne(rent.range.low).replace(/ USD\/t$/, '')} – ${USD.perTonne(rent.range.high)}</td>`);
    expect(html).not.toContain('spare');
    setLocale('ru');
    expect(competitorRentText(rent, money('KZT', full.kztPerUsd))).toMatch(/^рынок её не фиксирует: 0 – [\d\u202f]+ KZT\/т$/);
  });
});

describe('the page’s comparison of two plans where a side’s price or margin is a range', () => {
  it('carries each side’s ranges, shows the margin as a range and says that side’s figures are one equilibrium’s', () => {
    const d = diffPlans(phase1, entry);
    expect(d.ranges?.a).toBeNull();
    const b = d.ranges!.b!;
    const ourRanged = entry.clearing.markets.filter((m) => m.priceRangeUsdPerTonne && entry.markets.some((x) => x.id === m.id));
    expect(b.markets).toEqual(ourRanged.map((m) => ({ id: m.id, name: m.name, range: m.priceRangeUsdPerTonne })));
    expect(b.margin).toEqual(entry.clearing.ourMarginRangeUsd);
    const margin = d.kpis.find((k) => k.key === 'marginUsd')!;
    expect(margin.range).toEqual({ a: null, b: entry.clearing.ourMarginRangeUsd });
    expect(margin.delta).toBeCloseTo(entry.kpis!.marginUsd - phase1.kpis!.marginUsd, 2);

    const astrakhan = b.markets.find((m) => m.id === 'astrakhan')!;
    const perTonne = (r: { low: number; high: number | null }) => `${USD.perTonne(r.low).replace(/ USD\/t$/, '')} – ${USD.perTonne(r.high)}`;
    const priceText = perTonne(astrakhan.range);
    const marginText = `${USD.total(b.margin!.low)} – ${USD.total(b.margin!.high)}`;
    // Each end of a sum is kept on one line (no-break spaces inside it).
    const notes = rangesNotes(d, USD).map((n) => n.replace(/\u00a0/g, ' '));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toBe(
      `In plan B the market does not fix the price in ${b.markets.map((m) => `${m.name} (${perTonne(m.range)})`).join(', ')} or our margin (${marginText}): its figures and the differences from them are one equilibrium’s, not facts.`,
    );
    expect(notes[0]).toContain(`Astrakhan region (RU) (${priceText})`);

    setLocale('ru');
    const kzt = money('KZT', entry.kztPerUsd);
    const ru = rangesNotes(d, kzt).map((n) => n.replace(/\u00a0/g, ' '));
    expect(ru).toHaveLength(1);
    // One market: "на рынке" (singular), the market named without a colon.
    expect(b.markets).toHaveLength(1);
    const ruPrice = `${kzt.perTonne(astrakhan.range.low).replace(/ KZT\/т$/, '')} – ${kzt.perTonne(astrakhan.range.high)}`;
    expect(ru[0]).toBe(
      `В плане B рынок не фиксирует ни цену на рынке ${astrakhan.name} (${ruPrice}), ни нашу маржу (${kzt.total(b.margin!.low)} – ${kzt.total(b.margin!.high)}): его показатели и разницы с ними относятся к одному из равновесий, это не факты.`.replace(/\u00a0/g, ' '),
    );
  });

  it('says "market" for one market and "markets" for several, in English and Russian, with and without a margin range', () => {
    const d = diffPlans(phase1, entry);
    const one = d.ranges!.b!;
    const astrakhan = one.markets[0]!;
    // A second market whose price is a range: price-war's Astrakhan, under another name, beside competitor-entry's.
    const other = { ...diffPlans(phase1, war).ranges!.b!.markets[0]!, id: 'astrakhan_war', name: 'Astrakhan region, price war' };
    const several = { ...one, markets: [astrakhan, other] };
    const noMargin = (r: typeof one) => ({ ...r, margin: null });
    const notes = (b: typeof one) => rangesNotes({ ranges: { a: null, b } }, USD).map((n) => n.replace(/\u00a0/g, ' '));
    const each = (x: typeof astrakhan) => `${x.name} (${USD.perTonne(x.range.low).replace(/ USD\/t$/, '')} – ${USD.perTonne(x.range.high)})`;
    const margin = `${USD.total(one.margin!.low)} – ${USD.total(one.margin!.high)}`;
    expect(notes(one)).toEqual([`In plan B the market does not fix the price in ${each(astrakhan)} or our margin (${margin}): its figures and the differences from them are one equilibrium’s, not facts.`]);
    expect(notes(several)).toEqual([`In plan B the market does not fix the price in ${each(astrakhan)}, ${each(other)} or our margin (${margin}): its figures and the differences from them are one equilibrium’s, not facts.`]);
    expect(notes(noMargin(one))).toEqual([`In plan B the market does not fix the price in ${each(astrakhan)}: its price there and the difference from it are one equilibrium’s, not facts.`]);
    expect(notes(noMargin(several))).toEqual([`In plan B the market does not fix the price in ${each(astrakhan)}, ${each(other)}: its prices there and the differences from them are one equilibrium’s, not facts.`]);

    setLocale('ru');
    const ru = (b: typeof one) => notes(b)[0]!;
    const sp = (x: string) => x.replace(/\u00a0|\u202f/g, ' ');
    const eachRu = (x: typeof astrakhan) => sp(`${x.name} (${USD.perTonne(x.range.low).replace(/ USD\/т$/, '')} – ${USD.perTonne(x.range.high)})`);
    const marginRu = sp(`${USD.total(one.margin!.low)} – ${USD.total(one.margin!.high)}`);
    expect(eachRu(astrakhan)).toMatch(/^Astrakhan region \(RU\) \(\d+,\d\d – \d+,\d\d USD\/т\)$/);
    expect(ru(one)).toBe(`В плане B рынок не фиксирует ни цену на рынке ${eachRu(astrakhan)}, ни нашу маржу (${marginRu}): его показатели и разницы с ними относятся к одному из равновесий, это не факты.`);
    expect(ru(several)).toBe(`В плане B рынок не фиксирует ни цену на рынках: ${eachRu(astrakhan)}, ${eachRu(other)}, ни нашу маржу (${marginRu}): его показатели и разницы с ними относятся к одному из равновесий, это не факты.`);
    expect(ru(noMargin(one))).toBe(`В плане B рынок не фиксирует цену на рынке ${eachRu(astrakhan)}; его цена там и разница с ней относятся к одному из равновесий, это не факты.`);
    expect(ru(noMargin(several))).toBe(`В плане B рынок не фиксирует цену на рынках: ${eachRu(astrakhan)}, ${eachRu(other)}; его цены там и разницы с ними относятся к одному из равновесий, это не факты.`);
  });

  it('says nothing when neither side has a range', () => {
    const d = diffPlans(phase1, phase1);
    expect(d.ranges).toBeNull();
    expect(d.kpis.find((k) => k.key === 'marginUsd')!.range).toBeUndefined();
    expect(rangesNotes(d)).toEqual([]);
  });
});
