/**
 * `npm run bench:analysis`: Monte Carlo draws per second on the default annual plan (phase 1),
 * with one worker and with every core, in the same run. Workers are started and warmed first
 * (their solver is JIT-compiled on the first few hundred draws), then each configuration solves
 * 1,000 draws three times in alternation; the median run counts. Target: ≥ 1,000 draws/s with
 * all cores. Also checks that both configurations give the same result (same seed).
 */
import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import { Scenario } from '../server/core/schema.ts';
import { loadDefaultNetwork } from '../server/data/load.ts';
import { runMonteCarlo, type MonteCarloRequestInput } from '../server/analysis/montecarlo.ts';
import { closeMonteCarloPools, poolOfSize } from '../server/analysis/mc-pool.ts';

const DRAWS = 1000;
const TARGET_DRAWS_PER_SECOND = 1000;
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
const configs = [...new Set([1, cores])];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const started = performance.now();
await Promise.all(configs.map((n) => poolOfSize(n).start()));
const startupMs = performance.now() - started;
for (const n of configs) await runMonteCarlo(request(100), network, { workers: n }); // warm-up

const rates = new Map<number, number[]>(configs.map((n) => [n, []]));
const results = new Map<number, string>();
for (let round = 0; round < 3; round++) {
  for (const n of configs) {
    const run = await runMonteCarlo(request(1), network, { workers: n });
    rates.get(n)!.push(run.timing.drawsPerSecond);
    results.set(n, JSON.stringify(run.result));
  }
}
await closeMonteCarloPools();

console.log(`Monte Carlo, default annual plan (phase 1), ${DRAWS} draws, ${scenario.name}`);
console.log(`cores: ${cores}; worker start-up (all pools, once): ${startupMs.toFixed(0)} ms`);
const one = median(rates.get(1)!);
for (const n of configs) {
  const r = median(rates.get(n)!);
  console.log(`  ${n} worker${n === 1 ? ' ' : 's'}: ${r.toFixed(0).padStart(6)} draws/s  (runs: ${rates.get(n)!.map((x) => x.toFixed(0)).join(', ')})  speed-up ×${(r / one).toFixed(2)}`);
}
const best = median(rates.get(cores)!);
const same = new Set(results.values()).size === 1;
console.log(`same result with 1 and ${cores} workers: ${same ? 'yes' : 'NO'}`);
console.log(`target ≥ ${TARGET_DRAWS_PER_SECOND} draws/s with all cores: ${best >= TARGET_DRAWS_PER_SECOND ? 'met' : 'NOT met'} (${best.toFixed(0)})`);
if (!same) process.exitCode = 1;
