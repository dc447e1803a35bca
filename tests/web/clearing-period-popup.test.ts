/**
 * The clearing market popup of one period of several (docs/market-clearing.md, "On the map"): the
 * price setter it names and the suppliers it lists are that period's, never the horizon's against that
 * period's price. From real plans: the shipped competitor-entry scenario over the multi-year horizon
 * 2027–2029 and over the months of 2027, in English and Russian; every figure from the plan.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Scenario, type ScenarioInput } from '../../server/core/schema.ts';
import type { ClearingMarket } from '../../server/core/plan-schema.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { optimise } from '../../server/optimise.ts';
import { setLocale } from '../../web/src/i18n/index.ts';
import { boughtIn, clearingMarketPopup, isClearingPlan, periodPriceSetter, type ClearingPlan } from '../../web/src/lib/clearing.ts';
import { formatPeriod, formatTonnes } from '../../web/src/lib/format.ts';
import { money, USD, type Money } from '../../web/src/lib/money.ts';

const input = JSON.parse(readFileSync(new URL('../../data/scenarios/competitor-entry.json', import.meta.url), 'utf8')) as ScenarioInput;
const network = loadDefaultNetwork();

async function plan(horizon: ScenarioInput['horizon']): Promise<ClearingPlan> {
  const p = await optimise(Scenario.parse({ ...input, horizon }), network, { inProcess: true, ranges: true, competitorImpact: false });
  expect(p.status).toBe('optimal');
  if (!isClearingPlan(p)) throw new Error('not a clearing plan');
  return p;
}

let years: ClearingPlan;
let months: ClearingPlan;
beforeAll(async () => {
  [years, months] = await Promise.all([plan({ kind: 'multi-year', fromYear: 2027, toYear: 2029 }), plan({ kind: 'monthly', year: 2027 })]);
}, 300_000);
afterEach(() => setLocale('en'));

const fromHtml = (s: string) => s.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
const setterOf = (html: string) => fromHtml(/<p class="price-setter">(.*?)<\/p>/.exec(html)?.[1] ?? '');
const restOf = (html: string) =>
  [...html.matchAll(/<li>(.*?) <span class="muted">(.*?)<\/span><\/li>/g)].map((x) => `${fromHtml(x[1]!)}: ${x[2]}`).sort();
/** Every per-tonne sum in a text, in the reader's money ("45.52 USD/t", "23 660 KZT/т"). */
const perTonneSums = (text: string, m: Money) => {
  const unit = m.perTonne(1).slice(m.perTonne(1).lastIndexOf(' ') + 1).replace(/[/.]/g, '\\$&');
  return [...text.replace(/\u00a0|\u202f/g, ' ').matchAll(new RegExp(`[\\d][\\d ,.]*\\s${unit}`, 'g'))].map((x) => x[0]);
};

