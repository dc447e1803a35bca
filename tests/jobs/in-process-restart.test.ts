/**
 * The real server process on SQLite (no DATABASE_URL, as `npm start` runs): killed with `kill -9`
 * in the middle of a long Monte Carlo run and started again on the same file, it answers for the
 * killed job as failed "interrupted by a restart" with its request (not 404), and for a sweep
 * finished before the kill with the same result.
 */
import { tempDir } from '../support/temp.ts';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { INTERRUPTED } from '../../server/jobs/records.ts';
import { BUILD_TIMEOUT_MS, buildServer } from '../support/build.ts';
import { freePort, killAllServers, startServer } from '../support/server.ts';
import { until } from './helpers.ts';

const PLANNER = 'jobs-restart-planner-key-123';
const headers = { authorization: `Bearer ${PLANNER}`, 'content-type': 'application/json' };
const START_MS = 60_000;
const phase2 = { name: 'Phase 2', phase: 2, horizon: { kind: 'annual', year: 2029 } };

beforeAll(buildServer, BUILD_TIMEOUT_MS);
afterEach(killAllServers);

/** What the job routes answer: a 202 (jobId, links) or a job. */
interface Answer {
  readonly jobId: string;
  readonly links: { readonly self: string };
  readonly status: string;
  readonly progress: { readonly done: number; readonly total: number };
  readonly finishedAt: string | null;
  readonly request?: Record<string, unknown>;
}

async function call(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Answer }> {
  const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Answer };
}

const ended = (base: string, path: string) =>
  until(`${path} to end`, async () => {
    const { json } = await call(base, 'GET', path);
    return json.status !== 'running' && json;
  }, 60_000);

describe('in-process jobs across kill -9 of the server process', () => {
  it('a job running at the kill shows failed and interrupted after the restart; a finished one keeps its result', async () => {
    const env = { DATABASE_PATH: join(tempDir('caspian-jobs-'), 'caspian.db'), DATABASE_URL: '', API_KEYS: `planner:${PLANNER}` };
    const port = await freePort();
    const first = await startServer({ port, env, startTimeoutMs: START_MS });

    const sweep = await call(first.base, 'POST', '/api/v1/analysis/sweeps', { scenario: phase2, axes: [{ parameter: 'exportPriceMultiplier', from: 0.9, to: 1.1, steps: 3 }] });
    expect(sweep.status).toBe(202);
    const sweepDone = await ended(first.base, sweep.json.links.self);
    expect(sweepDone.status).toBe('done');

    const request = { scenario: phase2, draws: 200_000, seed: 9, uncertainties: [{ parameter: 'price', group: 'export', distribution: { type: 'normal', mean: 1, sd: 0.1 } }] };
    const mc = await call(first.base, 'POST', '/api/v1/analysis/montecarlo', request);
    expect(mc.status).toBe(202);
    const self = mc.json.links.self;
    // Under way (200,000 draws take a minute or more here), then killed.
    await until('draws under way', async () => {
      const { json } = await call(first.base, 'GET', self);
      return json.status === 'running' && json.progress.done > 0;
    }, 60_000);
    await first.kill9();

    const second = await startServer({ port, env, startTimeoutMs: START_MS });
    const killed = await call(second.base, 'GET', self);
    expect(killed.status).toBe(200);
    expect(killed.json).toMatchObject({ id: mc.json.jobId, kind: 'montecarlo', status: 'failed', error: INTERRUPTED, progress: { total: 200_000 } });
    expect(killed.json.finishedAt).toEqual(expect.any(String));
    expect(killed.json.request).toMatchObject(request);
    // Its events end at once, with the failed job.
    const events = await fetch(`${second.base}${self}/events`, { headers });
    expect(await events.text()).toMatch(/event: done\ndata: \{.*"status":"failed"/);

    const kept = await call(second.base, 'GET', sweep.json.links.self);
    expect(kept.json).toEqual(sweepDone);

    // The kept request, submitted again (shorter), runs to the end on the new process.
    const again = await call(second.base, 'POST', '/api/v1/analysis/montecarlo', { ...killed.json.request, draws: 200 });
    expect(again.status).toBe(202);
    expect((await ended(second.base, again.json.links.self)).status).toBe('done');
    // Two server starts and four waits, each with its own deadline: the test's limit is their sum,
    // so a busy machine makes it slower, never a timeout by luck.
  }, 2 * START_MS + 4 * 60_000);
});
