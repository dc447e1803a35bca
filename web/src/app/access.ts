/**
 * Access: what the stored API key may do (the panels show it and hide what it may not), the sign-in
 * prompt for servers that read only with a key, and loading what was missing once a key may read.
 */
import { api, storeApiKey, storedApiKey } from '../api.ts';
import { t } from '../i18n/index.ts';
import { apiKeyProblem, apiKeyProblemText } from '../lib/api-key.ts';
import { networkPending, type ScenarioForm } from '../lib/scenario-form.ts';
import type { AnalysisPanel } from '../panels/analysis-panel.ts';
import type { Role, ScenarioPanel } from '../panels/scenario-panel.ts';
import { initial, state } from './state.ts';
import { setStatus, statusText } from './status.ts';
import type { StoredRuns } from './stored-runs.ts';

export interface AccessDeps {
  scenarioPanel: ScenarioPanel;
  analysisPanel: AnalysisPanel;
  library: { setRole(role: Role): void };
  runs: StoredRuns;
  runOnServer(form: ScenarioForm): Promise<void>;
}

export interface Access {
  showRole(role: Role): void;
  /** Ask the server what the stored key may do; true when it may read. */
  checkRole(): Promise<boolean>;
  /**
   * A key entered (in the sign-in prompt or under Access): check it, then load whatever is missing —
   * the network (closures, live what-if), the linked run or a plan — without a reload.
   */
  useKey(key: string): Promise<void>;
  /** The network, then the linked run (if any) or a plan of the form; what is already loaded stays. */
  loadEverything(): Promise<void>;
  /**
   * The page may not read without a key (the sign-in is shown): a link's form that plans on a stored
   * scenario's network asks for it all the same, so the page says why nothing is planned (the server
   * reads it only with a key) instead of "reload the page". Entering a key reads it (useKey).
   */
  explainLocked(): Promise<void>;
}

