/**
 * The three ways to a plan: a one-off solve on the server, a solve in this browser (the fallback
 * without server access, and the live what-if while a slider moves), and a stored scenario run.
 * Each shows its progress and puts its plan on screen.
 */
import type { InBrowserOptions } from '../../../server/core/optimise-browser.ts';
import { Scenario, type Network } from '../../../server/core/schema.ts';
import type { Plan } from '../../../server/core/plan-schema.ts';
import { api } from '../api.ts';
import { locale, t } from '../i18n/index.ts';
import { planLabel } from '../lib/plan-label.ts';
import { issuePath } from '../lib/api-errors.ts';
import { formatElapsed } from '../lib/format.ts';
import { saveOutcomeText, storeAndRun, type StoredNotRun } from '../lib/save-run.ts';
import { formToScenario, networkPending, withSavedScenario, type ScenarioForm } from '../lib/scenario-form.ts';
import { ownNetwork } from '../lib/plan-network.ts';
import { networkPendingText } from '../lib/stored-link.ts';
import { createInPageOptimiser, type InPageOptimiser } from '../optimiser-client.ts';
import type { Role, ScenarioPanel } from '../panels/scenario-panel.ts';
import { inputsOf, networkSettled, state, type PlanSource } from './state.ts';
import { setStatus } from './status.ts';

export interface SolverDeps {
  scenarioPanel: ScenarioPanel;
  showRole(role: Role): void;
  redraw(): void;
  frameFirstPlan(plan: Plan): void;
}

export interface Solver {
  /** Validate with the shared schema; issues go next to their fields. */
  validate(form: ScenarioForm, announce: boolean): boolean;
  /** A plan on screen; `network`: the network it was made on when it is not the default one. */
  setPlan(plan: Plan, source: PlanSource, opts: { record: boolean; runId?: string | null; inputs: string; network: Network | null }): void;
  runOnServer(form: ScenarioForm): Promise<void>;
  /**
   * Live what-if: the newest slider position wins (a stale plan is dropped); at most one solve runs at a
   * time. `step`: a drag's step, without the rule's cost; `whole`: the slider was let go.
   */
  scheduleLive(form: ScenarioForm, kind: 'step' | 'whole'): void;
  /** Store the scenario, run it and show the stored run. */
  saveRun(form: ScenarioForm): Promise<void>;
  cancel(): void;
  /** Start the in-page optimiser ahead of the first slider drag. */
  warm(): void;
}

