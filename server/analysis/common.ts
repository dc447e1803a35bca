/**
 * What every analysis shares: the scenario's effective network and model (built the way the
 * pipeline builds them), a model solve in this thread, and the few plan figures read straight from
 * solver values (margin, domestic / export tonnes, share, whether the 50 % rule binds, which
 * markets are served, the plan's structure).
 */
import { buildModel, type BuiltModel } from '../core/model.ts';
import { rowActivity, type LpModel, type SolveResult } from '../core/lp.ts';
import { yearOfKey } from '../core/families/context.ts';
import { networkForScenario } from '../core/pipeline.ts';
import { checkScenario, type Problem } from '../core/consistency.ts';
import type { Network, Scenario } from '../core/schema.ts';
import type { Plan } from '../core/plan-schema.ts';
import { solveModelInProcess } from '../solver/inProcess.ts';
import type { EngineRequest } from '../solver/choose.ts';

/** Tonnes below this are zero. */
export const EPS_TONNES = 1e-6;

/** Thrown when a scenario cannot be a model (unknown ids, too large): every problem listed. */
export class ScenarioProblemsError extends Error {
  readonly problems: readonly Problem[];
  constructor(problems: readonly Problem[]) {
    super(`The scenario cannot be a model: ${problems.map((p) => `${p.path.join('.')}: ${p.message}`).join('; ')}`);
    this.name = 'ScenarioProblemsError';
    this.problems = problems;
  }
}

/** A request the analysis cannot answer, for a reason the caller can act on (a 422 with this message). */
export class AnalysisRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AnalysisRefusal';
  }
}

export interface Prepared {
  /** Overrides applied, distances resolved: what the model sees. */
  readonly network: Network;
  readonly built: BuiltModel;
}

/** Refuses a scenario that cannot be a model (ScenarioProblemsError) without building it. */
export function checkOnly(scenario: Scenario, baseNetwork: Network): void {
  const problems = checkScenario(scenario, networkForScenario(scenario, baseNetwork));
  if (problems.length > 0) throw new ScenarioProblemsError(problems);
}

/**
 * The effective network and the model of a scenario, as the pipeline builds them. `shouldStop`: the
 * build ends between its steps with ModelBuildStopped once it answers true (a deadline passed).
 */
export function prepare(scenario: Scenario, baseNetwork: Network, build: { readonly shouldStop?: () => boolean } = {}): Prepared {
  const network = networkForScenario(scenario, baseNetwork);
  const problems = checkScenario(scenario, network);
  if (problems.length > 0) throw new ScenarioProblemsError(problems);
  return { network, built: buildModel(network, scenario, build.shouldStop ? { shouldStop: build.shouldStop } : {}) };
}

/** Solve in this thread (no worker): analyses run many small solves, or run inside a worker already. */
export function solveHere(
  model: LpModel,
  engine: EngineRequest,
  options: { wantSensitivity?: boolean; timeLimitMs?: number; warmStart?: boolean } = {},
): Promise<SolveResult> {
  return solveModelInProcess(model, {
    engine,
    timeLimitMs: options.timeLimitMs ?? 30_000,
    wantSensitivity: options.wantSensitivity ?? false,
    ...(options.warmStart ? { warmStart: true } : {}),
  });
}

export interface VolumeFigures {
  readonly domesticTonnes: number;
  readonly exportTonnes: number;
  /** Domestic tonnes over the policy basis (sales or production); 0 when nothing moves. */
  readonly domesticShare: number;
  /** The domestic-share row is tight (within 1e-6 of the line, relative to the basis tonnes); in a run of years, in some year. */
  readonly ruleBinds: boolean;
  /** The lowest of the years' domestic shares (the rule holds in each year); the share itself for a plan of one year. */
  readonly lowestYearShare: number;
}

/** Domestic / export tonnes, share and whether the rule binds, from solver values. */
export function volumeFigures(network: Network, scenario: Scenario, built: BuiltModel, values: readonly number[]): VolumeFigures {
  const { index, model } = built;
  let domesticTonnes = 0;
  let exportTonnes = 0;
  const domestic = new Map(network.markets.map((m) => [m.id, m.domestic]));
  const byYear = new Map<number, { domestic: number; basis: number }>();
  const year = (y: number) => byYear.get(y) ?? byYear.set(y, { domestic: 0, basis: 0 }).get(y)!;
  for (const [k, v] of index.sale) {
    const marketId = k.slice(0, k.indexOf('|'));
    const inYear = year(yearOfKey(index, k));
    if (domestic.get(marketId)) {
      domesticTonnes += values[v];
      inYear.domestic += values[v];
    } else exportTonnes += values[v];
    if (scenario.policy.basis === 'sales') inYear.basis += values[v];
  }
  let basis = domesticTonnes + exportTonnes;
  if (scenario.policy.basis === 'production') {
    basis = 0;
    for (const [k, v] of index.prod) {
      basis += values[v];
      year(yearOfKey(index, k)).basis += values[v];
    }
  }
  const yearShares = [...byYear.values()].filter((y) => y.basis > EPS_TONNES).map((y) => y.domestic / y.basis);
  const domesticShare = basis > EPS_TONNES ? domesticTonnes / basis : 0;
  const ruleBinds = index.domesticShareRows.some((r) => ruleRowTight(rowActivity(model.rows[r], values) - model.rows[r].lb, basis));
  const lowestYearShare = yearShares.length > 0 ? Math.min(...yearShares) : domesticShare;
  return { domesticTonnes, exportTonnes, domesticShare, ruleBinds, lowestYearShare };
}

