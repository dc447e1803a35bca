/**
 * The fast path of the price-taker Monte Carlo: the model's structure is the same in every draw,
 * so it is built once. A draw copies only what its multipliers touch — sale coefficients
 * (price × (1 − dutyPct) × multiplier − specific duty: a per-tonne duty does not move with the
 * price), flow coefficients (freight × multiplier + handling + carbon) and demand-max bounds (tier
 * tonnes × multiplier) — and solves with javascript-lp-solver in the calling thread (a pool
 * worker), from the solver tableau the thread keeps for the model. Figures are read straight from
 * the values: margin = objective, tonnes from sale variables, the rule from its row's slack.
 */
import type { LpModel, LpRow, LpVariable } from '../core/lp.ts';
import { rowActivity } from '../core/lp.ts';
import { legCostUsdPerTonne } from '../core/scenario.ts';
import type { Network, Scenario } from '../core/schema.ts';
import { solveModelInProcess } from '../solver/inProcess.ts';
import { ReusableJsLpSolver } from '../solver/jsLpReusable.ts';
import { AnalysisRefusal, EPS_TONNES, prepare, ruleRowTight } from './common.ts';
import { STATUS_CODES, type DrawSpec, type DrawTable, type FastModel } from './mc-draws.ts';
import { checkMonteCarlo } from './mc-request.ts';
import { drawMultipliers, type DrawMultipliers } from './mc-sample.ts';

/**
 * Builds the fast model of an LP, margin-objective scenario. Throws a plain Error for what it cannot do.
 *
 * Markets with no demand at all in the horizon (not yet open in this phase) are taken out with
 * their sale and flow variables and their rows: no multiplier can give them demand, their
 * variables are zero in every feasible plan, and javascript-lp-solver's dense tableau grows with
 * variables × rows, so a smaller model solves markedly faster.
 */
export function buildFastModel(scenario: Scenario, baseNetwork: Network): FastModel {
  checkMonteCarlo(scenario, baseNetwork);
  if (scenario.market === 'clearing') throw new AnalysisRefusal('the fast Monte Carlo model is for the price-taker mode; clearing draws are full plans (solveClearingDraws)');
  const { network, built } = prepare(scenario, baseNetwork);
  const { index } = built;
  const full = built.model;

  // Markets that cannot sell anything: every demand-max bound is 0 and nothing is owed to them.
  const demandByMarket = new Map<string, number>();
  const owed = new Set<string>();
  for (const row of full.rows) {
    const id = row.name.split(':')[1];
    if (row.family === 'demand-max') demandByMarket.set(id, (demandByMarket.get(id) ?? 0) + Math.max(0, row.ub));
    if ((row.family === 'demand-min' || row.family === 'contract-min') && row.lb > 0) owed.add(id);
  }
  const closed = new Set(network.markets.filter((m) => (demandByMarket.get(m.id) ?? 0) <= 0 && !owed.has(m.id)).map((m) => m.id));
  const drop = new Set<number>();
  for (const id of closed) for (const v of [...(index.salesOfMarket.get(id) ?? []), ...(index.flowsOfMarket.get(id) ?? [])]) drop.add(v);
  const { model, varMap } = withoutVariables(full, drop);

  const marketIndex = new Map(network.markets.map((m, i) => [m.id, i]));
  const legById = new Map(network.legs.map((l) => [l.id, l]));
  const sales: FastModel['sales'][number][] = [];
  for (const [id, vs] of index.salesOfMarket) {
    const market = marketIndex.get(id)!;
    for (const v of vs) if (varMap[v] >= 0) sales.push({ v: varMap[v], market, cost: full.variables[v].cost, specificDuty: network.markets[market].dutyUsdPerTonne });
  }
  const flows: FastModel['flows'][number][] = [];
  for (const [id, entries] of index.flowsOfLeg) {
    const leg = legById.get(id)!;
    const freight = legCostUsdPerTonne(leg);
    for (const { v } of entries) if (varMap[v] >= 0) flows.push({ v: varMap[v], mode: leg.mode, freight, rest: -full.variables[v].cost - freight });
  }
  const demandRows: FastModel['demandRows'][number][] = [];
  const shareRows: number[] = [];
  const shareNames = new Set(index.domesticShareRows.map((r) => full.rows[r].name));
  model.rows.forEach((row, i) => {
    if (row.family === 'demand-max') demandRows.push({ row: i, market: marketIndex.get(row.name.split(':')[1])!, ub: row.ub });
    if (shareNames.has(row.name)) shareRows.push(i);
  });
  return {
    model,
    markets: network.markets.map((m) => ({ id: m.id, name: m.name, domestic: m.domestic })),
    sales,
    flows,
    demandRows,
    shareRows,
    prodVars: [...index.prod.values()].map((v) => varMap[v]),
    basis: scenario.policy.basis,
    timeLimitMs: scenario.timeLimitMs,
  };
}

