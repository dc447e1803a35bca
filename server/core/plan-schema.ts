/**
 * The shape of a plan: what the optimiser returns, the API serves and the map draws (DESIGN §4).
 * Browser-safe. Money in USD, volumes in tonnes, per-period figures per the horizon's periods.
 */
import { z } from 'zod';
import { WhySentence } from './why.ts';

export const PlanStatus = z.enum(['optimal', 'infeasible', 'unbounded', 'timedout', 'error']);

export const Kpis = z.object({
  productionTonnes: z.number(),
  salesTonnes: z.number(),
  domesticTonnes: z.number(),
  exportTonnes: z.number(),
  /** Domestic tonnes over the policy basis (sales or production). */
  domesticShare: z.number(),
  policyDomesticShare: z.number(),
  policyBasis: z.enum(['sales', 'production']),
  revenueUsd: z.number(),
  /** Import duty paid, plus in the clearing mode the border friction on our sales abroad (`Network.borderFrictions`). */
  dutyUsd: z.number(),
  freightUsd: z.number(),
  handlingUsd: z.number(),
  logisticsCostUsd: z.number(),
  productionCostUsd: z.number(),
  holdingCostUsd: z.number(),
  carbonCostUsd: z.number(),
  contractFixedCostUsd: z.number(),
  /** Hopper-wagon cost of our rail tonnes (part of logistics). */
  wagonCostUsd: z.number().optional(),
  /** Bagging cost of our bagged tonnes (part of logistics). */
  packingCostUsd: z.number().optional(),
  /** Revenue − duty − logistics − production − holding − carbon − contract fixed costs. */
  marginUsd: z.number(),
  /** Margin after the plant's fixed cost. */
  marginAfterFixedCostUsd: z.number(),
  co2Tonnes: z.number(),
  plantUtilisation: z.number(),
});

export const RouteSummary = z.object({
  /** Leg ids from plant to market. */
  legIds: z.array(z.string()),
  /** Node and market names along the route, for people. */
  path: z.array(z.string()),
  modes: z.array(z.string()),
  tonnes: z.number(),
  distanceKm: z.number(),
  logisticsCostUsdPerTonne: z.number(),
});

export const MarketResult = z.object({
  id: z.string(),
  name: z.string(),
  country: z.string(),
  domestic: z.boolean(),
  lng: z.number(),
  lat: z.number(),
  tonnes: z.number(),
  demandTonnes: z.number(),
  shareOfDemand: z.number(),
  /** Volume-weighted delivered price before duty. */
  priceUsdPerTonne: z.number(),
  /** Import duty per tonne, plus in the clearing mode the border friction into the market's country. */
  dutyUsdPerTonne: z.number(),
  logisticsCostUsdPerTonne: z.number(),
  /** Price − duty − logistics: what a tonne earns at the plant gate. Null when nothing is sold. */
  netbackUsdPerTonne: z.number().nullable(),
  /** For unserved markets: how much the price must rise before serving it pays (reduced cost). */
  priceGapUsdPerTonne: z.number().nullable(),
  routes: z.array(RouteSummary),
  tonnesByPeriod: z.array(z.number()),
  /** Our tonnes here that go bagged (the exact share, or the plan's choice within the market's range). */
  baggedTonnes: z.number().optional(),
  /** Our tonnes here that go in bulk. */
  bulkTonnes: z.number().optional(),
  baggedTonnesByPeriod: z.array(z.number()).optional(),
});

/** A plant's bagging line: what it packs and what one more tonne of its capacity is worth. */
export const PackingUse = z.object({
  plantId: z.string(),
  name: z.string(),
  /** Tonnes packed over the horizon. */
  tonnes: z.number(),
  capacityTonnes: z.number(),
  utilisation: z.number().nullable(),
  costUsdPerTonne: z.number(),
  tonnesByPeriod: z.array(z.number()),
  /** Shadow price of the line's capacity in each period, USD per tonne of that period's capacity; null without duals. */
  shadowPriceUsdPerTonneByPeriod: z.array(z.number().nullable()),
  /** Margin one more tonne a year of packing capacity adds over the horizon, USD/t; null without duals. */
  shadowPriceUsdPerTonne: z.number().nullable(),
});

export const CapacityUse = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  mode: z.string().optional(),
  tonnes: z.number(),
  capacityTonnes: z.number().nullable(),
  utilisation: z.number().nullable(),
  closedPeriods: z.array(z.number()),
  co2Tonnes: z.number().optional(),
  /** Legs: freight paid on this leg (tonnes × its USD/t), before handling at the node it enters. */
  freightUsd: z.number().optional(),
  tonnesByPeriod: z.array(z.number()),
  /** Plants in monthly plans: end-of-period stock. */
  stockTonnesByPeriod: z.array(z.number()).optional(),
});

