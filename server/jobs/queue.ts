/**
 * Long analyses (sweeps, Monte Carlo) as jobs behind one interface, with two implementations:
 *
 * - in-process (server/jobs/in-process.ts): the job runs in the API process (worker threads for
 *   Monte Carlo, the solver pool for sweeps) and is kept in the SQLite store's file, so it outlives
 *   a restart (in memory only when no store is given). The default: `npm start` with SQLite, no
 *   other process.
 * - pg-boss (server/jobs/pgboss/), selected by DATABASE_URL: the job is split into chunks, each
 *   a pg-boss job on PostgreSQL; `npm run worker` processes (one machine or many) compute them, and
 *   the job's state and result live in PostgreSQL, so any API process answers for any job.
 *
 * The routes (server/api/routes/api/v1/analysis/) see only this interface.
 */
import type { Network } from '../core/schema.ts';
import type { SweepRequest } from '../analysis/sweep.ts';
import type { MonteCarloRequest } from '../analysis/montecarlo.ts';
import type { JobEvent, JobKind, JobStatus, JobView } from '../analysis/jobs.ts';

export { TooManyJobsError, type JobEvent, type JobKind, type JobStatus, type JobView } from '../analysis/jobs.ts';

/** What a job computes: the validated request and the network it runs on. */
export type JobSpec =
  | { readonly kind: 'sweep'; readonly request: SweepRequest; readonly network: Network }
  | { readonly kind: 'montecarlo'; readonly request: MonteCarloRequest; readonly network: Network };

export interface JobQueue {
  /** 'in-process' (this process, kept in SQLite) or 'pg-boss' (PostgreSQL, worker processes). */
  readonly mode: 'in-process' | 'pg-boss';
  /** Queues the job and returns its id at once. Throws TooManyJobsError when too many are running. */
  submit(spec: JobSpec): Promise<string>;
  /** Whether `submit` would throw TooManyJobsError now, when the queue knows without asking a database (else false). */
  full?(): boolean;
  /** The job (with its result when done and `withResult`), or null for an unknown id. */
  get(id: string, withResult?: boolean): Promise<JobView | null>;
  /** Raw result of a job (for CSV views); null for an unknown id. */
  result(id: string): Promise<{ kind: JobKind; status: JobStatus; result: unknown } | null>;
  /** Asks a running job to stop; false for an unknown id. */
  cancel(id: string): Promise<boolean>;
  /**
   * Calls `listener` on progress and once when the job ends (that event carries the result);
   * returns the unsubscribe function. Nothing is called for a job that has already ended.
   */
  subscribe(id: string, listener: (event: JobEvent) => void): Promise<() => void>;
  /** Releases what the queue holds (in-process: stops running jobs; pg-boss: stops its workers and connections). */
  close(): Promise<void>;
}
