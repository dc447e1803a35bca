/** Sensitivity: ranges of every price, cost and capacity, shadow prices, and the domestic-share curve. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { SensitivityReport } from '../../../../../core/analysis-schema.ts';
import { SensitivityBody } from '../../../../analysis-requests.ts';
import { BEARER, type ApiContext } from '../../../../context.ts';
import { errorResponses } from '../../../../schemas.ts';
import { answerAnalysis } from './shared.ts';

export function sensitivityRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/analysis/sensitivity',
      {
        // A large body is read in the pool thread that runs the analysis (DeferredBody).
        config: { deferBody: true },
        schema: {
          tags: ['analysis'],
          summary: 'Ranges of every price, cost and capacity with the same plan structure, shadow prices, and the domestic-share curve',
          description: 'Margin objective; contracts and lots are left out (ranging is for the linear plan). A scenario that cannot be a model is 422.',
          security: BEARER,
          body: SensitivityBody,
          response: { 200: SensitivityReport, ...errorResponses(400, 401, 403, 413, 415, 422) },
        },
      },
      // In the pool: the solves take 0.15–0.4 s and must not hold up other requests.
      async (request, reply) => answerAnalysis(ctx, request, reply, 'sensitivity', request.body, SensitivityReport),
    );
  };
}
