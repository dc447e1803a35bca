/**
 * `npm run backtest`: the 2025 back-test of the market-clearing model calibrated on 2024
 * (docs/backtest.md). Prints the calibration's moved and bound-hitting parameters, the table
 * (modelled vs observed with the error), the targets met or missed, and where the model is wrong;
 * writes the table as CSV (--out, default var/backtest-2025.csv).
 *
 * `npm run calibrate`: re-fits 2024 and writes data/calibration-2024.json (--out to write elsewhere).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { MarketCalibration } from '../core/calibration.ts';
import { optimise } from '../optimise.ts';
import type { SolveFn } from '../core/pipeline.ts';
import { DEFAULT_CALIBRATION_URL, loadDefaultNetwork, readMarketHistory } from '../data/load.ts';
import { solveModelInProcess } from '../solver/inProcess.ts';
import { runBacktest, type BacktestResult } from './backtest.ts';
import { backtestCsv } from './csv.ts';
import { calibrateKazakhMarket } from './kazakh-market.ts';

const USAGE = 'usage: npm run backtest -- [--out file.csv] [--json]   |   npm run calibrate -- [--out file.json]\n(the back-test is the market-clearing model on 2025, calibrated on 2024: it takes no year or mode)';

/** The options, or exit 2 with the usage: an unknown option (a year, a mode) is refused, never ignored. */
function readArgs(argv: string[]): { calibrate: boolean; out: string | undefined; json: boolean } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: { out: { type: 'string' }, json: { type: 'boolean' } }, allowPositionals: true, strict: true });
    const calibrate = positionals[0] === 'calibrate';
    const extra = positionals.slice(calibrate ? 1 : 0);
    if (extra.length > 0) throw new Error(`unexpected argument "${extra[0]}"`);
    if (values.out !== undefined && values.out.trim() === '') throw new Error('--out needs a file name');
    if (calibrate && values.json) throw new Error('--json is an option of the back-test, not of calibrate');
    return { calibrate, out: values.out, json: values.json ?? false };
  } catch (e) {
    console.error(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    process.exit(2);
  }
}
const args = readArgs(process.argv.slice(2));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** HiGHS in this thread: a few hundred small LPs run faster without a worker round trip. */
export const solveInProcess: SolveFn = (model, request) =>
  solveModelInProcess(model, { engine: 'highs', timeLimitMs: request.timeLimitMs, wantSensitivity: request.wantSensitivity, warmStart: request.warmStart });

function printCalibration(c: MarketCalibration): void {
  console.log(`Calibration: ${c.name}; loss ${c.lossBefore} → ${c.lossAfter} in ${c.solves} solves`);
  const moved = c.parameters.filter((p) => p.value !== p.prior);
  console.log(`  moved ${moved.length} of ${c.parameters.length} parameters:`);
  for (const p of moved) console.log(`    ${p.id.padEnd(34)} ${String(p.prior).padStart(8)} → ${String(p.value).padStart(9)} ${p.unit.padEnd(7)} (${p.movedPct > 0 ? '+' : ''}${p.movedPct} %)${p.atBound ? `  AT ${p.atBound.toUpperCase()} BOUND [${p.lower}, ${p.upper}]` : ''}`);
}

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

function printBacktest(r: BacktestResult): void {
  console.log(`\nBack-test ${r.year}, calibrated on ${r.calibratedOn}`);
  console.log(`${'figure'.padEnd(62)} ${'unit'.padEnd(6)} ${'observed'.padStart(11)} ${'modelled'.padStart(11)} ${'error'.padStart(8)}  observation`);
  for (const row of r.rows) {
    const name = row.name.length > 60 ? `${row.name.slice(0, 57)}...` : row.name;
    const rank = row.modelledRank !== null ? `  rank ${row.modelledRank}/${row.observedRank}` : '';
    console.log(`${name.padEnd(62)} ${row.unit.padEnd(6)} ${fmt(row.observed).padStart(11)} ${fmt(row.modelled).padStart(11)} ${(row.errorPct === null ? '–' : `${row.errorPct > 0 ? '+' : ''}${row.errorPct.toFixed(1)}%`).padStart(8)}  ${row.observedIsEstimate ? 'estimate' : 'published'}${rank}`);
  }
  console.log('\nTargets');
  for (const t of r.targets) {
    console.log(`  ${t.met ? 'MET   ' : 'MISSED'} ${t.name}: ${t.value}  [${t.evidence}]\n         ${t.detail}`);
    if (t.evidenceNote) console.log(`         ${t.evidenceNote}`);
  }
  console.log('\nWhere the model is wrong');
  for (const line of r.narrative) console.log(`  - ${line}`);
}

async function main(): Promise<void> {
  const network = loadDefaultNetwork();
  const history = readMarketHistory();
  if (args.calibrate) {
    const t0 = performance.now();
    const calibration = await calibrateKazakhMarket(network, history, solveInProcess);
    const out = resolve(args.out ?? fileURLToPath(DEFAULT_CALIBRATION_URL));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(calibration, null, 2)}\n`);
    printCalibration(calibration);
    console.log(`wrote ${out} (${Math.round(performance.now() - t0)} ms)`);
    return;
  }
  const calibration = network.calibration;
  if (!calibration) throw new Error('no data/calibration-2024.json: run `npm run calibrate` first');
  const result = await runBacktest(network, history, calibration, (scenario, net) =>
    optimise(scenario, net, { ranges: false, competitorImpact: false, policyCost: false, exactPriceGaps: false, inProcess: true }),
  );
  printCalibration(calibration);
  printBacktest(result);
  if (args.json) console.log(JSON.stringify(result, null, 2));
  const out = resolve(args.out ?? `${ROOT}var/backtest-2025.csv`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, backtestCsv(result));
  console.log(`\nwrote ${out}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
