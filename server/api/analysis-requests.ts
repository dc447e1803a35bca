/**
 * The analyses answered in the request (sensitivity, alternatives, contracts, phasing): each one's
 * body schema, and the pool task its body asks for, with the time limit that bounds it and the
 * scenario whose model the size cap is counted on. Pure (no Fastify): the routes use it for a body
 * they validated, and a pool thread for a large body it reads itself (`readAnalysisText`), so both
 * ask for the same work and refuse the same bodies.
 */
import { z } from 'zod';
import { PhasingRequest, phasingScenario } from '../analysis/phasing.ts';
import type { Network, Scenario } from '../core/schema.ts';
import { Scenario as ScenarioSchema } from '../core/schema.ts';
import type { AnalysisTask } from '../pool/analysis-task.ts';
import { modelSize, readBodyText, type BodyRefusal } from './scenario-body.ts';

export const SensitivityBody = z
  .object({
    scenario: ScenarioSchema,
    /** Points on the domestic-share curve from 0.5 to 1.0. */
    curvePoints: z.number().int().min(2).max(51).default(11),
  })
  .strict();

export const AlternativesBody = z
  .object({
    scenario: ScenarioSchema,
    /** Share of the best margin that may be given up (0.01 = 1 %). */
    tolerance: z.number().min(0).max(0.5).default(0.01),
  })
  .strict();

export const ContractsBody = z.object({ scenario: ScenarioSchema }).strict();

export { PhasingRequest as PhasingBody };

/** Each analysis answered in the request, by its route's last path segment, and its body. */
export const ANALYSIS_BODIES = {
  sensitivity: SensitivityBody,
  alternatives: AlternativesBody,
  contracts: ContractsBody,
  phasing: PhasingRequest,
} as const;

export type AnalysisRoute = keyof typeof ANALYSIS_BODIES;
export type AnalysisBody<R extends AnalysisRoute> = z.output<(typeof ANALYSIS_BODIES)[R]>;

/** What the service applies to a request: its time ceiling, its size cap, its default network. */
export interface AnalysisLimitsOf {
  readonly maxSolveMs: number;
  readonly maxModelVariables: number;
  readonly defaultNetwork: Network;
}

/** The pool task a body asks for, the time limit that bounds it, and the scenario its size is counted on. */
export interface AnalysisWork {
  readonly task: AnalysisTask;
  readonly limitMs: number;
  /** The model the size cap is counted on (a multi-year plan: all its years). */
  readonly sized: Scenario;
  /** The network that model is built on. */
  readonly network: Network;
}

/** The analysis a valid body asks for, its scenario's time limit capped at the service's ceiling. */
export function analysisWork<R extends AnalysisRoute>(route: R, body: AnalysisBody<R>, limits: AnalysisLimitsOf): AnalysisWork {
  const capped = (s: Scenario): Scenario => ({ ...s, timeLimitMs: Math.min(s.timeLimitMs, limits.maxSolveMs) });
  const networkOf = (s: Scenario | undefined) => s?.network ?? limits.defaultNetwork;
  switch (route) {
    case 'phasing': {
      const request = body as AnalysisBody<'phasing'>;
      const scenario = request.scenario ? capped(request.scenario) : undefined;
      const asked = { ...request, ...(scenario ? { scenario } : {}) };
      const network = networkOf(scenario);
      // The size cap is counted on the multi-year scenario the plan is built for (a 30-year plan is
      // thirty years of the scenario's model); the scenario's time limit, or the service's ceiling
      // without one, bounds the whole.
      return { task: { kind: 'phasing', request: asked, network }, limitMs: scenario?.timeLimitMs ?? limits.maxSolveMs, sized: phasingScenario(asked), network };
    }
    case 'sensitivity': {
      const request = body as AnalysisBody<'sensitivity'>;
      const scenario = capped(request.scenario);
      const network = networkOf(scenario);
      return { task: { kind: 'sensitivity', scenario, network, options: { curvePoints: request.curvePoints } }, limitMs: scenario.timeLimitMs, sized: scenario, network };
    }
    case 'alternatives': {
      const request = body as AnalysisBody<'alternatives'>;
      const scenario = capped(request.scenario);
      const network = networkOf(scenario);
      return { task: { kind: 'alternatives', scenario, network, tolerance: request.tolerance }, limitMs: scenario.timeLimitMs, sized: scenario, network };
    }
    default: {
      const scenario = capped((body as AnalysisBody<'contracts'>).scenario);
      const network = networkOf(scenario);
      return { task: { kind: 'contracts', scenario, network }, limitMs: scenario.timeLimitMs, sized: scenario, network };
    }
  }
}

/**
 * The analysis a body's text asks for, read as the route reads a body (JSON, the text policy, its
 * schema: 400) and sized against the cap (422), or why it is refused.
 */
export function readAnalysisText(route: AnalysisRoute, text: string, limits: AnalysisLimitsOf): AnalysisWork | { readonly refusal: BodyRefusal } {
  const read = readBodyText(text, ANALYSIS_BODIES[route]);
  if ('refusal' in read) return read;
  const work = analysisWork(route, read.value as AnalysisBody<typeof route>, limits);
  const { refusal } = modelSize(work.sized, work.network, limits.maxModelVariables);
  return refusal ? { refusal } : work;
}
