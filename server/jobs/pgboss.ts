/**
 * The job queue on PostgreSQL, with pg-boss: several API processes and several worker processes
 * (`npm run worker`, on one machine or many) share sweeps and Monte Carlo runs.
 *
 * - POST a job: one row in `analysis_jobs` (status, progress, request, network) and one pg-boss job
 *   per chunk (server/jobs/chunks.ts), in one transaction: a job is queued whole or not at all.
 * - A worker claims a chunk (pg-boss: SELECT … FOR UPDATE SKIP LOCKED), skips it when its job is no
 *   longer running (cancelled, failed), computes it, then in one transaction locks the job row,
 *   inserts the chunk's result into `analysis_job_chunks` keyed by (job id, chunk index) with
 *   ON CONFLICT DO NOTHING, and only when that row is new adds the chunk to the job's progress. A
 *   chunk computed twice (its first worker died after writing, or ran past its expiry) is therefore
 *   never counted twice.
 * - The worker whose chunk completes the job assembles the result from all chunks (Monte Carlo:
 *   every draw in draw order) and stores it. Assembly is idempotent: a retried last chunk finds
 *   every chunk written and assembles again; only the first `status = 'done'` update wins.
 * - A worker killed mid-chunk leaves the chunk `active` in pg-boss; after its expiry pg-boss puts it
 *   back (retry) and another worker computes it. A chunk that fails `retryLimit` times goes to a
 *   dead-letter queue, whose handler marks the job failed.
 * - Cancel marks the job cancelled; workers skip its remaining chunks.
 * - GET /jobs/:id, events, CSV and DELETE read and write `analysis_jobs`, so any API process answers.
 *   Events poll the row (every `eventPollMs`).
 */
import { randomBytes } from 'node:crypto';
import { availableParallelism, hostname } from 'node:os';
import pg from 'pg';
import PgBoss from 'pg-boss';
import type { Network } from '../core/schema.ts';
import { buildFastModel, clearingTableMarkets, emptyTable, MonteCarloRequest, solveClearingDraws, type FastModel } from '../analysis/montecarlo.ts';
import { solveSweepPoints, SweepRequest, type SweepRow } from '../analysis/sweep.ts';
import { POOL_SIZE } from '../solver/solve.ts';
import { assembleMonteCarlo, assembleSweep, chunkLayout, chunkRange, encodeDraws, type ChunkSizes } from './chunks.ts';
import { DrawThreads } from './draw-threads.ts';
import { TooManyJobsError, type JobEvent, type JobKind, type JobQueue, type JobSpec, type JobStatus, type JobView } from './queue.ts';

export const SWEEP_QUEUE = 'analysis-sweep-chunk';
export const MONTECARLO_QUEUE = 'analysis-montecarlo-chunk';
export const DEAD_LETTER_QUEUE = 'analysis-chunk-failed';

/** Held while creating the job tables, so processes starting at once do it once. */
const SCHEMA_LOCK_KEY = 7_231_405_119;
/** Held while pg-boss's schema and queues are set up (startBoss). */
const BOSS_SETUP_LOCK_KEY = 7_231_405_120;

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

/** A worker writes its heartbeat this often. */
export const HEARTBEAT_MS = 1_000;
/** A worker not heard from for this long is dead: its chunks are put back at once. */
export const WORKER_DEAD_AFTER_S = 6;
/** How often each worker looks for dead workers' chunks. */
export const REAP_MS = 2_000;

export interface QueueLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}
const silent: QueueLogger = { info() {}, warn() {}, error() {}, debug() {} };

export interface PgBossQueueOptions {
  readonly connectionString: string;
  /** Jobs running at once across every process; more are refused (429). Default 16. */
  readonly maxRunning?: number;
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
  /** Connections of this process (pg-boss's own pool and the job tables' pool each). Default 4. */
  readonly poolSize?: number;
  /** Also compute chunks in this process (EMBEDDED_WORKER=true), with this many at once. */
  readonly embeddedWorker?: { readonly concurrency: number } | false;
  readonly log?: QueueLogger;
}

