/**
 * The plan's sentences as data: each one a kind (its template) and the figures and names it says,
 * so a reader can word it in another language and money unit. The English templates live here: the
 * engine writes every sentence's English text with them (plan.why, binding and policy-cost
 * explanations), and the map page uses them for its English page. Other languages add renderers
 * of their own for every kind (the page's live in web/src/i18n/why/).
 * Browser-safe, pure. Money in USD, volumes in tonnes, shares as fractions 0..1.
 */
import { z } from 'zod';

const Objective = z.enum(['margin', 'min-cost', 'max-domestic']);
/** The shadow price behind a sentence: per tonne of the bound, in USD (or tonnes of domestic sales for max-domestic); null when the engine has no duals. */
const Dual = z.number().nullable();
/** The period a subject is about: a year (an annual plan, a year of a run of years) or a month of a monthly plan. */
const When = z.object({ year: z.number().int(), month: z.number().int().min(1).max(12).nullable() }).meta({ id: 'WhyPeriod', description: 'A year, or a month (1..12) of it in a monthly plan.' });
/** A year-long bound's year: null in a plan of one year, where the bound names none. */
const YearOrNone = z.number().int().nullable();
const LegMode = z.enum(['rail', 'road', 'sea']);

/**
 * What a sentence is about, as data: the constraint's kind and the names and figures that say which
 * one (names of plants, markets, ports and legs as the data gives them; prices in USD/t; shares as
 * fractions). A language words it with `WhyFormat`; English words it as the model's row label.
 */
const Subject = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('plant-capacity'), plant: z.string(), period: When }),
  z.object({ kind: z.literal('supplier-capacity'), supplier: z.string(), period: When }),
  z.object({ kind: z.literal('output-balance'), plant: z.string(), period: When }),
  z.object({ kind: z.literal('transit'), node: z.string(), market: z.string(), period: When }),
  z.object({ kind: z.literal('leg-capacity'), mode: LegMode, from: z.string(), to: z.string(), closed: z.boolean(), period: When }),
  z.object({ kind: z.literal('node-throughput'), node: z.string(), closed: z.boolean(), period: When }),
  z.object({ kind: z.literal('deliveries'), market: z.string(), period: When }),
  /** A price-taker market's demand tier: the tonnes it takes at its price. */
  z.object({ kind: z.literal('demand-tier'), market: z.string(), priceUsdPerTonne: z.number(), period: When }),
  /** A block of a whole market's demand (the clearing mode): the tonnes buyers take at up to its value. */
  z.object({ kind: z.literal('demand-block'), market: z.string(), priceUsdPerTonne: z.number(), period: When }),
  z.object({ kind: z.literal('market-clears'), market: z.string(), period: When }),
  z.object({ kind: z.literal('contracted-minimum'), market: z.string(), year: z.number().int() }),
  z.object({ kind: z.literal('given-volume'), market: z.string(), year: z.number().int() }),
  z.object({ kind: z.literal('domestic-share'), share: z.number(), basis: z.enum(['sales', 'production']), year: YearOrNone }),
  z.object({ kind: z.literal('export-cap'), year: YearOrNone }),
  z.object({ kind: z.literal('import-cap'), country: z.string(), markets: z.array(z.string()).optional(), year: YearOrNone }),
  z.object({ kind: z.literal('full-output'), period: When }),
  z.object({ kind: z.literal('wagon-fleet'), wagons: z.number(), period: When }),
  /** A signed export contract's minimum (the mixed-integer contracts option). */
  z.object({ kind: z.literal('contract-minimum'), market: z.string(), year: z.number().int() }),
  z.object({ kind: z.literal('contract-only'), market: z.string(), year: z.number().int() }),
  z.object({ kind: z.literal('whole-lots'), mode: LegMode, from: z.string(), to: z.string(), lotTonnes: z.number(), period: When }),
  z.object({ kind: z.literal('bagged-share'), market: z.string(), plant: z.string(), bound: z.enum(['max', 'min']), share: z.number(), period: When }),
  z.object({ kind: z.literal('bagging-capacity'), plant: z.string(), period: When }),
]).meta({ id: 'WhySubject', description: 'What a sentence is about as data: the kind of constraint and the names and figures that say which one (USD/t, shares 0..1).' });
export type WhySubject = z.infer<typeof Subject>;
/** Every kind of subject the model's rows can be about. */
export const WHY_SUBJECT_KINDS: readonly WhySubject['kind'][] = Subject.options.map((o) => o.shape.kind.value);
export type WhyPeriod = z.infer<typeof When>;

