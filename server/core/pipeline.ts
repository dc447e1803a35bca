/**
 * The optimiser's pipeline, engine-agnostic: check → model → solve → plan (+ the cost of the
 * domestic rule, an elastic diagnosis when infeasible, the run's inputsHash).
 * The server runs it with worker-thread engines (optimise.ts), the browser with javascript-lp-solver
 * in-page (optimise-browser.ts): the same code, so the same numbers for the same inputs.
 * Browser-safe.
 */
import { monotonicNow } from './clock.ts';
import { resolveDistances } from '../geo/distances.ts';
import { checkScenario } from './consistency.ts';
import { explainInfeasibility, type ElasticItem } from './explain.ts';
import { englishWhy, type WhySentence } from './why.ts';
import { canonicalJson, sha256Hex } from './hash.ts';
import { networkDigest } from './network-digest.ts';
import type { EdgeGroup, EngineName, LpModel, LpRow, LpVariable, SimplexEdge, SolveResult } from './lp.ts';
import { buildModel, ModelBuildStopped, type BuiltModel } from './model.ts';
import { basisTonnesOfRow, readSolution, type PlanBody } from './plan.ts';
import { recordLeftOutSuppliers } from './left-out.ts';
import type { Plan } from './plan-schema.ts';
import { effectiveNetwork, periodsOf, priceTakerKztPerUsd, type Period } from './scenario.ts';
import { readClearing } from './clearing-report.ts';
import { fillPriceRanges } from './price-ranges.ts';
import { fxPerUsd } from './market-schema.ts';
import { key } from './families/context.ts';
import { dualModel, sensitivityFromDual } from './dual.ts';
import { planShortfallUsd, servedTonnesAtLeast, soldTonnesAtMost } from './gap-certificate.ts';
import type { EngineChoice, Network, Scenario } from './schema.ts';

/**
 * Bump when the model's formulation or the solver's options change (where several plans are optimal,
 * another one may come back): it is part of every run's inputsHash. 2.0.1: HiGHS uses the implied
 * bounds from presolve.
 */
export const MODEL_VERSION = '2.0.1';

export interface SolveRequest {
  readonly engine: EngineChoice;
  readonly timeLimitMs: number;
  readonly wantSensitivity: boolean;
  /** A re-solve of the model solved last with only costs changed (lp.ts, SolveOptions.warmStart). */
  readonly warmStart?: boolean;
  /** Simplex edges to return with the duals (lp.ts, SolveOptions.edgeGroups). */
  readonly edgeGroups?: readonly EdgeGroup[];
}

export type SolveFn = (model: LpModel, request: SolveRequest) => Promise<SolveResult>;

export interface PipelineOptions {
  /** Overrides the scenario's engine choice. */
  readonly engine?: EngineChoice;
  /** Ask for duals / ranging (forces an engine that has them). Default true. */
  readonly wantSensitivity?: boolean;
  /** Compute the margin without the domestic rule (one more solve). Default true. */
  readonly policyCost?: boolean;
  /** Clearing mode: our tonnes' range over all equilibria where the split is degenerate (two solves per such market). Default true. */
  readonly ranges?: boolean;
  /** Clearing mode: re-solve without the largest competitor to say what it takes from us (one more solve). Default true. */
  readonly competitorImpact?: boolean;
  /**
   * Turn each unserved market's dual price gap (a lower bound) into the true threshold by
   * re-solving (a few solves per unserved market). Default true; only runs when duals are present.
   */
  readonly exactPriceGaps?: boolean;
  /** Monotonic clock in ms (performance.now). */
  readonly now?: () => number;
  /** SHA-256 hex of a string; the server passes node:crypto's, the browser uses the pure-JS one. */
  readonly sha256?: (text: string) => string;
  /**
   * Called before the model is built with the inputsHash a plan stopped from outside would carry
   * (engine 'none'), so whoever stops a long run can answer without hashing the inputs again.
   */
  readonly onStarted?: (stopped: { readonly inputsHash: string }) => void;
  /**
   * Asked between the model build's steps: true ends the run there, `timedout`, nothing solved (the
   * request's time is over, or no one wants the plan), rather than after a build of seconds.
   */
  readonly shouldStop?: () => boolean;
}

/** Families an elastic re-solve may relax to explain infeasibility. */
const ELASTIC_FAMILIES = new Set([
  'capacity',
  'leg',
  'node',
  'demand-max',
  'demand-min',
  'contract-min',
  'domestic-share',
  'export-cap',
  'full-output',
  'volume',
]);

/** Fill `distanceKm` from the geometry where a leg has none (Turf geodesic length). */
export const withDistances = resolveDistances;

/** What the model sees of a network under a scenario: distances resolved, overrides applied. */
export function networkForScenario(scenario: Scenario, baseNetwork: Network): Network {
  // Once per scenario and network object (neither is changed in place): a request's check and its
  // pipeline (or an analysis's check and its build) derive the same network, about 1 ms with overrides.
  let byNetwork = scenarioNetworks.get(scenario);
  if (!byNetwork) {
    byNetwork = new WeakMap();
    scenarioNetworks.set(scenario, byNetwork);
  }
  let out = byNetwork.get(baseNetwork);
  if (!out) {
    out = withDistances(effectiveNetwork(scenario, measured(baseNetwork)));
    recordLeftOutSuppliers(baseNetwork, out);
    byNetwork.set(baseNetwork, out);
  }
  return out;
}

const scenarioNetworks = new WeakMap<Scenario, WeakMap<Network, Network>>();

const measuredNetworks = new WeakMap<Network, Network>();
/** The network with every leg's distance, once per network object (networks are never changed in place). */
function measured(network: Network): Network {
  let out = measuredNetworks.get(network);
  if (!out) {
    out = withDistances(network);
    measuredNetworks.set(network, out);
  }
  return out;
}

