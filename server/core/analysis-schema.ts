/**
 * The shapes of the analysis answers (sensitivity, sweeps, Monte Carlo, phasing, contracts,
 * near-optimal alternatives, jobs): what the analyses return, the API documents and checks on the
 * way out, and the map page checks on the way in. Browser-safe: zod and core types only.
 *
 * Objects are strict: a field the schema does not name is an error, so the schemas stay the whole
 * description of each answer. Money in USD, volumes in tonnes, shares 0..1.
 */
import { z } from 'zod';
import { PlanStatus } from './plan-schema.ts';

const described = <T extends z.ZodType>(schema: T, description: string): T => schema.meta({ description });

// ---------------------------------------------------------------- sensitivity

export const PARAMETER_KINDS = [
  'competitor-capacity',
  'price',
  'freight',
  'production-cost',
  'plant-capacity',
  'leg-capacity',
  'node-capacity',
  'demand',
  'export-cap',
  'domestic-share',
] as const;
export const ParameterKind = z.enum(PARAMETER_KINDS);
export type ParameterKind = z.infer<typeof ParameterKind>;

export const ParameterRange = z
  .strictObject({
    parameter: described(z.string(), 'Stable key: `price:{market}:{tier}`, `freight:{leg}`, `production-cost:{plant}`, `plant-capacity:{plant}:{period}`, ...'),
    kind: ParameterKind,
    id: described(z.string(), 'The market, leg, node or plant the parameter belongs to.'),
    label: z.string(),
    unit: z.enum(['USD/t', 't/yr', 't', 'share']),
    current: z.number(),
    low: described(z.number().nullable(), 'The parameter may fall to this value with the same plan structure; null = without limit.'),
    high: described(z.number().nullable(), 'The parameter may rise to this value with the same plan structure; null = without limit.'),
    marginalValueUsd: described(
      z.number(),
      'Margin (in the clearing mode: the market’s welfare, see `valuedAs`) gained per unit the parameter rises, USD per unit: tonnes sold (net of duty) for a price, minus tonnes carried for a freight, the shadow price for a capacity, per percentage point for the domestic share.',
    ),
    marginalValueBelowUsd: described(
      z.number().nullable(),
      'A binding capacity where one unit less is worth another figure than one unit more (a degenerate plan: a kink in the margin), USD per unit: the margin lost per unit taken away, found by re-solving. null where the two are the same.',
    ),
    priceGapUsdPerTonne: described(z.number().nullable(), 'For a price of an unsold tier: how much it must rise before selling there pays, USD/t.'),
    tonnes: described(z.number(), 'Tonnes the parameter concerns in the plan (sold at the tier, carried on the leg, used of the capacity).'),
    method: described(z.enum(['ranging', 're-solve']), "'ranging': HiGHS ranging; 're-solve': found by re-solving."),
    explanation: z.string(),
  })
  .meta({ id: 'SensitivityParameter', description: 'One price, cost or capacity: its range with the same plan structure and what a unit more is worth.' });
export type ParameterRange = z.infer<typeof ParameterRange>;

export const ShareCurvePoint = z
  .strictObject({
    domesticShare: z.number(),
    status: PlanStatus,
    marginUsd: z.number().nullable(),
    domesticTonnes: z.number().nullable(),
    exportTonnes: z.number().nullable(),
    achievedShare: described(z.number().nullable(), 'Achieved domestic share (of the policy basis).'),
    ruleBinds: described(
      z.boolean().nullable(),
      'The domestic rule is tight at this point: its row within 1e-6 of the line; in a run of years, in some year (the rule holds in each year).',
    ),
  })
  .meta({ id: 'ShareCurvePoint' });
export type ShareCurvePoint = z.infer<typeof ShareCurvePoint>;

