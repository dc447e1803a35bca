/**
 * The map page: builds the map, the panels and the page modules in app/ and wires them together.
 * Logic lives in lib/ (pure, tested); state in app/state.ts; each app/ module keeps one job (map,
 * drawing, link, solving, stored runs, access, library, backtest, downloads, panel toggles).
 */
import 'leaflet/dist/leaflet.css';
import './style.css';
import { Scenario } from '../../server/core/schema.ts';
import { storedApiKey } from './api.ts';
import { t } from './i18n/index.ts';
import { diffPlans } from './lib/diff.ts';
import { canSolveLive, formToScenario, linkToForm, networkPending, type ScenarioForm } from './lib/scenario-form.ts';
import { ownNetwork } from './lib/plan-network.ts';
import { networkPendingText } from './lib/stored-link.ts';
import { AnalysisPanel } from './panels/analysis-panel.ts';
import { KpiPanel } from './panels/kpi-panel.ts';
import { ScenarioPanel } from './panels/scenario-panel.ts';
import { createAccess } from './app/access.ts';
import { createBacktest } from './app/backtest.ts';
import { createDownloads } from './app/downloads.ts';
import { createDrawing } from './app/drawing.ts';
import { createLibrary } from './app/library.ts';
import { createMapView } from './app/map-view.ts';
import { localisePage } from './app/page-language.ts';
import { wirePanelToggles } from './app/panel-toggles.ts';
import { fitMapWhenPrinting } from './app/print-layout.ts';
import { createSolver } from './app/solve.ts';
import { createStaleBanner } from './app/stale.ts';
import { initial, linkAskedTiles, state } from './app/state.ts';
import { setStatus, statusText } from './app/status.ts';
import { createStoredRuns } from './app/stored-runs.ts';
import { createUrlSync } from './app/url-sync.ts';

// The language first: every panel is built in it.
// Another language: the page is rebuilt in it from its link (the scenario, view and runs are in the link).
localisePage(initial.lang, (code) => {
  state.page.lang = code === 'en' ? null : code;
  url.writeHash();
  location.reload();
});
// The form again, now in the page's language: a scenario the link does not name is named in it.
state.form = linkToForm(initial.scenario, initial.stored);

// ---------------------------------------------------------------- map and link

/**
 * Resolved when the base map may be drawn. A link with a view of its own: as soon as the first plan's
 * requests have left, so the base map is built while the server solves. Otherwise once the first plan
 * (or its failure) is in: that plan sets the view, and outlines drawn before it would be projected and
 * drawn a second time at the new zoom (the heaviest part of a page load).
 */
let baseMapMayDraw: () => void = () => {};
const baseMapAfter = new Promise<void>((resolve) => {
  baseMapMayDraw = resolve;
});
const view = createMapView({
  baseMapAfter,
  redraw: () => drawing.redraw(),
  writeHash: () => url.writeHash(),
  redrawPlan: () => {
    if (state.plan) drawing.drawMap(state.plan);
  },
});
const { map } = view;
const url = createUrlSync(map);
const { writeHash } = url;
fitMapWhenPrinting(map);

// ---------------------------------------------------------------- panels

const downloads = createDownloads(writeHash, map.getContainer());
const kpiPanel = new KpiPanel(document.getElementById('kpi-panel')!, {
  onDownloadCsv: downloads.planCsv,
  onDownloadGeoJson: downloads.planGeoJson,
  onDownloadXlsx: downloads.planXlsx,
  onDownloadMapPng: downloads.mapPng,
  onServerCsv: downloads.serverCsv,
  onCopyLink: downloads.copyLink,
  onCurrency(currency) {
    state.page.currency = currency;
    drawing.redraw();
  },
  onCompare(a, b) {
    if (!a || !b) {
      state.compare = null;
    } else {
      const ea = state.history.find((e) => e.id === a);
      const eb = state.history.find((e) => e.id === b);
      // Each side is drawn with the network it was made on.
      if (ea && eb) state.compare = { a, b, diff: diffPlans(ea.plan, eb.plan), networks: { a: ea.network, b: eb.network } };
    }
    drawing.redraw();
  },
});

/** The form's scenario is small enough to re-plan live, on the network it plans on (its own, or the default one once loaded). */
function liveSized(form: ScenarioForm): boolean {
  const network = ownNetwork(form.carried) ?? state.network;
  return network != null && canSolveLive(form, network.legs.length, network.markets.length);
}

