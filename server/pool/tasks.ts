/**
 * What the CPU pool's threads do (loaded through worker.mjs): the whole optimisation pipeline
 * (check, model, solve, plan, the rule's second solve, the diagnosis), a bare solve, the analyses
 * answered in the request (sensitivity, alternatives, contracts, phasing), chunks of Monte Carlo
 * draws, runs of sweep points, and network workbooks written and read. Everything here runs in this thread.
 */
import type { MessagePort } from 'node:worker_threads';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import type { LpModel, SolveResult } from '../core/lp.ts';
import { inputsHasher, networkForScenario, runPipeline } from '../core/pipeline.ts';
import { modelSize, readScenarioText, type BodyRefusal } from '../api/scenario-body.ts';
import { Plan as PlanSchema, type Plan, withoutFlows } from '../core/plan-schema.ts';
import type { PlanHead } from '../optimise.ts';
import type { Network, Scenario } from '../core/schema.ts';
import { AnalysisRefusal, ScenarioProblemsError } from '../analysis/common.ts';
import { ALTERNATIVES_ENGINE, nearOptimalAlternatives } from '../analysis/alternatives.ts';
import { contracts } from '../analysis/contracts.ts';
import { phasing } from '../analysis/phasing.ts';
import { checkScenario, type Problem } from '../core/consistency.ts';
import { sensitivity as sensitivityReport } from '../analysis/sensitivity.ts';
import { buildFastModel, emptyTable, runDraws, summariseTable, type DrawSpec, type DrawTable, type FastModel } from '../analysis/montecarlo.ts';
import { errorMessage, makeStats } from '../solver/common.ts';
import { solveModelInProcess, type SolveModelOptions } from '../solver/inProcess.ts';
import { nativeSha256Hex, solveByDeadline, timedOutSolve } from '../optimise.ts';
import { solveSweepRunHere, type SweepRequest, type SweepRow } from '../analysis/sweep.ts';
import { networkWorkbook as writeNetworkWorkbook, readNetworkWorkbook, scenarioWithWorkbookChanges, scenarioWorkbookNetwork, workbookAnswer, type WorkbookAnswer } from '../api/views/network-workbook.ts';
import type { EngineChoice } from '../core/schema.ts';
import type { RunJson } from '../store/store.ts';
import { comparisonBytes, runViewBytes, type RunView, type ViewBytes } from '../api/views/run-views.ts';
import { epochMs, lowerThreadPriority, markPoolThread, type PlanTiming } from './context.ts';
import { networkOf, type MissingNetwork, type NetworkRef } from './networks.ts';
import type { BodyRead, PlanBody, PlanTask } from './plan-task.ts';
import type { AnalysisTask } from './analysis-task.ts';
import { readAnalysisText, type AnalysisRoute } from '../api/analysis-requests.ts';

export type { BodyRead, PlanBody, PlanTask } from './plan-task.ts';
export type { AnalysisTask } from './analysis-task.ts';
import { claimTask, isCancelled, TaskCancelledError } from './cancel.ts';

markPoolThread();
lowerThreadPriority();

declare module './pool.ts' {
  interface PoolTasks {
    plan: [PlanTask, PlanTaskResult | PlanProblems | PlanRefusal | PlanExpired | MissingNetwork];
    solve: [SolveTask, SolveResult];
    analysis: [AnalysisTask, AnalysisTaskResult];
    analysisText: [AnalysisTextTask, AnalysisTaskResult | PlanRefusal | PlanExpired | MissingNetwork];
    drawChunk: [DrawChunkTask, DrawChunkResult];
    sweepPoints: [SweepPointsTask, SweepPointsResult | MissingNetwork];
    workbook: [WorkbookTask, WorkbookAnswer | MissingNetwork];
    networkWorkbook: [NetworkWorkbookTask, { readonly bytes: Uint8Array } | MissingNetwork];
    runView: [RunViewTask, ViewBytes];
    comparison: [ComparisonTask, ViewBytes];
  }
}

/** A body refused where it was read: the 400 or 422 the route answers. */
export interface PlanRefusal {
  readonly refusal: BodyRefusal;
}

/** The task's time limit was over before it started: the caller answers a stopped plan. */
export interface PlanExpired {
  readonly expired: true;
  /** A body's task: what it read (its answer may come before the `started` port's message). */
  readonly read?: BodyRead['read'];
}

/** Why the scenario cannot be a model (`check`): every problem, nothing built. */
export interface PlanProblems {
  readonly problems: readonly Problem[];
}

/**
 * The plan as an object, or, when its JSON was asked for, only that text as UTF-8 bytes in a buffer of
 * their own, moved to the event loop rather than copied: it sends them as they are (no string to
 * receive, join to the headers and encode there) and parses them only if a route reads the plan,
 * rather than this thread cloning the object graph (~2 ms). Either way with the thread's timing.
 */