export const BindingConstraint = z.object({
  row: z.string(),
  family: z.string(),
  label: z.string(),
  /** USD of margin per unit of the constraint's bound (one tonne, or one unit of share). */
  shadowPriceUsd: z.number().nullable(),
  /** Range the bound can move with the same shadow price, when the engine reports ranging (null end = unlimited). */
  range: z.object({ low: z.number().nullable(), high: z.number().nullable() }).nullable(),
  explanation: z.string(),
  /** The explanation as data, for readers in other languages and currencies. */
  sentence: WhySentence.optional(),
});

export const PolicyCost = z.object({
  marginWithRuleUsd: z.number().nullable(),
  marginWithoutRuleUsd: z.number().nullable(),
  /** Margin given up to keep the domestic share; 0 when the rule does not bind. */
  costUsd: z.number().nullable(),
  binds: z.boolean(),
  explanation: z.string(),
  /** The explanation as data, for readers in other languages and currencies. */
  sentence: WhySentence.optional(),
});

export const InfeasibilityItem = z.object({
  row: z.string(),
  label: z.string(),
  /** How much the constraint had to be relaxed in the elastic re-solve (its unit). */
  violation: z.number(),
  explanation: z.string(),
  /** The explanation as data, for readers in other languages and currencies. */
  sentence: WhySentence.optional(),
});

export const SolverInfo = z.object({
  engine: z.string(),
  engineVersion: z.string(),
  variables: z.number(),
  rows: z.number(),
  integerVariables: z.number(),
  buildMs: z.number(),
  solveMs: z.number(),
  totalMs: z.number(),
});

export const FlowFeatureCollection = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(
    z.object({
      type: z.literal('Feature'),
      geometry: z.object({ type: z.literal('LineString'), coordinates: z.array(z.array(z.number())) }),
      properties: z.record(z.string(), z.unknown()),
    }),
  ),
});

const ClearingBlock = z.object({
  label: z.string(),
  /** Willingness to pay per period, USD/t. */
  valueUsdPerTonneByPeriod: z.array(z.number()),
  tonnesByPeriod: z.array(z.number()),
  boughtTonnesByPeriod: z.array(z.number()),
});

const MarginalSupplier = z.object({
  kind: z.enum(['ours', 'competitor', 'demand', 'scarcity']),
  id: z.string().nullable(),
  name: z.string(),
  /** The delivered offer (or the block's value) that equals the price, USD/t; null for scarcity. */
  costUsdPerTonne: z.number().nullable(),
  /** For kind demand: the label of the demand block the price sits on. */
  blockLabel: z.string().optional(),
  /** For kind ours: our plants' names (the `name` words them in English). */
  plantNames: z.string().optional(),
});

/**
 * The interval of clearing prices (or of a figure valued at them) over every equilibrium, where the
 * market does not fix one price: every value in [low, high] meets each equilibrium condition.
 */
export const PriceRange = z.object({
  low: z.number(),
  /** null: no upper end (no seller can bring the market one more tonne). */
  high: z.number().nullable(),
});

export const ClearingMarket = z.object({
  id: z.string(),
  name: z.string(),
  country: z.string(),
  domestic: z.boolean(),
  /** Where the map draws the market (a market only competitors reach has no row in `plan.markets`). */
  lng: z.number().optional(),
  lat: z.number().optional(),
  /** Clearing price (dual of the market balance), volume-weighted over the periods, USD/t. */
  priceUsdPerTonne: z.number(),
  priceUsdPerTonneByPeriod: z.array(z.number()),
  /**
   * The interval of `priceUsdPerTonne` over every equilibrium, USD/t, where the market does not fix
   * the price (a degenerate equilibrium: e.g. a border cap equal to the market's whole demand lets
   * the price lie anywhere from the delivered cost to the value of the last block bought);
   * `priceUsdPerTonne` is then one point of it, the solver's choice, not a fact. Found from the
   * welfare's one-sided derivatives with respect to the market's balance (re-solves with the balance
   * moved by 1 t each way). null when the price is unique, or when it was not checked (the page's
   * live plan, a re-solve that did not finish).
   */
  priceRangeUsdPerTonne: PriceRange.nullable(),
  /** `priceRangeUsdPerTonne` per period: null where that period's price is unique (or not checked). */
  priceRangeUsdPerTonneByPeriod: z.array(PriceRange.nullable()),
  consumptionTonnes: z.number(),
  boughtTonnes: z.number(),
  ourTonnes: z.number(),
  ourShare: z.number(),
  /** Our tonnes over all equilibria (same welfare); null when the split is unique. */
  ourTonnesRange: z.object({ min: z.number(), max: z.number() }).nullable(),
  suppliers: z.array(z.object({ id: z.string(), name: z.string(), ours: z.boolean(), tonnes: z.number() })),
  marginalSupplier: MarginalSupplier.nullable(),
  blocks: z.array(ClearingBlock),
});

