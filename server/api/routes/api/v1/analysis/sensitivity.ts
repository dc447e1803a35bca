/** Sensitivity: ranges of every price, cost and capacity, shadow prices, and the domestic-share curve. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Scenario } from '../../../../../core/schema.ts';
import { SensitivityReport } from '../../../../../core/analysis-schema.ts';
import { BEARER, type ApiContext } from '../../../../context.ts';
import { errorResponses } from '../../../../schemas.ts';
import { clientGoneSignal } from '../../../../solve.ts';
import { analysisInPool, analysisLimits } from './shared.ts';

const SensitivityBody = z
  .object({
    scenario: Scenario,
    /** Points on the domestic-share curve from 0.5 to 1.0. */
    curvePoints: z.number().int().min(2).max(51).default(11),
  })
  .strict();

export function sensitivityRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  const limits = analysisLimits(ctx);
  return async (app) => {
    app.post(
      '/analysis/sensitivity',
      {
        schema: {
          tags: ['analysis'],
          summary: 'Ranges of every price, cost and capacity with the same plan structure, shadow prices, and the domestic-share curve',
          description: 'Margin objective; contracts and lots are left out (ranging is for the linear plan). A scenario that cannot be a model is 422.',
          security: BEARER,
          body: SensitivityBody,
          response: { 200: SensitivityReport, ...errorResponses(400, 401, 403, 413, 415, 422) },
        },
      },
      async (request, reply) => {
        const scenario = limits.capped(request.body.scenario);
        const network = limits.networkOf(scenario);
        // In the pool: the solves take 0.15–0.4 s and must not hold up other requests.
        return limits.heavy(request, scenario, () =>
          analysisInPool({ kind: 'sensitivity', scenario, network, options: { curvePoints: request.body.curvePoints } }, SensitivityReport, scenario.timeLimitMs, clientGoneSignal(reply.raw)),
        );
      },
    );
  };
}
