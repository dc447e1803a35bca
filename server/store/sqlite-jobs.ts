/**
 * `JobRecords` on the SQLite store's database (table `analysis_jobs`, migration 3): the in-process
 * queue's sweeps and Monte Carlo runs survive a restart. Same connection as the store (WAL,
 * synchronous=FULL), so a finished job's result is on disk before anyone is told it is done.
 */
import type Database from 'better-sqlite3';
import type { JobKind, JobStatus } from '../jobs/records.ts';
import type { JobRecord, JobRecords, NewJobRecord } from '../jobs/records.ts';

interface Row {
  id: string;
  kind: JobKind;
  status: JobStatus;
  done: number;
  total: number;
  request?: string;
  result?: string | null;
  error: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

const COLUMNS = 'id, kind, status, done, total, error, created_at, updated_at, finished_at';
const now = (): string => new Date().toISOString();

export class SqliteJobRecords implements JobRecords {
  readonly #db: Database.Database;

  constructor(db: Database.Database) {
    this.#db = db;
  }

  create(job: NewJobRecord): void {
    this.#db
      .prepare(
        `INSERT INTO analysis_jobs (id, kind, status, done, total, request, created_at, updated_at)
         VALUES (?, ?, 'running', 0, ?, ?, ?, ?)`,
      )
      .run(job.id, job.kind, job.total, JSON.stringify(job.request), job.createdAt, job.createdAt);
  }

  progress(id: string, done: number, total: number): boolean {
    return this.#changed(
      this.#db.prepare(`UPDATE analysis_jobs SET done = ?, total = ?, updated_at = ? WHERE id = ? AND status = 'running'`).run(done, total, now(), id),
    );
  }

  finish(id: string, result: unknown, done: number, total: number): boolean {
    const at = now();
    return this.#changed(
      this.#db
        .prepare(
          `UPDATE analysis_jobs SET status = 'done', result = ?, done = ?, total = ?, updated_at = ?, finished_at = ?
           WHERE id = ? AND status = 'running'`,
        )
        .run(JSON.stringify(result ?? null), done, total, at, at, id),
    );
  }

  fail(id: string, error: string): boolean {
    return this.#end(id, 'failed', error);
  }

  cancel(id: string, error: string): boolean {
    return this.#end(id, 'cancelled', error);
  }

  get(id: string, options: { readonly withResult?: boolean; readonly withRequest?: boolean } = {}): JobRecord | null {
    const extra = `${options.withResult ? ', result' : ''}${options.withRequest ? ', request' : ''}`;
    const row = this.#db.prepare(`SELECT ${COLUMNS}${extra} FROM analysis_jobs WHERE id = ?`).get(id) as Row | undefined;
    if (!row) return null;
    return {
      id: row.id,
      kind: row.kind,
      status: row.status,
      done: row.done,
      total: row.total,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      finishedAt: row.finished_at,
      error: row.error,
      ...(options.withResult && row.status === 'done' && row.result != null ? { result: JSON.parse(row.result) as unknown } : {}),
      ...(options.withRequest && row.request !== undefined ? { request: JSON.parse(row.request) as unknown } : {}),
    };
  }

  listRunning(): string[] {
    return (this.#db.prepare(`SELECT id FROM analysis_jobs WHERE status = 'running' ORDER BY created_at, id`).all() as { id: string }[]).map((r) => r.id);
  }

  deleteFinishedBefore(before: string): number {
    return this.#db.prepare('DELETE FROM analysis_jobs WHERE finished_at IS NOT NULL AND finished_at < ?').run(before).changes;
  }

  #end(id: string, status: 'failed' | 'cancelled', error: string): boolean {
    const at = now();
    return this.#changed(
      this.#db
        .prepare(`UPDATE analysis_jobs SET status = ?, error = ?, updated_at = ?, finished_at = ? WHERE id = ? AND status = 'running'`)
        .run(status, error, at, at, id),
    );
  }

  #changed(info: Database.RunResult): boolean {
    return info.changes > 0;
  }
}
