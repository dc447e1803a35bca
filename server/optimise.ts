/**
 * The server's optimiser: the shared pipeline (check, model, solve, plan, the rule's second solve,
 * the diagnosis) run whole in the CPU pool, off the event loop. Never throws for model outcomes.
 *
 * Time: the scenario's `timeLimitMs` bounds the whole run, queue included. Each solve is given what
 * is left of it; should the run still be busy `HARD_STOP_GRACE_MS` after the limit (a model build
 * that is too slow, an engine that ignores its limit), its thread is stopped and the plan comes back
 * `timedout`. An aborted `signal` (the client went away) rejects at once with an AbortError
 * (TaskAbortedError) and stops the work: the plan ends before its next solve, its thread stopped only
 * if it is still running `CANCEL_GRACE_MS` later (server/pool/pool.ts).
 */
import { createHash } from 'node:crypto';
import { epochMs, isPoolThread, type PlanTiming } from './pool/context.ts';
import { runTask, TaskTimeoutError } from './pool/pool.ts';
import { solveModelInProcess, type SolveModelOptions } from './solver/inProcess.ts';
import { makeStats } from './solver/common.ts';
import type { LpModel, SolveResult } from './core/lp.ts';
import { type Plan, withoutFlows } from './core/plan-schema.ts';
import { inputsHasher, MODEL_VERSION, networkForScenario, runPipeline, stoppedPlan, type PipelineOptions } from './core/pipeline.ts';
import type { Network, Scenario } from './core/schema.ts';
import { estimateModelSize } from './core/size.ts';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { withNetwork, type NetworkRef } from './pool/networks.ts';
import { yieldToEventLoop } from './event-loop.ts';
import type { BodyRead, PlanTask } from './pool/plan-task.ts';
import { modelSize, readScenarioText, type BodyRefusal } from './api/scenario-body.ts';
import type { CancelFlag } from './pool/cancel.ts';
import { newCancelFlag } from './pool/cancel.ts';
import { ScenarioProblemsError } from './analysis/common.ts';
import { checkScenario } from './core/consistency.ts';

export { MODEL_VERSION };

/** Models this large tell their inputsHash before they are built (see optimiseWithJson). */
const LARGE_MODEL_VARIABLES = 20_000;

/** How long past its time limit a run may go before its thread is stopped. */
export const HARD_STOP_GRACE_MS = 500;

export interface OptimiseOptions extends Omit<PipelineOptions, 'now' | 'sha256'> {
  /** Run in this thread instead of the pool (benchmarks, tests of the pipeline itself). */
  readonly inProcess?: boolean;
  /** Stops the work (the client went away, the job was cancelled). */
  readonly signal?: AbortSignal;
  /** Validate and serialise the plan in the pool thread too; `serialisedPlan(plan)` gives the text. */
  readonly serialise?: boolean;
  /** false: the lighter plan, without the flows' GeoJSON (every figure the same). Default true. */
  readonly flows?: boolean;
  /** The model's variables as the caller counted them (estimateModelSize), so they are not counted again. */
  readonly modelVariables?: number;
  /**
   * In this thread: epoch ms by which every solve of the run must be over, so the time limit bounds
   * the whole run (a sweep point) and not each of its solves (a pool plan has its own).
   */
  readonly deadline?: number;
  /**
   * Check the scenario against its network before anything else, in the thread that runs it: a
   * scenario that cannot be a model rejects with ScenarioProblemsError (every problem), no plan.
   */
  readonly check?: boolean;
}

/** The answer of a solve the time limit left no time for, in the terms of the engine it asked for. */
export function timedOutSolve(model: LpModel, request: Pick<SolveModelOptions, 'engine'>): SolveResult {
  const engine = request.engine === 'jsLpSolver' ? 'jsLpSolver' : 'highs';
  return { status: 'timedout', message: 'the request reached its time limit', stats: makeStats(model, engine, 'unknown', 0) };
}

/** A solve in this thread that ends by `deadline` (epoch ms): it gets what is left, none once it has passed. */
export function solveByDeadline(deadline: number, model: LpModel, request: SolveModelOptions): Promise<SolveResult> {
  const left = deadline - Date.now();
  if (left <= 0) return Promise.resolve(timedOutSolve(model, request));
  return solveModelInProcess(model, { ...request, timeLimitMs: Math.max(1, Math.min(request.timeLimitMs, left)) });
}

