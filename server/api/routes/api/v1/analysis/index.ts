/**
 * The analysis routes (inside /api/v1, so behind the same keys: POST needs a planner key, except
 * the room to negotiate, a read; GET any key, or none when reads are public):
 *   POST /analysis/sensitivity      scenario → ranges, shadow prices, domestic-share curve
 *   POST /analysis/sweeps           one or two parameters over a grid → 202 { jobId }
 *   POST /analysis/montecarlo       draws under uncertain prices, freight, demand → 202 { jobId }
 *   GET  /analysis/jobs/:id         status, progress, the result when done
 *   GET  /analysis/jobs/:id/events  server-sent events: `progress`, then `done`
 *   GET  /analysis/jobs/:id/result.csv
 *   DELETE /analysis/jobs/:id       cancel
 *   POST /analysis/phasing          multi-year volumes by year and destination
 *   POST /analysis/contracts        which contracts are worth signing
 *   POST /analysis/alternatives     near-optimal alternatives: the room to negotiate
 * Every answer is described and checked by the schemas in server/core/analysis-schema.ts.
 * Jobs go through a JobQueue (server/jobs/queue.ts): in this process by default (`npm start` keeps
 * them in the SQLite file, so they outlive a restart; see server/analysis/jobs.ts), or chunked on
 * PostgreSQL with pg-boss and computed by worker processes when DATABASE_URL is set.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { JobQueue } from '../../../../../jobs/queue.ts';
import { InProcessQueue } from '../../../../../jobs/in-process.ts';
import type { ApiContext } from '../../../../context.ts';
import { alternativesRoutes } from './alternatives.ts';
import { contractsRoutes } from './contracts.ts';
import { jobRoutes } from './jobs.ts';
import { monteCarloRoutes } from './montecarlo.ts';
import { phasingRoutes } from './phasing.ts';
import { sensitivityRoutes } from './sensitivity.ts';
import { sweepRoutes } from './sweeps.ts';

/**
 * `jobs`: where sweeps and Monte Carlo run. Default: an in-process queue of its own, in memory (4
 * jobs at once, finished jobs kept 1 h). The routes close the queue when the app closes.
 */
export function analysisRoutes(ctx: ApiContext, jobs: JobQueue = new InProcessQueue()): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('onClose', async () => jobs.close());
    await app.register(sensitivityRoutes(ctx));
    await app.register(sweepRoutes(ctx, jobs));
    await app.register(monteCarloRoutes(ctx, jobs));
    await app.register(jobRoutes(jobs));
    await app.register(phasingRoutes(ctx));
    await app.register(contractsRoutes(ctx));
    await app.register(alternativesRoutes(ctx));
  };
}