export type PlanTaskResult = { readonly plan: Plan; readonly json: null; readonly timing: PlanTiming } | SerialisedPlan;

/** A plan's JSON text as UTF-8 bytes (their buffer moved to the event loop, not copied), and where the thread's time went. */
export interface SerialisedPlan {
  readonly bytes: Uint8Array;
  readonly timing: PlanTiming;
  /** What a stored run's row records of the plan, so the event loop need not parse the bytes for it. */
  readonly head: PlanHead;
}

const utf8 = new TextEncoder();

export async function plan(task: PlanTask): Promise<PlanTaskResult | PlanProblems | PlanRefusal | PlanExpired | MissingNetwork> {
  const startedAt = epochMs();
  const { cancel } = task;
  // Cancelled while it waited: no one wants it.
  if (cancel && !claimTask(cancel)) throw new TaskCancelledError();
  const given = task.body ? readPlanBody(task.body, task.network, task.started) : { scenario: task.scenario!, network: networkOf(task.network), deadline: task.deadline, read: undefined };
  if ('refusal' in given) {
    task.started?.close();
    return given;
  }
  const { scenario, network, deadline, read } = given;
  if (!network) return { missingNetwork: true };
  // Its time was over while it waited (a body's limit is known only once read): nothing is built.
  if (Date.now() >= deadline) {
    task.started?.close();
    return { expired: true, read };
  }
  if (task.check) {
    // Against the network the pipeline builds from (as it checks it), so a scenario it would refuse
    // is refused here with its problems, never answered as a plan with status "error".
    const problems = checkScenario(scenario, networkForScenario(scenario, network));
    if (problems.length > 0) {
      task.started?.close();
      return { problems };
    }
  }
  const full = await runPipeline(
    scenario,
    network,
    (model, request) => {
      // Cancelled: the solves left end at once, so the pipeline ends (its plan is dropped below).
      if (cancel && isCancelled(cancel)) return Promise.resolve(timedOutSolve(model, request));
      // Each solve gets what is left of the request's time, so the time limit bounds it all.
      return solveByDeadline(deadline, model, request);
    },
    {
      ...task.options,
      sha256: nativeSha256Hex,
      // The build ends at the deadline or on cancellation, so the thread ends by itself rather than
      // being stopped (a stopped thread is replaced by a cold one, seconds on a busy machine).
      shouldStop: () => Date.now() >= deadline || (cancel !== undefined && isCancelled(cancel)),
      onStarted: task.started
        ? (info) => {
            task.started!.postMessage(info);
            task.started!.close();
          }
        : undefined,
    },
  );
  if (cancel && isCancelled(cancel)) throw new TaskCancelledError();
  const pipelineDoneAt = epochMs();
  const result: Plan = task.flows === false ? withoutFlows(full) : full;
  const timing = (serialiseMs: number): PlanTiming => ({
    startedAt,
    finishedAt: epochMs(),
    pipelineMs: pipelineDoneAt - startedAt,
    buildMs: full.solver.buildMs,
    solveMs: full.solver.solveMs,
    serialiseMs,
  });
  if (!task.json) return { plan: result, json: null, timing: timing(0) };
  // The response's validation and serialisation, here rather than on the event loop. A plan that
  // breaks its schema (a number that is not finite, ...) is a failure, never a silent null.
  // TextEncoder gives the bytes an ArrayBuffer of their own (never a shared pool slab), so they can move.
  const bytes = utf8.encode(JSON.stringify(PlanSchema.parse(result)));
  const head: PlanHead = { status: result.status, inputsHash: result.inputsHash, modelVersion: result.modelVersion };
  const serialised: SerialisedPlan = { bytes, timing: timing(epochMs() - pipelineDoneAt), head };
  // The bytes' buffer moves; the rest (the timing) is copied.
  return move({ [transferableSymbol]: bytes.buffer, [valueSymbol]: serialised } as never) as unknown as SerialisedPlan;
}

/**
 * A plan's scenario read from its body text (scenario-body.ts), its time limit capped as a route
 * caps it and counted from the request's arrival; its size checked against the cap. Posts what the
 * event loop needs to stop the thread in time (`BodyRead`) on `started`.
 */
function readPlanBody(
  body: PlanBody,
  defaultNetwork: NetworkRef,
  started: MessagePort | undefined,
): { scenario: Scenario; network: Network | null; deadline: number; read?: BodyRead['read'] } | PlanRefusal {
  const text = readScenarioText(body.text);
  if ('refusal' in text) return text;
  const timeLimitMs = Math.min(text.scenario.timeLimitMs, body.maxSolveMs);
  const scenario: Scenario = { ...text.scenario, timeLimitMs };
  const network = scenario.network ?? networkOf(defaultNetwork);
  if (!network) return { scenario, network: null, deadline: 0 };
  const size = modelSize(scenario, network, body.maxModelVariables);
  if (size.refusal) return { refusal: size.refusal };
  const read: BodyRead['read'] = { scenario: { ...scenario, network: undefined }, timeLimitMs, inputsHash: inputsHasher(scenario, network, nativeSha256Hex)('none', '') };
  started?.postMessage({ read } satisfies BodyRead);
  return { scenario, network, deadline: body.receivedAt + timeLimitMs, read };
}