const texts = new WeakMap<Plan, string>();

/** The JSON text of a plan `optimise` serialised off the event loop (`serialise: true`); null otherwise. */
export function serialisedPlan(plan: Plan): string | null {
  return texts.get(plan) ?? null;
}

/**
 * The inputs hash through Node's native crypto: the same digest as the engine's pure `sha256Hex`
 * (server/core/hash.ts), faster on a large input. The pool's threads use it too.
 */
export const nativeSha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');
const sha256 = nativeSha256Hex;

export async function optimise(scenario: Scenario, network: Network, options: OptimiseOptions = {}): Promise<Plan> {
  const { plan, json } = await optimiseWithJson(scenario, network, options, options.serialise ?? false);
  if (json !== null) texts.set(plan, json);
  return plan;
}

/** What a stored run's row records of its plan. */
export type PlanHead = Pick<Plan, 'status' | 'inputsHash' | 'modelVersion'>;

/** A plan and, when it was asked for, its JSON text. */
export interface PlanWithJson {
  readonly plan: Plan;
  readonly json: string | null;
  /** The JSON text as UTF-8 bytes, when the pool thread sent it so: a route sends these as they are. */
  readonly bytes?: Buffer;
  /** Where the plan's time went, when it ran in the pool (a route reports it in `Server-Timing`). */
  readonly timing?: PooledTiming;
  /** The plan's status, inputs hash and model version, when the pool thread sent them beside the bytes (read without parsing them). */
  readonly head?: PlanHead;
}

/** Where a pooled plan's time went, in milliseconds. */
export interface PooledTiming {
  /** From handing the task to the pool to its thread starting it: the queue, the copy, the thread's wake-up. */
  readonly waitMs: number;
  /** The pipeline in the thread (check, build, solves, read-out, the rule's second solve, the hash). */
  readonly pipelineMs: number;
  /** Of which the model build. */
  readonly buildMs: number;
  /** Of which the first solve. */
  readonly solveMs: number;
  /** The plan checked against its schema, JSON and UTF-8, in the thread. */
  readonly serialiseMs: number;
  /** From the thread's answer to the event loop taking it up. */
  readonly returnMs: number;
}

function pooledTiming(postedAt: number, thread: PlanTiming): PooledTiming {
  return {
    waitMs: Math.max(0, thread.startedAt - postedAt),
    pipelineMs: thread.pipelineMs,
    buildMs: thread.buildMs,
    solveMs: thread.solveMs,
    serialiseMs: thread.serialiseMs,
    returnMs: Math.max(0, epochMs() - thread.finishedAt),
  };
}

/**
 * A plan known by its JSON text's UTF-8 bytes: decoded into text the first time `json` is read and
 * parsed into the object the first time `plan` is, so a caller that only sends the bytes (the one-off
 * optimise route) neither decodes nor parses them on the event loop.
 */
function parsedWhenRead(bytes: Uint8Array, timing: PooledTiming, head: PlanHead): PlanWithJson {
  const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let json: string | undefined;
  let plan: Plan | undefined;
  const text = () => (json ??= body.toString('utf8'));
  return {
    bytes: body,
    timing,
    head,
    get json() {
      return text();
    },
    get plan() {
      plan ??= JSON.parse(text()) as Plan;
      return plan;
    },
  };
}

/**
 * The plan and, when `json` is asked for, its JSON text, serialised in the pool thread (the event
 * loop sends its bytes as they are; the text is decoded and the plan parsed only when read).
 */
