/**
 * Where a plan's time goes, measured in this process (part of `npm run bench:api`): medians of
 * interleaved repeats on the default annual scenario, warm.
 *
 *   route + validation   POST /optimise through Fastify (auth, body validation, admission) to a
 *                        stand-in model that answers at once, no network
 *   worker hand-off      a plan in the CPU pool minus the same plan in this thread (the copies of
 *                        scenario, network and plan between threads, the thread's wake-up)
 *   solve                the bare HiGHS solve with duals (the engine reference)
 *   model build          buildModel
 *   read-out + rule      the plan read from the solution, and the rule's second model and solve
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

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function interleaved(repeats: number, fns: (() => Promise<unknown>)[]): Promise<number[]> {
  for (let w = 0; w < 5; w++) for (const fn of fns) await fn();
  const times = fns.map(() => [] as number[]);
  for (let i = 0; i < repeats; i++) {
    for (const [k, fn] of fns.entries()) {
      const t0 = performance.now();
      await fn();
      times[k]!.push(performance.now() - t0);
    }
  }
  return times.map(median);
}

export interface Breakdown {
  readonly routeMs: number;
  readonly handOffMs: number;
  readonly solveMs: number;
  readonly buildMs: number;
  readonly readOutAndRuleMs: number;
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
  const plan = await optimise(scenario, base, { inProcess: true });

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

  const [route, solve, build, readOutAndRule, serialise, inThread, pooled] = await interleaved(repeats, [
    async () => app.inject({ method: 'POST', url: '/api/v1/optimise', headers: { 'content-type': 'application/json' }, payload: body }),
    async () => solveModelInProcess(built.model, solveOpts),
    async () => buildModel(network, scenario),
    async () => {
      readSolution(network, scenario, built, result);
      // As the pipeline does it: the scenario's engine choice, no duals.
      const relaxed = buildModel(network, scenario, { withoutDomesticShare: true });
      await solveModelInProcess(relaxed.model, { engine: scenario.engine, timeLimitMs: 10_000, wantSensitivity: false });
    },
    async () => JSON.stringify(Plan.parse(plan)),
    // With node:crypto's SHA-256, as the server runs it (the default is the browser's pure-JS one).
    async () => JSON.stringify(await runPipeline(scenario, base, (m, r) => solveModelInProcess(m, r), { sha256 })),
    async () => optimise(scenario, base, { serialise: true }),
  ]);
  await app.close();
  await closePool();
  return {
    routeMs: route!,
    handOffMs: Math.max(0, pooled! - inThread!),
    solveMs: solve!,
    buildMs: build!,
    readOutAndRuleMs: readOutAndRule!,
    serialiseMs: serialise!,
    planMs: inThread!,
    pooledPlanMs: pooled!,
  };
}
