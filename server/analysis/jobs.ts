/**
 * Long analyses (sweeps, Monte Carlo) as jobs: an id, progress, a result when done, cancellation,
 * and listeners for server-sent events.
 *
 * Runs in this process: the in-process job queue (server/jobs/in-process.ts), used without
 * DATABASE_URL. With `records` (the SQLite store's, as `npm start` does) every job is written
 * through: created on start, its progress at most every `progressWriteMs`, its result or error
 * when it ends; a running job is answered from memory, any other from its record, so finished jobs
 * outlive the process. Without `records` jobs live in memory only: lost on restart, forgotten an
 * hour after they finish. With DATABASE_URL the pg-boss queue (server/jobs/pgboss/) keeps jobs
 * in PostgreSQL instead.
 */
import { randomBytes } from 'node:crypto';
import { INTERRUPTED, timeCapReached, type JobKind, type JobRecord, type JobRecords, type JobStatus } from '../jobs/records.ts';

export type { JobKind, JobStatus } from '../jobs/records.ts';

/**
 * What the queues know of a job. The API checks it against its schema on the way out
 * (`AnalysisJob` in server/core/analysis-schema.ts, where `result` is typed by kind).
 */
export interface JobView {
  readonly id: string;
  readonly kind: JobKind;
  readonly status: JobStatus;
  readonly progress: { readonly done: number; readonly total: number };
  readonly createdAt: string;
  readonly finishedAt: string | null;
  readonly error: string | null;
  readonly result?: unknown;
  /** Only for a job interrupted by a restart (`error` says so): its request, to POST again. */
  readonly request?: unknown;
}

export type JobEvent = { readonly type: 'progress'; readonly job: JobView } | { readonly type: 'done'; readonly job: JobView };

interface Job {
  readonly id: string;
  readonly kind: JobKind;
  status: JobStatus;
  done: number;
  total: number;
  readonly createdAt: Date;
  finishedAt: Date | null;
  error: string | null;
  result: unknown;
  readonly controller: AbortController;
  readonly listeners: Set<(e: JobEvent) => void>;
}

export interface JobContext {
  readonly signal: AbortSignal;
  readonly onProgress: (done: number, total: number) => void;
}

export interface JobRegistryOptions {
  /** Jobs running at once; more are refused (default 4). */
  readonly maxRunning?: number;
  /** A job still running this long after it started is stopped and fails (default 15 min). */
  readonly maxJobMs?: number;
  /** How long a finished job is kept in memory when there are no `records` (default 1 h). */
  readonly keepMs?: number;
  /** Where jobs are written through (see above); default none. */
  readonly records?: JobRecords;
  /** Least time between two progress writes of a job to `records` (default 250 ms). */
  readonly progressWriteMs?: number;
  /** The clock for progress writes (tests). */
  readonly now?: () => number;
}

export const DEFAULT_MAX_JOB_MS = 15 * 60_000;

export class TooManyJobsError extends Error {
  constructor(max: number) {
    super(`At most ${max} analyses run at once; wait for one to finish or cancel one`);
    this.name = 'TooManyJobsError';
  }
}

export class JobRegistry {
  readonly #jobs = new Map<string, Job>();
  readonly #maxRunning: number;
  readonly #maxJobMs: number;
  readonly #keepMs: number;
  readonly #records: JobRecords | undefined;
  readonly #progressWriteMs: number;
  readonly #now: () => number;

  constructor(options: JobRegistryOptions = {}) {
    this.#maxRunning = options.maxRunning ?? 4;
    this.#maxJobMs = options.maxJobMs ?? DEFAULT_MAX_JOB_MS;
    this.#keepMs = options.keepMs ?? 3600_000;
    this.#records = options.records;
    this.#progressWriteMs = options.progressWriteMs ?? 250;
    this.#now = options.now ?? Date.now;
  }

