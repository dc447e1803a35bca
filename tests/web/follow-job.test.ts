/**
 * Following a job through a server that goes away and comes back: the page keeps asking (it read
 * the job once and stayed on "Server unavailable" for good), hears that it is waiting, and ends
 * with the job as the server tells it once it is back (a restart fails a running job as interrupted).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { analysisApi } from '../../web/src/analysis-api.ts';

afterEach(() => {
  vi.unstubAllGlobals();
});

const job = (status: string, done: number) => ({
  id: 'job_1',
  kind: 'sweep',
  status,
  progress: { done, total: 10 },
  createdAt: '2026-12-03T00:00:00.000Z',
  finishedAt: status === 'running' ? null : '2026-12-03T00:00:05.000Z',
  error: status === 'failed' ? 'interrupted by a restart of the server; start it again' : null,
});
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const events = (...jobs: [string, unknown][]) =>
  new Response(jobs.map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`).join(''), { status: 200, headers: { 'content-type': 'text/event-stream' } });

describe('following a job', () => {
  it('keeps following through a server that cannot be reached, and ends with what the server says once back', async () => {
    const calls: string[] = [];
    let serverUp = false;
    vi.stubGlobal('fetch', async (url: string) => {
      const what = url.endsWith('/events') ? 'events' : 'job';
      calls.push(`${what}:${serverUp ? 'up' : 'down'}`);
      if (!serverUp) {
        // Down for the first stream and the first two reads, then back (the job failed by the restart).
        if (calls.length >= 4) serverUp = true;
        throw new TypeError('fetch failed');
      }
      return what === 'events' ? events(['progress', job('running', 3)]) : json(job('failed', 3));
    });
    const waited: string[] = [];
    const seen: number[] = [];
    const r = await analysisApi.follow('job_1', (j) => seen.push(j.progress.done), undefined, (report) => waited.push(report.code));
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.data.status).toBe('failed');
      expect(r.data.error).toMatch(/interrupted/);
    }
    expect(waited.length).toBeGreaterThan(0);
    expect(new Set(waited)).toEqual(new Set(['network']));
    expect(calls.filter((c) => c.endsWith(':down')).length).toBeGreaterThanOrEqual(3);
  });

  it('opens the stream again while the job still runs after a lost stream', async () => {
    let streams = 0;
    vi.stubGlobal('fetch', async (url: string) => {
      if (url.endsWith('/events')) {
        streams++;
        // The first stream breaks after one progress event; the second runs to `done`.
        return streams === 1 ? events(['progress', job('running', 2)]) : events(['progress', job('running', 6)], ['done', job('done', 10)]);
      }
      return json(job('running', 4));
    });
    const seen: number[] = [];
    const r = await analysisApi.follow('job_1', (j) => seen.push(j.progress.done));
    expect(r.ok && r.data.status).toBe('done');
    expect(streams).toBe(2);
    expect(seen).toEqual([2, 6]);
  });

  it('a job the server no longer has is said as it is, without waiting', async () => {
    vi.stubGlobal('fetch', async (url: string) => (url.endsWith('/events') ? json({ error: { code: 'not_found', message: 'no such job' } }, 404) : json({}, 404)));
    const r = await analysisApi.follow('job_1', () => {});
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.report.status).toBe(404);
  });
});
