/**
 * The back-test of the market-clearing model (docs/backtest.md): calibrated on 2024, solved for 2025,
 * modelled against observed. Deterministic for the shipped data, so it is computed once per process
 * and kept in memory.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
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
            'Per figure (production per plant, imports and exports per partner, western Kazakhstan\'s net imports, regional prices and their ranks) the modelled and the observed value, the error and whether the observation is an estimate; the targets met or missed; where the model is wrong, in words.',
          security: BEARER,
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