/**
 * A sentence's subject: `subject` the engine's English words (the row's label), `about` the same as
 * data for other languages and currencies (absent in plans stored before it, and for a subject that
 * is a name only).
 */
const subjectOf = { subject: z.string(), about: Subject.optional() };
const dualOf = { objective: Objective, dual: Dual };

const Fix = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('lower-domestic-minimum'), points: z.number().nullable() }),
  z.object({ kind: z.literal('lower'), ...subjectOf, tonnes: z.number() }),
  z.object({ kind: z.literal('find-demand'), ...subjectOf, tonnes: z.number() }),
  z.object({ kind: z.literal('raise-export-cap'), tonnes: z.number() }),
  z.object({ kind: z.literal('add'), ...subjectOf, tonnes: z.number() }),
]);

const PriceSetter = z.object({
  kind: z.enum(['ours', 'competitor', 'demand', 'scarcity']),
  /** The marginal supplier's name as the plan's clearing report gives it. */
  name: z.string(),
  /** For kind demand: the label of the demand block the price sits on. */
  blockLabel: z.string().nullable(),
});

/** An interval of prices (or of money valued at them) that all clear the market; high null: no upper end. */
const Range = z.object({ low: z.number(), high: z.number().nullable() });

const kinds = [
  // binding constraints
  z.object({ kind: z.literal('capacity-full'), ...subjectOf, ...dualOf }),
  z.object({ kind: z.literal('route-closed'), ...subjectOf, ...dualOf }),
  z.object({ kind: z.literal('route-full'), ...subjectOf, ...dualOf }),
  z.object({ kind: z.literal('demand-all-sold'), ...subjectOf, ...dualOf }),
  z.object({ kind: z.literal('minimum-binds'), ...subjectOf, ...dualOf }),
  /** A market's contracted minimum that no period of the plan holds: the market opens at a later phase. */
  z.object({ kind: z.literal('minimum-not-open'), ...subjectOf, minTonnesPerYear: z.number(), openFromPhase: z.number().int(), planPhase: z.number().int() }),
  z.object({
    kind: z.literal('domestic-rule-binds'),
    ruleShare: z.number(),
    /** The year whose rule binds, in a run of years (the rule holds in each year); absent for a plan of one year. */
    year: z.number().int().optional(),
    ...dualOf,
    /** What one percentage point of that year's rule costs: the dual × 1 % of that year's basis tonnes. */
    perPointValue: z.number().nullable(),
  }),
  z.object({ kind: z.literal('export-cap-binds'), ...dualOf }),
  z.object({ kind: z.literal('full-output-binds'), ...subjectOf }),
  z.object({ kind: z.literal('volume-fixed'), ...subjectOf, ...dualOf }),
  z.object({ kind: z.literal('constraint-binds'), ...subjectOf, ...dualOf }),
  z.object({ kind: z.literal('packing-full'), ...subjectOf, ...dualOf }),
  // plans without a solution
  z.object({ kind: z.literal('scenario-invalid'), problems: z.string() }),
  z.object({ kind: z.literal('status-infeasible') }),
  z.object({ kind: z.literal('status-unbounded') }),
  z.object({ kind: z.literal('status-timedout'), detail: z.string() }),
  z.object({ kind: z.literal('status-error'), detail: z.string() }),
  z.object({ kind: z.literal('elastic-domestic-short'), ...subjectOf, tonnes: z.number() }),
  z.object({ kind: z.literal('elastic-delivery-short'), ...subjectOf, tonnes: z.number() }),
  z.object({ kind: z.literal('elastic-demand-small'), ...subjectOf, tonnes: z.number() }),
  z.object({ kind: z.literal('elastic-export-cap-exceeded'), ...subjectOf, tonnes: z.number() }),
  z.object({ kind: z.literal('elastic-short'), ...subjectOf, tonnes: z.number() }),
  z.object({ kind: z.literal('cheapest-fix'), fixes: z.array(Fix) }),
  z.object({ kind: z.literal('no-single-fix') }),
  z.object({ kind: z.literal('diagnosis-unfinished'), status: z.string() }),
  // the cost of the domestic rule
  z.object({ kind: z.literal('rule-cost-margin-only') }),
  z.object({ kind: z.literal('rule-none') }),
  z.object({ kind: z.literal('rule-cost-unknown'), status: z.string() }),
  z.object({ kind: z.literal('rule-free'), ruleShare: z.number(), domesticShare: z.number() }),
  z.object({ kind: z.literal('rule-costs'), ruleShare: z.number(), costUsd: z.number(), marginWithoutRuleUsd: z.number(), marginWithRuleUsd: z.number() }),
  z.object({ kind: z.literal('clearing-rule-free'), ruleShare: z.number(), domesticShare: z.number() }),
  z.object({ kind: z.literal('clearing-rule-costs'), ruleShare: z.number(), costUsd: z.number(), marginWithoutRuleUsd: z.number(), marginWithRuleUsd: z.number() }),
  z.object({ kind: z.literal('clearing-rule-raises'), ruleShare: z.number(), gainUsd: z.number(), marginWithRuleUsd: z.number(), marginWithoutRuleUsd: z.number() }),
  // the plan's story
  z.object({ kind: z.literal('production-split'), productionTonnes: z.number(), utilisation: z.number(), domesticTonnes: z.number(), exportTonnes: z.number() }),
  z.object({ kind: z.literal('domestic-share-line'), domesticShare: z.number(), ruleShare: z.number(), basis: z.enum(['sales', 'production']) }),
  z.object({ kind: z.literal('best-netbacks'), markets: z.array(z.object({ name: z.string(), netbackUsdPerTonne: z.number() })) }),
  z.object({ kind: z.literal('not-served'), markets: z.array(z.object({ name: z.string(), priceGapUsdPerTonne: z.number().nullable() })), moreCount: z.number() }),
  z.object({
    kind: z.literal('clearing-production-split'),
    productionTonnes: z.number(),
    utilisation: z.number(),
    domesticTonnes: z.number(),
    exportTonnes: z.number(),
    marginUsd: z.number(),
    /** Our margin's interval over every set of clearing prices, where the market does not fix a price we sell at; `marginUsd` is one point of it. */
    marginRangeUsd: Range.nullable().optional(),
  }),
  z.object({
    kind: z.literal('where-we-sell'),
    markets: z.array(
      z.object({
        name: z.string(),
        priceUsdPerTonne: z.number(),
        ourShare: z.number(),
        /** The prices that all clear the market, where it does not fix one; `priceUsdPerTonne` is then one point of it and no one sets it. */
        priceRangeUsdPerTonne: Range.nullable().optional(),
        priceSetter: PriceSetter.nullable(),
      }),
    ),
  }),
  z.object({
    kind: z.literal('competitor-takes'),
    competitor: z.string(),
    market: z.string(),
    tonnes: z.number(),
    /** True when our netback is lower with the competitor than without it. */
    netbackFalls: z.boolean(),
    netbackWithoutUsdPerTonne: z.number().nullable(),
    netbackWithUsdPerTonne: z.number().nullable(),
    ourTonnesWithout: z.number(),
    ourTonnesWith: z.number(),
  }),
  z.object({ kind: z.literal('competitor-margin'), competitor: z.string(), marginWithoutUsd: z.number(), marginWithUsd: z.number() }),
  z.object({ kind: z.literal('split-not-fixed'), markets: z.array(z.object({ name: z.string(), minTonnes: z.number(), maxTonnes: z.number() })) }),
] as const;

