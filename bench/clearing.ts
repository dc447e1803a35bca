/**
 * `npm run bench` (second part): the market-clearing mode against the price-taker mode on the same
 * networks, measured side by side in this run.
 * - The default clearing plan (data/scenarios/clearing-phase1.json) end to end, with and without the
 *   extra solves (the rule's cost, our tonnes' ranges, the largest competitor's impact), against its
 *   bare HiGHS solve with duals (target: the plan under 50 ms).
 * - Generated networks from ~300 to ~20,000 variables: the size of both models (rows, columns,
 *   nonzeros, as built and after HiGHS presolve), then the clearing solve against the price-taker
 *   solve of the same network, wall-clock and CPU time (target ratio ≤ 3).
 * Every solve here is the product's own: `solveModelInProcess` with HiGHS, duals and ranging, as a
 * clearing plan asks for it (its prices are duals, its binding rows carry ranges). Both modes run
 * with the same HiGHS options, the adapter's LP_OPTIONS (printed with the table), so the ratio
 * compares the two models and nothing else.
 */
import { readFileSync } from 'node:fs';
import type { LpModel, SolveResult } from '../server/core/lp.ts';
import { buildModel } from '../server/core/model.ts';
import { optimise } from '../server/optimise.ts';
import { networkForScenario } from '../server/core/pipeline.ts';
import { Scenario } from '../server/core/schema.ts';
import { loadDefaultNetwork } from '../server/data/load.ts';
import { LP_OPTIONS, modelDimensions, type ModelDimensions } from '../server/solver/highs.ts';
import { solveModelInProcess } from '../server/solver/inProcess.ts';
import { timeInterleaved, timeInterleavedWithCpu } from './timing.ts';
import { benchClearingNetwork } from '../tests/clearing/generate.ts';

const ok = (r: SolveResult | { status: string }, what: string) => {
  if (r.status !== 'optimal') throw new Error(`${what}: ${r.status}`);
};
const solveHighs = async (model: LpModel, what: string) => ok(await solveModelInProcess(model, { engine: 'highs', timeLimitMs: 120_000, wantSensitivity: true }), what);
const load = (file: string) => Scenario.parse(JSON.parse(readFileSync(new URL(`../data/scenarios/${file}.json`, import.meta.url), 'utf8')));

const network = loadDefaultNetwork();
const clearing = load('clearing-phase1');
const priceTaker = { ...clearing, market: 'price-taker' as const };
const clearingModel = buildModel(networkForScenario(clearing, network), clearing).model;
const priceTakerModel = buildModel(networkForScenario(priceTaker, network), priceTaker).model;
const core = { inProcess: true, ranges: false, competitorImpact: false, policyCost: false } as const;
const [bareClearing, barePriceTaker, planCore, planFull] = await timeInterleaved(20, [
  () => solveHighs(clearingModel, 'clearing solve'),
  () => solveHighs(priceTakerModel, 'price-taker solve'),
  async () => ok(await optimise(clearing, network, core), 'clearing plan'),
  async () => ok(await optimise(clearing, network, { inProcess: true }), 'clearing plan, full'),
]);
console.log('default network, phase 1 2027');
console.log(`  clearing model ${clearingModel.variables.length} vars × ${clearingModel.rows.length} rows; price-taker ${priceTakerModel.variables.length} × ${priceTakerModel.rows.length}`);
console.log(`  bare HiGHS solve with duals: clearing ${bareClearing.toFixed(2)} ms, price-taker ${barePriceTaker.toFixed(2)} ms, ratio ${(bareClearing / barePriceTaker).toFixed(2)} (target ≤ 3)`);
console.log(`  clearing plan end to end (model, solve, prices, read-out): ${planCore.toFixed(2)} ms (target < 50 ms), ${(planCore / bareClearing).toFixed(2)} × its bare solve`);
console.log(`  with the rule's cost, our ranges and the competitor's impact (extra solves): ${planFull.toFixed(2)} ms, ${(planFull / bareClearing).toFixed(2)} × its bare solve`);

const size = (d: ModelDimensions) => `${d.rows} × ${d.columns}, ${d.nonzeros} nz`;
const reduced = (d: ModelDimensions) => `${d.presolved.rows} × ${d.presolved.columns}, ${d.presolved.nonzeros} nz`;
const ratio = (a: number, b: number) => (a / b).toFixed(2);

console.log('\ngenerated networks: rows × columns and nonzeros of each model, as built and after HiGHS presolve');
console.log(`${'markets'.padEnd(9)}${'clearing'.padEnd(28)}${'presolved'.padEnd(28)}${'price-taker'.padEnd(28)}presolved`);
const sizes = [20, 100, 400, 800];
const models = sizes.map((markets) => {
  const net = benchClearingNetwork(markets);
  const sc = Scenario.parse({ name: 'bench', market: 'clearing', horizon: { kind: 'annual', year: 2027 } });
  const pt = Scenario.parse({ name: 'bench', horizon: { kind: 'annual', year: 2027 } });
  return { markets, clearing: buildModel(networkForScenario(sc, net), sc).model, priceTaker: buildModel(networkForScenario(pt, net), pt).model };
});
for (const { markets, clearing: cm, priceTaker: pm } of models) {
  const [c, p] = [await modelDimensions(cm), await modelDimensions(pm)];
  console.log(`${String(markets).padEnd(9)}${size(c).padEnd(28)}${reduced(c).padEnd(28)}${size(p).padEnd(28)}${reduced(p)}`);
}

console.log('\nthe clearing solve against the price-taker solve of the same network (HiGHS with duals and ranging), medians');
console.log(`HiGHS options for both modes (the adapter's LP options): ${JSON.stringify(LP_OPTIONS)}`);
console.log(`${'markets'.padEnd(9)}${'clearing'.padStart(12)}${'price-taker'.padStart(13)}${'ratio'.padStart(7)}${'clearing CPU'.padStart(15)}${'price-taker CPU'.padStart(17)}${'CPU ratio'.padStart(11)}`);
let worstWall = 0;
let worstCpu = 0;
for (const { markets, clearing: cm, priceTaker: pm } of models) {
  const repeats = markets >= 400 ? 5 : 9;
  const [c, p] = await timeInterleavedWithCpu(repeats, [() => solveHighs(cm, 'clearing'), () => solveHighs(pm, 'price-taker')], 1);
  worstWall = Math.max(worstWall, c.wallMs / p.wallMs);
  worstCpu = Math.max(worstCpu, c.cpuMs / p.cpuMs);
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  console.log(
    `${String(markets).padEnd(9)}${ms(c.wallMs).padStart(12)}${ms(p.wallMs).padStart(13)}${ratio(c.wallMs, p.wallMs).padStart(7)}${ms(c.cpuMs).padStart(15)}${ms(p.cpuMs).padStart(17)}${ratio(c.cpuMs, p.cpuMs).padStart(11)}`,
  );
}
console.log(`worst clearing / price-taker ratio: ${worstWall.toFixed(2)} wall-clock, ${worstCpu.toFixed(2)} CPU (target ≤ 3)`);
process.exit(0);