export const SensitivityReport = z
  .strictObject({
    scenarioName: z.string(),
    status: PlanStatus,
    message: z.string().nullable(),
    marginUsd: z.number().nullable(),
    valuedAs: described(
      z.enum(['margin', 'welfare']),
      'What the parameters’ marginal values are of: our margin (price-taker mode), or the market’s welfare, the clearing model’s objective (clearing mode), where a cost the market passes on can leave our margin unchanged.',
    ),
    parameters: z.array(ParameterRange),
    shareCurve: z.array(ShareCurvePoint),
    notes: described(z.array(z.string()), 'How the ranges were found and how to read them.'),
  })
  .meta({ id: 'SensitivityReport', description: 'Ranges of every price, cost and capacity, shadow prices, and the margin against the minimum domestic share.' });
export type SensitivityReport = z.infer<typeof SensitivityReport>;

// ---------------------------------------------------------------- sweeps

export const SweepRow = z
  .strictObject({
    index: described(z.number().int(), 'Position in the grid (row-major: the first axis varies slowest).'),
    point: described(z.record(z.string(), z.number()), 'Parameter name (`nodeThroughput:port_aktau` for a node) → value at this point.'),
    status: PlanStatus,
    marginUsd: z.number().nullable(),
    exportTonnes: z.number().nullable(),
    domesticTonnes: z.number().nullable(),
    domesticShare: z.number().nullable(),
    ruleBinds: described(z.boolean().nullable(), 'The domestic rule costs margin at this point (margin without it is higher).'),
    ruleCostUsd: z.number().nullable(),
  })
  .meta({ id: 'SweepRow' });
export type SweepRow = z.infer<typeof SweepRow>;

export const SweepResult = z
  .strictObject({ scenarioName: z.string(), parameters: z.array(z.string()), rows: z.array(SweepRow) })
  .meta({ id: 'SweepResult', description: 'One row per grid point, each with the figures a full optimisation of the point gives.' });
export type SweepResult = z.infer<typeof SweepResult>;

// ---------------------------------------------------------------- Monte Carlo

export const Summary = z
  .strictObject({
    mean: z.number().nullable(),
    p5: z.number().nullable(),
    p50: z.number().nullable(),
    p95: z.number().nullable(),
    min: z.number().nullable(),
    max: z.number().nullable(),
    histogram: z.array(z.strictObject({ from: z.number(), to: z.number(), count: z.number().int() })),
  })
  .meta({ id: 'MonteCarloSummary', description: 'A figure over the optimal draws: mean, percentiles, range and histogram (nulls without optimal draws).' });
export type Summary = z.infer<typeof Summary>;

export const MonteCarloResult = z
  .strictObject({
    scenarioName: z.string(),
    seed: z.number().int(),
    draws: z.number().int(),
    optimalDraws: z.number().int(),
    statusCounts: z.record(PlanStatus, z.number().int()),
    marginUsd: Summary,
    exportTonnes: Summary,
    domesticShare: Summary,
    ruleBindsProbability: described(z.number().nullable(), 'Share of optimal draws in which the domestic-share rule binds (slack within 1e-6 of the line; in a run of years, in some year: the rule holds in each year).'),
    markets: z.array(z.strictObject({ id: z.string(), name: z.string(), domestic: z.boolean(), servedShare: z.number(), robust: z.boolean() })),
    robustMarkets: described(z.array(z.string()), 'Markets served in at least `robustThreshold` of the optimal draws.'),
    robustThreshold: z.number(),
  })
  .meta({ id: 'MonteCarloResult' });
export type MonteCarloResult = z.infer<typeof MonteCarloResult>;

export const MonteCarloTiming = z
  .strictObject({ workers: z.number().int(), elapsedMs: z.number(), drawsPerSecond: z.number() })
  .meta({ id: 'MonteCarloTiming', description: 'How the draws ran: threads (or worker processes), elapsed time, draws per second.' });

export const MonteCarloJobResult = MonteCarloResult.extend({ timing: MonteCarloTiming }).meta({ id: 'MonteCarloJobResult' });
export type MonteCarloJobResult = z.infer<typeof MonteCarloJobResult>;

