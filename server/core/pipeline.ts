/**
 * The optimiser's pipeline, engine-agnostic: check → model → solve → plan (+ the cost of the
 * domestic rule, an elastic diagnosis when infeasible, the run's inputsHash).
 * The server runs it with worker-thread engines (optimise.ts), the browser with javascript-lp-solver
 * in-page (optimise-browser.ts): the same code, so the same numbers for the same inputs.
 * Browser-safe.
 */
import { resolveDistances } from '../geo/distances.ts';
import { checkScenario } from './consistency.ts';
import { explainInfeasibility, formatPct, formatTonnes, formatUsd, type ElasticItem } from './explain.ts';
import { canonicalJson, sha256Hex } from './hash.ts';
import type { EngineName, LpModel, LpRow, LpVariable, SolveResult } from './lp.ts';
import { buildModel, type BuiltModel } from './model.ts';
import { readSolution, type PlanBody } from './plan.ts';
import type { Plan } from './plan-schema.ts';
import { effectiveNetwork, periodsOf } from './scenario.ts';
import type { EngineChoice, Network, Scenario } from './schema.ts';

/** Bump when the model's formulation changes: it is part of every run's inputsHash. */
export const MODEL_VERSION = '1.1.0';

export interface SolveRequest {
  readonly engine: EngineChoice;
  readonly timeLimitMs: number;
  readonly wantSensitivity: boolean;
}

export type SolveFn = (model: LpModel, request: SolveRequest) => Promise<SolveResult>;

export interface PipelineOptions {
  /** Overrides the scenario's engine choice. */
  readonly engine?: EngineChoice;
  /** Ask for duals / ranging (forces an engine that has them). Default true. */
  readonly wantSensitivity?: boolean;
  /** Compute the margin without the domestic rule (one more solve). Default true. */
  readonly policyCost?: boolean;
  /** Monotonic clock in ms (performance.now). */
  readonly now?: () => number;
  /** SHA-256 hex of a string; the server passes node:crypto's, the browser uses the pure-JS one. */
  readonly sha256?: (text: string) => string;
  /**
   * Called before the model is built with the inputsHash a plan stopped from outside would carry
   * (engine 'none'), so whoever stops a long run can answer without hashing the inputs again.
   */
  readonly onStarted?: (stopped: { readonly inputsHash: string }) => void;
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
]);

/** Fill `distanceKm` from the geometry where a leg has none (Turf geodesic length). */
export const withDistances = resolveDistances;

/** What the model sees of a network under a scenario: distances resolved, overrides applied. */
export function networkForScenario(scenario: Scenario, baseNetwork: Network): Network {
  return withDistances(effectiveNetwork(scenario, withDistances(baseNetwork)));
}

