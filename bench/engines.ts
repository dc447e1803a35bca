/**
 * `npm run bench`: every engine on the default scenarios and on generated models of growing size,
 * median of repeated in-process solves. Prints each engine's time and, per instance, the ratio of the
 * automatically chosen engine to the fastest engine measured in this same run (target ≤ 1.5), and the
 * default annual plan end to end (model, solve, plan with duals) against its bare solve.
 */
import { readFileSync } from 'node:fs';
import { buildModel } from '../server/core/model.ts';
import type { LpModel, SolveResult } from '../server/core/lp.ts';
import { optimise } from '../server/optimise.ts';
import { networkForScenario } from '../server/core/pipeline.ts';
import { Scenario } from '../server/core/schema.ts';
import { loadDefaultNetwork } from '../server/data/load.ts';
import { chooseEngine } from '../server/solver/choose.ts';
import { generateTransportModel } from '../server/solver/generate.ts';
import { solveModelInProcess } from '../server/solver/inProcess.ts';
import { solveWithGlpk } from '../tests/oracle/glpk.ts';
import { timeInterleaved } from './timing.ts';

/** javascript-lp-solver keeps a dense tableau: beyond this it needs gigabytes, so it is not run. */
const JS_LP_SOLVER_BENCH_MAX_CELLS = 4_000_000;

function expectOptimal(r: SolveResult | { status: string }, what: string) {
  if (r.status !== 'optimal') throw new Error(`${what}: ${r.status}`);
}

interface Instance {
  name: string;
  model: LpModel;
  repeats: number;
}

const network = loadDefaultNetwork();
const instances: Instance[] = [];
for (const file of ['phase1-annual', 'phase2-annual', 'monthly-ice', 'multi-year', 'contracts-mip']) {
  const scenario = Scenario.parse(JSON.parse(readFileSync(new URL(`../data/scenarios/${file}.json`, import.meta.url), 'utf8')));
  const { model } = buildModel(networkForScenario(scenario, network), scenario);
  instances.push({ name: file, model, repeats: 15 });
}
for (const size of [50, 200, 2_000, 20_000]) {
  instances.push({ name: `generated ~${size}`, model: generateTransportModel(size, 7), repeats: size >= 20_000 ? 3 : size >= 2_000 ? 5 : 15 });
}

const pad = (s: string, n: number) => s.padEnd(n);
const ms = (x: number | null) => (x === null ? '—'.padStart(10) : `${x.toFixed(2)} ms`.padStart(10));
console.log(`${pad('instance', 20)}${pad('vars', 7)}${pad('rows', 7)}${pad('ints', 6)}${'jsLpSolver'.padStart(10)}${'HiGHS'.padStart(10)}${'GLPK*'.padStart(10)}  ${pad('auto →', 12)}${'auto'.padStart(10)}  auto/fastest`);
let worst = 0;
for (const inst of instances) {
  const { model, repeats } = inst;
  const ints = model.variables.filter((v) => v.kind !== 'continuous').length;
  const cells = model.variables.length * model.rows.length;
  const timeLimitMs = 120_000;
  const contenders: (() => Promise<unknown>)[] = [];
  const runJs = ints === 0 && cells <= JS_LP_SOLVER_BENCH_MAX_CELLS;
  if (runJs) contenders.push(async () => expectOptimal(await solveModelInProcess(model, { engine: 'jsLpSolver', timeLimitMs }), 'jsLpSolver'));
  contenders.push(async () => expectOptimal(await solveModelInProcess(model, { engine: 'highs', timeLimitMs }), 'highs'));
  contenders.push(async () => expectOptimal(await solveModelInProcess(model, { engine: 'auto', timeLimitMs }), 'auto'));
  if (ints === 0) contenders.push(async () => expectOptimal(await solveWithGlpk(model), 'glpk'));
  const times = await timeInterleaved(repeats, contenders);
  const js = runJs ? times.shift()! : null;
  const [highs, auto] = times;
  const glpk = ints === 0 ? times[2] : null;
  const choice = chooseEngine(model, { engine: 'auto' });
  // The product's engines are javascript-lp-solver and HiGHS; GLPK (*) is the test oracle, shown for scale.
  const fastest = Math.min(...[js, highs].filter((x): x is number => x !== null));
  const ratio = auto / fastest;
  worst = Math.max(worst, ratio);
  console.log(`${pad(inst.name, 20)}${pad(String(model.variables.length), 7)}${pad(String(model.rows.length), 7)}${pad(String(ints), 6)}${ms(js)}${ms(highs)}${ms(glpk)}  ${pad(choice.engine, 12)}${ms(auto)}  ${ratio.toFixed(2)}${ratio > 1.5 ? '  (over 1.5)' : ''}`);
}
console.log(`\nworst auto/fastest ratio: ${worst.toFixed(2)} (target ≤ 1.5)`);

