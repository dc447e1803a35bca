/**
 * The pg-boss queue in one process (embedded worker): the same Monte Carlo run and the same sweep
 * give the same result through the in-process queue and through pg-boss chunks on PostgreSQL; the
 * analysis API works unchanged on top of it (progress, events, CSV, cancel).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { closeMonteCarloPools } from '../../server/analysis/mc-pool.ts';
import { shutdownSolverPool } from '../../server/solver/solve.ts';
import { InProcessQueue } from '../../server/jobs/in-process.ts';
import { PgBossQueue } from '../../server/jobs/pgboss/queue.ts';
import { defaultNetwork } from '../analysis/helpers.ts';
import { asPlanner, asViewer, testApp } from '../api/helpers.ts';
import { FAST_RETRY, freshDatabase, monteCarloRequest, postgresUrl, sql, sweepRequest, waitForJob, withoutTiming } from './helpers.ts';

describe.skipIf(!postgresUrl)('pg-boss queue (embedded worker)', () => {
  let url: string;
  let queue: PgBossQueue;
  const local = new InProcessQueue();

  beforeAll(async () => {
    url = await freshDatabase();
    queue = await PgBossQueue.open({ connectionString: url, ...FAST_RETRY, chunkSizes: { draws: 40, points: 2 }, embeddedWorker: { concurrency: 2 } });
  });
  afterAll(async () => {
    await queue?.close();
    await local.close();
    await closeMonteCarloPools();
    await shutdownSolverPool();
  });

  it('a Monte Carlo run with a seed: the same result as in process, every draw counted once', async () => {
    const request = monteCarloRequest(500, 11);
    const network = defaultNetwork();
    const [inProcessId, pgId] = await Promise.all([local.submit({ kind: 'montecarlo', request, network }), queue.submit({ kind: 'montecarlo', request, network })]);
    const [a, b] = await Promise.all([waitForJob(local, inProcessId), waitForJob(queue, pgId)]);
    expect(a.status).toBe('done');
    expect(b.status).toBe('done');
    expect(b.progress).toEqual({ done: 500, total: 500 });
    expect(withoutTiming(b.result)).toEqual(withoutTiming(a.result));
    expect((b.result as { draws: number }).draws).toBe(500);

    const chunks = await sql<{ chunk: number; units: number }>(url, 'SELECT chunk, units FROM analysis_job_chunks WHERE job_id = $1 ORDER BY chunk', [pgId]);
    expect(chunks.map((c) => c.chunk)).toEqual(Array.from({ length: 13 }, (_, i) => i)); // 500 draws in chunks of 40
    expect(chunks.reduce((n, c) => n + c.units, 0)).toBe(500);
  });

  it('a sweep: the same rows in grid order as in process', async () => {
    const request = sweepRequest();
    const network = defaultNetwork();
    const inProcessId = await local.submit({ kind: 'sweep', request, network });
    const pgId = await queue.submit({ kind: 'sweep', request, network });
    const [a, b] = await Promise.all([waitForJob(local, inProcessId), waitForJob(queue, pgId)]);
    expect(b.status).toBe('done');
    expect(b.progress).toEqual({ done: 6, total: 6 });
    expect(b.result).toEqual(a.result);
    const csvA = (await local.result(inProcessId))!;
    const csvB = (await queue.result(pgId))!;
    expect(csvB).toEqual(csvA);
  });

  describe('the analysis API on the pg-boss queue', () => {
    let app: FastifyInstance;
    beforeAll(async () => {
      app = await testApp({ jobs: queue });
    });
    afterAll(async () => {
      await app?.close(); // closes the queue too
    });

    it('202, events to the end, CSV, and DELETE cancels', async () => {
      const payload = { ...monteCarloRequest(240, 3), scenario: { name: 'Phase 2', phase: 2, horizon: { kind: 'annual', year: 2029 } } };
      const res = await app.inject({ method: 'POST', url: '/api/v1/analysis/montecarlo', headers: asPlanner, payload });
      expect(res.statusCode).toBe(202);
      const { jobId, links } = res.json();
      const events = await app.inject({ method: 'GET', url: links.events, headers: asViewer });
      const names = [...events.body.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
      expect(names[0]).toBe('progress');
      expect(names.at(-1)).toBe('done');
      expect(events.body).toMatch(/"done":240,"total":240/);
      const job = (await app.inject({ method: 'GET', url: `/api/v1/analysis/jobs/${jobId}`, headers: asViewer })).json();
      expect(job.status).toBe('done');
      expect(job.result.draws).toBe(240);
      const csv = await app.inject({ method: 'GET', url: links.csv, headers: asViewer });
      expect(csv.body).toMatch(/^figure,mean,p5,p50,p95,min,max\nmargin_usd,/);

      const big = await app.inject({ method: 'POST', url: '/api/v1/analysis/montecarlo', headers: asPlanner, payload: { ...payload, draws: 100_000 } });
      const id = big.json().jobId;
      const del = await app.inject({ method: 'DELETE', url: `/api/v1/analysis/jobs/${id}`, headers: asPlanner });
      expect(del.statusCode).toBe(200);
      expect(del.json().status).toBe('cancelled');
      const ended = await waitForJob(queue, id);
      expect(ended.status).toBe('cancelled');
      const missing = await app.inject({ method: 'GET', url: '/api/v1/analysis/jobs/job_missing', headers: asViewer });
      expect(missing.statusCode).toBe(404);
    });
  });
});
