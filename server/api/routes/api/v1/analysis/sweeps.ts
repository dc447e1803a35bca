/** Sweeps: one or two parameters over a grid, each point a full optimisation (a job). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { JobAccepted } from '../../../../../core/analysis-schema.ts';
import { refuseUnknownAxes, SweepRequest } from '../../../../../analysis/sweep.ts';
import { AnalysisRefusal } from '../../../../../analysis/common.ts';
import type { JobQueue } from '../../../../../jobs/queue.ts';
import { BEARER, type ApiContext } from '../../../../context.ts';
import { ApiError } from '../../../../errors.ts';
import { errorResponses } from '../../../../schemas.ts';
import { refuseBeforeReading, startJob } from './jobs.ts';
import { analysisLimits } from './shared.ts';

export function sweepRoutes(ctx: ApiContext, jobs: JobQueue): FastifyPluginAsyncZod {
  const limits = analysisLimits(ctx);
  return async (app) => {
    app.post(
      '/analysis/sweeps',
      {
        preParsing: refuseBeforeReading(ctx, jobs),
        schema: {
          tags: ['analysis'],
          summary: 'Start a sweep of one or two parameters over a grid (a job)',
          description:
            'Parameters: exportPriceMultiplier, freightMultiplier, fxKztPerUsd, domesticShare, nodeThroughput (with `node`). Each point is a full optimisation. Answers 202 with the job id; follow `/jobs/:id`, its `events` or `result.csv`.',
          security: BEARER,
          body: SweepRequest,
          response: { 202: JobAccepted, ...errorResponses(400, 401, 403, 413, 415, 422, 429) },
        },
      },
      async (request, reply) => {
        const body: SweepRequest = { ...request.body, scenario: limits.capped(request.body.scenario) };
        const network = limits.networkOf(body.scenario);
        return limits.heavy(request, body.scenario, async () => {
          limits.check(body.scenario);
          try {
            refuseUnknownAxes(body, network);
          } catch (e) {
            if (!(e instanceof AnalysisRefusal)) throw e;
            throw new ApiError('unprocessable_model', e.message, [{ path: ['axes'], message: e.message }]);
          }
          return startJob(jobs, { kind: 'sweep', request: body, network }, reply);
        });
      },
    );
  };
}
