/**
 * The map page's state: what is on screen (plan, source, history, comparison), the form, the access
 * role and the link it was opened with. Plain data: the other page modules read and change it.
 */
import type { Network } from '../../../server/core/schema.ts';
import type { Plan } from '../../../server/core/plan-schema.ts';
import type { PlanDiff } from '../lib/diff.ts';
import { DEFAULT_FORM, formToScenario, linkToForm, type ScenarioForm } from '../lib/scenario-form.ts';
import { networkOnScreen } from '../lib/plan-network.ts';
import { decodeState, type PageState } from '../lib/url-state.ts';
import type { HistoryEntry } from '../panels/kpi-panel.ts';
import type { Role } from '../panels/scenario-panel.ts';

export type PlanSource = 'server' | 'browser' | 'run';

export interface AppState {
  network: Network | null;
  /** The network on its way from the server (null when loaded or not asked for). */
  networkLoading: Promise<void> | null;
  plan: Plan | null;
  /** The network the plan on screen was made on, when it is not the default one (its scenario's own). */
  planNetwork: Network | null;
  source: PlanSource;
  runId: string | null;
  history: HistoryEntry[];
  period: number | null;
  page: PageState;
  form: ScenarioForm;
  role: Role;
  /** Reads (and one-off solves) are open without a key. */
  publicRead: boolean;
  showVolumes: boolean;
  /** Two plans compared (B on screen), with the own network each was made on (null: the default network). */
  compare: { a: string; b: string; diff: PlanDiff; networks: { a: Network | null; b: Network | null } } | null;
  /** The form differs from the inputs of the plan on screen. */
  stale: boolean;
  /** The inputs (canonical scenario without its name) the plan on screen was made from. */
  planInputs: string | null;
  /** The plan on screen is a stored run opened by a link whose form says otherwise. */
  linkMismatch: { runId: string; runForm: ScenarioForm } | null;
  /** This server reads only with a key, and there is no valid one: the sign-in prompt is up. */
  needsKey: boolean;
  /** Online tiles: off, on and loading, on and drawn, or on and failing (closed network). */
  tiles: 'off' | 'loading' | 'ok' | 'failed';
}

export const DEFAULT_SCENARIO = formToScenario(DEFAULT_FORM);

/** The page state the link (location.hash) opened with. */
export const initial = decodeState(location.hash);

export const state: AppState = {
  network: null,
  networkLoading: null,
  plan: null,
  planNetwork: null,
  source: 'server',
  runId: initial.runId,
  history: [],
  period: initial.period,
  page: initial,
  form: linkToForm(initial.scenario, initial.stored),
  role: 'unknown',
  publicRead: true,
  showVolumes: false,
  compare: null,
  stale: false,
  planInputs: null,
  linkMismatch: null,
  needsKey: false,
  tiles: 'off',
};
/** Online tiles never switch on from a link alone (a closed network would fire dozens of failed requests). */
export const linkAskedTiles = initial.tiles;
state.page.tiles = false;

/** What decides a plan: the scenario the form describes, without its name. */
export function inputsOf(form: ScenarioForm): string {
  const { name: _name, ...rest } = formToScenario(form);
  return JSON.stringify(rest);
}

/**
 * The network the map draws the plan on screen with: the network it was made on (each side's, for a
 * comparison), the default network for a plan of the default network.
 */
export function shownNetwork(): Network | null {
  return networkOnScreen({ plan: state.planNetwork, compare: state.compare?.networks }, state.network);
}

/**
 * Resolves once the network asked for alongside a plan is in (at once when it is not on its way): a
 * plan is drawn and framed with the network's plants and places.
 */
export function networkSettled(): Promise<void> {
  return state.networkLoading ?? Promise.resolve();
}
