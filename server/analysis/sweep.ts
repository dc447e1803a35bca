/**
 * Sweeps: one or two parameters over a grid. Parameters: export price multiplier, freight
 * multiplier, KZT/USD rate, domestic share, a port's (node's) throughput, ...
 * Runs as a job: progress through `onProgress(done, total)`, cancellable through an AbortSignal,
 * rows in grid order. A price-taker sweep of parameters that change only costs and bounds
 * (sweep-reuse.ts) solves runs of consecutive points in the solver pool's threads, each run reusing
 * the model of its first point; any other sweep, and any point the reuse cannot answer exactly, is
 * a full `optimise` per point (a few at a time, the pool's threads). Both give the same rows.
 */
import { z } from 'zod';
import { Id, Scenario, type Network } from '../core/schema.ts';
import { Currency } from '../core/market-schema.ts';
import { csvField } from '../core/csv.ts';
import type { Plan } from '../core/plan-schema.ts';
import { optimise, type OptimiseOptions } from '../optimise.ts';
import { poolSize } from '../solver/solve.ts';
import { runTask } from '../pool/pool.ts';
import { isPoolThread } from '../pool/context.ts';
import { withNetwork } from '../pool/networks.ts';
import { MessageChannel } from 'node:worker_threads';
import { canReuseSweepModel, SweepModelReuse, type ReusedPointFigures } from './sweep-reuse.ts';
import { CancelledError } from './montecarlo.ts';
import { AnalysisRefusal, checkOnly } from './common.ts';
import { checkScenario } from '../core/consistency.ts';
import { networkForScenario } from '../core/pipeline.ts';
import type { SweepResult, SweepRow } from '../core/analysis-schema.ts';

const finite = () => z.number().refine(Number.isFinite, 'must be a finite number');

/** The largest value of each swept parameter (as the scenario's own bounds). */
const SWEEP_MAX = {
  exportPriceMultiplier: 100,
  freightMultiplier: 100,
  fxKztPerUsd: 100_000,
  domesticShare: 1,
  nodeThroughput: 1e9,
  fxPerUsd: 1e7,
  wagons: 1e6,
  supplierCapacity: 100,
  supplierCost: 100,
  competitorMarkup: 100,
  consumption: 100,
} as const;
/** The largest of them: the grid's bound in the request's schema (each parameter's own is checked beside it). */
const SWEEP_LARGEST = Math.max(...Object.values(SWEEP_MAX));
/** Exchange rates divide prices: at least their scenario bounds (0.01 units per USD, 1 KZT per USD). */
const SWEEP_MIN: Partial<Record<keyof typeof SWEEP_MAX, number>> = { fxPerUsd: 0.01, fxKztPerUsd: 1 };