/** What the popup of `market` in period `p` must say, read straight from the plan. */
function expectPeriodPopup(plan: ClearingPlan, cm: ClearingMarket, p: number, m: Money, lang: 'en' | 'ru') {
  const ours = plan.markets.find((x) => x.id === cm.id);
  const label = formatPeriod(plan.horizon.periods[p]!);
  const html = clearingMarketPopup(cm, ours, { money: m, period: p, periodLabel: label, competitors: plan.clearing.competitors });
  const price = cm.priceUsdPerTonneByPeriod[p]!;
  const norm = (s: string) => s.replace(/\u00a0|\u202f/g, ' ');
  // The suppliers: that period's tonnes of each competitor selling there, from the plan.
  const sellers = plan.clearing.competitors.flatMap((c) => {
    const tonnes = c.markets.find((x) => x.market === cm.id)?.tonnesByPeriod[p] ?? 0;
    return tonnes > 0.5 ? [{ c, tonnes }] : [];
  });
  expect(restOf(html).map(norm), `${cm.id} ${label}`).toEqual(sellers.map((s) => norm(`${s.c.name}: ${formatTonnes(s.tonnes)}`)).sort());
  if (sellers.length) expect(html).toContain(lang === 'en' ? `<h4>Who supplies the rest (${label})</h4>` : `<h4>Кто поставляет остальное (${label})</h4>`);

  const setter = setterOf(html);
  if (cm.priceRangeUsdPerTonneByPeriod[p]) {
    expect(setter).toEqual(lang === 'en' ? 'The market does not fix the price here: any price in the range clears it, and no one sets it (the map shows one).' : expect.stringMatching(/^Рынок не фиксирует цену здесь/));
    return 'range';
  }
  // Any offer or value the setter names is that period's price, never another period's.
  for (const sum of perTonneSums(setter, m)) expect(norm(sum), `${cm.id} ${label}: ${setter}`).toBe(norm(m.perTonne(price)));
  const who = periodPriceSetter(cm, plan.clearing.competitors, p, ours?.tonnesByPeriod[p] ?? 0, cm.suppliers.find((s) => s.ours)?.name ?? null);
  expect(who, `${cm.id} ${label}`).not.toBeNull();
  if (who!.kind === 'competitor') {
    // It offers at that period's price, and sells there that period or has capacity to spare.
    const c = plan.clearing.competitors.find((x) => x.id === who!.id)!;
    const route = c.markets.find((x) => x.market === cm.id)!;
    expect(route.deliveredCostUsdPerTonneByPeriod[p]).toBeCloseTo(price, 2);
    expect(route.tonnesByPeriod[p]! > 0.5 || c.tonnesByPeriod[p]! < c.capacityTonnesByPeriod[p]! - 1).toBe(true);
    expect(setter).toContain(c.name);
    expect(setter).toMatch(lang === 'en' ? /^Price set by .*: its delivered offer, / : /^Цену задаёт /);
  } else if (who!.kind === 'demand') {
    const block = cm.blocks.find((b) => b.label === who!.blockLabel)!;
    expect(block.valueUsdPerTonneByPeriod[p]).toBeCloseTo(price, 2);
    expect(setter).toMatch(lang === 'en' ? /^Price set by the buyers: / : /^Цену задают покупатели: /);
  } else if (who!.kind === 'ours') {
    expect(ours!.tonnesByPeriod[p]).toBeGreaterThan(0.5);
    expect(setter).toMatch(lang === 'en' ? /^Price set by us, / : /^Цену задаём мы, /);
  } else {
    // Scarcity: tonnes are bought, and every seller there sells below the price (so earns a rent).
    expect(boughtIn(cm, p)).toBeGreaterThan(0.5);
    for (const s of sellers) expect(s.c.markets.find((x) => x.market === cm.id)!.deliveredCostUsdPerTonneByPeriod[p]!).toBeLessThan(price - 1e-3);
    expect(setter).toMatch(lang === 'en' ? /^Price set by scarcity: / : /^Цену задаёт дефицит: /);
  }
  // In the period the engine names its setter from (the most tonnes bought), the two agree.
  const bought = plan.horizon.periods.map((_, q) => boughtIn(cm, q));
  const enginePeriod = bought.indexOf(Math.max(...bought));
  if (p === enginePeriod && cm.marginalSupplier && bought.filter((b) => Math.abs(b - bought[enginePeriod]!) < 1).length === 1) {
    expect({ kind: who!.kind, id: who!.id }, `${cm.id} ${label}`).toEqual({ kind: cm.marginalSupplier.kind, id: cm.marginalSupplier.id });
  }
  return who!.kind;
}

