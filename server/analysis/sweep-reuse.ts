/**
 * Sweep points that reuse one model: consecutive points of a sweep whose parameter changes only
 * costs and bounds (never a matrix coefficient) share their rows' terms, so each point is solved
 * from what the solver kept of the first: javascript-lp-solver's starting tableau (the same pivots,
 * so the same point as a fresh solve); with HiGHS the plan's solve stays a fresh one (as a full
 * plan's, so the same vertex) and the rule's re-solve starts from its basis. Only the figures a
 * sweep row reports are read: the key figures (read as a plan reads them) and the rule's cost from
 * the two objectives, with no second solve where the rule's rows have slack (the rule then costs
 * nothing, as that solve would find). What a full `optimise` of a point does besides (exact price
 * gaps, the rest of the plan's read-out, the reasons, the inputs hash) is skipped.
 *
 * Each point's costs and bounds come from the point's own model, built as the pipeline builds it,
 * so they are exactly the full plan's; a point whose rows differ in structure or terms from the
 * base's starts a new base. A point this cannot answer exactly (not optimal, integer variables, a
 * scenario with problems) gives null: the caller runs the full `optimise` for it.
 */
import { rowActivity, type LpModel, type SolveResult } from '../core/lp.ts';
import { ModelBuildStopped, type BuiltModel } from '../core/model.ts';
import { ruleCostOf, withoutDomesticRule } from '../core/pipeline.ts';
import { readKpisOnly } from '../core/plan.ts';
import type { Kpis } from '../core/plan-schema.ts';
import type { EngineChoice, Network, Scenario } from '../core/schema.ts';
import { chooseEngine } from '../solver/choose.ts';
import { solveModelInProcess } from '../solver/inProcess.ts';
import { ReusableJsLpSolver } from '../solver/jsLpReusable.ts';
import { prepare, ScenarioProblemsError } from './common.ts';

/** Swept parameters that change only costs and bounds of the price-taker model. */
export const REUSABLE_SWEEP_PARAMETERS: ReadonlySet<string> = new Set([
  'exportPriceMultiplier',
  'freightMultiplier',
  'fxKztPerUsd',
  'fxPerUsd',
  'nodeThroughput',
  'wagons',
]);

/** The figures of a sweep row a reused solve gives (those of the full plan of the point). */
export interface ReusedPointFigures {
  readonly status: 'optimal';
  readonly kpis: Kpis;
  readonly policyCost: { readonly binds: boolean; readonly costUsd: number };
}

/** Whether a sweep of this scenario and these parameters can reuse its model across points. */
export function canReuseSweepModel(scenario: Scenario, parameters: readonly string[]): boolean {
  return scenario.market !== 'clearing' && scenario.objective === 'margin' && parameters.every((p) => REUSABLE_SWEEP_PARAMETERS.has(p));
}

/** The same rows (names, terms), variables (count, kinds) and sense: only costs and bounds may differ. */
export function sameMatrix(a: LpModel, b: LpModel): boolean {
  if (a.sense !== b.sense || a.variables.length !== b.variables.length || a.rows.length !== b.rows.length) return false;
  for (let j = 0; j < a.variables.length; j++) if (a.variables[j]!.kind !== b.variables[j]!.kind || a.variables[j]!.name !== b.variables[j]!.name) return false;
  for (let i = 0; i < a.rows.length; i++) {
    const x = a.rows[i]!;
    const y = b.rows[i]!;
    if (x.name !== y.name || x.terms.length !== y.terms.length) return false;
    for (let k = 0; k < x.terms.length; k++) if (x.terms[k]!.v !== y.terms[k]!.v || x.terms[k]!.coef !== y.terms[k]!.coef) return false;
  }
  return true;
}

/** A domestic-share row further than this from its bounds has slack, t (solver noise sits far below). */
export const RULE_SLACK_TONNES = 1e-3;

/** Every domestic-share row of the solved point is off its bounds by more than RULE_SLACK_TONNES. */
function ruleHasSlack(built: BuiltModel, values: readonly number[]): boolean {
  return built.index.domesticShareRows.every((r) => {
    const row = built.model.rows[r]!;
    const activity = rowActivity(row, values);
    return activity > row.lb + RULE_SLACK_TONNES && activity < row.ub - RULE_SLACK_TONNES;
  });
}

