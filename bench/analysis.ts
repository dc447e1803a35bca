/**
 * `npm run bench:analysis`: Monte Carlo draws per second on the default annual plan (phase 1), with
 * one worker and with every core, each draw solved from the kept solver tableau (`reuse`, the
 * default) and with the solver's model rebuilt every draw (`rebuild`), all in the same run, beside
 * the time of one full plan of the same scenario (in this thread). Workers are started and warmed
 * first (their solver is JIT-compiled on the first few hundred draws), then each configuration
 * solves 1,000 draws three times in alternation; the median run counts. Targets: ≥ 1,000 draws/s
 * with all cores; reuse ≥ 1.5 × rebuild on one worker. Also checks that every configuration gives
 * the same result (same seed).
 *
 * Then a sweep of 50 export-price points on the same scenario with one worker (one pool task or
 * one plan at a time): points reusing the model (sweep-reuse.ts) against a full `optimise` per
 * point, three runs each in alternation after a warm-up, the median counting; points per second,
 * the ratio, and a point's cost as a share of the single plan's time, all from this run. Checks
 * that both give the same rows.
 *
 * Last, the sensitivity report of the monthly plan in the market-clearing mode (monthly-ice.json with
 * `"market": "clearing"`: ~2,000 parameters, each binding limit's value checked by re-solves that
 * start from the solve before): its time as a multiple of one full plan of the same scenario, both
 * in this thread and this run.
 */
import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import { Scenario } from '../server/core/schema.ts';
import { loadDefaultNetwork } from '../server/data/load.ts';
import { optimise } from '../server/optimise.ts';
import { runMonteCarlo, type DrawSolving, type MonteCarloRequestInput } from '../server/analysis/montecarlo.ts';
import { closeMonteCarloPools, poolOfSize } from '../server/analysis/mc-pool.ts';
import { runSweep, type SweepSolving } from '../server/analysis/sweep.ts';
import { sensitivity } from '../server/analysis/sensitivity.ts';
import { shutdownSolverPool } from '../server/solver/solve.ts';
import { median, timeInterleaved } from './timing.ts';

const DRAWS = 1000;
const TARGET_DRAWS_PER_SECOND = 1000;
const TARGET_REUSE_SPEED_UP = 1.5;
const SWEEP_POINTS = 50;
const network = loadDefaultNetwork();
const scenario = Scenario.parse(JSON.parse(readFileSync(new URL('../data/scenarios/phase1-annual.json', import.meta.url), 'utf8')));
const request = (seed: number): MonteCarloRequestInput => ({
  scenario,
  draws: DRAWS,
  seed,
  uncertainties: [
    { parameter: 'price', group: 'export', distribution: { type: 'normal', mean: 1, sd: 0.15 } },
    { parameter: 'price', group: 'domestic', distribution: { type: 'triangular', min: 0.85, mode: 1, max: 1.1 } },
    { parameter: 'freight', mode: 'rail', distribution: { type: 'uniform', min: 0.9, max: 1.3 } },
    { parameter: 'freight', mode: 'sea', distribution: { type: 'empirical', values: [0.8, 1, 1.1, 1.5] } },
    { parameter: 'demand', group: 'all', distribution: { type: 'normal', mean: 1, sd: 0.1 } },
  ],
});

const cores = availableParallelism();
const configs = [...new Set([1, cores])].flatMap((workers) => (['reuse', 'rebuild'] as DrawSolving[]).map((solving) => ({ workers, solving, key: `${workers}/${solving}` })));

const started = performance.now();
await Promise.all([...new Set(configs.map((c) => c.workers))].map((n) => poolOfSize(n).start()));
const startupMs = performance.now() - started;
for (const c of configs) await runMonteCarlo(request(100), network, { workers: c.workers, solving: c.solving }); // warm-up

const rates = new Map<string, number[]>(configs.map((c) => [c.key, []]));
const results = new Map<string, string>();
for (let round = 0; round < 3; round++) {
  for (const c of configs) {
    const run = await runMonteCarlo(request(1), network, { workers: c.workers, solving: c.solving });
    rates.get(c.key)!.push(run.timing.drawsPerSecond);
    results.set(c.key, JSON.stringify(run.result));
  }
}
await closeMonteCarloPools();
// One full plan of the same scenario in this thread (what a draw would cost without the fast model).
const [planMs] = await timeInterleaved(5, [() => optimise(scenario, network, { inProcess: true })], 2);

