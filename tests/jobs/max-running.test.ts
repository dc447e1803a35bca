/**
 * JOB_MAX_RUNNING for submissions that arrive together: in process, and on PostgreSQL through
 * one API process and through two: exactly the limit are admitted, the rest refused (TooManyJobsError, a 503 at the
 * API), and no more than the limit are running. On PostgreSQL no worker runs, so admitted jobs stay
 * running.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { closeMonteCarloPools } from '../../server/analysis/mc-pool.ts';
import { shutdownSolverPool } from '../../server/solver/solve.ts';
import { InProcessQueue } from '../../server/jobs/in-process.ts';
import { TooManyJobsError, type JobQueue } from '../../server/jobs/queue.ts';
import { PgBossQueue } from '../../server/jobs/pgboss/queue.ts';
import { defaultNetwork } from '../analysis/helpers.ts';
import { FAST_RETRY, freshDatabase, monteCarloRequest, postgresUrl, sql } from './helpers.ts';

const LIMIT = 2;

async function submitTogether(through: JobQueue[], count: number): Promise<number> {
  const network = defaultNetwork();
  const outcomes = await Promise.allSettled(
    Array.from({ length: count }, (_, i) => through[i % through.length].submit({ kind: 'montecarlo', request: monteCarloRequest(500, i + 1), network })),
  );
  for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(TooManyJobsError);
  return outcomes.filter((o) => o.status === 'fulfilled').length;
}

afterAll(async () => {
  await closeMonteCarloPools();
  await shutdownSolverPool();
});

it('in process: submissions at once admit exactly the limit (counted before any wait)', async () => {
  const queue = new InProcessQueue({ maxRunning: LIMIT });
  try {
    expect(await submitTogether([queue], 6)).toBe(LIMIT);
  } finally {
    await queue.close();
  }
});

describe.skipIf(!postgresUrl)('JOB_MAX_RUNNING with submissions at once (PostgreSQL)', () => {
  const queues: PgBossQueue[] = [];
  afterAll(async () => {
    await Promise.all(queues.map((q) => q.close()));
  });

  it.each([
    ['one API process', 1, 6],
    ['two API processes', 2, 8],
  ])('through %s: exactly the limit admitted', async (_name, processes, count) => {
    const url = await freshDatabase();
    const through: PgBossQueue[] = [];
    for (let i = 0; i < processes; i++) through.push(await PgBossQueue.open({ connectionString: url, ...FAST_RETRY, maxRunning: LIMIT, poolSize: 8 }));
    queues.push(...through);
    expect(await submitTogether(through, count)).toBe(LIMIT);
    const [running] = await sql<{ n: string }>(url, "SELECT count(*) AS n FROM analysis_jobs WHERE status = 'running'");
    expect(Number(running.n)).toBe(LIMIT);
    // Once one ends, one more is admitted.
    const [first] = await sql<{ id: string }>(url, "SELECT id FROM analysis_jobs WHERE status = 'running' LIMIT 1");
    await through[0].cancel(first.id);
    expect(await submitTogether(through, count)).toBe(1);
  });
});