export interface SolveTask {
  readonly model: LpModel;
  readonly options: SolveModelOptions;
}

export async function solve(task: SolveTask): Promise<SolveResult> {
  try {
    return await solveModelInProcess(task.model, task.options);
  } catch (e) {
    return { status: 'error', message: `worker failed: ${errorMessage(e)}`, stats: makeStats(task.model, 'highs', 'unknown', 0) };
  }
}

/** A report, or why the analysis refused the request (a problem list or a reason); anything else throws. */
export type AnalysisTaskResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly refusal: string; readonly problems: readonly Problem[] | null };

export async function analysis(task: AnalysisTask): Promise<AnalysisTaskResult> {
  try {
    switch (task.kind) {
      case 'sensitivity':
        return { ok: true, value: await sensitivityReport(task.scenario, task.network, task.options) };
      case 'alternatives': {
        const { scenario } = task;
        const solveHere = (model: LpModel, options?: { readonly warmStart?: boolean }) =>
          solveModelInProcess(model, { engine: ALTERNATIVES_ENGINE, timeLimitMs: scenario.timeLimitMs, warmStart: options?.warmStart });
        return { ok: true, value: await nearOptimalAlternatives(scenario, task.network, solveHere, { tolerance: task.tolerance }) };
      }
      case 'contracts':
        return { ok: true, value: await contracts(task.scenario, task.network, { solve: solveModelInProcess }) };
      case 'fast-model':
        return { ok: true, value: buildFastModel(task.scenario, task.network) };
      case 'mc-summary':
        return { ok: true, value: summariseTable({ markets: task.markets }, task.request, task.table) };
      case 'phasing': {
        const { plan, ...chart } = await phasing(task.request, task.network, { inProcess: true });
        return { ok: true, value: { ...chart, why: plan.why } };
      }
    }
  } catch (e) {
    if (e instanceof ScenarioProblemsError) return { ok: false, refusal: e.message, problems: e.problems };
    if (e instanceof AnalysisRefusal) return { ok: false, refusal: e.message, problems: null };
    throw e;
  }
}

/** An analysis answered in the request, asked for by a large body's text, read here (analysis-requests.ts). */
export interface AnalysisTextTask {
  readonly route: AnalysisRoute;
  readonly text: string;
  /** The service's ceiling on a scenario's `timeLimitMs`. */
  readonly maxSolveMs: number;
  /** Largest model (variables) the service builds. */
  readonly maxModelVariables: number;
  /** Epoch ms when the request arrived: its time limit counts from there. */
  readonly receivedAt: number;
  /** The default network, for a scenario without one of its own. */
  readonly network: NetworkRef;
}

/**
 * Reads the body as its route would (the same 400s and 422s), then runs the analysis it asks for,
 * unless its time was over while it waited.
 */
export async function analysisText(task: AnalysisTextTask): Promise<AnalysisTaskResult | PlanRefusal | PlanExpired | MissingNetwork> {
  const defaultNetwork = networkOf(task.network);
  if (!defaultNetwork) return { missingNetwork: true };
  const work = readAnalysisText(task.route, task.text, { maxSolveMs: task.maxSolveMs, maxModelVariables: task.maxModelVariables, defaultNetwork });
  if ('refusal' in work) return work;
  if (Date.now() >= task.receivedAt + work.limitMs) return { expired: true };
  return analysis(work.task);
}

export interface DrawChunkTask {
  /** Identifies the job's model: a thread keeps the last few it was sent. */
  readonly jobKey: string;
  /** Sent when the thread asked for it (`{ missing: true }`). */
  readonly fast?: FastModel;
  readonly spec?: DrawSpec;
  readonly from: number;
  readonly to: number;
}

export type DrawChunkResult = { readonly missing: true } | { readonly missing: false; readonly table: DrawTable };

const jobs = new Map<string, { fast: FastModel; spec: DrawSpec }>();
const KEPT_JOBS = 4;

export async function drawChunk(task: DrawChunkTask): Promise<DrawChunkResult> {
  if (task.fast && task.spec) {
    jobs.delete(task.jobKey);
    jobs.set(task.jobKey, { fast: task.fast, spec: task.spec });
    while (jobs.size > KEPT_JOBS) jobs.delete(jobs.keys().next().value!);
  }
  const job = jobs.get(task.jobKey);
  if (!job) return { missing: true };
  const table = emptyTable(task.to - task.from, job.fast.markets.length);
  await runDraws(job.fast, job.spec, task.from, task.to, table, task.from);
  return { missing: false, table };
}

