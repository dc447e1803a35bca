/** One-off optimisation: a scenario in, a plan out, nothing stored. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Scenario } from '../../../../core/schema.ts';
import { Plan } from '../../../../core/plan-schema.ts';
import { BEARER, solveRouteConfig, type ApiContext } from '../../../context.ts';
import { errorResponses, FlowsQuery, IdempotencyHeaders } from '../../../schemas.ts';
import { clientGoneSignal, solveScenarioBodyWithJson, solveScenarioWithJson } from '../../../solve.ts';
import { DeferredBody } from '../../../body-text.ts';
import { planTimingEntries, serverTiming } from '../../../server-timing.ts';

export function optimiseRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/optimise',
      {
        // A one-off solve stores nothing: a read, open to viewer keys (and to everyone when reads are
        // public), held back by the solve rate limit rather than by the planner role.
        // A large body is read in the pool thread that plans it (DeferredBody).
        config: { ...solveRouteConfig(ctx), access: 'read', deferBody: true },
        schema: {
          tags: ['optimise'],
          summary: 'Optimise a scenario (inline network, or the default network when omitted)',
          description:
            'Infeasible, unbounded and timed-out plans are 200 with their `status`. A body that parses but cannot be a model, or whose model would be over the size limit, is 422 with every problem. `?flows=false` leaves out the flows GeoJSON. Accepts `Idempotency-Key`. A `Server-Timing` header tells where the server\'s time went (docs/api.md).',
          security: BEARER,
          headers: IdempotencyHeaders,
          querystring: FlowsQuery,
          body: Scenario,
          response: { 200: Plan, ...errorResponses(400, 401, 403, 409, 413, 415, 422, 429) },
        },
      },
      async (request, reply) => {
        const options = {
          defaultNetwork: ctx.defaultNetwork,
          maxSolveMs: ctx.maxSolveMs,
          signal: clientGoneSignal(reply.raw),
          admission: ctx.admission,
          request,
          maxModelVariables: ctx.maxModelVariables,
          flows: request.query.flows !== 'false',
        };
        const body: Scenario | DeferredBody = request.body;
        const solved =
          body instanceof DeferredBody ? await solveScenarioBodyWithJson(ctx.model, body, options) : await solveScenarioWithJson(ctx.model, body, options);
        if (solved.timing) reply.header('server-timing', serverTiming(planTimingEntries(solved.timing, reply.elapsedTime)));
        // Validated and serialised in the pool thread: sent as it is, never parsed here.
        if (solved.bytes) return reply.type('application/json; charset=utf-8').send(solved.bytes as never);
        if (solved.json !== null) return reply.type('application/json; charset=utf-8').send(solved.json as never);
        return solved.plan;
      },
    );
  };
}