  /** Whether every job slot is taken (`start` would throw TooManyJobsError). */
  full(): boolean {
    let running = 0;
    for (const j of this.#jobs.values()) if (j.status === 'running') running++;
    return running >= this.#maxRunning;
  }

  /**
   * Starts `work` as a job and returns its id at once. Throws TooManyJobsError, or what writing its
   * record throws. `request` is written to the record (to submit again after a restart).
   */
  start(kind: JobKind, total: number, work: (ctx: JobContext) => Promise<unknown>, request: unknown = null): string {
    this.#expire();
    if (this.full()) throw new TooManyJobsError(this.#maxRunning);
    const job: Job = {
      id: `job_${randomBytes(10).toString('hex')}`,
      kind,
      status: 'running',
      done: 0,
      total,
      createdAt: new Date(),
      finishedAt: null,
      error: null,
      result: undefined,
      controller: new AbortController(),
      listeners: new Set(),
    };
    const records = this.#records;
    records?.create({ id: job.id, kind, total, request, createdAt: job.createdAt.toISOString() });
    this.#jobs.set(job.id, job);
    let lastWrite = this.#now();
    const onProgress = (done: number, all: number) => {
      if (job.status !== 'running') return;
      job.done = done;
      job.total = all;
      if (records && this.#now() - lastWrite >= this.#progressWriteMs) {
        lastWrite = this.#now();
        this.#write(() => records.progress(job.id, done, all));
      }
      this.#emit(job, 'progress');
    };
    const cap = setTimeout(() => this.#stop(job, 'failed', timeCapReached(this.#maxJobMs)), this.#maxJobMs);
    cap.unref();
    void (async () => {
      let result: unknown;
      let error: unknown;
      let ok = false;
      try {
        result = await work({ signal: job.controller.signal, onProgress });
        ok = true;
      } catch (e) {
        error = e;
      }
      clearTimeout(cap);
      // Already ended: interrupted by close().
      if (job.status !== 'running') return;
      if (ok) {
        job.result = result;
        job.status = 'done';
      } else {
        job.status = job.controller.signal.aborted ? 'cancelled' : 'failed';
        job.error = job.status === 'cancelled' ? 'the job was cancelled' : error instanceof Error ? error.message : String(error);
      }
      job.finishedAt = new Date();
      this.#end(job);
    })();
    return job.id;
  }

  get(id: string, withResult = true): JobView | null {
    const job = this.#jobs.get(id);
    if (job) return view(job, withResult);
    const records = this.#records;
    let record = records?.get(id, { withResult }) ?? null;
    // An interrupted job shows its request, to submit again.
    if (record?.error === INTERRUPTED) record = records!.get(id, { withResult, withRequest: true });
    return record ? recordView(record, withResult) : null;
  }

  /** Raw result of a finished job (for CSV views). */
  result(id: string): { kind: JobKind; status: JobStatus; result: unknown } | null {
    const job = this.#jobs.get(id);
    if (job) return { kind: job.kind, status: job.status, result: job.result };
    const record = this.#records?.get(id, { withResult: true });
    return record ? { kind: record.kind, status: record.status, result: record.result } : null;
  }

  /** Asks a running job to stop; true when the job exists. */
  cancel(id: string): boolean {
    const job = this.#jobs.get(id);
    if (job) {
      this.#stop(job, 'cancelled', 'the job was cancelled');
      return true;
    }
    const records = this.#records;
    if (!records?.get(id)) return false;
    // Marked running but not running here (another process on the same file): mark it cancelled.
    records.cancel(id, 'the job was cancelled');
    return true;
  }

  /** Calls `listener` on progress and when the job ends; returns the unsubscribe function. */
  subscribe(id: string, listener: (e: JobEvent) => void): () => void {
    const job = this.#jobs.get(id);
    if (job?.status !== 'running') return () => {};
    job.listeners.add(listener);
    return () => job.listeners.delete(listener);
  }

  /** Cancels every running job (shutdown). */
  cancelAll(): void {
    for (const job of this.#jobs.values()) if (job.status === 'running') job.controller.abort();
  }

  /**
   * Shutdown with `records`: every running job ends failed with INTERRUPTED (its request kept, so
   * it can be submitted again), then its work is stopped.
   */
  interruptAll(): void {
    for (const job of [...this.#jobs.values()]) {
      if (job.status !== 'running') continue;
      job.status = 'failed';
      job.error = INTERRUPTED;
      job.finishedAt = new Date();
      this.#end(job);
      job.controller.abort();
    }
  }

  /**
   * Ends a running job now (it reads as `status` at once) and stops its work: the work's pool tasks
   * are aborted, their threads stopped.
   */
  #stop(job: Job, status: 'cancelled' | 'failed', error: string): void {
    if (job.status !== 'running') return;
    job.status = status;
    job.error = error;
    job.finishedAt = new Date();
    this.#end(job);
    job.controller.abort();
  }

  /** Writes the job's end, tells its listeners, and (once written) leaves it to its record. */
  #end(job: Job): void {
    const records = this.#records;
    let written = !records;
    if (records) {
      written = this.#write(() => {
        if (job.status === 'done') records.finish(job.id, job.result, job.done, job.total);
        else {
          // Its progress as it ended (writes of it are spaced out), so it never reads lower after the end.
          records.progress(job.id, job.done, job.total);
          if (job.status === 'cancelled') records.cancel(job.id, job.error ?? 'the job was cancelled');
          else records.fail(job.id, job.error ?? 'the job failed');
        }
      });
    }
    this.#emit(job, 'done');
    job.listeners.clear();
    // Not written (the database refused): kept in memory, where it is still answered from.
    if (records && written) this.#jobs.delete(job.id);
  }

  /** A write to `records`; a failure (disk full, store closed) must not end the job. */
  #write(write: () => void): boolean {
    try {
      write();
      return true;
    } catch {
      return false;
    }
  }

  #emit(job: Job, type: JobEvent['type']): void {
    const event = { type, job: view(job, type === 'done') } as JobEvent;
    for (const l of [...job.listeners]) {
      try {
        l(event);
      } catch {
        job.listeners.delete(l);
      }
    }
  }

  #expire(): void {
    const now = Date.now();
    for (const [id, job] of this.#jobs) if (job.finishedAt && now - job.finishedAt.getTime() > this.#keepMs) this.#jobs.delete(id);
  }
}

function view(job: Job, withResult: boolean): JobView {
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    progress: { done: job.done, total: job.total },
    createdAt: job.createdAt.toISOString(),
    finishedAt: job.finishedAt ? job.finishedAt.toISOString() : null,
    error: job.error,
    ...(withResult && job.status === 'done' ? { result: job.result } : {}),
  };
}

/** The view of a job known only from its record; an interrupted job carries its request, to submit again. */
function recordView(record: JobRecord, withResult: boolean): JobView {
  return {
    id: record.id,
    kind: record.kind,
    status: record.status,
    progress: { done: record.done, total: record.total },
    createdAt: record.createdAt,
    finishedAt: record.finishedAt,
    error: record.error,
    ...(withResult && record.status === 'done' ? { result: record.result } : {}),
    ...(record.error === INTERRUPTED && record.request !== undefined ? { request: record.request } : {}),
  };
}