export const CompetitorResult = z.object({
  id: z.string(),
  name: z.string(),
  owner: z.string(),
  kind: z.string(),
  country: z.string(),
  lng: z.number(),
  lat: z.number(),
  capacityTonnesByPeriod: z.array(z.number()),
  tonnes: z.number(),
  tonnesByPeriod: z.array(z.number()),
  utilisation: z.number().nullable(),
  cashCostUsdPerTonne: z.number(),
  markupUsdPerTonne: z.number(),
  /** Capacity rent (dual of its capacity), volume-weighted, USD/t. */
  rentUsdPerTonne: z.number(),
  markets: z.array(
    z.object({
      market: z.string(),
      tonnes: z.number(),
      tonnesByPeriod: z.array(z.number()),
      /** Delivered offer per period: cash + mark-up + freight + duty, USD/t. */
      deliveredCostUsdPerTonneByPeriod: z.array(z.number()),
      /** Route capacity per period; null = unlimited. */
      routeCapacityTonnesByPeriod: z.array(z.number().nullable()),
    }),
  ),
});

export const ClearingReport = z.object({
  markets: z.array(ClearingMarket),
  competitors: z.array(CompetitorResult),
  /** Our margin valued at the clearing prices (= kpis.marginUsd), USD. */
  ourMarginUsd: z.number(),
  /**
   * Our margin's interval over every set of clearing prices, USD, where a market we sell in has a
   * `priceRangeUsdPerTonne`: `ourMarginUsd` is then one point of it. null when every price we sell
   * at is unique (or not checked).
   */
  ourMarginRangeUsd: PriceRange.nullable(),
  /** Welfare: block values bought − every supplier's costs (the LP's objective), USD. */
  welfareUsd: z.number(),
  /** Competitors' flows as straight lines from supplier to market. */
  competitorFlows: FlowFeatureCollection,
});

export const Plan = z.object({
  modelVersion: z.string(),
  scenarioName: z.string(),
  status: PlanStatus,
  message: z.string().nullable(),
  objective: z.string(),
  objectiveValue: z.number().nullable().meta({
    description:
      'The value of the solved model’s objective: our margin, USD (margin, price-taker mode), the cost, USD (min-cost), or domestic tonnes (max-domestic). In the clearing mode it is the market’s welfare, USD (what the equilibrium maximises), not our margin: read `kpis.marginUsd` for that.',
  }),
  horizon: z.object({ kind: z.string(), periods: z.array(z.string()) }),
  phase: z.number(),
  kpis: Kpis.nullable(),
  markets: z.array(MarketResult),
  legs: z.array(CapacityUse),
  nodes: z.array(CapacityUse),
  plants: z.array(CapacityUse),
  /** The plants' bagging lines (plants with one). */
  packing: z.array(PackingUse).optional(),
  flows: FlowFeatureCollection,
  binding: z.array(BindingConstraint),
  policyCost: PolicyCost.nullable(),
  infeasibility: z
    .object({
      items: z.array(InfeasibilityItem),
      suggestion: z.string(),
      /** The suggestion as data. */
      suggestionSentence: WhySentence.optional(),
    })
    .nullable(),
  why: z.array(z.string()),
  /** The lines of `why` as data, one for each line in the same order: kind (template) and parameters (USD, tonnes, shares). */
  whySentences: z.array(WhySentence).optional(),
  /** price-taker (model v1) or clearing (DESIGN §3b). */
  market: z.enum(['price-taker', 'clearing']).optional(),
  /** Market-clearing read-out; null in the price-taker mode. */
  clearing: ClearingReport.nullable().optional(),
  /** Currency for money in reports, and the KZT per USD rate of the plan's first year. */
  reportCurrency: z.enum(['USD', 'KZT']).optional(),
  kztPerUsd: z.number().optional(),
  solver: SolverInfo,
  inputsHash: z.string(),
  /**
   * The version of the network the plan was made on (the default network's data release, or a network
   * of its own's `version`); plans made before plans recorded it have none.
   */
  networkVersion: z.string().optional(),
});

export type Plan = z.infer<typeof Plan>;
export type Kpis = z.infer<typeof Kpis>;
export type MarketResult = z.infer<typeof MarketResult>;
export type CapacityUse = z.infer<typeof CapacityUse>;
export type PackingUse = z.infer<typeof PackingUse>;
export type BindingConstraint = z.infer<typeof BindingConstraint>;
export type RouteSummary = z.infer<typeof RouteSummary>;
export type ClearingReport = z.infer<typeof ClearingReport>;
export type ClearingMarket = z.infer<typeof ClearingMarket>;
export type PriceRange = z.infer<typeof PriceRange>;
export type CompetitorResult = z.infer<typeof CompetitorResult>;

const NO_FLOWS = { type: 'FeatureCollection', features: [] } as const;

/**
 * The lighter plan (`?flows=false`): every figure as it is, without the map's GeoJSON, our flows and,
 * in the market-clearing mode, the competitors' flows.
 */
export function withoutFlows(plan: Plan): Plan {
  const lighter: Plan = { ...plan, flows: { ...NO_FLOWS, features: [] } };
  if (plan.clearing) lighter.clearing = { ...plan.clearing, competitorFlows: { ...NO_FLOWS, features: [] } };
  return lighter;
}
