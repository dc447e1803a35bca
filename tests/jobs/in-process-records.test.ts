/**
 * The in-process queue written through to the SQLite store (as `npm start` runs it): a finished
 * job's result, CSV and events are there after the app is closed and built again on the same file;
 * a job running when the app closes, or left running by a process that died, shows as failed
 * "interrupted by a restart" with its request; finished jobs are deleted after `keepMs`; progress
 * is written at most every `progressWriteMs` (a clock under the test's control, no wall-clock).
 */
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../support/temp.ts';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { closeMonteCarloPools } from '../../server/analysis/mc-pool.ts';
import { shutdownSolverPool } from '../../server/solver/solve.ts';
import { JobRegistry, type JobEvent } from '../../server/analysis/jobs.ts';
import { InProcessQueue } from '../../server/jobs/in-process.ts';
import { INTERRUPTED, type JobRecords } from '../../server/jobs/records.ts';
import { openSqliteStore, type SqliteStore } from '../../server/store/sqlite.ts';
import { defaultNetwork } from '../analysis/helpers.ts';
import { asPlanner, asViewer, testApp } from '../api/helpers.ts';
import { monteCarloRequest, until, waitForJob } from './helpers.ts';

const apps: FastifyInstance[] = [];
const stores: SqliteStore[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
  await Promise.all(stores.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await closeMonteCarloPools();
  await shutdownSolverPool();
});

const tempPath = () => join(tempDir('caspian-jobs-'), 'caspian.db');
const phase2 = { name: 'Phase 2', phase: 2, horizon: { kind: 'annual', year: 2029 } };

/** The app as `npm start` builds it: the store on `path`, the in-process queue writing to it. */
async function appOn(path: string, options: { keepMs?: number } = {}) {
  const store = openSqliteStore({ path });
  const jobs = new InProcessQueue({ records: store.jobRecords(), ...options });
  const app = await testApp({ store, jobs });
  apps.push(app);
  return { app, jobs, store };
}

const get = (app: FastifyInstance, url: string) => app.inject({ method: 'GET', url, headers: asViewer });

async function finished(app: FastifyInstance, id: string) {
  return until(`job ${id} to end`, async () => {
    const job = (await get(app, `/api/v1/analysis/jobs/${id}`)).json();
    return job.status !== 'running' && job;
  }, 60_000);
}

/** Counts the writes going through to `records`. */
function counting(records: JobRecords) {
  const calls = { create: 0, progress: 0, finish: 0, fail: 0, cancel: 0 };
  const spy: JobRecords = {
    ...records,
    get: (...a) => records.get(...a),
    listRunning: () => records.listRunning(),
    deleteFinishedBefore: (b) => records.deleteFinishedBefore(b),
    create: (j) => {
      calls.create++;
      return records.create(j);
    },
    progress: (...a) => {
      calls.progress++;
      return records.progress(...a);
    },
    finish: (...a) => {
      calls.finish++;
      return records.finish(...a);
    },
    fail: (...a) => {
      calls.fail++;
      return records.fail(...a);
    },
    cancel: (...a) => {
      calls.cancel++;
      return records.cancel(...a);
    },
  };
  return { spy, calls };
}