export const WhySentence = z
  .discriminatedUnion('kind', [...kinds])
  .meta({ id: 'WhySentence', description: 'One sentence of the plan as data: its kind (the template) and the names and figures it says (USD, tonnes, shares 0..1).' });
export type WhySentence = z.infer<typeof WhySentence>;
export type WhyKind = WhySentence['kind'];
export type WhyFix = z.infer<typeof Fix>;

/** Every kind the engine can write. */
export const WHY_KINDS: readonly WhyKind[] = kinds.map((k) => k.shape.kind.value);

/** How a language writes the figures in a sentence (the engine's plain style, or the page's). */
export interface WhyFormat {
  tonnes(tonnes: number): string;
  /** A sum of money, given in USD. */
  money(usd: number): string;
  /** Money per tonne, given in USD/t. */
  moneyPerTonne(usdPerTonne: number): string;
  /**
   * A shadow price: what one tonne of a bound is worth, given in USD/t. The engine writes it as money
   * with its cents ("0.18 USD"); a reader may write it per tonne ("0.18 USD/t").
   */
  dual(usdPerTonne: number): string;
  /**
   * A price that says which constraint a sentence is about (a demand tier's or block's price), given
   * in USD/t. The engine writes it as the row's label does, with its cents ("112.00 USD/t").
   */
  price(usdPerTonne: number): string;
  /** A share 0..1 as a percentage with the given decimals. */
  share(share: number, digits: number): string;
  /** An amount the way the engine writes money (0 decimals from 100 up, else 2), without a unit. */
  amount(value: number): string;
  /** A plain number with fixed decimals. */
  number(value: number, digits: number): string;
}