export async function runPipeline(
  scenario: Scenario,
  baseNetwork: Network,
  solve: SolveFn,
  options: PipelineOptions = {},
): Promise<Plan> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const engine = options.engine ?? scenario.engine;
  const wantSensitivity = options.wantSensitivity ?? true;
  const network = networkForScenario(scenario, baseNetwork);
  const periods = periodsOf(scenario.horizon, scenario.phase);
  const horizon = { kind: scenario.horizon.kind, periods: periods.map((p) => p.label) };
  const sha256 = options.sha256 ?? sha256Hex;
  // Sources are documentation, not inputs: two networks that differ only in citations solve alike.
  const hashInputs = (engineName: string, engineVersion: string) =>
    sha256(canonicalJson({ modelVersion: MODEL_VERSION, engine: engineName, engineVersion, scenario: { ...scenario, network: undefined, engine: undefined }, network: withoutSources(network) }));

  options.onStarted?.({ inputsHash: hashInputs('none', '') });
  const empty = (status: Plan['status'], message: string, solver: Plan['solver']): Plan =>
    planWithoutSolution(scenario, horizon, status, message, solver, hashInputs(solver.engine, solver.engineVersion));

  const problems = checkScenario(scenario, network);
  if (problems.length > 0) {
    const message = `The scenario cannot be a model: ${problems.map((p) => `${p.path.join('.')}: ${p.message}`).join('; ')}`;
    return empty('error', message, { engine: 'none', engineVersion: '', variables: 0, rows: 0, integerVariables: 0, buildMs: 0, solveMs: 0, totalMs: now() - started });
  }

  const built = buildModel(network, scenario);
  const buildMs = now() - started;
  const result = await solve(built.model, { engine, timeLimitMs: scenario.timeLimitMs, wantSensitivity });
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
    const plan = empty(result.status, describeStatus(result.status, result.message), solver(result));
    if (result.status === 'infeasible') {
      plan.infeasibility = await diagnose(built, network, scenario, solve, engine);
      plan.why = [plan.message ?? '', ...plan.infeasibility.items.map((i) => i.explanation), plan.infeasibility.suggestion];
    }
    plan.solver.totalMs = round2(now() - started);
    return plan;
  }

  const body = readSolution(network, scenario, built, result);
  const policyCost = options.policyCost === false ? null : await rulePrice(body, network, scenario, solve, engine, result.objective);
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
    why: why(body, policyCost, scenario),
    solver: solver(result),
    inputsHash: hashInputs(result.stats.engine, result.stats.engineVersion),
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
    solver,
    inputsHash,
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
  const inputsHash =
    knownInputsHash ??
    sha256(canonicalJson({ modelVersion: MODEL_VERSION, engine: solver.engine, engineVersion: solver.engineVersion, scenario: { ...scenario, network: undefined, engine: undefined }, network: withoutSources(networkForScenario(scenario, baseNetwork)) }));
  return planWithoutSolution(scenario, horizon, status, message, solver, inputsHash);
}

