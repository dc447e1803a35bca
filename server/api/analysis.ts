/**
 * Analysis routes (registered inside /api/v1, so behind the same keys: POST needs a planner key,
 * GET any key or none when reads are public):
 *   POST /analysis/sensitivity      scenario → ranges, shadow prices, domestic-share curve
 *   POST /analysis/sweeps           one or two parameters over a grid → 202 { jobId }
 *   POST /analysis/montecarlo       draws under uncertain prices, freight, demand → 202 { jobId }
 *   GET  /analysis/jobs/:id         status, progress, the result when done
 *   GET  /analysis/jobs/:id/events  server-sent events: `progress`, then `done`
 *   GET  /analysis/jobs/:id/result.csv
 *   DELETE /analysis/jobs/:id       cancel
 *   POST /analysis/phasing          multi-year volumes by year and destination
 *   POST /analysis/contracts        which contracts are worth signing
 * Jobs go through a JobQueue (server/jobs/queue.ts): in this process by default (`npm start` keeps
 * them in the SQLite file, so they outlive a restart; see server/analysis/jobs.ts), or chunked on
 * PostgreSQL with pg-boss and computed by worker processes when DATABASE_URL is set.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Scenario, type Network } from '../core/schema.ts';
import { csvLine } from '../core/csv.ts';
import { AnalysisRefusal, checkOnly, ScenarioProblemsError } from '../analysis/common.ts';
import { sweepToCsv, SweepRequest, type SweepResult } from '../analysis/sweep.ts';
import { checkMonteCarlo, MonteCarloRequest, type MonteCarloRun } from '../analysis/montecarlo.ts';
import { PhasingRequest } from '../analysis/phasing.ts';
import { HARD_STOP_GRACE_MS } from '../optimise.ts';
import { runTask, TaskTimeoutError } from '../pool/pool.ts';
import type { AnalysisTask } from '../pool/tasks.ts';
import { clientGoneSignal, refuseOversized } from './solve.ts';
import { admitted, WorkQueue, type Admission } from './admission.ts';
import { TooManyJobsError, type JobEvent, type JobQueue, type JobSpec } from '../jobs/queue.ts';
import { JobView } from '../analysis/jobs.ts';
import { InProcessQueue } from '../jobs/in-process.ts';
import { BEARER } from './context.ts';
import { ApiError, notFound } from './errors.ts';
import { errorResponses, IdParams } from './schemas.ts';

export interface AnalysisRoutesOptions {
  readonly defaultNetwork: Network;
  /** Ceiling on a scenario's `timeLimitMs` (default 60 s). */
  readonly maxSolveMs?: number;
  /**
   * Where sweeps and Monte Carlo run. Default: an in-process queue of its own, in memory (4 jobs
   * at once, finished jobs kept 1 h). The routes close the queue when the app closes.
   */
  readonly jobs?: JobQueue;
  /** The solve budget and bounded queue shared with the other solving routes. Default: a queue of its own, no budget. */
  readonly admission?: Admission;
  /** Largest model (variables) the service builds. Default 250,000. */
  readonly maxModelVariables?: number;
}

const SensitivityBody = z
  .object({
    scenario: Scenario,
    /** Points on the domestic-share curve from 0.5 to 1.0. */
    curvePoints: z.number().int().min(2).max(51).default(11),
  })
  .strict();
const ContractsBody = z.object({ scenario: Scenario }).strict();

const JobAccepted = z
  .object({ jobId: z.string(), status: z.literal('running'), links: z.object({ self: z.string(), events: z.string(), csv: z.string() }) })
  .meta({ id: 'AnalysisJobAccepted' });
const Report = z.looseObject({ scenarioName: z.string(), status: z.string() });

/** 422 with every problem, or with the reason the analysis refused; any other error as it is (a 500). */
function unprocessable(e: unknown): unknown {
  if (e instanceof ScenarioProblemsError) return problemsError(e.problems);
  if (e instanceof AnalysisRefusal) return new ApiError('unprocessable_model', e.message);
  return e;
}

function problemsError(problems: readonly { path: readonly (string | number)[]; message: string }[]): ApiError {
  return new ApiError('unprocessable_model', `The scenario cannot be a model: ${problems.length} problem${problems.length === 1 ? '' : 's'}`, problems.map((p) => ({ path: [...p.path], message: p.message })));
}

/**
 * Runs an analysis answered in the request in the CPU pool: its time limit (the scenario's, capped)
 * bounds all of it, and a client that goes away stops it.
 */
export async function analysisInPool(task: AnalysisTask, limitMs: number, signal?: AbortSignal): Promise<unknown> {
  const r = await runTask('analysis', task, { signal, timeoutMs: limitMs + HARD_STOP_GRACE_MS }).catch((e: unknown) => {
    if (e instanceof TaskTimeoutError) throw new ApiError('time_limit', `The analysis did not finish within its time limit of ${limitMs} ms; raise the scenario's timeLimitMs or ask for less`);
    throw e;
  });
  if (r.ok) return r.value;
  if (r.problems) throw problemsError(r.problems);
  throw new ApiError('unprocessable_model', r.refusal);
}