interface JobRow {
  id: string;
  kind: JobKind;
  status: JobStatus;
  total: number;
  done: number;
  chunk_size: number;
  chunk_count: number;
  chunks_done: number;
  result?: unknown;
  error: string | null;
  created_at: Date;
  finished_at: Date | null;
}

interface ChunkData {
  readonly jobId: string;
  readonly chunk: number;
}

const VIEW_COLUMNS = 'id, kind, status, total, done, chunk_size, chunk_count, chunks_done, error, created_at, finished_at';

function view(row: JobRow, withResult: boolean): JobView {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    progress: { done: row.done, total: row.total },
    createdAt: new Date(row.created_at).toISOString(),
    finishedAt: row.finished_at ? new Date(row.finished_at).toISOString() : null,
    error: row.error,
    ...(withResult && row.status === 'done' ? { result: row.result } : {}),
  };
}

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

async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
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

interface Resolved {
  readonly expireInSeconds: number;
  readonly retryLimit: number;
  readonly maintenanceIntervalSeconds: number;
  readonly pollingIntervalSeconds: number;
  readonly poolSize: number;
}

function resolve(options: PgBossQueueOptions): Resolved {
  return {
    expireInSeconds: Math.max(1, Math.round(options.expireInSeconds ?? 60)),
    retryLimit: Math.max(0, Math.round(options.retryLimit ?? 3)),
    maintenanceIntervalSeconds: Math.max(1, Math.round(options.maintenanceIntervalSeconds ?? 15)),
    pollingIntervalSeconds: Math.max(0.5, options.pollingIntervalSeconds ?? 0.5),
    poolSize: Math.max(2, options.poolSize ?? 4),
  };
}

/**
 * Starts pg-boss and creates its queues. One process at a time (a session advisory lock on one of
 * `pool`'s connections): several processes starting together on an empty database otherwise
 * deadlock in pg-boss's schema and queue set-up (`create_queue`).
 */