describe('the clearing market popup of one period states that period’s price setter and suppliers', () => {
  for (const [name, get] of [
    ['multi-year 2027–2029', () => years],
    ['monthly 2027', () => months],
  ] as const) {
    for (const lang of ['en', 'ru'] as const) {
      it(`${name}, ${lang === 'en' ? 'English, USD' : 'Russian, KZT'}: every market, every period`, () => {
        const plan = get();
        setLocale(lang);
        const m = lang === 'en' ? USD : money('KZT', plan.kztPerUsd);
        let contradicted = 0;
        const kinds = new Set<string>();
        for (const cm of plan.clearing.markets) {
          for (let p = 0; p < plan.horizon.periods.length; p += 1) {
            kinds.add(expectPeriodPopup(plan, cm, p, m, lang));
            // How often the horizon's setter names an offer other than this period's price (what the popup used to print).
            const cost = cm.marginalSupplier?.costUsdPerTonne;
            if (cost != null && Math.abs(cost - cm.priceUsdPerTonneByPeriod[p]!) > 0.01) contradicted += 1;
          }
        }
        // The plans exercise the case: periods where the horizon's setter is at another price.
        expect(contradicted).toBeGreaterThan(0);
        expect(kinds.has('competitor') && kinds.has('demand')).toBe(true);
      });
    }
  }

  it('Astrakhan over 2027–2029: no setter where the price is a range, the buyers’ block in 2028, Aktobe Cem’s offer in 2029, and that year’s tonnes', () => {
    const cm = years.clearing.markets.find((x) => x.id === 'astrakhan')!;
    const ours = years.markets.find((x) => x.id === 'astrakhan');
    const aktobe = years.clearing.competitors.find((c) => c.id === 'aktobe_cem')!;
    const route = aktobe.markets.find((x) => x.market === 'astrakhan')!;
    const popup = (p: number) => clearingMarketPopup(cm, ours, { period: p, periodLabel: years.horizon.periods[p], competitors: years.clearing.competitors });
    const [y2027, y2028, y2029] = [0, 1, 2];
    expect(cm.priceRangeUsdPerTonneByPeriod[y2027]).not.toBeNull();
    expect(setterOf(popup(y2027))).toMatch(/^The market does not fix the price here/);
    // 2028: the price sits on a block's value; Aktobe Cem sells nothing there that year.
    expect(route.tonnesByPeriod[y2028]).toBe(0);
    const block = cm.blocks.find((b) => Math.abs(b.valueUsdPerTonneByPeriod[y2028]! - cm.priceUsdPerTonneByPeriod[y2028]!) < 1e-3)!;
    expect(setterOf(popup(y2028))).toBe(`Price set by the buyers: the market's own demand (${block.label}), worth ${USD.perTonne(cm.priceUsdPerTonneByPeriod[y2028]!)} to them.`);
    expect(popup(y2028)).not.toContain('Aktobe Cem');
    expect(popup(y2028)).toContain('No competitor sells here at this price.');
    // 2029: Aktobe Cem sells there at an offer equal to the price.
    expect(route.tonnesByPeriod[y2029]).toBeGreaterThan(0);
    expect(setterOf(popup(y2029))).toBe(`Price set by ${aktobe.name}: its delivered offer, ${USD.perTonne(route.deliveredCostUsdPerTonneByPeriod[y2029]!)}.`);
    expect(USD.perTonne(route.deliveredCostUsdPerTonneByPeriod[y2029]!)).toBe(USD.perTonne(cm.priceUsdPerTonneByPeriod[y2029]!));
    expect(restOf(popup(y2029))).toEqual([`${aktobe.name}: ${formatTonnes(route.tonnesByPeriod[y2029]!)}`]);

    setLocale('ru');
    const kzt = money('KZT', years.kztPerUsd);
    const ru = clearingMarketPopup(cm, ours, { money: kzt, period: y2029, periodLabel: '2029', competitors: years.clearing.competitors });
    expect(setterOf(ru)).toBe(`Цену задаёт ${aktobe.name}: его предложение с доставкой, ${kzt.perTonne(route.deliveredCostUsdPerTonneByPeriod[y2029]!)}.`);
    expect(ru).toContain('<h4>Кто поставляет остальное (2029)</h4>');
  });

  it('without the plan’s competitors, the popup of one period of several names no setter', () => {
    const cm = years.clearing.markets.find((x) => x.id === 'kostanay')!;
    expect(setterOf(clearingMarketPopup(cm, undefined, { period: 0, periodLabel: '2027' }))).toBe('Price set by: not determined for this period.');
    setLocale('ru');
    expect(setterOf(clearingMarketPopup(cm, undefined, { period: 0, periodLabel: '2027' }))).toBe('Кто задаёт цену: для этого периода не определено.');
  });
});
