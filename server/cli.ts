/**
 * Command line: `npm run optimise -- data/scenarios/<file>.json [--engine highs|jsLpSolver|auto] [--json]`.
 * Exit codes: 0 optimal plan, 1 a plan without an optimum (infeasible, unbounded, timed out, error)
 * or, with --alternatives, no room to negotiate measured (the plan is printed, the reason on stderr),
 * 2 bad input (unreadable file, invalid scenario, a scenario that cannot be a model, a bad flag).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { checkScenario } from './core/consistency.ts';
import { optimise } from './optimise.ts';
import { networkForScenario } from './core/pipeline.ts';
import { periodsOf } from './core/scenario.ts';
import { EngineChoice, Scenario } from './core/schema.ts';
import { loadDefaultNetwork } from './data/load.ts';
import { ALTERNATIVES_ENGINE, nearOptimalAlternatives, type Alternatives } from './analysis/alternatives.ts';
import { AnalysisRefusal } from './analysis/common.ts';
import { BAD_TEXT_MESSAGE, badText } from './api/body-text.ts';
import { formatAlternativesReport, formatPlanReport } from './report.ts';
import { shutdownSolverPool, solveModel } from './solver/solve.ts';

const USAGE =
  'usage: npm run optimise -- <scenario.json> [--engine auto|highs|jsLpSolver] [--market price-taker|clearing] [--currency USD|KZT] [--json] [--alternatives [--tolerance 0.01]]';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

function zodProblems(error: z.ZodError): string {
  return error.issues.map((i) => `  - ${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`).join('\n');
}

function readArgs() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        engine: { type: 'string' },
        json: { type: 'boolean', default: false },
        alternatives: { type: 'boolean', default: false },
        tolerance: { type: 'string' },
        market: { type: 'string' },
        currency: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    return fail(`${(e as Error).message}\n${USAGE}`);
  }
}

async function main(): Promise<number> {
  const args = readArgs();
  if (args.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const file = args.positionals[0];
  if (!file) fail(`no scenario file given\n${USAGE}`);
  if (args.positionals.length > 1) fail(`one scenario file at a time (got ${args.positionals.length}: ${args.positionals.join(', ')})\n${USAGE}`);
  if (args.values.tolerance !== undefined && !args.values.alternatives) fail(`--tolerance applies to --alternatives only\n${USAGE}`);
  const engine = EngineChoice.safeParse(args.values.engine ?? 'auto');
  if (!engine.success) fail(`unknown engine "${args.values.engine}" (choose auto, highs or jsLpSolver)`);
  const tolerance = args.values.tolerance === undefined ? 0.01 : args.values.tolerance.trim() === '' ? Number.NaN : Number(args.values.tolerance);
  if (!(tolerance >= 0 && tolerance < 1)) fail(`--tolerance must be a share between 0 and 1 (got "${args.values.tolerance}")`);

  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    fail(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  let text: string;
  try {
    // Bytes that are not UTF-8 would become U+FFFD in names without a word: refused, as the API does.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    fail(`${file} is not UTF-8 text: save it as UTF-8`);
  }
  let json: unknown;
  try {
    // A byte-order mark (Windows Notepad writes one) is not part of the JSON: dropped, as the API does.
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    fail(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  // One text policy with the API (both stores): no NUL and no unpaired surrogate anywhere.
  const bad = badText(json);
  if (bad !== null) fail(`${file} is not a valid scenario:\n  - ${bad.length ? bad.join('.') : '(top level)'}: ${BAD_TEXT_MESSAGE}`);
  const parsed = Scenario.safeParse(json);
  if (!parsed.success) fail(`${file} is not a valid scenario:\n${zodProblems(parsed.error)}`);
  const market = args.values.market ?? parsed.data.market;
  if (market !== 'price-taker' && market !== 'clearing') fail(`unknown market mode "${market}" (choose price-taker or clearing)`);
  const currency = (args.values.currency ?? parsed.data.reportCurrency).toUpperCase();
  if (currency !== 'USD' && currency !== 'KZT') fail(`unknown report currency "${args.values.currency}" (choose USD or KZT)`);
  const scenario = { ...parsed.data, market, reportCurrency: currency } as typeof parsed.data;
  const network = scenario.network ?? loadDefaultNetwork();
  const problems = checkScenario(scenario, networkForScenario(scenario, network));
  if (problems.length > 0) fail(`${file} cannot be a model:\n${problems.map((p) => `  - ${p.path.join('.')}: ${p.message}`).join('\n')}`);

  if (args.values.alternatives && scenario.objective !== 'margin')
    fail(`--alternatives measures plans near the best margin: ${file} has the objective "${scenario.objective}"`);

  const plan = await optimise(scenario, network, { engine: engine.data });
  // Room to negotiate: an optimal plan's alternatives, or why there are none (the plan is still printed).
  let alternatives: Alternatives | null = null;
  let noAlternatives: string | null = null;
  if (args.values.alternatives) {
    if (plan.status !== 'optimal') noAlternatives = `the plan is ${plan.status}`;
    else {
      try {
        alternatives = await nearOptimalAlternatives(scenario, network, (model, o) => solveModel(model, { engine: ALTERNATIVES_ENGINE, timeLimitMs: scenario.timeLimitMs, warmStart: o?.warmStart }), { tolerance });
      } catch (e) {
        if (!(e instanceof AnalysisRefusal)) throw e;
        noAlternatives = e.message;
      }
    }
  }
  if (args.values.json) process.stdout.write(`${JSON.stringify(args.values.alternatives ? { plan, alternatives } : plan, null, 2)}\n`);
  else process.stdout.write(`${formatPlanReport(plan, periodsOf(scenario.horizon, scenario.phase).map((p) => p.phase))}\n${alternatives ? `${formatAlternativesReport(alternatives)}\n` : ''}`);
  if (noAlternatives !== null) process.stderr.write(`no room to negotiate: ${noAlternatives}\n`);
  return plan.status === 'optimal' && noAlternatives === null ? 0 : 1;
}

// A reader that stops early (`| head`) closes the pipe: the rest of the output is not wanted, and
// the exit code still says what the plan was.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
});

main()
  .then(async (code) => {
    await shutdownSolverPool();
    process.exit(code);
  })
  .catch((e) => {
    process.stderr.write(`unexpected failure: ${(e as Error).message}\n`);
    process.exit(2);
  });
