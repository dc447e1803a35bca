/** Stored scenarios and runs on screen: a run opened by id, a scenario into the form, two runs compared. */
import type { Plan } from '../../../server/core/plan-schema.ts';
import type { Network } from '../../../server/core/schema.ts';
import { api, type StoredRun } from '../api.ts';
import { locale, t } from '../i18n/index.ts';
import { diffPlans } from '../lib/diff.ts';
import { sha256Hex } from '../../../server/core/hash.ts';
import { networkMismatch, type RunNetwork } from '../../../server/core/network-digest.ts';
import { planLabel } from '../lib/plan-label.ts';
import { ownNetwork } from '../lib/plan-network.ts';
import { networkPending, storedScenarioToForm, withRunNetwork, withStoredNetwork, withUnnamedRunNetwork, type ScenarioForm } from '../lib/scenario-form.ts';
import { networkFromRunText, networkFromUnnamedRunText, storedNetworkChangedText, storedNetworkProblem } from '../lib/stored-link.ts';
import type { HistoryEntry } from '../panels/kpi-panel.ts';
import type { ScenarioPanel } from '../panels/scenario-panel.ts';
import { inputsOf, networkSettled, state, type PlanSource } from './state.ts';
import { setStatus } from './status.ts';

export interface StoredRunsDeps {
  scenarioPanel: ScenarioPanel;
  setPlan(plan: Plan, source: PlanSource, opts: { record: boolean; runId?: string | null; inputs: string; network: Network | null; at?: string }): void;
  runOnServer(form: ScenarioForm): Promise<void>;
  renderStale(): void;
  redraw(): void;
}

export interface StoredRuns {
  /**
   * A stored run on screen. A link with its own form keeps that form: when it differs from the run's
   * inputs the page says so and offers to re-plan (or to take the run's inputs); without a form the
   * run's inputs fill the form. `linkNamesStored`: the link names a stored scenario for its network
   * (`sc=`); a link's form that names none takes a network of the run's own (an older link).
   */
  openRun(runId: string, linkHasForm: boolean, linkNamesStored?: boolean): Promise<boolean>;
  /** A stored scenario into the form, then planned. */
  openStoredScenario(scenarioId: string): Promise<void>;
  /** Two stored runs compared on the map (plan B on screen, A → B differences); the pair goes into the link. */
  compareStoredRuns(a: string, b: string): Promise<boolean>;
  /**
   * A link's form that names a stored scenario for its network (`sc=` in the link) takes that network
   * from the server. `ok: false`: it could not be read, and `message` says why (the form stays without
   * it, and is not planned); `note`: what to say beside the plan (the scenario changed since the link).
   */
  readStoredNetwork(): Promise<{ ok: true; note: string | null } | { ok: false; message: string }>;
}

/** A stored run's scenario into the form (naming its stored scenario when it has a network of its own). */
const runForm = (run: StoredRun): ScenarioForm => storedScenarioToForm(run.scenario, { id: run.scenarioId, version: run.scenarioVersion });