/** The first point's model and javascript-lp-solver's kept tableaux of it (made on first use: a HiGHS sweep needs none). */
class Base {
  readonly model: LpModel;
  readonly #relaxed: LpModel;
  #plan: ReusableJsLpSolver | null = null;
  #rule: ReusableJsLpSolver | null = null;
  constructor(built: BuiltModel) {
    this.model = built.model;
    this.#relaxed = withoutDomesticRule(built);
  }
  get plan(): ReusableJsLpSolver {
    this.#plan ??= new ReusableJsLpSolver(this.model);
    return this.#plan;
  }
  get rule(): ReusableJsLpSolver {
    this.#rule ??= new ReusableJsLpSolver(this.#relaxed);
    return this.#rule;
  }
}

/** Solves sweep points one after another in this thread, reusing the model of the first. */
export class SweepModelReuse {
  readonly #baseNetwork: Network;
  readonly #engine: EngineChoice | undefined;
  #base: Base | null = null;
  /** Points solved from the kept model, points that started a new base, points whose rule had slack. */
  readonly counts = { reused: 0, based: 0, ruleSolvesSkipped: 0 };

  /** `engine` overrides the scenarios' engine choice, as `optimise`'s option does. */
  constructor(baseNetwork: Network, engine?: EngineChoice) {
    this.#baseNetwork = baseNetwork;
    this.#engine = engine;
  }

  /**
   * The row figures of one point, or null when only a full `optimise` gives them exactly. Its work
   * ends by `deadline` (epoch ms; default: the point's time limit from now) as a plan's does: the
   * build stops between its steps and each solve gets what is left; a point out of time gives null,
   * and the caller's full plan, given the same deadline, comes back `timedout` at once.
   */
  async solvePoint(scenario: Scenario, deadline = Date.now() + scenario.timeLimitMs): Promise<ReusedPointFigures | null> {
    const left = () => deadline - Date.now();
    let network: Network;
    let built: BuiltModel;
    try {
      ({ network, built } = prepare(scenario, this.#baseNetwork, { shouldStop: () => left() <= 0 }));
    } catch (e) {
      if (e instanceof ScenarioProblemsError || e instanceof ModelBuildStopped) return null;
      throw e;
    }
    if (left() <= 0) return null;
    if (built.model.variables.some((v) => v.kind !== 'continuous')) return null;
    const base = this.#baseFor(built);
    // The base's terms arrays: the kept solvers see the same rows with other bounds.
    const model: LpModel = base.model === built.model ? built.model : { ...built.model, rows: built.model.rows.map((row, i) => ({ ...row, terms: base.model.rows[i]!.terms })) };
    const point: BuiltModel = { ...built, model };
    const engine = this.#engine ?? scenario.engine;
    const options = { timeLimitMs: left(), wantSensitivity: false } as const;

    // The plan's solve, on the engine the pipeline picks; a fresh HiGHS solve, as the pipeline's.
    const planEngine = chooseEngine(model, { engine, wantSensitivity: false }).engine;
    const solved = planEngine === 'jsLpSolver' ? await base.plan.solve(model, options) : await solveModelInProcess(model, { ...options, engine: 'highs' });
    if (solved.status !== 'optimal' || left() <= 0) return null;
    const kpis = readKpisOnly(network, scenario, point, solved);
    if (scenario.policy.domesticShare <= 0) return { status: 'optimal', kpis, policyCost: { binds: false, costUsd: 0 } };

    // A rule that is not on its line costs nothing: without it the plan stays optimal (an LP's
    // optimum with a slack row left out is still one), so the second solve would find the same margin.
    if (ruleHasSlack(point, solved.values)) {
      this.counts.ruleSolvesSkipped++;
      return { status: 'optimal', kpis, policyCost: { binds: false, costUsd: 0 } };
    }
    // The rule's second solve, as the pipeline makes it: HiGHS starts from the plan's basis.
    const relaxed = withoutDomesticRule(point);
    const ruleEngine = chooseEngine(relaxed, { engine: solved.stats.engine === 'highs' ? 'highs' : engine, wantSensitivity: false }).engine;
    const ruleOptions = { ...options, timeLimitMs: left() };
    const free: SolveResult =
      ruleEngine === 'jsLpSolver' ? await base.rule.solve(relaxed, ruleOptions) : await solveModelInProcess(relaxed, { ...ruleOptions, engine: 'highs', warmStart: true });
    if (free.status !== 'optimal') return null;
    const { binds, costUsd } = ruleCostOf(solved.objective, free.objective);
    return { status: 'optimal', kpis, policyCost: { binds, costUsd } };
  }

  #baseFor(built: BuiltModel): Base {
    if (this.#base && sameMatrix(this.#base.model, built.model)) {
      this.counts.reused++;
      return this.#base;
    }
    this.counts.based++;
    this.#base = new Base(built);
    return this.#base;
  }
}
