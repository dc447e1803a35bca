/**
 * The job queue's configuration from the environment (read by the API and by `npm run worker`).
 *
 * Without DATABASE_URL jobs run in the API process and are kept in the SQLite file; none of this
 * applies except JOB_MAX_RUNNING, JOB_MAX_MINUTES and
 *   JOB_KEEP_DAYS (7)                    how long a finished job is kept (a number; 0.5 = 12 h)
 * With DATABASE_URL (pg-boss on PostgreSQL):
 *   EMBEDDED_WORKER (false)              the API process computes chunks too (one `npm start` completes jobs)
 *   WORKER_CONCURRENCY (CPU count)       chunks a worker (or the embedded worker) computes at once
 *   JOB_CHUNK_EXPIRE_SECONDS (60)        a chunk claimed this long ago and not finished is retried elsewhere
 *   JOB_CHUNK_RETRY_LIMIT (3)            retries of a chunk before its job fails
 *   JOB_MAINTENANCE_INTERVAL_SECONDS (15) how often expired chunks are looked for
 *   JOB_POLL_INTERVAL_SECONDS (0.5)      how often an idle worker asks for a chunk
 *   JOB_CHUNK_DRAWS, JOB_CHUNK_POINTS    chunk sizes (default: about 64 Monte Carlo / 100 sweep chunks a job)
 *   JOB_EVENTS_POLL_MS (500)             how often the events stream re-reads a running job
 *   JOB_MAX_RUNNING (4 in process, 16 with PostgreSQL) jobs running at once; more are refused (503, Retry-After)
 *   JOB_MAX_MINUTES (15)                 a job still running this long after it was queued is stopped and fails
 */
import { availableParallelism } from 'node:os';
import { envBoolean, envNumber } from '../env.ts';

export interface JobsConfig {
  readonly embeddedWorker: boolean;
  readonly workerConcurrency: number;
  readonly expireInSeconds: number;
  readonly retryLimit: number;
  readonly maintenanceIntervalSeconds: number;
  readonly pollingIntervalSeconds: number;
  readonly chunkDraws: number | undefined;
  readonly chunkPoints: number | undefined;
  readonly eventPollMs: number;
  readonly maxRunning: number | undefined;
  /** In-process queue only (pg-boss keeps finished jobs 1 h). */
  readonly keepDays: number;
  /** A job's time cap (both queues). */
  readonly maxJobMinutes: number;
}

export function jobsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): JobsConfig {
  return {
    embeddedWorker: envBoolean(env, 'EMBEDDED_WORKER') ?? false,
    workerConcurrency: envNumber(env, 'WORKER_CONCURRENCY', 1, 1024) ?? availableParallelism(),
    expireInSeconds: envNumber(env, 'JOB_CHUNK_EXPIRE_SECONDS', 1, 86_000) ?? 60,
    retryLimit: envNumber(env, 'JOB_CHUNK_RETRY_LIMIT', 0, 100) ?? 3,
    maintenanceIntervalSeconds: envNumber(env, 'JOB_MAINTENANCE_INTERVAL_SECONDS', 1, 86_000) ?? 15,
    pollingIntervalSeconds: envNumber(env, 'JOB_POLL_INTERVAL_SECONDS', 0.5, 3600, false) ?? 0.5,
    chunkDraws: envNumber(env, 'JOB_CHUNK_DRAWS', 1, 200_000),
    chunkPoints: envNumber(env, 'JOB_CHUNK_POINTS', 1, 2000),
    eventPollMs: envNumber(env, 'JOB_EVENTS_POLL_MS', 20, 60_000) ?? 500,
    maxRunning: envNumber(env, 'JOB_MAX_RUNNING', 1, 10_000),
    keepDays: envNumber(env, 'JOB_KEEP_DAYS', 0.001, 3650, false) ?? 7,
    maxJobMinutes: envNumber(env, 'JOB_MAX_MINUTES', 0.01, 24 * 60, false) ?? 15,
  };
}
