/**
 * Where a plan's time goes, measured in this process (part of `npm run bench:api`): medians of
 * interleaved repeats on the default annual scenario, warm.
 *
 *   route + validation   POST /optimise through Fastify (auth, body validation, admission, the
 *                        scenario check) to a stand-in model that answers at once with a plan
 *                        serialised as the pool's are, no network
 *   worker hand-off      a plan in the CPU pool minus the same plan in this thread (the copies of
 *                        scenario, network and plan between threads, the thread's wake-up)
 *   solve                the bare HiGHS solve with duals (the engine reference)
 *   model build          buildModel
 *   read-out             the plan read from the solution
 *   rule's solve         the rule's second solve as the pipeline runs it (its rows freed in the plan's
 *                        model, from the plan's basis), after a plan's solve
 *   price gaps           the whole plan minus the same plan without exact price gaps
 *   serialisation        validating the plan against its schema and JSON.stringify (in the pool thread)
 */
import { createHash } from 'node:crypto';
import { buildModel } from '../server/core/model.ts';
import { optimise } from '../server/optimise.ts';
import { networkForScenario, runPipeline } from '../server/core/pipeline.ts';
import { Plan } from '../server/core/plan-schema.ts';
import { readSolution } from '../server/core/plan.ts';
import { Scenario } from '../server/core/schema.ts';
import { loadDefaultNetwork } from '../server/data/load.ts';
import { closePool } from '../server/pool/pool.ts';
import { solveModelInProcess } from '../server/solver/inProcess.ts';
import { buildApp } from '../server/app.ts';
import { loadModelServices } from '../server/api/solve.ts';
import { openSqliteStore } from '../server/store/sqlite.ts';
import { median } from './timing.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Warm-up rounds before measuring. V8 keeps optimising the plan's functions for hundreds of plans
 * (about 125 TurboFan compilations between a thread's 25th and 125th plan, a few ms of background
 * compilation per plan), so a short warm-up measures a plan still being compiled.
 */
const WARM_ROUNDS = Number(process.env.BENCH_WARM_ROUNDS ?? 150);

async function interleaved(repeats: number, fns: (() => Promise<unknown>)[]): Promise<number[]> {
  for (let w = 0; w < WARM_ROUNDS; w++) for (const fn of fns) await fn();
  const times = fns.map(() => [] as number[]);
  for (let i = 0; i < repeats; i++) {
    for (const [k, fn] of fns.entries()) {
      const t0 = performance.now();
      await fn();
      times[k]!.push(performance.now() - t0);
    }
  }
  return times.map((t) => median(t)!);
}

export interface Breakdown {
  readonly routeMs: number;
  readonly handOffMs: number;
  readonly solveMs: number;
  readonly buildMs: number;
  readonly readOutMs: number;
  /** The rule's second solve as the pipeline runs it: the rule's rows freed, from the plan's basis. */
  readonly ruleSolveMs: number;
  /** The exact price gaps of the unserved markets (the plan with them minus the plan without). */
  readonly priceGapsMs: number;
  readonly serialiseMs: number;
  /** The whole plan (rule cost included) in this thread. */
  readonly planMs: number;
  /** The whole plan through the pool, serialised. */
  readonly pooledPlanMs: number;
}

export async function measureBreakdown(repeats = 40): Promise<Breakdown> {
  const base = loadDefaultNetwork();
  const scenario = Scenario.parse({ name: 'Benchmark: phase 1, default network' });
  const network = networkForScenario(scenario, base);
  const built = buildModel(network, scenario);
  const solveOpts = { engine: 'highs' as const, timeLimitMs: 10_000, wantSensitivity: true };
  const result = await solveModelInProcess(built.model, solveOpts);
  if (result.status !== 'optimal') throw new Error(`bare solve: ${result.status}`);
  // Serialised as the pool thread does it, so the stand-in's route sends the text as the real one does.
  const plan = await optimise(scenario, base, { inProcess: true, serialise: true });
  const ruleRows = new Set(built.index.domesticShareRows);
  const relaxed = { ...built.model, rows: built.model.rows.map((r, i) => (ruleRows.has(i) ? { ...r, lb: -Infinity, ub: Infinity } : r)) };

  const real = await loadModelServices();
  const app = await buildApp({
    store: openSqliteStore({ path: ':memory:' }),
    keys: [],
    publicRead: true,
    logger: false,
    webRoot: null,
    rateLimit: false,
    model: { ...real, optimise: async () => plan },
  });
  await app.ready();
  const body = JSON.stringify(scenario);
  // With node:crypto's SHA-256, as the server runs it (the default is the browser's pure-JS one).
  const pipeline = (exactPriceGaps: boolean) => runPipeline(scenario, base, (m, r) => solveModelInProcess(m, r), { sha256, exactPriceGaps });

  const [route, solve, build, readOut, solveThenRule, serialise, inThread, withoutGaps, pooled] = await interleaved(repeats, [
    async () => app.inject({ method: 'POST', url: '/api/v1/optimise', headers: { 'content-type': 'application/json' }, payload: body }),
    async () => solveModelInProcess(built.model, solveOpts),
    async () => buildModel(network, scenario),
    async () => readSolution(network, scenario, built, result),
    async () => {
      await solveModelInProcess(built.model, solveOpts);
      await solveModelInProcess(relaxed, { engine: 'highs', timeLimitMs: 10_000, wantSensitivity: false, warmStart: true });
    },
    async () => JSON.stringify(Plan.parse(plan)),
    async () => JSON.stringify(await pipeline(true)),
    async () => JSON.stringify(await pipeline(false)),
    async () => optimise(scenario, base, { serialise: true }),
  ]);
  await app.close();
  await closePool();
  return {
    routeMs: route!,
    handOffMs: Math.max(0, pooled! - inThread!),
    solveMs: solve!,
    buildMs: build!,
    readOutMs: readOut!,
    ruleSolveMs: Math.max(0, solveThenRule! - solve!),
    priceGapsMs: Math.max(0, inThread! - withoutGaps!),
    serialiseMs: serialise!,
    planMs: inThread!,
    pooledPlanMs: pooled!,
  };
}
