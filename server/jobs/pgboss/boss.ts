/**
 * pg-boss for the job queue (server/jobs/pgboss/): the queue names, the options an API process and
 * a worker share, and starting pg-boss with its queues.
 */
import type pg from 'pg';
import PgBoss from 'pg-boss';
import type { ChunkSizes } from '../chunks.ts';

export const SWEEP_QUEUE = 'analysis-sweep-chunk';
export const MONTECARLO_QUEUE = 'analysis-montecarlo-chunk';
export const DEAD_LETTER_QUEUE = 'analysis-chunk-failed';

/** Held while pg-boss's schema and queues are set up (startBoss). */
const BOSS_SETUP_LOCK_KEY = 7_231_405_120;

export interface QueueLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}
export const silent: QueueLogger = { info() {}, warn() {}, error() {}, debug() {} };

export interface PgBossQueueOptions {
  readonly connectionString: string;
  /** Jobs running at once across every process; more are refused (429). Default 16. */
  readonly maxRunning?: number;
  /** A job still running this long after it was queued is stopped and fails. Default 15 min. */
  readonly maxJobMs?: number;
  /** How long a finished job is kept. Default 1 h. */
  readonly keepMs?: number;
  readonly chunkSizes?: ChunkSizes;
  /** A chunk still active this long after it was claimed is retried elsewhere (its worker died). Default 60 s. */
  readonly expireInSeconds?: number;
  /** Tries after the first before a chunk, and so its job, fails. Default 3. */
  readonly retryLimit?: number;
  /** How often pg-boss looks for expired chunks (one process does it per interval). Default 15 s. */
  readonly maintenanceIntervalSeconds?: number;
  /** How often an idle worker asks for a chunk. Default 0.5 s (pg-boss's minimum). */
  readonly pollingIntervalSeconds?: number;
  /** How often the events stream re-reads a running job. Default 500 ms. */
  readonly eventPollMs?: number;
  /**
   * Connections of each of the queue's two pools in this process (pg-boss's own and the job
   * tables'), beside the store's DATABASE_POOL_SIZE. Default QUEUE_POOL_SIZE (4) in an API process;
   * a worker: max(4, WORKER_CONCURRENCY + 2).
   */
  readonly poolSize?: number;
  /** Also compute chunks in this process (EMBEDDED_WORKER=true), with this many at once. */
  readonly embeddedWorker?: { readonly concurrency: number } | false;
  readonly log?: QueueLogger;
}

/** A pg-boss job: one chunk of one analysis job. */
export interface ChunkData {
  readonly jobId: string;
  readonly chunk: number;
}

/** Connections of each of the job queue's two pools in an API process (PgBossQueueOptions.poolSize). */
export const QUEUE_POOL_SIZE = 4;

export interface Resolved {
  readonly expireInSeconds: number;
  readonly retryLimit: number;
  readonly maintenanceIntervalSeconds: number;
  readonly pollingIntervalSeconds: number;
  readonly poolSize: number;
}

export function resolve(options: PgBossQueueOptions): Resolved {
  return {
    expireInSeconds: Math.max(1, Math.round(options.expireInSeconds ?? 60)),
    retryLimit: Math.max(0, Math.round(options.retryLimit ?? 3)),
    maintenanceIntervalSeconds: Math.max(1, Math.round(options.maintenanceIntervalSeconds ?? 15)),
    pollingIntervalSeconds: Math.max(0.5, options.pollingIntervalSeconds ?? 0.5),
    poolSize: Math.max(2, options.poolSize ?? QUEUE_POOL_SIZE),
  };
}

/**
 * Starts pg-boss and creates its queues. One process at a time (a session advisory lock on one of
 * `pool`'s connections): several processes starting together on an empty database otherwise
 * deadlock in pg-boss's schema and queue set-up (`create_queue`).
 */
export async function startBoss(connectionString: string, r: Resolved, log: QueueLogger, pool: pg.Pool): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString,
    max: r.poolSize,
    application_name: 'caspian-jobs',
    supervise: true,
    maintenanceIntervalSeconds: r.maintenanceIntervalSeconds,
    // Finished chunks are of no use once their result is in analysis_job_chunks.
    archiveCompletedAfterSeconds: 3600,
    deleteAfterDays: 1,
    schedule: false,
  });
  boss.on('error', (error) => log.warn({ err: error }, 'job queue: pg-boss error'));
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [BOSS_SETUP_LOCK_KEY]);
    try {
      await boss.start();
      await boss.createQueue(DEAD_LETTER_QUEUE, { name: DEAD_LETTER_QUEUE });
      for (const name of [SWEEP_QUEUE, MONTECARLO_QUEUE]) {
        await boss.createQueue(name, { name, retryLimit: r.retryLimit, expireInSeconds: r.expireInSeconds, deadLetter: DEAD_LETTER_QUEUE });
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [BOSS_SETUP_LOCK_KEY]).catch(() => undefined);
    }
  } catch (e) {
    await boss.stop({ graceful: false }).catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
  return boss;
}