describe('in-process jobs kept in SQLite', () => {
  it("a finished sweep's result, CSV and events are there after the app is closed and built again on the same file", async () => {
    const path = tempPath();
    const first = await appOn(path);
    const res = await first.app.inject({
      method: 'POST',
      url: '/api/v1/analysis/sweeps',
      headers: asPlanner,
      payload: { scenario: phase2, axes: [{ parameter: 'freightMultiplier', from: 0.8, to: 1.2, steps: 3 }] },
    });
    expect(res.statusCode).toBe(202);
    const { jobId, links } = res.json();
    const before = await finished(first.app, jobId);
    expect(before.status).toBe('done');
    const csvBefore = (await get(first.app, links.csv)).body;
    await first.app.close();

    const second = await appOn(path);
    expect(second.jobs.interrupted).toEqual([]);
    const after = await get(second.app, links.self);
    expect(after.statusCode).toBe(200);
    expect(after.json()).toEqual(before);
    expect(after.json().result.rows).toHaveLength(3);
    const csv = await get(second.app, links.csv);
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toBe(csvBefore);
    const events = await get(second.app, links.events);
    expect(events.body).toMatch(/event: done\ndata: \{.*"status":"done"/);
    // Cancelling a finished job changes nothing.
    const del = await second.app.inject({ method: 'DELETE', url: links.self, headers: asPlanner });
    expect(del.json().status).toBe('done');
  });

  it('a job running when the app closes is failed "interrupted by a restart" after it, with its request to submit again', async () => {
    const path = tempPath();
    const first = await appOn(path);
    const payload = { scenario: phase2, draws: 200_000, seed: 5, uncertainties: [{ parameter: 'demand', group: 'all', distribution: { type: 'uniform', min: 0.9, max: 1.1 } }] };
    const res = await first.app.inject({ method: 'POST', url: '/api/v1/analysis/montecarlo', headers: asPlanner, payload });
    const { jobId, links } = res.json();
    await until('some draws', async () => (await get(first.app, links.self)).json().progress.done > 0);
    await first.app.close();

    const second = await appOn(path);
    const job = (await get(second.app, links.self)).json();
    expect(job).toMatchObject({ id: jobId, status: 'failed', error: INTERRUPTED });
    expect(job.finishedAt).toEqual(expect.any(String));
    expect(job.request).toMatchObject(payload);
    expect((await get(second.app, links.csv)).statusCode).toBe(409);
    // The kept request is a valid request.
    const again = await second.app.inject({ method: 'POST', url: '/api/v1/analysis/montecarlo', headers: asPlanner, payload: { ...job.request, draws: 50 } });
    expect(again.statusCode).toBe(202);
    expect((await finished(second.app, again.json().jobId)).status).toBe('done');
  });

  it('on opening, jobs left running by a process that died are marked interrupted; finished jobs past keepMs are deleted', async () => {
    const path = tempPath();
    const store = openSqliteStore({ path });
    stores.push(store);
    const records = store.jobRecords();
    const day = 24 * 3600_000;
    records.create({ id: 'job_orphan', kind: 'sweep', total: 10, request: { scenario: phase2 }, createdAt: new Date().toISOString() });
    records.progress('job_orphan', 4, 10);
    for (const id of ['job_old', 'job_recent']) {
      records.create({ id, kind: 'sweep', total: 1, request: {}, createdAt: new Date().toISOString() });
      records.finish(id, { rows: [] }, 1, 1);
    }
    // Back-date the two finished jobs (as if they had finished 8 and 6 days ago).
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(path);
    db.prepare('UPDATE analysis_jobs SET finished_at = ? WHERE id = ?').run(new Date(Date.now() - 8 * day).toISOString(), 'job_old');
    db.prepare('UPDATE analysis_jobs SET finished_at = ? WHERE id = ?').run(new Date(Date.now() - 6 * day).toISOString(), 'job_recent');
    db.close();

    const queue = new InProcessQueue({ records });
    try {
      expect(queue.interrupted).toEqual(['job_orphan']);
      expect(await queue.get('job_orphan')).toMatchObject({ status: 'failed', error: INTERRUPTED, progress: { done: 4, total: 10 }, request: { scenario: phase2 } });
      expect(await queue.get('job_old')).toBeNull();
      expect(await queue.get('job_recent')).toMatchObject({ status: 'done', result: { rows: [] } });
      // Shorter retention (JOB_KEEP_DAYS): the 6-day-old job goes too when the next queue opens.
      await new InProcessQueue({ records, keepMs: 5 * day }).close();
      expect(await queue.get('job_recent')).toBeNull();
    } finally {
      await queue.close();
    }
  });

  it('deletes expired jobs every sweepEveryMs (hourly by default), not only on opening', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    const store = openSqliteStore({ path: ':memory:' });
    stores.push(store);
    const records = store.jobRecords();
    const queue = new InProcessQueue({ records, keepMs: 3600_000 });
    try {
      records.create({ id: 'job_done', kind: 'sweep', total: 1, request: {}, createdAt: new Date().toISOString() });
      records.finish('job_done', { rows: [] }, 1, 1);
      vi.advanceTimersByTime(3600_000);
      expect(records.get('job_done')).not.toBeNull(); // finished exactly keepMs ago: kept
      vi.advanceTimersByTime(3600_000);
      expect(records.get('job_done')).toBeNull();
    } finally {
      await queue.close();
      vi.useRealTimers();
    }
  });

  it('writes progress at most every progressWriteMs, however often the job reports it; events still get every report', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    stores.push(store);
    const { spy, calls } = counting(store.jobRecords());
    let clock = 0;
    const registry = new JobRegistry({ records: spy, progressWriteMs: 250, now: () => clock });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const id = registry.start('montecarlo', 1000, async ({ onProgress }) => {
      await gate;
      // 1,000 reports, 10 ms apart on the registry's clock: 10 s in all.
      for (let i = 1; i <= 1000; i++) {
        clock += 10;
        onProgress(i, 1000);
      }
      return { ok: true };
    }, { draws: 1000 });
    const events: JobEvent[] = [];
    registry.subscribe(id, (e) => events.push(e));
    release();
    await until('the job to end', () => events.some((e) => e.type === 'done'));
    expect(events.filter((e) => e.type === 'progress')).toHaveLength(1000);
    expect(calls).toEqual({ create: 1, progress: 40, finish: 1, fail: 0, cancel: 0 });
    expect(registry.get(id)).toMatchObject({ status: 'done', progress: { done: 1000, total: 1000 }, result: { ok: true } });
  });

  it.each(['cancelled', 'failed'] as const)('a job %s between two progress writes keeps its last progress in its record: it never reads lower after its end', async (end) => {
    const store = openSqliteStore({ path: ':memory:' });
    stores.push(store);
    // A clock that never moves: no progress is written while the job runs.
    const registry = new JobRegistry({ records: store.jobRecords(), progressWriteMs: 250, now: () => 0 });
    let reported!: () => void;
    const reports = new Promise<void>((r) => (reported = r));
    const id = registry.start('sweep', 100, async ({ onProgress, signal }) => {
      for (let i = 1; i <= 69; i++) onProgress(i, 100);
      reported();
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      throw new Error(end === 'failed' ? 'the sweep broke' : 'stopped');
    }, { axes: [] });
    await reports;
    expect(registry.get(id)).toMatchObject({ status: 'running', progress: { done: 69, total: 100 } });
    if (end === 'cancelled') registry.cancel(id);
    else registry.interruptAll();
    expect(store.jobRecords().get(id)).toMatchObject({ status: end, done: 69, total: 100 });
    expect(registry.get(id)).toMatchObject({ status: end, progress: { done: 69, total: 100 } });
  });

  it('a real Monte Carlo job through the queue: progress writes follow the clock, not the draws', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    stores.push(store);
    const { spy, calls } = counting(store.jobRecords());
    // A clock that never moves: no progress write at all, however many draws are reported.
    const queue = new InProcessQueue({ records: spy, now: () => 0 });
    let reports = 0;
    const id = await queue.submit({ kind: 'montecarlo', request: monteCarloRequest(600, 4), network: defaultNetwork() });
    await queue.subscribe(id, (e) => void (e.type === 'progress' && reports++));
    const job = await waitForJob(queue, id);
    expect(job.status).toBe('done');
    expect(reports).toBeGreaterThan(1);
    expect(calls).toMatchObject({ create: 1, progress: 0, finish: 1 });
    expect(store.jobRecords().get(id, { withResult: true })).toMatchObject({ status: 'done', done: 600, total: 600, result: { draws: 600 } });
    await queue.close();
  });

  it('a cancelled job is recorded cancelled', async () => {
    const path = tempPath();
    const first = await appOn(path);
    const res = await first.app.inject({
      method: 'POST',
      url: '/api/v1/analysis/montecarlo',
      headers: asPlanner,
      payload: { scenario: phase2, draws: 200_000, seed: 1, uncertainties: [{ parameter: 'demand', group: 'all', distribution: { type: 'uniform', min: 0.9, max: 1.1 } }] },
    });
    const { links } = res.json();
    await first.app.inject({ method: 'DELETE', url: links.self, headers: asPlanner });
    const job = await finished(first.app, res.json().jobId);
    expect(job).toMatchObject({ status: 'cancelled', error: 'the job was cancelled' });
    await first.app.close();
    const second = await appOn(path);
    expect((await get(second.app, links.self)).json()).toMatchObject({ status: 'cancelled', error: 'the job was cancelled' });
  });
});
