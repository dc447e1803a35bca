/**
 * What a plan's sentence is about (a binding constraint, a leg, a plant, the domestic rule …) is data
 * the languages word, not the engine's English label: every row of the default data's models says
 * what it bounds; English words it as the row's label (the engine's text unchanged), Russian in
 * Russian with the names as the data gives them, and a price in it follows the reader's currency.
 * Plans stored before the subjects were data keep their English subject.
 */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LpRow } from '../../server/core/lp.ts';
import { buildModel } from '../../server/core/model.ts';
import { networkForScenario } from '../../server/core/pipeline.ts';
import { Plan } from '../../server/core/plan-schema.ts';
import { Scenario } from '../../server/core/schema.ts';
import { ENGINE_FORMAT, englishSubject, renderWhy, WHY_SUBJECT_KINDS, type WhySentence, type WhySubject } from '../../server/core/why.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { optimise } from '../../server/optimise.ts';
import { shutdownSolverPool } from '../../server/solver/solve.ts';
import { setLocale } from '../../web/src/i18n/index.ts';
import { russianSubject } from '../../web/src/i18n/why/ru.ts';
import { money, USD } from '../../web/src/lib/money.ts';
import { bindingSubjectText, bindingText, infeasibilityText, pageWhyFormat, planWhy, policyCostText, whyText } from '../../web/src/lib/why.ts';

afterAll(() => shutdownSolverPool());
afterEach(() => {
  setLocale('en');
});

const network = loadDefaultNetwork();
const dir = new URL('../../data/scenarios/', import.meta.url);
const load = (file: string, patch: object = {}) => Scenario.parse({ ...JSON.parse(readFileSync(new URL(file, dir), 'utf8')), ...patch });

/** Keys whose values are words of the engine (enums), not names the data gives. */
const NOT_NAMES = new Set(['kind', 'objective', 'basis', 'status', 'mode', 'bound']);

/** The names a sentence carries as the data gives them: the strings of its data, but not the English subject words where the subject is data. */
function namesIn(x: unknown): string[] {
  if (typeof x === 'string') return [x];
  if (Array.isArray(x)) return x.flatMap(namesIn);
  if (x && typeof x === 'object') {
    const hasAbout = 'about' in x && (x as { about?: unknown }).about !== undefined;
    return Object.entries(x).flatMap(([k, v]) => (NOT_NAMES.has(k) || (k === 'subject' && hasAbout) ? [] : namesIn(v)));
  }
  return [];
}

/** Latin words left in a Russian text once its names and currency codes are taken out. */
function latinLeft(text: string, data: unknown): string[] {
  let rest = text;
  for (const name of namesIn(data).sort((a, b) => b.length - a.length)) rest = rest.split(name).join(' ');
  rest = rest.replace(/\b(USD|KZT)\b/g, ' ');
  return rest.match(/[A-Za-z]+/g) ?? [];
}

/** A year ("в 2027 году") or a month ("в январе 2027 года"). */
const WHEN = '(в 20\\d\\d году|в (январе|феврале|марте|апреле|мае|июне|июле|августе|сентябре|октябре|ноябре|декабре) 20\\d\\d года)';