export async function runPipeline(
  scenario: Scenario,
  baseNetwork: Network,
  solve: SolveFn,
  options: PipelineOptions = {},
): Promise<Plan> {
  const now = options.now ?? monotonicNow;
  const started = now();
  const engine = options.engine ?? scenario.engine;
  const clearing = scenario.market === 'clearing';
  // Clearing prices are duals: the clearing mode always asks for them.
  const wantSensitivity = clearing || (options.wantSensitivity ?? true);
  const network = networkForScenario(scenario, baseNetwork);
  const periods = periodsOf(scenario.horizon, scenario.phase);
  const horizon = { kind: scenario.horizon.kind, periods: periods.map((p) => p.label) };
  const sha256 = options.sha256 ?? sha256Hex;
  const hashInputs = inputsHasher(scenario, baseNetwork, sha256);

  options.onStarted?.({ inputsHash: hashInputs('none', '') });
  const empty = (status: Plan['status'], sentence: WhySentence, solver: Plan['solver']): Plan =>
    planWithoutSolution(scenario, horizon, status, englishWhy(sentence), solver, hashInputs(solver.engine, solver.engineVersion), (scenario.network ?? baseNetwork).version, sentence);

  const problems = checkScenario(scenario, network);
  if (problems.length > 0) {
    const sentence: WhySentence = { kind: 'scenario-invalid', problems: problems.map((p) => `${p.path.join('.')}: ${p.message}`).join('; ') };
    return empty('error', sentence, { engine: 'none', engineVersion: '', variables: 0, rows: 0, integerVariables: 0, buildMs: 0, solveMs: 0, totalMs: now() - started });
  }

  let built: BuiltModel;
  try {
    built = buildModel(network, scenario, options.shouldStop ? { shouldStop: options.shouldStop } : {});
  } catch (e) {
    if (!(e instanceof ModelBuildStopped)) throw e;
    const ms = round2(now() - started);
    return empty('timedout', describeStatus('timedout', 'the request reached its time limit while its model was built'), { engine: 'none', engineVersion: '', variables: 0, rows: 0, integerVariables: 0, buildMs: ms, solveMs: 0, totalMs: ms });
  }
  const buildMs = now() - started;
  // The edges of the unserved markets' columns let most price gaps go without a re-solve above them.
  const edgeGroups = wantSensitivity && !clearing && scenario.objective === 'margin' && options.exactPriceGaps !== false ? marketColumnGroups(built, network) : undefined;
  const solved = await solve(built.model, { engine, timeLimitMs: scenario.timeLimitMs, wantSensitivity, ...(edgeGroups ? { edgeGroups } : {}) });
  const result = clearing ? await withDuals(built.model, solved, solve, scenario.timeLimitMs) : solved;
  const solver = (r: SolveResult): Plan['solver'] => ({
    engine: r.stats.engine,
    engineVersion: r.stats.engineVersion,
    variables: r.stats.variables,
    rows: r.stats.rows,
    integerVariables: r.stats.integerVariables,
    buildMs: round2(buildMs),
    solveMs: round2(r.stats.solveMs),
    totalMs: 0,
  });

  if (result.status !== 'optimal') {
    const status = describeStatus(result.status, result.message);
    const plan = empty(result.status, status, solver(result));
    if (result.status === 'infeasible') {
      const diagnosis = await diagnose(built, network, scenario, solve, engine);
      plan.infeasibility = diagnosis;
      plan.why = [plan.message ?? '', ...diagnosis.items.map((i) => i.explanation), diagnosis.suggestion];
      plan.whySentences = [status, ...diagnosis.items.map((i) => i.sentence!), diagnosis.suggestionSentence!];
    }
    plan.solver.totalMs = round2(now() - started);
    return plan;
  }

  const body = readSolution(network, scenario, built, result);
  if (options.exactPriceGaps !== false) await exactPriceGaps(body, built, network, scenario, solve, result);
  const policyCost = options.policyCost === false ? null : await rulePrice(body, built, network, scenario, solve, engine, result);
  let clearingReport: Plan['clearing'] = null;
  const competitorLines: WhySentence[] = [];
  if (clearing) {
    const read = readClearing(network, built, result, body.markets, body.kpis.marginUsd);
    clearingReport = read.report;
    if (options.ranges !== false) {
      // Where the equilibrium does not fix a price, its interval (a few re-solves with one balance
      // row's bound moved, from the plan's basis where the engine keeps it).
      const engineUsed = result.stats.engine;
      await fillPriceRanges(built, result, clearingReport, body.kpis.marginUsd, (model) =>
        solve(model, { engine: engineUsed, timeLimitMs: scenario.timeLimitMs, wantSensitivity: false, warmStart: true }),
      );
      for (const marketId of read.degenerateMarkets) {
        const range = await ourTonnesRange(built, result.objective, marketId, solve, engine, scenario.timeLimitMs);
        const market = clearingReport.markets.find((m) => m.id === marketId)!;
        // Below 0.01 % of the market (or 1 t) a range is the solver's tolerance, not a real choice.
        if (range && range.max - range.min > Math.max(1, 1e-4 * market.boughtTonnes)) market.ourTonnesRange = range;
      }
    }
    if (options.competitorImpact !== false) competitorLines.push(...(await competitorImpact(body, clearingReport, scenario, baseNetwork, solve, engine)));
  }
  const whySentences = [
    ...(clearingReport ? whyClearing(body, clearingReport, policyCost, scenario, competitorLines) : why(body, policyCost, scenario)),
    ...minimumsNotInForce(network, periods),
  ];
  const plan: Plan = {
    modelVersion: MODEL_VERSION,
    scenarioName: scenario.name,
    status: 'optimal',
    message: null,
    objective: scenario.objective,
    objectiveValue: result.objective,
    horizon,
    phase: scenario.phase,
    ...body,
    policyCost,
    infeasibility: null,
    why: whySentences.map(englishWhy),
    whySentences,
    market: scenario.market,
    clearing: clearingReport,
    reportCurrency: scenario.reportCurrency,
    kztPerUsd: clearing ? kztPerUsdOf(network, periods[0]!.year) : priceTakerKztPerUsd(scenario, network),
    solver: solver(result),
    inputsHash: hashInputs(result.stats.engine, result.stats.engineVersion),
    networkVersion: (scenario.network ?? baseNetwork).version,
  };
  plan.solver.totalMs = round2(now() - started);
  return plan;
}

function planWithoutSolution(
  scenario: Scenario,
  horizon: Plan['horizon'],
  status: Plan['status'],
  message: string,
  solver: Plan['solver'],
  inputsHash: string,
  networkVersion: string,
  /** The message as data, when the engine wrote it. */
  sentence?: WhySentence,
): Plan {
  return {
    modelVersion: MODEL_VERSION,
    scenarioName: scenario.name,
    status,
    message,
    objective: scenario.objective,
    objectiveValue: null,
    horizon,
    phase: scenario.phase,
    kpis: null,
    markets: [],
    legs: [],
    nodes: [],
    plants: [],
    flows: { type: 'FeatureCollection', features: [] },
    binding: [],
    policyCost: null,
    infeasibility: null,
    why: [message],
    ...(sentence ? { whySentences: [sentence] } : {}),
    solver,
    inputsHash,
    networkVersion,
  };
}

