/** Two runs compared: per KPI, per market, per leg (made in the CPU pool, server/api/views/run-views.ts). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { BEARER, type ApiContext } from '../../../context.ts';
import { notFound } from '../../../errors.ts';
import { CompareQuery, Comparison, errorResponses, NOT_MODIFIED, IfNoneMatchHeaders } from '../../../schemas.ts';
import { runTask } from '../../../../pool/pool.ts';
import { bytesOf, inPoolQueued } from '../../../pooled.ts';
import { movableBuffers } from '../../../views/run-views.ts';
import { etagOfBytes } from '../../../run-responses.ts';
import { keptForAYear } from './runs/index.ts';

export function compareRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/compare',
      {
        // Sent with encodings of its own (run-responses.ts).
        compress: false,
        schema: {
          headers: IfNoneMatchHeaders,
          tags: ['runs'],
          summary: 'Compare two runs: ?runs=a,b (delta = b − a)',
          description: 'Kept once made, with a strong `ETag` per encoding (`If-None-Match` with it is a 304), brotli or gzip on `Accept-Encoding`, as a stored run is.',
          security: BEARER,
          querystring: CompareQuery,
          response: { 200: Comparison, 304: NOT_MODIFIED, ...errorResponses(400, 401, 403, 404, 422, 503) },
        },
      },
      async (request, reply) => {
        const [idA, idB] = request.query.runs;
        // Runs never change, so neither does their comparison: made once, kept and served as a
        // stored run is (a strong ETag per encoding, 304, brotli or gzip), and made once for many
        // requests that ask for it at the same time.
        const entry = await ctx.runResponses.answer(`${idA},${idB}`, 'compare', async () => {
          const [a, b] = await Promise.all([ctx.store.getRunJson(idA), ctx.store.getRunJson(idB)]);
          if (!a) throw notFound('Run', idA);
          if (!b) throw notFound('Run', idB);
          // Made in the CPU pool from the runs' JSON text: two large plans are megabytes to parse and compare.
          const made = await inPoolQueued(ctx, request, 'comparison', (timeoutMs) => runTask('comparison', { a, b }, { timeoutMs, transferList: movableBuffers(a, b) }));
          const body = bytesOf(made.bytes);
          return { body, etag: etagOfBytes(body) };
        });
        keptForAYear(reply);
        return ctx.runResponses.send(request, reply, entry);
      },
    );
  };
}
