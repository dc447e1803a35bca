/**
 * Long analyses (sweeps, Monte Carlo) as jobs: an id, progress, a result when done, cancellation,
 * and listeners for server-sent events.
 *
 * Kept in memory, in this process: the in-process job queue (server/jobs/in-process.ts), used
 * without DATABASE_URL. Jobs are lost on restart and forgotten an hour after they finish. With
 * DATABASE_URL the pg-boss queue (server/jobs/pgboss.ts) keeps jobs in PostgreSQL instead.
 */
import { randomBytes } from 'node:crypto';

export type JobKind = 'sweep' | 'montecarlo';
export type JobStatus = 'running' | 'done' | 'failed' | 'cancelled';

export interface JobView {
  readonly id: string;
  readonly kind: JobKind;
  readonly status: JobStatus;
  readonly progress: { readonly done: number; readonly total: number };
  readonly createdAt: string;
  readonly finishedAt: string | null;
  readonly error: string | null;
  readonly result?: unknown;
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
  /** How long a finished job is kept (default 1 h). */
  readonly keepMs?: number;
}

export class TooManyJobsError extends Error {
  constructor(max: number) {
    super(`At most ${max} analyses run at once; wait for one to finish or cancel one`);
    this.name = 'TooManyJobsError';
  }
}

export class JobRegistry {
  readonly #jobs = new Map<string, Job>();
  readonly #maxRunning: number;
  readonly #keepMs: number;

  constructor(options: JobRegistryOptions = {}) {
    this.#maxRunning = options.maxRunning ?? 4;
    this.#keepMs = options.keepMs ?? 3600_000;
  }

  /** Starts `work` as a job and returns its id at once. Throws TooManyJobsError. */
  start(kind: JobKind, total: number, work: (ctx: JobContext) => Promise<unknown>): string {
    this.#expire();
    const running = [...this.#jobs.values()].filter((j) => j.status === 'running').length;
    if (running >= this.#maxRunning) throw new TooManyJobsError(this.#maxRunning);
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
    this.#jobs.set(job.id, job);
    const onProgress = (done: number, all: number) => {
      if (job.status !== 'running') return;
      job.done = done;
      job.total = all;
      this.#emit(job, 'progress');
    };
    void (async () => {
      try {
        job.result = await work({ signal: job.controller.signal, onProgress });
        job.status = 'done';
      } catch (e) {
        job.status = job.controller.signal.aborted ? 'cancelled' : 'failed';
        job.error = job.status === 'cancelled' ? 'the job was cancelled' : e instanceof Error ? e.message : String(e);
      }
      job.finishedAt = new Date();
      this.#emit(job, 'done');
      job.listeners.clear();
    })();
    return job.id;
  }

  get(id: string, withResult = true): JobView | null {
    const job = this.#jobs.get(id);
    return job ? view(job, withResult) : null;
  }

  /** Raw result of a finished job (for CSV views). */
  result(id: string): { kind: JobKind; status: JobStatus; result: unknown } | null {
    const job = this.#jobs.get(id);
    return job ? { kind: job.kind, status: job.status, result: job.result } : null;
  }

  /** Asks a running job to stop; true when the job exists. */
  cancel(id: string): boolean {
    const job = this.#jobs.get(id);
    if (!job) return false;
    if (job.status === 'running') job.controller.abort();
    return true;
  }

  /** Calls `listener` on progress and when the job ends; returns the unsubscribe function. */
  subscribe(id: string, listener: (e: JobEvent) => void): () => void {
    const job = this.#jobs.get(id);
    if (!job || job.status !== 'running') return () => {};
    job.listeners.add(listener);
    return () => job.listeners.delete(listener);
  }

  /** Cancels every running job (shutdown). */
  cancelAll(): void {
    for (const job of this.#jobs.values()) if (job.status === 'running') job.controller.abort();
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
