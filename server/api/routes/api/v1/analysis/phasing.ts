/** Phasing: one plan over several years, tonnes by year and destination. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { PhasingAnswer } from '../../../../../core/analysis-schema.ts';
import { PhasingBody } from '../../../../analysis-requests.ts';
import { BEARER, type ApiContext } from '../../../../context.ts';
import { errorResponses } from '../../../../schemas.ts';
import { answerAnalysis } from './shared.ts';

export function phasingRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/analysis/phasing',
      {
        // A large body is read in the pool thread that runs the analysis (DeferredBody).
        config: { deferBody: true },
        schema: {
          tags: ['analysis'],
          summary: 'Multi-year plan (default 2027–2031): tonnes by year and destination, phase 2 from a chosen year',
          description: 'The answer carries the chart figures and the plan’s reasons (`why`); the multi-year plan itself stays on the server.',
          security: BEARER,
          body: PhasingBody,
          response: { 200: PhasingAnswer, ...errorResponses(400, 401, 403, 413, 415, 422) },
        },
      },
      // The size cap is counted on the multi-year scenario (thirty years of the scenario's model for a
      // 30-year plan); the scenario's time limit, or the service's ceiling without one, bounds the whole.
      async (request, reply) => answerAnalysis(ctx, request, reply, 'phasing', request.body, PhasingAnswer),
    );
  };
}