export function createSolver({ scenarioPanel, showRole, redraw, frameFirstPlan }: SolverDeps): Solver {
  const progressEl = document.getElementById('map-progress')!;
  const progressText = document.getElementById('progress-text')!;

  function validate(form: ScenarioForm, announce: boolean): boolean {
    // A form that names a stored scenario's network it does not hold is not planned: the default
    // network would be planned under that scenario's name.
    if (networkPending(form)) {
      const why = networkPendingText(form.stored!.id);
      scenarioPanel.showIssues([], why);
      if (announce) setStatus(why);
      return false;
    }
    const checked = Scenario.safeParse(formToScenario(form));
    if (checked.success) {
      scenarioPanel.showIssues([], null);
      return true;
    }
    scenarioPanel.showIssues(
      checked.error.issues.map((i) => ({ path: issuePath(i.path), message: i.message })),
      t('Some values are not valid; the plan was not re-run.'),
    );
    if (announce) setStatus(t('Fix the highlighted values to re-run.'));
    return false;
  }

  let abort: AbortController | null = null;
  let timer: number | undefined;

  function startProgress(text: string): () => number {
    const started = performance.now();
    progressEl.hidden = false;
    scenarioPanel.setBusy(true);
    const tick = () => {
      const elapsed = formatElapsed(performance.now() - started);
      progressText.textContent = `${text} ${elapsed}`;
      setStatus(`${text} ${elapsed}`);
    };
    tick();
    timer = window.setInterval(tick, 100);
    return () => {
      window.clearInterval(timer);
      progressEl.hidden = true;
      scenarioPanel.setBusy(false);
      return performance.now() - started;
    };
  }

  function setPlan(plan: Plan, source: PlanSource, opts: { record: boolean; runId?: string | null; inputs: string; network: Network | null; at?: string }): void {
    state.plan = plan;
    state.planNetwork = opts.network;
    state.source = source;
    state.runId = opts.runId ?? (source === 'run' ? state.runId : null);
    state.planInputs = opts.inputs;
    state.stale = state.planInputs !== inputsOf(state.form);
    if (state.period != null && state.period >= plan.horizon.periods.length) state.period = null;
    if (opts.record) {
      const n = state.history.length + 1;
      const label = planLabel({ n, scenarioName: plan.scenarioName, source: source === 'browser' ? t('browser') : source === 'run' ? t('stored run') : t('server'), runId: state.runId, at: new Date(opts.at ?? Date.now()), now: new Date(), locale: locale() });
      state.history.push({ id: `h${n}`, label, plan, runId: state.runId, network: opts.network });
      if (state.history.length > 12) state.history.shift();
    }
    state.compare = null;
    frameFirstPlan(plan);
    redraw();
    document.body.dataset.planSeq = String(Number(document.body.dataset.planSeq ?? 0) + 1);
    document.body.dataset.planSource = source;
    delete document.body.dataset.livePlan;
  }

  async function runOnServer(form: ScenarioForm): Promise<void> {
    if (!validate(form, true)) return;
    // A one-off solve stores nothing: any key that may read (or none, when reads are public) may run it.
    if (state.role === 'none' && !state.publicRead) {
      await runInBrowser(form, true);
      return;
    }
    abort?.abort();
    abort = new AbortController();
    const stop = startProgress(t('Optimising on the server…'));
    const scenario = formToScenario(form);
    const result = await api.optimise(scenario, abort.signal);
    await networkSettled();
    const ms = stop();
    if (result.ok) {
      setPlan(result.data, 'server', { record: true, inputs: inputsOf(form), network: ownNetwork(scenario) });
      setStatus(t('Plan ready in {time}: {status}.', { time: formatElapsed(ms), status: t(result.data.status) }));
      return;
    }
    const r = result.report;
    if (r.status === 401 || r.status === 403) {
      state.role = r.status === 403 ? 'viewer' : 'none';
      showRole(state.role);
      await runInBrowser(form, true);
      // Said after the browser's plan is on screen, whose own status would otherwise replace it.
      setStatus(t('{reason}. Showing a plan computed in this browser.', { reason: r.summary }));
      return;
    }
    scenarioPanel.showIssues(r.fields, r.summary);
    setStatus(r.code === 'aborted' ? t('Cancelled.') : r.summary);
  }

  /**
   * The in-page optimiser: in a web worker (the main thread stays free while it solves), on the main
   * thread only where workers are unavailable. Created on first use. `data-in-page-solving` is set on
   * the body while a solve runs and `data-in-page-optimiser` says where the last one ran.
   */
  let inPageOptimiser: InPageOptimiser | null = null;
  async function optimiseInPage(scenario: Scenario, network: Network, options: InBrowserOptions = {}): Promise<Plan> {
    inPageOptimiser ??= createInPageOptimiser();
    document.body.dataset.inPageSolving = 'true';
    try {
      return await inPageOptimiser.solve(scenario, network, options);
    } finally {
      document.body.dataset.inPageOptimiser = inPageOptimiser.where;
      delete document.body.dataset.inPageSolving;
    }
  }

  async function runInBrowser(form: ScenarioForm, record: boolean): Promise<void> {
    await networkSettled();
    // A scenario with a network of its own is planned on it; any other on the default network.
    const network = ownNetwork(formToScenario(form)) ?? state.network;
    if (!network) {
      setStatus(t('The network is not loaded; cannot plan in the browser.'));
      return;
    }
    const stop = startProgress(t('Optimising in this browser…'));
    try {
      const scenario = Scenario.parse(formToScenario(form));
      const plan = await optimiseInPage(scenario, scenario.network ?? network);
      const ms = stop();
      setPlan(plan, 'browser', { record, inputs: inputsOf(form), network: scenario.network ?? null });
      setStatus(t('Plan computed in this browser in {time}: {status}.', { time: formatElapsed(ms), status: t(plan.status) }));
    } catch (err) {
      stop();
      setStatus(t('The browser could not compute the plan: {reason}', { reason: (err as Error).message }));
    }
  }

  /**
   * Live what-if. Each step of a drag is planned without the rule's cost (one solve, so the map keeps
   * up with the slider); when the slider is let go, the whole plan (the rule's cost included).
   * `data-live-plan` on the body says which is on screen: `step` or `whole`.
   */
  let livePending: { form: ScenarioForm; kind: 'step' | 'whole' } | null = null;
  let liveRunning = false;
  function scheduleLive(form: ScenarioForm, kind: 'step' | 'whole'): void {
    livePending = { form, kind };
    if (liveRunning) return;
    liveRunning = true;
    // The first solve starts as soon as this event is handled (a frame's wait would only delay it);
    // while one runs, newer positions wait, and the newest starts on the frame after its plan is drawn.
    queueMicrotask(() => void step());
    async function step(): Promise<void> {
      const next = livePending;
      livePending = null;
      if (next) {
        try {
          const started = performance.now();
          const scenario = Scenario.parse(formToScenario(next.form));
          // A scenario with a network of its own is planned on it, as the server would.
          const network = scenario.network ?? state.network;
          if (!network) throw new Error(t('The network is not loaded; cannot plan in the browser.'));
          const plan = await optimiseInPage(scenario, network, { ruleCost: next.kind === 'whole' });
          // The slider moved on while this solved: its plan is stale and is dropped; the newest position is solved next.
          if (livePending === null) {
            if (plan.status !== 'optimal' && (state.role !== 'none' || state.publicRead)) {
              // The in-page engine's "no plan" cannot be verified here: the server (HiGHS confirms) decides.
              setStatus(t('Live plan: {status} in this browser; asking the server to confirm…', { status: t(plan.status) }));
              await runOnServer(next.form);
            } else {
              showLive(plan, next.form, scenario.network ?? null, next.kind, started);
            }
          }
        } catch (err) {
          setStatus(t('Live re-plan failed: {reason}', { reason: (err as Error).message }));
        }
      }
      if (livePending) requestAnimationFrame(() => void step());
      else liveRunning = false;
    }
  }

  function showLive(plan: Plan, form: ScenarioForm, network: Network | null, kind: 'step' | 'whole', started: number): void {
    setPlan(plan, 'browser', { record: false, inputs: inputsOf(form), network });
    document.body.dataset.livePlan = kind;
    const ms = (performance.now() - started).toFixed(0);
    setStatus(
      kind === 'whole'
        ? t('Live plan: {status}, solved in this browser in {ms} ms.', { status: t(plan.status), ms })
        : t('Live plan: {status}, solved in this browser in {ms} ms; the cost of the rule follows when the slider rests.', { status: t(plan.status), ms }),
    );
  }

  /** A scenario stored whose run was refused: the next save of the same inputs runs it (lib/save-run.ts). */
  let storedNotRun: StoredNotRun | null = null;

  async function saveRun(form: ScenarioForm): Promise<void> {
    if (!validate(form, true)) return;
    const stop = startProgress(t('Storing the scenario and running it…'));
    const inputs = inputsOf(form);
    const scenario = formToScenario(form);
    const saved = await storeAndRun(api, scenario, inputs, storedNotRun);
    storedNotRun = saved.pending;
    const ms = stop();
    const outcome = saved.outcome;
    if (outcome.kind !== 'run') {
      const report = outcome.report;
      if (outcome.kind === 'not-stored' || (outcome.kind === 'not-run' && !outcome.retry)) scenarioPanel.showIssues(report.fields, report.summary);
      if (report.status === 401 || report.status === 403) {
        state.role = report.status === 403 ? 'viewer' : 'none';
        showRole(state.role);
      }
      setStatus(saveOutcomeText(outcome)!);
      return;
    }
    state.runId = outcome.run.id;
    // The form now stands for the scenario just stored: with a network of its own, it (and the link)
    // names that scenario, the run's, not the one it was opened from (which may change or go).
    if (inputsOf(state.form) === inputs) {
      state.form = withSavedScenario(state.form, outcome.run);
      scenarioPanel.setForm(state.form);
    }
    setPlan(outcome.run.plan, 'run', { record: true, runId: outcome.run.id, inputs, network: ownNetwork(outcome.run.scenario) });
    const stored = t('Stored as run {id} in {time}.', { id: outcome.run.id, time: formatElapsed(ms) });
    setStatus(outcome.replaced ? `${t('Scenario {id}, stored by an earlier save, was deleted meanwhile: the scenario was stored again.', { id: outcome.replaced })} ${stored}` : stored);
  }

  return {
    validate,
    setPlan,
    runOnServer,
    scheduleLive,
    saveRun,
    cancel: () => abort?.abort(),
    warm() {
      inPageOptimiser ??= createInPageOptimiser();
    },
  };
}
