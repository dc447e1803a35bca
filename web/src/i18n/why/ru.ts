/**
 * The plan's sentences in Russian: one renderer for every kind the engine writes (server/core/why.ts
 * has the English ones). Names of markets, plants, routes and suppliers stay as the data gives them.
 */
import { movement, type WhyFix, type WhyFormat, type WhyPeriod, type WhyRenderers, type WhySentence, type WhySubject } from '../../../../server/core/why.ts';

export const code = 'ru';

type Objective = Extract<WhySentence, { kind: 'capacity-full' }>['objective'];

/** The objective's value of a sum (one percentage point of the rule): money, or tonnes of domestic sales when maximising them. */
const value = (objective: Objective, x: number, f: WhyFormat) => (objective === 'max-domestic' ? `${f.amount(x)} т внутренних продаж` : f.money(x));
/** The objective's value of a shadow price (per tonne of the bound): money per tonne, or tonnes of domestic sales when maximising them. */
const perTonne = (objective: Objective, dual: number, f: WhyFormat) => (objective === 'max-domestic' ? `${f.amount(dual)} т внутренних продаж` : f.dual(dual));
const worth = (objective: Objective, dual: number, f: WhyFormat) => perTonne(objective, Math.abs(dual), f);
/** "one more tonne … adds / saves / is worth". */
const gives = (objective: Objective) => (objective === 'min-cost' ? 'экономит' : objective === 'max-domestic' ? 'добавляет' : 'приносит');
/** "… would add / would save". */
const wouldGive = (objective: Objective) => (objective === 'min-cost' ? 'сэкономила бы' : 'добавила бы');

const STATUS: Record<string, string> = {
  optimal: 'оптимум',
  infeasible: 'недопустима',
  unbounded: 'не ограничена',
  timedout: 'лимит времени',
  error: 'ошибка',
};
const status = (s: string) => STATUS[s] ?? s;

// --------------------------------------------------------------- what a sentence is about

const MONTH_IN = ['январе', 'феврале', 'марте', 'апреле', 'мае', 'июне', 'июле', 'августе', 'сентябре', 'октябре', 'ноябре', 'декабре'];
/** "в 2029 году", "в марте 2029 года". */
const inPeriod = (p: WhyPeriod) => (p.month === null ? `в ${p.year} году` : `в ${MONTH_IN[p.month - 1]} ${p.year} года`);
const inYear = (year: number | null) => (year === null ? '' : ` в ${year} году`);
/** A leg by its mode, in the genitive ("пропускная способность железнодорожного участка …") and the dative ("по морскому участку …"). */
const LEG_OF = { rail: 'железнодорожного участка', road: 'автомобильного участка', sea: 'морского участка' } as const;
const ALONG_LEG = { rail: 'по железнодорожному участку', road: 'по автомобильному участку', sea: 'по морскому участку' } as const;
const OF_BASIS = { sales: 'продаж', production: 'производства' } as const;
/** A name as the data gives it, set off in quotes. */
const q = (name: string) => `«${name}»`;