/** A renderer for every kind: a language's templates. */
export type WhyRenderers = { readonly [K in WhyKind]: (sentence: Extract<WhySentence, { kind: K }>, f: WhyFormat) => string };

/** The engine's number style: "1,234" / "12.50", "450.0 kt", "52.3 %". */
/** `toLocaleString` with options builds a formatter on every call; these are built once. */
const WHOLE_USD = new Intl.NumberFormat('en-US', { minimumFractionDigits: 0, maximumFractionDigits: 0 });
const CENTS_USD = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function formatUsd(x: number): string {
  const abs = Math.abs(x);
  return `${x < 0 ? '−' : ''}${(abs >= 100 ? WHOLE_USD : CENTS_USD).format(abs)}`;
}

export function formatTonnes(t: number): string {
  const abs = Math.abs(t);
  if (abs >= 1e6) return `${(t / 1e6).toFixed(2)} Mt`;
  if (abs >= 1e3) return `${(t / 1e3).toFixed(1)} kt`;
  return `${t.toFixed(0)} t`;
}

export function formatPct(share: number, digits = 1): string {
  return `${(share * 100).toFixed(digits)} %`;
}

/** The figures as the engine writes them in the plan's English text (USD). */
export const ENGINE_FORMAT: WhyFormat = {
  tonnes: formatTonnes,
  money: (usd) => `${formatUsd(usd)} USD`,
  moneyPerTonne: (usd) => `${formatUsd(usd)} USD/t`,
  dual: (usd) => `${formatUsd(usd)} USD`,
  price: (usd) => `${usd.toFixed(2)} USD/t`,
  share: formatPct,
  amount: formatUsd,
  number: (value, digits) => value.toFixed(digits),
};

// --------------------------------------------------------------- English

/** A period as the model names it: "2029", "2029-03". */
export function periodLabel(p: WhyPeriod): string {
  return p.month === null ? String(p.year) : `${p.year}-${String(p.month).padStart(2, '0')}`;
}

/**
 * What a sentence is about, in English. With the engine's figures it is the model row's label
 * without its unit (the families write their labels with it), so the engine's text is unchanged.
 */