function withoutSources(network: Network): unknown {
  const strip = (x: object) => ({ ...x, sources: undefined });
  return {
    ...strip(network),
    plants: network.plants.map(strip),
    markets: network.markets.map(strip),
    nodes: network.nodes.map(strip),
    legs: network.legs.map(strip),
  };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function describeStatus(status: SolveResult['status'], message: string): string {
  switch (status) {
    case 'infeasible':
      return 'No plan satisfies every constraint at once.';
    case 'unbounded':
      return 'The objective can grow without limit: a market or a cost is missing a bound.';
    case 'timedout':
      return `The solve hit its time limit before proving an optimum (${message}).`;
    default:
      return `The solver failed: ${message}`;
  }
}

/** Margin with and without the domestic-share rule (DESIGN §4: the cost of the 50 % rule). */
async function rulePrice(
  body: PlanBody,
  network: Network,
  scenario: Scenario,
  solve: SolveFn,
  engine: EngineChoice,
  withRule: number,
): Promise<Plan['policyCost']> {
  const share = scenario.policy.domesticShare;
  const pct = formatPct(share, 0);
  if (scenario.objective !== 'margin')
    return { marginWithRuleUsd: body.kpis.marginUsd, marginWithoutRuleUsd: null, costUsd: null, binds: false, explanation: 'The cost of the domestic rule is measured for the margin objective only.' };
  if (share <= 0)
    return { marginWithRuleUsd: body.kpis.marginUsd, marginWithoutRuleUsd: body.kpis.marginUsd, costUsd: 0, binds: false, explanation: 'No domestic minimum is set.' };
  const relaxed = buildModel(network, scenario, { withoutDomesticShare: true });
  const free = await solve(relaxed.model, { engine, timeLimitMs: scenario.timeLimitMs, wantSensitivity: false });
  if (free.status !== 'optimal')
    return { marginWithRuleUsd: body.kpis.marginUsd, marginWithoutRuleUsd: null, costUsd: null, binds: false, explanation: `Without the rule the model is ${free.status}; its cost is unknown.` };
  const cost = Math.max(0, free.objective - withRule);
  const binds = cost > 1e-6 * Math.max(1, Math.abs(withRule));
  return {
    marginWithRuleUsd: round2(withRule),
    marginWithoutRuleUsd: round2(free.objective),
    costUsd: binds ? round2(cost) : 0,
    binds,
    explanation: binds
      ? `Keeping ${pct} at home costs ${formatUsd(cost)} USD of margin: without the rule the plan would earn ${formatUsd(free.objective)} USD instead of ${formatUsd(withRule)} USD.`
      : `The ${pct} domestic rule costs nothing here: the best plan keeps ${formatPct(body.kpis.domesticShare)} at home anyway.`,
  };
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
  const elastic: LpModel = { name: `${model.name} (elastic)`, sense: 'min', objectiveOffset: 0, variables, rows };
  const result = await solve(elastic, { engine, timeLimitMs: scenario.timeLimitMs, wantSensitivity: false });
  if (result.status !== 'optimal') {
    return { items: [], suggestion: `The diagnosis could not finish (${result.status}); try loosening minimum volumes or the domestic share.` };
  }
  const items: ElasticItem[] = slackOf
    .map(({ row, v }) => ({ row: model.rows[row], violation: result.values[v] }))
    .filter((x) => x.violation > 1e-6)
    .sort((a, b) => b.violation - a.violation);
  const basisTonnes = basisAt(built, result.values, scenario);
  const { lines, suggestion } = explainInfeasibility(items, { network, scenario, basisTonnes });
  return {
    items: items.map((item, i) => ({ row: item.row.name, label: item.row.label, violation: Math.round(item.violation * 1000) / 1000, explanation: lines[i] })),
    suggestion,
  };
}

/** Sales or production tonnes (the policy basis) in a solution. */
function basisAt(built: BuiltModel, values: readonly number[], scenario: Scenario): number {
  const map = scenario.policy.basis === 'sales' ? built.index.sale : built.index.prod;
  let total = 0;
  for (const v of map.values()) total += values[v];
  return total;
}

/** The plan's story in a few sentences. */
function why(body: PlanBody, policyCost: Plan['policyCost'], scenario: Scenario): string[] {
  const k = body.kpis;
  const lines: string[] = [];
  lines.push(
    `The plant makes ${formatTonnes(k.productionTonnes)} (${formatPct(k.plantUtilisation, 0)} of capacity): ${formatTonnes(k.domesticTonnes)} stay in Kazakhstan and ${formatTonnes(k.exportTonnes)} are exported.`,
  );
  lines.push(
    `Domestic share ${formatPct(k.domesticShare)} against the ${formatPct(scenario.policy.domesticShare, 0)} line (basis: ${scenario.policy.basis}).`,
  );
  const served = body.markets.filter((m) => m.netbackUsdPerTonne !== null).sort((a, b) => (b.netbackUsdPerTonne ?? 0) - (a.netbackUsdPerTonne ?? 0));
  if (served.length > 0) {
    lines.push(
      `Best netbacks: ${served.slice(0, 4).map((m) => `${m.name} ${formatUsd(m.netbackUsdPerTonne!)} USD/t`).join(', ')}.`,
    );
  }
  const unserved = body.markets.filter((m) => m.tonnes === 0 && m.demandTonnes > 0);
  if (unserved.length > 0) {
    lines.push(
      `Not served: ${unserved
        .slice(0, 6)
        .map((m) => (m.priceGapUsdPerTonne !== null ? `${m.name} (needs +${formatUsd(m.priceGapUsdPerTonne)} USD/t before it is worth serving)` : m.name))
        .join(', ')}${unserved.length > 6 ? ` and ${unserved.length - 6} more` : ''}.`,
    );
  }
  if (policyCost) lines.push(policyCost.explanation);
  for (const b of body.binding.filter((b) => b.family !== 'domestic-share').slice(0, 3)) lines.push(b.explanation);
  return lines;
}

export type { EngineName };