// ---------------------------------------------------------------- phasing

export const PhasingDestination = z
  .strictObject({
    marketId: z.string(),
    name: z.string(),
    country: z.string(),
    domestic: z.boolean(),
    tonnesByYear: z.array(z.number()),
    firstYear: described(z.number().int().nullable(), 'First year the destination is served; null = never.'),
  })
  .meta({ id: 'PhasingDestination' });

/** The chart figures of a multi-year plan (the plan itself stays on the server). */
export const PhasingChart = z.strictObject({
  scenarioName: z.string(),
  status: PlanStatus,
  message: z.string().nullable(),
  years: z.array(z.number().int()),
  phaseByYear: described(z.array(z.number().int()), 'Plant phase in force each year.'),
  capacityTonnesByYear: z.array(z.number()),
  productionTonnesByYear: z.array(z.number()),
  domesticTonnesByYear: z.array(z.number()),
  exportTonnesByYear: z.array(z.number()),
  domesticShareByYear: z.array(z.number().nullable()),
  destinations: described(z.array(PhasingDestination), 'One series per destination that is served in some year (largest first).'),
  marginUsd: z.number().nullable(),
});
export type PhasingChart = z.infer<typeof PhasingChart>;

export const PhasingAnswer = PhasingChart.extend({ why: described(z.array(z.string()), "The multi-year plan's reasons, in words.") }).meta({
  id: 'PhasingAnswer',
  description: 'A multi-year plan: tonnes by year and destination, capacity, domestic share, and why.',
});
export type PhasingAnswer = z.infer<typeof PhasingAnswer>;

// ---------------------------------------------------------------- contracts

export const ContractDecision = z
  .strictObject({
    marketId: z.string(),
    name: z.string(),
    sign: z.boolean(),
    tonnes: z.number(),
    minTonnesPerYear: z.number(),
    contributionUsd: described(z.number(), "Sales net of duty − logistics − production cost of the contract's tonnes, USD (whole horizon)."),
    fixedCostUsd: described(z.number(), 'Fixed cost of the contract over the horizon, USD.'),
    netUsd: described(z.number(), 'contribution − fixed cost.'),
    marginIfSignedUsd: described(z.number().nullable(), 'Plan margin with this contract forced signed (null: no feasible plan that way).'),
    marginIfNotSignedUsd: described(z.number().nullable(), 'Plan margin with this contract forced not signed (null: no feasible plan that way).'),
    lossIfReversedUsd: described(z.number().nullable(), 'Margin lost by taking the other decision (null: the other decision has no feasible plan).'),
    explanation: z.string(),
  })
  .meta({ id: 'ContractDecision' });
export type ContractDecision = z.infer<typeof ContractDecision>;

export const ContractsReport = z
  .strictObject({
    scenarioName: z.string(),
    status: PlanStatus,
    message: z.string().nullable(),
    marginUsd: described(z.number().nullable(), 'Margin of the best mixed-integer plan, after contract fixed costs.'),
    contracts: z.array(ContractDecision),
  })
  .meta({ id: 'ContractsReport', description: 'Which export contracts are worth signing, and what reversing each decision would cost.' });
export type ContractsReport = z.infer<typeof ContractsReport>;

// ---------------------------------------------------------------- near-optimal alternatives

export const MarketRange = z
  .strictObject({
    marketId: z.string(),
    name: z.string(),
    domestic: z.boolean(),
    planTonnes: described(z.number(), 'Tonnes in the best plan.'),
    minTonnes: described(z.number(), 'Least tonnes in any plan within the tolerance.'),
    maxTonnes: described(z.number(), 'Most tonnes in any plan within the tolerance.'),
    explanation: z.string(),
  })
  .meta({ id: 'MarketRange' });
export type MarketRange = z.infer<typeof MarketRange>;