/**
 * Whether a domestic-share row is tight: its slack (that year's domestic tonnes − share × its basis
 * tonnes) within 1e-6 of the line, relative to the plan's basis tonnes over the horizon. The one test
 * of "the rule binds" of every analysis: the rule holds in each year (`domestic-share:{year}`), so it
 * binds when any year's row is tight, not when the horizon's share sits on the line.
 */
export function ruleRowTight(slackTonnes: number, basisTonnes: number): boolean {
  return basisTonnes > EPS_TONNES && slackTonnes <= 1e-6 * Math.max(1, basisTonnes);
}

/**
 * Whether the domestic rule binds in a plan, read from its tonnes per period (the clearing mode's
 * analyses get plans, not solver values): each year's row rebuilt from our sales per market (and
 * production per plant, on that basis) in that year's periods, then `ruleRowTight`.
 */
export function planRuleBinds(plan: Pick<Plan, 'horizon' | 'markets' | 'plants'>, policy: Scenario['policy']): boolean {
  const share = policy.domesticShare;
  if (!(share > 0)) return false;
  // Period labels start with their year ("2027", "2027-03").
  const yearOf = plan.horizon.periods.map((label) => label.slice(0, 4));
  const byYear = new Map<string, { domestic: number; basis: number }>();
  const year = (t: number) => byYear.get(yearOf[t]!) ?? byYear.set(yearOf[t]!, { domestic: 0, basis: 0 }).get(yearOf[t]!)!;
  for (const m of plan.markets) {
    m.tonnesByPeriod.forEach((tonnes, t) => {
      if (m.domestic) year(t).domestic += tonnes;
      if (policy.basis === 'sales') year(t).basis += tonnes;
    });
  }
  if (policy.basis === 'production') {
    for (const p of plan.plants) {
      p.tonnesByPeriod.forEach((tonnes, t) => {
        year(t).basis += tonnes;
      });
    }
  }
  const basis = [...byYear.values()].reduce((s, y) => s + y.basis, 0);
  return [...byYear.values()].some((y) => ruleRowTight(y.domestic - share * y.basis, basis));
}

/** Tonnes sold per market (all tiers, all periods). */
export function marketTonnes(built: BuiltModel, values: readonly number[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of built.index.sale) {
    const marketId = k.slice(0, k.indexOf('|'));
    out.set(marketId, (out.get(marketId) ?? 0) + values[v]);
  }
  return out;
}

/**
 * The plan's structure: which sale tiers and flows carry cement, and which rows are tight.
 * Two solutions with the same structure use the same optimal basis (when it is not degenerate).
 */
export function structureOf(model: LpModel, values: readonly number[], relTol = 1e-7): string {
  const parts: string[] = [];
  model.variables.forEach((v, j) => {
    if (!v.name.startsWith('sale:') && !v.name.startsWith('flow:') && !v.name.startsWith('prod:')) return;
    if (values[j] > STRUCTURE_EPS_TONNES) parts.push(v.name);
  });
  model.rows.forEach((row) => {
    if (!['capacity', 'leg', 'node', 'demand-max', 'domestic-share', 'export-cap', 'demand-min'].includes(row.family)) return;
    const a = rowActivity(row, values);
    const scale = Math.max(1, Math.abs(row.ub), Math.abs(row.lb === -Infinity ? 0 : row.lb), Math.abs(a));
    const tightUp = Number.isFinite(row.ub) && a >= row.ub - relTol * scale;
    const tightDown = Number.isFinite(row.lb) && a <= row.lb + relTol * scale;
    if (tightUp || tightDown) parts.push(`=${row.name}`);
  });
  return parts.join(',');
}

/** A variable carries cement in a structure when above this (a kilogram): solver noise sits far below. */
export const STRUCTURE_EPS_TONNES = 1e-3;

export function round(x: number, digits = 6): number {
  const f = 10 ** digits;
  const r = Math.round(x * f) / f;
  return Object.is(r, -0) ? 0 : r;
}