export async function analysisRoutes(app: FastifyInstance, opts: AnalysisRoutesOptions): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const jobs: JobQueue = opts.jobs ?? new InProcessQueue();
  const maxSolveMs = opts.maxSolveMs ?? 60_000;
  const admission: Admission = opts.admission ?? { queue: new WorkQueue(), budget: null };
  const maxVariables = opts.maxModelVariables ?? 250_000;
  /** Heavy work: the caller's solve budget and a place in the queue, the size cap checked first. */
  const heavy = <T>(request: FastifyRequest, scenario: Scenario | undefined, work: () => Promise<T>): Promise<T> =>
    admitted(admission, request, async () => {
      if (scenario) refuseOversized(scenario, networkOf(scenario), maxVariables);
      return work();
    });
  app.addHook('onClose', async () => jobs.close());

  const capped = (scenario: Scenario): Scenario => ({ ...scenario, timeLimitMs: Math.min(scenario.timeLimitMs, maxSolveMs) });
  const networkOf = (scenario: Scenario) => scenario.network ?? opts.defaultNetwork;
  /** Refuses a scenario that cannot be a model before any work starts (without building it). */
  const check = (scenario: Scenario) => {
    try {
      checkOnly(scenario, networkOf(scenario));
    } catch (e) {
      throw unprocessable(e);
    }
  };
  const startJob = async (spec: JobSpec, reply: FastifyReply) => {
    let id: string;
    try {
      id = await jobs.submit(spec);
    } catch (e) {
      if (e instanceof TooManyJobsError) throw new ApiError('overloaded', e.message, undefined, { 'retry-after': '5' });
      throw e;
    }
    const self = `/api/v1/analysis/jobs/${id}`;
    reply.code(202).header('location', self);
    return { jobId: id, status: 'running' as const, links: { self, events: `${self}/events`, csv: `${self}/result.csv` } };
  };

  api.post(
    '/analysis/sensitivity',
    {
      schema: {
        tags: ['analysis'],
        summary: 'Ranges of every price, cost and capacity with the same plan structure, shadow prices, and the domestic-share curve',
        description: 'Margin objective; contracts and lots are left out (ranging is for the linear plan). A scenario that cannot be a model is 422.',
        security: BEARER,
        body: SensitivityBody,
        response: { 200: Report, ...errorResponses(400, 401, 403, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const scenario = capped(request.body.scenario);
      // In the pool: the solves take 0.15–0.4 s and must not hold up other requests.
      const report = await heavy(request, scenario, () =>
        analysisInPool({ kind: 'sensitivity', scenario, network: networkOf(scenario), options: { curvePoints: request.body.curvePoints } }, scenario.timeLimitMs, clientGoneSignal(reply.raw)),
      );
      return { ...(report as object) } as z.infer<typeof Report>;
    },
  );

  api.post(
    '/analysis/sweeps',
    {
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
      const body: SweepRequest = { ...request.body, scenario: capped(request.body.scenario) };
      const network = networkOf(body.scenario);
      return heavy(request, body.scenario, async () => {
        check(body.scenario);
        for (const axis of body.axes) if (axis.node !== undefined && !network.nodes.some((n) => n.id === axis.node)) throw new ApiError('unprocessable_model', `unknown node "${axis.node}"`, [{ path: ['axes'], message: `unknown node "${axis.node}"` }]);
        return startJob({ kind: 'sweep', request: body, network }, reply);
      });
    },
  );

  api.post(
    '/analysis/montecarlo',
    {
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
      const body: MonteCarloRequest = { ...request.body, scenario: capped(request.body.scenario) };
      const network = networkOf(body.scenario);
      return heavy(request, body.scenario, async () => {
        try {
          checkMonteCarlo(body.scenario, network, body.uncertainties);
        } catch (e) {
          throw unprocessable(e);
        }
        const known = new Set(network.markets.map((m) => m.id));
        const unknown = body.uncertainties.flatMap((u, i) => (u.market !== undefined && !known.has(u.market) ? [{ path: ['uncertainties', i, 'market'], message: `unknown market "${u.market}"` }] : []));
        if (unknown.length > 0) throw new ApiError('unprocessable_model', 'Uncertainties name unknown markets', unknown);
        return startJob({ kind: 'montecarlo', request: body, network }, reply);
      });
    },
  );

  api.get(
    '/analysis/jobs/:id',
    {
      schema: { tags: ['analysis'], summary: 'An analysis job: status, progress, the result when done', security: BEARER, params: IdParams, response: { 200: JobView, ...errorResponses(401, 403, 404) } },
    },
    async (request) => {
      const job = await jobs.get(request.params.id);
      if (!job) throw notFound('Analysis job', request.params.id);
      return job;
    },
  );

  api.delete(
    '/analysis/jobs/:id',
    {
      schema: { tags: ['analysis'], summary: 'Cancel a running job', security: BEARER, params: IdParams, response: { 200: JobView, ...errorResponses(401, 403, 404) } },
    },
    async (request) => {
      if (!(await jobs.cancel(request.params.id))) throw notFound('Analysis job', request.params.id);
      return (await jobs.get(request.params.id, false))!;
    },
  );

  api.get(
    '/analysis/jobs/:id/events',
    {
      schema: {
        tags: ['analysis'],
        summary: 'Server-sent events of a job: `progress` events, then one `done` event with the job (and its result)',
        security: BEARER,
        params: IdParams,
        response: errorResponses(401, 403, 404),
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      const first = await jobs.get(id, false);
      if (!first) throw notFound('Analysis job', id);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-request-id': String(request.id) });
      const send = (event: string, data: unknown) => raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      send('progress', first);
      let ended = false;
      const end = (job: unknown) => {
        if (ended) return;
        ended = true;
        send('done', job);
        raw.end();
      };
      if (first.status !== 'running') return end(await jobs.get(id));
      let unsubscribe: () => void = () => {};
      raw.on('close', () => {
        ended = true;
        unsubscribe();
      });
      unsubscribe = await jobs.subscribe(id, (e: JobEvent) => {
        if (ended) return;
        if (e.type === 'done') {
          unsubscribe();
          end(e.job);
        } else send(e.type, e.job);
      });
      if (ended) return unsubscribe();
      // The job may have ended between the first read and the subscription.
      const now = await jobs.get(id);
      if (now && now.status !== 'running') {
        unsubscribe();
        end(now);
      }
    },
  );

  api.get(
    '/analysis/jobs/:id/result.csv',
    {
      schema: {
        tags: ['analysis'],
        summary: "A finished job's result as CSV: one line per sweep point, or per Monte Carlo figure",
        security: BEARER,
        params: IdParams,
        response: { 200: z.string(), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const job = await jobs.result(request.params.id);
      if (!job) throw notFound('Analysis job', request.params.id);
      if (job.status !== 'done') throw new ApiError('invalid_request', `The job is ${job.status}; its CSV exists once it is done`);
      reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${request.params.id}.csv"`);
      if (job.kind === 'sweep') return sweepToCsv(job.result as SweepResult);
      return monteCarloCsv(job.result as MonteCarloRun['result']);
    },
  );

  api.post(
    '/analysis/phasing',
    {
      schema: {
        tags: ['analysis'],
        summary: 'Multi-year plan (default 2027–2031): tonnes by year and destination, phase 2 from a chosen year',
        security: BEARER,
        body: PhasingRequest,
        response: { 200: Report, ...errorResponses(400, 401, 403, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const scenario = body.scenario ? capped(body.scenario) : undefined;
      const network = scenario ? networkOf(scenario) : opts.defaultNetwork;
      // The scenario's time limit (or the service's ceiling, without one) bounds the whole.
      const chart = await heavy(request, scenario, () =>
        analysisInPool({ kind: 'phasing', request: { ...body, ...(scenario ? { scenario } : {}) }, network }, scenario?.timeLimitMs ?? maxSolveMs, clientGoneSignal(reply.raw)),
      );
      return chart as z.infer<typeof Report>;
    },
  );

  api.post(
    '/analysis/contracts',
    {
      schema: {
        tags: ['analysis'],
        summary: 'Which export contracts are worth signing: volume, contribution vs fixed cost, the price of the other decision',
        security: BEARER,
        body: ContractsBody,
        response: { 200: Report, ...errorResponses(400, 401, 403, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const scenario = capped(request.body.scenario);
      const report = await heavy(request, scenario, () => analysisInPool({ kind: 'contracts', scenario, network: networkOf(scenario) }, scenario.timeLimitMs, clientGoneSignal(reply.raw)));
      return { ...(report as object) } as z.infer<typeof Report>;
    },
  );
}

/** Monte Carlo summary as CSV: one line per figure, then one per market's served share. */
export function monteCarloCsv(result: MonteCarloRun['result']): string {
  const lines = ['figure,mean,p5,p50,p95,min,max'];
  for (const [name, s] of [['margin_usd', result.marginUsd], ['export_tonnes', result.exportTonnes], ['domestic_share', result.domesticShare]] as const) {
    lines.push(csvLine([name, s.mean, s.p5, s.p50, s.p95, s.min, s.max]));
  }
  lines.push(csvLine(['rule_binds_probability', result.ruleBindsProbability, '', '', '', '', '']));
  lines.push('', 'market,domestic,served_share,robust');
  for (const m of result.markets) lines.push(csvLine([m.id, m.domestic, m.servedShare, m.robust]));
  return `${lines.join('\n')}\n`;
}