export function createStoredRuns({ scenarioPanel, setPlan, runOnServer, renderStale, redraw }: StoredRunsDeps): StoredRuns {
  async function openStoredScenario(scenarioId: string): Promise<void> {
    const record = await api.scenario(scenarioId);
    if (!record.ok) return setStatus(t('Scenario {id} could not be opened: {reason}', { id: scenarioId, reason: record.report.summary }));
    state.form = storedScenarioToForm(record.data.scenario, { id: record.data.id, version: record.data.version });
    scenarioPanel.setForm(state.form);
    state.runId = null;
    setStatus(t('Scenario “{name}” is in the form; planning it…', { name: record.data.scenario.name }));
    await runOnServer(state.form);
  }

  /** A stored run in the session's history (once), named by its scenario, run id and time. */
  function historyEntryForRun(run: StoredRun): HistoryEntry {
    const found = state.history.find((e) => e.runId === run.id);
    if (found) return found;
    const label = planLabel({ scenarioName: run.scenario.name, source: t('stored run'), runId: run.id, at: new Date(run.createdAt), now: new Date(), locale: locale() });
    const entry: HistoryEntry = { id: `run:${run.id}`, label, plan: run.plan, runId: run.id, network: ownNetwork(run.scenario) };
    state.history.push(entry);
    if (state.history.length > 12) state.history.shift();
    return entry;
  }

  async function compareStoredRuns(a: string, b: string): Promise<boolean> {
    const [ra, rb] = await Promise.all([api.run(a), api.run(b)]);
    await networkSettled();
    if (!ra.ok || !rb.ok) {
      setStatus(t('Could not open run {id} to compare: {reason}', { id: !ra.ok ? a : b, reason: (!ra.ok ? ra.report : (rb as { ok: false; report: { summary: string } }).report).summary }));
      return false;
    }
    const runB = rb.data;
    state.runId = runB.id;
    const formB = runForm(runB);
    state.form = formB;
    scenarioPanel.setForm(formB);
    setPlan(runB.plan, 'run', { record: false, runId: runB.id, inputs: inputsOf(formB), network: ownNetwork(runB.scenario) });
    const ea = historyEntryForRun(ra.data);
    const eb = historyEntryForRun(runB);
    // Each side is drawn with the network it was made on.
    const networks = { a: ea.network, b: eb.network };
    const diff = diffPlans(ra.data.plan, runB.plan, { a: ra.data.scenario.market, b: runB.scenario.market });
    // What the runs say of their networks (a network of its own, the default one's version), as the API's comparison says it.
    diff.networks = networkMismatch(ra.data as RunNetwork, runB as RunNetwork, sha256Hex);
    state.compare = { a: ea.id, b: eb.id, diff, networks };
    redraw();
    setStatus(t('Comparing stored runs {a} (A) and {b} (B).', { a, b }));
    document.body.dataset.compare = `${a},${b}`;
    return true;
  }

  async function openRun(runId: string, linkHasForm: boolean, linkNamesStored = false): Promise<boolean> {
    const run = await api.run(runId);
    await networkSettled();
    if (!run.ok) {
      setStatus(t('Stored run {id} could not be opened: {reason}', { id: runId, reason: run.report.summary }));
      state.runId = null;
      return false;
    }
    const formOfRun = runForm(run.data);
    // A link's form waiting for its stored scenario's network, which could not be read: the run holds it.
    const fromNamed = linkHasForm ? withRunNetwork(state.form, run.data) : null;
    // A link's form that names no stored scenario (an older link) to a run made on a network of its own:
    // re-planning it must not plan the default network under the scenario's name.
    const fromUnnamed = linkHasForm && !linkNamesStored && !fromNamed ? withUnnamedRunNetwork(state.form, run.data) : null;
    const withNetwork = fromNamed ?? fromUnnamed;
    if (withNetwork) {
      state.form = withNetwork;
      scenarioPanel.showStoredProblem(null);
      scenarioPanel.setForm(state.form);
    }
    if (!linkHasForm) {
      state.form = formOfRun;
      scenarioPanel.setForm(state.form);
    }
    setPlan(run.data.plan, 'run', { record: true, runId: run.data.id, inputs: inputsOf(formOfRun), network: ownNetwork(run.data.scenario), at: run.data.createdAt });
    state.linkMismatch = state.stale ? { runId: run.data.id, runForm: formOfRun } : null;
    renderStale();
    const said = state.stale ? t('Stored run {id} does not match the form in this link.', { id: run.data.id }) : t('Stored run {id}.', { id: run.data.id });
    const from = fromNamed ? networkFromRunText(run.data.scenarioId, run.data.id) : fromUnnamed ? networkFromUnnamedRunText() : null;
    setStatus(from ? `${said} ${from}` : said);
    return true;
  }

  async function readStoredNetwork(): Promise<{ ok: true; note: string | null } | { ok: false; message: string }> {
    const ref = state.form.stored;
    if (!ref || !networkPending(state.form)) return { ok: true, note: null };
    const record = await api.scenario(ref.id);
    // The form changed meanwhile (another link, a scenario opened): this answer is not for it.
    if (state.form.stored?.id !== ref.id || !networkPending(state.form)) return { ok: true, note: null };
    if (!record.ok) {
      const message = storedNetworkProblem(ref.id, record.report);
      scenarioPanel.showStoredProblem({ id: ref.id, text: message });
      return { ok: false, message };
    }
    scenarioPanel.showStoredProblem(null);
    const { form, changed } = withStoredNetwork(state.form, record.data);
    state.form = form;
    scenarioPanel.setForm(form);
    return { ok: true, note: changed ? storedNetworkChangedText(ref.id, changed.from, changed.to) : null };
  }

  return { openRun, openStoredScenario, compareStoredRuns, readStoredNetwork };
}
