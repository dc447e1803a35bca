/**
 * From a validated scenario to a plan, for the routes: pick the network (inline or default),
 * check it (422 with every problem), cap the time limit, solve. Outcomes (infeasible, unbounded,
 * timed out) come back as plans with their status; only an unusable model is an error.
 */
import type { FastifyRequest } from 'fastify';
import { MIN_TIME_LIMIT_MS, Scenario, type Network } from '../core/schema.ts';
import { type Plan, withoutFlows } from '../core/plan-schema.ts';
import { BodyRefusalError, optimise, optimiseBodyWithJson, optimiseWithJson, serialisedPlan, type PlanWithJson } from '../optimise.ts';
import { admitted, type Admission } from './admission.ts';
import { ScenarioProblemsError } from '../analysis/common.ts';
import { ApiError, type Problem } from './errors.ts';
import { yieldToEventLoop } from '../event-loop.ts';
import { modelSize, readScenarioText, type BodyRefusal } from './scenario-body.ts';
import { topLevelNumber, type DeferredBody } from './body-text.ts';

/** The model's entry points, injectable so tests can stand in a slow or failing solver. */
export interface ModelServices {
  optimise(
    scenario: Scenario,
    network: Network,
    /** `serialise`: also validate and serialise the plan off the event loop (see `serialisedPlan`). */
    options?: { engine?: 'auto' | 'jsLpSolver' | 'highs'; signal?: AbortSignal; serialise?: boolean; flows?: boolean },
  ): Promise<Plan>;
  checkScenario(scenario: Scenario, network: Network): Problem[];
  loadDefaultNetwork(): Network;
  readonly modelVersion: string;
}

export async function loadModelServices(): Promise<ModelServices> {
  const [optimiser, consistency, data] = await Promise.all([
    import('../optimise.ts'),
    import('../core/consistency.ts'),
    import('../data/load.ts'),
  ]);
  return {
    optimise: optimiser.optimise,
    checkScenario: consistency.checkScenario,
    loadDefaultNetwork: data.loadDefaultNetwork,
    modelVersion: optimiser.MODEL_VERSION,
  };
}

export interface SolveOptions {
  readonly defaultNetwork: Network;
  /** The service's ceiling on a scenario's `timeLimitMs`. */
  readonly maxSolveMs: number;
  /** Aborted when the client goes away. */
  readonly signal?: AbortSignal;
  /** The solve budget and queue, and the request they are taken for. */
  readonly admission: Admission;
  readonly request: FastifyRequest;
  /** Largest model (variables) the service builds. */
  readonly maxModelVariables: number;
  /** false: the lighter plan, without the flows' GeoJSON. Default true. */
  readonly flows?: boolean;
}

/**
 * 422 when the model would be over the cap: counted from the body, before anything is built.
 * Otherwise returns the model's variables (exact: at most the cap).
 */
export function refuseOversized(scenario: Scenario, network: Network, maxVariables: number): number {
  const { variables, refusal } = modelSize(scenario, network, maxVariables);
  if (refusal) throw refusalError(refusal);
  return variables;
}

/** The API error of a body refused where it was read (here, or in a pool thread). */
export function refusalError(refusal: BodyRefusal): ApiError {
  return new ApiError(refusal.code, refusal.message, refusal.details);
}

/**
 * The plan, and its JSON text when the model could serialise it off the event loop. Read `plan` only
 * when the object is needed: with the text, it may be parsed from it on first read.
 */
export type SolvedPlan = PlanWithJson;

/**
 * Throws `unprocessable_model` (422) listing every problem or for a model over the size cap, 429 past
 * the caller's solve budget, 503 when the queue is full; otherwise returns the plan.
 */
export async function solveScenario(model: ModelServices, scenario: Scenario, options: SolveOptions): Promise<Plan> {
  return (await solveScenarioWithJson(model, scenario, options)).plan;
}

export async function solveScenarioWithJson(model: ModelServices, scenario: Scenario, options: SolveOptions): Promise<SolvedPlan> {
  const network = scenario.network ?? options.defaultNetwork;
  // A network of its own (in the body, or a stored scenario's) may be a megabyte: its size count,
  // its check and its copy to the pool are each up to tens of milliseconds of the event loop, and
  // requests that arrive together would run them back to back. Between the steps the event loop
  // answers what is waiting (health checks, reads). The default network's are kept per object.
  const pause = network === options.defaultNetwork ? async () => undefined : yieldToEventLoop;
  return admitted(options.admission, options.request, async () => {
    await pause();
    const modelVariables = refuseOversized(scenario, network, options.maxModelVariables);
    await pause();
    return solveChecked(model, scenario, network, modelVariables, options, pause);
  });
}