/**
 * The plan of a run stopped from outside the pipeline (its time limit reached while the model was
 * built or solved, a failed thread): the status and a message, no solution. Cheap: no model is built.
 */
export function stoppedPlan(
  scenario: Scenario,
  baseNetwork: Network,
  status: 'timedout' | 'error',
  message: string,
  totalMs: number,
  sha256: (text: string) => string = sha256Hex,
  /** The hash `onStarted` gave, when there was one: then the inputs are not hashed again. */
  knownInputsHash?: string,
): Plan {
  const periods = periodsOf(scenario.horizon, scenario.phase);
  const horizon = { kind: scenario.horizon.kind, periods: periods.map((p) => p.label) };
  const solver: Plan['solver'] = { engine: 'none', engineVersion: '', variables: 0, rows: 0, integerVariables: 0, buildMs: 0, solveMs: 0, totalMs: round2(totalMs) };
  const inputsHash = knownInputsHash ?? inputsHasher(scenario, baseNetwork, sha256)(solver.engine, solver.engineVersion);
  return planWithoutSolution(scenario, horizon, status, message, solver, inputsHash, (scenario.network ?? baseNetwork).version);
}

/**
 * The run's inputsHash for an engine and its version: SHA-256 of the canonical JSON of
 * { engine, engineVersion, modelVersion, network, scenario (without network and engine) }, where
 * `network` is the SHA-256 of the base network's canonical JSON without its sources. The plan's
 * network is a function of these two (overrides, phase and distances are applied by this code, whose
 * changes MODEL_VERSION marks), so they identify the run. Sources are documentation, not inputs: two
 * networks that differ only in citations solve alike. A network's digest is made once per network
 * object (networks are never changed in place), so a run hashes the small scenario, not the network.
 */