/** The Russian words each kind of subject is said in (names and figures as the data gives them). */
const RUSSIAN: Record<WhySubject['kind'], RegExp> = {
  'plant-capacity': new RegExp(`^производственная мощность завода «[^»]+» ${WHEN}$`),
  'supplier-capacity': /^производственная мощность поставщика «[^»]+» в 20\d\d году$/,
  'output-balance': new RegExp(`^баланс выпуска завода «[^»]+» ${WHEN}$`),
  transit: /^баланс узла «[^»]+» по цементу для рынка «[^»]+» в /,
  'leg-capacity': /^пропускная способность (железнодорожного|автомобильного|морского) участка «[^»]+» → «[^»]+»( \(участок закрыт\))? в /,
  'node-throughput': /^пропускная способность узла «[^»]+»( \(узел закрыт\))? в /,
  deliveries: /^равенство продаж и поставок на рынке «[^»]+» в /,
  'demand-tier': /^спрос рынка «[^»]+» по цене \d[\d,]* USD\/т в /,
  'demand-block': /^блок спроса рынка «[^»]+» по цене \d[\d\u202f,]* USD\/т в /,
  'market-clears': /^равенство купленного и поставленного на рынке «[^»]+» в /,
  'contracted-minimum': /^контрактный минимум рынка «[^»]+» в 20\d\d году$/,
  'given-volume': /^заданный объём поставок на рынок «[^»]+» в 20\d\d году$/,
  'domestic-share': /^доля внутреннего рынка ≥ \d+,\d % (продаж|производства)( в 20\d\d году)?$/,
  'export-cap': /^экспортная квота( в 20\d\d году)?$/,
  'import-cap': /^квота на ввоз цемента в страну [A-Z]{2}( \(«[^»]+»(, «[^»]+»)*\))?( в 20\d\d году)?$/,
  'full-output': /^полная загрузка всех заводов в 20\d\d году$/,
  'wagon-fleet': new RegExp(`^парк вагонов-хопперов \\(\\d[\\d\u202f]* шт\\.\\) ${WHEN}, в вагоно-сутках$`),
  'contract-minimum': /^минимум по контракту с рынком «[^»]+» в 20\d\d году$/,
  'contract-only': /^поставки на рынок «[^»]+» только по контракту в 20\d\d году$/,
  'whole-lots': /^перевозки по морскому участку «[^»]+» → «[^»]+» только целыми партиями по 3,0 тыс\. т в 20\d\d году$/,
  'bagged-share': new RegExp(`^доля цемента в мешках с завода «[^»]+» на рынке «[^»]+» [≤≥] \\d+,\\d % наших поставок ${WHEN}$`),
  'bagging-capacity': new RegExp(`^мощность фасовки завода «[^»]+» ${WHEN}$`),
};

describe('every row of the default data says what it bounds', () => {
  // Between them, these models have a row of every kind: annual, monthly, a run of years, clearing,
  // contracts and whole lots, packing, an import cap, min-cost, given volumes and an export cap.
  const scenarios: Scenario[] = [
    load('phase1-annual.json'),
    load('monthly-ice.json'),
    load('multi-year.json'),
    load('clearing-phase1.json'),
    load('contracts-mip.json'),
    load('packing-choice.json'),
    load('russian-import-cap.json'),
    load('phase1-annual.json', { objective: 'min-cost' }),
    load('phase1-annual.json', {
      volumesTonnesPerYear: { atyrau: 100_000 },
      policy: { domesticShare: 0.5, basis: 'production', exportCapTonnesPerYear: 300_000 },
      overrides: { markets: { aktobe: { minTonnesPerYear: 50_000 } } },
    }),
  ];
  const rows: LpRow[] = scenarios.flatMap((scenario) => buildModel(networkForScenario(scenario, network), scenario).model.rows);
  const byKind = new Map<string, LpRow[]>();
  for (const row of rows) if (row.about) (byKind.get(row.about.kind) ?? byKind.set(row.about.kind, []).get(row.about.kind)!).push(row);

  it('each row carries its subject as data, and the models have every kind', () => {
    expect(rows.filter((r) => !r.about).map((r) => r.family)).toEqual([]);
    expect([...byKind.keys()].sort()).toEqual([...WHY_SUBJECT_KINDS].sort());
  });

  it.each([...WHY_SUBJECT_KINDS])('%s: English with the engine figures is the row label; Russian is Russian', (kind) => {
    setLocale('ru');
    const kzt = money('KZT', 510);
    for (const row of byKind.get(kind) ?? []) {
      const about = row.about!;
      // The label is the subject's English words and the row's unit.
      expect(row.label.replace(/, t$/, '')).toBe(englishSubject(about, ENGINE_FORMAT));
      const ru = russianSubject(about, pageWhyFormat(USD));
      expect(ru, row.label).toMatch(RUSSIAN[kind]);
      expect(latinLeft(ru, about), ru).toEqual([]);
      expect(latinLeft(russianSubject(about, pageWhyFormat(kzt)), about)).toEqual([]);
    }
  });

  it('a leg closed by ice in a month says so, with the month', () => {
    const closed = byKind.get('leg-capacity')!.filter((r) => r.about?.kind === 'leg-capacity' && r.about.closed && r.about.mode === 'sea' && r.about.period.month === 1);
    expect(closed.length).toBeGreaterThan(0);
    expect(closed[0]!.label).toMatch(/^sea .+ → .+ capacity \(closed\) in 2027-01, t$/);
    setLocale('ru');
    expect(russianSubject(closed[0]!.about!, pageWhyFormat(USD))).toMatch(/^пропускная способность морского участка «.+» → «.+» \(участок закрыт\) в январе 2027 года$/);
  });

  it('a price in a subject follows the reader: the engine writes USD with cents, the page its currency', () => {
    const [row] = byKind.get('demand-tier')!;
    const about = row!.about as Extract<WhySubject, { kind: 'demand-tier' }>;
    const kzt = money('KZT', 510);
    expect(englishSubject(about)).toContain(`${about.priceUsdPerTonne.toFixed(2)} USD/t`);
    expect(englishSubject(about, pageWhyFormat(kzt))).toContain(kzt.perTonne(about.priceUsdPerTonne));
    setLocale('ru');
    const ru = russianSubject(about, pageWhyFormat(kzt));
    expect(ru).toContain(`по цене ${kzt.perTonne(about.priceUsdPerTonne)} `);
    expect(ru).not.toMatch(/USD/);
  });
});

