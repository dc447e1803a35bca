/** Contracts: which export contracts are worth signing. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Scenario } from '../../../../../core/schema.ts';
import { ContractsReport } from '../../../../../core/analysis-schema.ts';
import { BEARER, type ApiContext } from '../../../../context.ts';
import { errorResponses } from '../../../../schemas.ts';
import { clientGoneSignal } from '../../../../solve.ts';
import { analysisInPool, analysisLimits } from './shared.ts';

const ContractsBody = z.object({ scenario: Scenario }).strict();

export function contractsRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  const limits = analysisLimits(ctx);
  return async (app) => {
    app.post(
      '/analysis/contracts',
      {
        schema: {
          tags: ['analysis'],
          summary: 'Which export contracts are worth signing: volume, contribution vs fixed cost, the price of the other decision',
          security: BEARER,
          body: ContractsBody,
          response: { 200: ContractsReport, ...errorResponses(400, 401, 403, 413, 415, 422) },
        },
      },
      async (request, reply) => {
        const scenario = limits.capped(request.body.scenario);
        const network = limits.networkOf(scenario);
        return limits.heavy(request, scenario, () => analysisInPool({ kind: 'contracts', scenario, network }, ContractsReport, scenario.timeLimitMs, clientGoneSignal(reply.raw)));
      },
    );
  };
}
