/** Contracts: which export contracts are worth signing. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ContractsReport } from '../../../../../core/analysis-schema.ts';
import { ContractsBody } from '../../../../analysis-requests.ts';
import { BEARER, type ApiContext } from '../../../../context.ts';
import { errorResponses } from '../../../../schemas.ts';
import { answerAnalysis } from './shared.ts';

export function contractsRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/analysis/contracts',
      {
        // A large body is read in the pool thread that runs the analysis (DeferredBody).
        config: { deferBody: true },
        schema: {
          tags: ['analysis'],
          summary: 'Which export contracts are worth signing: volume, contribution vs fixed cost, the price of the other decision',
          description:
            'A mixed-integer choice of contracts, so for the price-taker mode only: a market-clearing scenario (`"market": "clearing"`) is a 422 `unprocessable_model` that says to set `"market": "price-taker"`.',
          security: BEARER,
          body: ContractsBody,
          response: { 200: ContractsReport, ...errorResponses(400, 401, 403, 413, 415, 422) },
        },
      },
      async (request, reply) => answerAnalysis(ctx, request, reply, 'contracts', request.body, ContractsReport),
    );
  };
}
