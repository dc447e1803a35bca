/**
 * The database away while the last chunk's worker assembles a job's result (a connection ended by a
 * restart, a failover or an idle-connection killer): every chunk is stored, so the job must end
 * done, not failed. The worker's pool answers the assembly's read of the chunks with PostgreSQL's
 * own error for a terminated connection, as many times as a test asks; the chunk is tried again
 * (pg-boss), finds itself stored and assembles without computing anything again.
 */
import pg from 'pg';
import type PgBoss from 'pg-boss';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { closeMonteCarloPools } from '../../server/analysis/mc-pool.ts';
import { shutdownSolverPool } from '../../server/solver/solve.ts';
import { InProcessQueue } from '../../server/jobs/in-process.ts';
import { resolve, silent, startBoss, type QueueLogger } from '../../server/jobs/pgboss/boss.ts';
import { PgBossQueue } from '../../server/jobs/pgboss/queue.ts';
import { ensureJobTables } from '../../server/jobs/pgboss/schema.ts';
import { ChunkWorker } from '../../server/jobs/pgboss/worker.ts';
import { defaultNetwork } from '../analysis/helpers.ts';
import { FAST_RETRY, freshDatabase, monteCarloRequest, postgresUrl, sql, waitForJob, withoutTiming } from './helpers.ts';

const ASSEMBLY_READ = 'SELECT chunk, rows, draws FROM analysis_job_chunks';

/** A pool whose next `drops` reads of a job's chunks fail as a connection terminated by the server does. */
function droppingPool(url: string): pg.Pool & { drops: number; dropped: number } {
  const pool = Object.assign(new pg.Pool({ connectionString: url, max: 4 }), { drops: 0, dropped: 0 });
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  pool.query = ((...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith(ASSEMBLY_READ) && pool.drops > 0) {
      pool.drops--;
      pool.dropped++;
      const error = new pg.DatabaseError('terminating connection due to administrator command', 0, 'error');
      error.code = '57P01';
      error.severity = 'FATAL';
      return Promise.reject(error);
    }
    return query(...args);
  }) as typeof pool.query;
  return pool;
}

describe.skipIf(!postgresUrl)('a job whose assembly loses its database connection', () => {
  const opened: { close(): Promise<unknown> }[] = [];
  afterEach(async () => {
    for (const o of opened.splice(0).reverse()) await o.close();
  });
  afterAll(async () => {
    await closeMonteCarloPools();
    await shutdownSolverPool();
  });

  // A failed try comes back at once (FAST_RETRY), but a chunk does not expire while it computes: on a
  // busy machine a 40-draw chunk can take longer than FAST_RETRY's 3 s expiry, and an expired chunk
  // is computed a second time, which is pg-boss doing its job, not what this file is about.
  const RETRY = { ...FAST_RETRY, expireInSeconds: 300 };

  async function setUp(drops: number) {
    const url = await freshDatabase();
    const queue = await PgBossQueue.open({ connectionString: url, ...RETRY, chunkSizes: { draws: 40 } });
    opened.push(queue);
    const pool = droppingPool(url);
    await ensureJobTables(pool);
    const options = { connectionString: url, ...RETRY };
    const boss: PgBoss = await startBoss(url, resolve(options), silent, pool);
    opened.push({ close: () => pool.end() }, { close: () => boss.stop({ graceful: false, close: true, wait: true }) });
    const lines: { msg: string; jobId?: unknown; chunk?: unknown }[] = [];
    const record = (obj: object, msg: string) => lines.push({ msg, ...obj });
    const log: QueueLogger = { info: record, warn: record, error: record, debug: record };
    const worker = await ChunkWorker.start({ ...options, concurrency: 1, pool, boss, ownsConnections: false, log });
    opened.push({ close: () => worker.stop() });
    pool.drops = drops;
    return { url, queue, pool, lines };
  }

  it.each([
    ['once: the chunk is tried again and assembles', 1],
    ['on every try of the chunk: the dead-letter handler assembles', FAST_RETRY.retryLimit + 1],
  ])('%s', async (_name, drops) => {
    const { url, queue, pool, lines } = await setUp(drops);
    const request = monteCarloRequest(200, 11);
    const id = await queue.submit({ kind: 'montecarlo', request, network: defaultNetwork() });
    const job = await waitForJob(queue, id);
    expect(pool.dropped).toBe(drops);
    expect(job.error).toBeNull();
    expect(job.status).toBe('done');
    expect(job.progress).toEqual({ done: 200, total: 200 });
    expect((job.result as { draws: number }).draws).toBe(200);
    // The same result as a run in process with the same seed.
    const local = new InProcessQueue();
    opened.push(local);
    const expected = await waitForJob(local, await local.submit({ kind: 'montecarlo', request, network: defaultNetwork() }));
    expect(withoutTiming(job.result)).toEqual(withoutTiming(expected.result));
    // Each of the 5 chunks computed and stored once: the tries again only assembled.
    const started = lines.filter((l) => l.msg === 'chunk started' && l.jobId === id).map((l) => l.chunk);
    expect(started.sort()).toEqual([0, 1, 2, 3, 4]);
    const chunks = await sql<{ n: string }>(url, 'SELECT count(*) AS n FROM analysis_job_chunks WHERE job_id = $1', [id]);
    expect(Number(chunks[0].n)).toBe(5);
  });
});
