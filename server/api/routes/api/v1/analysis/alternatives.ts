/** Near-optimal alternatives: the room sales has to negotiate within a tolerance of the best margin. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Scenario } from '../../../../../core/schema.ts';
import { Alternatives } from '../../../../../core/analysis-schema.ts';
import { BEARER, solveRouteConfig, type ApiContext } from '../../../../context.ts';
import { clientGoneSignal, refuseOversized } from '../../../../solve.ts';
import { admitted } from '../../../../admission.ts';
import { errorResponses } from '../../../../schemas.ts';
import { analysisInPool } from './shared.ts';

const AlternativesRequest = z
  .object({
    scenario: Scenario,
    /** Share of the best margin that may be given up (0.01 = 1 %). */
    tolerance: z.number().min(0).max(0.5).default(0.01),
  })
  .strict();

export function alternativesRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/analysis/alternatives',
      {
        // Stores nothing: a read, held back by the solve rate limit.
        config: { ...solveRouteConfig(ctx), access: 'read' },
        schema: {
          tags: ['analysis'],
          summary: 'Near-optimal alternatives: per market the least and most tonnes within a tolerance of the best margin, and whole alternative plans',
          description: 'Margin objective. Each market costs two solves (its least and its most), run in worker threads. A scenario that cannot be a model is 422.',
          security: BEARER,
          body: AlternativesRequest,
          response: { 200: Alternatives, ...errorResponses(400, 401, 403, 413, 415, 422, 429) },
        },
      },
      async (request, reply) => {
        const scenario = { ...request.body.scenario, timeLimitMs: Math.min(request.body.scenario.timeLimitMs, ctx.maxSolveMs) };
        const network = scenario.network ?? ctx.defaultNetwork;
        // The whole analysis in the pool, bounded by the scenario's time limit.
        const task = { kind: 'alternatives' as const, scenario, network, tolerance: request.body.tolerance };
        return admitted(ctx.admission, request, async () => {
          refuseOversized(scenario, network, ctx.maxModelVariables);
          return analysisInPool(task, Alternatives, scenario.timeLimitMs, clientGoneSignal(reply.raw));
        });
      },
    );
  };
}