console.log(`Monte Carlo, default annual plan (phase 1), ${DRAWS} draws, ${scenario.name}`);
console.log(`cores: ${cores}; worker start-up (all pools, once): ${startupMs.toFixed(0)} ms; one full plan in this thread: ${planMs.toFixed(1)} ms`);
for (const c of configs) {
  const r = median(rates.get(c.key)!);
  const perCore = r / c.workers;
  console.log(
    `  ${c.workers} worker${c.workers === 1 ? ' ' : 's'}, ${c.solving.padEnd(7)}: ${r.toFixed(0).padStart(6)} draws/s, ${perCore.toFixed(0).padStart(6)} per core  (runs: ${rates.get(c.key)!.map((x) => x.toFixed(0)).join(', ')})  a draw costs 1/${((planMs / 1000) * perCore).toFixed(0)} of a plan`,
  );
}
const oneReuse = median(rates.get('1/reuse')!);
const oneRebuild = median(rates.get('1/rebuild')!);
const speedUp = oneReuse / oneRebuild;
const best = median(rates.get(`${cores}/reuse`)!);
const same = new Set(results.values()).size === 1;
console.log(`same result in every configuration: ${same ? 'yes' : 'NO'}`);
console.log(`reuse vs rebuild on one worker: ×${speedUp.toFixed(2)} (target ≥ ×${TARGET_REUSE_SPEED_UP}: ${speedUp >= TARGET_REUSE_SPEED_UP ? 'met' : 'NOT met'})`);
console.log(`target ≥ ${TARGET_DRAWS_PER_SECOND} draws/s with all cores: ${best >= TARGET_DRAWS_PER_SECOND ? 'met' : 'NOT met'} (${best.toFixed(0)})`);

// Sweeps: 50 export-price points on one worker, reusing the model vs a full optimise per point.
const sweepRequest = { scenario, axes: [{ parameter: 'exportPriceMultiplier' as const, from: 0.5, to: 1.5, steps: SWEEP_POINTS }] };
const solvings: SweepSolving[] = ['reuse', 'full'];
for (const solving of solvings) await runSweep(sweepRequest, network, { solving, concurrency: 1 }); // warm-up (threads, JIT)
const sweepRates = new Map<SweepSolving, number[]>(solvings.map((x) => [x, []]));
const sweepRows = new Map<SweepSolving, string>();
for (let round = 0; round < 3; round++) {
  for (const solving of solvings) {
    const t0 = performance.now();
    const result = await runSweep(sweepRequest, network, { solving, concurrency: 1 });
    sweepRates.get(solving)!.push(SWEEP_POINTS / ((performance.now() - t0) / 1000));
    sweepRows.set(solving, JSON.stringify(result.rows));
  }
}
await shutdownSolverPool();
const [planAgainMs] = await timeInterleaved(5, [() => optimise(scenario, network, { inProcess: true })], 2);
const reusePerSecond = median(sweepRates.get('reuse')!);
const fullPerSecond = median(sweepRates.get('full')!);
const sameRows = sweepRows.get('reuse') === sweepRows.get('full');
console.log(`Sweep, ${SWEEP_POINTS} export-price points (0.5–1.5), 1 worker; one full plan in this thread: ${planAgainMs.toFixed(1)} ms`);
for (const solving of solvings) {
  const r = median(sweepRates.get(solving)!);
  console.log(
    `  ${solving.padEnd(5)}: ${r.toFixed(1).padStart(7)} points/s per core  (runs: ${sweepRates.get(solving)!.map((x) => x.toFixed(1)).join(', ')})  a point costs ${((1000 / r / planAgainMs) * 100).toFixed(0)} % of a plan`,
  );
}
console.log(`reuse vs full optimise per point on one worker: ×${(reusePerSecond / fullPerSecond).toFixed(2)}; same rows: ${sameRows ? 'yes' : 'NO'}`);

const monthlyClearing = Scenario.parse({
  ...JSON.parse(readFileSync(new URL('../data/scenarios/monthly-ice.json', import.meta.url), 'utf8')),
  market: 'clearing',
  timeLimitMs: 60_000,
});
const [monthlyPlanMs] = await timeInterleaved(3, [() => optimise(monthlyClearing, network, { inProcess: true })], 1);
const sensitivityStarted = performance.now();
const report = await sensitivity(monthlyClearing, network);
const sensitivityMs = performance.now() - sensitivityStarted;
const resolved = report.parameters.filter((p) => p.method === 're-solve').length;
console.log(`Sensitivity, monthly plan in the market-clearing mode: ${report.status}, ${report.parameters.length} parameters (${resolved} values from re-solves)`);
console.log(`  ${(sensitivityMs / 1000).toFixed(1)} s against one full plan of ${monthlyPlanMs.toFixed(0)} ms: ×${(sensitivityMs / monthlyPlanMs).toFixed(0)} a plan`);
await shutdownSolverPool();
if (!same || !sameRows || report.status !== 'optimal') process.exitCode = 1;