export const SweepAxis = z
  .object({
    /**
     * exportPriceMultiplier, freightMultiplier, fxKztPerUsd, domesticShare, nodeThroughput (t/yr);
     * fxPerUsd (units of `currency` per USD, every year: the rouble is `currency: "RUB"`); wagons
     * (the hopper-wagon fleet); and for the market-clearing mode supplierCapacity and supplierCost
     * (multipliers on one competitor's capacity or cash cost), competitorMarkup (multiplier on every
     * competitor's mark-up), consumption (multiplier on every market's consumption).
     */
    parameter: z.enum([
      'exportPriceMultiplier',
      'freightMultiplier',
      'fxKztPerUsd',
      'domesticShare',
      'nodeThroughput',
      'fxPerUsd',
      'wagons',
      'supplierCapacity',
      'supplierCost',
      'competitorMarkup',
      'consumption',
    ]),
    /** For nodeThroughput: the port or node whose throughput (t/yr) is swept. */
    node: Id.optional(),
    /** For fxPerUsd: the currency. */
    currency: Currency.optional(),
    /** For supplierCapacity and supplierCost: the competitor. */
    supplier: Id.optional(),
    /** The grid: explicit values, or from / to / steps (inclusive). */
    values: z.array(finite().min(0).max(SWEEP_LARGEST)).min(1).max(201).optional(),
    from: finite().min(0).max(SWEEP_LARGEST).optional(),
    to: finite().min(0).max(SWEEP_LARGEST).optional(),
    steps: z.number().int().min(2).max(201).optional(),
  })
  .strict()
  .refine((a) => a.values !== undefined || (a.from !== undefined && a.to !== undefined && a.steps !== undefined), 'give values, or from, to and steps')
  .refine((a) => (a.parameter === 'nodeThroughput') === (a.node !== undefined), 'nodeThroughput needs a node, and only it')
  .refine((a) => (a.parameter === 'fxPerUsd') === (a.currency !== undefined), 'fxPerUsd needs a currency, and only it')
  .refine((a) => (a.parameter === 'supplierCapacity' || a.parameter === 'supplierCost') === (a.supplier !== undefined), 'supplierCapacity and supplierCost need a supplier, and only they')
  .refine((a) => [...(a.values ?? []), a.from ?? Infinity, a.to ?? Infinity].every((v) => v >= (SWEEP_MIN[a.parameter] ?? 0)), 'an exchange rate is at least 0.01 units per USD (fxKztPerUsd at least 1)')
  .refine((a) => a.parameter !== 'domesticShare' || [...(a.values ?? []), a.from ?? 0, a.to ?? 0].every((v) => v <= 1), 'a domestic share is between 0 and 1')
  .refine((a) => [...(a.values ?? []), a.from ?? 0, a.to ?? 0].every((v) => v <= SWEEP_MAX[a.parameter]), 'a value is over its parameter\'s bound (multipliers ≤ 100, fxKztPerUsd ≤ 100,000, nodeThroughput ≤ 1e9 t)');
export type SweepAxis = z.infer<typeof SweepAxis>;

export const SweepRequest = z
  .object({
    scenario: Scenario,
    axes: z.array(SweepAxis).min(1).max(2),
  })
  .strict()
  // Counted without building the grid: this check also runs when an axis failed its own (steps 1e308).
  .refine((r) => r.axes.reduce((n, a) => n * axisPointCount(a), 1) <= 2000, 'a sweep has at most 2,000 points')
  // Two axes on one parameter (of one node, currency or supplier) would set it twice at every point:
  // the rows could not say which value a point had.
  .refine((r) => new Set(r.axes.map(axisTarget)).size === r.axes.length, 'the two axes sweep the same parameter: sweep two different ones')
  .refine((r) => !tengeRateTwice(r), 'the scenario sets the tenge rate under its other name (fxKztPerUsd or fxPerUsd.KZT) than the axis sweeps: leave it out of the scenario');
export type SweepRequest = z.infer<typeof SweepRequest>;
export type SweepRequestInput = z.input<typeof SweepRequest>;

export type { SweepResult, SweepRow } from '../core/analysis-schema.ts';

/**
 * How sweep points are solved: `reuse` (default) reuses the model across consecutive points where
 * the swept parameters allow it (sweep-reuse.ts), `full` runs a full `optimise` per point. Both give
 * the same rows; `full` is the reference the benchmark and the tests compare with.
 */
export type SweepSolving = 'reuse' | 'full';

/** Consecutive points a pool thread solves in one task when reusing the model (progress and cancellation between tasks). */
export const REUSE_RUN_POINTS = 25;

export interface SweepOptions {
  /** Default `reuse`. */
  readonly solving?: SweepSolving;
  readonly onProgress?: (done: number, total: number) => void;
  readonly signal?: AbortSignal;
  /** Points solved at once (default: the solver pool's size). */
  readonly concurrency?: number;
  /** Passed to `optimise` (e.g. inProcess). */
  readonly optimiseOptions?: OptimiseOptions;
}

/** Points on an axis as given; 0 for an axis whose grid is not valid (its own checks say why). */
/** What an axis sets: its parameter, and the node, currency or supplier it is of. */
function axisTarget(axis: SweepAxis): string {
  // The tenge rate has two names (fxKztPerUsd, fxPerUsd of KZT): one quantity.
  if (axis.parameter === 'fxKztPerUsd' || (axis.parameter === 'fxPerUsd' && axis.currency === 'KZT')) return 'fx|KZT';
  return [axis.parameter, axis.node ?? '', axis.currency ?? '', axis.supplier ?? ''].join('|');
}

