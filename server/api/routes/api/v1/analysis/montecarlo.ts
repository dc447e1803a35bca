/** Monte Carlo: margin, export volume and domestic share under uncertain prices, freight and demand (a job). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { JobAccepted } from '../../../../../core/analysis-schema.ts';
import { checkMonteCarlo, MonteCarloRequest } from '../../../../../analysis/montecarlo.ts';
import type { JobQueue } from '../../../../../jobs/queue.ts';
import { BEARER, type ApiContext } from '../../../../context.ts';
import { ApiError } from '../../../../errors.ts';
import { errorResponses } from '../../../../schemas.ts';
import { refuseBeforeReading, startJob } from './jobs.ts';
import { analysisLimits, unprocessable } from './shared.ts';

export function monteCarloRoutes(ctx: ApiContext, jobs: JobQueue): FastifyPluginAsyncZod {
  const limits = analysisLimits(ctx);
  return async (app) => {
    app.post(
      '/analysis/montecarlo',
      {
        preParsing: refuseBeforeReading(ctx, jobs),
        schema: {
          tags: ['analysis'],
          summary: 'Start a Monte Carlo run (a job): margin, export volume and domestic share under uncertain prices, freight and demand',
          description:
            'Each uncertainty is a multiplier (1 = as in the scenario) drawn from normal (truncated at 0), triangular, uniform or empirical (values from data, equally likely). Same seed, same result, whatever the number of workers. Linear, margin-objective scenarios only.',
          security: BEARER,
          body: MonteCarloRequest,
          response: { 202: JobAccepted, ...errorResponses(400, 401, 403, 413, 415, 422, 429) },
        },
      },
      async (request, reply) => {
        const body: MonteCarloRequest = { ...request.body, scenario: limits.capped(request.body.scenario) };
        const network = limits.networkOf(body.scenario);
        return limits.heavy(request, body.scenario, async () => {
          try {
            checkMonteCarlo(body.scenario, network, body.uncertainties);
          } catch (e) {
            throw unprocessable(e);
          }
          const known = new Set(network.markets.map((m) => m.id));
          const unknown = body.uncertainties.flatMap((u, i) => (u.market !== undefined && !known.has(u.market) ? [{ path: ['uncertainties', i, 'market'], message: `unknown market "${u.market}"` }] : []));
          if (unknown.length > 0) throw new ApiError('unprocessable_model', 'Uncertainties name unknown markets', unknown);
          return startJob(jobs, { kind: 'montecarlo', request: body, network }, reply);
        });
      },
    );
  };
}
