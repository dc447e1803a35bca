/**
 * The back-test of the market-clearing model (docs/backtest.md): calibrated on 2024, solved for 2025,
 * modelled against observed. Deterministic for the shipped data, so it is computed once per process
 * and kept in memory.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { runBacktest, type BacktestResult } from '../../../../backtest/backtest.ts';
import { BacktestResultSchema } from '../../../../backtest/result-schema.ts';
import { BEARER, type ApiContext } from '../../../context.ts';
import { ApiError } from '../../../errors.ts';
import { errorResponses } from '../../../schemas.ts';

export function backtestRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  return async (app) => {
    let cached: Promise<BacktestResult> | null = null;
    const compute = async (): Promise<BacktestResult> => {
      const calibration = ctx.defaultNetwork.calibration;
      if (!calibration) throw new ApiError('not_found', 'The default network has no calibration (data/calibration-2024.json): there is no back-test to show');
      const { readMarketHistory } = await import('../../../../data/load.ts');
      return runBacktest(ctx.defaultNetwork, readMarketHistory(), calibration, (scenario, network) => ctx.model.optimise(scenario, network));
    };

    app.get(
      '/backtest',
      {
        schema: {
          tags: ['network'],
          summary: 'Back-test: the market model calibrated on 2024 against what happened in 2025',
          description:
            'Per figure (production per plant, imports and exports per partner, western Kazakhstan\'s net imports, regional prices and their ranks) the modelled and the observed value, the error, whether the observation is an estimate and whether it is one of the model\'s own inputs (`observedFromInputs`); the targets met or missed, each with its `evidence` (independent of the model\'s inputs, or built into them); where the model is wrong, in words. One back-test: the market-clearing model on 2025, calibrated on 2024; it takes no parameters, and a query string (a year, a mode) is refused with 400.',
          security: BEARER,
          querystring: z.object({}).strict(),
          response: { 200: BacktestResultSchema, ...errorResponses(401, 403, 404) },
        },
      },
      async () => {
        cached ??= compute();
        try {
          return await cached;
        } catch (e) {
          // A failure is not kept: the next request tries again.
          cached = null;
          throw e;
        }
      },
    );
  };
}