describe('the sentences of real plans: English unchanged, Russian says its subjects in Russian', () => {
  const cases: [string, Scenario][] = [
    ['phase 1', load('phase1-annual.json')],
    ['phase 2', load('phase2-annual.json')],
    ['monthly, sea legs closed by ice', load('monthly-ice.json')],
    ['clearing', load('clearing-phase2.json')],
    ['infeasible', load('phase2-annual.json', { policy: { domesticShare: 0.999, basis: 'sales' }, volumesTonnesPerYear: { tashkent: 2_000_000 } })],
  ];
  const plans = new Map<string, Plan>();
  beforeAll(async () => {
    for (const [name, scenario] of cases) plans.set(name, Plan.parse(JSON.parse(JSON.stringify(await optimise(scenario, network, { inProcess: true })))));
  }, 300_000);

  /** Every sentence of a plan as data, with the engine's English text of it. */
  function sentencesOf(plan: Plan): { sentence: WhySentence; english: string }[] {
    return [
      ...plan.whySentences!.map((sentence, i) => ({ sentence, english: plan.why[i]! })),
      ...plan.binding.map((b) => ({ sentence: b.sentence!, english: b.explanation })),
      ...(plan.policyCost ? [{ sentence: plan.policyCost.sentence!, english: plan.policyCost.explanation }] : []),
      ...(plan.infeasibility?.items.map((i) => ({ sentence: i.sentence!, english: i.explanation })) ?? []),
      ...(plan.infeasibility?.suggestionSentence ? [{ sentence: plan.infeasibility.suggestionSentence, english: plan.infeasibility.suggestion }] : []),
    ];
  }
  const subjectsOf = (s: WhySentence): WhySubject[] => [...('about' in s && s.about ? [s.about] : []), ...(s.kind === 'cheapest-fix' ? s.fixes.flatMap((x) => ('about' in x && x.about ? [x.about] : [])) : [])];

  it.each(cases.map(([name]) => name))('%s', (name) => {
    const plan = plans.get(name)!;
    const all = sentencesOf(plan);
    // The plan says what its constraints are about, as data.
    expect(all.flatMap(({ sentence }) => subjectsOf(sentence)).length).toBeGreaterThan(0);
    for (const { sentence, english } of all) {
      // The engine's text is what English with the engine's figures says.
      expect(renderWhy(sentence)).toBe(english);
      for (const about of subjectsOf(sentence)) expect(english).toContain(englishSubject(about));
    }
    setLocale('ru');
    for (const m of [USD, money('KZT', plan.kztPerUsd)]) {
      for (const { sentence } of all) {
        const ru = whyText(sentence, m);
        expect(latinLeft(ru, sentence), ru).toEqual([]);
        for (const about of subjectsOf(sentence)) expect(ru.toLowerCase()).toContain(russianSubject(about, pageWhyFormat(m)).toLowerCase());
      }
    }
  });

  it('a monthly plan names its months in Russian', () => {
    const plan = plans.get('monthly, sea legs closed by ice')!;
    const b = plan.binding.find((x) => x.sentence && 'about' in x.sentence && x.sentence.about && 'period' in x.sentence.about && x.sentence.about.period.month === 1)!;
    expect(b.explanation).toMatch(/ in 2027-01[: ]/);
    setLocale('ru');
    expect(bindingText(b)).toMatch(/ в январе 2027 года: /);
    expect(bindingText(b)).not.toMatch(/2027-01/);
  });

  it('the binding rule, the phase 2 plan and the infeasible fixes read Russian around Russian subjects', () => {
    setLocale('ru');
    const phase2 = plans.get('phase 2')!;
    const kzt = money('KZT', phase2.kztPerUsd);
    // The English subject words are gone (the names, which the data gives in English, taken out).
    for (const [i, line] of planWhy(phase2, kzt).lines.entries()) {
      let rest = line;
      for (const name of namesIn(phase2.whySentences![i]).sort((a, b) => b.length - a.length)) rest = rest.split(name).join(' ');
      expect(rest).not.toMatch(/\b(capacity|demand|throughput|closed|minimum|share|cap|rail|sea|road|in)\b/);
    }
    if (phase2.policyCost) expect(latinLeft(policyCostText(phase2.policyCost), phase2.policyCost.sentence)).toEqual([]);
    const inf = infeasibilityText(plans.get('infeasible')!.infeasibility!);
    expect(inf.items.join(' ')).toMatch(/Доля внутреннего рынка ≥ 99,9 % продаж: не выполняется/);
    expect(inf.suggestion).toMatch(/^Самое дешёвое исправление: .*уменьшить заданный объём поставок на рынок «[^»]+» в 2029 году на/);
  });

  it("what each binding constraint is (the list's tooltip) is in the page's language and money, the label for an old plan", () => {
    for (const name of ['phase 2', 'monthly, sea legs closed by ice', 'clearing']) {
      const plan = plans.get(name)!;
      const kzt = money('KZT', plan.kztPerUsd);
      expect(plan.binding.length).toBeGreaterThan(0);
      for (const b of plan.binding) {
        const about = (b.sentence as { about?: WhySubject }).about;
        setLocale('en');
        const en = bindingSubjectText(b, USD)!;
        setLocale('ru');
        if (!about) {
          // A sentence without a subject (the domestic rule's): the English label on an English page only.
          expect(en).toBe(b.label);
          expect(bindingSubjectText(b, USD)).toBeNull();
          continue;
        }
        // English with the engine's figures is the row's label, word for word (the label ends on its unit).
        expect([en, `${en}, t`]).toContain(b.label);
        for (const m of [USD, kzt]) {
          const ru = bindingSubjectText(b, m)!;
          expect(ru).not.toBe(b.label);
          expect(latinLeft(ru, about), ru).toEqual([]);
          expect(ru.charAt(0)).toBe(ru.charAt(0).toUpperCase());
        }
      }
      // A stored plan without the subject as data shows its label.
      const withSubject = plan.binding.find((b) => (b.sentence as { about?: WhySubject }).about)!;
      const { about: _about, ...old } = withSubject.sentence as Extract<WhySentence, { kind: 'capacity-full' }>;
      expect(bindingSubjectText({ label: withSubject.label, sentence: old as WhySentence }, USD, 'en')).toBe(withSubject.label);
      expect(bindingSubjectText({ label: withSubject.label, sentence: old as WhySentence }, USD, 'ru')).toBeNull();
    }
  });

  it('a plan stored before subjects were data keeps the English subject', () => {
    const plan = plans.get('phase 1')!;
    const b = plan.binding.find((x) => x.sentence && 'about' in x.sentence && x.sentence.about)!;
    const { about: _about, ...old } = b.sentence as Extract<WhySentence, { kind: 'capacity-full' }>;
    const stored = old as WhySentence;
    expect(renderWhy(stored)).toBe(b.explanation);
    setLocale('ru');
    expect(whyText(stored)).toContain((stored as { subject: string }).subject);
    expect(whyText(b.sentence!)).not.toContain((stored as { subject: string }).subject);
  });
});
