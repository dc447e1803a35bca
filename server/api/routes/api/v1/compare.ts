/** Two runs compared: per KPI, per market, per leg (made in the CPU pool, server/api/views/run-views.ts). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { BEARER, type ApiContext } from '../../../context.ts';
import { notFound } from '../../../errors.ts';
import { CompareQuery, Comparison, errorResponses } from '../../../schemas.ts';
import { runTask } from '../../../../pool/pool.ts';
import { bytesOf, inPoolQueued } from '../../../pooled.ts';
import { movableBuffers } from '../../../views/run-views.ts';

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
          response: { 200: Comparison, ...errorResponses(400, 401, 403, 404, 422, 503) },
        },
      },
      async (request, reply) => {
        const [idA, idB] = request.query.runs;
        const [a, b] = await Promise.all([ctx.store.getRunJson(idA), ctx.store.getRunJson(idB)]);
        if (!a) throw notFound('Run', idA);
        if (!b) throw notFound('Run', idB);
        // Made in the CPU pool from the runs' JSON text: two large plans are megabytes to parse and compare.
        const made = await inPoolQueued(ctx, request, 'comparison', (timeoutMs) => runTask('comparison', { a, b }, { timeoutMs, transferList: movableBuffers(a, b) }));
        return reply.type('application/json; charset=utf-8').send(bytesOf(made.bytes) as never);
      },
    );
  };
}
