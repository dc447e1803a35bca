/**
 * A worker of the PostgreSQL job queue (server/jobs/pgboss/): claims chunks of sweeps and Monte
 * Carlo runs from pg-boss, computes them, records each once, assembles a job's result when its
 * last chunk is in, and keeps a heartbeat so a dead worker's chunks go back at once.
 */
import { randomBytes } from 'node:crypto';
import { availableParallelism, hostname } from 'node:os';
import pg from 'pg';
import type PgBoss from 'pg-boss';
import type { Network } from '../../core/schema.ts';
import { CancelledError, clearingTableMarkets, emptyTable, fastModelInPool, MonteCarloRequest, solveClearingDraws, summariseInPool, type FastModel } from '../../analysis/montecarlo.ts';
import { solveSweepPoints, SweepRequest, type SweepRow } from '../../analysis/sweep.ts';
import { poolSize } from '../../solver/solve.ts';
import { isConnectionError } from '../../store/connection-errors.ts';
import { assembleMonteCarloTable, assembleSweep, chunkRange, encodeDraws } from '../chunks.ts';
import { DrawThreads } from '../draw-threads.ts';
import type { JobKind, JobStatus } from '../queue.ts';
import { timeCapReached } from '../records.ts';
import { type ChunkData, DEAD_LETTER_QUEUE, MONTECARLO_QUEUE, type PgBossQueueOptions, type QueueLogger, resolve, silent, startBoss, SWEEP_QUEUE } from './boss.ts';
import { ensureJobTables, failOverdueJobs, inTransaction } from './schema.ts';

