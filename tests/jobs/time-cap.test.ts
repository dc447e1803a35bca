/**
 * A job's time cap (JOB_MAX_MINUTES) on both queues: a job still running at its cap stops its work
 * and ends failed with "time cap of N s reached", and its record (SQLite for the in-process queue,
 * analysis_jobs on PostgreSQL) says so. Waits poll the job's state with a deadline.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp.ts';
import { join } from 'node:path';
import { closeMonteCarloPools } from '../../server/analysis/mc-pool.ts';
import { shutdownSolverPool } from '../../server/solver/solve.ts';
import { InProcessQueue } from '../../server/jobs/in-process.ts';
import { PgBossQueue } from '../../server/jobs/pgboss/queue.ts';
import { timeCapReached } from '../../server/jobs/records.ts';
import { openSqliteStore } from '../../server/store/sqlite.ts';
import { defaultNetwork } from '../analysis/helpers.ts';
import { FAST_RETRY, freshDatabase, monteCarloRequest, postgresUrl, sql, until, waitForJob } from './helpers.ts';

afterAll(async () => {
  await closeMonteCarloPools();
  await shutdownSolverPool();
});

const DRAWS = 200_000;

describe('job time cap', () => {
  it('in process: the job stops at its cap and fails with the reason, in memory and in its SQLite record', async () => {
    const store = openSqliteStore({ path: join(tempDir('caspian-cap-'), 'caspian.db') });
    const queue = new InProcessQueue({ records: store.jobRecords(), maxJobMs: 300 });
    try {
      const id = await queue.submit({ kind: 'montecarlo', request: monteCarloRequest(DRAWS), network: defaultNetwork() });
      const job = await waitForJob(queue, id);
      expect(job).toMatchObject({ status: 'failed', error: 'time cap of 0.3 s reached: the job was stopped' });
      expect(job.progress.done).toBeLessThan(DRAWS);
      expect(store.jobRecords().get(id)).toMatchObject({ status: 'failed', error: timeCapReached(300) });
    } finally {
      await queue.close();
      await store.close();
    }
  });

  describe.skipIf(!postgresUrl)('on PostgreSQL', () => {
    it('a chunk in progress at the cap is stopped; the job fails with the reason and no chunk is recorded', async () => {
      const url = await freshDatabase();
      // One chunk of 200,000 draws (minutes of work): the cap falls in its middle.
      const queue = await PgBossQueue.open({ connectionString: url, ...FAST_RETRY, chunkSizes: { draws: DRAWS }, embeddedWorker: { concurrency: 1 }, maxJobMs: 2000 });
      try {
        const id = await queue.submit({ kind: 'montecarlo', request: monteCarloRequest(DRAWS), network: defaultNetwork() });
        await until('a chunk of the job to be claimed', async () => (await sql(url, 'SELECT 1 FROM analysis_chunk_claims')).length > 0, 60_000);
        const job = await waitForJob(queue, id);
        expect(job).toMatchObject({ status: 'failed', error: 'time cap of 2 s reached: the job was stopped' });
        const [row] = await sql<{ status: string; error: string }>(url, 'SELECT status, error FROM analysis_jobs WHERE id = $1', [id]);
        expect(row).toEqual({ status: 'failed', error: timeCapReached(2000) });
        // The worker stops the chunk's work (the chunk ends with the cap's message, not after its
        // draws) and lets go of it (its claim is removed) without recording it.
        const outputs = await until(
          'the stopped chunk to end',
          async () => {
            const rows = await sql<{ output: unknown }>(
              url,
              `SELECT output FROM pgboss.job WHERE data->>'jobId' = $1 AND state = 'completed' UNION ALL SELECT output FROM pgboss.archive WHERE data->>'jobId' = $1`,
              [id],
            );
            return rows.length > 0 && rows;
          },
          120_000,
        );
        expect(outputs.map((r) => r.output)).toEqual([{ failed: timeCapReached(2000) }]);
        expect(await sql(url, 'SELECT 1 FROM analysis_chunk_claims')).toEqual([]);
        expect(await sql(url, 'SELECT chunk FROM analysis_job_chunks WHERE job_id = $1', [id])).toEqual([]);
      } finally {
        await queue.close();
      }
    });

    it('with no worker running, the job reads failed once past its cap', async () => {
      const url = await freshDatabase();
      const queue = await PgBossQueue.open({ connectionString: url, ...FAST_RETRY, embeddedWorker: false, maxJobMs: 200 });
      try {
        const id = await queue.submit({ kind: 'montecarlo', request: monteCarloRequest(1000), network: defaultNetwork() });
        const job = await waitForJob(queue, id);
        expect(job).toMatchObject({ status: 'failed', error: timeCapReached(200) });
        expect(job.error).toBe('time cap of 0.2 s reached: the job was stopped');
        const [row] = await sql<{ status: string; error: string }>(url, 'SELECT status, error FROM analysis_jobs WHERE id = $1', [id]);
        expect(row).toEqual({ status: 'failed', error: timeCapReached(200) });
      } finally {
        await queue.close();
      }
    });
  });
});