export function createAccess({ scenarioPanel, analysisPanel, library, runs, runOnServer }: AccessDeps): Access {
  function showRole(role: Role): void {
    scenarioPanel.setRole(role, state.publicRead);
    analysisPanel.setRole(role, state.publicRead);
    library.setRole(role);
  }

  /** A refused key was dropped (checkRole): said again once the page's first plan is on screen. */
  let keyDropped: string | null = null;
  const KEY_DROPPED = () =>
    t('That API key is not valid, so the page goes on without one: this server shows its map to anyone. Enter another key under “Access” to plan with one.');

  /**
   * A stored key that cannot be a key (a letter of another keyboard layout, stored by an older page)
   * is dropped before any request: the browser would refuse every request that carried it. The
   * reason, or null when the stored key (or none) is fine.
   */
  function dropInvalidStoredKey(): string | null {
    const problem = apiKeyProblem(storedApiKey());
    if (!problem) return null;
    storeApiKey('');
    scenarioPanel.setKey('');
    return apiKeyProblemText(problem);
  }

  async function checkRole(): Promise<boolean> {
    const invalidKey = dropInvalidStoredKey();
    const session = await api.session();
    if (session.ok && invalidKey) {
      // Without the dropped key: the sign-in where the server reads only with a key, or the page goes
      // on without one, saying why.
      state.publicRead = session.data.publicRead;
      state.role = 'none';
      state.needsKey = !session.data.canRead;
      showRole('none');
      scenarioPanel.showKeyProblem(invalidKey);
      if (state.needsKey) {
        showSignIn(invalidKey);
        setStatus(invalidKey);
        return false;
      }
      hideSignIn();
      keyDropped = `${invalidKey} ${t('The page goes on without a key: this server shows its map to anyone.')}`;
      setStatus(keyDropped);
      return true;
    }
    if (!session.ok) {
      state.role = 'none';
      if (session.report.status === 401) {
        // A server that shows its map to anyone is not locked by a mistyped key: the key is dropped
        // and the page goes on without one, saying so.
        const open = await api.sessionWithoutKey();
        if (open.ok && open.data.canRead) {
          storeApiKey('');
          scenarioPanel.setKey('');
          state.publicRead = true;
          state.needsKey = false;
          showRole('none');
          hideSignIn();
          keyDropped = KEY_DROPPED();
          setStatus(keyDropped);
          return true;
        }
        // A key the server does not know is refused everywhere: ask for another one.
        state.publicRead = false;
        state.needsKey = true;
        showRole('none');
        showSignIn(t('That API key is not valid. Enter another one.'));
        setStatus(t('That API key is not valid.'));
      } else {
        showRole('none');
        // No answer: the report says so itself ("The server cannot be reached"), not wrapped in the same words again.
        setStatus(session.report.code === 'network' ? t('The server cannot be reached: check the connection and reload the page.') : t('The server could not say what this key may do: {reason}', { reason: session.report.summary }));
      }
      return false;
    }
    state.publicRead = session.data.publicRead;
    state.role = session.data.role === 'anonymous' ? 'none' : session.data.role;
    state.needsKey = !session.data.canRead;
    showRole(state.role);
    if (state.needsKey) showSignIn(null);
    else hideSignIn();
    return !state.needsKey;
  }

  const signIn = document.getElementById('signin') as HTMLFormElement;
  const signInKey = document.getElementById('signin-key') as HTMLInputElement;
  const signInError = document.getElementById('signin-error')!;
  function showSignIn(error: string | null): void {
    signIn.hidden = false;
    signInError.textContent = error ?? '';
    document.body.dataset.auth = 'needs-key';
  }
  function hideSignIn(): void {
    signIn.hidden = true;
    signInError.textContent = '';
    document.body.dataset.auth = 'ok';
  }
  signIn.addEventListener('submit', (e) => {
    e.preventDefault();
    void useKey(signInKey.value.trim());
  });

  async function useKey(key: string): Promise<void> {
    // A key that cannot be one is never stored or sent: said next to the field (and in the sign-in),
    // and the key in use, if any, stays.
    const problem = apiKeyProblem(key);
    if (problem) {
      const why = apiKeyProblemText(problem);
      scenarioPanel.showKeyProblem(why);
      if (state.needsKey) showSignIn(why);
      setStatus(storedApiKey() ? `${why} ${t('The key in use stays as it was.')}` : why);
      return;
    }
    scenarioPanel.showKeyProblem(null);
    storeApiKey(key);
    scenarioPanel.setKey(key);
    state.role = 'unknown';
    showRole(state.role);
    const valid = await checkRole();
    if (!valid) return;
    // A refused key dropped on a server that reads without one: checkRole has said so (loadEverything says it again).
    if (key && !storedApiKey()) return void (await loadEverything());
    setStatus(key ? t('Key saved: {role} key.', { role: t({ planner: 'planner', viewer: 'viewer', none: 'no', unknown: 'unknown' }[state.role]) }) : t('Key removed.'));
    await loadEverything();
  }

  async function loadNetwork(): Promise<void> {
    const network = await api.network();
    if (network.ok) {
      state.network = network.data;
      scenarioPanel.setNetwork(network.data);
      analysisPanel.setNetwork(network.data);
      document.body.dataset.network = 'loaded';
    } else {
      setStatus(t('Could not load the network: {reason}', { reason: network.report.summary }));
    }
  }

  async function loadEverything(): Promise<void> {
    // The network and the plan are asked for together: neither waits for the other on the wire
    // (a plan made in this browser waits for the network through state.networkLoading).
    if (!state.network && !state.networkLoading) {
      state.networkLoading = loadNetwork().finally(() => {
        state.networkLoading = null;
      });
    }
    const networkLoading = state.networkLoading;
    await loadPlan();
    await networkLoading;
    if (keyDropped) {
      setStatus(keyDropped);
      keyDropped = null;
    }
  }

  async function loadPlan(): Promise<void> {
    // A link that plans on a stored scenario's network reads it first. When it cannot be read, the
    // form is not planned (a plan of the default network under that scenario's name would not be its
    // plan); a linked run or comparison still opens, as stored.
    const network = await runs.readStoredNetwork();
    const sayAlso = (more: string | null) => {
      if (more) setStatus(`${statusText()} ${more}`);
    };
    const networkWords = network.ok ? network.note : network.message;
    // A linked run or comparison that cannot be opened is said, and stays said once the form's own
    // plan is on the map: a shared link must not quietly show other numbers than the ones shared.
    let notOpened: string | null = null;
    if (initial.compare && !state.compare) {
      if (await runs.compareStoredRuns(initial.compare[0], initial.compare[1])) return sayAlso(networkWords);
      notOpened = statusText();
    }
    if (state.runId && (state.source !== 'run' || !state.plan)) {
      // The run may have given the form its network (the run holds it): then it has said so instead.
      if (await runs.openRun(state.runId, initial.scenario != null, initial.stored != null)) return sayAlso(network.ok || networkPending(state.form) ? networkWords : null);
      notOpened = statusText();
    }
    if (!network.ok) {
      setStatus(notOpened ? `${notOpened} ${network.message}` : network.message);
      return;
    }
    await runOnServer(state.form);
    if (notOpened) setStatus(t('{why} The map shows a new plan of the form instead, not the linked one.', { why: notOpened }));
    sayAlso(network.note);
  }

  async function explainLocked(): Promise<void> {
    if (!state.needsKey || !networkPending(state.form)) return;
    const network = await runs.readStoredNetwork();
    if (network.ok) return;
    const before = statusText();
    setStatus(before ? `${before} ${network.message}` : network.message);
  }

  return { showRole, checkRole, useKey, loadEverything, explainLocked };
}
