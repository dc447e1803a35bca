/**
 * Analysis jobs (sweeps, Monte Carlo): starting one (202 with its links), its view, its
 * server-sent events, its result as CSV, cancelling it. Jobs go through a JobQueue
 * (server/jobs/queue.ts): in this process by default, or on PostgreSQL with pg-boss.
 */
import type { FastifyReply, preParsingAsyncHookHandler } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AnalysisJob, MonteCarloJobResult, SweepResult, type JobAccepted } from '../../../../../core/analysis-schema.ts';
import { sweepToCsv } from '../../../../../analysis/sweep.ts';
import { monteCarloCsv } from '../../../../../analysis/montecarlo.ts';
import { TooManyJobsError, type JobEvent, type JobQueue, type JobSpec, type JobView } from '../../../../../jobs/queue.ts';
import { admissionRefusal } from '../../../../admission.ts';
import { BEARER, type ApiContext } from '../../../../context.ts';
import { ApiError, notFound } from '../../../../errors.ts';
import { errorResponses, IdParams } from '../../../../schemas.ts';

/**
 * A preParsing hook for the job routes, whose bodies (up to 1 MB) are read and validated on the event
 * loop: a caller whose solve budget is spent, whose place in the queue is taken, or who meets every
 * job slot taken is answered 429 / 503 before the body is read, so refused requests cost no parsing.
 * A request with an Idempotency-Key goes on (its stored answer may be replayed); the route decides.
 */
export function refuseBeforeReading(ctx: ApiContext, jobs: JobQueue): preParsingAsyncHookHandler {
  return async (request) => {
    if (request.headers['idempotency-key'] !== undefined) return;
    const refused = admissionRefusal(ctx.admission, request);
    if (refused) throw refused;
    if (jobs.full?.()) throw new ApiError('overloaded', 'Every analysis job slot is taken; wait for one to finish or cancel one', undefined, { 'retry-after': '5' });
  };
}

/** Submits a job and answers 202 with its id and links (503 with Retry-After when the queue is full). */
export async function startJob(jobs: JobQueue, spec: JobSpec, reply: FastifyReply): Promise<JobAccepted> {
  let id: string;
  try {
    id = await jobs.submit(spec);
  } catch (e) {
    if (e instanceof TooManyJobsError) throw new ApiError('overloaded', e.message, undefined, { 'retry-after': '5' });
    throw e;
  }
  const self = `/api/v1/analysis/jobs/${id}`;
  reply.code(202).header('location', self);
  return { jobId: id, status: 'running', links: { self, events: `${self}/events`, csv: `${self}/result.csv` } };
}

/** A queue's view of a job as the API answers it: its result checked against the schema of its kind. */
const answer = (job: JobView): AnalysisJob => AnalysisJob.parse(job);

export function jobRoutes(jobs: JobQueue): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/analysis/jobs/:id',
      {
        schema: { tags: ['analysis'], summary: 'An analysis job: status, progress, the result when done', security: BEARER, params: IdParams, response: { 200: AnalysisJob, ...errorResponses(401, 403, 404) } },
      },
      async (request) => {
        const job = await jobs.get(request.params.id);
        if (!job) throw notFound('Analysis job', request.params.id);
        return answer(job);
      },
    );

    app.delete(
      '/analysis/jobs/:id',
      {
        schema: { tags: ['analysis'], summary: 'Cancel a running job', security: BEARER, params: IdParams, response: { 200: AnalysisJob, ...errorResponses(401, 403, 404) } },
      },
      async (request) => {
        const id = request.params.id;
        const job = (await jobs.cancel(id)) ? await jobs.get(id, false) : null;
        if (!job) throw notFound('Analysis job', id);
        return answer(job);
      },
    );

    app.get(
      '/analysis/jobs/:id/events',
      {
        schema: {
          tags: ['analysis'],
          summary: 'Server-sent events of a job: `progress` events, then one `done` event with the job (and its result)',
          description: 'Each event’s data is an `AnalysisJob` as JSON; only the `done` event carries the result.',
          security: BEARER,
          params: IdParams,
          response: { 200: { description: 'text/event-stream: `progress` events, then one `done` event; each data line is an `AnalysisJob` as JSON', content: { 'text/event-stream': { schema: z.string() } } }, ...errorResponses(401, 403, 404) },
        },
      },
      async (request, reply) => {
        const id = request.params.id;
        const first = await jobs.get(id, false);
        if (!first) throw notFound('Analysis job', id);
        reply.hijack();
        const raw = reply.raw;
        // The headers hooks have set so far (CORS, security headers) go out too: hijacking skips fastify's own sending.
        raw.writeHead(200, { ...(reply.getHeaders() as Record<string, string | number | string[]>), 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-request-id': String(request.id) });
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

    app.get(
      '/analysis/jobs/:id/result.csv',
      {
        schema: {
          tags: ['analysis'],
          summary: "A finished job's result as CSV: one line per sweep point, or per Monte Carlo figure",
          security: BEARER,
          params: IdParams,
          response: { 200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } }, ...errorResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        const job = await jobs.result(request.params.id);
        if (!job) throw notFound('Analysis job', request.params.id);
        if (job.status !== 'done') {
          const why =
            job.status === 'cancelled' ? 'it was cancelled and has no CSV: start it again for one' : job.status === 'failed' ? 'it failed and has no CSV (its view says why)' : 'its CSV exists once it is done';
          throw new ApiError('job_not_done', `The job is ${job.status}; ${why}`);
        }
        reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${request.params.id}.csv"`);
        if (job.kind === 'sweep') return sweepToCsv(SweepResult.parse(job.result));
        return monteCarloCsv(MonteCarloJobResult.parse(job.result));
      },
    );
  };
}