export function inputsHasher(scenario: Scenario, baseNetwork: Network, sha256: (text: string) => string): (engineName: string, engineVersion: string) => string {
  let inputsText: string | null = null;
  return (engineName, engineVersion) => {
    // canonicalJson of the whole object, written with its keys in sorted order.
    inputsText ??= `"modelVersion":${JSON.stringify(MODEL_VERSION)},"network":${JSON.stringify(networkDigest(baseNetwork, sha256))},"scenario":${canonicalJson({ ...scenario, network: undefined, engine: undefined })}}`;
    return sha256(`{"engine":${JSON.stringify(engineName)},"engineVersion":${JSON.stringify(engineVersion)},${inputsText}`);
  };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function describeStatus(status: SolveResult['status'], message: string): WhySentence {
  switch (status) {
    case 'infeasible':
      return { kind: 'status-infeasible' };
    case 'unbounded':
      return { kind: 'status-unbounded' };
    case 'timedout':
      return { kind: 'status-timedout', detail: message };
    default:
      return { kind: 'status-error', detail: message };
  }
}

/**
 * The model with the domestic-share rows left free (every other row the same object, so a warm
 * re-solve changes only those rows' bounds).
 */
export function withoutDomesticRule(built: BuiltModel): LpModel {
  const ruleRows = new Set(built.index.domesticShareRows);
  return { ...built.model, rows: built.model.rows.map((row, i) => (ruleRows.has(i) ? { ...row, lb: -Infinity, ub: Infinity } : row)) };
}

/**
 * The price-taker rule cost from the LP objectives with and without the rule (margin objective):
 * `cost` unrounded, USD; whether it binds (more than 1e-6 of the margin); `costUsd` as the plan
 * reports it (cents, 0 when it does not bind).
 */
export function ruleCostOf(marginWithRuleUsd: number, marginWithoutRuleUsd: number): { cost: number; costUsd: number; binds: boolean } {
  const cost = Math.max(0, marginWithoutRuleUsd - marginWithRuleUsd);
  const binds = cost > 1e-6 * Math.max(1, Math.abs(marginWithRuleUsd));
  return { cost, costUsd: binds ? round2(cost) : 0, binds };
}

/** Margin with and without the domestic-share rule (DESIGN §4: the cost of the 50 % rule). */
async function rulePrice(
  body: PlanBody,
  built: BuiltModel,
  network: Network,
  scenario: Scenario,
  solve: SolveFn,
  engine: EngineChoice,
  result: Extract<SolveResult, { status: 'optimal' }>,
): Promise<Plan['policyCost']> {
  let withRule = result.objective;
  const share = scenario.policy.domesticShare;
  const said = (cost: Omit<NonNullable<Plan['policyCost']>, 'explanation' | 'sentence'>, sentence: WhySentence): Plan['policyCost'] => ({
    ...cost,
    explanation: englishWhy(sentence),
    sentence,
  });
  if (scenario.objective !== 'margin')
    return said({ marginWithRuleUsd: body.kpis.marginUsd, marginWithoutRuleUsd: null, costUsd: null, binds: false }, { kind: 'rule-cost-margin-only' });
  if (share <= 0) return said({ marginWithRuleUsd: body.kpis.marginUsd, marginWithoutRuleUsd: body.kpis.marginUsd, costUsd: 0, binds: false }, { kind: 'rule-none' });
  // The same model with the rule's rows left free: the engine of the plan's solve may start from
  // its basis (HiGHS keeps it) instead of building and solving another model from scratch.
  const relaxed: BuiltModel = { ...built, model: withoutDomesticRule(built) };
  const clearing = scenario.market === 'clearing';
  const ruleEngine = result.stats.engine === 'highs' ? 'highs' : engine;
  const warm = await solve(relaxed.model, { engine: ruleEngine, timeLimitMs: scenario.timeLimitMs, wantSensitivity: clearing, warmStart: true });
  // A start from the plan's basis can fail where a fresh solve does not (costs of millions of USD a
  // tonne at the carbon price's and the distances' largest accepted values): then it is solved afresh.
  const freeSolved = warm.status === 'error' ? await solve(relaxed.model, { engine: ruleEngine, timeLimitMs: scenario.timeLimitMs, wantSensitivity: clearing }) : warm;
  const free = clearing ? await withDuals(relaxed.model, freeSolved, solve, scenario.timeLimitMs) : freeSolved;
  if (free.status !== 'optimal')
    return said({ marginWithRuleUsd: body.kpis.marginUsd, marginWithoutRuleUsd: null, costUsd: null, binds: false }, { kind: 'rule-cost-unknown', status: free.status });
  if (clearing) {
    // In the clearing mode the LP's objective is the whole market's welfare; the rule's cost to us is
    // our margin at the equilibrium without it minus our margin with it (two solves, each valued at its own prices).
    withRule = body.kpis.marginUsd;
    const without = readSolution(network, scenario, relaxed, free).kpis.marginUsd;
    const cost = without - withRule;
    const binds = Math.abs(cost) > 1e-6 * Math.max(1, Math.abs(withRule));
    return said(
      { marginWithRuleUsd: round2(withRule), marginWithoutRuleUsd: round2(without), costUsd: binds ? round2(cost) : 0, binds },
      !binds
        ? { kind: 'clearing-rule-free', ruleShare: share, domesticShare: body.kpis.domesticShare }
        : cost > 0
          ? { kind: 'clearing-rule-costs', ruleShare: share, costUsd: cost, marginWithoutRuleUsd: without, marginWithRuleUsd: withRule }
          : { kind: 'clearing-rule-raises', ruleShare: share, gainUsd: -cost, marginWithRuleUsd: withRule, marginWithoutRuleUsd: without },
    );
  }
  const { cost, costUsd, binds } = ruleCostOf(withRule, free.objective);
  return said(
    { marginWithRuleUsd: round2(withRule), marginWithoutRuleUsd: round2(free.objective), costUsd, binds },
    binds
      ? { kind: 'rule-costs', ruleShare: share, costUsd: cost, marginWithoutRuleUsd: free.objective, marginWithRuleUsd: withRule }
      : { kind: 'rule-free', ruleShare: share, domesticShare: body.kpis.domesticShare },
  );
}

/** A market counts as served when the plan sells it more than this over the horizon, t. */
export const SERVED_TONNES = 1;
/** Price gaps are exact to within this, USD/t. */
export const PRICE_GAP_TOLERANCE_USD_PER_TONNE = 0.01;

/**
 * The price gap of every unserved market, exact. The plan's gap from the duals is a lower bound:
 * at a degenerate optimum (the domestic rule on its line, a full leg) other optimal duals give a
 * higher one. The true gap is the smallest shift g (USD/t added to every tier's delivered price of
 * that market alone, as `overrides.markets[id].priceShiftUsdPerTonne` would) at which the optimal
 * plan sells it more than SERVED_TONNES. Served tonnes never fall as g rises, so a value G is the
 * answer once the market is shown unserved at G − tol/2 and served at G + tol/2:
 * 1. the dual gap L. Below it, the plan's own row prices repaired on the market's own rows when
 *    they show every optimum at L − tol/2 selling it no more than SERVED_TONNES
 *    (gap-certificate.ts, `soldTonnesAtMost`: the usual case, no re-solve), else one re-solve for
 *    all the remaining unserved markets together (`unservedJustBelow`). Above it, a certificate
 *    from an edge of the plan's own basis when one proves that every optimum at L + tol/2 sells
 *    the market more than SERVED_TONNES (gap-certificate.ts, `servedTonnesAtLeast`: the usual case,
 *    no re-solve); without the basis's edges (an engine that gives none) a re-solve per market;
 * 2. otherwise, for an LP, a candidate from one re-solve that holds the market's most promising
 *    sale column at SERVED_TONNES or more (only a bound moves, so the engine starts from the last
 *    basis; the whole market forced through an extra row when that column alone cannot be served):
 *    minus the marginal value of that bound (the cost of the first tonnes) over the share of a
 *    price rise the seller keeps (1 − dutyPct / 100), confirmed the same way: below by that
 *    re-solve's row prices repaired on the market's rows when they prove it (they do when the
 *    first tonnes cost their marginal price all the way: then they are optimal prices for the
 *    plan's model too), above by the certificate along the move from the plan to that re-solve's
 *    plan; by re-solves where they do not;
 * 3. otherwise bisection on the bracket the re-solves left (widened by doubling when needed) to
 *    the tolerance, reporting its middle.
 * Every re-solve uses the engine of the plan's solve and only changes that market's sale prices
 * (or the bound in 2). A market that no price can serve (every route closed) gets null. When a
 * re-solve fails the plan keeps the lower bound.
 */
async function exactPriceGaps(
  body: PlanBody,
  built: BuiltModel,
  network: Network,
  scenario: Scenario,
  solve: SolveFn,
  result: Extract<SolveResult, { status: 'optimal' }>,
): Promise<void> {
  if (scenario.objective !== 'margin') return;
  const engine = result.stats.engine;
  const isMip = built.model.variables.some((v) => v.kind !== 'continuous');
  const given = scenario.volumesTonnesPerYear ?? {};
  const tol = PRICE_GAP_TOLERANCE_USD_PER_TONNE;
  const unserved = body.markets.filter((m) => m.priceGapUsdPerTonne !== null && m.tonnes <= 0 && given[m.id] === undefined);
  const netShareOf = (id: string) => 1 - network.markets.find((m) => m.id === id)!.dutyPct / 100;
  const basisEdges = result.sensitivity?.edges;
  const edgeOf = new Map((basisEdges ?? []).map((e) => [e.column, e]));
  const shortfall = basisEdges && result.sensitivity ? planShortfallUsd(built.model, result.values, result.sensitivity.rowDuals) : Infinity;
  const columnsOfMarket = new Map<string, number[]>();
  const marketColumns = (id: string): number[] => {
    let columns = columnsOfMarket.get(id);
    if (!columns) {
      columns = [...(built.index.salesOfMarket.get(id) ?? []), ...(built.index.flowsOfMarket.get(id) ?? [])];
      columnsOfMarket.set(id, columns);
    }
    return columns;
  };
  // Below L by the plan's own prices where they can be repaired on the market's rows (no re-solve).
  const unservedByPrices = new Set(
    unserved
      .filter((m) => {
        const lambda = m.priceGapUsdPerTonne! - tol / 2;
        if (!(lambda > 0) || !Number.isFinite(shortfall) || !result.sensitivity) return false;
        const tonnes = soldTonnesAtMost({
          model: built.model,
          rowDuals: result.sensitivity.rowDuals,
          marketColumns: marketColumns(m.id),
          saleColumns: built.index.salesOfMarket.get(m.id) ?? [],
          netShare: netShareOf(m.id),
          shiftUsdPerTonne: lambda,
          repairedAtUsdPerTonne: lambda + tol / 4,
          planShortfallUsd: shortfall,
        });
        return tonnes <= SERVED_TONNES;
      })
      .map((m) => m.id),
  );
  const below = isMip
    ? { markets: new Set<string>(), valueGainAtMostUsd: 0 }
    : await unservedJustBelow(
        unserved.filter((m) => !unservedByPrices.has(m.id)),
        built,
        scenario,
        solve,
        engine,
        netShareOf,
      );
  for (const marketResult of unserved) {
    const lowerBound = marketResult.priceGapUsdPerTonne!;
    const market = network.markets.find((m) => m.id === marketResult.id)!;
    const netShare = netShareOf(market.id);
    const saleColumns = built.index.salesOfMarket.get(market.id) ?? [];
    const saleVars = new Set(saleColumns);
    const shifted = (shiftUsdPerTonne: number): LpModel => ({
      ...built.model,
      variables: built.model.variables.map((v, j) => (saleVars.has(j) ? { ...v, cost: v.cost + shiftUsdPerTonne * netShare } : v)),
    });
    /** Served at this shift? null when the re-solve did not reach an optimum. */
    const servedAt = async (shiftUsdPerTonne: number): Promise<boolean | null> => {
      // Only sale prices differ from the plan's model: the engine may start from the last basis.
      const r = await solve(shifted(shiftUsdPerTonne), { engine, timeLimitMs: scenario.timeLimitMs, wantSensitivity: false, warmStart: true });
      if (r.status !== 'optimal') return null;
      let tonnes = 0;
      for (const v of saleVars) tonnes += r.values[v]!;
      return tonnes > SERVED_TONNES;
    };
    // Where the plan is known to stay optimal (no more than valueGainAtMostUsd better): the plan
    // itself, or just below L when the joint re-solve left this market out.
    const unservedBelowL = unservedByPrices.has(market.id) || below.markets.has(market.id);
    const stillOptimal = unservedByPrices.has(market.id)
      ? { stillOptimalAtUsdPerTonne: lowerBound - tol / 2, valueGainAtMostUsd: shortfall }
      : below.markets.has(market.id)
        ? { stillOptimalAtUsdPerTonne: lowerBound - tol / 2, valueGainAtMostUsd: below.valueGainAtMostUsd }
        : { stillOptimalAtUsdPerTonne: 0, valueGainAtMostUsd: 0 };
    /** Served at this shift by the certificate along these moves out of the plan (never a re-solve). */
    const certifiedAt = (shiftUsdPerTonne: number, edges: readonly SimplexEdge[], known = stillOptimal): boolean =>
      edges.length > 0 &&
      servedTonnesAtLeast({ model: built.model, values: result.values, planShortfallUsd: shortfall, edges, saleColumns, netShare, shiftUsdPerTonne, ...known, enoughTonnes: SERVED_TONNES }) >
        SERVED_TONNES;
    /** Unserved at this shift by these row prices repaired on the market's own rows (never a re-solve). */
    const unservedByPricesAt = (shiftUsdPerTonne: number, rowDuals: readonly number[], priceShortfallUsd: number): boolean =>
      shiftUsdPerTonne > 0 &&
      soldTonnesAtMost({
        model: built.model,
        rowDuals,
        marketColumns: marketColumns(market.id),
        saleColumns,
        netShare,
        shiftUsdPerTonne,
        repairedAtUsdPerTonne: shiftUsdPerTonne + tol / 4,
        planShortfallUsd: priceShortfallUsd,
      }) <= SERVED_TONNES;

    let lo = unservedBelowL ? lowerBound - tol / 2 : 0; // known unserved (the plan itself, its prices, or the joint re-solve)
    let hi: number | null = null; // known served
    // At a non-degenerate optimum the dual gap is the threshold itself: confirm it on both sides.
    const marketEdges = marketColumns(market.id).flatMap((j) => edgeOf.get(j) ?? []);
    const certifiedAbove = certifiedAt(lowerBound + tol / 2, marketEdges);
    // With the basis's edges and none proving it, the basis is degenerate at this market; in a
    // single-period plan the first tonnes' cost (2) is then the better guess, so straight to it.
    if (certifiedAbove || basisEdges === undefined || isMip || built.index.periods.length > 1) {
      const aboveBound = certifiedAbove || (await servedAt(lowerBound + tol / 2));
      if (aboveBound === null) continue;
      if (aboveBound) {
        const belowBound = lowerBound - tol / 2 > lo ? await servedAt(lowerBound - tol / 2) : false;
        if (belowBound === null) continue;
        if (!belowBound) {
          marketResult.priceGapUsdPerTonne = lowerBound;
          continue;
        }
        hi = lowerBound - tol / 2; // the dual bound was not a lower bound: search below it
      } else {
        lo = lowerBound + tol / 2;
      }
    }

    if (hi === null && !isMip) {
      const forced = await firstTonnesCost(built, market, saleColumns, result, solve, engine, scenario.timeLimitMs);
      if (forced === 'closed') {
        marketResult.priceGapUsdPerTonne = null;
        continue;
      }
      if (forced && netShare > 0 && forced.costUsdPerTonne / netShare > lo) {
        const candidate = forced.costUsdPerTonne / netShare;
        // The held re-solve's row prices, when they are optimal for the plan's model too (the first
        // tonnes cost their marginal price all the way), show it unserved just below the candidate.
        const forcedShortfall = basisEdges && forced.rowDuals ? planShortfallUsd(built.model, result.values, forced.rowDuals) : Infinity;
        const belowByPrices = Number.isFinite(forcedShortfall) && unservedByPricesAt(candidate - tol / 2, forced.rowDuals!, forcedShortfall);
        const known = belowByPrices ? { stillOptimalAtUsdPerTonne: candidate - tol / 2, valueGainAtMostUsd: forcedShortfall } : stillOptimal;
        const above = (forced.move && certifiedAt(candidate + tol / 2, [forced.move], known)) || (await servedAt(candidate + tol / 2));
        if (above === true) {
          hi = candidate + tol / 2;
          const below = candidate - tol / 2 > lo && !belowByPrices ? await servedAt(candidate - tol / 2) : false;
          if (below === false) {
            marketResult.priceGapUsdPerTonne = Math.round(candidate * 10000) / 10000;
            continue;
          }
          if (below === true) hi = candidate - tol / 2;
        } else if (above === false) {
          lo = candidate + tol / 2;
        }
      }
    }

    // Widen until served, then bisect.
    let step = Math.max(1, lo * 0.1);
    for (let i = 0; hi === null && i < 40; i++) {
      const at = lo + step;
      const served = await servedAt(at);
      if (served === null) break;
      if (served) hi = at;
      else lo = at;
      step *= 2;
    }
    if (hi === null) continue;
    let upper: number = hi;
    let failed = false;
    while (upper - lo > tol * (1 + 1e-9)) {
      const mid: number = (lo + upper) / 2;
      const served = await servedAt(mid);
      if (served === null) {
        failed = true;
        break;
      }
      if (served) upper = mid;
      else lo = mid;
    }
    if (failed) continue;
    marketResult.priceGapUsdPerTonne = Math.round(((lo + upper) / 2) * 10000) / 10000;
  }
}

/**
 * What the first tonnes into a market cost the plan, USD/t of the seller's net price: minus the
 * marginal value of holding its most promising sale column (the largest reduced cost in the plan)
 * at SERVED_TONNES or more, a re-solve that moves one bound from the plan's model (the engine may
 * start from the last basis). When that column alone cannot be served, the whole market is forced
 * through an extra row (a solve from scratch, asking for duals), as it is when the bound's re-solve
 * gives no reduced costs. `move` is the change from the plan to the bound's re-solve, a direction
 * for the certificate, and `rowDuals` that re-solve's row prices. 'closed' when no plan can serve
 * the market; null when a re-solve fails or gives no duals.
 */
async function firstTonnesCost(
  built: BuiltModel,
  market: Network['markets'][number],
  saleColumns: readonly number[],
  result: Extract<SolveResult, { status: 'optimal' }>,
  solve: SolveFn,
  engine: EngineName,
  timeLimitMs: number,
): Promise<{ costUsdPerTonne: number; move: SimplexEdge | null; rowDuals: readonly number[] | null } | 'closed' | null> {
  const reduced = result.sensitivity?.reducedCosts;
  let column = saleColumns[0];
  for (const j of saleColumns) if (reduced && reduced[j]! > reduced[column!]!) column = j;
  if (column !== undefined) {
    const held: LpModel = {
      ...built.model,
      variables: built.model.variables.map((v, j) => (j === column ? { ...v, lb: Math.max(v.lb, SERVED_TONNES) } : v)),
    };
    const f = await solve(held, { engine, timeLimitMs, wantSensitivity: false, warmStart: true });
    const marginal = f.status === 'optimal' ? f.sensitivity?.reducedCosts[column] : undefined;
    if (f.status === 'optimal' && marginal !== undefined && Number.isFinite(marginal)) {
      const indices: number[] = [];
      const moves: number[] = [];
      f.values.forEach((x, j) => {
        if (x !== result.values[j]) {
          indices.push(j);
          moves.push(x - result.values[j]!);
        }
      });
      return { costUsdPerTonne: -marginal, move: { column, indices, values: moves }, rowDuals: f.sensitivity?.rowDuals ?? null };
    }
    // Infeasible, or optimal without duals: the whole market through an extra row.
    if (f.status !== 'infeasible' && f.status !== 'optimal') return null;
  }
  const forced: LpModel = {
    ...built.model,
    rows: [
      ...built.model.rows,
      { name: `served:${market.id}`, family: 'served', terms: saleColumns.map((v) => ({ v, coef: 1 })), lb: SERVED_TONNES, ub: Infinity, label: `${market.name} served, t` },
    ],
  };
  const f = await solve(forced, { engine, timeLimitMs, wantSensitivity: true });
  if (f.status === 'infeasible') return 'closed';
  const dual = f.status === 'optimal' ? f.sensitivity?.rowDuals[forced.rows.length - 1] : undefined;
  return dual !== undefined && Number.isFinite(dual) ? { costUsdPerTonne: -dual, move: null, rowDuals: null } : null;
}

/**
 * The unserved markets that stay unserved just below their dual gap L, from one re-solve with every
 * such market's prices raised by L − tol/2 at once (an LP's; none of them when it fails). Sound for
 * each market alone: the joint optimum x* sells none of the raised markets, so it earns the same
 * with only market m raised, where no plan earns more (every other price is lower or equal and
 * x ≥ 0); so x* is optimal there too and the plan's value has not moved from the unshifted one:
 * serving m does not pay below L − tol/2. A market the joint solve serves is checked alone.
 * "None" is up to SERVED_TONNES each: `valueGainAtMostUsd` bounds how much more than the plan's
 * value any plan earns with one of the listed markets raised (Σ over the raised markets of the
 * raise times x*'s tonnes there; 0 when x* sells them nothing).
 */
async function unservedJustBelow(
  unserved: readonly PlanBody['markets'][number][],
  built: BuiltModel,
  scenario: Scenario,
  solve: SolveFn,
  engine: EngineName,
  netShareOf: (marketId: string) => number,
): Promise<{ markets: Set<string>; valueGainAtMostUsd: number }> {
  const shiftOfVar = new Map<number, number>();
  const raised: { id: string; vars: number[] }[] = [];
  for (const m of unserved) {
    const shift = m.priceGapUsdPerTonne! - PRICE_GAP_TOLERANCE_USD_PER_TONNE / 2;
    if (!(shift > 0)) continue;
    const vars = built.index.salesOfMarket.get(m.id) ?? [];
    for (const v of vars) shiftOfVar.set(v, shift * netShareOf(m.id));
    raised.push({ id: m.id, vars });
  }
  const found = new Set<string>();
  if (raised.length < 2) return { markets: found, valueGainAtMostUsd: 0 };
  const model: LpModel = { ...built.model, variables: built.model.variables.map((v, j) => (shiftOfVar.has(j) ? { ...v, cost: v.cost + shiftOfVar.get(j)! } : v)) };
  const r = await solve(model, { engine, timeLimitMs: scenario.timeLimitMs, wantSensitivity: false, warmStart: true });
  if (r.status !== 'optimal') return { markets: found, valueGainAtMostUsd: 0 };
  let gain = 0;
  for (const [v, shift] of shiftOfVar) gain += shift * Math.max(0, r.values[v]!);
  for (const { id, vars } of raised) {
    let tonnes = 0;
    for (const v of vars) tonnes += r.values[v]!;
    if (tonnes <= SERVED_TONNES) found.add(id);
  }
  return { markets: found, valueGainAtMostUsd: gain };
}

/**
 * The groups whose simplex edges the price gaps use: each market open in the plan's periods, its
 * sales to enter first, else its flows (a sale basic at 0 leaves the flows to bring cement in).
 */
function marketColumnGroups(built: BuiltModel, network: Network): EdgeGroup[] {
  const lastPhase = Math.max(...built.index.periods.map((t) => t.phase));
  return network.markets
    .filter((m) => m.openFromPhase <= lastPhase)
    .map((m) => ({ enter: built.index.salesOfMarket.get(m.id) ?? [], otherwise: built.index.flowsOfMarket.get(m.id) ?? [] }));
}

/** Elastic re-solve: relax the relaxable rows with penalised slacks and report what had to give. */
async function diagnose(
  built: BuiltModel,
  network: Network,
  scenario: Scenario,
  solve: SolveFn,
  engine: EngineChoice,
): Promise<NonNullable<Plan['infeasibility']>> {
  const { model } = built;
  const variables: LpVariable[] = model.variables.map((v) => ({ ...v, cost: 0 }));
  const rows: LpRow[] = [];
  const slackOf: { row: number; v: number; sign: number }[] = [];
  model.rows.forEach((row, r) => {
    if (!ELASTIC_FAMILIES.has(row.family)) {
      rows.push(row);
      return;
    }
    const terms = [...row.terms];
    // ≥ rows get +e (activity + e ≥ lb), ≤ rows get −e (activity − e ≤ ub).
    const sign = Number.isFinite(row.lb) ? 1 : -1;
    // Finding more demand is harder than lowering a minimum or adding capacity: weigh it double.
    const weight = row.family === 'demand-max' ? 2 : 1;
    variables.push({ name: `elastic:${row.name}`, lb: 0, ub: Infinity, cost: weight, kind: 'continuous' });
    const v = variables.length - 1;
    terms.push({ v, coef: sign });
    slackOf.push({ row: r, v, sign });
    rows.push({ ...row, terms });
  });
  const elastic: LpModel = { name: `${model.name} (elastic)`, sense: 'min', variables, rows };
  const result = await solve(elastic, { engine, timeLimitMs: scenario.timeLimitMs, wantSensitivity: false });
  if (result.status !== 'optimal') {
    const unfinished: WhySentence = { kind: 'diagnosis-unfinished', status: result.status };
    return { items: [], suggestion: englishWhy(unfinished), suggestionSentence: unfinished };
  }
  const items: ElasticItem[] = slackOf
    .map(({ row, v }) => ({ row: model.rows[row]!, violation: result.values[v]! }))
    .filter((x) => x.violation > 1e-6)
    .sort((a, b) => b.violation - a.violation);
  const { lines, suggestion } = explainInfeasibility(items, { network, scenario, basisTonnesOf: basisTonnesOfRow(built, result.values, scenario) });
  return {
    items: items.map((item, i) => ({
      row: item.row.name,
      label: item.row.label,
      violation: Math.round(item.violation * 1000) / 1000,
      explanation: englishWhy(lines[i]!),
      sentence: lines[i]!,
    })),
    suggestion: englishWhy(suggestion),
    suggestionSentence: suggestion,
  };
}

/**
 * Contracted minimums the plan cannot hold because their market opens at a later phase than any of
 * the plan's periods (the model leaves their rows out): said, never dropped without a word.
 */
function minimumsNotInForce(network: Network, periods: readonly Period[]): WhySentence[] {
  const planPhase = Math.max(...periods.map((p) => p.phase));
  return network.markets
    .filter((m) => m.minTonnesPerYear > 0 && m.openFromPhase > planPhase)
    .map((m) => ({ kind: 'minimum-not-open', subject: m.name, minTonnesPerYear: m.minTonnesPerYear, openFromPhase: m.openFromPhase, planPhase }));
}

/** The plan's story in a few sentences. */
function why(body: PlanBody, policyCost: Plan['policyCost'], scenario: Scenario): WhySentence[] {
  const k = body.kpis;
  const lines: WhySentence[] = [];
  lines.push({ kind: 'production-split', productionTonnes: k.productionTonnes, utilisation: k.plantUtilisation, domesticTonnes: k.domesticTonnes, exportTonnes: k.exportTonnes });
  lines.push({ kind: 'domestic-share-line', domesticShare: k.domesticShare, ruleShare: scenario.policy.domesticShare, basis: scenario.policy.basis });
  const served = body.markets.filter((m) => m.netbackUsdPerTonne !== null).sort((a, b) => (b.netbackUsdPerTonne ?? 0) - (a.netbackUsdPerTonne ?? 0));
  if (served.length > 0) lines.push({ kind: 'best-netbacks', markets: served.slice(0, 4).map((m) => ({ name: m.name, netbackUsdPerTonne: m.netbackUsdPerTonne! })) });
  const unserved = body.markets.filter((m) => m.tonnes === 0 && m.demandTonnes > 0);
  if (unserved.length > 0)
    lines.push({
      kind: 'not-served',
      markets: unserved.slice(0, 6).map((m) => ({ name: m.name, priceGapUsdPerTonne: m.priceGapUsdPerTonne })),
      moreCount: Math.max(0, unserved.length - 6),
    });
  if (policyCost?.sentence) lines.push(policyCost.sentence);
  const told = body.binding.filter((b) => b.family !== 'domestic-share').slice(0, 3);
  for (const b of told) if (b.sentence) lines.push(b.sentence);
  lines.push(...packingBinds(body, told));
  return lines;
}

/** The bagging line's sentence when it binds (the first binding period of each plant), unless already told. */
function packingBinds(body: PlanBody, told: readonly PlanBody['binding'][number][] = []): WhySentence[] {
  const plants = new Set<string>();
  const lines: WhySentence[] = [];
  for (const b of body.binding) {
    if (b.family !== 'packing' || !b.sentence) continue;
    const plant = b.row.split(':')[1]!;
    if (plants.has(plant)) continue;
    plants.add(plant);
    if (!told.includes(b)) lines.push(b.sentence);
  }
  return lines;
}

export type { EngineName };

function kztPerUsdOf(network: Network, year: number): number {
  return network.fxPerUsd.KZT ? fxPerUsd(network.fxPerUsd, 'KZT', year) : network.fxKztPerUsd;
}

/**
 * How far below the market's best welfare a plan still counts as an equilibrium, USD: a cent (1e-12
 * of the welfare where that is more, its rounding). Valued at an equilibrium's prices, an allocation
 * that gives up w of welfare gives up at most w of our margin, so a cent keeps near-ties out; a
 * relative 1e-8 of billions of USD of welfare was tens of USD, enough to count a split 0.01 USD/t
 * dearer as "the same welfare".
 */
export function welfareSlackUsd(optimumUsd: number): number {
  return Math.max(0.01, 1e-12 * Math.abs(optimumUsd));
}

/**
 * Our tonnes in a market over all equilibria: maximise and minimise them with the welfare held at
 * its optimum (within `welfareSlackUsd`). Null when a re-solve fails.
 */
async function ourTonnesRange(
  built: BuiltModel,
  optimum: number,
  marketId: string,
  solve: SolveFn,
  engine: EngineChoice,
  timeLimitMs: number,
): Promise<{ min: number; max: number } | null> {
  const { model, index } = built;
  const ship = index.periods.map((t) => index.sale.get(key(marketId, 0, t.index))!);
  const floor: LpRow = {
    name: 'welfare-floor',
    family: 'welfare-floor',
    label: 'welfare at its optimum',
    terms: model.variables.flatMap((v, j) => (v.cost !== 0 ? [{ v: j, coef: v.cost }] : [])),
    lb: optimum - welfareSlackUsd(optimum),
    ub: Infinity,
  };
  const out: number[] = [];
  for (const sense of ['max', 'min'] as const) {
    const variables: LpVariable[] = model.variables.map((v, j) => ({ ...v, cost: ship.includes(j) ? 1 : 0 }));
    const r = await solve({ name: `${model.name} (our range in ${marketId})`, sense, variables, rows: [...model.rows, floor] }, { engine, timeLimitMs, wantSensitivity: false });
    if (r.status !== 'optimal') return null;
    out.push(r.objective);
  }
  const [max, min] = out as [number, number];
  return { min: Math.round(Math.max(0, min)), max: Math.round(max) };
}

/**
 * What the largest competitor in the markets we serve takes from us: re-solve without it and compare
 * our tonnes and netbacks market by market ("Aktobe Cem takes X kt of Aktobe region; our netback there
 * falls from A to B USD/t").
 */
async function competitorImpact(
  body: PlanBody,
  report: NonNullable<Plan['clearing']>,
  scenario: Scenario,
  baseNetwork: Network,
  solve: SolveFn,
  engine: EngineChoice,
): Promise<WhySentence[]> {
  const served = new Set(body.markets.filter((m) => m.tonnes > 0).map((m) => m.id));
  const rival = report.competitors
    .map((c) => ({ c, tonnes: c.markets.filter((m) => served.has(m.market)).reduce((s, m) => s + m.tonnes, 0) }))
    .sort((a, b) => b.tonnes - a.tonnes)[0];
  if (!rival || rival.tonnes <= 0) return [];
  const without: Scenario = {
    ...scenario,
    overrides: { ...scenario.overrides, suppliers: { ...scenario.overrides.suppliers, [rival.c.id]: { ...(scenario.overrides.suppliers[rival.c.id] ?? {}), absent: true } } },
  };
  const network = networkForScenario(without, baseNetwork);
  const built = buildModel(network, without);
  const result = await withDuals(built.model, await solve(built.model, { engine, timeLimitMs: scenario.timeLimitMs, wantSensitivity: true }), solve, scenario.timeLimitMs);
  if (result.status !== 'optimal') return [];
  const alone = readSolution(network, without, built, result);
  const lines: WhySentence[] = [];
  const takes = rival.c.markets.filter((m) => m.tonnes > 0 && served.has(m.market)).sort((a, b) => b.tonnes - a.tonnes);
  for (const m of takes.slice(0, 3)) {
    const now = body.markets.find((x) => x.id === m.market)!;
    const before = alone.markets.find((x) => x.id === m.market)!;
    lines.push({
      kind: 'competitor-takes',
      competitor: rival.c.name,
      market: now.name,
      tonnes: m.tonnes,
      netbackFalls: before.netbackUsdPerTonne !== null && now.netbackUsdPerTonne !== null && now.netbackUsdPerTonne < before.netbackUsdPerTonne,
      netbackWithoutUsdPerTonne: before.netbackUsdPerTonne,
      netbackWithUsdPerTonne: now.netbackUsdPerTonne,
      ourTonnesWithout: before.tonnes,
      ourTonnesWith: now.tonnes,
    });
  }
  const marginLoss = alone.kpis.marginUsd - body.kpis.marginUsd;
  if (Math.abs(marginLoss) > 1) lines.push({ kind: 'competitor-margin', competitor: rival.c.name, marginWithoutUsd: alone.kpis.marginUsd, marginWithUsd: body.kpis.marginUsd });
  return lines;
}

/** The clearing plan's story: prices, our share, who sets the price, competitors, the rule. */
function whyClearing(body: PlanBody, report: NonNullable<Plan['clearing']>, policyCost: Plan['policyCost'], scenario: Scenario, competitorLines: WhySentence[]): WhySentence[] {
  const k = body.kpis;
  const lines: WhySentence[] = [];
  lines.push({
    kind: 'clearing-production-split',
    productionTonnes: k.productionTonnes,
    utilisation: k.plantUtilisation,
    domesticTonnes: k.domesticTonnes,
    exportTonnes: k.exportTonnes,
    marginUsd: k.marginUsd,
    marginRangeUsd: report.ourMarginRangeUsd,
  });
  const ours = report.markets.filter((m) => m.ourTonnes > 0).sort((a, b) => b.ourTonnes - a.ourTonnes);
  if (ours.length > 0)
    lines.push({
      kind: 'where-we-sell',
      markets: ours.slice(0, 5).map((m) => ({
        name: m.name,
        priceUsdPerTonne: m.priceUsdPerTonne,
        ourShare: m.ourShare,
        priceRangeUsdPerTonne: m.priceRangeUsdPerTonne,
        priceSetter: m.marginalSupplier ? { kind: m.marginalSupplier.kind, name: m.marginalSupplier.name, blockLabel: m.marginalSupplier.blockLabel ?? null } : null,
      })),
    });
  lines.push(...competitorLines);
  const degenerate = report.markets.filter((m) => m.ourTonnesRange);
  if (degenerate.length > 0)
    lines.push({ kind: 'split-not-fixed', markets: degenerate.map((m) => ({ name: m.name, minTonnes: m.ourTonnesRange!.min, maxTonnes: m.ourTonnesRange!.max })) });
  lines.push({ kind: 'domestic-share-line', domesticShare: k.domesticShare, ruleShare: scenario.policy.domesticShare, basis: scenario.policy.basis });
  if (policyCost?.sentence) lines.push(policyCost.sentence);
  lines.push(...packingBinds(body));
  return lines;
}

/**
 * Clearing prices are duals. An engine without duals (javascript-lp-solver) gets them from a solve of
 * the dual programme with the same engine; a failed dual solve turns the result into an error.
 */
/** Clearing prices need duals: an engine without them gets them from a solve of the dual programme. */
export async function withDuals(model: LpModel, result: SolveResult, solve: SolveFn, timeLimitMs: number): Promise<SolveResult> {
  if (result.status !== 'optimal' || result.sensitivity) return result;
  const dual = dualModel(model);
  const solved = await solve(dual.model, { engine: result.stats.engine, timeLimitMs, wantSensitivity: false });
  if (solved.status !== 'optimal') return { status: 'error', message: `the dual programme for the clearing prices is ${solved.status}`, stats: result.stats };
  return { ...result, sensitivity: sensitivityFromDual(model, dual, solved.values) };
}
