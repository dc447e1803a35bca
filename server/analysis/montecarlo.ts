/**
 * Monte Carlo: the plan under uncertain prices, freight and demand. Each draw samples multipliers
 * (1 = as in the scenario) from the given distributions and re-optimises; the output is the
 * distribution of margin, export volume and domestic share, how often the 50 % rule binds, and
 * which markets are served in (almost) every draw.
 *
 * Fast path: the model's structure is the same in every draw, so it is built once. A draw copies
 * only what its multipliers touch — sale coefficients (price × (1 − dutyPct) × multiplier − specific
 * duty: a per-tonne duty does not move with the price), flow coefficients
 * (freight × multiplier + handling + carbon) and demand-max bounds (tier tonnes × multiplier) — and
 * solves with javascript-lp-solver in the calling thread (a pool worker). Figures are read straight
 * from the values: margin = objective, tonnes from sale variables, the rule from its row's slack.
 * `drawScenario` gives the same draw as a scenario with overrides, for a full `optimise`.
 *
 * Reproducible: draw i's random numbers come from mulberry32 seeded with (seed, i) only, and every
 * figure is aggregated in draw order, so the result does not depend on how draws are split across
 * workers.
 */
import { z } from 'zod';
import type { LpModel, LpRow, LpVariable } from '../core/lp.ts';
import { rowActivity } from '../core/lp.ts';
import { legCostUsdPerTonne } from '../core/scenario.ts';
import { type Mode, type Network, Scenario } from '../core/schema.ts';
import type { Currency } from '../core/market-schema.ts';
import { solveModelInProcess } from '../solver/inProcess.ts';
import { ReusableJsLpSolver } from '../solver/jsLpReusable.ts';
import { mulberry32 } from '../solver/generate.ts';
import { AnalysisRefusal, checkOnly, EPS_TONNES, prepare, round, ScenarioProblemsError } from './common.ts';
import { CancelledError, emptyTable, STATUS_CODES, Uncertainty, type Distribution, type DrawSolving, type DrawSpec, type DrawTable, type FastModel } from './mc-draws.ts';

export * from './mc-draws.ts';

export const MonteCarloRequest = z
  .object({
    scenario: Scenario,
    draws: z.number().int().min(1).max(200_000).default(1000),
    seed: z.number().int().min(0).max(2 ** 32 - 1).default(1),
    uncertainties: z.array(Uncertainty).max(200).default([]),
    histogramBins: z.number().int().min(1).max(200).default(20),
    /** Share of draws in which a market must be served to count as robust. */
    robustThreshold: z.number().min(0).max(1).default(0.9),
  })
  .strict();
export type MonteCarloRequest = z.infer<typeof MonteCarloRequest>;
export type MonteCarloRequestInput = z.input<typeof MonteCarloRequest>;