/** The scenario sets the tenge rate under the other name than an axis sweeps it by. */
function tengeRateTwice(r: { scenario: Scenario; axes: SweepAxis[] }): boolean {
  const o = r.scenario.overrides;
  return r.axes.some((a) => (a.parameter === 'fxKztPerUsd' && o.fxPerUsd.KZT !== undefined) || (a.parameter === 'fxPerUsd' && a.currency === 'KZT' && o.fxKztPerUsd !== undefined));
}

function axisPointCount(axis: SweepAxis): number {
  if (Array.isArray(axis.values)) return axis.values.length;
  const steps = axis.steps;
  return typeof steps === 'number' && Number.isInteger(steps) && steps >= 2 && steps <= 201 ? steps : 0;
}

export function axisValues(axis: SweepAxis): number[] {
  if (axis.values) return axis.values;
  const { from, to, steps } = axis as Required<Pick<SweepAxis, 'from' | 'to' | 'steps'>>;
  // To 12 significant digits: 0.8 + 0.6 × 5/6 is 1.2999999999999998 in binary, and a grid value is
  // what a client joins its rows on (1.3).
  return Array.from({ length: steps }, (_, i) => Number((from + ((to - from) * i) / (steps - 1)).toPrecision(12)));
}

export function axisName(axis: SweepAxis): string {
  if (axis.parameter === 'nodeThroughput') return `nodeThroughput:${axis.node}`;
  if (axis.parameter === 'fxPerUsd') return `fxPerUsd:${axis.currency}`;
  if (axis.parameter === 'supplierCapacity' || axis.parameter === 'supplierCost') return `${axis.parameter}:${axis.supplier}`;
  return axis.parameter;
}

/** The scenario at one value of one parameter. */
export function withParameter(scenario: Scenario, axis: SweepAxis, value: number): Scenario {
  const o = scenario.overrides;
  switch (axis.parameter) {
    case 'exportPriceMultiplier':
      return { ...scenario, overrides: { ...o, exportPriceMultiplier: value } };
    case 'freightMultiplier':
      return { ...scenario, overrides: { ...o, freightMultiplier: value } };
    case 'fxKztPerUsd':
      return { ...scenario, overrides: { ...o, fxKztPerUsd: value } };
    case 'domesticShare':
      return { ...scenario, policy: { ...scenario.policy, domesticShare: value } };
    case 'nodeThroughput': {
      const id = axis.node!;
      return { ...scenario, overrides: { ...o, nodes: { ...o.nodes, [id]: { ...o.nodes[id], throughputTonnesPerYear: value } } } };
    }
    case 'fxPerUsd':
      return { ...scenario, overrides: { ...o, fxPerUsd: { ...o.fxPerUsd, [axis.currency!]: value } } };
    case 'wagons':
      return { ...scenario, overrides: { ...o, wagonFleet: { ...(o.wagonFleet ?? {}), wagons: value } } };
    case 'supplierCapacity':
    case 'supplierCost': {
      const id = axis.supplier!;
      const field = axis.parameter === 'supplierCapacity' ? 'capacityMultiplier' : 'cashCostMultiplier';
      return { ...scenario, overrides: { ...o, suppliers: { ...o.suppliers, [id]: { ...o.suppliers[id], [field]: value } } } };
    }
    case 'competitorMarkup':
      return { ...scenario, overrides: { ...o, competitorMarkupMultiplier: value } };
    case 'consumption':
      return { ...scenario, overrides: { ...o, consumptionMultiplier: value } };
  }
}

/** Every grid point's scenario, in row-major order. */
export function sweepScenarios(request: SweepRequest): { point: Record<string, number>; scenario: Scenario }[] {
  let points: { point: Record<string, number>; scenario: Scenario }[] = [{ point: {}, scenario: request.scenario }];
  for (const axis of request.axes) {
    const next: typeof points = [];
    for (const p of points) for (const v of axisValues(axis)) next.push({ point: { ...p.point, [axisName(axis)]: v }, scenario: withParameter(p.scenario, axis, v) });
    points = next;
  }
  return points;
}