/**
 * As `solveScenarioWithJson`, for a large body left as text (`DeferredBody`): with the real model,
 * its pool thread reads and validates it (the same 400s and 422s), so nothing of it is parsed here.
 * A stand-in model reads it here first.
 */
export async function solveScenarioBodyWithJson(model: ModelServices, body: DeferredBody, options: SolveOptions): Promise<SolvedPlan> {
  if (model.optimise !== optimise) {
    const read = readScenarioText(body.text);
    if ('refusal' in read) throw refusalError(read.refusal);
    return solveScenarioWithJson(model, read.scenario, options);
  }
  // Until its thread has read the body, the time limit its text gives (or the schema's default)
  // bounds it, so that a request queued behind others is stopped in the queue at its limit.
  const provisionalLimitMs = provisionalTimeLimitMs(topLevelNumber(body.text, 'timeLimitMs'), options.maxSolveMs);
  return admitted(options.admission, options.request, () =>
    optimiseBodyWithJson(
      { text: body.text, maxSolveMs: options.maxSolveMs, maxModelVariables: options.maxModelVariables },
      options.defaultNetwork,
      { signal: options.signal, flows: options.flows ?? true, provisionalLimitMs },
    ).catch((e: unknown) => {
      if (e instanceof BodyRefusalError) throw refusalError(e.refusal);
      if (e instanceof ScenarioProblemsError) throw problemsError(e.problems);
      throw e;
    }),
  );
}

/** A scenario's `timeLimitMs` when its body gives none. */
const DEFAULT_TIME_LIMIT_MS = Scenario.parse({ name: 'default' }).timeLimitMs;

/**
 * The limit that bounds a large body's work until its thread has validated it: the `timeLimitMs` its
 * text gives (or the schema's default), at most `maxSolveMs`. A value the schema refuses (below its
 * minimum, not an integer) bounds nothing: the service's ceiling does, so the thread lives to answer
 * the 400 that names the field, never a 422 time_limit for a limit nobody may ask for.
 */
export function provisionalTimeLimitMs(given: number | undefined, maxSolveMs: number): number {
  const ms = given ?? DEFAULT_TIME_LIMIT_MS;
  return Number.isInteger(ms) && ms >= MIN_TIME_LIMIT_MS ? Math.min(ms, maxSolveMs) : maxSolveMs;
}

export { yieldToEventLoop };

async function solveChecked(
  model: ModelServices,
  scenario: Scenario,
  network: Network,
  modelVariables: number,
  options: SolveOptions,
  pause: () => Promise<void>,
): Promise<SolvedPlan> {
  const timeLimitMs = Math.min(scenario.timeLimitMs, options.maxSolveMs);
  const capped = { ...scenario, timeLimitMs };
  const flows = options.flows ?? true;
  // The real model: checked in its pool thread, then the text as that thread serialised it, the plan
  // parsed only if a route reads it. A stand-in (tests, benchmarks) is checked here and asked
  // through its own `optimise`.
  if (model.optimise === optimise) {
    return optimiseWithJson(capped, network, { engine: scenario.engine, signal: options.signal, flows, modelVariables, check: true }).catch((e: unknown) => {
      throw e instanceof ScenarioProblemsError ? problemsError(e.problems) : e;
    });
  }
  const problems = model.checkScenario(scenario, network);
  if (problems.length > 0) throw problemsError(problems);
  await pause();
  const plan = await model.optimise(capped, network, { engine: scenario.engine, signal: options.signal, serialise: true, flows });
  const json = serialisedPlan(plan);
  // A model that knows nothing of `flows` (a stand-in) gets its flows left out here.
  if (json === null && !flows) return { plan: withoutFlows(plan), json: null };
  return { plan, json };
}

/** The 422 of a scenario that cannot be a model, with every problem and its path. */
export function problemsError(problems: readonly { path: readonly (string | number)[]; message: string }[]): ApiError {
  return new ApiError(
    'unprocessable_model',
    `The scenario cannot be a model: ${problems.length} problem${problems.length === 1 ? '' : 's'}`,
    problems.map((p) => ({ path: [...p.path], message: p.message })),
  );
}

/** An AbortSignal that fires when the client closes the connection before the answer is sent. */
export function clientGoneSignal(raw: { once(event: 'close', fn: () => void): unknown; writableFinished: boolean }): AbortSignal {
  const controller = new AbortController();
  raw.once('close', () => {
    if (!raw.writableFinished) controller.abort();
  });
  return controller.signal;
}