/** A worker writes its heartbeat this often. */
export const HEARTBEAT_MS = 1_000;
/** How often a running chunk reads its job's status, to stop once the job is cancelled (or failed). */
export const CANCEL_POLL_MS = 400;
/** Why a chunk's work was stopped: its job's time cap, or its job no longer running. */
const TIME_CAP = 'time cap';
const JOB_ENDED = 'job ended';
/** A worker not heard from for this long is dead: its chunks are put back at once. */
export const WORKER_DEAD_AFTER_S = 6;
/** How often each worker looks for dead workers' chunks. */
export const REAP_MS = 2_000;

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
    // One loop per chunk computed at once. Sweep points solve in the solver pool (poolSize() threads).
    for (let i = 0; i < this.concurrency; i++) await loop(MONTECARLO_QUEUE, (job) => this.#chunk('montecarlo', job));
    for (let i = 0; i < Math.min(this.concurrency, poolSize()); i++) await loop(SWEEP_QUEUE, (job) => this.#chunk('sweep', job));
    await this.#boss.work<ChunkData>(DEAD_LETTER_QUEUE, { batchSize: 1, pollingIntervalSeconds: Math.max(1, pollingIntervalSeconds) }, async ([job]) => {
      const { jobId, chunk } = job.data;
      // Every chunk stored, only the assembly failed on each try (the database away): assemble now.
      const state = await this.#status(jobId, chunk);
      if (state?.status === 'running' && state.recorded && state.complete) await this.#finish(jobId);
      else await this.#fail(jobId, `chunk ${chunk} failed on every try (its worker died or it ran past its expiry)`);
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
      for (const jobId of await failOverdueJobs(this.#pool)) this.#log.warn({ worker: this.id, jobId }, 'job failed: time cap reached');
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

  /**
   * The job's status and, when it has a time cap, the time left before it (ms, on the database's
   * clock); whether `chunk` is already stored, and whether every chunk is.
   */
  async #status(jobId: string, chunk = -1): Promise<{ status: JobStatus; capMs: number | null; leftMs: number | null; recorded: boolean; complete: boolean } | null> {
    const { rows } = await this.#pool.query<{ status: JobStatus; time_cap_ms: number | null; left_ms: number | null; recorded: boolean; complete: boolean }>(
      `SELECT status, time_cap_ms, EXTRACT(EPOCH FROM (created_at + time_cap_ms * interval '1 millisecond' - now())) * 1000 AS left_ms,
              EXISTS (SELECT 1 FROM analysis_job_chunks WHERE job_id = $1 AND chunk = $2) AS recorded, chunks_done >= chunk_count AS complete
         FROM analysis_jobs WHERE id = $1`,
      [jobId, chunk],
    );
    const row = rows[0];
    return row
      ? { status: row.status, capMs: row.time_cap_ms, leftMs: row.left_ms === null ? null : Number(row.left_ms), recorded: row.recorded, complete: row.complete }
      : null;
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
    const state = await this.#status(jobId, chunk);
    if (state?.status !== 'running') return { skipped: state?.status ?? 'gone' };
    if (state.recorded) {
      // Stored by an earlier try whose assembly of the result was cut short (the database away).
      if (state.complete) await this.#finish(jobId);
      return { recorded: false };
    }
    if (state.capMs !== null && state.leftMs !== null && state.leftMs <= 0) {
      await failOverdueJobs(this.#pool);
      return { skipped: 'time cap' };
    }
    const job = await this.#job(jobId);
    if (!job || job.kind !== kind) return { skipped: 'gone' };
    const { from, to } = chunkRange(job.layout, chunk);
    this.#log.debug({ worker: this.id, jobId, chunk, from, to, retry: claimed.retryCount }, 'chunk started');
    // The chunk's work stops when the job reaches its time cap, or when the job is no longer
    // running (cancelled, failed by another chunk): its status is read every CANCEL_POLL_MS, so a
    // DELETE stops the workers' threads within a second, not at the cap.
    const capped = new AbortController();
    const capTimer = state.capMs !== null && state.leftMs !== null ? setTimeout(() => capped.abort(TIME_CAP), state.leftMs) : null;
    const watch = setInterval(() => {
      this.#status(jobId)
        .then((now) => {
          if (now?.status !== 'running') capped.abort(JOB_ENDED);
        })
        .catch(() => undefined); // the database is away: the cap and the claim's expiry still hold
    }, CANCEL_POLL_MS);
    const signal = capped.signal;
    let payload: { rows: SweepRow[] } | { draws: Buffer };
    try {
      if (job.kind === 'sweep') {
        const rows = await solveSweepPoints(job.request as SweepRequest, job.network, from, to, { signal });
        if (signal.aborted) throw new CancelledError();
        payload = { rows };
      } else {
        const request = job.request as MonteCarloRequest;
        if (request.scenario.market === 'clearing') {
          // Clearing draws are full plans through the CPU pool.
          const table = emptyTable(to - from, clearingTableMarkets(request, job.network).length);
          await solveClearingDraws(request, job.network, from, to, table, from, { concurrency: poolSize(), signal });
          payload = { draws: encodeDraws(table) };
        } else {
          // Built in the CPU pool, as the draws are: nothing of a job holds up this process's event loop.
          job.fast ??= await fastModelInPool(request.scenario, job.network, signal);
          const table = await this.#threads.solve(jobId, job.fast, { seed: request.seed, uncertainties: request.uncertainties }, from, to, signal);
          payload = { draws: encodeDraws(table) };
        }
      }
    } catch (error) {
      if (signal.aborted && signal.reason === JOB_ENDED) {
        this.#log.debug({ worker: this.id, jobId, chunk }, 'chunk stopped: its job is no longer running');
        return { skipped: 'job ended' };
      }
      if (signal.aborted) {
        const message = timeCapReached(state.capMs ?? 0);
        await this.#fail(jobId, message);
        return { failed: message };
      }
      const message = error instanceof Error ? error.message : String(error);
      if (claimed.retryCount >= claimed.retryLimit) {
        await this.#fail(jobId, message);
        return { failed: message };
      }
      throw error; // pg-boss retries the chunk
    } finally {
      if (capTimer) clearTimeout(capTimer);
      clearInterval(watch);
    }
    if (signal.reason === JOB_ENDED) return { skipped: 'job ended' };
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

  /**
   * Assembles the result from every chunk and stores it (the first to do so wins). The database
   * unreachable meanwhile (a dropped connection, a restart) is thrown, so that pg-boss tries the
   * chunk again: the retry finds it stored and assembles again. Any other error fails the job.
   */
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
        let markets: FastModel['markets'];
        if (request.scenario.market === 'clearing') markets = clearingTableMarkets(request, job.network);
        else {
          job.fast ??= await fastModelInPool(request.scenario, job.network);
          markets = job.fast.markets;
        }
        const table = assembleMonteCarloTable(request, markets, rows.map((r) => r.draws!), job.layout);
        const summary = await summariseInPool(markets, { ...request, scenarioName: request.scenario.name }, table);
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
      if (isConnectionError(error)) {
        this.#log.warn({ err: error, worker: this.id, jobId }, 'job: the result not assembled yet (the database is away); tried again');
        throw error;
      }
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
