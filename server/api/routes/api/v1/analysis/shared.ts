/**
 * What the analysis routes share: the solve-time ceiling on a scenario, the network it runs on,
 * the admission (solve budget, bounded queue, size cap) around heavy work, the check that refuses a
 * scenario that cannot be a model, and running an analysis answered in the request in the CPU pool.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Network, Scenario } from '../../../../../core/schema.ts';
import { AnalysisRefusal, checkOnly, ScenarioProblemsError } from '../../../../../analysis/common.ts';
import { HARD_STOP_GRACE_MS } from '../../../../../optimise.ts';
import { runTask, TaskTimeoutError } from '../../../../../pool/pool.ts';
import type { AnalysisTask } from '../../../../../pool/analysis-task.ts';
import { withNetwork } from '../../../../../pool/networks.ts';
import { epochMs } from '../../../../../pool/context.ts';
import { analysisWork, type AnalysisBody, type AnalysisRoute } from '../../../../analysis-requests.ts';
import { DeferredBody, valueAt } from '../../../../body-text.ts';
import { admitted } from '../../../../admission.ts';
import type { ApiContext } from '../../../../context.ts';
import { ApiError } from '../../../../errors.ts';
import { clientGoneSignal, problemsError, provisionalTimeLimitMs, refuseOversized, refusalError } from '../../../../solve.ts';

/** 422 with every problem, or with the reason the analysis refused; any other error as it is (a 500). */
export function unprocessable(e: unknown): unknown {
  if (e instanceof ScenarioProblemsError) return problemsError(e.problems);
  if (e instanceof AnalysisRefusal) return new ApiError('unprocessable_model', e.message);
  return e;
}

/**
 * Runs an analysis answered in the request in the CPU pool: its time limit (the scenario's, capped)
 * bounds all of it, and a client that goes away stops it. The answer crosses the thread boundary
 * untyped, so it is checked against `schema` here (a mismatch is a 500, never a wrong answer).
 */
export async function analysisInPool<S extends z.ZodType>(task: AnalysisTask, schema: S, limitMs: number, maxSolveMs: number, signal?: AbortSignal): Promise<z.output<S>> {
  const r = await runTask('analysis', task, { signal, timeoutMs: limitMs + HARD_STOP_GRACE_MS }).catch(timeLimitError(limitMs, maxSolveMs));
  if (r.ok) return schema.parse(r.value);
  if (r.problems) throw problemsError(r.problems);
  throw new ApiError('unprocessable_model', r.refusal);
}

/** The 422 of an analysis out of time; raising `timeLimitMs` is advice only where the service's ceiling did not set the limit. */
const timeLimitError = (limitMs: number, maxSolveMs: number) => (e: unknown) => {
  if (!(e instanceof TaskTimeoutError)) throw e;
  throw new ApiError(
    'time_limit',
    limitMs >= maxSolveMs
      ? `The analysis did not finish within the service's ceiling of ${maxSolveMs} ms (MAX_SOLVE_MS), which capped the scenario's timeLimitMs; ask for less (a smaller network, fewer points or years)`
      : `The analysis did not finish within its time limit of ${limitMs} ms; raise the scenario's timeLimitMs (up to ${maxSolveMs} ms) or ask for less`,
  );
};

/**
 * An analysis answered in the request, from its route's body: a valid body (parsed and validated
 * on the event loop) sized and run in the pool; a large one (`DeferredBody`) read, validated, sized
 * and run in its pool thread (analysis-requests.ts), never parsed here. Either way within the
 * caller's solve budget and a place in the queue, bounded by the scenario's time limit (for a large
 * body, the one its text gives, read without parsing it), stopped when the client goes away.
 */
export async function answerAnalysis<R extends AnalysisRoute, S extends z.ZodType>(
  ctx: ApiContext,
  request: FastifyRequest,
  reply: FastifyReply,
  route: R,
  body: AnalysisBody<R> | DeferredBody,
  schema: S,
): Promise<z.output<S>> {
  const signal = clientGoneSignal(reply.raw);
  const limits = { maxSolveMs: ctx.maxSolveMs, maxModelVariables: ctx.maxModelVariables, defaultNetwork: ctx.defaultNetwork };
  if (!(body instanceof DeferredBody)) {
    const work = analysisWork(route, body, limits);
    return admitted(ctx.admission, request, async () => {
      refuseOversized(work.sized, work.network, ctx.maxModelVariables);
      return analysisInPool(work.task, schema, work.limitMs, ctx.maxSolveMs, signal);
    });
  }
  const { text } = body;
  const given = valueAt(text, ['scenario', 'timeLimitMs']).number;
  const noScenario = route === 'phasing' && !valueAt(text, ['scenario']).found;
  const limitMs = noScenario ? ctx.maxSolveMs : provisionalTimeLimitMs(given, ctx.maxSolveMs);
  const receivedAt = epochMs();
  return admitted(ctx.admission, request, async () => {
    const r = await withNetwork(ctx.defaultNetwork, (network, place) =>
      runTask('analysisText', { route, text, maxSolveMs: ctx.maxSolveMs, maxModelVariables: ctx.maxModelVariables, receivedAt, network }, { signal, timeoutMs: limitMs + HARD_STOP_GRACE_MS, ...place }),
    ).catch(timeLimitError(limitMs, ctx.maxSolveMs));
    if ('refusal' in r && typeof r.refusal === 'object') throw refusalError(r.refusal);
    if ('expired' in r) throw timeLimitError(limitMs, ctx.maxSolveMs)(new TaskTimeoutError(limitMs));
    if (!('ok' in r)) throw new Error('the analysis answered neither a report nor a refusal');
    if (r.ok) return schema.parse(r.value);
    if (r.problems) throw problemsError(r.problems);
    throw new ApiError('unprocessable_model', r.refusal);
  });
}

export interface AnalysisLimits {
  /** The scenario with its `timeLimitMs` capped at the service's ceiling. */
  capped(scenario: Scenario): Scenario;
  /** The scenario's own network, or the default one. */
  networkOf(scenario: Scenario): Network;
  /** Heavy work: the caller's solve budget and a place in the queue, the size cap checked first. */
  heavy<T>(request: FastifyRequest, scenario: Scenario | undefined, work: () => Promise<T>): Promise<T>;
  /** Refuses a scenario that cannot be a model before any work starts (without building it). */
  check(scenario: Scenario): void;
}

export function analysisLimits(ctx: ApiContext): AnalysisLimits {
  const networkOf = (scenario: Scenario) => scenario.network ?? ctx.defaultNetwork;
  return {
    capped: (scenario) => ({ ...scenario, timeLimitMs: Math.min(scenario.timeLimitMs, ctx.maxSolveMs) }),
    networkOf,
    heavy: (request, scenario, work) =>
      admitted(ctx.admission, request, async () => {
        if (scenario) refuseOversized(scenario, networkOf(scenario), ctx.maxModelVariables);
        return work();
      }),
    check: (scenario) => {
      try {
        checkOnly(scenario, networkOf(scenario));
      } catch (e) {
        throw unprocessable(e);
      }
    },
  };
}
