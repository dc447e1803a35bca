/**
 * Monte Carlo: the plan under uncertain prices, freight and demand. Each draw samples multipliers
 * (1 = as in the scenario) from the given distributions and re-optimises; the output is the
 * distribution of margin, export volume and domestic share, how often the 50 % rule binds, and
 * which markets are served in (almost) every draw.
 *
 * This module runs a request (in this thread or across the CPU pool) and re-exports the parts:
 * mc-request.ts (the request and its checks), mc-sample.ts (a draw's multipliers), mc-fast.ts (the
 * model built once and the draws solved on it), mc-clearing.ts (draws as full plans in the
 * market-clearing mode), mc-summary.ts (the result from the per-draw table), mc-draws.ts (what
 * the threads share).
 *
 * Reproducible: every figure is aggregated in draw order, so the result does not depend on how
 * draws are split across workers.
 */
import type { Network, Scenario } from '../core/schema.ts';
import { AnalysisRefusal, round, ScenarioProblemsError } from './common.ts';
import { solveClearingDraws, clearingTableMarkets } from './mc-clearing.ts';
import { CancelledError, emptyTable, type DrawSolving, type DrawSpec, type DrawTable, type FastModel } from './mc-draws.ts';
import { buildFastModel, runDraws } from './mc-fast.ts';
import { checkMonteCarlo, MonteCarloRequest, type MonteCarloRequestInput } from './mc-request.ts';
import { summariseTable, type MonteCarloResult, type SummaryRequest } from './mc-summary.ts';

export * from './mc-clearing.ts';
export * from './mc-draws.ts';
export * from './mc-fast.ts';
export * from './mc-request.ts';
export * from './mc-sample.ts';
export * from './mc-summary.ts';

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

/** The fast model built in the CPU pool: hundreds of milliseconds for a large network, off the event loop. */
export async function fastModelInPool(scenario: Scenario, network: Network, signal?: AbortSignal): Promise<FastModel> {
  const { runTask } = await import('../pool/pool.ts');
  const r = await runTask('analysis', { kind: 'fast-model', scenario, network }, { signal }).catch((e: unknown) => {
    throw signal?.aborted ? new CancelledError() : e;
  });
  if (r.ok) return r.value as FastModel;
  if (r.problems) throw new ScenarioProblemsError(r.problems);
  throw new AnalysisRefusal(r.refusal);
}

/**
 * The result from the per-draw table, worked out in the CPU pool: for 200,000 draws of a few hundred
 * markets the counting and sorting take seconds, which would hold up the event loop here. The table's
 * buffers are moved to the thread, not copied, so the table is empty here afterwards.
 */
export async function summariseInPool(markets: FastModel['markets'], request: SummaryRequest, table: DrawTable, signal?: AbortSignal): Promise<MonteCarloResult> {
  const { runTask } = await import('../pool/pool.ts');
  const buffers = [...new Set(Object.values(table).map((column: DrawTable[keyof DrawTable]) => column.buffer))].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
  const summaryMarkets = markets.map(({ id, name, domestic }) => ({ id, name, domestic }));
  const r = await runTask('analysis', { kind: 'mc-summary', markets: summaryMarkets, request, table }, { signal, transferList: buffers }).catch((e: unknown) => {
    throw signal?.aborted ? new CancelledError() : e;
  });
  if (!r.ok) throw new AnalysisRefusal(r.refusal);
  return r.value as MonteCarloResult;
}

/** Runs a Monte Carlo request: N draws across a worker pool (or in this thread). */
export async function runMonteCarlo(requestInput: MonteCarloRequestInput | MonteCarloRequest, network: Network, options: MonteCarloOptions = {}): Promise<MonteCarloRun> {
  return runParsedMonteCarlo(MonteCarloRequest.parse(requestInput), network, options);
}

/** `runMonteCarlo` of a request its schema has already parsed (a route's body): not parsed again on the event loop. */
export async function runParsedMonteCarlo(request: MonteCarloRequest, network: Network, options: MonteCarloOptions = {}): Promise<MonteCarloRun> {
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
    const summaryRequest = { ...request, scenarioName: request.scenario.name };
    const result = workers <= 0 ? summariseTable({ markets }, summaryRequest, table) : await summariseInPool(markets, summaryRequest, table, options.signal);
    const elapsedMs = performance.now() - started;
    return {
      result,
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
  const summaryRequest = { ...request, scenarioName: request.scenario.name };
  const result = workers <= 0 ? summariseTable(fast, summaryRequest, table) : await summariseInPool(fast.markets, summaryRequest, table, options.signal);
  const elapsedMs = performance.now() - started;
  return {
    result,
    timing: { workers: Math.max(0, workers), elapsedMs: round(elapsedMs, 1), drawsPerSecond: round((request.draws / elapsedMs) * 1000, 1) },
  };
}