/** The figures of one point from its plan (or the same figures from a reused solve). */
export function rowOf(index: number, point: Record<string, number>, plan: Pick<Plan, 'status' | 'kpis' | 'policyCost'> | ReusedPointFigures): SweepRow {
  const k = plan.kpis;
  // A point whose figures are not all numbers is not an answer, whatever its solver said: an error
  // row, never "optimal" beside a null margin.
  const figures = k ? [k.marginUsd, k.exportTonnes, k.domesticTonnes, k.domesticShare, plan.policyCost?.costUsd ?? 0] : [];
  if (plan.status === 'optimal' && !figures.every(Number.isFinite)) {
    return { index, point, status: 'error', marginUsd: null, exportTonnes: null, domesticTonnes: null, domesticShare: null, ruleBinds: null, ruleCostUsd: null };
  }
  return {
    index,
    point,
    status: plan.status,
    marginUsd: k ? k.marginUsd : null,
    exportTonnes: k ? k.exportTonnes : null,
    domesticTonnes: k ? k.domesticTonnes : null,
    domesticShare: k ? k.domesticShare : null,
    ruleBinds: plan.policyCost ? plan.policyCost.binds : null,
    ruleCostUsd: plan.policyCost ? plan.policyCost.costUsd : null,
  };
}

/**
 * Refuses (AnalysisRefusal) axes that name what the network does not have (a node, a supplier) or a
 * market-clearing parameter outside that mode: known before any solve, so the route answers them
 * with a 422 rather than a job that fails.
 */
export function refuseUnknownAxes(request: SweepRequest, net: Network): void {
  for (const axis of request.axes) {
    if (axis.node !== undefined && !net.nodes.some((n) => n.id === axis.node)) throw new AnalysisRefusal(`unknown node "${axis.node}"`);
    const competitors = axis.parameter === 'supplierCapacity' || axis.parameter === 'supplierCost' || axis.parameter === 'competitorMarkup' || axis.parameter === 'consumption';
    if (competitors && request.scenario.market !== 'clearing') throw new AnalysisRefusal(`${axis.parameter} is a parameter of the market-clearing mode: set "market": "clearing"`);
    if (axis.parameter === 'fxPerUsd' && axis.currency !== 'KZT' && request.scenario.market !== 'clearing')
      throw new AnalysisRefusal(`the ${axis.currency} rate moves nothing in the price-taker mode (its prices are in USD; only the tenge rate converts domestic prices): set "market": "clearing"`);
    if (axis.supplier !== undefined && !net.suppliers.some((x) => x.id === axis.supplier)) throw new AnalysisRefusal(`unknown supplier "${axis.supplier}"`);
    if (axis.supplier !== undefined && request.scenario.overrides.suppliers[axis.supplier]?.absent)
      throw new AnalysisRefusal(`supplier "${axis.supplier}" is left out of the scenario (absent: true): sweeping its ${axis.parameter === 'supplierCost' ? 'cost' : 'capacity'} would change nothing`);
  }
}

/**
 * Refuses a grid whose end points cannot be a model (a rate that lifts a price over its limit, say),
 * each axis at its lowest and highest value with the others as the scenario has them: otherwise those
 * points would come back as bare `error` rows with no reason.
 */
function refuseAxisEnds(request: SweepRequest, net: Network): void {
  for (const axis of request.axes) {
    const values = axisValues(axis);
    for (const value of new Set([Math.min(...values), Math.max(...values)])) {
      const scenario = withParameter(request.scenario, axis, value);
      const problems = checkScenario(scenario, networkForScenario(scenario, net));
      if (problems.length > 0)
        throw new AnalysisRefusal(`at ${axisName(axis)} = ${value} the scenario cannot be a model: ${problems.map((p) => `${p.path.join('.')}: ${p.message}`).join('; ')}`);
    }
  }
}