const scenarioPanel = new ScenarioPanel(document.getElementById('scenario-panel')!, {
  onChange(form, live) {
    state.form = form;
    state.linkMismatch = null;
    stale.updateStale();
    const valid = solver.validate(form, false);
    writeHash();
    if (live && valid && scenarioPanel.liveEnabled && liveSized(form)) {
      solver.scheduleLive(form, 'step');
    }
  },
  onLiveRest(form) {
    if (scenarioPanel.liveEnabled && solver.validate(form, false) && liveSized(form)) {
      solver.scheduleLive(form, 'whole');
    }
  },
  onRun(form) {
    state.form = form;
    void solver.runOnServer(form);
  },
  onSave(form) {
    state.form = form;
    void solver.saveRun(form);
  },
  onCancel() {
    solver.cancel();
  },
  onKey(key) {
    void access.useKey(key);
  },
});
scenarioPanel.setForm(state.form);
scenarioPanel.setKey(storedApiKey());

const analysisPanel = new AnalysisPanel(document.getElementById('analysis-panel')!, {
  scenario() {
    if (networkPending(state.form)) return { ok: false, message: networkPendingText(state.form.stored!.id) };
    const scenario = formToScenario(state.form);
    if (!Scenario.safeParse(scenario).success) return { ok: false, message: t('Some scenario values are not valid: fix them in the scenario panel first.') };
    return { ok: true, scenario: scenario as Record<string, unknown> & { name: string }, domesticShare: state.form.domesticShare };
  },
  network: () => ownNetwork(state.form.carried),
  onHighlight(ids, kind) {
    view.highlightLayer.set(ids, kind);
    drawing.drawHighlight();
    document.body.dataset.robustRings = String(kind === 'robust' ? view.highlightLayer.count : 0);
    document.body.dataset.roomRings = String(kind === 'room' ? view.highlightLayer.count : 0);
  },
});

// ---------------------------------------------------------------- page modules

const stale = createStaleBanner({
  scenarioPanel,
  redrawStale: () => drawing.redrawStale(),
  writeHash,
  replan: () => void solver.runOnServer(state.form),
});
const drawing = createDrawing({ view, kpiPanel, monthBar: document.getElementById('month-bar')!, renderStale: stale.renderStale, writeHash });
const solver = createSolver({ scenarioPanel, showRole: (role) => access.showRole(role), redraw: drawing.redraw, frameFirstPlan: drawing.frameFirstPlan });
const runs = createStoredRuns({ scenarioPanel, setPlan: solver.setPlan, runOnServer: solver.runOnServer, renderStale: stale.renderStale, redraw: drawing.redraw });
const library = createLibrary({ runs, writeHash });
const access = createAccess({ scenarioPanel, analysisPanel, library, runs, runOnServer: solver.runOnServer });
access.showRole(state.role);

const setBacktestOpen = createBacktest(map, writeHash);
const { loadLibrary } = library;
wirePanelToggles({ map, analysisPanel, setBacktestOpen, loadLibrary, backtestOpen: initial.backtest });

url.onPastedLink((next) => {
  // The language, a comparison and the backtest view are built as the page loads: a link (pasted, or
  // reached with Back) that differs in them opens as a fresh page would, as it does in a new tab.
  const builtOnLoad = (p: typeof next) => JSON.stringify([p.lang ?? null, p.compare ?? null, p.backtest]);
  if (builtOnLoad(next) !== builtOnLoad(state.page)) {
    location.reload();
    return;
  }
  // Otherwise take its scenario and view, then re-plan.
  state.page = next;
  state.period = next.period;
  state.page.tiles = state.tiles !== 'off';
  state.form = linkToForm(next.scenario, next.stored);
  scenarioPanel.setForm(state.form);
  if (next.view) map.setView([next.view.lat, next.view.lng], next.view.zoom);
  void (async () => {
    // A stored scenario's network first (as on load): when it cannot be read, the form is not planned.
    const network = await runs.readStoredNetwork();
    if (next.runId) {
      state.runId = next.runId;
      await runs.openRun(next.runId, next.scenario != null, next.stored != null);
    } else if (network.ok) {
      await solver.runOnServer(state.form);
    }
    // A linked run may have given the form its network (the run holds it): then it has said so instead.
    const words = network.ok ? network.note : networkPending(state.form) ? network.message : null;
    if (words) setStatus(network.ok || next.runId ? `${statusText()} ${words}` : words);
  })();
});

// ---------------------------------------------------------------- start

/** The first plan is on the map over the base map: measured by bench/web.ts, awaited by the tests. */
function markReady(): void {
  requestAnimationFrame(() => {
    performance.mark('plan-drawn');
    document.body.dataset.ready = 'true';
  });
}

async function start(): Promise<void> {
  drawing.redraw();
  if (linkAskedTiles) setStatus(t('This link asked for online tiles: they stay off until you switch them on in the legend.'));
  const canRead = await access.checkRole();
  drawing.redraw();
  const loading = canRead ? access.loadEverything() : access.explainLocked();
  if (initial.view) baseMapMayDraw();
  await loading;
  baseMapMayDraw();
  await view.baseMapReady;
  markReady();
  // Warm the in-browser optimiser so the first slider drag re-plans at once.
  if (canRead && 'requestIdleCallback' in window) requestIdleCallback(() => solver.warm());
}

void start();
