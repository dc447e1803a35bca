/**
 * A stored run, its flows as GeoJSON and its allocation as CSV. Each is made from the run's JSON text
 * in the CPU pool (server/api/views/run-views.ts), not on the event loop, the first time it is asked
 * for; runs never change, so each answer is then kept and served like a static file (a strong ETag,
 * 304, brotli or gzip: server/api/run-responses.ts).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { FlowFeatureCollection } from '../../../../../core/plan-schema.ts';
import type { RunJson } from '../../../../../store/store.ts';
import { runTask } from '../../../../../pool/pool.ts';
import { movableBuffers, type RunView } from '../../../../views/run-views.ts';
import { bytesOf, inPoolQueued } from '../../../../pooled.ts';
import { addVary, type Serialised } from '../../../../run-responses.ts';
import { BEARER, type ApiContext } from '../../../../context.ts';
import { notFound } from '../../../../errors.ts';
import { errorResponses, FlowsQuery, IdParams, NOT_MODIFIED, RunRecord, IfNoneMatchHeaders } from '../../../../schemas.ts';

/** Answers that never change (a run's, a comparison of two runs): caches may keep them too. */
const IMMUTABLE = 'private, max-age=31536000, immutable';

/**
 * Marks an answer that never changes as kept for a year, per key: `Vary: Authorization`, so a browser
 * that read it with a key never serves it from its cache to a request without that key (or with a
 * wrong or revoked one), which the server answers 401.
 */
export function keptForAYear(reply: FastifyReply): FastifyReply {
  addVary(reply, 'authorization');
  return reply.header('cache-control', IMMUTABLE);
}

export function runRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  return async (app) => {
    const load = async (id: string): Promise<RunJson> => {
      const run = await ctx.store.getRunJson(id);
      if (!run) throw notFound('Run', id);
      return run;
    };
    /**
     * One answer for a stored run: kept from an earlier request, or made in the pool (a place in the
     * queue, the time ceiling) and kept. Runs never change (nor go away), so a kept answer is sent
     * without reading the store; requests for one being made wait for it (RunResponses.answer).
     */
    const answerOf = (request: FastifyRequest, id: string, view: RunView): Promise<Serialised> =>
      ctx.runResponses.answer(id, view, async () => {
        const run = await load(id);
        const made = await inPoolQueued(ctx, request, 'answer', (timeoutMs) => runTask('runView', { run, view }, { timeoutMs, transferList: movableBuffers(run) }));
        if (made.etag === null) throw new Error(`the pool made the ${view} answer of run ${id} without an ETag`);
        return { body: bytesOf(made.bytes), etag: made.etag };
      });

    app.get(
      '/runs/:id',
      {
        // Sent with encodings of its own (run-responses.ts).
        compress: false,
        schema: {
          headers: IfNoneMatchHeaders,
          tags: ['runs'],
          summary: 'A stored run: scenario as solved, plan, inputs hash',
          description:
            'Served pre-serialised with a strong `ETag`: `If-None-Match` with it is a 304. Brotli or gzip on `Accept-Encoding`. `?flows=false` leaves out the flows GeoJSON.',
          security: BEARER,
          params: IdParams,
          querystring: FlowsQuery,
          response: { 200: RunRecord, 304: NOT_MODIFIED, ...errorResponses(401, 403, 404, 422, 503) },
        },
      },
      async (request, reply) => {
        const entry = await answerOf(request, request.params.id, request.query.flows === 'false' ? 'run-light' : 'run');
        keptForAYear(reply);
        return ctx.runResponses.send(request, reply, entry);
      },
    );

    app.get(
      '/runs/:id/flows.geojson',
      {
        compress: false,
        schema: {
          headers: IfNoneMatchHeaders,
          tags: ['runs'],
          summary: "The run's flows: one LineString per leg with tonnes",
          description: 'Served pre-serialised with a strong `ETag` (`If-None-Match` with it is a 304), brotli or gzip on `Accept-Encoding`, as the run itself is.',
          security: BEARER,
          params: IdParams,
          response: { 200: { description: 'GeoJSON FeatureCollection of flows', content: { 'application/geo+json': { schema: FlowFeatureCollection } } }, 304: NOT_MODIFIED, ...errorResponses(401, 403, 404, 422, 503) },
        },
      },
      async (request, reply) => {
        const entry = await answerOf(request, request.params.id, 'flows');
        keptForAYear(reply);
        return ctx.runResponses.send(request, reply, entry, { contentType: 'application/geo+json; charset=utf-8' });
      },
    );

    app.get(
      '/runs/:id/allocation.csv',
      {
        compress: false,
        schema: {
          headers: IfNoneMatchHeaders,
          tags: ['runs'],
          summary: 'Allocation per market and route as CSV',
          description:
            'The same layout as the map page\'s CSV download. Columns: market_id, market, country, domestic (yes/no), route (legs joined by " > "), modes, route_tonnes, market_tonnes, demand_tonnes, share_of_demand, price_usd_per_t, duty_usd_per_t, logistics_usd_per_t, netback_usd_per_t; a plan with product forms adds bagged_tonnes and bulk_tonnes (the market\'s, on each of its rows); a monthly plan adds tonnes_<period> per period (on the market\'s first row), and with product forms bagged_tonnes_<period> after them. Served pre-serialised with a strong `ETag` (`If-None-Match` with it is a 304), brotli or gzip on `Accept-Encoding`.',
          security: BEARER,
          params: IdParams,
          response: {
            200: { description: 'CSV, one row per market and route (a market without a route has one row)', content: { 'text/csv': { schema: z.string() } } },
            304: NOT_MODIFIED,
            ...errorResponses(401, 403, 404, 422, 503),
          },
        },
      },
      async (request, reply) => {
        const entry = await answerOf(request, request.params.id, 'csv');
        keptForAYear(reply).header('content-disposition', `attachment; filename="${request.params.id}-allocation.csv"`);
        return ctx.runResponses.send(request, reply, entry, { contentType: 'text/csv; charset=utf-8' });
      },
    );
  };
}