/** Checks a sweep before any solve: unknown nodes, a scenario that cannot be a model. Returns its network and points. */
export function sweepPlan(request: SweepRequest, network: Network): { net: Network; points: ReturnType<typeof sweepScenarios> } {
  const net = request.scenario.network ?? network;
  refuseUnknownAxes(request, net);
  checkOnly(request.scenario, net);
  refuseAxisEnds(request, net);
  return { net, points: sweepScenarios(request) };
}

/**
 * Solves the grid points [from, to) of a sweep: their rows, in grid order. What a worker process
 * computes for one chunk of a sweep; `runSweep` is this over the whole grid.
 */
export async function solveSweepPoints(request: SweepRequest, network: Network, from: number, to: number, options: SweepOptions = {}): Promise<SweepRow[]> {
  return solvePlannedPoints(request, sweepPlan(request, network), from, to, options);
}

/** `solveSweepPoints` of a sweep already checked (`sweepPlan`). */
async function solvePlannedPoints(request: SweepRequest, planned: ReturnType<typeof sweepPlan>, from: number, to: number, options: SweepOptions): Promise<SweepRow[]> {
  const { net, points } = planned;
  const end = Math.min(to, points.length);
  if ((options.solving ?? 'reuse') === 'reuse' && canReuseSweepModel(request.scenario, request.axes.map((a) => a.parameter))) {
    if (options.optimiseOptions?.inProcess || isPoolThread()) {
      const rows = await solveReusingHere(net, points, from, end, options);
      if (options.signal?.aborted) throw new CancelledError();
      return rows;
    }
    return solveReusingInPool(request, net, from, end, options);
  }
  const rows: SweepRow[] = new Array(Math.max(0, end - from));
  const concurrency = Math.max(1, options.concurrency ?? poolSize());
  let next = from;
  let done = 0;
  const worker = async () => {
    while (next < end) {
      if (options.signal?.aborted) return;
      const i = next++;
      const plan = await optimise(points[i].scenario, net, pointOptions(options));
      rows[i - from] = rowOf(i, points[i].point, plan);
      done++;
      options.onProgress?.(done, end - from);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, end - from) }, worker));
  if (options.signal?.aborted) throw new CancelledError();
  return rows;
}

/** The options `optimise` is given for one sweep point (the extra solves a sweep does not report left out). */
function pointOptions(options: SweepOptions): OptimiseOptions {
  // In the clearing mode our ranges and the competitor's impact are extra solves a sweep does not report.
  return { policyCost: true, wantSensitivity: false, ranges: false, competitorImpact: false, signal: options.signal, ...options.optimiseOptions };
}

/**
 * Points [from, to) in this thread, one after another, the model reused across them; a point the
 * reuse cannot answer exactly is a full `optimise` here.
 */
async function solveReusingHere(net: Network, points: ReturnType<typeof sweepScenarios>, from: number, to: number, options: SweepOptions): Promise<SweepRow[]> {
  const reuse = new SweepModelReuse(net, options.optimiseOptions?.engine);
  const rows: SweepRow[] = [];
  for (let i = from; i < to; i++) {
    if (options.signal?.aborted) break;
    // The point's time limit bounds the point: the full plan, when the reused model cannot answer,
    // gets what its attempt left (each of a plan's solves would otherwise get all of it).
    const deadline = Date.now() + points[i].scenario.timeLimitMs;
    const figures = await reuse.solvePoint(points[i].scenario, deadline);
    rows.push(rowOf(i, points[i].point, figures ?? (await optimise(points[i].scenario, net, { ...pointOptions(options), inProcess: true, deadline }))));
    options.onProgress?.(i - from + 1, to - from);
  }
  return rows;
}

