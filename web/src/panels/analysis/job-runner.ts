/**
 * A long analysis run as a server job: its start and cancel buttons, a live progress bar from the
 * job's events, and its outcome in words. Used by the sweeps and Monte Carlo tabs.
 */
import { analysisApi, cancelWhenPageGoes, type AnalysisJob } from '../../analysis-api.ts';
import type { Result } from '../../api.ts';
import { h } from '../../dom.ts';
import { t } from '../../i18n/index.ts';
import { formatElapsed, formatNumber } from '../../lib/format.ts';
import { failureWords, say } from './common.ts';

export class JobRunner {
  readonly start: HTMLButtonElement;
  readonly status: HTMLElement;
  private readonly cancel: HTMLButtonElement;
  private readonly progress: HTMLProgressElement;
  private readonly progressText: HTMLElement;
  private jobId: string | null = null;
  private stream: AbortController | null = null;

  /** `prefix` names the elements' ids (`{prefix}-start`, `{prefix}-progress` …); `label` is the start button's. */
  constructor(prefix: string, label: string) {
    this.start = h('button', { type: 'button', className: 'primary', id: `${prefix}-start` }, label);
    this.cancel = h('button', { type: 'button', id: `${prefix}-cancel`, hidden: true }, t('Cancel'));
    this.progress = h('progress', { id: `${prefix}-progress`, max: 1, value: 0, 'aria-label': t('{label}: progress', { label }) });
    this.progressText = h('span', { className: 'progress-text', id: `${prefix}-progress-text` });
    this.status = h('p', { className: 'analysis-status', id: `${prefix}-status`, role: 'status', 'aria-live': 'polite' });
    this.cancel.addEventListener('click', async () => {
      if (!this.jobId) return;
      this.cancel.disabled = true;
      const r = await analysisApi.cancel(this.jobId);
      if (!r.ok) say(this.status, t('Could not cancel: {reason}', { reason: failureWords(r.report) }), 'bad');
    });
  }

  /** The buttons, the progress bar and the status line. */
  controls(): HTMLElement {
    return h('div', { className: 'job-controls' }, h('div', { className: 'actions' }, this.start, this.cancel), h('div', { className: 'job-progress' }, this.progress, this.progressText), this.status);
  }

  /** Starts a job, shows its progress live, returns the finished job (null: failed, cancelled, refused). `unit` counts the work in words (“points”, “draws”). */
  async run(start: () => Promise<Result<{ jobId: string }>>, unit: string): Promise<AnalysisJob | null> {
    this.start.disabled = true;
    this.progress.value = 0;
    this.progressText.textContent = '';
    say(this.status, t('Starting…'), 'busy');
    const started = await start();
    if (!started.ok) {
      this.start.disabled = false;
      say(this.status, failureWords(started.report), 'bad');
      return null;
    }
    const jobId = started.data.jobId;
    this.jobId = jobId;
    const forget = cancelWhenPageGoes(jobId);
    this.cancel.hidden = false;
    this.cancel.disabled = false;
    this.stream?.abort();
    this.stream = new AbortController();
    const t0 = performance.now();
    let waiting = false;
    const show = (job: AnalysisJob) => {
      if (waiting) {
        waiting = false;
        say(this.status, t('Running on the server…'), 'busy');
      }
      const { done, total } = job.progress;
      this.progress.max = Math.max(1, total);
      this.progress.value = done;
      const pct = total > 0 ? Math.floor((done / total) * 100) : 0;
      this.progressText.textContent = t('{done} / {total} {unit} ({pct} %)', { done: formatNumber(done), total: formatNumber(total), unit, pct });
      this.progress.setAttribute('aria-valuetext', `${pct} %`);
    };
    say(this.status, t('Running on the server…'), 'busy');
    const r = await analysisApi.follow(jobId, show, this.stream.signal, (report) => {
      waiting = true;
      say(this.status, t('{reason}; still following the job, and trying again…', { reason: report.summary.replace(/\.$/, '') }), 'bad');
    });
    forget();
    this.start.disabled = false;
    this.cancel.hidden = true;
    this.jobId = null;
    if (!r.ok) {
      say(this.status, failureWords(r.report), 'bad');
      return null;
    }
    show(r.data);
    if (r.data.status === 'cancelled') say(this.status, t('Cancelled after {done} {unit}.', { done: formatNumber(r.data.progress.done), unit }), 'bad');
    else if (r.data.status === 'failed') say(this.status, t('The analysis failed: {reason}.', { reason: r.data.error ?? t('no reason given') }), 'bad');
    else say(this.status, t('Done in {time}.', { time: formatElapsed(performance.now() - t0) }));
    return r.data.status === 'done' ? r.data : null;
  }
}
