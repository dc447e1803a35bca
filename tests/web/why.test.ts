/**
 * The plan's sentences in the page's languages: every kind the engine writes has an English and a
 * Russian renderer; English with the engine's figures gives back the plan's own text for the shipped
 * scenarios (price-taker, clearing, and an infeasible one); Russian leaves no English words besides
 * the names the data gives, and shows money in tenge when the reader picks KZT.
 */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Plan } from '../../server/core/plan-schema.ts';
import { Scenario } from '../../server/core/schema.ts';
import { ENGINE_FORMAT, renderWhy, WHY_KINDS, WhySentence, type WhyKind } from '../../server/core/why.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { optimise } from '../../server/optimise.ts';
import { shutdownSolverPool } from '../../server/solver/solve.ts';
import { setLocale } from '../../web/src/i18n/index.ts';
import { whyLanguages, whyRenderers } from '../../web/src/i18n/why/index.ts';
import { money, USD } from '../../web/src/lib/money.ts';
import { bindingText, infeasibilityText, planMessageText, planWhy, policyCostText, whyText } from '../../web/src/lib/why.ts';

afterAll(() => shutdownSolverPool());
afterEach(() => {
  setLocale('en');
});

/** One example of every kind, with duals set where a kind has them. */
const EXAMPLES: { readonly [K in WhyKind]: Extract<WhySentence, { kind: K }> } = {
  'capacity-full': { kind: 'capacity-full', subject: 'Plant Aktau capacity', objective: 'margin', dual: 12.5 },
  'route-closed': { kind: 'route-closed', subject: 'Aktau port', objective: 'min-cost', dual: -3 },
  'route-full': { kind: 'route-full', subject: 'Aktau–Baku ferry', objective: 'margin', dual: 8 },
  'demand-all-sold': { kind: 'demand-all-sold', subject: 'Baku demand', objective: 'margin', dual: 4.25 },
  'minimum-binds': { kind: 'minimum-binds', subject: 'Atyrau minimum', objective: 'margin', dual: -6 },
  'minimum-not-open': { kind: 'minimum-not-open', subject: 'Samara region', minTonnesPerYear: 100_000, openFromPhase: 2, planPhase: 1 },
  'domestic-rule-binds': { kind: 'domestic-rule-binds', ruleShare: 0.5, objective: 'margin', dual: -9.5, perPointValue: 123_456 },
  'export-cap-binds': { kind: 'export-cap-binds', objective: 'max-domestic', dual: 0.4 },
  'full-output-binds': { kind: 'full-output-binds', subject: 'Plant Aktau full output' },
  'volume-fixed': { kind: 'volume-fixed', subject: 'Tashkent given volume', objective: 'margin', dual: -2.5 },
  'constraint-binds': { kind: 'constraint-binds', subject: 'Kiln hours', objective: 'margin', dual: 1.5 },
  'packing-full': { kind: 'packing-full', subject: 'QazCement Aktobe bagging capacity in 2027', objective: 'margin', dual: 14.5 },
  'scenario-invalid': { kind: 'scenario-invalid', problems: 'markets.0.price: must be positive' },
  'status-infeasible': { kind: 'status-infeasible' },
  'status-unbounded': { kind: 'status-unbounded' },
  'status-timedout': { kind: 'status-timedout', detail: 'time limit 5000 ms' },
  'status-error': { kind: 'status-error', detail: 'numerical trouble' },
  'elastic-domestic-short': { kind: 'elastic-domestic-short', subject: 'domestic share ≥ 90 % of sales', tonnes: 98_300 },
  'elastic-delivery-short': { kind: 'elastic-delivery-short', subject: 'Tashkent given volume', tonnes: 1_900_000 },
  'elastic-demand-small': { kind: 'elastic-demand-small', subject: 'Baku demand', tonnes: 5_000 },
  'elastic-export-cap-exceeded': { kind: 'elastic-export-cap-exceeded', subject: 'Export cap', tonnes: 700 },
  'elastic-short': { kind: 'elastic-short', subject: 'Aktau port', tonnes: 12_000 },
  'cheapest-fix': {
    kind: 'cheapest-fix',
    fixes: [
      { kind: 'lower-domestic-minimum', points: 5.8 },
      { kind: 'lower', subject: 'Tashkent given volume', tonnes: 1_900_000 },
      { kind: 'find-demand', subject: 'Baku demand', tonnes: 5_000 },
      { kind: 'raise-export-cap', tonnes: 700 },
      { kind: 'add', subject: 'Aktau port', tonnes: 12_000 },
    ],
  },
  'no-single-fix': { kind: 'no-single-fix' },
  'diagnosis-unfinished': { kind: 'diagnosis-unfinished', status: 'timedout' },
  'rule-cost-margin-only': { kind: 'rule-cost-margin-only' },
  'rule-none': { kind: 'rule-none' },
  'rule-cost-unknown': { kind: 'rule-cost-unknown', status: 'infeasible' },
  'rule-free': { kind: 'rule-free', ruleShare: 0.5, domesticShare: 0.634 },
  'rule-costs': { kind: 'rule-costs', ruleShare: 0.5, costUsd: 1_234_567, marginWithoutRuleUsd: 40_000_000, marginWithRuleUsd: 38_765_433 },
  'clearing-rule-free': { kind: 'clearing-rule-free', ruleShare: 0.5, domesticShare: 0.71 },
  'clearing-rule-costs': { kind: 'clearing-rule-costs', ruleShare: 0.5, costUsd: 2_000_000, marginWithoutRuleUsd: 30_000_000, marginWithRuleUsd: 28_000_000 },
  'clearing-rule-raises': { kind: 'clearing-rule-raises', ruleShare: 0.5, gainUsd: 500_000, marginWithRuleUsd: 20_500_000, marginWithoutRuleUsd: 20_000_000 },
  'production-split': { kind: 'production-split', productionTonnes: 1_300_000, utilisation: 0.87, domesticTonnes: 700_000, exportTonnes: 600_000 },
  'domestic-share-line': { kind: 'domestic-share-line', domesticShare: 0.538, ruleShare: 0.5, basis: 'sales' },
  'best-netbacks': { kind: 'best-netbacks', markets: [{ name: 'Atyrau', netbackUsdPerTonne: 41.2 }, { name: 'Baku', netbackUsdPerTonne: 18 }] },
  'not-served': { kind: 'not-served', markets: [{ name: 'Tehran', priceGapUsdPerTonne: 12.75 }, { name: 'Ashgabat', priceGapUsdPerTonne: null }], moreCount: 2 },
  'clearing-production-split': { kind: 'clearing-production-split', productionTonnes: 1_250_000, utilisation: 0.83, domesticTonnes: 800_000, exportTonnes: 450_000, marginUsd: 27_600_000 },
  'where-we-sell': {
    kind: 'where-we-sell',
    markets: [
      { name: 'Atyrau', priceUsdPerTonne: 62, ourShare: 0.4, priceSetter: { kind: 'competitor', name: 'Caspi Cement', blockLabel: null } },
      { name: 'Aktau', priceUsdPerTonne: 55, ourShare: 0.9, priceSetter: { kind: 'ours', name: 'our plant (Aktau)', blockLabel: null } },
      { name: 'Baku', priceUsdPerTonne: 70, ourShare: 0.1, priceSetter: { kind: 'demand', name: "the market's own demand (tier 2)", blockLabel: 'tier 2' } },
      { name: 'Tbilisi', priceUsdPerTonne: 80, ourShare: 0.05, priceSetter: { kind: 'scarcity', name: 'no seller at cost', blockLabel: null } },
      { name: 'Aktobe', priceUsdPerTonne: 58, ourShare: 0.2, priceSetter: null },
    ],
  },
  'competitor-takes': {
    kind: 'competitor-takes',
    competitor: 'Caspi Cement',
    market: 'Atyrau',
    tonnes: 250_000,
    netbackFalls: true,
    netbackWithoutUsdPerTonne: 45,
    netbackWithUsdPerTonne: null,
    ourTonnesWithout: 300_000,
    ourTonnesWith: 0,
  },
  'competitor-margin': { kind: 'competitor-margin', competitor: 'Caspi Cement', marginWithoutUsd: 31_000_000, marginWithUsd: 27_600_000 },
  'split-not-fixed': { kind: 'split-not-fixed', markets: [{ name: 'Aktau', minTonnes: 100_000, maxTonnes: 250_000 }] },
};