/** Points [from, to) as runs of consecutive points, each run a pool task that reuses its model. */
async function solveReusingInPool(request: SweepRequest, net: Network, from: number, to: number, options: SweepOptions): Promise<SweepRow[]> {
  const total = Math.max(0, to - from);
  const concurrency = Math.max(1, options.concurrency ?? poolSize());
  const size = Math.max(1, Math.min(REUSE_RUN_POINTS, Math.ceil(total / concurrency)));
  const runs = Array.from({ length: Math.ceil(total / size) }, (_, k) => ({ from: from + k * size, to: Math.min(to, from + (k + 1) * size) }));
  const out: SweepRow[][] = new Array(runs.length);
  const withoutNetwork: SweepRequest = { ...request, scenario: { ...request.scenario, network: undefined } };
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < runs.length) {
      if (options.signal?.aborted) return;
      const k = next++;
      const run = runs[k];
      // The thread tells each point as it is solved; messages late after the run's answer are ignored.
      let told = 0;
      const advance = (to: number) => {
        if (to <= told) return;
        done += to - told;
        told = to;
        options.onProgress?.(done, total);
      };
      const channels: MessageChannel[] = [];
      try {
        const { rows } = await withNetwork(net, (ref, place) => {
          // A port can be sent once: each attempt has its own.
          const channel = new MessageChannel();
          channels.push(channel);
          channel.port1.on('message', (solved: number) => advance(Math.min(solved, run.to - run.from)));
          channel.port1.unref();
          // The network goes by `ref`, kept in the thread between tasks: the request goes without its copy.
          const task = { request: withoutNetwork, network: ref, from: run.from, to: run.to, engine: options.optimiseOptions?.engine, progress: channel.port2 };
          return runTask('sweepPoints', task, { signal: options.signal, transferList: [channel.port2], ...place });
        });
        out[k] = rows;
      } catch (e) {
        if (options.signal?.aborted) return;
        throw e;
      } finally {
        for (const channel of channels) channel.port1.close();
      }
      advance(run.to - run.from);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, runs.length) }, worker));
  if (options.signal?.aborted) throw new CancelledError();
  return out.flat();
}

/**
 * A run of sweep points in this thread (a pool task): the rows of points [from, to), the model
 * reused across them.
 */
export function solveSweepRunHere(
  request: SweepRequest,
  network: Network,
  from: number,
  to: number,
  engine?: OptimiseOptions['engine'],
  onProgress?: (done: number, total: number) => void,
): Promise<SweepRow[]> {
  const { net, points } = sweepPlan(request, network);
  return solveReusingHere(net, points, from, Math.min(to, points.length), { optimiseOptions: { engine }, onProgress });
}

/** Runs a sweep. Throws ScenarioProblemsError for a scenario that cannot be a model, CancelledError when aborted. */
export async function runSweep(requestInput: SweepRequestInput | SweepRequest, network: Network, options: SweepOptions = {}): Promise<SweepResult> {
  return runParsedSweep(SweepRequest.parse(requestInput), network, options);
}

/**
 * `runSweep` of a request its schema has already parsed (a route's body): parsed, checked and
 * expanded into its points once. On the event loop (a job in this process) each of those is tens of
 * milliseconds for a network of half a megabyte.
 */
export async function runParsedSweep(request: SweepRequest, network: Network, options: SweepOptions = {}): Promise<SweepResult> {
  const planned = sweepPlan(request, network);
  const rows = await solvePlannedPoints(request, planned, 0, planned.points.length, options);
  return sweepResult(request, rows);
}

/** How many points a sweep has (the product of its axes' value counts), without making them. */
export function sweepSize(request: SweepRequest): number {
  return request.axes.reduce((n, axis) => n * axisValues(axis).length, 1);
}

/** The sweep's result from its rows in grid order. */
export function sweepResult(request: SweepRequest, rows: SweepRow[]): SweepResult {
  return { scenarioName: request.scenario.name, parameters: request.axes.map(axisName), rows };
}

/** The sweep as CSV: one line per point, the swept parameters first. */
export function sweepToCsv(result: SweepResult): string {
  const header = [...result.parameters, 'status', 'margin_usd', 'export_tonnes', 'domestic_tonnes', 'domestic_share', 'rule_binds', 'rule_cost_usd'];
  const lines = result.rows.map((r) =>
    [...result.parameters.map((p) => r.point[p]), r.status, r.marginUsd, r.exportTonnes, r.domesticTonnes, r.domesticShare, r.ruleBinds, r.ruleCostUsd].map((v) => csvField(v)).join(','),
  );
  return `${[header.join(','), ...lines].join('\n')}\n`;
}