export async function optimiseWithJson(
  scenario: Scenario,
  network: Network,
  options: OptimiseOptions = {},
  json = true,
): Promise<PlanWithJson> {
  const { inProcess, signal, serialise: _, flows = true, modelVariables, deadline: runDeadline, check = false, ...pipelineOptions } = options;
  const limitMs = Number.isFinite(scenario.timeLimitMs) && scenario.timeLimitMs > 0 ? scenario.timeLimitMs : 60_000;
  if (inProcess || isPoolThread()) {
    // Checked against the network the pipeline will build from (the scenario's view of it: in the
    // price-taker mode a market only competitors sell in is not there), as the pipeline checks it.
    const problems = check ? checkScenario(scenario, networkForScenario(scenario, network)) : [];
    if (problems.length > 0) throw new ScenarioProblemsError(problems);
    // The time limit bounds the whole run here too: the build stops between its steps once it has
    // passed, each solve gets what is left of it and none starts after it (javascript-lp-solver's
    // solve cannot be stopped part-way).
    const inProcessDeadline = runDeadline ?? Date.now() + limitMs;
    const solve = (model: LpModel, request: SolveModelOptions) => solveByDeadline(inProcessDeadline, model, request);
    const shouldStop = () => Date.now() >= inProcessDeadline;
    const full = await runPipeline(scenario, network, solve, { ...pipelineOptions, sha256, shouldStop });
    const plan = flows ? full : withoutFlows(full);
    return { plan, json: json ? JSON.stringify(plan) : null };
  }
  const started = performance.now();
  // A large model: the thread tells, before it builds, the inputsHash a stopped plan carries, so
  // stopping it leaves nothing to hash here (tens of milliseconds on the event loop otherwise).
  const large = (modelVariables ?? estimateModelSize(scenario, network, LARGE_MODEL_VARIABLES).variables) > LARGE_MODEL_VARIABLES;
  const deadline = Date.now() + limitMs;
  const outcome = await pooledPlan(network, { signal, timeoutMs: limitMs, ports: large }, (ref, startedPort, cancel) => ({
    scenario,
    network: ref,
    options: pipelineOptions,
    deadline,
    json,
    flows,
    started: startedPort,
    cancel,
    check,
  }));
  if ('done' in outcome) return outcome.done;
  const message = `The run reached its time limit of ${limitMs} ms and was stopped.`;
  const plan = stoppedPlan(scenario, network, 'timedout', message, performance.now() - started, sha256, outcome.knownHash);
  return { plan, json: json ? JSON.stringify(plan) : null };
}

/** A scenario's request body, as text, with what the route applies to the scenario it holds. */
export interface ScenarioBodyText {
  readonly text: string;
  /** The service's ceiling on a scenario's `timeLimitMs`. */
  readonly maxSolveMs: number;
  /** Largest model (variables) the service builds. */
  readonly maxModelVariables: number;
}

/**
 * As `optimiseWithJson` (checked, in the pool, serialised there), for a scenario still in its body's
 * text: the pool thread reads it (JSON, text policy, schema, size cap), so a body of half a
 * megabyte is never parsed, validated or copied on the event loop. A body refused there rejects
 * with BodyRefusalError (the route's 400 or 422). The time limit counts from this call; until the
 * thread has read the scenario's own limit, the service's ceiling bounds the thread.
 */
export async function optimiseBodyWithJson(
  body: ScenarioBodyText,
  defaultNetwork: Network,
  options: {
    readonly signal?: AbortSignal;
    readonly flows?: boolean;
    /** The time the thread has until it has read the scenario's own limit. Default: the service's ceiling. */
    readonly provisionalLimitMs?: number;
  } = {},
): Promise<PlanWithJson> {
  const started = performance.now();
  const receivedAt = epochMs();
  const { signal, flows = true, provisionalLimitMs = body.maxSolveMs } = options;
  let read: BodyRead['read'] | undefined;
  const outcome = await pooledPlan(
    defaultNetwork,
    {
      signal,
      timeoutMs: provisionalLimitMs,
      ports: true,
      onRead: (r, retime) => {
        read = r;
        retime(Math.max(1, receivedAt + r.timeLimitMs - epochMs()));
      },
      onExpired: (r) => {
        read = r;
      },
    },
    (ref, startedPort, cancel) => ({
      body: { ...body, receivedAt },
      network: ref,
      options: {},
      deadline: receivedAt + body.maxSolveMs,
      json: true,
      flows,
      started: startedPort,
      cancel,
      check: true,
    }),
  );
  if ('done' in outcome) return outcome.done;
  // Stopped before its thread had read the body (queued past the limit its text gives): read here,
  // once, to answer the same stopped plan (or the same refusal) as a thread would have.
  const stopped = read ?? (await readForStoppedPlan(body, defaultNetwork));
  const message = `The run reached its time limit of ${stopped.timeLimitMs} ms and was stopped.`;
  const plan = stoppedPlan(stopped.scenario, defaultNetwork, 'timedout', message, performance.now() - started, sha256, stopped.inputsHash);
  return { plan, json: JSON.stringify(plan) };
}

/**
 * What a pool thread reads of a body for a stopped plan (tasks.ts, readPlanBody), read on the event
 * loop, which answers what is waiting between the steps (the parse and schema check, the size, the
 * network's digest: tens of milliseconds each on half a megabyte).
 */