export const AlternativePlan = z
  .strictObject({
    label: z.string(),
    marginUsd: described(z.number(), 'Our margin in this plan; in the clearing mode valued at the best plan’s clearing prices.'),
    marginGivenUpUsd: described(z.number(), 'Best margin − this plan’s margin (in the clearing mode it can be negative: a plan of less welfare can pay us more at the same prices).'),
    domesticTonnes: z.number(),
    exportTonnes: z.number(),
    domesticShare: z.number(),
    changedMarkets: described(z.record(z.string(), z.strictObject({ bestTonnes: z.number(), tonnes: z.number() })), 'Markets whose tonnes differ from the best plan.'),
  })
  .meta({ id: 'AlternativePlan' });
export type AlternativePlan = z.infer<typeof AlternativePlan>;

export const Alternatives = z
  .strictObject({
    tolerance: z.number(),
    held: described(z.enum(['margin', 'welfare']), 'What the tolerance holds: our margin (price-taker mode), or the market’s welfare, the clearing model’s objective (clearing mode).'),
    bestMarginUsd: described(z.number(), 'Our margin in the best plan (in the clearing mode at its clearing prices).'),
    floorMarginUsd: described(z.number().nullable(), 'The least margin any plan here may have: the best less the tolerance and a numerical slack of 1e-7 of it; null in the clearing mode, where the welfare is held.'),
    bestWelfareUsd: described(z.number().nullable(), 'Clearing mode: the market’s welfare in the best plan, USD; null in the price-taker mode.'),
    floorWelfareUsd: described(z.number().nullable(), 'Clearing mode: the least welfare any plan here may have, USD: the best less the tolerance and a numerical slack of a cent (so that at a tolerance of 0 every plan is an equilibrium); null in the price-taker mode.'),
    markets: z.array(MarketRange),
    plans: z.array(AlternativePlan),
    unavailable: described(z.array(z.strictObject({ label: z.string(), status: z.string() })), 'Alternative plans whose solve did not end optimal.'),
  })
  .meta({ id: 'Alternatives', description: 'Per market the least and most tonnes within a tolerance of the best margin (the market’s welfare in the clearing mode), and whole alternative plans.' });
export type Alternatives = z.infer<typeof Alternatives>;

// ---------------------------------------------------------------- jobs

export const JOB_KINDS = ['sweep', 'montecarlo'] as const;
export type JobKind = (typeof JOB_KINDS)[number];
export const JOB_STATUSES = ['running', 'done', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const JobAccepted = z
  .strictObject({ jobId: z.string(), status: z.literal('running'), links: z.strictObject({ self: z.string(), events: z.string(), csv: z.string() }) })
  .meta({ id: 'AnalysisJobAccepted', description: 'A job started: its id and where to follow it.' });
export type JobAccepted = z.infer<typeof JobAccepted>;

const jobFields = {
  id: z.string(),
  status: z.enum(JOB_STATUSES),
  progress: z.strictObject({ done: z.number().int(), total: z.number().int() }),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  error: z.string().nullable(),
  request: described(z.unknown().optional(), 'Only for a job interrupted by a restart (`error` says so): its request, to POST again.'),
};

export const SweepJob = z
  .strictObject({ ...jobFields, kind: z.literal('sweep'), result: described(SweepResult.optional(), 'Once done (and asked for).') })
  .meta({ id: 'SweepJob' });
export const MonteCarloJob = z
  .strictObject({ ...jobFields, kind: z.literal('montecarlo'), result: described(MonteCarloJobResult.optional(), 'Once done (and asked for).') })
  .meta({ id: 'MonteCarloJob' });

export const AnalysisJob = z
  .discriminatedUnion('kind', [SweepJob, MonteCarloJob])
  .meta({ id: 'AnalysisJob', description: 'A sweep or Monte Carlo job: status, progress, and the result when done.' });
export type AnalysisJob = z.infer<typeof AnalysisJob>;