/** The model without some variables (fixed at 0): their terms go, rows left empty go. */
function withoutVariables(model: LpModel, drop: ReadonlySet<number>): { model: LpModel; varMap: Int32Array } {
  const varMap = new Int32Array(model.variables.length).fill(-1);
  const variables: LpVariable[] = [];
  model.variables.forEach((v, j) => {
    if (drop.has(j)) return;
    varMap[j] = variables.length;
    variables.push(v);
  });
  const rows: LpRow[] = [];
  for (const row of model.rows) {
    const terms = row.terms.filter((t) => varMap[t.v] >= 0).map((t) => ({ v: varMap[t.v], coef: t.coef }));
    // An emptied row whose bounds admit 0 says nothing any more; one that excludes 0 stays (infeasible).
    if (terms.length === 0 && row.lb <= 0 && row.ub >= 0) continue;
    rows.push({ ...row, terms });
  }
  return { model: { ...model, variables, rows }, varMap };
}

/** The model of one draw: the base model with this draw's coefficients and demand bounds. */
export function drawModel(fast: FastModel, mult: DrawMultipliers): LpModel {
  const variables: LpVariable[] = fast.model.variables.slice();
  const rows: LpRow[] = fast.model.rows.slice();
  for (const s of fast.sales) {
    const m = mult.price[s.market];
    // Only the price part moves: (price × (1 − dutyPct)) × m − specific duty.
    if (m !== 1) variables[s.v] = { ...variables[s.v], cost: (s.cost + s.specificDuty) * m - s.specificDuty };
  }
  for (const f of fast.flows) {
    const m = mult.freight[f.mode];
    if (m !== 1) variables[f.v] = { ...variables[f.v], cost: -(f.freight * m + f.rest) };
  }
  for (const d of fast.demandRows) {
    const m = mult.demand[d.market];
    if (m !== 1) rows[d.row] = { ...rows[d.row], ub: d.ub * m };
  }
  return { ...fast.model, variables, rows };
}

const keptSolvers = new WeakMap<FastModel, ReusableJsLpSolver>();

/** The solver kept for `fast` in this thread (built on first use). */
export function reusableSolverOf(fast: FastModel): ReusableJsLpSolver {
  let kept = keptSolvers.get(fast);
  if (!kept) {
    kept = new ReusableJsLpSolver(fast.model);
    keptSolvers.set(fast, kept);
  }
  return kept;
}

/** Solves draws [from, to) in this thread into `table`, draw i at slot i − tableOffset. */
export async function runDraws(fast: FastModel, spec: DrawSpec, from: number, to: number, table: DrawTable, tableOffset = 0): Promise<void> {
  const M = fast.markets.length;
  const marketTonnes = new Float64Array(M);
  const options = { engine: 'jsLpSolver', timeLimitMs: fast.timeLimitMs } as const;
  const kept = (spec.solving ?? 'reuse') === 'reuse' ? reusableSolverOf(fast) : undefined;
  for (let i = from; i < to; i++) {
    const at = i - tableOffset;
    const mult = drawMultipliers(fast.markets, spec.uncertainties, spec.seed, i);
    const model = drawModel(fast, mult);
    const r = kept ? await kept.solve(model, options) : await solveModelInProcess(model, options);
    table.status[at] = STATUS_CODES.indexOf(r.status);
    if (r.status !== 'optimal') {
      table.margin[at] = NaN;
      table.exportTonnes[at] = NaN;
      table.domesticTonnes[at] = NaN;
      table.domesticShare[at] = NaN;
      continue;
    }
    const x = r.values;
    marketTonnes.fill(0);
    for (const s of fast.sales) marketTonnes[s.market] += x[s.v];
    let domestic = 0;
    let exported = 0;
    for (let m = 0; m < M; m++) {
      if (fast.markets[m].domestic) domestic += marketTonnes[m];
      else exported += marketTonnes[m];
      table.served[at * M + m] = marketTonnes[m] > EPS_TONNES * 1000 ? 1 : 0;
    }
    let basis = domestic + exported;
    if (fast.basis === 'production') {
      basis = 0;
      for (const v of fast.prodVars) basis += x[v];
    }
    const binds = fast.shareRows.some((row) => ruleRowTight(rowActivity(model.rows[row], x) - model.rows[row].lb, basis)) ? 1 : 0;
    // A draw whose figures are not all numbers is an error draw, never an optimal one without a margin.
    if (![r.objective, exported, domestic, basis].every(Number.isFinite)) {
      table.status[at] = STATUS_CODES.indexOf('error');
      table.served.fill(0, at * M, (at + 1) * M);
      table.margin[at] = NaN;
      table.exportTonnes[at] = NaN;
      table.domesticTonnes[at] = NaN;
      table.domesticShare[at] = NaN;
      continue;
    }
    table.margin[at] = r.objective;
    table.exportTonnes[at] = exported;
    table.domesticTonnes[at] = domestic;
    table.domesticShare[at] = basis > EPS_TONNES ? domestic / basis : 0;
    table.ruleBinds[at] = binds;
  }
}