/** What a sentence is about, in Russian (lower case: a sentence capitalises it where it opens with it). */
export function russianSubject(a: WhySubject, f: WhyFormat): string {
  switch (a.kind) {
    case 'plant-capacity':
      return `производственная мощность завода ${q(a.plant)} ${inPeriod(a.period)}`;
    case 'supplier-capacity':
      return `производственная мощность поставщика ${q(a.supplier)} ${inPeriod(a.period)}`;
    case 'output-balance':
      return `баланс выпуска завода ${q(a.plant)} ${inPeriod(a.period)}`;
    case 'transit':
      return `баланс узла ${q(a.node)} по цементу для рынка ${q(a.market)} ${inPeriod(a.period)}`;
    case 'leg-capacity':
      return `пропускная способность ${LEG_OF[a.mode]} ${q(a.from)} → ${q(a.to)}${a.closed ? ' (участок закрыт)' : ''} ${inPeriod(a.period)}`;
    case 'node-throughput':
      return `пропускная способность узла ${q(a.node)}${a.closed ? ' (узел закрыт)' : ''} ${inPeriod(a.period)}`;
    case 'deliveries':
      return `равенство продаж и поставок на рынке ${q(a.market)} ${inPeriod(a.period)}`;
    case 'demand-tier':
      return `спрос рынка ${q(a.market)} по цене ${f.price(a.priceUsdPerTonne)} ${inPeriod(a.period)}`;
    case 'demand-block':
      return `блок спроса рынка ${q(a.market)} по цене ${f.price(a.priceUsdPerTonne)} ${inPeriod(a.period)}`;
    case 'market-clears':
      return `равенство купленного и поставленного на рынке ${q(a.market)} ${inPeriod(a.period)}`;
    case 'contracted-minimum':
      return `контрактный минимум рынка ${q(a.market)} в ${a.year} году`;
    case 'given-volume':
      return `заданный объём поставок на рынок ${q(a.market)} в ${a.year} году`;
    case 'domestic-share':
      return `доля внутреннего рынка ≥ ${f.share(a.share, 1)} ${OF_BASIS[a.basis]}${inYear(a.year)}`;
    case 'export-cap':
      return `экспортная квота${inYear(a.year)}`;
    case 'import-cap':
      return `квота на ввоз цемента в страну ${a.country}${a.markets ? ` (${a.markets.map(q).join(', ')})` : ''}${inYear(a.year)}`;
    case 'full-output':
      return `полная загрузка всех заводов ${inPeriod(a.period)}`;
    case 'wagon-fleet':
      return `парк вагонов-хопперов (${f.number(a.wagons, 0)} шт.) ${inPeriod(a.period)}, в вагоно-сутках`;
    case 'contract-minimum':
      return `минимум по контракту с рынком ${q(a.market)} в ${a.year} году`;
    case 'contract-only':
      return `поставки на рынок ${q(a.market)} только по контракту в ${a.year} году`;
    case 'whole-lots':
      return `перевозки ${ALONG_LEG[a.mode]} ${q(a.from)} → ${q(a.to)} только целыми партиями по ${f.tonnes(a.lotTonnes)} ${inPeriod(a.period)}`;
    case 'bagged-share':
      return `доля цемента в мешках с завода ${q(a.plant)} на рынке ${q(a.market)} ${a.bound === 'max' ? '≤' : '≥'} ${f.share(a.share, 1)} наших поставок ${inPeriod(a.period)}`;
    case 'bagging-capacity':
      return `мощность фасовки завода ${q(a.plant)} ${inPeriod(a.period)}`;
  }
}

/** A subject where it opens its text (a sentence, a tooltip): capitalised. */
export function subject(a: WhySubject, f: WhyFormat): string {
  const words = russianSubject(a, f);
  return words.charAt(0).toUpperCase() + words.slice(1);
}

type Subjected = { subject: string; about?: WhySubject | undefined };
/** A sentence's subject where it opens the sentence: Russian from its data; the stored English words for a plan stored before the data (or a market's name). */
const opening = (s: Subjected, f: WhyFormat) => (s.about ? subject(s.about, f) : s.subject);
/** A sentence's subject inside a sentence; the stored English words in quotes. */
const inner = (s: Subjected, f: WhyFormat) => (s.about ? russianSubject(s.about, f) : `«${s.subject}»`);

function fix(x: WhyFix, f: WhyFormat): string {
  switch (x.kind) {
    case 'lower-domestic-minimum':
      return x.points === null ? 'снизить внутренний минимум' : `снизить внутренний минимум на ${f.number(x.points, 1)} п. п.`;
    case 'lower':
      return `уменьшить ${inner(x, f)} на ${f.tonnes(x.tonnes)}`;
    case 'find-demand':
      return `найти ещё ${f.tonnes(x.tonnes)} спроса (${x.about ? russianSubject(x.about, f) : x.subject})`;
    case 'raise-export-cap':
      return `поднять экспортную квоту на ${f.tonnes(x.tonnes)}`;
    case 'add':
      return `добавить ${f.tonnes(x.tonnes)} (${x.about ? russianSubject(x.about, f) : x.subject})`;
  }
}

type PriceSetter = Extract<WhySentence, { kind: 'where-we-sell' }>['markets'][number]['priceSetter'];