async function startBoss(connectionString: string, r: Resolved, log: QueueLogger, pool: pg.Pool): Promise<PgBoss> {
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

/** The API side: queues jobs and answers for them; with `embeddedWorker`, computes chunks too. */
export class PgBossQueue implements JobQueue {
  readonly mode = 'pg-boss' as const;
  readonly #pool: pg.Pool;
  readonly #boss: PgBoss;
  readonly #options: PgBossQueueOptions;
  readonly #r: Resolved;
  readonly #worker: ChunkWorker | null;
  readonly #timers = new Set<ReturnType<typeof setInterval>>();
  #closing: Promise<void> | null = null;

  private constructor(pool: pg.Pool, boss: PgBoss, options: PgBossQueueOptions, r: Resolved, worker: ChunkWorker | null) {
    this.#pool = pool;
    this.#boss = boss;
    this.#options = options;
    this.#r = r;
    this.#worker = worker;
  }

  static async open(options: PgBossQueueOptions): Promise<PgBossQueue> {
    const r = resolve(options);
    const log = options.log ?? silent;
    const pool = new pg.Pool({ connectionString: options.connectionString, max: r.poolSize, application_name: 'caspian-jobs' });
    pool.on('error', (error) => log.warn({ err: error }, 'job queue: idle connection lost'));
    try {
      await ensureJobTables(pool);
      const boss = await startBoss(options.connectionString, r, log, pool);
      let worker: ChunkWorker | null = null;
      if (options.embeddedWorker) {
        worker = await ChunkWorker.start({ ...options, concurrency: options.embeddedWorker.concurrency, boss, pool, ownsConnections: false });
      }
      return new PgBossQueue(pool, boss, options, r, worker);
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw e;
    }
  }

  async submit(spec: JobSpec): Promise<string> {
    const layout = chunkLayout(spec, this.#options.chunkSizes);
    const id = `job_${randomBytes(10).toString('hex')}`;
    const max = this.#options.maxRunning ?? 16;
    const keepMs = this.#options.keepMs ?? 3600_000;
    const queue = spec.kind === 'sweep' ? SWEEP_QUEUE : MONTECARLO_QUEUE;
    const expireInSeconds = spec.kind === 'sweep' ? sweepExpiry(spec.request, layout.size, this.#r.expireInSeconds) : this.#r.expireInSeconds;
    await inTransaction(this.#pool, async (client) => {
      await client.query(`DELETE FROM analysis_jobs WHERE finished_at < now() - make_interval(secs => $1)`, [keepMs / 1000]);
      const running = await client.query<{ n: string }>(`SELECT count(*) AS n FROM analysis_jobs WHERE status = 'running'`);
      if (Number(running.rows[0].n) >= max) throw new TooManyJobsError(max);
      await client.query(
        `INSERT INTO analysis_jobs (id, kind, status, request, network, total, chunk_size, chunk_count) VALUES ($1, $2, 'running', $3, $4, $5, $6, $7)`,
        [id, spec.kind, JSON.stringify(spec.request), JSON.stringify(spec.network), layout.total, layout.size, layout.count],
      );
      const chunks: PgBoss.JobInsert<ChunkData>[] = Array.from({ length: layout.count }, (_, chunk) => ({
        name: queue,
        data: { jobId: id, chunk },
        retryLimit: this.#r.retryLimit,
        expireInSeconds,
        deadLetter: DEAD_LETTER_QUEUE,
      }));
      // pg-boss writes the chunks through this transaction's connection: job and chunks commit together.
      await this.#boss.insert(chunks, { db: { executeSql: (text: string, values: unknown[]) => client.query(text, values) } });
    });
    return id;
  }

  async #row(id: string, withResult: boolean): Promise<JobRow | null> {
    const { rows } = await this.#pool.query<JobRow>(`SELECT ${VIEW_COLUMNS}${withResult ? ', result' : ''} FROM analysis_jobs WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  async get(id: string, withResult = true): Promise<JobView | null> {
    const row = await this.#row(id, withResult);
    return row ? view(row, withResult) : null;
  }

  async result(id: string) {
    const row = await this.#row(id, true);
    return row ? { kind: row.kind, status: row.status, result: row.result ?? undefined } : null;
  }

  async cancel(id: string): Promise<boolean> {
    const { rowCount } = await this.#pool.query(
      `UPDATE analysis_jobs SET status = CASE WHEN status = 'running' THEN 'cancelled' ELSE status END,
         error = CASE WHEN status = 'running' THEN 'the job was cancelled' ELSE error END,
         finished_at = COALESCE(finished_at, now())
       WHERE id = $1`,
      [id],
    );
    return (rowCount ?? 0) > 0;
  }

  async subscribe(id: string, listener: (event: JobEvent) => void): Promise<() => void> {
    const first = await this.#row(id, false);
    if (first?.status !== 'running') return () => {};
    let last = first.done;
    let busy = false;
    let stopped = false;
    const timer = setInterval(() => {
      if (busy || stopped) return;
      busy = true;
      void (async () => {
        try {
          const row = await this.#row(id, false);
          if (stopped) return;
          if (row?.status !== 'running') {
            stop();
            const full = row ? await this.#row(id, true) : null;
            if (full) listener({ type: 'done', job: view(full, true) });
            return;
          }
          if (row.done !== last) {
            last = row.done;
            listener({ type: 'progress', job: view(row, false) });
          }
        } catch (error) {
          (this.#options.log ?? silent).warn({ err: error, jobId: id }, 'job events: could not read the job');
        } finally {
          busy = false;
        }
      })();
    }, this.#options.eventPollMs ?? 500);
    this.#timers.add(timer);
    const stop = () => {
      stopped = true;
      clearInterval(timer);
      this.#timers.delete(timer);
    };
    return stop;
  }

  /** Stops the embedded worker (its chunks in progress finish first), then pg-boss and the connections. Jobs stay queued. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      for (const t of this.#timers) clearInterval(t);
      this.#timers.clear();
      if (this.#worker) await this.#worker.stop();
      await this.#boss.stop({ graceful: false, close: true, wait: true }).catch(() => undefined);
      await this.#pool.end().catch(() => undefined);
    })();
    return this.#closing;
  }
}

/** A sweep chunk may take as long as its points' solves: never expire it before that. */
function sweepExpiry(request: SweepRequest, points: number, base: number): number {
  return Math.max(base, Math.ceil((points * (request.scenario.timeLimitMs * 1.25 + 1000)) / 1000) + 5);
}

export interface ChunkWorkerOptions extends PgBossQueueOptions {
  /** Chunks computed at once (Monte Carlo: one thread each). Default: the CPU count. */
  readonly concurrency?: number;
  /** Shared with an API process's queue (embedded worker); else the worker opens its own. */
  readonly boss?: PgBoss;
  readonly pool?: pg.Pool;
  readonly ownsConnections?: boolean;
}

interface CachedJob {
  readonly kind: JobKind;
  readonly request: SweepRequest | MonteCarloRequest;
  readonly network: Network;
  readonly layout: { total: number; size: number; count: number };
  fast?: FastModel;
}

/**
 * A worker: claims chunks from both queues, computes them and records them. `npm run worker`
 * runs one (server/worker.ts); EMBEDDED_WORKER=true runs one inside the API process.
 */
export class ChunkWorker {
  /** Recorded with each chunk it writes: which worker computed what. */
  readonly id = `${hostname()}:${process.pid}:${randomBytes(2).toString('hex')}`;
  readonly concurrency: number;
  readonly #boss: PgBoss;
  readonly #pool: pg.Pool;
  readonly #owns: boolean;
  readonly #log: QueueLogger;
  readonly #threads: DrawThreads;
  readonly #cache = new Map<string, CachedJob>();
  #stopping: Promise<void> | null = null;
  #inFlight = 0;
  #liveness: ReturnType<typeof setInterval>[] = [];

  private constructor(boss: PgBoss, pool: pg.Pool, owns: boolean, concurrency: number, log: QueueLogger) {
    this.#boss = boss;
    this.#pool = pool;
    this.#owns = owns;
    this.concurrency = concurrency;
    this.#log = log;
    this.#threads = new DrawThreads(concurrency);
  }

  static async start(options: ChunkWorkerOptions): Promise<ChunkWorker> {
    const r = resolve(options);
    const log = options.log ?? silent;
    let pool = options.pool;
    let boss = options.boss;
    const owns = !pool || !boss;
    if (!pool) {
      pool = new pg.Pool({ connectionString: options.connectionString, max: r.poolSize, application_name: 'caspian-worker' });
      pool.on('error', (error) => log.warn({ err: error }, 'worker: idle connection lost'));
      await ensureJobTables(pool);
    }
    boss ??= await startBoss(options.connectionString, r, log, pool);
    const concurrency = Math.max(1, Math.floor(options.concurrency ?? availableParallelism()));
    const worker = new ChunkWorker(boss, pool, owns, concurrency, log);
    // Threads loaded before the first claim: a chunk's time is its computing, not a thread's start.
    await worker.#threads.start();
    await worker.#heartbeat();
    worker.#liveness = [
      setInterval(() => void worker.#heartbeat(), HEARTBEAT_MS),
      setInterval(() => void worker.#reap(), REAP_MS),
    ];
    for (const timer of worker.#liveness) timer.unref();
    await worker.#subscribe(r.pollingIntervalSeconds);
    log.info({ worker: worker.id, concurrency }, 'worker: waiting for chunks');
    return worker;
  }

  async #subscribe(pollingIntervalSeconds: number): Promise<void> {
    const loop = async (queue: string, handle: (job: PgBoss.JobWithMetadata<ChunkData>) => Promise<unknown>) => {
      let loopId = '';
      loopId = await this.#boss.work<ChunkData>(queue, { includeMetadata: true, batchSize: 1, pollingIntervalSeconds }, async ([job]) => {
        this.#inFlight++;
        try {
          return await handle(job);
        } finally {
          this.#inFlight--;
          // Ask for the next chunk at once instead of after the polling interval.
          if (!this.#stopping) this.#boss.notifyWorker(loopId);
        }
      });
    };
    // One loop per chunk computed at once. Sweep points solve in the solver pool (POOL_SIZE threads).
    for (let i = 0; i < this.concurrency; i++) await loop(MONTECARLO_QUEUE, (job) => this.#chunk('montecarlo', job));
    for (let i = 0; i < Math.min(this.concurrency, POOL_SIZE); i++) await loop(SWEEP_QUEUE, (job) => this.#chunk('sweep', job));
    await this.#boss.work<ChunkData>(DEAD_LETTER_QUEUE, { batchSize: 1, pollingIntervalSeconds: Math.max(1, pollingIntervalSeconds) }, async ([job]) => {
      await this.#fail(job.data.jobId, `chunk ${job.data.chunk} failed on every try (its worker died or it ran past its expiry)`);
    });
  }

  async #heartbeat(): Promise<void> {
    try {
      await this.#pool.query('INSERT INTO analysis_workers (id, seen_at) VALUES ($1, now()) ON CONFLICT (id) DO UPDATE SET seen_at = now()', [this.id]);
    } catch (error) {
      this.#log.warn({ err: error, worker: this.id }, 'worker: heartbeat not written');
    }
  }

  /**
   * Puts the chunks of dead workers (no heartbeat for WORKER_DEAD_AFTER_S) back in their queue at
   * once, as a retry, instead of waiting for their expiry. Any worker may do it; one claim is taken
   * by one of them (DELETE … RETURNING).
   */
  async #reap(): Promise<void> {
    if (this.#stopping) return;
    try {
      const { rows } = await this.#pool.query<{ boss_id: string; queue: string; worker: string }>(
        `DELETE FROM analysis_chunk_claims c
          WHERE NOT EXISTS (SELECT 1 FROM analysis_workers w WHERE w.id = c.worker AND w.seen_at > now() - make_interval(secs => $1))
          RETURNING c.boss_id, c.queue, c.worker`,
        [WORKER_DEAD_AFTER_S],
      );
      for (const claim of rows) {
        await this.#boss.fail(claim.queue, claim.boss_id, { error: `worker ${claim.worker} stopped answering` });
        this.#log.warn({ worker: this.id, dead: claim.worker, chunk: claim.boss_id }, 'worker: a dead worker\'s chunk put back');
      }
      await this.#pool.query(`DELETE FROM analysis_workers WHERE seen_at < now() - interval '1 hour'`);
    } catch (error) {
      this.#log.warn({ err: error, worker: this.id }, 'worker: dead workers not looked for');
    }
  }

  async #job(jobId: string): Promise<CachedJob | null> {
    const cached = this.#cache.get(jobId);
    if (cached) return cached;
    const { rows } = await this.#pool.query<{ kind: JobKind; request: unknown; network: Network; total: number; chunk_size: number; chunk_count: number }>(
      'SELECT kind, request, network, total, chunk_size, chunk_count FROM analysis_jobs WHERE id = $1',
      [jobId],
    );
    const row = rows[0];
    if (!row) return null;
    const job: CachedJob = {
      kind: row.kind,
      request: row.kind === 'sweep' ? SweepRequest.parse(row.request) : MonteCarloRequest.parse(row.request),
      network: row.network,
      layout: { total: row.total, size: row.chunk_size, count: row.chunk_count },
    };
    this.#cache.set(jobId, job);
    if (this.#cache.size > 16) this.#cache.delete(this.#cache.keys().next().value!);
    return job;
  }

  async #status(jobId: string): Promise<JobStatus | null> {
    const { rows } = await this.#pool.query<{ status: JobStatus }>('SELECT status FROM analysis_jobs WHERE id = $1', [jobId]);
    return rows[0]?.status ?? null;
  }

  async #chunk(kind: JobKind, claimed: PgBoss.JobWithMetadata<ChunkData>): Promise<unknown> {
    const queue = kind === 'sweep' ? SWEEP_QUEUE : MONTECARLO_QUEUE;
    await this.#pool.query(
      `INSERT INTO analysis_chunk_claims (boss_id, queue, worker) VALUES ($1, $2, $3)
       ON CONFLICT (boss_id) DO UPDATE SET worker = EXCLUDED.worker, claimed_at = now()`,
      [claimed.id, queue, this.id],
    );
    try {
      return await this.#computeChunk(kind, claimed);
    } finally {
      await this.#pool.query('DELETE FROM analysis_chunk_claims WHERE boss_id = $1 AND worker = $2', [claimed.id, this.id]).catch(() => undefined);
    }
  }

  async #computeChunk(kind: JobKind, claimed: PgBoss.JobWithMetadata<ChunkData>): Promise<unknown> {
    const { jobId, chunk } = claimed.data;
    const status = await this.#status(jobId);
    if (status !== 'running') return { skipped: status ?? 'gone' };
    const job = await this.#job(jobId);
    if (!job || job.kind !== kind) return { skipped: 'gone' };
    const { from, to } = chunkRange(job.layout, chunk);
    this.#log.debug({ worker: this.id, jobId, chunk, from, to, retry: claimed.retryCount }, 'chunk started');
    let payload: { rows: SweepRow[] } | { draws: Buffer };
    try {
      if (job.kind === 'sweep') {
        payload = { rows: await solveSweepPoints(job.request as SweepRequest, job.network, from, to) };
      } else {
        const request = job.request as MonteCarloRequest;
        if (request.scenario.market === 'clearing') {
          // Clearing draws are full plans through the CPU pool.
          const table = emptyTable(to - from, clearingTableMarkets(request, job.network).length);
          await solveClearingDraws(request, job.network, from, to, table, from, { concurrency: POOL_SIZE });
          payload = { draws: encodeDraws(table) };
        } else {
          job.fast ??= buildFastModel(request.scenario, job.network);
          const table = await this.#threads.solve(jobId, job.fast, { seed: request.seed, uncertainties: request.uncertainties }, from, to);
          payload = { draws: encodeDraws(table) };
        }
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (claimed.retryCount >= claimed.retryLimit) {
        await this.#fail(jobId, message);
        return { failed: message };
      }
      throw error; // pg-boss retries the chunk
    }
    const recorded = await this.#record(jobId, chunk, to - from, payload);
    this.#log.debug({ worker: this.id, jobId, chunk, recorded: recorded.inserted }, 'chunk finished');
    if (recorded.complete) await this.#finish(jobId);
    return { recorded: recorded.inserted };
  }

  /** Writes a chunk once; counts it only when it is new. */
  async #record(jobId: string, chunk: number, units: number, payload: { rows: SweepRow[] } | { draws: Buffer }): Promise<{ inserted: boolean; complete: boolean }> {
    return inTransaction(this.#pool, async (client) => {
      const job = await client.query<{ status: JobStatus; chunks_done: number; chunk_count: number }>(
        'SELECT status, chunks_done, chunk_count FROM analysis_jobs WHERE id = $1 FOR UPDATE',
        [jobId],
      );
      const row = job.rows[0];
      if (row?.status !== 'running') return { inserted: false, complete: false };
      const ins = await client.query(
        `INSERT INTO analysis_job_chunks (job_id, chunk, worker, units, rows, draws) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (job_id, chunk) DO NOTHING`,
        [jobId, chunk, this.id, units, 'rows' in payload ? JSON.stringify(payload.rows) : null, 'draws' in payload ? payload.draws : null],
      );
      if ((ins.rowCount ?? 0) === 0) return { inserted: false, complete: row.chunks_done >= row.chunk_count };
      const upd = await client.query<{ chunks_done: number; chunk_count: number }>(
        'UPDATE analysis_jobs SET chunks_done = chunks_done + 1, done = done + $2 WHERE id = $1 RETURNING chunks_done, chunk_count',
        [jobId, units],
      );
      return { inserted: true, complete: upd.rows[0].chunks_done >= upd.rows[0].chunk_count };
    });
  }

  /** Assembles the result from every chunk and stores it (the first to do so wins). */
  async #finish(jobId: string): Promise<void> {
    const job = await this.#job(jobId);
    if (!job) return;
    try {
      const { rows } = await this.#pool.query<{ chunk: number; rows: SweepRow[] | null; draws: Buffer | null }>(
        'SELECT chunk, rows, draws FROM analysis_job_chunks WHERE job_id = $1 ORDER BY chunk',
        [jobId],
      );
      if (rows.length !== job.layout.count || rows.some((r, i) => r.chunk !== i)) throw new Error(`chunks missing: ${rows.length} of ${job.layout.count} recorded`);
      let result: unknown;
      if (job.kind === 'sweep') {
        result = assembleSweep(job.request as SweepRequest, rows.map((r) => r.rows ?? []));
      } else {
        const request = job.request as MonteCarloRequest;
        const summary = assembleMonteCarlo(request, job.network, rows.map((r) => r.draws!), job.layout, job.fast);
        const meta = await this.#pool.query<{ workers: string; elapsed_ms: number }>(
          `SELECT (SELECT count(DISTINCT worker) FROM analysis_job_chunks WHERE job_id = $1) AS workers,
                  EXTRACT(EPOCH FROM (now() - created_at)) * 1000 AS elapsed_ms FROM analysis_jobs WHERE id = $1`,
          [jobId],
        );
        const elapsedMs = Math.round(Number(meta.rows[0].elapsed_ms) * 10) / 10;
        result = { ...summary, timing: { workers: Number(meta.rows[0].workers), elapsedMs, drawsPerSecond: Math.round((request.draws / Math.max(1, elapsedMs)) * 10_000) / 10 } };
      }
      const { rowCount } = await this.#pool.query(
        `UPDATE analysis_jobs SET status = 'done', result = $2, finished_at = now() WHERE id = $1 AND status = 'running'`,
        [jobId, JSON.stringify(result)],
      );
      if (rowCount) this.#log.info({ worker: this.id, jobId, kind: job.kind }, 'job done');
    } catch (error) {
      await this.#fail(jobId, `the result could not be assembled: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.#cache.delete(jobId);
  }

  async #fail(jobId: string, message: string): Promise<void> {
    const { rowCount } = await this.#pool.query(`UPDATE analysis_jobs SET status = 'failed', error = $2, finished_at = now() WHERE id = $1 AND status = 'running'`, [jobId, message]);
    if (rowCount) this.#log.warn({ worker: this.id, jobId, error: message }, 'job failed');
  }

  /**
   * Stops claiming chunks, lets chunks in progress finish (up to `timeoutMs`; pg-boss then fails
   * what is left, which puts it back for another worker), then closes threads and connections.
   */
  stop(timeoutMs = 30_000): Promise<void> {
    this.#stopping ??= (async () => {
      for (const timer of this.#liveness) clearInterval(timer);
      for (const name of [MONTECARLO_QUEUE, SWEEP_QUEUE, DEAD_LETTER_QUEUE]) await this.#boss.offWork(name);
      const started = Date.now();
      while (Date.now() - started < timeoutMs && this.#inFlight > 0) await new Promise((r) => setTimeout(r, 100));
      // Stopping pg-boss fails the chunks still in progress, which puts them back for another worker.
      if (this.#owns) await this.#boss.stop({ graceful: true, timeout: 1000, wait: true, close: true });
      await this.#pool.query('DELETE FROM analysis_workers WHERE id = $1', [this.id]).catch(() => undefined);
      await this.#threads.close();
      if (this.#owns) await this.#pool.end().catch(() => undefined);
    })();
    return this.#stopping;
  }
}