export function englishSubject(a: WhySubject, f: WhyFormat = ENGINE_FORMAT): string {
  const inYear = (year: number | null) => (year === null ? '' : ` in ${year}`);
  switch (a.kind) {
    case 'plant-capacity':
      return `${a.plant} production capacity in ${periodLabel(a.period)}`;
    case 'supplier-capacity':
      return `${a.supplier} production capacity in ${periodLabel(a.period)}`;
    case 'output-balance':
      return `${a.plant} output balance in ${periodLabel(a.period)}`;
    case 'transit':
      return `${a.node}: cement for ${a.market} in = out, ${periodLabel(a.period)}`;
    case 'leg-capacity':
      return `${a.mode} ${a.from} → ${a.to} capacity${a.closed ? ' (closed)' : ''} in ${periodLabel(a.period)}`;
    case 'node-throughput':
      return `${a.node} throughput${a.closed ? ' (closed)' : ''} in ${periodLabel(a.period)}`;
    case 'deliveries':
      return `${a.market}: sales = deliveries in ${periodLabel(a.period)}`;
    case 'demand-tier':
      return `${a.market} demand at ${f.price(a.priceUsdPerTonne)} in ${periodLabel(a.period)}`;
    case 'demand-block':
      return `${a.market} demand block at ${f.price(a.priceUsdPerTonne)} in ${periodLabel(a.period)}`;
    case 'market-clears':
      return `${a.market}: tonnes bought = tonnes supplied in ${periodLabel(a.period)}`;
    case 'contracted-minimum':
      return `${a.market} contracted minimum in ${a.year}`;
    case 'given-volume':
      return `${a.market} given volume in ${a.year}`;
    case 'domestic-share':
      return `domestic share ≥ ${f.share(a.share, 1)} of ${a.basis}${inYear(a.year)}`;
    case 'export-cap':
      return `export cap${inYear(a.year)}`;
    case 'import-cap':
      return `cap on cement imports into ${a.country}${a.markets ? ` (${a.markets.join(', ')})` : ''}${inYear(a.year)}`;
    case 'full-output':
      return `all plants at full output in ${periodLabel(a.period)}`;
    case 'wagon-fleet':
      // The fleet's row is in wagon-days, not tonnes: its unit stays in the words, as it always has.
      return `hopper-wagon fleet (${a.wagons} wagons) in ${periodLabel(a.period)}, wagon-days`;
    case 'contract-minimum':
      return `${a.market} contract minimum in ${a.year}`;
    case 'contract-only':
      return `${a.market} served only under a contract in ${a.year}`;
    case 'whole-lots':
      return `${a.mode} ${a.from} → ${a.to} ships whole ${a.lotTonnes} t lots in ${periodLabel(a.period)}`;
    case 'bagged-share':
      return `${a.market}: bagged tonnes from ${a.plant} ${a.bound === 'max' ? '≤' : '≥'} ${f.share(a.share, 1)} of ours in ${periodLabel(a.period)}`;
    case 'bagging-capacity':
      return `${a.plant} bagging capacity in ${periodLabel(a.period)}`;
  }
}

/** A sentence's subject in English: from its data where it has some, else the stored words. */
const subj = (s: { subject: string; about?: WhySubject | undefined }, f: WhyFormat) => (s.about ? englishSubject(s.about, f) : s.subject);

type Objective = z.infer<typeof Objective>;
/** The objective's value of a sum (one percentage point of the rule): USD, or tonnes of domestic sales when maximising them. */
const value = (objective: Objective, x: number, f: WhyFormat) => (objective === 'max-domestic' ? `${f.amount(x)} t of domestic sales` : f.money(x));
/** The objective's value of a shadow price (per tonne of the bound): USD, or tonnes of domestic sales when maximising them. */
const perTonne = (objective: Objective, dual: number, f: WhyFormat) => (objective === 'max-domestic' ? `${f.amount(dual)} t of domestic sales` : f.dual(dual));
const worth = (objective: Objective, dual: number, f: WhyFormat) => perTonne(objective, Math.abs(dual), f);
const gain = (objective: Objective) => (objective === 'min-cost' ? 'save' : 'add');
const gainWord = (objective: Objective) => (objective === 'min-cost' ? 'saves' : objective === 'max-domestic' ? 'adds' : 'is worth');

function englishFix(fix: WhyFix, f: WhyFormat): string {
  switch (fix.kind) {
    case 'lower-domestic-minimum':
      return fix.points === null ? 'lower the domestic minimum' : `lower the domestic minimum by ${f.number(fix.points, 1)} pp`;
    case 'lower':
      return `lower ${subj(fix, f)} by ${f.tonnes(fix.tonnes)}`;
    case 'find-demand':
      return `find ${f.tonnes(fix.tonnes)} more demand (${subj(fix, f)})`;
    case 'raise-export-cap':
      return `raise the export cap by ${f.tonnes(fix.tonnes)}`;
    case 'add':
      return `add ${f.tonnes(fix.tonnes)} of ${subj(fix, f)}`;
  }
}

