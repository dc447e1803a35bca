/**
 * Where the in-process queue (server/jobs/in-process.ts) keeps its jobs so they outlive the
 * process: one record per sweep or Monte Carlo job, with its request, progress and result.
 * Implemented on the SQLite store's database (server/store/sqlite-jobs.ts). With DATABASE_URL the
 * pg-boss queue keeps its jobs in PostgreSQL itself and none of this is used.
 *
 * Synchronous: the database is embedded and each call is one short statement, so a job's writes
 * land in the order they are made (its last progress never after its result).
 */
import type { JobKind, JobStatus } from '../core/analysis-schema.ts';

export { JOB_KINDS, JOB_STATUSES, type JobKind, type JobStatus } from '../core/analysis-schema.ts';

/** The error of a job that was running when its process stopped. */
export const INTERRUPTED = 'interrupted by a restart; start it again';

/** The error of a job stopped at its time cap (JOB_MAX_MINUTES), on either queue. */
export function timeCapReached(capMs: number): string {
  return `time cap of ${Math.round(capMs / 10) / 100} s reached: the job was stopped`;
}

export interface NewJobRecord {
  readonly id: string;
  readonly kind: JobKind;
  readonly total: number;
  /** The validated request, kept so a client can submit it again. */
  readonly request: unknown;
  readonly createdAt: string;
}

export interface JobRecord {
  readonly id: string;
  readonly kind: JobKind;
  readonly status: JobStatus;
  readonly done: number;
  readonly total: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly finishedAt: string | null;
  readonly error: string | null;
  /** Only when asked for (`withResult`) and the job is done. */
  readonly result?: unknown;
  /** Only when asked for (`withRequest`). */
  readonly request?: unknown;
}

/**
 * Every change of state applies to a running job only: the first of finish / fail / cancel wins,
 * and progress after it is ignored. Each returns whether it changed a record.
 */
export interface JobRecords {
  create(job: NewJobRecord): void;
  progress(id: string, done: number, total: number): boolean;
  finish(id: string, result: unknown, done: number, total: number): boolean;
  fail(id: string, error: string): boolean;
  cancel(id: string, error: string): boolean;
  get(id: string, options?: { readonly withResult?: boolean; readonly withRequest?: boolean }): JobRecord | null;
  /** Ids of the jobs still marked running, oldest first. */
  listRunning(): string[];
  /** Deletes jobs that finished before `before` (ISO-8601); returns how many. */
  deleteFinishedBefore(before: string): number;
}
