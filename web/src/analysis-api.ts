/**
 * The page's calls to /api/v1/analysis. Like api.ts, outcomes are values, never exceptions. Jobs are
 * followed through their server-sent events read with fetch(), because EventSource cannot send the
 * Authorization header the API needs when reads are not public.
 */
import type { SensitivityReport } from '../../server/analysis/sensitivity.ts';
import type { SweepRequestInput, SweepResult } from '../../server/analysis/sweep.ts';
import type { MonteCarloRequestInput, MonteCarloResult } from '../../server/analysis/montecarlo.ts';
import type { PhasingRequestInput, PhasingResult } from '../../server/analysis/phasing.ts';
import type { ContractsReport } from '../../server/analysis/contracts.ts';
import type { JobView } from '../../server/analysis/jobs.ts';
import type { Alternatives } from '../../server/analysis/alternatives.ts';
import { authHeaders, call, unreachable, type Result } from './api.ts';
import { errorReport } from './lib/api-errors.ts';
import { SseParser } from './lib/sse.ts';

const BASE = '/api/v1/analysis';

export type { JobView, SensitivityReport, SweepResult, MonteCarloResult, PhasingResult, ContractsReport, Alternatives };
/** The phasing answer: the chart figures plus the plan's reasons (the plan itself stays on the server). */
export type PhasingAnswer = Omit<PhasingResult, 'plan'> & { why?: unknown };
export interface JobAccepted {
  jobId: string;
  status: 'running';
  links: { self: string; events: string; csv: string };
}

/** The analysis routes answer JSON objects (typed by the server's own types); anything else is not theirs. */
function anObject<T>(payload: unknown): T {
  if (payload == null || typeof payload !== 'object') throw new Error('not a JSON object');
  return payload as T;
}

const send = <T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, signal?: AbortSignal): Promise<Result<T>> =>
  call<T>(method, `/analysis${path}`, body, anObject, signal);

export const analysisApi = {
  sensitivity: (scenario: unknown, curvePoints: number, signal?: AbortSignal) => send<SensitivityReport>('POST', '/sensitivity', { scenario, curvePoints }, signal),
  startSweep: (body: SweepRequestInput) => send<JobAccepted>('POST', '/sweeps', body),
  startMonteCarlo: (body: MonteCarloRequestInput) => send<JobAccepted>('POST', '/montecarlo', body),
  job: (id: string) => send<JobView>('GET', `/jobs/${encodeURIComponent(id)}`),
  cancel: (id: string) => send<JobView>('DELETE', `/jobs/${encodeURIComponent(id)}`),
  phasing: (body: PhasingRequestInput, signal?: AbortSignal) => send<PhasingAnswer>('POST', '/phasing', body, signal),
  contracts: (scenario: unknown, signal?: AbortSignal) => send<ContractsReport>('POST', '/contracts', { scenario }, signal),
  /** Room to negotiate: a read, so viewer keys (and public reads) may ask it. */
  alternatives: (scenario: unknown, tolerance: number, signal?: AbortSignal) => send<Alternatives>('POST', '/alternatives', { scenario, tolerance }, signal),

  /** A finished job's CSV, fetched with the key (a plain link could not send it). */
  async csv(id: string): Promise<Result<string>> {
    try {
      const response = await fetch(`${BASE}/jobs/${encodeURIComponent(id)}/result.csv`, { headers: authHeaders('*/*') });
      if (!response.ok) return { ok: false, report: errorReport(response.status, await response.json().catch(() => null)) };
      return { ok: true, data: await response.text() };
    } catch (err) {
      return unreachable(err);
    }
  },

  /**
   * Follows a job to its end: `onProgress` for every progress event, then the finished job (with its
   * result). If the stream breaks before `done`, the job is read once more with a plain GET.
   */
  async follow(id: string, onProgress: (job: JobView) => void, signal?: AbortSignal): Promise<Result<JobView>> {
    let response: Response;
    try {
      response = await fetch(`${BASE}/jobs/${encodeURIComponent(id)}/events`, { headers: authHeaders('text/event-stream'), signal });
    } catch (err) {
      return unreachable(err);
    }
    if (!response.ok || !response.body) return { ok: false, report: errorReport(response.status, await response.json().catch(() => null)) };
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    const parser = new SseParser();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const e of parser.push(decoder.decode(value, { stream: true }))) {
          let job: JobView;
          try {
            job = JSON.parse(e.data) as JobView;
          } catch {
            continue;
          }
          if (e.event === 'done') {
            void reader.cancel().catch(() => {});
            return { ok: true, data: job };
          }
          onProgress(job);
        }
      }
    } catch (err) {
      if ((err as Error)?.name === 'AbortError') return unreachable(err);
    }
    // The stream ended without `done` (a proxy closed it, say): ask once more.
    const last = await analysisApi.job(id);
    if (last.ok && last.data.status === 'running') return { ok: false, report: { status: 0, code: 'stream_closed', summary: 'Lost the progress stream; the job is still running on the server', fields: [] } };
    return last;
  },
};
