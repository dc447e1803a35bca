/**
 * The job queue on PostgreSQL, with pg-boss: several API processes and several worker processes
 * (`npm run worker`, on one machine or many) share sweeps and Monte Carlo runs. This module is the
 * API side; worker.ts computes chunks, boss.ts starts pg-boss, schema.ts makes the job tables.
 *
 * - POST a job: one row in `analysis_jobs` (status, progress, request, network) and one pg-boss job
 *   per chunk (server/jobs/chunks.ts), in one transaction: a job is queued whole or not at all.
 *   The transaction first takes an advisory lock, so the count of running jobs against
 *   `maxRunning` and the insert are one step for submissions from every process at once.
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
import pg from 'pg';
import type PgBoss from 'pg-boss';
import type { SweepRequest } from '../../analysis/sweep.ts';
import { chunkLayout } from '../chunks.ts';
import { TooManyJobsError, type JobEvent, type JobKind, type JobQueue, type JobSpec, type JobStatus, type JobView } from '../queue.ts';
import { type ChunkData, DEAD_LETTER_QUEUE, MONTECARLO_QUEUE, type PgBossQueueOptions, type Resolved, resolve, silent, startBoss, SWEEP_QUEUE } from './boss.ts';
import { DEFAULT_MAX_JOB_MS } from '../../analysis/jobs.ts';
import { ensureJobTables, failOverdueJobs, inTransaction } from './schema.ts';
import { ChunkWorker } from './worker.ts';

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

/** Held (for its transaction) by each submission while it counts the running jobs and adds its own. */
const ADMISSION_LOCK_KEY = 7_231_405_121;

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
      // Admissions one at a time across every process until their transaction ends: the count below
      // then sees every job admitted before, so JOB_MAX_RUNNING holds for submissions at once too.
      await client.query('SELECT pg_advisory_xact_lock($1)', [ADMISSION_LOCK_KEY]);
      await client.query(`DELETE FROM analysis_jobs WHERE finished_at < now() - make_interval(secs => $1)`, [keepMs / 1000]);
      await failOverdueJobs(client);
      const running = await client.query<{ n: string }>(`SELECT count(*) AS n FROM analysis_jobs WHERE status = 'running'`);
      if (Number(running.rows[0].n) >= max) throw new TooManyJobsError(max);
      await client.query(
        `INSERT INTO analysis_jobs (id, kind, status, request, network, total, chunk_size, chunk_count, time_cap_ms) VALUES ($1, $2, 'running', $3, $4, $5, $6, $7, $8)`,
        [id, spec.kind, JSON.stringify(spec.request), JSON.stringify(spec.network), layout.total, layout.size, layout.count, this.#options.maxJobMs ?? DEFAULT_MAX_JOB_MS],
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
    const read = async () => {
      const { rows } = await this.#pool.query<JobRow & { overdue: boolean }>(
        `SELECT ${VIEW_COLUMNS}${withResult ? ', result' : ''}, created_at + time_cap_ms * interval '1 millisecond' <= now() AS overdue FROM analysis_jobs WHERE id = $1`,
        [id],
      );
      return rows[0] ?? null;
    };
    const row = await read();
    // Past its time cap while no worker noticed (none running, or its chunks still queued): failed now.
    if (row?.status === 'running' && row.overdue) {
      await failOverdueJobs(this.#pool);
      return read();
    }
    return row;
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