/** Every string a sentence carries: the names it shows as the data gives them. */
function namesIn(x: unknown): string[] {
  if (typeof x === 'string') return [x];
  if (Array.isArray(x)) return x.flatMap(namesIn);
  if (x && typeof x === 'object') return Object.entries(x).flatMap(([k, v]) => (k === 'kind' || k === 'objective' || k === 'basis' || k === 'status' ? [] : namesIn(v)));
  return [];
}

/** What is left of a Russian sentence once the names it carries and the currency codes are taken out: no Latin letters may stay. */
function latinLeft(text: string, sentence: WhySentence): string[] {
  let rest = text;
  for (const name of namesIn(sentence).sort((a, b) => b.length - a.length)) rest = rest.split(name).join(' ');
  rest = rest.replace(/\b(USD|KZT)\b/g, ' ');
  return rest.match(/[A-Za-z]+/g) ?? [];
}

describe('every kind in every language', () => {
  it('the engine and the page know the same kinds, and each language has a renderer for each', () => {
    expect(Object.keys(EXAMPLES).sort()).toEqual([...WHY_KINDS].sort());
    expect(whyLanguages().sort()).toEqual(['en', 'ru']);
    for (const language of whyLanguages()) {
      const renderers = whyRenderers(language);
      for (const kind of WHY_KINDS) expect(typeof renderers[kind], `${language} ${kind}`).toBe('function');
    }
  });

  it('the examples are sentences the plan schema accepts', () => {
    for (const example of Object.values(EXAMPLES)) expect(WhySentence.safeParse(example).success, example.kind).toBe(true);
  });

  it('Russian words every kind in Russian: Cyrillic, different from English, no English words besides the names', () => {
    setLocale('ru');
    for (const example of Object.values(EXAMPLES)) {
      const ru = whyText(example);
      expect(ru, example.kind).toMatch(/[А-Яа-яЁё]{3}/);
      expect(ru).not.toBe(whyText(example, USD, 'en'));
      expect(latinLeft(ru, example), `${example.kind}: ${ru}`).toEqual([]);
    }
  });

  it('keeps the names as the data gives them', () => {
    setLocale('ru');
    const text = whyText(EXAMPLES['where-we-sell']);
    for (const name of ['Atyrau', 'Caspi Cement', 'tier 2', 'Aktobe']) expect(text).toContain(name);
    expect(text).toContain('цену задаём мы');
    expect(text).not.toContain('our plant');
  });

  it('writes money in tenge at the plan rate when the reader picks KZT, in the page number style', () => {
    setLocale('ru');
    const kzt = money('KZT', 500);
    const cost = whyText(EXAMPLES['rule-costs'], kzt);
    // 1 234 567 USD × 500 = 617.3 m KZT; 40 m USD = 20 bn KZT.
    expect(cost).toContain('KZT 617 млн');
    expect(cost).toContain('KZT 20,00 млрд');
    expect(cost).not.toContain('USD');
    const netbacks = whyText(EXAMPLES['best-netbacks'], kzt);
    expect(netbacks).toBe('Лучшие нетбэки: Atyrau 20\u202f600 KZT/т, Baku 9\u202f000 KZT/т.');
    // Tonnes of domestic sales are not money: they stay tonnes in tenge too.
    expect(whyText(EXAMPLES['export-cap-binds'], kzt)).toBe('Экспортная квота исчерпана: ещё одна тонна квоты добавляет 0,40 т внутренних продаж.');
  });

  it('English in the page style and in USD says what the engine says, with the page numbers', () => {
    expect(whyText(EXAMPLES['production-split'])).toBe('The plant makes 1.30 Mt (87 % of capacity): 700 kt stay in Kazakhstan and 600 kt are exported.');
    expect(renderWhy(EXAMPLES['production-split'])).toBe('The plant makes 1.30 Mt (87 % of capacity): 700.0 kt stay in Kazakhstan and 600.0 kt are exported.');
  });

  it('the competitor sentence says whether our tonnes and netback fall, rise or stay, in both languages', () => {
    const base = EXAMPLES['competitor-takes'] as Extract<WhySentence, { kind: 'competitor-takes' }>;
    const same = { ...base, netbackFalls: true, netbackWithoutUsdPerTonne: 38.45, netbackWithUsdPerTonne: 36.21, ourTonnesWithout: 400_000, ourTonnesWith: 400_000 };
    const more = { ...same, ourTonnesWithout: 360_700, ourTonnesWith: 400_000 };
    const fewer = { ...same, ourTonnesWithout: 684_800, ourTonnesWith: 12_000 };
    const higher = { ...same, netbackFalls: false, netbackWithoutUsdPerTonne: 36.21, netbackWithUsdPerTonne: 38.45 };
    const flat = { ...same, netbackFalls: false, netbackWithoutUsdPerTonne: 38.45, netbackWithUsdPerTonne: 38.45 };
    expect(renderWhy(same)).toBe('Caspi Cement takes 250.0 kt of Atyrau; our netback there falls from 38.45 USD/t to 36.21 USD/t, and our tonnes stay at 400.0 kt.');
    expect(renderWhy(more)).toContain('and our tonnes rise from 360.7 kt to 400.0 kt.');
    expect(renderWhy(fewer)).toContain('and our tonnes fall from 684.8 kt to 12.0 kt.');
    expect(renderWhy(higher)).toContain('our netback there rises from 36.21 USD/t to 38.45 USD/t');
    expect(renderWhy(flat)).toContain('our netback there stays at 38.45 USD/t');
    setLocale('ru');
    expect(whyText(same)).toContain('а наши объёмы остаются 400 тыс. т');
    expect(whyText(more)).toContain('а наши объёмы растут с');
    expect(whyText(fewer)).toContain('а наши объёмы падают с');
    expect(whyText(higher)).toContain('наш нетбэк там растёт с');
    expect(whyText(flat)).toContain('наш нетбэк там остаётся');
  });

  it('where the market does not fix a price, both languages say the range, not one end as fact', () => {
    const sell: WhySentence = {
      kind: 'where-we-sell',
      markets: [
        { name: 'Astrakhan', priceUsdPerTonne: 54.9443, ourShare: 1, priceRangeUsdPerTonne: { low: 54.9443, high: 57.62 }, priceSetter: { kind: 'ours', name: 'our plant (Aktau)', blockLabel: null } },
        { name: 'Olya', priceUsdPerTonne: 71.63, ourShare: 0.5, priceRangeUsdPerTonne: { low: 71.63, high: null }, priceSetter: null },
      ],
    };
    const split: WhySentence = { ...(EXAMPLES['clearing-production-split'] as Extract<WhySentence, { kind: 'clearing-production-split' }>), marginUsd: 0, marginRangeUsd: { low: 0, high: 1_070_305 } };
    for (const sentence of [sell, split]) expect(WhySentence.safeParse(sentence).success).toBe(true);
    expect(renderWhy(sell)).toBe(
      'Where we sell: Astrakhan anywhere from 54.94 USD/t to 57.62 USD/t, our share 100 % (the market does not fix the price: any price in that range clears it; the plan values it at 54.94 USD/t); Olya anywhere from 71.63 USD/t upwards, our share 50 % (the market does not fix the price: any price in that range clears it; the plan values it at 71.63 USD/t).',
    );
    expect(renderWhy(sell)).not.toMatch(/price set by/);
    expect(renderWhy(split)).toMatch(/our margin at the plan's prices is 0\.00 USD, one point of a range: .* anywhere from 0\.00 USD to 1,070,305 USD\.$/);
    setLocale('ru');
    const ruSell = whyText(sell);
    expect(ruSell).toMatch(/Astrakhan от 54,94 .* до 57,62 .*рынок не фиксирует цену/);
    expect(ruSell).not.toMatch(/цену задаём мы/);
    expect(whyText(split)).toMatch(/одна точка диапазона.*от USD 0 до USD 1,1 млн/);
    for (const sentence of [sell, split]) expect(latinLeft(whyText(sentence), sentence)).toEqual([]);
  });

  it('a plan without sentences as data (stored before them) keeps its English text', () => {
    setLocale('ru');
    const stored = { why: ['The plant makes 1.30 Mt.'], whySentences: undefined };
    expect(planWhy(stored)).toEqual({ lines: ['The plant makes 1.30 Mt.'], translated: false });
    expect(bindingText({ explanation: 'Aktau port is full.' })).toBe('Aktau port is full.');
  });
});

describe('the shipped scenarios: English from the data is the plan text, Russian has no English words', () => {
  const network = loadDefaultNetwork();
  const dir = new URL('../../data/scenarios/', import.meta.url);
  const load = (file: string, patch: object = {}) => Scenario.parse({ ...JSON.parse(readFileSync(new URL(file, dir), 'utf8')), ...patch });
  const cases: [string, Scenario][] = [
    ['phase1-annual (price-taker)', load('phase1-annual.json')],
    ['phase2-annual (price-taker, the rule binds)', load('phase2-annual.json')],
    ['clearing-phase1', load('clearing-phase1.json')],
    ['clearing-phase2', load('clearing-phase2.json')],
    ['phase2-annual made infeasible', load('phase2-annual.json', { policy: { domesticShare: 0.999, basis: 'sales' }, volumesTonnesPerYear: { tashkent: 2_000_000 } })],
  ];
  const plans = new Map<string, Plan>();

  beforeAll(async () => {
    for (const [name, scenario] of cases) {
      // Through JSON and the schema, as the page receives a plan.
      const plan = await optimise(scenario, network, { inProcess: true });
      plans.set(name, Plan.parse(JSON.parse(JSON.stringify(plan))));
    }
  }, 300_000);

  it.each(cases.map(([name]) => name))('%s', (name) => {
    const plan = plans.get(name)!;
    expect(plan.whySentences?.length).toBe(plan.why.length);
    expect(plan.why.length).toBeGreaterThan(0);
    const sentences = [...plan.whySentences!, ...plan.binding.map((b) => b.sentence!), ...(plan.policyCost ? [plan.policyCost.sentence!] : []), ...(plan.infeasibility?.items.map((i) => i.sentence!) ?? [])];
    const texts = [...plan.why, ...plan.binding.map((b) => b.explanation), ...(plan.policyCost ? [plan.policyCost.explanation] : []), ...(plan.infeasibility?.items.map((i) => i.explanation) ?? [])];
    expect(sentences.map((sentence) => renderWhy(sentence, ENGINE_FORMAT, whyRenderers('en')))).toEqual(texts);

    setLocale('ru');
    const kzt = money('KZT', plan.kztPerUsd);
    const ru = planWhy(plan, kzt);
    expect(ru.translated).toBe(true);
    for (const [i, line] of ru.lines.entries()) expect(latinLeft(line, plan.whySentences![i]!), line).toEqual([]);
    for (const b of plan.binding) expect(latinLeft(bindingText(b, kzt), b.sentence!)).toEqual([]);
    if (plan.policyCost) expect(latinLeft(policyCostText(plan.policyCost, kzt), plan.policyCost.sentence!)).toEqual([]);
    if (plan.status === 'optimal') expect(ru.lines.join(' ')).toMatch(/KZT/);
  });

  it("the infeasible plan's box is in the page's language, from the sentences, and says the fix's lead once", () => {
    const plan = plans.get('phase2-annual made infeasible')!;
    const inf = plan.infeasibility!;
    const en = infeasibilityText(inf);
    expect(planMessageText(plan)).toBe('No plan satisfies every constraint at once.');
    expect(en.suggestion).toMatch(/^Cheapest fix found: /);
    expect(en.suggestion).not.toMatch(/Cheapest fix: /);
    setLocale('ru');
    const ru = infeasibilityText(inf);
    expect(planMessageText(plan)).toBe('Ни один план не выполняет все ограничения сразу.');
    expect(ru.items).toHaveLength(inf.items.length);
    for (const [i, item] of ru.items.entries()) expect(latinLeft(item, inf.items[i]!.sentence!), item).toEqual([]);
    expect(ru.suggestion).toMatch(/^Самое дешёвое исправление: /);
    expect(ru.suggestion.match(/исправление/g)).toHaveLength(1);
    expect(latinLeft(ru.suggestion, inf.suggestionSentence!)).toEqual([]);
    // A plan stored before the sentences keeps its English text.
    const old = { ...plan, whySentences: undefined };
    expect(planMessageText(old)).toBe(plan.message);
    expect(infeasibilityText({ items: inf.items.map((i) => ({ ...i, sentence: undefined })), suggestion: inf.suggestion }).suggestion).toBe(inf.suggestion);
  });
});

describe('shadow prices are money per tonne with their cents, sums stay compact (packing-choice)', () => {
  let plan: Plan;
  beforeAll(async () => {
    const scenario = Scenario.parse(JSON.parse(readFileSync(new URL('../../data/scenarios/packing-choice.json', import.meta.url), 'utf8')));
    plan = Plan.parse(JSON.parse(JSON.stringify(await optimise(scenario, loadDefaultNetwork(), { inProcess: true }))));
  }, 300_000);
  const ofKind = <K extends WhyKind>(kind: K) => plan.binding.map((b) => b.sentence!).filter((s): s is Extract<WhySentence, { kind: K }> => s.kind === kind);

  it('in English and USD: 0.04 and 2.50 USD/t, not "USD 0" and "USD 3"', () => {
    const lines = planWhy(plan).lines.join('\n');
    expect(lines).toMatch(/one more tonne of capacity is worth 0\.04 USD\/t\./);
    expect(lines).toMatch(/one more tonne of bagging capacity is worth 2\.50 USD\/t,/);
    expect(lines).not.toMatch(/worth USD \d/);
    const [rule] = ofKind('domestic-rule-binds');
    // A percentage point of the rule is a sum: compact; a tonne kept at home is per tonne: with cents.
    expect(whyText(rule!)).toMatch(/each percentage point of share costs about USD 160 k, and each tonne kept at home instead of exported costs 6\.42 USD\/t\.$/);
    const tiers = ofKind('demand-all-sold').map((s) => whyText(s));
    expect(tiers[0]).toMatch(/would add 31\.92 USD\/t\.$/);
    expect(tiers.at(-1)).toMatch(/would add 0\.28 USD\/t\.$/);
  });

  it('in Russian, in USD and in tenge (whole tenge per tonne, like the tables)', () => {
    setLocale('ru');
    const usd = planWhy(plan).lines.join('\n');
    expect(usd).toMatch(/ещё одна тонна мощности приносит 0,04 USD\/т\./);
    expect(usd).toMatch(/ещё одна тонна мощности фасовки приносит 2,50 USD\/т,/);
    const kzt = money('KZT', plan.kztPerUsd);
    expect(plan.kztPerUsd).toBe(510);
    const [tier] = ofKind('demand-all-sold');
    // 31.916 USD/t × 510 = 16 277 KZT/t: not "KZT 16 тыс."
    expect(whyText(tier!, kzt)).toMatch(/ещё одна тонна спроса там добавила бы 16\u202f277 KZT\/т\.$/);
    const [rule] = ofKind('domestic-rule-binds');
    expect(whyText(rule!, kzt)).toMatch(/каждый процентный пункт доли стоит около KZT 81,8 млн, а каждая тонна, оставленная дома вместо экспорта, — 3\u202f273 KZT\/т\.$/);
    expect(planWhy(plan, kzt).lines.join('\n')).toMatch(/приносит 21 KZT\/т\./);
    // The engine's own English text is unchanged: money with cents.
    expect(plan.binding[0]!.explanation).toMatch(/is worth 0\.04 USD\.$/);
  });
});
