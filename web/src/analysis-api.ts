/**
 * The page's calls to /api/v1/analysis. Like api.ts, outcomes are values, never exceptions. Jobs are
 * followed through their server-sent events read with fetch(), because EventSource cannot send the
 * Authorization header the API needs when reads are not public.
 */
import type { z } from 'zod';
import {
  Alternatives,
  AnalysisJob,
  ContractsReport,
  JobAccepted,
  PhasingAnswer,
  SensitivityReport,
  type MonteCarloJobResult,
  type SweepResult,
} from '../../server/core/analysis-schema.ts';
import type { SweepRequestInput } from '../../server/analysis/sweep.ts';
import type { MonteCarloRequestInput } from '../../server/analysis/montecarlo.ts';
import type { PhasingRequestInput } from '../../server/analysis/phasing.ts';
import { authHeaders, call, unreachable, type Result } from './api.ts';
import { errorReport, type ErrorReport } from './lib/api-errors.ts';
import { parseAnswer, UnexpectedAnswer } from './lib/answer.ts';
import { SseParser } from './lib/sse.ts';
import { t } from './i18n/index.ts';

const BASE = '/api/v1/analysis';

export type { AnalysisJob, SensitivityReport, SweepResult, MonteCarloJobResult, PhasingAnswer, ContractsReport, Alternatives, JobAccepted };

/** Every answer is checked against the schema the server documents (server/core/analysis-schema.ts). */
const send = <S extends z.ZodType>(method: 'GET' | 'POST' | 'DELETE', path: string, schema: S, what: string, body?: unknown, signal?: AbortSignal): Promise<Result<z.output<S>>> =>
  call(method, `/analysis${path}`, body, (v) => parseAnswer(schema, what, v), signal);

/** Following a job: the first wait before asking again after a lost stream, and the longest. */
const FOLLOW_FIRST_PAUSE_MS = 500;
const FOLLOW_MAX_PAUSE_MS = 5_000;

/** Waits `ms`, or less when `signal` stops it: true when the wait ran out. */
function pause(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((done) => {
    if (signal?.aborted) return done(false);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop);
      done(true);
    }, ms);
    const stop = () => {
      clearTimeout(timer);
      done(false);
    };
    signal?.addEventListener('abort', stop, { once: true });
  });
}

/**
 * One reading of a job's event stream: the finished job, a refusal, or 'ended' when the stream broke
 * or could not be opened before `done` (the caller reads the job and decides).
 */
async function followStream(id: string, onProgress: (job: AnalysisJob) => void, signal?: AbortSignal): Promise<Result<AnalysisJob> | 'ended'> {
  let response: Response;
  try {
    response = await fetch(`${BASE}/jobs/${encodeURIComponent(id)}/events`, { headers: authHeaders('text/event-stream'), signal });
  } catch (err) {
    return (err as Error)?.name === 'AbortError' ? unreachable(err) : 'ended';
  }
  if (!response.ok || !response.body) {
    if (response.status >= 500) return 'ended';
    return { ok: false, report: errorReport(response.status, await response.json().catch(() => null), response.headers.get('retry-after')) };
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      for (const e of parser.push(decoder.decode(value, { stream: true }))) {
        let data: unknown;
        try {
          data = JSON.parse(e.data);
        } catch {
          continue;
        }
        let job: AnalysisJob;
        try {
          job = parseAnswer(AnalysisJob, t('analysis job'), data);
        } catch (err) {
          void reader.cancel().catch(() => {});
          if (err instanceof UnexpectedAnswer) return { ok: false, report: { status: response.status, code: 'bad_response', summary: err.message, fields: [] } };
          throw err;
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
  return 'ended';
}

/**
 * Jobs this page started and still follows. A page that goes (a reload, another language, a closed
 * tab) can no longer follow or cancel them, and each would hold one of the server's job places
 * until its end: they are cancelled as the page goes, with a request that outlives it (keepalive).
 */
const followed = new Set<string>();
let cancelsOnLeave = false;
export function cancelWhenPageGoes(id: string): () => void {
  followed.add(id);
  if (!cancelsOnLeave && typeof window !== 'undefined') {
    cancelsOnLeave = true;
    window.addEventListener('pagehide', () => {
      for (const job of followed) {
        void fetch(`${BASE}/jobs/${encodeURIComponent(job)}`, { method: 'DELETE', keepalive: true, headers: authHeaders('application/json') }).catch(() => {});
      }
      followed.clear();
    });
  }
  return () => followed.delete(id);
}

export const analysisApi = {
  sensitivity: (scenario: unknown, curvePoints: number, signal?: AbortSignal) => send('POST', '/sensitivity', SensitivityReport, t('sensitivity report'), { scenario, curvePoints }, signal),
  startSweep: (body: SweepRequestInput) => send('POST', '/sweeps', JobAccepted, t('job receipt'), body),
  startMonteCarlo: (body: MonteCarloRequestInput) => send('POST', '/montecarlo', JobAccepted, t('job receipt'), body),
  job: (id: string) => send('GET', `/jobs/${encodeURIComponent(id)}`, AnalysisJob, t('analysis job')),
  cancel: (id: string) => send('DELETE', `/jobs/${encodeURIComponent(id)}`, AnalysisJob, t('analysis job')),
  phasing: (body: PhasingRequestInput, signal?: AbortSignal) => send('POST', '/phasing', PhasingAnswer, t('phasing plan'), body, signal),
  contracts: (scenario: unknown, signal?: AbortSignal) => send('POST', '/contracts', ContractsReport, t('contracts report'), { scenario }, signal),
  /** Room to negotiate: a read, so viewer keys (and public reads) may ask it. */
  alternatives: (scenario: unknown, tolerance: number, signal?: AbortSignal) => send('POST', '/alternatives', Alternatives, t('room to negotiate'), { scenario, tolerance }, signal),

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
   * result). A stream that breaks before `done` (a proxy closed it, the server restarted) is not the
   * end: the job is read again with a plain GET, and while it still runs the stream is opened again;
   * while the server cannot be reached, `onWaiting` hears so and the page tries again, every 0.5 s
   * at first and every 5 s at most, until the job has ended (a restart fails it as interrupted), the
   * server says it is gone, or `signal` stops the following.
   */
  async follow(id: string, onProgress: (job: AnalysisJob) => void, signal?: AbortSignal, onWaiting?: (report: ErrorReport) => void): Promise<Result<AnalysisJob>> {
    let pauseMs = FOLLOW_FIRST_PAUSE_MS;
    for (;;) {
      const streamed = await followStream(id, onProgress, signal);
      if (streamed !== 'ended') return streamed;
      if (signal?.aborted) return unreachable(signal.reason ?? new DOMException('aborted', 'AbortError'));
      const last = await analysisApi.job(id);
      if (last.ok && last.data.status !== 'running') return last;
      // Gone, or refused (a key no longer valid): said as it is. Unreachable or busy: try again.
      if (!last.ok && last.report.status !== 0 && last.report.status < 500) return last;
      if (last.ok) pauseMs = FOLLOW_FIRST_PAUSE_MS;
      else onWaiting?.(last.report);
      if (!(await pause(pauseMs, signal))) return unreachable(new DOMException('aborted', 'AbortError'));
      pauseMs = Math.min(FOLLOW_MAX_PAUSE_MS, pauseMs * 2);
    }
  },
};