/** What buildFastModel refuses, found without building the model (AnalysisRefusal, ScenarioProblemsError). */
export function checkMonteCarlo(scenario: Scenario, baseNetwork: Network, uncertainties: readonly Uncertainty[] = []): void {
  if (scenario.objective !== 'margin') throw new AnalysisRefusal('Monte Carlo runs on the margin objective only');
  for (const u of uncertainties) {
    if ((u.parameter === 'supplierCost' || u.parameter === 'supplierCapacity' || u.parameter === 'fx') && scenario.market !== 'clearing')
      throw new AnalysisRefusal(`${u.parameter} is uncertain only in the market-clearing mode: set "market": "clearing"`);
    if (u.supplier !== undefined && !(scenario.network ?? baseNetwork).suppliers.some((s) => s.id === u.supplier)) throw new AnalysisRefusal(`unknown supplier "${u.supplier}"`);
  }
  if (scenario.mip.contracts || scenario.mip.seaLots) throw new AnalysisRefusal('Monte Carlo runs on linear plans only: switch off contracts and sea lots');
  checkOnly(scenario, baseNetwork);
}

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
  const marketOf = (k: string) => k.slice(0, k.indexOf('|'));

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
  for (const [k, v] of index.sale) if (closed.has(marketOf(k))) drop.add(v);
  for (const [k, v] of index.flow) if (closed.has(k.split('|')[1])) drop.add(v);
  const { model, varMap } = withoutVariables(full, drop);

  const marketIndex = new Map(network.markets.map((m, i) => [m.id, i]));
  const legById = new Map(network.legs.map((l) => [l.id, l]));
  const sales: FastModel['sales'][number][] = [];
  for (const [k, v] of index.sale) {
    if (varMap[v] < 0) continue;
    const market = marketIndex.get(marketOf(k))!;
    sales.push({ v: varMap[v], market, cost: full.variables[v].cost, specificDuty: network.markets[market].dutyUsdPerTonne });
  }
  const flows: FastModel['flows'][number][] = [];
  for (const [k, v] of index.flow) {
    if (varMap[v] < 0) continue;
    const leg = legById.get(marketOf(k))!;
    const freight = legCostUsdPerTonne(leg);
    flows.push({ v: varMap[v], mode: leg.mode, freight, rest: -full.variables[v].cost - freight });
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

/** Seed of draw `i`: mixes the run's seed and the draw index (no dependence on other draws). */
export function drawSeed(seed: number, drawIndex: number): number {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul((drawIndex + 0x632be5ab) >>> 0, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** One value from a distribution. */
export function sample(d: Distribution, rnd: () => number): number {
  switch (d.type) {
    case 'uniform':
      return d.min + (d.max - d.min) * rnd();
    case 'triangular': {
      const { min, mode, max } = d;
      if (max === min) return min;
      const u = rnd();
      const f = (mode - min) / (max - min);
      return u < f ? min + Math.sqrt(u * (max - min) * (mode - min)) : max - Math.sqrt((1 - u) * (max - min) * (max - mode));
    }
    case 'empirical':
      return d.values[Math.min(d.values.length - 1, Math.floor(rnd() * d.values.length))];
    case 'normal': {
      if (d.sd === 0) return d.mean;
      // Box–Muller, redrawn while negative (truncated at 0); gives up at 0 after many tries.
      for (let tries = 0; tries < 1000; tries++) {
        const u1 = 1 - rnd();
        const u2 = rnd();
        const x = d.mean + d.sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
        if (x >= 0) return x;
      }
      return 0;
    }
  }
}

export interface DrawMultipliers {
  /** Per market (network order). */
  readonly price: number[];
  readonly demand: number[];
  /** Per mode. */
  readonly freight: Record<Mode, number>;
  /** Per competitor (network order): cash cost and capacity multipliers. */
  readonly supplierCost: number[];
  readonly supplierCapacity: number[];
  /** Exchange-rate multipliers per currency. */
  readonly fx: Partial<Record<Currency, number>>;
}

/** The multipliers of draw `i`. Uncertainties are sampled in the order given. */
export function drawMultipliers(
  markets: readonly { readonly id: string; readonly domestic: boolean }[],
  uncertainties: readonly Uncertainty[],
  seed: number,
  drawIndex: number,
  suppliers: readonly { readonly id: string }[] = [],
): DrawMultipliers {
  const rnd = mulberry32(drawSeed(seed, drawIndex));
  const price = markets.map(() => 1);
  const demand = markets.map(() => 1);
  const freight: Record<Mode, number> = { rail: 1, road: 1, sea: 1 };
  const supplierCost = suppliers.map(() => 1);
  const supplierCapacity = suppliers.map(() => 1);
  const fx: Partial<Record<Currency, number>> = {};
  const applies = (u: Uncertainty, m: { id: string; domestic: boolean }) =>
    u.market !== undefined ? u.market === m.id : u.group === 'all' || (u.group === 'export') === !m.domestic;
  for (const u of uncertainties) {
    const x = sample(u.distribution, rnd);
    if (u.parameter === 'freight') {
      for (const mode of ['rail', 'road', 'sea'] as const) if (u.mode === undefined || u.mode === mode) freight[mode] *= x;
      continue;
    }
    if (u.parameter === 'fx') {
      fx[u.currency!] = (fx[u.currency!] ?? 1) * x;
      continue;
    }
    if (u.parameter === 'supplierCost' || u.parameter === 'supplierCapacity') {
      const target = u.parameter === 'supplierCost' ? supplierCost : supplierCapacity;
      suppliers.forEach((s, i) => {
        if (u.supplier === undefined || u.supplier === s.id) target[i] *= x;
      });
      continue;
    }
    const target = u.parameter === 'price' ? price : demand;
    markets.forEach((m, i) => {
      if (applies(u, m)) target[i] *= x;
    });
  }
  return { price, demand, freight, supplierCost, supplierCapacity, fx };
}

/** Draw `i` as a scenario with overrides: what a full `optimise` of the same draw solves. */
export function drawScenario(request: MonteCarloRequest, network: Network, drawIndex: number): Scenario {
  const { scenario } = request;
  const mult = drawMultipliers(network.markets, request.uncertainties, request.seed, drawIndex, network.suppliers);
  const o = scenario.overrides;
  const markets = { ...o.markets };
  network.markets.forEach((m, i) => {
    if (mult.price[i] === 1 && mult.demand[i] === 1) return;
    const mo = markets[m.id] ?? {};
    markets[m.id] = {
      ...mo,
      priceMultiplier: (mo.priceMultiplier ?? 1) * mult.price[i],
      demandMultiplier: (mo.demandMultiplier ?? 1) * mult.demand[i],
    };
  });
  const byMode = { ...o.freightMultiplierByMode };
  for (const mode of ['rail', 'road', 'sea'] as const) if (mult.freight[mode] !== 1) byMode[mode] = (byMode[mode] ?? 1) * mult.freight[mode];
  const suppliers = { ...o.suppliers };
  network.suppliers.forEach((sup, i) => {
    if (mult.supplierCost[i] === 1 && mult.supplierCapacity[i] === 1) return;
    const so = suppliers[sup.id] ?? {};
    suppliers[sup.id] = { ...so, cashCostMultiplier: (so.cashCostMultiplier ?? 1) * mult.supplierCost[i], capacityMultiplier: (so.capacityMultiplier ?? 1) * mult.supplierCapacity[i] };
  });
  const fxPerUsd = { ...o.fxPerUsd };
  for (const [currency, x] of Object.entries(mult.fx) as [Currency, number][]) {
    // The drawn multiplier scales the rate of every year the network (or the scenario) gives.
    const given = o.fxPerUsd[currency];
    const byYear = typeof given === 'number' ? { '2027': given } : { ...(network.fxPerUsd[currency] ?? {}), ...(given ?? {}) };
    fxPerUsd[currency] = typeof given === 'number' ? given * x : Object.fromEntries(Object.entries(byYear).map(([y, r]) => [y, r * x]));
  }
  return { ...scenario, overrides: { ...o, markets, freightMultiplierByMode: byMode, suppliers, fxPerUsd } };
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
    let binds = 0;
    for (const row of fast.shareRows) {
      const slack = rowActivity(model.rows[row], x) - model.rows[row].lb;
      if (basis > EPS_TONNES && slack <= 1e-6 * Math.max(1, basis)) binds = 1;
    }
    table.margin[at] = r.objective;
    table.exportTonnes[at] = exported;
    table.domesticTonnes[at] = domestic;
    table.domesticShare[at] = basis > EPS_TONNES ? domestic / basis : 0;
    table.ruleBinds[at] = binds;
  }
}

export interface Summary {
  readonly mean: number | null;
  readonly p5: number | null;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly min: number | null;
  readonly max: number | null;
  readonly histogram: { readonly from: number; readonly to: number; readonly count: number }[];
}

export interface MonteCarloResult {
  readonly scenarioName: string;
  readonly seed: number;
  readonly draws: number;
  readonly optimalDraws: number;
  readonly statusCounts: Record<(typeof STATUS_CODES)[number], number>;
  readonly marginUsd: Summary;
  readonly exportTonnes: Summary;
  readonly domesticShare: Summary;
  /** Share of optimal draws in which the domestic-share rule binds (slack within 1e-6 of the line). */
  readonly ruleBindsProbability: number | null;
  readonly markets: { readonly id: string; readonly name: string; readonly domestic: boolean; readonly servedShare: number; readonly robust: boolean }[];
  /** Markets served in at least `robustThreshold` of the optimal draws. */
  readonly robustMarkets: string[];
  readonly robustThreshold: number;
}

/** p-th percentile (0..1) of sorted values, linear between ranks. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 1) return sorted[0];
  const pos = p * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function summarise(values: ArrayLike<number>, bins: number, digits = 2): Summary {
  const xs: number[] = [];
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) xs.push(values[i]);
  if (xs.length === 0) return { mean: null, p5: null, p50: null, p95: null, min: null, max: null, histogram: [] };
  let total = 0;
  for (const x of xs) total += x; // draw order: independent of the worker split
  const sorted = Float64Array.from(xs).sort();
  const min = sorted[0];
  const max = sorted[sorted.length - 1];
  const width = (max - min) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const x of xs) counts[width > 0 ? Math.min(bins - 1, Math.floor((x - min) / width)) : 0]++;
  const histogram = width > 0 ? counts.map((count, b) => ({ from: round(min + b * width, digits), to: round(min + (b + 1) * width, digits), count })) : [{ from: round(min, digits), to: round(max, digits), count: xs.length }];
  return {
    mean: round(total / xs.length, digits),
    p5: round(percentile(sorted, 0.05), digits),
    p50: round(percentile(sorted, 0.5), digits),
    p95: round(percentile(sorted, 0.95), digits),
    min: round(min, digits),
    max: round(max, digits),
    histogram,
  };
}

/** From per-draw figures to the result. */
export function summariseTable(fast: Pick<FastModel, 'markets'>, request: Pick<MonteCarloRequest, 'seed' | 'histogramBins' | 'robustThreshold'> & { scenarioName: string }, table: DrawTable): MonteCarloResult {
  const draws = table.margin.length;
  const M = fast.markets.length;
  const statusCounts = Object.fromEntries(STATUS_CODES.map((s) => [s, 0])) as Record<(typeof STATUS_CODES)[number], number>;
  for (let i = 0; i < draws; i++) statusCounts[STATUS_CODES[table.status[i]]]++;
  const optimal = statusCounts.optimal;
  let binds = 0;
  const servedCount = new Array<number>(M).fill(0);
  for (let i = 0; i < draws; i++) {
    if (table.status[i] !== 0) continue;
    binds += table.ruleBinds[i];
    for (let m = 0; m < M; m++) servedCount[m] += table.served[i * M + m];
  }
  const markets = fast.markets.map((m, i) => {
    const servedShare = optimal > 0 ? servedCount[i] / optimal : 0;
    return { id: m.id, name: m.name, domestic: m.domestic, servedShare: round(servedShare, 6), robust: optimal > 0 && servedShare >= request.robustThreshold };
  });
  return {
    scenarioName: request.scenarioName,
    seed: request.seed,
    draws,
    optimalDraws: optimal,
    statusCounts,
    marginUsd: summarise(table.margin, request.histogramBins, 2),
    exportTonnes: summarise(table.exportTonnes, request.histogramBins, 3),
    domesticShare: summarise(table.domesticShare, request.histogramBins, 6),
    ruleBindsProbability: optimal > 0 ? round(binds / optimal, 6) : null,
    markets,
    robustMarkets: markets.filter((m) => m.robust).map((m) => m.id),
    robustThreshold: request.robustThreshold,
  };
}

export interface MonteCarloOptions {
  /** Worker threads; 0 = solve in this thread. Default: every core. */
  readonly workers?: number;
  readonly onProgress?: (done: number, total: number) => void;
  readonly signal?: AbortSignal;
  /** Draws per message to a worker (default 50). */
  readonly chunkSize?: number;
  /** How each draw is solved (default `reuse`; benchmarks compare with `rebuild`). */
  readonly solving?: DrawSolving;
}

export interface MonteCarloRun {
  readonly result: MonteCarloResult;
  readonly timing: { readonly workers: number; readonly elapsedMs: number; readonly drawsPerSecond: number };
}

async function fastModelInPool(scenario: Scenario, network: Network, signal?: AbortSignal): Promise<FastModel> {
  const { runTask } = await import('../pool/pool.ts');
  const r = await runTask('analysis', { kind: 'fast-model', scenario, network }, { signal }).catch((e: unknown) => {
    throw signal?.aborted ? new CancelledError() : e;
  });
  if (r.ok) return r.value as FastModel;
  if (r.problems) throw new ScenarioProblemsError(r.problems);
  throw new AnalysisRefusal(r.refusal);
}

/** The markets of a market-clearing run's table: every market of the network, in its order. */
export function clearingTableMarkets(request: MonteCarloRequest, network: Network): FastModel['markets'] {
  return (request.scenario.network ?? network).markets.map((m) => ({ id: m.id, name: m.name, domestic: m.domestic }));
}

/**
 * Draws [from, to) of a market-clearing run into `table` (draw i at slot i − tableOffset): each draw
 * is a full plan of its drawn scenario (prices are duals, so the fast model's margin, which would be
 * the welfare, does not serve), a few at a time through the CPU pool (`inProcess`: in this thread).
 */
export async function solveClearingDraws(
  request: MonteCarloRequest,
  network: Network,
  from: number,
  to: number,
  table: DrawTable,
  tableOffset = 0,
  options: { readonly signal?: AbortSignal; readonly concurrency?: number; readonly inProcess?: boolean; readonly onProgress?: (done: number) => void } = {},
): Promise<void> {
  const net = request.scenario.network ?? network;
  const { optimise } = await import('../optimise.ts');
  const M = net.markets.length;
  const share = request.scenario.policy.domesticShare;
  let next = from;
  let done = 0;
  const worker = async () => {
    while (next < to) {
      if (options.signal?.aborted) return;
      const i = next++;
      const at = i - tableOffset;
      const plan = await optimise(drawScenario(request, net, i), net, {
        ranges: false,
        competitorImpact: false,
        policyCost: false,
        exactPriceGaps: false,
        signal: options.signal,
        inProcess: options.inProcess,
      });
      table.status[at] = STATUS_CODES.indexOf(plan.status);
      const k = plan.kpis;
      if (plan.status !== 'optimal' || !k) {
        table.margin[at] = NaN;
        table.exportTonnes[at] = NaN;
        table.domesticTonnes[at] = NaN;
        table.domesticShare[at] = NaN;
      } else {
        table.margin[at] = k.marginUsd;
        table.exportTonnes[at] = k.exportTonnes;
        table.domesticTonnes[at] = k.domesticTonnes;
        table.domesticShare[at] = k.domesticShare;
        table.ruleBinds[at] = share > 0 && k.domesticShare <= share + 1e-6 && k.domesticTonnes + k.exportTonnes > EPS_TONNES ? 1 : 0;
        plan.markets.forEach((m, j) => {
          if (j < M) table.served[at * M + j] = m.tonnes > EPS_TONNES * 1000 ? 1 : 0;
        });
      }
      done++;
      options.onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 1, to - from)) }, worker));
  if (options.signal?.aborted) throw new CancelledError();
}