export interface SweepPointsTask {
  readonly request: SweepRequest;
  readonly network: NetworkRef;
  readonly from: number;
  readonly to: number;
  readonly engine?: EngineChoice;
  /** Told the number of points solved so far, after each point. */
  readonly progress?: MessagePort;
}

export interface SweepPointsResult {
  readonly rows: SweepRow[];
}

/** Sweep points [from, to), the model reused across them (server/analysis/sweep-reuse.ts). */
export async function sweepPoints(task: SweepPointsTask): Promise<SweepPointsResult | MissingNetwork> {
  const network = networkOf(task.network);
  if (!network) return { missingNetwork: true };
  try {
    return { rows: await solveSweepRunHere(task.request, network, task.from, task.to, task.engine, (done) => task.progress?.postMessage(done)) };
  } finally {
    task.progress?.close();
  }
}

export interface WorkbookTask {
  /** The uploaded .xlsx bytes. */
  readonly bytes: Uint8Array;
  /** The network whose ids and figures the workbook is read against. */
  readonly network: NetworkRef;
  /**
   * A stored scenario's JSON text (`?scenario=<id>` on the upload): the workbook is read against
   * that scenario's workbook network, and the answer is the scenario with the changes.
   */
  readonly scenarioJson?: string;
  /** That scenario's id: a workbook made from another scenario is refused. */
  readonly scenarioId?: string;
}

/**
 * An uploaded network workbook read into overrides, or its problems: unzipping and parsing its XML
 * (a 1 MB .xlsx can hold a hundred times that) is seconds of CPU.
 */
export async function workbook(task: WorkbookTask): Promise<WorkbookAnswer | MissingNetwork> {
  const network = networkOf(task.network);
  if (!network) return { missingNetwork: true };
  const bytes = Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength);
  if (task.scenarioJson === undefined) return workbookAnswer(await readNetworkWorkbook(bytes, network));
  const stored = JSON.parse(task.scenarioJson) as Scenario;
  const result = await readNetworkWorkbook(bytes, scenarioWorkbookNetwork(stored, network).network, { scenarioId: task.scenarioId });
  if (!result.ok) return workbookAnswer(result);
  return { ...result, scenario: scenarioWithWorkbookChanges(stored, result.overrides, result.name) };
}

export interface NetworkWorkbookTask {
  /** The default network. */
  readonly network: NetworkRef;
  /** The scenario name the workbook's README carries (without a stored scenario). */
  readonly name: string;
  /**
   * A stored scenario's JSON text, as stored (checked when it was written): the workbook then holds
   * its network (its own, or the default one) after its per-id overrides, and carries its name.
   * Parsed here, not on the event loop: a scenario with a network of its own is up to a megabyte.
   */
  readonly scenarioJson?: string;
  /** That scenario's id, written into the README so an upload can check it comes back to it. */
  readonly scenarioId?: string;
  /** Its version, written beside the id: an upload of a workbook of an older version is refused. */
  readonly scenarioVersion?: number;
}

/** A network as an editable workbook (.xlsx bytes): a 1 MB network is a second of zip and XML. */
export async function networkWorkbook(task: NetworkWorkbookTask): Promise<{ readonly bytes: Uint8Array } | MissingNetwork> {
  const network = networkOf(task.network);
  if (!network) return { missingNetwork: true };
  if (task.scenarioJson === undefined) return { bytes: await writeNetworkWorkbook(network, task.name) };
  const { network: withOverrides, name } = scenarioWorkbookNetwork(JSON.parse(task.scenarioJson) as Scenario, network);
  const from = task.scenarioId === undefined || task.scenarioVersion === undefined ? undefined : { id: task.scenarioId, version: task.scenarioVersion };
  return { bytes: await writeNetworkWorkbook(withOverrides, name, from) };
}

export interface RunViewTask {
  readonly run: RunJson;
  readonly view: RunView;
}

export interface ComparisonTask {
  readonly a: RunJson;
  readonly b: RunJson;
}

/** The answer's bytes move to the event loop (their buffer is theirs alone); the ETag is copied. */
function moved(answer: ViewBytes): ViewBytes {
  return move({ [transferableSymbol]: answer.bytes.buffer, [valueSymbol]: answer } as never) as unknown as ViewBytes;
}

/** A view of a stored run (the run, its flows, its allocation CSV), from its JSON text. */
export function runView(task: RunViewTask): ViewBytes {
  return moved(runViewBytes(task.run, task.view));
}

/** Two stored runs compared, from their JSON text. */
export function comparison(task: ComparisonTask): ViewBytes {
  return moved(comparisonBytes(task.a, task.b));
}
