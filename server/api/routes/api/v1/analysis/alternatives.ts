/** Near-optimal alternatives: the room sales has to negotiate within a tolerance of the best margin. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Alternatives } from '../../../../../core/analysis-schema.ts';
import { AlternativesBody } from '../../../../analysis-requests.ts';
import { BEARER, solveRouteConfig, type ApiContext } from '../../../../context.ts';
import { errorResponses } from '../../../../schemas.ts';
import { answerAnalysis } from './shared.ts';

export function alternativesRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/analysis/alternatives',
      {
        // Stores nothing: a read, held back by the solve rate limit.
        // A large body is read in the pool thread that runs the analysis (DeferredBody).
        config: { ...solveRouteConfig(ctx), access: 'read', deferBody: true },
        schema: {
          tags: ['analysis'],
          summary: 'Near-optimal alternatives: per market the least and most tonnes within a tolerance of the best margin, and whole alternative plans',
          description: 'Margin objective. Each market costs two solves (its least and its most), run in worker threads. A scenario that cannot be a model is 422.',
          security: BEARER,
          body: AlternativesBody,
          response: { 200: Alternatives, ...errorResponses(400, 401, 403, 413, 415, 422, 429) },
        },
      },
      // The whole analysis in the pool, bounded by the scenario's time limit.
      async (request, reply) => answerAnalysis(ctx, request, reply, 'alternatives', request.body, Alternatives),
    );
  };
}