function setBy(p: PriceSetter): string {
  if (!p) return '';
  switch (p.kind) {
    case 'ours':
      return ' (цену задаём мы)';
    case 'competitor':
      return ` (цену задаёт ${p.name})`;
    case 'demand':
      return p.blockLabel ? ` (цену задаёт спрос самого рынка: ${p.blockLabel})` : ' (цену задаёт спрос самого рынка)';
    case 'scarcity':
      return ' (цену задаёт дефицит: каждый продавец здесь получает ренту мощности или правил)';
  }
}

const ruleName = (share: number, f: WhyFormat) => `Правило о ${f.share(share, 0)} на внутреннем рынке`;

export const renderers: WhyRenderers = {
  'packing-full': (s, f) =>
    s.dual === null
      ? `${opening(s, f)}: фасовочная линия загружена полностью.`
      : s.objective === 'margin'
        ? `${opening(s, f)}: фасовочная линия загружена полностью; ещё одна тонна мощности фасовки приносит ${worth(s.objective, s.dual, f)}, так что расширять линию выгодно, если тонна её мощности стоит дешевле.`
        : `${opening(s, f)}: фасовочная линия загружена полностью; ещё одна тонна мощности фасовки ${gives(s.objective)} ${worth(s.objective, s.dual, f)}.`,
  'capacity-full': (s, f) =>
    s.dual === null ? `${opening(s, f)}: мощность использована полностью.` : `${opening(s, f)}: мощность использована полностью; ещё одна тонна мощности ${gives(s.objective)} ${worth(s.objective, s.dual, f)}.`,
  'route-closed': (s, f) =>
    s.dual === null ? `${opening(s, f)}: движение невозможно.` : `${opening(s, f)}: будь путь открыт, первая тонна по нему ${wouldGive(s.objective)} ${worth(s.objective, s.dual, f)}.`,
  'route-full': (s, f) =>
    s.dual === null
      ? `${opening(s, f)}: пропускная способность исчерпана.`
      : `${opening(s, f)}: пропускная способность исчерпана; ещё одна тонна пропускной способности ${gives(s.objective)} ${worth(s.objective, s.dual, f)}.`,
  'demand-all-sold': (s, f) =>
    s.dual === null
      ? `${opening(s, f)}: план продаёт всё, что рынок берёт по этой цене.`
      : `${opening(s, f)}: план продаёт всё, что рынок берёт по этой цене; ещё одна тонна спроса там ${wouldGive(s.objective)} ${worth(s.objective, s.dual, f)}.`,
  'minimum-not-open': (s, f) =>
    `${opening(s, f)}: контрактный минимум ${f.tonnes(s.minTonnesPerYear)}/год в этом плане не действует: рынок открывается с очереди ${s.openFromPhase}, а план рассчитан на очередь ${s.planPhase}.`,
  'minimum-binds': (s, f) =>
    s.dual === null
      ? `${opening(s, f)}: ограничение действует, план поставляет ровно минимум.`
      : `${opening(s, f)}: ограничение действует; каждая тонна обязательства стоит ${worth(s.objective, s.dual, f)} против лучшего другого применения.`,
  'domestic-rule-binds': (s, f) =>
    s.dual === null || s.perPointValue === null
      ? `${ruleName(s.ruleShare, f)} действует${s.year === undefined ? '' : ` в ${s.year} году`}: план оставляет дома ровно минимум.`
      : `${ruleName(s.ruleShare, f)} действует${s.year === undefined ? '' : ` в ${s.year} году`}: каждый процентный пункт доли стоит около ${value(s.objective, s.perPointValue, f)}, а каждая тонна, оставленная дома вместо экспорта, — ${worth(s.objective, s.dual, f)}.`,
  'export-cap-binds': (s, f) =>
    s.dual === null ? 'Экспортная квота исчерпана.' : `Экспортная квота исчерпана: ещё одна тонна квоты ${gives(s.objective)} ${worth(s.objective, s.dual, f)}.`,
  'full-output-binds': (s, f) => `${opening(s, f)}: ограничение действует.`,
  'volume-fixed': (s, f) =>
    s.dual === null
      ? `${opening(s, f)}: план поставляет ровно заданный объём.`
      : `${opening(s, f)}: план поставляет ровно заданный объём; ещё одна тонна изменила бы целевую функцию на ${perTonne(s.objective, s.dual, f)}.`,
  'constraint-binds': (s, f) => (s.dual === null ? `${opening(s, f)}: ограничение действует.` : `${opening(s, f)}: ограничение действует (теневая цена ${perTonne(s.objective, s.dual, f)}).`),

  'scenario-invalid': (s) => `Из сценария нельзя построить модель: ${s.problems}`,
  'status-infeasible': () => 'Ни один план не выполняет все ограничения сразу.',
  'status-unbounded': () => 'Целевая функция растёт без предела: у рынка или у затрат не хватает ограничения.',
  'status-timedout': (s) => `Расчёт упёрся в лимит времени, не доказав оптимум (${s.detail}).`,
  'status-error': (s) => `Сбой решателя: ${s.detail}`,
  'elastic-domestic-short': (s, f) => `${opening(s, f)}: не выполняется, не хватает ${f.tonnes(s.tonnes)} внутренних продаж.`,
  'elastic-delivery-short': (s, f) => `${opening(s, f)}: поставить нельзя, не хватает ${f.tonnes(s.tonnes)}.`,
  'elastic-demand-small': (s, f) => `${opening(s, f)}: меньше нужного на ${f.tonnes(s.tonnes)}.`,
  'elastic-export-cap-exceeded': (s, f) => `${opening(s, f)}: превышено на ${f.tonnes(s.tonnes)}.`,
  'elastic-short': (s, f) => `${opening(s, f)}: не хватает ${f.tonnes(s.tonnes)}.`,
  'cheapest-fix': (s, f) => `Самое дешёвое исправление: ${s.fixes.map((x) => fix(x, f)).join(', а также ')}.`,
  'no-single-fix': () => 'Ни одно ограничение по отдельности не объясняет конфликт; проверьте, нет ли в сети рынков с минимальными объёмами, но без открытого пути.',
  'diagnosis-unfinished': (s) => `Диагностика не завершилась (${status(s.status)}); попробуйте ослабить минимальные объёмы или долю внутреннего рынка.`,

  'rule-cost-margin-only': () => 'Цена правила о внутреннем рынке считается только для цели «маржа».',
  'rule-none': () => 'Минимальная доля внутреннего рынка не задана.',
  'rule-cost-unknown': (s) => `Без правила модель не решается (${status(s.status)}); его цена неизвестна.`,
  'rule-free': (s, f) => `${ruleName(s.ruleShare, f)} здесь ничего не стоит: лучший план и так оставляет дома ${f.share(s.domesticShare, 1)}.`,
  'rule-costs': (s, f) =>
    `Удержание ${f.share(s.ruleShare, 0)} дома стоит ${f.money(s.costUsd)} маржи: без правила план заработал бы ${f.money(s.marginWithoutRuleUsd)} вместо ${f.money(s.marginWithRuleUsd)}.`,
  'clearing-rule-free': (s, f) => `${ruleName(s.ruleShare, f)} ничего нам не стоит при равновесии: мы и так оставляем дома ${f.share(s.domesticShare, 1)}.`,
  'clearing-rule-costs': (s, f) =>
    `Удержание ${f.share(s.ruleShare, 0)} дома стоит нам ${f.money(s.costUsd)} маржи по равновесным ценам: без правила мы заработали бы ${f.money(s.marginWithoutRuleUsd)} вместо ${f.money(s.marginWithRuleUsd)}.`,
  'clearing-rule-raises': (s, f) =>
    `По равновесным ценам правило о ${f.share(s.ruleShare, 0)} даже поднимает нашу маржу на ${f.money(s.gainUsd)} (${f.money(s.marginWithRuleUsd)} против ${f.money(s.marginWithoutRuleUsd)} без него): больший экспорт сбил бы цены, которые мы получаем за рубежом.`,

  'production-split': (s, f) =>
    `Завод производит ${f.tonnes(s.productionTonnes)} (${f.share(s.utilisation, 0)} мощности): ${f.tonnes(s.domesticTonnes)} остаются в Казахстане, ${f.tonnes(s.exportTonnes)} идут на экспорт.`,
  'domestic-share-line': (s, f) =>
    `Доля внутреннего рынка ${f.share(s.domesticShare, 1)} при пороге ${f.share(s.ruleShare, 0)} (база: ${s.basis === 'sales' ? 'продажи' : 'производство'}).`,
  'best-netbacks': (s, f) => `Лучшие нетбэки: ${s.markets.map((m) => `${m.name} ${f.moneyPerTonne(m.netbackUsdPerTonne)}`).join(', ')}.`,
  'not-served': (s, f) =>
    `Не обслуживаются: ${s.markets
      .map((m) => (m.priceGapUsdPerTonne !== null ? `${m.name} (цене не хватает +${f.moneyPerTonne(m.priceGapUsdPerTonne)}, чтобы поставки окупились)` : m.name))
      .join(', ')}${s.moreCount > 0 ? ` и ещё ${s.moreCount}` : ''}.`,
  'clearing-production-split': (s, f) =>
    `По равновесным ценам завод производит ${f.tonnes(s.productionTonnes)} (${f.share(s.utilisation, 0)} мощности): ${f.tonnes(s.domesticTonnes)} в Казахстане и ${f.tonnes(s.exportTonnes)} на экспорт; ${
      s.marginRangeUsd
        ? `наша маржа по ценам плана — ${f.money(s.marginUsd)}, но это лишь одна точка диапазона: рынок фиксирует не все наши цены, и при ценах, которые его уравновешивают, наша маржа — ${
            s.marginRangeUsd.high === null ? `от ${f.money(s.marginRangeUsd.low)} и выше` : `от ${f.money(s.marginRangeUsd.low)} до ${f.money(s.marginRangeUsd.high)}`
          }.`
        : `наша маржа по этим ценам — ${f.money(s.marginUsd)}.`
    }`,
  'where-we-sell': (s, f) =>
    `Где мы продаём: ${s.markets
      .map((m) =>
        m.priceRangeUsdPerTonne
          ? `${m.name} ${
              m.priceRangeUsdPerTonne.high === null
                ? `от ${f.moneyPerTonne(m.priceRangeUsdPerTonne.low)} и выше`
                : `от ${f.moneyPerTonne(m.priceRangeUsdPerTonne.low)} до ${f.moneyPerTonne(m.priceRangeUsdPerTonne.high)}`
            }, наша доля ${f.share(m.ourShare, 0)} (рынок не фиксирует цену: любая цена в этом диапазоне его уравновешивает; в плане — ${f.moneyPerTonne(m.priceUsdPerTonne)})`
          : `${m.name} ${f.moneyPerTonne(m.priceUsdPerTonne)}, наша доля ${f.share(m.ourShare, 0)}${setBy(m.priceSetter)}`,
      )
      .join('; ')}.`,
  'competitor-takes': (s, f) => {
    const netback = (x: number | null) => (x === null ? '— (рынок не обслуживается)' : f.moneyPerTonne(x));
    const [nbWithout, nbWith] = [netback(s.netbackWithoutUsdPerTonne), netback(s.netbackWithUsdPerTonne)];
    const [tWithout, tWith] = [f.tonnes(s.ourTonnesWithout), f.tonnes(s.ourTonnesWith)];
    const netbackWords =
      nbWithout === nbWith ? `остаётся ${nbWith}` : `${s.netbackFalls ? 'падает' : movement(s.netbackWithoutUsdPerTonne, s.netbackWithUsdPerTonne, 'растёт', 'меняется')} с ${nbWithout} до ${nbWith}`;
    const tonnesWords = tWithout === tWith ? `остаются ${tWith}` : `${s.ourTonnesWith < s.ourTonnesWithout ? 'падают' : 'растут'} с ${tWithout} до ${tWith}`;
    return `${s.competitor} забирает ${f.tonnes(s.tonnes)} на рынке «${s.market}»; наш нетбэк там ${netbackWords}, а наши объёмы ${tonnesWords}.`;
  },
  'competitor-margin': (s, f) => `Без ${s.competitor} наша маржа была бы ${f.money(s.marginWithoutUsd)} вместо ${f.money(s.marginWithUsd)}.`,
  'split-not-fixed': (s, f) =>
    `Рынок не определяет, кто сколько продаёт: ${s.markets.map((m) => `${m.name} (наши объёмы — от ${f.tonnes(m.minTonnes)} до ${f.tonnes(m.maxTonnes)} при тех же ценах)`).join(', ')}.`,
};
