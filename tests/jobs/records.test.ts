/**
 * The in-process queue's job records on SQLite (server/store/sqlite-jobs.ts): what is written is
 * there after the store is closed and opened again; the first end of a job wins; finished jobs are
 * deleted by age, running ones never.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp.ts';
import { join } from 'node:path';
import { openSqliteStore, type SqliteStore } from '../../server/store/sqlite.ts';

const open: SqliteStore[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});
const tempPath = () => join(tempDir('caspian-jobs-'), 'caspian.db');
function store(path: string): SqliteStore {
  const s = openSqliteStore({ path });
  open.push(s);
  return s;
}
const job = (id: string, createdAt = new Date().toISOString()) => ({ id, kind: 'montecarlo' as const, total: 100, request: { draws: 100, seed: 3 }, createdAt });

describe('SQLite job records', () => {
  it('keeps a job, its progress and its result across closing and opening the store', async () => {
    const path = tempPath();
    const first = store(path);
    const records = first.jobRecords();
    records.create(job('job_a'));
    expect(records.progress('job_a', 40, 100)).toBe(true);
    expect(records.get('job_a')).toMatchObject({ status: 'running', done: 40, total: 100, finishedAt: null, error: null });
    expect(records.finish('job_a', { marginUsd: { p50: 1.5 } }, 100, 100)).toBe(true);
    await first.close();

    const again = store(path).jobRecords();
    const record = again.get('job_a', { withResult: true, withRequest: true });
    expect(record).toMatchObject({ kind: 'montecarlo', status: 'done', done: 100, total: 100, error: null, result: { marginUsd: { p50: 1.5 } }, request: { draws: 100, seed: 3 } });
    expect(record?.finishedAt).toEqual(expect.any(String));
    // Result and request only when asked for.
    expect(again.get('job_a')).not.toHaveProperty('result');
    expect(again.get('job_a')).not.toHaveProperty('request');
    expect(again.get('job_unknown')).toBeNull();
  });

  it('changes only running jobs: the first end wins, later progress is ignored', () => {
    const records = store(':memory:').jobRecords();
    records.create(job('job_b'));
    expect(records.cancel('job_b', 'the job was cancelled')).toBe(true);
    expect(records.fail('job_b', 'too late')).toBe(false);
    expect(records.finish('job_b', {}, 100, 100)).toBe(false);
    expect(records.progress('job_b', 90, 100)).toBe(false);
    expect(records.get('job_b', { withResult: true })).toMatchObject({ status: 'cancelled', done: 0, error: 'the job was cancelled' });
    expect(records.get('job_b', { withResult: true })).not.toHaveProperty('result');
  });

  it('lists running jobs oldest first and deletes finished jobs older than a time, never running ones', () => {
    const records = store(':memory:').jobRecords();
    records.create(job('job_new', '2026-01-02T00:00:00.000Z'));
    records.create(job('job_old', '2026-01-01T00:00:00.000Z'));
    records.create(job('job_done'));
    records.finish('job_done', { ok: true }, 100, 100);
    expect(records.listRunning()).toEqual(['job_old', 'job_new']);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect(records.deleteFinishedBefore(new Date(Date.now() - 60_000).toISOString())).toBe(0);
    expect(records.deleteFinishedBefore(future)).toBe(1);
    expect(records.get('job_done')).toBeNull();
    expect(records.listRunning()).toEqual(['job_old', 'job_new']);
  });
});
