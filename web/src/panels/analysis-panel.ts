/**
 * The analysis panel: six tabs for the scenario on screen (the share curve with sensitivity ranges
 * and shadow prices, sweeps, Monte Carlo, phasing, contracts, the room to negotiate), each in its
 * own module under panels/analysis/. This module holds the tabs together: the tab list and its
 * keys, the words about the key in use, and which markets are ringed on the map.
 */
import type { Network } from '../../../server/core/schema.ts';
import { h } from '../dom.ts';
import { t } from '../i18n/index.ts';
import type { HighlightKind } from '../map/highlight-layer.ts';
import type { AnalysisScenario, ScenarioOnScreen, TabEnv } from './analysis/common.ts';
import { buildContractsTab } from './analysis/contracts-tab.ts';
import { buildMonteCarloTab } from './analysis/montecarlo-tab.ts';
import { buildNegotiateTab } from './analysis/negotiate-tab.ts';
import { buildPhasingTab } from './analysis/phasing-tab.ts';
import { buildShareTab } from './analysis/share-tab.ts';
import { SweepsTab } from './analysis/sweeps-tab.ts';
import type { Role } from './scenario-panel.ts';

export type { AnalysisScenario } from './analysis/common.ts';

export interface AnalysisContext {
  /** The scenario form on screen as a Scenario, or why it is not valid. */
  scenario(): AnalysisScenario;
  /** The network of the scenario in the scenario panel when it has one of its own (null: the default network). */
  network(): Network | null;
  /** Markets to ring on the map (null: none): the robust ones, or those with room to negotiate. */
  onHighlight(ids: string[] | null, kind: HighlightKind): void;
}

type TabId = 'share' | 'sweeps' | 'montecarlo' | 'phasing' | 'contracts' | 'negotiate';
/** The tabs in order, with their names (in the page's language once it is chosen). */
const TABS: [TabId, () => string][] = [
  ['share', () => t('Share curve')],
  ['sweeps', () => t('Sweeps')],
  ['montecarlo', () => t('Monte Carlo')],
  ['phasing', () => t('Phasing')],
  ['contracts', () => t('Contracts')],
  ['negotiate', () => t('Room to negotiate')],
];

export class AnalysisPanel {
  private readonly tabs = new Map<TabId, { tab: HTMLButtonElement; panel: HTMLElement }>();
  private readonly roleText: HTMLElement;
  private readonly sweeps: SweepsTab;
  private open = false;
  private robust: string[] | null = null;
  /** Markets with more than ~1 kt of room in the last room-to-negotiate answer. */
  private room: string[] | null = null;
  private selected: TabId = 'share';
  /** The default network. */
  private network: Network | null = null;

  constructor(
    root: HTMLElement,
    private readonly ctx: AnalysisContext,
  ) {
    this.roleText = h('p', { className: 'hint', id: 'analysis-role' });
    const tablist = h('div', { className: 'analysis-tabs', role: 'tablist', 'aria-label': t('Analyses') });
    for (const [id, label] of TABS) {
      const tab = h('button', { type: 'button', role: 'tab', id: `analysis-tab-${id}`, 'aria-controls': `analysis-${id}`, 'aria-selected': 'false', tabindex: '-1' }, label());
      const panel = h('section', { className: 'analysis-section', role: 'tabpanel', id: `analysis-${id}`, 'aria-labelledby': tab.id, hidden: true, tabindex: '0' });
      tab.addEventListener('click', () => this.select(id, false));
      tab.addEventListener('keydown', (e) => this.tabKey(e, id));
      tablist.append(tab);
      this.tabs.set(id, { tab, panel });
    }
    root.append(
      h('h2', {}, t('Analysis')),
      h('p', { className: 'hint' }, t('Of the plan in the scenario panel, as it stands now. Analyses run on the server; all but “Room to negotiate” need a planner key.')),
      this.roleText,
      tablist,
      ...[...this.tabs.values()].map((t) => t.panel),
    );
    const env: TabEnv = { scenarioOr: (status) => this.scenarioOr(status), network: () => this.scenarioNetwork() };
    buildShareTab(this.section('share'), env);
    this.sweeps = new SweepsTab(this.section('sweeps'), env);
    buildMonteCarloTab(this.section('montecarlo'), env, (ids) => {
      this.robust = ids;
      this.showHighlight();
    });
    buildPhasingTab(this.section('phasing'), env);
    buildContractsTab(this.section('contracts'), env);
    buildNegotiateTab(this.section('negotiate'), env, (ids) => {
      this.room = ids;
      this.showHighlight();
    });
    this.select('share', false);
  }

