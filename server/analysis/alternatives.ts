/**
 * Room to negotiate: plans within a tolerance of the best margin (1 % by default).
 * With the margin held at ≥ (1 − tolerance) × best, each market's tonnes are pushed to their least
 * and their most — the range sales can promise without costing more than the tolerance — and a few
 * whole alternative plans are read back: the most domestic, the most exported, and for each market
 * the best plan can leave out, the plan that serves it most.
 *
 * One extra row, `near-optimal`, holds the margin: Σ objective coefficients · x ≥ (1 − tol) · best.
 * Every solve after the first has the same rows and sense (a least is the most of the negated sum)
 * and differs only in its costs, so it is asked as a warm start: HiGHS changes the costs of the model
 * it kept and starts from the last optimal basis (server/solver/highs.ts) instead of building and
 * solving the model again from nothing, two solves per market.
 */
import type { LpModel, LpRow, SolveResult } from '../core/lp.ts';
import { readSolution } from '../core/plan.ts';
import type { Network, Scenario } from '../core/schema.ts';
import { welfareSlackUsd, withDuals } from '../core/pipeline.ts';
import { AnalysisRefusal, prepare, round } from './common.ts';
import type { AlternativePlan, Alternatives, MarketRange } from '../core/analysis-schema.ts';

export type { AlternativePlan, Alternatives, MarketRange } from '../core/analysis-schema.ts';

/**
 * `warmStart`: the model may differ from the one solved last only in its costs, so the solver may
 * start from that one's basis (SolveOptions.warmStart). `wantSensitivity`: the row duals are wanted
 * (the clearing mode's prices).
 */
export type SolveFn = (model: LpModel, options?: { readonly warmStart?: boolean; readonly wantSensitivity?: boolean }) => Promise<SolveResult>;

/**
 * The model with its margin held at ≥ floor, for objectives over market sales: one row list for
 * every solve (so a solver can tell that only the costs change), always maximised.
 */
function floorModel(model: LpModel, floor: number): (objective: Map<number, number>, sense: 'max' | 'min') => LpModel {
  const row: LpRow = {
    name: 'near-optimal',
    family: 'near-optimal',
    label: 'margin within the tolerance of the best, USD',
    terms: model.variables.map((v, i) => ({ v: i, coef: v.cost })).filter((t) => t.coef !== 0),
    lb: floor,
    ub: Infinity,
  };
  const rows = [...model.rows, row];
  const name = `${model.name} (near-optimal)`;
  // A least is the most of the negated sum: `solveFloor` negates its objective back.
  return (objective, sense) => ({
    ...model,
    name,
    sense: 'max',
    variables: model.variables.map((v, i) => ({ ...v, cost: (sense === 'min' ? -1 : 1) * (objective.get(i) ?? 0) })),
    rows,
  });
}

/**
 * The engine of the alternatives' solves, whatever the scenario's: HiGHS holds the margin floor row
 * (the best margin less the tolerance) where javascript-lp-solver's tolerances can read a plan on
 * the floor as infeasible (at 1 % on every shipped scenario).
 */
export const ALTERNATIVES_ENGINE = 'highs';

/**
 * The floor's numerical slack below the tolerance, USD of the objective held, so that the best plan
 * itself stays above the floor. In the price-taker mode the objective is our margin: 1e-7 of it. In
 * the clearing mode it is the market's welfare, billions of USD, where 1e-7 of it would be hundreds
 * of USD, enough to move hundreds of our tonnes into markets no equilibrium serves. Valued at the
 * best plan's prices, an allocation that gives up w of welfare gives up at most w of our margin
 * (every seller's and buyer's part of an equilibrium is the best for them at its prices), so the
 * slack is a cent (1e-12 of the welfare where that is more, its rounding): at a tolerance of 0 each
 * alternative is an equilibrium up to a cent, and pays us the best plan's margin up to a cent.
 */
export function numericalSlackUsd(bestObjectiveUsd: number, clearing: boolean): number {
  return clearing ? welfareSlackUsd(bestObjectiveUsd) : 1e-7 * Math.max(1, Math.abs(bestObjectiveUsd));
}