/** Runs a Monte Carlo request: N draws across a worker pool (or in this thread). */
export async function runMonteCarlo(requestInput: MonteCarloRequestInput | MonteCarloRequest, network: Network, options: MonteCarloOptions = {}): Promise<MonteCarloRun> {
  const request = MonteCarloRequest.parse(requestInput);
  const spec: DrawSpec = { seed: request.seed, uncertainties: request.uncertainties, solving: options.solving };
  const started = performance.now();
  checkMonteCarlo(request.scenario, network, request.uncertainties);
  if (request.scenario.market === 'clearing') {
    const markets = clearingTableMarkets(request, network);
    const table = emptyTable(request.draws, markets.length);
    const workers = options.workers ?? (await import('node:os')).availableParallelism();
    await solveClearingDraws(request, network, 0, request.draws, table, 0, {
      signal: options.signal,
      concurrency: Math.max(1, workers),
      inProcess: workers <= 0,
      onProgress: (done) => options.onProgress?.(done, request.draws),
    });
    const elapsedMs = performance.now() - started;
    return {
      result: summariseTable({ markets }, { ...request, scenarioName: request.scenario.name }, table),
      timing: { workers: Math.max(0, workers), elapsedMs: round(elapsedMs, 1), drawsPerSecond: round((request.draws / elapsedMs) * 1000, 1) },
    };
  }
  const { sharedPool, poolOfSize } = await import('./mc-pool.ts');
  const workers = options.workers ?? (await import('node:os')).availableParallelism();
  // With workers the model is built in the pool too: nothing of the run holds up the event loop.
  const fast = workers <= 0 ? buildFastModel(request.scenario, network) : await fastModelInPool(request.scenario, network, options.signal);
  let table: DrawTable;
  if (workers <= 0) {
    table = emptyTable(request.draws, fast.markets.length);
    const chunk = options.chunkSize ?? 50;
    for (let from = 0; from < request.draws; from += chunk) {
      if (options.signal?.aborted) throw new CancelledError();
      const to = Math.min(request.draws, from + chunk);
      await runDraws(fast, spec, from, to, table);
      options.onProgress?.(to, request.draws);
    }
  } else {
    const pool = options.workers === undefined ? sharedPool() : poolOfSize(workers);
    table = await pool.run(fast, spec, request.draws, { onProgress: options.onProgress, signal: options.signal, chunkSize: options.chunkSize });
  }
  const elapsedMs = performance.now() - started;
  return {
    result: summariseTable(fast, { ...request, scenarioName: request.scenario.name }, table),
    timing: { workers: Math.max(0, workers), elapsedMs: round(elapsedMs, 1), drawsPerSecond: round((request.draws / elapsedMs) * 1000, 1) },
  };
}
