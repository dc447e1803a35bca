/**
 * The job tables on PostgreSQL (server/jobs/pgboss/): their SQL, created idempotently under an
 * advisory lock by whichever process starts first, the transaction helper their writers use, and
 * the time cap's sweep over running jobs.
 */
import type pg from 'pg';
import { timeCapReached } from '../records.ts';

/** Held while creating the job tables, so processes starting at once do it once. */
const SCHEMA_LOCK_KEY = 7_231_405_119;

const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS analysis_jobs (
  id            text PRIMARY KEY,
  kind          text NOT NULL CHECK (kind IN ('sweep', 'montecarlo')),
  status        text NOT NULL CHECK (status IN ('running', 'done', 'failed', 'cancelled')),
  request       jsonb NOT NULL,
  network       jsonb NOT NULL,
  total         integer NOT NULL,
  chunk_size    integer NOT NULL,
  chunk_count   integer NOT NULL,
  chunks_done   integer NOT NULL DEFAULT 0,
  done          integer NOT NULL DEFAULT 0,
  result        jsonb,
  error         text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz
);
-- The job's time cap (JOB_MAX_MINUTES of the process that queued it): running longer, it fails.
ALTER TABLE analysis_jobs ADD COLUMN IF NOT EXISTS time_cap_ms double precision;
CREATE INDEX IF NOT EXISTS analysis_jobs_running ON analysis_jobs (status) WHERE status = 'running';
CREATE INDEX IF NOT EXISTS analysis_jobs_finished ON analysis_jobs (finished_at) WHERE finished_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS analysis_job_chunks (
  job_id      text NOT NULL REFERENCES analysis_jobs (id) ON DELETE CASCADE,
  chunk       integer NOT NULL,
  worker      text NOT NULL,
  units       integer NOT NULL,
  rows        jsonb,
  draws       bytea,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (job_id, chunk)
);
-- Liveness: each worker's heartbeat, and which worker holds which pg-boss chunk, so a dead worker's
-- chunks go back to the queue within seconds rather than after their expiry.
CREATE TABLE IF NOT EXISTS analysis_workers (
  id       text PRIMARY KEY,
  seen_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS analysis_chunk_claims (
  boss_id     text PRIMARY KEY,
  queue       text NOT NULL,
  worker      text NOT NULL,
  claimed_at  timestamptz NOT NULL DEFAULT now()
);
`;

/** Creates the job tables (idempotent, under an advisory lock). */
export async function ensureJobTables(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK_KEY]);
    await client.query(SCHEMA_SQL);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

/**
 * Fails every running job past its time cap (created_at + time_cap_ms, on the database's clock);
 * returns their ids. Workers stop such a job's chunks in flight themselves (worker.ts).
 */
export async function failOverdueJobs(db: Pick<pg.Pool, 'query'>): Promise<string[]> {
  const { rows } = await db.query<{ id: string; time_cap_ms: number }>(
    `SELECT id, time_cap_ms FROM analysis_jobs
      WHERE status = 'running' AND time_cap_ms IS NOT NULL AND created_at + time_cap_ms * interval '1 millisecond' <= now()`,
  );
  const failed: string[] = [];
  for (const row of rows) {
    const { rowCount } = await db.query(`UPDATE analysis_jobs SET status = 'failed', error = $2, finished_at = now() WHERE id = $1 AND status = 'running'`, [
      row.id,
      timeCapReached(row.time_cap_ms),
    ]);
    if (rowCount) failed.push(row.id);
  }
  return failed;
}

/** Runs `fn` in one transaction on one connection of `pool` (rolled back if it throws). */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const out = await fn(client);
    await client.query('COMMIT');
    return out;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}
