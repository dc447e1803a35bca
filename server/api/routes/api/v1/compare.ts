/** Two runs compared: per KPI, per market, per leg. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { BEARER, type ApiContext } from '../../../context.ts';
import { notFound } from '../../../errors.ts';
import { CompareQuery, Comparison, errorResponses } from '../../../schemas.ts';
import { compareRuns } from '../../../views/compare-runs.ts';

export function compareRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/compare',
      {
        schema: {
          tags: ['runs'],
          summary: 'Compare two runs: ?runs=a,b (delta = b − a)',
          security: BEARER,
          querystring: CompareQuery,
          response: { 200: Comparison, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const [idA, idB] = request.query.runs;
        const [a, b] = await Promise.all([ctx.store.getRun(idA), ctx.store.getRun(idB)]);
        if (!a) throw notFound('Run', idA);
        if (!b) throw notFound('Run', idB);
        return compareRuns(a, b);
      },
    );
  };
}
