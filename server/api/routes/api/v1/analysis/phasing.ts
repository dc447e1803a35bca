/** Phasing: one plan over several years, tonnes by year and destination. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { PhasingAnswer } from '../../../../../core/analysis-schema.ts';
import { PhasingRequest, phasingScenario } from '../../../../../analysis/phasing.ts';
import { BEARER, type ApiContext } from '../../../../context.ts';
import { errorResponses } from '../../../../schemas.ts';
import { clientGoneSignal } from '../../../../solve.ts';
import { analysisInPool, analysisLimits } from './shared.ts';

export function phasingRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  const limits = analysisLimits(ctx);
  return async (app) => {
    app.post(
      '/analysis/phasing',
      {
        schema: {
          tags: ['analysis'],
          summary: 'Multi-year plan (default 2027–2031): tonnes by year and destination, phase 2 from a chosen year',
          description: 'The answer carries the chart figures and the plan’s reasons (`why`); the multi-year plan itself stays on the server.',
          security: BEARER,
          body: PhasingRequest,
          response: { 200: PhasingAnswer, ...errorResponses(400, 401, 403, 413, 415, 422) },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const scenario = body.scenario ? limits.capped(body.scenario) : undefined;
        const network = scenario ? limits.networkOf(scenario) : ctx.defaultNetwork;
        // The size cap is checked on the multi-year scenario the plan is built for (a 30-year plan is
        // thirty years of the scenario's model), before anything is queued or built.
        const multiYear = phasingScenario({ ...body, ...(scenario ? { scenario } : {}) });
        // The scenario's time limit (or the service's ceiling, without one) bounds the whole.
        return limits.heavy(request, multiYear, () =>
          analysisInPool({ kind: 'phasing', request: { ...body, ...(scenario ? { scenario } : {}) }, network }, PhasingAnswer, scenario?.timeLimitMs ?? ctx.maxSolveMs, clientGoneSignal(reply.raw)),
        );
      },
    );
  };
}