/**
 * The verb of a figure that changes: `up` when both are numbers and it rose, else `other` (a market
 * served in one case only has no direction).
 */
export function movement(without: number | null, withIt: number | null, up: string, other: string): string {
  return without !== null && withIt !== null && withIt > without ? up : other;
}

export const ENGLISH_WHY: WhyRenderers = {
  'capacity-full': (s, f) => (s.dual === null ? `${subj(s, f)} is fully used.` : `${subj(s, f)} is fully used: one more tonne of capacity ${gainWord(s.objective)} ${worth(s.objective, s.dual, f)}.`),
  'route-closed': (s, f) =>
    s.dual === null ? `${subj(s, f)}: nothing can move.` : `${subj(s, f)}: if it were open, the first tonne through it would ${gain(s.objective)} ${worth(s.objective, s.dual, f)}.`,
  'route-full': (s, f) => (s.dual === null ? `${subj(s, f)} is full.` : `${subj(s, f)} is full: one more tonne of capacity ${gainWord(s.objective)} ${worth(s.objective, s.dual, f)}.`),
  'demand-all-sold': (s, f) =>
    s.dual === null
      ? `${subj(s, f)}: the plan sells all the market takes at this price.`
      : `${subj(s, f)}: the plan sells all the market takes at this price; one more tonne of demand there would ${gain(s.objective)} ${worth(s.objective, s.dual, f)}.`,
  'minimum-not-open': (s, f) =>
    `${subj(s, f)}: its contracted minimum of ${f.tonnes(s.minTonnesPerYear)}/yr does not apply in this plan: the market opens at phase ${s.openFromPhase} and the plan runs at phase ${s.planPhase}.`,
  'minimum-binds': (s, f) =>
    s.dual === null
      ? `${subj(s, f)} binds: the plan delivers exactly the minimum.`
      : `${subj(s, f)} binds: each tonne of the obligation costs ${worth(s.objective, s.dual, f)} against the best alternative use.`,
  'domestic-rule-binds': (s, f) =>
    s.dual === null || s.perPointValue === null
      ? `The ${f.share(s.ruleShare, 0)} domestic rule binds${s.year === undefined ? '' : ` in ${s.year}`}: the plan keeps exactly the minimum at home.`
      : `The ${f.share(s.ruleShare, 0)} domestic rule binds${s.year === undefined ? '' : ` in ${s.year}`}: each percentage point of share costs about ${value(s.objective, s.perPointValue, f)}, and each tonne kept at home instead of exported costs ${worth(s.objective, s.dual, f)}.`,
  'export-cap-binds': (s, f) => (s.dual === null ? 'The export cap binds.' : `The export cap binds: one more tonne of export allowance ${gainWord(s.objective)} ${worth(s.objective, s.dual, f)}.`),
  'full-output-binds': (s, f) => `${subj(s, f)} binds.`,
  'volume-fixed': (s, f) =>
    s.dual === null
      ? `${subj(s, f)}: the plan delivers exactly the given volume.`
      : `${subj(s, f)}: the plan delivers exactly the given volume; one more tonne of it would change the objective by ${perTonne(s.objective, s.dual, f)}.`,
  'constraint-binds': (s, f) => (s.dual === null ? `${subj(s, f)} binds.` : `${subj(s, f)} binds (shadow price ${perTonne(s.objective, s.dual, f)}).`),
  'packing-full': (s, f) =>
    s.dual === null
      ? `${subj(s, f)} is fully used: the line packs all it can.`
      : s.objective === 'margin'
        ? `${subj(s, f)} is fully used: one more tonne of bagging capacity is worth ${worth(s.objective, s.dual, f)}, so a bigger line pays where a tonne of it costs less than that.`
        : `${subj(s, f)} is fully used: one more tonne of bagging capacity ${gainWord(s.objective)} ${worth(s.objective, s.dual, f)}.`,

  'scenario-invalid': (s) => `The scenario cannot be a model: ${s.problems}`,
  'status-infeasible': () => 'No plan satisfies every constraint at once.',
  'status-unbounded': () => 'The objective can grow without limit: a market or a cost is missing a bound.',
  'status-timedout': (s) => `The solve hit its time limit before proving an optimum (${s.detail}).`,
  'status-error': (s) => `The solver failed: ${s.detail}`,
  'elastic-domestic-short': (s, f) => `${subj(s, f)} cannot be met: short by ${f.tonnes(s.tonnes)} of domestic sales.`,
  'elastic-delivery-short': (s, f) => `${subj(s, f)} cannot be delivered: short by ${f.tonnes(s.tonnes)}.`,
  'elastic-demand-small': (s, f) => `${subj(s, f)} is too small by ${f.tonnes(s.tonnes)}.`,
  'elastic-export-cap-exceeded': (s, f) => `${subj(s, f)} is exceeded by ${f.tonnes(s.tonnes)}.`,
  'elastic-short': (s, f) => `${subj(s, f)} is short by ${f.tonnes(s.tonnes)}.`,
  'cheapest-fix': (s, f) => `Cheapest fix found: ${s.fixes.map((x) => englishFix(x, f)).join(', and ')}.`,
  'no-single-fix': () => 'No single constraint explains the conflict; check the network for markets with minimum volumes but no open route.',
  'diagnosis-unfinished': (s) => `The diagnosis could not finish (${s.status}); try loosening minimum volumes or the domestic share.`,

  'rule-cost-margin-only': () => 'The cost of the domestic rule is measured for the margin objective only.',
  'rule-none': () => 'No domestic minimum is set.',
  'rule-cost-unknown': (s) => `Without the rule the model ${s.status === 'error' ? 'could not be solved (the solver failed)' : s.status === 'timedout' ? 'was not solved within the time limit' : `is ${s.status}`}; its cost is unknown.`,
  'rule-free': (s, f) => `The ${f.share(s.ruleShare, 0)} domestic rule costs nothing here: the best plan keeps ${f.share(s.domesticShare, 1)} at home anyway.`,
  'rule-costs': (s, f) =>
    `Keeping ${f.share(s.ruleShare, 0)} at home costs ${f.money(s.costUsd)} of margin: without the rule the plan would earn ${f.money(s.marginWithoutRuleUsd)} instead of ${f.money(s.marginWithRuleUsd)}.`,
  'clearing-rule-free': (s, f) => `The ${f.share(s.ruleShare, 0)} domestic rule costs us nothing at the equilibrium: we keep ${f.share(s.domesticShare, 1)} at home anyway.`,
  'clearing-rule-costs': (s, f) =>
    `Keeping ${f.share(s.ruleShare, 0)} at home costs us ${f.money(s.costUsd)} of margin at clearing prices: without the rule we would earn ${f.money(s.marginWithoutRuleUsd)} instead of ${f.money(s.marginWithRuleUsd)}.`,
  'clearing-rule-raises': (s, f) =>
    `At clearing prices the ${f.share(s.ruleShare, 0)} rule even raises our margin by ${f.money(s.gainUsd)} (${f.money(s.marginWithRuleUsd)} against ${f.money(s.marginWithoutRuleUsd)} without it): exporting more would depress the prices we get abroad.`,

  'production-split': (s, f) =>
    `The plant makes ${f.tonnes(s.productionTonnes)} (${f.share(s.utilisation, 0)} of capacity): ${f.tonnes(s.domesticTonnes)} stay in Kazakhstan and ${f.tonnes(s.exportTonnes)} are exported.`,
  'domestic-share-line': (s, f) => `Domestic share ${f.share(s.domesticShare, 1)} against the ${f.share(s.ruleShare, 0)} line (basis: ${s.basis}).`,
  'best-netbacks': (s, f) => `Best netbacks: ${s.markets.map((m) => `${m.name} ${f.moneyPerTonne(m.netbackUsdPerTonne)}`).join(', ')}.`,
  'not-served': (s, f) =>
    `Not served: ${s.markets
      .map((m) => (m.priceGapUsdPerTonne !== null ? `${m.name} (needs +${f.moneyPerTonne(m.priceGapUsdPerTonne)} before it is worth serving)` : m.name))
      .join(', ')}${s.moreCount > 0 ? ` and ${s.moreCount} more` : ''}.`,
  'clearing-production-split': (s, f) =>
    `At the market-clearing prices the plant makes ${f.tonnes(s.productionTonnes)} (${f.share(s.utilisation, 0)} of capacity): ${f.tonnes(s.domesticTonnes)} in Kazakhstan and ${f.tonnes(s.exportTonnes)} exported; ${
      s.marginRangeUsd
        ? `our margin at the plan's prices is ${f.money(s.marginUsd)}, one point of a range: the market does not fix every price we sell at, and at the prices that clear it our margin is anywhere ${
            s.marginRangeUsd.high === null ? `from ${f.money(s.marginRangeUsd.low)} upwards` : `from ${f.money(s.marginRangeUsd.low)} to ${f.money(s.marginRangeUsd.high)}`
          }.`
        : `our margin at those prices is ${f.money(s.marginUsd)}.`
    }`,
  'where-we-sell': (s, f) =>
    `Where we sell: ${s.markets
      .map((m) =>
        m.priceRangeUsdPerTonne
          ? `${m.name} anywhere ${
              m.priceRangeUsdPerTonne.high === null
                ? `from ${f.moneyPerTonne(m.priceRangeUsdPerTonne.low)} upwards`
                : `from ${f.moneyPerTonne(m.priceRangeUsdPerTonne.low)} to ${f.moneyPerTonne(m.priceRangeUsdPerTonne.high)}`
            }, our share ${f.share(m.ourShare, 0)} (the market does not fix the price: any price in that range clears it; the plan values it at ${f.moneyPerTonne(m.priceUsdPerTonne)})`
          : `${m.name} ${f.moneyPerTonne(m.priceUsdPerTonne)}, our share ${f.share(m.ourShare, 0)}${m.priceSetter ? ` (price set by ${m.priceSetter.kind === 'ours' ? 'us' : m.priceSetter.name})` : ''}`,
      )
      .join('; ')}.`,
  'competitor-takes': (s, f) => {
    const netback = (x: number | null) => (x === null ? 'nothing (not served)' : f.moneyPerTonne(x));
    const [nbWithout, nbWith] = [netback(s.netbackWithoutUsdPerTonne), netback(s.netbackWithUsdPerTonne)];
    const [tWithout, tWith] = [f.tonnes(s.ourTonnesWithout), f.tonnes(s.ourTonnesWith)];
    const netbackWords =
      nbWithout === nbWith ? `stays at ${nbWith}` : `${s.netbackFalls ? 'falls' : movement(s.netbackWithoutUsdPerTonne, s.netbackWithUsdPerTonne, 'rises', 'moves')} from ${nbWithout} to ${nbWith}`;
    const tonnesWords = tWithout === tWith ? `stay at ${tWith}` : `${s.ourTonnesWith < s.ourTonnesWithout ? 'fall' : 'rise'} from ${tWithout} to ${tWith}`;
    return `${s.competitor} takes ${f.tonnes(s.tonnes)} of ${s.market}; our netback there ${netbackWords}, and our tonnes ${tonnesWords}.`;
  },
  'competitor-margin': (s, f) => `Without ${s.competitor} our margin would be ${f.money(s.marginWithoutUsd)} instead of ${f.money(s.marginWithUsd)}.`,
  'split-not-fixed': (s, f) =>
    `Split not fixed by the market: ${s.markets.map((m) => `${m.name} (our tonnes anywhere from ${f.tonnes(m.minTonnes)} to ${f.tonnes(m.maxTonnes)} at the same prices)`).join(', ')}.`,
};

/** A sentence in a language's templates (English when none are given). */
export function renderWhy(sentence: WhySentence, f: WhyFormat = ENGINE_FORMAT, renderers: WhyRenderers = ENGLISH_WHY): string {
  const render = renderers[sentence.kind] as (s: WhySentence, f: WhyFormat) => string;
  return render(sentence, f);
}

/** The engine's English text of a sentence. */
export function englishWhy(sentence: WhySentence): string {
  return renderWhy(sentence, ENGINE_FORMAT, ENGLISH_WHY);
}