// The default annual plan end to end, in this thread: model + solve with duals + plan read-back.
const annual = Scenario.parse(JSON.parse(readFileSync(new URL('../data/scenarios/phase1-annual.json', import.meta.url), 'utf8')));
const annualModel = instances[0].model;
const [bare, plan, planWithRule] = await timeInterleaved(30, [
  async () => expectOptimal(await solveModelInProcess(annualModel, { engine: 'highs', timeLimitMs: 10_000, wantSensitivity: true }), 'bare'),
  async () => expectOptimal(await optimise(annual, network, { inProcess: true, policyCost: false }), 'plan'),
  async () => expectOptimal(await optimise(annual, network, { inProcess: true }), 'plan+rule'),
]);
console.log(`\ndefault annual plan (model + solve with duals + plan): ${plan.toFixed(2)} ms (target < 20 ms); bare HiGHS solve with duals ${bare.toFixed(2)} ms; ratio ${(plan / bare).toFixed(2)}`);
console.log(`default annual plan including the cost of the 50 % rule (a second solve): ${planWithRule.toFixed(2)} ms; ratio to bare solve ${(planWithRule / bare).toFixed(2)}`);

// Calibration (2024) and back-test (2025) of the market-clearing model, as ratios to one clearing
// solve of the same market measured in this run (HiGHS with duals, in this thread).
{
  const { calibrateKazakhMarket } = await import('../server/backtest/kazakh-market.ts');
  const { runBacktest } = await import('../server/backtest/backtest.ts');
  const { solveMarketYear } = await import('../server/backtest/market-year.ts');
  const { readMarketHistory } = await import('../server/data/load.ts');
  const history = readMarketHistory();
  const calibration = network.calibration;
  const { calibration: _c, ...base } = network;
  const solveFn = (model: LpModel, request: { timeLimitMs: number; wantSensitivity: boolean }) =>
    solveModelInProcess(model, { engine: 'highs', timeLimitMs: request.timeLimitMs, wantSensitivity: request.wantSensitivity });
  const fast = { ranges: false, competitorImpact: false, policyCost: false, exactPriceGaps: false, inProcess: true } as const;
  const [oneSolve] = await timeInterleaved(15, [async () => solveMarketYear(base, 2024, solveFn)]);
  const t0 = performance.now();
  const fitted = await calibrateKazakhMarket(network, history, solveFn);
  const calibrateMs = performance.now() - t0;
  const [backtestMs] = await timeInterleaved(5, [async () => runBacktest(network, history, calibration ?? fitted, (s, n) => optimise(s, n, fast))]);
  console.log(`\nclearing solve of the 2024 market (build + HiGHS with duals + read-out): ${oneSolve.toFixed(2)} ms`);
  console.log(`calibration to 2024 (${fitted.solves} solves): ${calibrateMs.toFixed(0)} ms; ratio to one clearing solve ${(calibrateMs / oneSolve).toFixed(1)}`);
  console.log(`back-test of 2025 (plan + report): ${backtestMs.toFixed(2)} ms; ratio to one clearing solve ${(backtestMs / oneSolve).toFixed(2)}`);
}
// Model build and plan read-out per variable, ~1k to ~400k variables.
const { benchScaling } = await import('./scaling.ts');
await benchScaling();