async function readForStoppedPlan(body: ScenarioBodyText, defaultNetwork: Network): Promise<BodyRead['read']> {
  await yieldToEventLoop();
  const text = readScenarioText(body.text);
  if ('refusal' in text) throw new BodyRefusalError(text.refusal);
  const timeLimitMs = Math.min(text.scenario.timeLimitMs, body.maxSolveMs);
  const scenario: Scenario = { ...text.scenario, timeLimitMs };
  const network = scenario.network ?? defaultNetwork;
  await yieldToEventLoop();
  const { refusal } = modelSize(scenario, network, body.maxModelVariables);
  if (refusal) throw new BodyRefusalError(refusal);
  await yieldToEventLoop();
  return { scenario: { ...scenario, network: undefined }, timeLimitMs, inputsHash: inputsHasher(scenario, network, sha256)('none', '') };
}

/** A body its pool thread refused: the route's 400 or 422. */
export class BodyRefusalError extends Error {
  constructor(readonly refusal: BodyRefusal) {
    super(refusal.message);
    this.name = 'BodyRefusalError';
  }
}

interface PooledPlanOptions {
  readonly signal?: AbortSignal;
  /** The task's time, from now; the thread is stopped HARD_STOP_GRACE_MS past it. */
  readonly timeoutMs: number;
  /** Give the thread a port to tell what it read and the stopped plan's inputsHash on. */
  readonly ports: boolean;
  /** The thread read a body: its scenario's time limit is known, and the task can be given less time. */
  readonly onRead?: (read: BodyRead['read'], retime: (timeoutMs: number) => void) => void;
  /** The thread read a body and found its time over: what it read (its port's message may still be on its way). */
  readonly onExpired?: (read: BodyRead['read']) => void;
}

/**
 * A plan task in the pool (networks.ts sends the network once): the plan, or, when the thread was
 * stopped at the time limit, what it told of its inputs first. Problems and refusals reject.
 */
async function pooledPlan(
  network: Network,
  options: PooledPlanOptions,
  task: (ref: NetworkRef, started: MessagePort | undefined, cancel: CancelFlag) => PlanTask,
): Promise<{ readonly done: PlanWithJson } | { readonly knownHash?: string }> {
  const channels: MessageChannel[] = [];
  let knownHash: string | undefined;
  const calledAt = epochMs();
  let postedAt = calledAt;
  let retime: ((timeoutMs: number) => void) | undefined;
  try {
    const done = await withNetwork(network, (ref, place) => {
      // A port can be sent once: each attempt has its own.
      const channel = options.ports ? new MessageChannel() : null;
      if (channel) {
        channels.push(channel);
        channel.port1.on('message', (info: { inputsHash: string } | BodyRead) => {
          if ('read' in info) {
            knownHash = info.read.inputsHash;
            if (retime) options.onRead?.(info.read, retime);
          } else knownHash = info.inputsHash;
        });
        channel.port1.unref();
      }
      // Each attempt has its own flag too: a thread claims the task it starts.
      const cancel = newCancelFlag();
      postedAt = epochMs();
      return runTask('plan', task(ref, channel?.port2, cancel), {
        signal: options.signal,
        cancel,
        // A task sent again (its thread lacked the network) has what is left of the time, not all of it again.
        timeoutMs: Math.max(1, options.timeoutMs - (postedAt - calledAt)) + HARD_STOP_GRACE_MS,
        retime: (set) => {
          retime = (timeoutMs) => set(timeoutMs + HARD_STOP_GRACE_MS);
        },
        transferList: channel ? [channel.port2] : undefined,
        ...place,
      });
    });
    if ('problems' in done) throw new ScenarioProblemsError(done.problems);
    if ('refusal' in done) throw new BodyRefusalError(done.refusal);
    if ('expired' in done) {
      if (done.read) options.onExpired?.(done.read);
      return { knownHash: done.read?.inputsHash ?? knownHash };
    }
    const timing = pooledTiming(postedAt, done.timing);
    return { done: 'bytes' in done ? parsedWhenRead(done.bytes, timing, done.head) : { plan: done.plan, json: null, timing } };
  } catch (e) {
    // Cancelled, or a thread that failed (out of memory, ...): the caller's error, not a plan.
    if (!(e instanceof TaskTimeoutError)) throw e;
    return { knownHash };
  } finally {
    for (const channel of channels) channel.port1.close();
  }
}
