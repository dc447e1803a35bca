/**
 * Worker processes (`server/worker.ts`) sharing jobs queued on PostgreSQL: two workers record
 * chunks of one Monte Carlo job; one worker killed with SIGKILL in the middle of a chunk loses
 * nothing and counts nothing twice; SIGTERM lets a worker finish its chunk and leave; cancel from
 * another API process stops the workers' work on that job.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeMonteCarloPools } from '../../server/analysis/mc-pool.ts';
import { runMonteCarlo, type MonteCarloRequest } from '../../server/analysis/montecarlo.ts';
import { PgBossQueue } from '../../server/jobs/pgboss/queue.ts';
import { defaultNetwork } from '../analysis/helpers.ts';
import { BUILD_TIMEOUT_MS, buildServer } from '../support/build.ts';
import { FAST_RETRY, freshDatabase, killInNextChunk, monteCarloRequest, postgresUrl, sql, startWorker, stopAllWorkers, until, waitForJob, withoutTiming, type WorkerProcess } from './helpers.ts';

/** What the in-process path gives for the same request (the reference). */
async function inProcess(request: MonteCarloRequest) {
  const run = await runMonteCarlo(request, defaultNetwork());
  return run.result;
}

describe.skipIf(!postgresUrl)('worker processes on PostgreSQL', () => {
  let url: string;
  /** The API side: queues jobs, computes nothing. */
  let api: PgBossQueue;
  /**
   * Workers on `url` that a test ended with, alive and idle: the next test on `url` takes them
   * before it starts more (a worker start costs about 2 s of CPU). A test hands them on only once
   * all its checks passed; every other worker is stopped after its test.
   */
  let handedOn: WorkerProcess[] = [];
  const workersOn = async (n: number): Promise<WorkerProcess[]> => {
    const kept = handedOn.splice(0, n).filter((w) => w.proc.exitCode === null && w.proc.signalCode === null);
    return [...kept, ...(await Promise.all(Array.from({ length: n - kept.length }, () => startWorker(url))))];
  };

  beforeAll(async () => {
    await buildServer();
    url = await freshDatabase();
    api = await PgBossQueue.open({ connectionString: url, ...FAST_RETRY, chunkSizes: { draws: 50 } });
  }, BUILD_TIMEOUT_MS);
  afterEach(async () => {
    await stopAllWorkers(handedOn);
  });
  afterAll(async () => {
    await stopAllWorkers();
    await api?.close();
    await closeMonteCarloPools();
  });

  const chunksOf = (jobId: string) => sql<{ chunk: number; worker: string; units: number }>(url, 'SELECT chunk, worker, units FROM analysis_job_chunks WHERE job_id = $1 ORDER BY chunk', [jobId]);

  it('two workers share one Monte Carlo job; SIGTERM lets one finish its chunk and leave; the result is the in-process one', async () => {
    const [a, b] = await workersOn(2);
    const request = monteCarloRequest(2000, 21);
    const id = await api.submit({ kind: 'montecarlo', request, network: defaultNetwork() });
    await until('both workers to record chunks', async () => new Set((await chunksOf(id)).map((c) => c.worker)).size === 2);
    b.proc.kill('SIGTERM');
    expect(await b.exited).toBe(0);
    expect(b.lines.some((l) => l.msg === 'worker: stopped')).toBe(true);
    const job = await waitForJob(api, id);
    expect(job.status).toBe('done');
    expect(job.progress).toEqual({ done: 2000, total: 2000 });
    expect(withoutTiming(job.result)).toEqual(await inProcess(request));
    const chunks = await chunksOf(id);
    expect(chunks.map((c) => c.chunk)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(new Set(chunks.map((c) => c.worker))).toEqual(new Set([a.id, b.id]));
    expect((job.result as { timing: { workers: number } }).timing.workers).toBe(2);
    handedOn = [a];
  });

  it('kill -9 of a worker in the middle of a chunk: the job completes with exactly N draws, identical to the in-process result', async () => {
    // The victim works alone until it is killed: with a second worker beside it from the start, a
    // warm one could take every chunk while the victim was still starting, and it would never be
    // killed in a chunk.
    const [victim] = await workersOn(1);
    const N = 3000;
    const request = monteCarloRequest(N, 99);
    const id = await api.submit({ kind: 'montecarlo', request, network: defaultNetwork() });
    // Let the victim record a few chunks, then kill it while it computes the next one.
    const claimed = await killInNextChunk(victim, id, 3);
    expect(claimed.length).toBeGreaterThan(0);
    await victim.exited;
    const before = (await chunksOf(id)).length;
    expect(before).toBeLessThan(N / 50);
    // The survivor takes what is left, and the victim's chunk once it comes back.
    const survivor = await startWorker(url);

    const job = await waitForJob(api, id);
    expect(job.status).toBe('done');
    expect(job.progress).toEqual({ done: N, total: N });
    const result = job.result as { draws: number; statusCounts: Record<string, number> };
    expect(result.draws).toBe(N);
    expect(Object.values(result.statusCounts).reduce((s, n) => s + n, 0)).toBe(N);
    // The reference is computed after the job, so it does not compete with the workers for the CPU.
    expect(withoutTiming(job.result)).toEqual(await inProcess(request));

    // Every chunk exactly once; the chunk the victim held came back from pg-boss (retried after its
    // expiry) and is recorded once, by the survivor (or by the victim, had it written it just before dying).
    const chunks = await chunksOf(id);
    expect(chunks.map((c) => c.chunk)).toEqual(Array.from({ length: N / 50 }, (_, i) => i));
    expect(chunks.reduce((s, c) => s + c.units, 0)).toBe(N);
    const retried = await sql<{ chunk: number }>(
      url,
      `SELECT (data->>'chunk')::int AS chunk FROM pgboss.job WHERE data->>'jobId' = $1 AND retry_count > 0
       UNION SELECT (data->>'chunk')::int FROM pgboss.archive WHERE data->>'jobId' = $1 AND retry_count > 0`,
      [id],
    );
    expect(retried.length).toBeGreaterThanOrEqual(1);
    for (const { chunk } of retried) expect([survivor.id, victim.id]).toContain(chunks.find((r) => r.chunk === chunk)!.worker);
    expect(retried.some(({ chunk }) => claimed.includes(chunk) || chunks.find((r) => r.chunk === chunk)!.worker === survivor.id)).toBe(true);
    handedOn = [survivor];
  });

  it('kill -9 of a worker: its chunk goes back within seconds (liveness), long before the chunk would expire', async () => {
    // A database of its own whose queues let a chunk expire only after 120 s: only the liveness
    // check can bring the victim's chunk back in time.
    const slowUrl = await freshDatabase();
    const slowApi = await PgBossQueue.open({ connectionString: slowUrl, ...FAST_RETRY, expireInSeconds: 120, chunkSizes: { draws: 50 } });
    const chunksOf = (jobId: string) => sql<{ chunk: number; units: number }>(slowUrl, 'SELECT chunk, units FROM analysis_job_chunks WHERE job_id = $1 ORDER BY chunk', [jobId]);
    const env = { JOB_CHUNK_EXPIRE_SECONDS: '120' };
    const [victim] = await Promise.all([startWorker(slowUrl, env), startWorker(slowUrl, env)]);
    const N = 3000;
    const request = monteCarloRequest(N, 7);
    const id = await slowApi.submit({ kind: 'montecarlo', request, network: defaultNetwork() });
    const held = await killInNextChunk(victim, id, 2);
    expect(held.length).toBeGreaterThan(0);
    await victim.exited;
    // The held chunk is recorded again (by the survivor) within 15 s of the kill.
    await until('the held chunk to be recorded', async () => {
      const chunks = await chunksOf(id);
      return held.every((c) => chunks.some((r) => r.chunk === c));
    }, 15_000);
    const job = await waitForJob(slowApi, id);
    await slowApi.close();
    expect(job.status).toBe('done');
    expect(job.progress).toEqual({ done: N, total: N });
    expect((await chunksOf(id)).reduce((s, c) => s + c.units, 0)).toBe(N);
  });

  it('cancel stops a chunk in progress: the worker reads its job cancelled and stops its threads, without finishing the chunk', async () => {
    const [w] = await workersOn(1);
    // Chunks of 20,000 draws: seconds of work each, against a status read every CANCEL_POLL_MS.
    const big = await PgBossQueue.open({ connectionString: url, ...FAST_RETRY, chunkSizes: { draws: 20_000 } });
    try {
      const id = await big.submit({ kind: 'montecarlo', request: monteCarloRequest(40_000, 8), network: defaultNetwork() });
      const about = (msg: string) => w.lines.some((l) => l.msg === msg && l.jobId === id);
      await until('a chunk to start', async () => about('chunk started'));
      expect(await big.cancel(id)).toBe(true);
      await until('the chunk to stop', async () => about('chunk stopped: its job is no longer running'));
      // Stopped, not finished: no chunk of the job was computed to its end and recorded.
      expect(about('chunk finished')).toBe(false);
      expect(await chunksOf(id)).toEqual([]);
      expect((await big.get(id))!.status).toBe('cancelled');
      handedOn = [w];
    } finally {
      await big.close();
    }
  });

  it('cancel from another API process: the job stays cancelled and the workers stop recording its chunks', async () => {
    await workersOn(1);
    const other = await PgBossQueue.open({ connectionString: url, ...FAST_RETRY });
    try {
      const id = await api.submit({ kind: 'montecarlo', request: monteCarloRequest(20_000, 5), network: defaultNetwork() });
      await until('chunks to be recorded', async () => (await chunksOf(id)).length >= 2);
      expect(await other.cancel(id)).toBe(true);
      expect((await api.get(id))!.status).toBe('cancelled');
      // A chunk in progress may still finish (wait for that, not for a guessed time); after that
      // nothing more is recorded.
      await until('the chunks in progress to end', async () => {
        const rows = await sql<{ n: string }>(url, `SELECT count(*) AS n FROM pgboss.job WHERE data->>'jobId' = $1 AND state = 'active'`, [id]);
        return Number(rows[0].n) === 0;
      });
      const after = (await chunksOf(id)).length;
      await until('the remaining chunks to be skipped', async () => {
        const rows = await sql<{ n: string }>(url, `SELECT count(*) AS n FROM pgboss.job WHERE data->>'jobId' = $1 AND state IN ('created', 'retry', 'active')`, [id]);
        return Number(rows[0].n) === 0;
      });
      expect((await chunksOf(id)).length).toBe(after);
      expect(after).toBeLessThan(400);
      const job = (await other.get(id))!;
      expect(job.status).toBe('cancelled');
      expect(job.error).toMatch(/cancelled/);
    } finally {
      await other.close();
    }
  });
});