  /** `publicRead`: the server answers reads without a key, so room to negotiate works with none. */
  setRole(role: Role, publicRead = false): void {
    const words: Record<Role, string> = {
      planner: t('Planner key: every analysis is available.'),
      viewer: t('Viewer key: “Room to negotiate” works with your key; the other analyses need a planner key (enter one under “Access” in the scenario panel).'),
      none: publicRead
        ? t('No key: “Room to negotiate” works without one; the other analyses need a planner key (enter one under “Access” in the scenario panel).')
        : t('No key: analyses need a key — “Room to negotiate” any key, the others a planner key (enter one under “Access” in the scenario panel).'),
      unknown: '',
    };
    this.roleText.textContent = words[role];
    this.roleText.classList.toggle('warn', role === 'viewer' || role === 'none');
  }

  /** The default network is in. */
  setNetwork(network: Network | null): void {
    this.network = network;
    this.sweeps.setNetwork(this.scenarioNetwork());
  }

  /** The network the analyses plan on: the scenario's own, or the default one. */
  private scenarioNetwork(): Network | null {
    return this.ctx.network() ?? this.network;
  }

  /** The panel is shown or hidden: markets are ringed on the map only while it is shown. */
  setOpen(open: boolean): void {
    this.open = open;
    // The sweeps' ports are those of the scenario as it stands now (it may have been opened with a network of its own).
    if (open) this.sweeps.setNetwork(this.scenarioNetwork());
    this.showHighlight();
  }

  /**
   * One set of rings at a time: with the room-to-negotiate tab open, the markets with room (dashed);
   * otherwise the Monte Carlo's robust markets; none while the panel is hidden.
   */
  private showHighlight(): void {
    if (!this.open) this.ctx.onHighlight(null, 'robust');
    else if (this.selected === 'negotiate') this.ctx.onHighlight(this.room, 'room');
    else this.ctx.onHighlight(this.robust, 'robust');
  }

  private select(id: TabId, focus: boolean): void {
    const changed = id !== this.selected;
    this.selected = id;
    for (const [tid, { tab, panel }] of this.tabs) {
      const on = tid === id;
      tab.setAttribute('aria-selected', String(on));
      tab.tabIndex = on ? 0 : -1;
      panel.hidden = !on;
      if (on && focus) tab.focus();
    }
    if (changed && this.open) this.showHighlight();
  }

  private tabKey(e: KeyboardEvent, id: TabId): void {
    const ids = TABS.map(([t]) => t);
    const i = ids.indexOf(id);
    const next = e.key === 'ArrowRight' ? ids[(i + 1) % ids.length] : e.key === 'ArrowLeft' ? ids[(i - 1 + ids.length) % ids.length] : e.key === 'Home' ? ids[0] : e.key === 'End' ? ids[ids.length - 1] : null;
    if (!next) return;
    e.preventDefault();
    this.select(next, true);
  }

  private section(id: TabId): HTMLElement {
    return this.tabs.get(id)!.panel;
  }

  /** The scenario on screen, or a message in the section's status line. */
  private scenarioOr(status: HTMLElement): ScenarioOnScreen | null {
    const s = this.ctx.scenario();
    if (!s.ok) {
      status.textContent = s.message;
      status.className = 'analysis-status bad';
      return null;
    }
    return s;
  }
}