export async function nearOptimalAlternatives(
  scenario: Scenario,
  baseNetwork: Network,
  solve: SolveFn,
  options: { tolerance?: number } = {},
): Promise<Alternatives> {
  const tolerance = options.tolerance ?? 0.01;
  if (scenario.objective !== 'margin') throw new AnalysisRefusal('near-optimal alternatives are measured for the margin objective');
  if (!(tolerance >= 0 && tolerance < 1)) throw new AnalysisRefusal('the tolerance must be between 0 and 1');
  const { network, built } = prepare(scenario, baseNetwork);
  const { model, index } = built;
  // The clearing mode's objective is the market's welfare, and our margin is valued at its clearing
  // prices, the row duals of the best plan: every alternative is valued at those same prices.
  const clearing = scenario.market === 'clearing';
  const solved = await solve(model, { wantSensitivity: clearing });
  const best = clearing ? await withDuals(model, solved, (m, request) => solve(m, { wantSensitivity: request.wantSensitivity }), scenario.timeLimitMs) : solved;
  if (best.status !== 'optimal') throw new AnalysisRefusal(`the scenario has no optimal plan (${best.status})`);
  const prices = clearing ? best.sensitivity : undefined;
  const kpisOf = (result: SolveResult & { status: 'optimal' }) => readSolution(network, scenario, built, { ...result, sensitivity: prices }).kpis;
  const bestMargin = clearing ? kpisOf(best).marginUsd : best.objective;
  // Hold the objective (our margin, or the market's welfare) within the tolerance, less a tiny
  // slack that keeps a floor equal to the best feasible (numerical: `numericalSlackUsd`).
  const floor = best.objective - tolerance * Math.abs(best.objective) - numericalSlackUsd(best.objective, clearing);

  const salesOf = (filter: (marketId: string) => boolean) => {
    const coefs = new Map<number, number>();
    for (const [k, v] of index.sale) if (filter(k.slice(0, k.indexOf('|')))) coefs.set(v, 1);
    return coefs;
  };
  const tonnesBy = (values: readonly number[]) => {
    const out = new Map<string, number>();
    for (const [k, v] of index.sale) {
      const id = k.slice(0, k.indexOf('|'));
      out.set(id, (out.get(id) ?? 0) + values[v]);
    }
    return out;
  };
  const bestTonnes = tonnesBy(best.values);

  const withFloor = floorModel(model, floor);
  // Every solve of the floor model is asked as a warm start (which picks HiGHS under 'auto'): the
  // first has rows of its own, so it builds the model; the rest change its costs only.
  const solveFloor = async (objective: Map<number, number>, sense: 'max' | 'min'): Promise<SolveResult> => {
    const result = await solve(withFloor(objective, sense), { warmStart: true });
    return result.status === 'optimal' && sense === 'min' ? { ...result, objective: -result.objective } : result;
  };

  // What the tolerance holds, in the sentences: a plan of the market's best welfare less 1 % can pay
  // us far less than 99 % of our margin at the clearing prices.
  const held = clearing ? "market's best welfare" : 'best margin';
  const markets: MarketRange[] = [];
  const plansByLabel = new Map<string, readonly number[]>();
  // Our markets: none of our tonnes can go where only competitors reach.
  for (const market of network.markets.filter((m) => !m.competitorsOnly)) {
    const own = salesOf((id) => id === market.id);
    const low = await solveFloor(own, 'min');
    const high = await solveFloor(own, 'max');
    if (low.status !== 'optimal' || high.status !== 'optimal') throw new AnalysisRefusal(`the range of ${market.name} could not be measured (${low.status}/${high.status})`);
    const planTonnes = bestTonnes.get(market.id) ?? 0;
    // Never below 0: a solver can end a hair under it (−0.0 kt).
    const minTonnes = Math.max(0, Math.min(low.objective, planTonnes));
    const maxTonnes = Math.max(high.objective, planTonnes);
    if (planTonnes <= 1 && maxTonnes > 1) plansByLabel.set(`serve ${market.name}`, high.values);
    markets.push({
      marketId: market.id,
      name: market.name,
      domestic: market.domestic,
      planTonnes: round(planTonnes, 3),
      minTonnes: round(minTonnes, 3),
      maxTonnes: round(maxTonnes, 3),
      explanation:
        maxTonnes - minTonnes <= 1
          ? `${market.name}: ${fmtKt(planTonnes)} in every plan within ${pct(tolerance)} of the ${held}.`
          : `${market.name}: anywhere from ${fmtKt(minTonnes)} to ${fmtKt(maxTonnes)} (best plan ${fmtKt(planTonnes)}) for at most ${pct(tolerance)} of the ${held}${clearing ? '; our own margin can fall by more (each plan says what it pays us)' : ''}.`,
    });
  }

  const domestic = new Set(network.markets.filter((m) => m.domestic).map((m) => m.id));
  const mostDomestic = await solveFloor(salesOf((id) => domestic.has(id)), 'max');
  const mostExport = await solveFloor(salesOf((id) => !domestic.has(id)), 'max');
  const whole: [string, SolveResult][] = [
    ['most kept at home', mostDomestic],
    ['most exported', mostExport],
    ...[...plansByLabel].map(([label, values]) => [label, { ...best, values } as SolveResult] as [string, SolveResult]),
  ];
  const plans: AlternativePlan[] = [];
  const unavailable: Alternatives['unavailable'] = [];
  for (const [label, result] of whole) {
    if (result.status !== 'optimal') {
      unavailable.push({ label, status: result.status });
      continue;
    }
    const kpis = kpisOf(result);
    const tonnes = tonnesBy(result.values);
    const changedMarkets: AlternativePlan['changedMarkets'] = {};
    for (const m of network.markets.filter((x) => !x.competitorsOnly)) {
      const a = bestTonnes.get(m.id) ?? 0;
      const b = tonnes.get(m.id) ?? 0;
      if (Math.abs(a - b) > 1) changedMarkets[m.id] = { bestTonnes: round(a, 3), tonnes: round(b, 3) };
    }
    plans.push({
      label,
      marginUsd: kpis.marginUsd,
      marginGivenUpUsd: round(bestMargin - kpis.marginUsd, 2),
      domesticTonnes: kpis.domesticTonnes,
      exportTonnes: kpis.exportTonnes,
      domesticShare: kpis.domesticShare,
      changedMarkets,
    });
  }
  return {
    tolerance,
    held: clearing ? 'welfare' : 'margin',
    bestMarginUsd: round(bestMargin, 2),
    floorMarginUsd: clearing ? null : round(floor, 2),
    bestWelfareUsd: clearing ? round(best.objective, 2) : null,
    floorWelfareUsd: clearing ? round(floor, 2) : null,
    markets,
    plans,
    unavailable,
  };
}

function fmtKt(t: number): string {
  return `${(t / 1000).toFixed(1)} kt`;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(x < 0.1 ? 1 : 0)} %`;
}
