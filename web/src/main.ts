/**
 * The map page: wires the base map, flow and place layers, the legend, the scenario and results
 * panels, the URL state and the API together. Logic lives in lib/ (pure, tested); this file keeps
 * the state and decides what to redraw.
 */
import 'leaflet/dist/leaflet.css';
import './style.css';
import L from 'leaflet';
import { Scenario, type Network } from '../../server/core/schema.ts';
import type { Plan } from '../../server/core/plan-schema.ts';
import { api, authHeaders, fetchBacktest, storeApiKey, storedApiKey } from './api.ts';
import { languages, setLocale, t } from './i18n/index.ts';
import { downloadBlob, downloadText } from './dom.ts';
import { issuePath } from './lib/api-errors.ts';
import { downloadName, planToAllocationCsv, planToGeoJson } from './lib/csv.ts';
import { diffPlans, type PlanDiff } from './lib/diff.ts';
import { formatElapsed, formatPeriod } from './lib/format.ts';
import { canSolveLive, DEFAULT_FORM, formToScenario, scenarioToForm, type ScenarioForm } from './lib/scenario-form.ts';

const DEFAULT_SCENARIO = formToScenario(DEFAULT_FORM);
import { backtestView, type BacktestState } from './lib/backtest.ts';
import { competitorFlowItems, isClearingPlan, maxBoughtTonnes, maxCompetitorFlowTonnes } from './lib/clearing.ts';
import { money } from './lib/money.ts';
import { areaRadiusScale, flowWidthScale, maxLegTonnes, maxMarketTonnes } from './lib/scales.ts';
import { planFrame } from './lib/view.ts';
import { compactPatch, decodeState, encodeState, type PageState } from './lib/url-state.ts';
import { addBaseMap, type BaseMap } from './map/basemap.ts';
import { FlowLayer } from './map/flow-layer.ts';
import { LabelLayer } from './map/label-layer.ts';
import { Legend } from './map/legend.ts';
import { PlaceLayer } from './map/place-layer.ts';
import { HighlightLayer } from './map/highlight-layer.ts';
import { BacktestLayer } from './map/backtest-layer.ts';
import { keepTooltipsInside } from './map/tooltip-fit.ts';
import { AnalysisPanel } from './panels/analysis-panel.ts';
import { BacktestPanel } from './panels/backtest-panel.ts';
import { KpiPanel, type HistoryEntry } from './panels/kpi-panel.ts';
import { ScenarioPanel, type Role } from './panels/scenario-panel.ts';
import { LibraryPanel, type WorkbookProblemRow } from './panels/library-panel.ts';
import { createInPageOptimiser, type InPageOptimiser } from './optimiser-client.ts';
import { libraryRows, type RunSummaryRow } from './lib/library.ts';
import type { StoredRun } from './api.ts';

type PlanSource = 'server' | 'browser' | 'run';

interface AppState {
  network: Network | null;
  plan: Plan | null;
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
  compare: { a: string; b: string; diff: PlanDiff } | null;
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

const initial = decodeState(location.hash);
// The language first: every panel is built in it. Numbers and dates follow it.
setLocale(initial.lang);
for (const el of document.querySelectorAll<HTMLElement>('[data-i18n]')) el.textContent = t(el.textContent!.trim());
for (const el of document.querySelectorAll<HTMLElement>('[data-i18n-label]')) el.setAttribute('aria-label', t(el.getAttribute('aria-label')!));
document.title = t('Caspian export optimiser — map');
{
  const select = document.getElementById('lang-select') as HTMLSelectElement;
  for (const l of languages()) select.append(new Option(l.name, l.code, false, l.code === (initial.lang ?? 'en')));
  // Another language: the page is rebuilt in it from its link (the scenario, view and runs are in the link).
  select.addEventListener('change', () => {
    state.page.lang = select.value === 'en' ? null : select.value;
    writeHash();
    location.reload();
  });
}
const state: AppState = {
  network: null,
  plan: null,
  source: 'server',
  runId: initial.runId,
  history: [],
  period: initial.period,
  page: initial,
  form: scenarioToForm(initial.scenario),
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
const linkAskedTiles = initial.tiles;
state.page.tiles = false;

/** What decides a plan: the scenario the form describes, without its name. */
function inputsOf(form: ScenarioForm): string {
  const { name: _name, ...rest } = formToScenario(form);
  return JSON.stringify(rest);
}

// ---------------------------------------------------------------- map

keepTooltipsInside();

const map = L.map('map', {
  zoomSnap: 0.25,
  zoomDelta: 0.5,
  minZoom: 3,
  maxZoom: 10,
  worldCopyJump: false,
  attributionControl: true,
  keyboard: true,
});
map.attributionControl.setPrefix(false);
map.attributionControl.addAttribution('Natural Earth');
const panes: [string, number][] = [
  ['basePane', 150],
  ['seaPane', 160],
  ['flowPane', 410],
  ['arrowPane', 420],
  ['placePane', 440],
  ['nodePane', 610],
  ['labelPane', 620],
];
for (const [name, z] of panes) map.createPane(name).style.zIndex = String(z);
map.getPane('labelPane')!.style.pointerEvents = 'none';

/** Caspian, Kazakhstan and the markets around them. */
const DEFAULT_BOUNDS = L.latLngBounds([36.2, 45.5], [54.2, 78.5]);
if (initial.view) map.setView([initial.view.lat, initial.view.lng], initial.view.zoom);
else map.fitBounds(DEFAULT_BOUNDS, { padding: [8, 8] });

const labelLayer = new LabelLayer(map);
const flowLayer = new FlowLayer(map, labelLayer);
const placeLayer = new PlaceLayer(map, labelLayer);
const highlightLayer = new HighlightLayer(map);
const legend = new Legend({
  onFilters(filters) {
    state.page.filters = filters;
    redraw();
  },
  onVolumes(on) {
    state.showVolumes = on;
    redraw();
  },
  onTiles(on) {
    state.page.tiles = on;
    state.tiles = on ? 'loading' : 'off';
    baseMap?.setTiles(on);
    writeHash();
    redraw();
  },
});
legend.addTo(map);
L.control.scale({ imperial: false, position: 'bottomleft' }).addTo(map);

// Keyboard order: the map's controls (zoom, legend and filters) come first in the map, and the drawn
// paths (flows, market circles: unnamed SVG) stay out of the Tab order — their figures are in the
// Results panel, and the named plant, port and node markers remain reachable.
{
  const container = map.getContainer();
  const controls = container.querySelector('.leaflet-control-container');
  if (controls) container.prepend(controls);
  const unfocus = (root: ParentNode) => {
    for (const path of root.querySelectorAll('path.leaflet-interactive')) path.setAttribute('tabindex', '-1');
  };
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) if (n instanceof Element) n.matches('path.leaflet-interactive') ? n.setAttribute('tabindex', '-1') : unfocus(n);
  }).observe(map.getPane('mapPane') ?? container, { childList: true, subtree: true });
}

let baseMap: BaseMap | null = null;
const baseMapReady = addBaseMap(map, {
  onTiles(status) {
    if (!state.page.tiles || state.tiles === status) return;
    state.tiles = status;
    document.body.dataset.tiles = status;
    if (status === 'failed') setStatus(t('Online tiles cannot be loaded (no internet?): the offline map stays.'));
    if (state.plan) drawMap(state.plan);
  },
}).then((b) => {
  baseMap = b;
  return b;
});

// ---------------------------------------------------------------- panels

const statusEl = document.getElementById('run-status')!;
const progressEl = document.getElementById('map-progress')!;
const progressText = document.getElementById('progress-text')!;
const monthBar = document.getElementById('month-bar')!;

const kpiPanel = new KpiPanel(document.getElementById('kpi-panel')!, {
  onDownloadCsv() {
    if (state.plan) downloadText(planToAllocationCsv(state.plan), downloadName(state.plan, 'csv'), 'text/csv');
  },
  onDownloadGeoJson() {
    if (state.plan) downloadText(JSON.stringify(planToGeoJson(state.plan)), downloadName(state.plan, 'geojson'), 'application/geo+json');
  },
  async onDownloadXlsx() {
    const plan = state.plan;
    if (!plan) return;
    setStatus(t('Writing the Excel workbook…'));
    try {
      // exceljs is large: loaded only when a workbook is asked for, from our own origin.
      const [mod, { buildPlanWorkbook }] = await Promise.all([import('exceljs'), import('./lib/workbook.ts')]);
      const ExcelJS = ((mod as { default?: unknown }).default ?? mod) as typeof import('exceljs');
      writeHash();
      const wb = buildPlanWorkbook(ExcelJS, plan, { source: state.source, runId: state.runId, link: location.href, compare: state.compare });
      const buffer = await wb.xlsx.writeBuffer();
      downloadBlob(new Blob([buffer], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }), downloadName(plan, 'xlsx'));
      setStatus(t('Excel workbook written.'));
    } catch (err) {
      setStatus(t('The Excel workbook could not be written: {message}', { message: (err as Error).message }));
    }
  },
  async onServerCsv(runId) {
    const key = storedApiKey();
    const response = await fetch(`/api/v1/runs/${encodeURIComponent(runId)}/allocation.csv`, {
      headers: key ? { authorization: `Bearer ${key}` } : {},
    });
    if (!response.ok) return setStatus(`Could not download the stored CSV (${response.status}).`);
    downloadText(await response.text(), `allocation-${runId}.csv`, 'text/csv');
  },
  async onCopyLink() {
    writeHash();
    try {
      await navigator.clipboard.writeText(location.href);
      setStatus('Link copied: it reopens this scenario and view.');
    } catch {
      setStatus('Copy the address bar: it reopens this scenario and view.');
    }
  },
  onCurrency(currency) {
    state.page.currency = currency;
    redraw();
  },
  onCompare(a, b) {
    if (!a || !b) {
      state.compare = null;
    } else {
      const pa = state.history.find((e) => e.id === a)?.plan;
      const pb = state.history.find((e) => e.id === b)?.plan;
      if (pa && pb) state.compare = { a, b, diff: diffPlans(pa, pb) };
    }
    redraw();
  },
});

const scenarioPanel = new ScenarioPanel(document.getElementById('scenario-panel')!, {
  onChange(form, live) {
    state.form = form;
    state.linkMismatch = null;
    updateStale();
    const valid = validate(form, false);
    writeHash();
    if (live && valid && scenarioPanel.liveEnabled && state.network && canSolveLive(form, state.network.legs.length, state.network.markets.length)) {
      scheduleLive(form);
    }
  },
  onRun(form) {
    state.form = form;
    void runOnServer(form);
  },
  onSave(form) {
    state.form = form;
    void saveRun(form);
  },
  onCancel() {
    abort?.abort();
  },
  onKey(key) {
    void useKey(key);
  },
});
scenarioPanel.setForm(state.form);
scenarioPanel.setKey(storedApiKey());

const analysisPanel = new AnalysisPanel(document.getElementById('analysis-panel')!, {
  scenario() {
    const scenario = formToScenario(state.form);
    if (!Scenario.safeParse(scenario).success) return { ok: false, message: 'Some scenario values are not valid: fix them in the scenario panel first.' };
    return { ok: true, scenario: scenario as Record<string, unknown> & { name: string }, domesticShare: state.form.domesticShare };
  },
  network: () => state.network,
  onHighlight(ids, kind) {
    highlightLayer.set(ids, kind);
    drawHighlight();
    document.body.dataset.robustRings = String(kind === 'robust' ? highlightLayer.count : 0);
    document.body.dataset.roomRings = String(kind === 'room' ? highlightLayer.count : 0);
  },
});

function showRole(role: Role): void {
  scenarioPanel.setRole(role, state.publicRead);
  analysisPanel.setRole(role, state.publicRead);
}
showRole(state.role);

// The backtest view: fetched when opened (again after a failure); its bars go over the plan, dimmed meanwhile.
const backtestPanel = new BacktestPanel(document.getElementById('backtest-panel')!);
const backtestLayer = new BacktestLayer(map);
let backtestShown: BacktestState | null = null;
let backtestRequest: AbortController | null = null;
function setBacktestOpen(open: boolean): void {
  if (state.page.backtest !== open) {
    state.page.backtest = open;
    writeHash();
  }
  // The plan is dimmed under the bars only while there are bars; otherwise it stays as it was.
  document.body.classList.toggle('backtest-on', open && backtestShown?.kind === 'ready');
  if (!open) {
    backtestRequest?.abort();
    backtestLayer.show(null);
    document.body.dataset.backtest = 'closed';
    return;
  }
  if (backtestShown?.kind === 'ready') {
    backtestLayer.show(backtestView(backtestShown.data));
    document.body.dataset.backtest = 'ready';
    return;
  }
  backtestRequest?.abort();
  const request = new AbortController();
  backtestRequest = request;
  backtestPanel.render({ kind: 'loading' });
  document.body.dataset.backtest = 'loading';
  void fetchBacktest(request.signal).then((result) => {
    if (request.signal.aborted) return;
    backtestShown = result;
    document.body.classList.toggle('backtest-on', result.kind === 'ready');
    backtestPanel.render(result);
    backtestLayer.show(result.kind === 'ready' ? backtestView(result.data) : null, true);
    document.body.dataset.backtest = result.kind;
    document.body.dataset.backtestBars = String(backtestLayer.count);
  });
}

// The library: stored scenarios and runs, fetched when opened.
const libraryPanel = new LibraryPanel(document.getElementById('library-panel')!, {
  onRefresh: () => void loadLibrary(),
  onOpenRun(runId) {
    state.runId = runId;
    void openRun(runId, false).then((ok) => ok && writeHash());
  },
  onOpenScenario: (scenarioId) => openStoredScenario(scenarioId),
  onCompare: (a, b) => void compareStoredRuns(a, b),
  onDownloadWorkbook: () => void downloadNetworkWorkbook(),
  onUploadWorkbook: (file) => void uploadNetworkWorkbook(file),
});

async function openStoredScenario(scenarioId: string): Promise<void> {
  const record = await api.scenario(scenarioId);
  if (!record.ok) return setStatus(`Scenario ${scenarioId} could not be opened: ${record.report.summary}`);
  state.form = scenarioToForm(record.data.scenario);
  scenarioPanel.setForm(state.form);
  state.runId = null;
  setStatus(`Scenario “${record.data.scenario.name}” is in the form; planning it…`);
  await runOnServer(state.form);
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
async function downloadNetworkWorkbook(): Promise<void> {
  try {
    const res = await fetch('/api/v1/network.xlsx', { headers: authHeaders(`${XLSX_TYPE}, application/json`) });
    if (!res.ok) return libraryPanel.showWorkbookResult(t('The workbook could not be downloaded: {reason}.', { reason: String(res.status) }));
    downloadBlob(await res.blob(), 'network.xlsx');
  } catch (err) {
    libraryPanel.showWorkbookResult(t('The workbook could not be downloaded: {reason}.', { reason: (err as Error).message }));
  }
}
async function uploadNetworkWorkbook(file: File): Promise<void> {
  libraryPanel.showWorkbookResult(t('Reading the workbook…'));
  try {
    const res = await fetch('/api/v1/scenarios/from-workbook', {
      method: 'POST',
      headers: { ...authHeaders('application/json'), 'content-type': XLSX_TYPE },
      body: await file.arrayBuffer(),
    });
    const body = (await res.json().catch(() => null)) as { id?: string; error?: { message?: string; details?: unknown } } | null;
    if (res.status === 201 && body?.id) {
      libraryPanel.showWorkbookResult(t('Stored as scenario {id}; opening it.', { id: body.id }));
      void loadLibrary();
      await openStoredScenario(body.id);
      return;
    }
    const details = Array.isArray(body?.error?.details) ? (body.error.details as WorkbookProblemRow[]) : [];
    libraryPanel.showWorkbookResult(body?.error?.message ?? t('The workbook could not be uploaded: {reason}.', { reason: String(res.status) }), details);
  } catch (err) {
    libraryPanel.showWorkbookResult(t('The workbook could not be uploaded: {reason}.', { reason: (err as Error).message }));
  }
}
let libraryRequest: AbortController | null = null;
async function loadLibrary(): Promise<void> {
  libraryRequest?.abort();
  const request = new AbortController();
  libraryRequest = request;
  libraryPanel.render({ kind: 'loading' });
  const scenarios = await api.listScenarios(request.signal);
  if (request.signal.aborted) return;
  if (!scenarios.ok) {
    const status = scenarios.report.status;
    libraryPanel.render({
      kind: 'error',
      message:
        status === 401 || status === 403
          ? t('This server shows its library only with an API key: enter one under Access.')
          : t('The library could not be read: {reason}.', { reason: scenarios.report.summary }),
    });
    return;
  }
  const runs = new Map<string, RunSummaryRow[]>();
  await Promise.all(
    scenarios.data.items.map(async (s) => {
      const r = await api.listRuns(s.id, request.signal);
      runs.set(s.id, r.ok ? r.data.items : []);
    }),
  );
  if (request.signal.aborted) return;
  const margins = new Map<string, number | null>();
  libraryPanel.render({ kind: 'ready', rows: libraryRows(scenarios.data.items, runs, margins) });
  // Margins come from each run's (lighter) plan: the newest 40, four at a time.
  const ids = libraryRows(scenarios.data.items, runs).filter((r) => r.kind === 'run').slice(0, 40).map((r) => r.id);
  for (let i = 0; i < ids.length; i += 4) {
    await Promise.all(
      ids.slice(i, i + 4).map(async (id) => {
        const r = await api.runLight(id, request.signal);
        margins.set(id, r.ok ? (r.data.plan.kpis?.marginUsd ?? null) : null);
      }),
    );
    if (request.signal.aborted) return;
    libraryPanel.render({ kind: 'ready', rows: libraryRows(scenarios.data.items, runs, margins) });
  }
  document.getElementById('library-panel')!.dataset.margins = 'loaded';
}

/** A stored run in the session's history (once), named by its scenario, run id and time. */
function historyEntryForRun(run: StoredRun, createdAt?: string): HistoryEntry {
  const found = state.history.find((e) => e.runId === run.id);
  if (found) return found;
  const when = createdAt ? ` ${new Date(createdAt).toLocaleString(document.documentElement.lang || 'en', { dateStyle: 'short', timeStyle: 'short' })}` : '';
  const entry: HistoryEntry = { id: `run:${run.id}`, label: `${run.scenario.name} · stored ${run.id.slice(-6)}${when}`, plan: run.plan, runId: run.id };
  state.history.push(entry);
  if (state.history.length > 12) state.history.shift();
  return entry;
}

/** Two stored runs compared on the map (plan B on screen, A → B differences); the pair goes into the link. */
async function compareStoredRuns(a: string, b: string): Promise<boolean> {
  const [ra, rb] = await Promise.all([api.run(a), api.run(b)]);
  if (!ra.ok || !rb.ok) {
    setStatus(`Could not open run ${!ra.ok ? a : b} to compare: ${(!ra.ok ? ra.report : (rb as { ok: false; report: { summary: string } }).report).summary}`);
    return false;
  }
  const runB = rb.data;
  state.runId = runB.id;
  const formB = scenarioToForm(runB.scenario);
  state.form = formB;
  scenarioPanel.setForm(formB);
  setPlan(runB.plan, 'run', { record: false, runId: runB.id, inputs: inputsOf(formB) });
  const ea = historyEntryForRun(ra.data);
  const eb = historyEntryForRun(runB);
  state.compare = { a: ea.id, b: eb.id, diff: diffPlans(ra.data.plan, runB.plan) };
  redraw();
  setStatus(`Comparing stored runs ${a} (A) and ${b} (B).`);
  document.body.dataset.compare = `${a},${b}`;
  return true;
}

// Panels collapse on narrow screens; the toggles open them over the map. Results and Analysis share
// the right-hand side: opening one closes the other.
const RIGHT_PANELS = ['kpi-panel', 'analysis-panel', 'backtest-panel', 'library-panel'];
const openPanel = new Map<string, (open: boolean) => void>();
for (const [buttonId, panelId] of [
  ['toggle-scenario', 'scenario-panel'],
  ['toggle-kpi', 'kpi-panel'],
  ['toggle-analysis', 'analysis-panel'],
  ['toggle-backtest', 'backtest-panel'],
  ['toggle-library', 'library-panel'],
] as const) {
  const button = document.getElementById(buttonId)!;
  const panel = document.getElementById(panelId)!;
  const narrow = window.matchMedia('(max-width: 900px)');
  const apply = (open: boolean) => {
    panel.classList.toggle('collapsed', !open);
    button.setAttribute('aria-expanded', String(open));
    if (open && RIGHT_PANELS.includes(panelId)) for (const other of RIGHT_PANELS) if (other !== panelId) openPanel.get(other)?.(false);
    if (panelId === 'analysis-panel') analysisPanel.setOpen(open);
    if (panelId === 'backtest-panel') setBacktestOpen(open);
    if (panelId === 'library-panel' && open) void loadLibrary();
    setTimeout(() => map.invalidateSize(), 220);
  };
  openPanel.set(panelId, apply);
  apply(panelId === 'analysis-panel' || panelId === 'library-panel' ? false : panelId === 'backtest-panel' ? initial.backtest : !narrow.matches);
  button.addEventListener('click', () => apply(panel.classList.contains('collapsed')));
}

// ---------------------------------------------------------------- drawing

function periodCount(): number {
  return state.plan?.horizon.periods.length ?? 1;
}

/** Everything the map layers need for the plan on screen in the chosen period. */
function mapView(plan: Plan) {
  const period = state.period != null && state.period < periodCount() && periodCount() > 1 ? state.period : null;
  const view = period == null ? 'total' : 'period';
  const clearing = isClearingPlan(plan) ? plan : null;
  // One width scale for our flows and competitors' (a line means the same tonnes whoever ships them).
  const scale = flowWidthScale(Math.max(maxLegTonnes(plan, view), maxCompetitorFlowTonnes(plan, view)), 1.5, 14);
  // Price-taker circles by our tonnes; clearing pies by the tonnes each market buys.
  const maxMarket = clearing ? maxBoughtTonnes(plan, view) : maxMarketTonnes(plan, view);
  const radius = areaRadiusScale(maxMarket, clearing ? 22 : 20, 3);
  const periodLabel = period == null ? null : formatPeriod(plan.horizon.periods[period]);
  const m = money(state.page.currency, plan.kztPerUsd);
  const competitors = clearing ? competitorFlowItems(clearing, state.page.filters, period) : undefined;
  const competitorList = clearing ? [...clearing.clearing.competitors].sort((a, b) => b.tonnes - a.tonnes).map((c) => ({ id: c.id, name: c.name, tonnes: c.tonnes })) : null;
  return { period, scale, maxMarket, radius, periodLabel, money: m, competitors, competitorList };
}

function drawMap(plan: Plan): void {
  const v = mapView(plan);
  if (state.compare) {
    const d = state.compare.diff;
    const maxDelta = Math.max(0, ...d.legs.map((l) => Math.abs(l.delta)));
    const diffScale = flowWidthScale(maxDelta, 1.5, 14);
    flowLayer.renderDiff(d, diffScale);
    legend.render({ filters: state.page.filters, showVolumes: state.showVolumes, tiles: state.page.tiles, scale: diffScale, radius: v.radius, maxMarketTonnes: v.maxMarket, perPeriod: false, diff: true, tilesStatus: state.tiles });
  } else {
    flowLayer.render({ plan, network: state.network, period: v.period, periodLabel: v.periodLabel, filters: state.page.filters, scale: v.scale, showVolumes: state.showVolumes, competitors: v.competitors, money: v.money });
    legend.render({
      filters: state.page.filters,
      showVolumes: state.showVolumes,
      tiles: state.page.tiles,
      scale: v.scale,
      radius: v.radius,
      maxMarketTonnes: v.maxMarket,
      perPeriod: v.period != null,
      diff: false,
      competitors: v.competitorList,
      tilesStatus: state.tiles,
    });
  }
  placeLayer.render({ plan, network: state.network, period: v.period, periodLabel: v.periodLabel, filters: state.page.filters, radius: v.radius, money: v.money });
  highlightLayer.render(plan, v.period, v.radius);
  document.body.dataset.flowCount = String(flowLayer.flowCount);
  document.body.dataset.competitorFlowCount = String(flowLayer.competitorFlowCount);
  document.body.dataset.planMarket = isClearingPlan(plan) ? 'clearing' : 'price-taker';
}

function redraw(): void {
  const plan = state.plan;
  kpiPanel.render(plan, { source: state.source, runId: state.runId, history: state.history, compare: state.compare, stale: state.stale, currency: state.page.currency, needsKey: state.needsKey, period: state.period });
  renderMonthBar();
  renderStale();
  if (!plan) return;
  drawMap(plan);
  writeHash();
}

/** Rings around the markets the analysis panel highlights, at the same radius scale as the circles. */
function drawHighlight(): void {
  const plan = state.plan;
  if (!plan) return;
  const v = mapView(plan);
  highlightLayer.render(plan, v.period, v.radius);
}

function renderMonthBar(): void {
  const plan = state.plan;
  const n = plan?.horizon.periods.length ?? 1;
  if (!plan || n <= 1 || state.compare) {
    monthBar.hidden = true;
    return;
  }
  monthBar.hidden = false;
  const value = state.period == null ? 0 : state.period + 1;
  const label = state.period == null ? t('Whole {year}', { year: plan.horizon.periods[0].slice(0, 4) }) : formatPeriod(plan.horizon.periods[state.period]);
  if (!monthBar.querySelector('input')) {
    monthBar.innerHTML = '<label for="month-slider"></label><input type="range" id="month-slider" min="0" step="1"><output id="month-label" for="month-slider"></output>';
    monthBar.querySelector('label')!.textContent = t('Month');
    const slider = monthBar.querySelector('input')!;
    slider.addEventListener('input', () => {
      const v = Number(slider.value);
      state.period = v === 0 ? null : v - 1;
      // The map and month label change with the month; the whole-year KPIs stay, with the month's tonnes beside them.
      redrawMapOnly();
    });
  }
  const slider = monthBar.querySelector('input')!;
  slider.max = String(n);
  slider.value = String(value);
  slider.setAttribute('aria-valuetext', label);
  monthBar.querySelector('output')!.textContent = label;
}

function redrawMapOnly(): void {
  const plan = state.plan;
  if (!plan) return;
  const period = state.period;
  drawMap(plan);
  kpiPanel.showMonth(plan, period);
  const label = period == null ? t('Whole {year}', { year: plan.horizon.periods[0].slice(0, 4) }) : formatPeriod(plan.horizon.periods[period]);
  monthBar.querySelector('output')!.textContent = label;
  monthBar.querySelector('input')?.setAttribute('aria-valuetext', label);
  writeHash();
}

/** The comparison on screen as a pair of stored run ids (only stored runs can be reopened by a link). */
function storedCompare(): [string, string] | null {
  if (!state.compare) return null;
  const a = state.history.find((e) => e.id === state.compare!.a)?.runId;
  const b = state.history.find((e) => e.id === state.compare!.b)?.runId;
  return a && b ? [a, b] : null;
}

let hashWritten = '';
function writeHash(): void {
  const c = map.getCenter();
  const patch = compactPatch(formToScenario(state.form) as never, DEFAULT_SCENARIO as never);
  state.page = {
    ...state.page,
    scenario: (patch ?? null) as PageState['scenario'],
    view: { lat: c.lat, lng: c.lng, zoom: map.getZoom() },
    period: state.period,
    runId: state.runId,
    compare: storedCompare(),
  };
  const hash = encodeState(state.page);
  if (hash !== location.hash) {
    hashWritten = hash;
    history.replaceState(null, '', hash || location.pathname);
  }
}
map.on('moveend', writeHash);
window.addEventListener('hashchange', () => {
  if (location.hash === hashWritten) return;
  // A pasted link: take its scenario and view, then re-plan.
  const next = decodeState(location.hash);
  state.page = next;
  state.period = next.period;
  state.page.tiles = state.tiles !== 'off';
  state.form = scenarioToForm(next.scenario);
  scenarioPanel.setForm(state.form);
  if (next.view) map.setView([next.view.lat, next.view.lng], next.view.zoom);
  if (next.runId) {
    state.runId = next.runId;
    void openRun(next.runId, next.scenario != null);
  } else {
    void runOnServer(state.form);
  }
});

function setStatus(text: string): void {
  statusEl.textContent = text;
}

// ---------------------------------------------------------------- solving

/** Validate with the shared schema; issues go next to their fields. */
function validate(form: ScenarioForm, announce: boolean): boolean {
  const checked = Scenario.safeParse(formToScenario(form));
  if (checked.success) {
    scenarioPanel.showIssues([], null);
    return true;
  }
  scenarioPanel.showIssues(
    checked.error.issues.map((i) => ({ path: issuePath(i.path), message: i.message })),
    'Some values are not valid; the plan was not re-run.',
  );
  if (announce) setStatus('Fix the highlighted values to re-run.');
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

function setPlan(plan: Plan, source: PlanSource, opts: { record: boolean; runId?: string | null; inputs: string }): void {
  state.plan = plan;
  state.source = source;
  state.runId = opts.runId ?? (source === 'run' ? state.runId : null);
  state.planInputs = opts.inputs;
  state.stale = state.planInputs !== inputsOf(state.form);
  if (state.period != null && state.period >= plan.horizon.periods.length) state.period = null;
  if (opts.record) {
    const n = state.history.length + 1;
    const label = `#${n} ${plan.scenarioName} (${source === 'browser' ? 'browser' : source === 'run' ? 'stored' : 'server'})`;
    state.history.push({ id: `h${n}`, label, plan, runId: state.runId });
    if (state.history.length > 12) state.history.shift();
  }
  state.compare = null;
  frameFirstPlan(plan);
  redraw();
  document.body.dataset.planSeq = String(Number(document.body.dataset.planSeq ?? 0) + 1);
  document.body.dataset.planSource = source;
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
  const result = await api.optimise(formToScenario(form), abort.signal);
  const ms = stop();
  if (result.ok) {
    setPlan(result.data, 'server', { record: true, inputs: inputsOf(form) });
    setStatus(t('Plan ready in {time}: {status}.', { time: formatElapsed(ms), status: t(result.data.status) }));
    return;
  }
  const r = result.report;
  if (r.status === 401 || r.status === 403) {
    state.role = r.status === 403 ? 'viewer' : 'none';
    showRole(state.role);
    setStatus(`${r.summary}. Showing a plan computed in this browser.`);
    await runInBrowser(form, true);
    return;
  }
  scenarioPanel.showIssues(r.fields, r.summary);
  setStatus(r.code === 'aborted' ? 'Cancelled.' : r.summary);
}

/**
 * The in-page optimiser: in a web worker (the main thread stays free while it solves), on the main
 * thread only where workers are unavailable. Created on first use. `data-in-page-solving` is set on
 * the body while a solve runs and `data-in-page-optimiser` says where the last one ran.
 */
let inPageOptimiser: InPageOptimiser | null = null;
async function optimiseInPage(scenario: Scenario, network: Network): Promise<Plan> {
  inPageOptimiser ??= createInPageOptimiser();
  document.body.dataset.inPageSolving = 'true';
  try {
    return await inPageOptimiser.solve(scenario, network);
  } finally {
    document.body.dataset.inPageOptimiser = inPageOptimiser.where;
    delete document.body.dataset.inPageSolving;
  }
}

async function runInBrowser(form: ScenarioForm, record: boolean): Promise<void> {
  if (!state.network) {
    setStatus('The network is not loaded; cannot plan in the browser.');
    return;
  }
  const stop = startProgress(t('Optimising in this browser…'));
  try {
    const plan = await optimiseInPage(Scenario.parse(formToScenario(form)), state.network);
    const ms = stop();
    setPlan(plan, 'browser', { record, inputs: inputsOf(form) });
    setStatus(t('Plan computed in this browser in {time}: {status}.', { time: formatElapsed(ms), status: t(plan.status) }));
  } catch (err) {
    stop();
    setStatus(`The browser could not compute the plan: ${(err as Error).message}`);
  }
}

/** Live what-if: the newest slider position wins (a stale plan is dropped); at most one solve runs at a time. */
let livePending: ScenarioForm | null = null;
let liveRunning = false;
function scheduleLive(form: ScenarioForm): void {
  livePending = form;
  if (liveRunning) return;
  liveRunning = true;
  requestAnimationFrame(async function step() {
    const next = livePending;
    livePending = null;
    if (next && state.network) {
      try {
        const started = performance.now();
        const plan = await optimiseInPage(Scenario.parse(formToScenario(next)), state.network);
        // The slider moved on while this solved: its plan is stale and is dropped; the newest position is solved next.
        const stale = livePending !== null;
        if (!stale && plan.status !== 'optimal' && (state.role !== 'none' || state.publicRead)) {
          // The in-page engine's "no plan" cannot be verified here: the server (HiGHS confirms) decides.
          setStatus(`Live plan: ${plan.status} in this browser; asking the server to confirm…`);
          await runOnServer(next);
        } else if (!stale) {
          setPlan(plan, 'browser', { record: false, inputs: inputsOf(next) });
          setStatus(t('Live plan: {status}, solved in this browser in {ms} ms.', { status: t(plan.status), ms: (performance.now() - started).toFixed(0) }));
        }
      } catch (err) {
        setStatus(`Live re-plan failed: ${(err as Error).message}`);
      }
    }
    if (livePending) requestAnimationFrame(step);
    else liveRunning = false;
  });
}

async function saveRun(form: ScenarioForm): Promise<void> {
  if (!validate(form, true)) return;
  const stop = startProgress(t('Storing the scenario and running it…'));
  const created = await api.createScenario(formToScenario(form));
  if (!created.ok) {
    stop();
    scenarioPanel.showIssues(created.report.fields, created.report.summary);
    if (created.report.status === 401 || created.report.status === 403) {
      state.role = created.report.status === 403 ? 'viewer' : 'none';
      showRole(state.role);
    }
    setStatus(created.report.summary);
    return;
  }
  const run = await api.runScenario(created.data.id);
  const ms = stop();
  if (!run.ok) {
    setStatus(run.report.summary);
    return;
  }
  state.runId = run.data.id;
  setPlan(run.data.plan, 'run', { record: true, runId: run.data.id, inputs: inputsOf(form) });
  setStatus(t('Stored as run {id} in {time}.', { id: run.data.id, time: formatElapsed(ms) }));
}

/** Ask the server what the stored key may do; the panel shows it and hides what it may not. */
async function checkRole(): Promise<boolean> {
  const session = await api.session();
  if (!session.ok) {
    state.role = 'none';
    if (session.report.status === 401) {
      // A key the server does not know is refused everywhere: ask for another one.
      state.publicRead = false;
      state.needsKey = true;
      showRole('none');
      showSignIn(t('That API key is not valid. Enter another one.'));
      setStatus(t('That API key is not valid.'));
    } else {
      showRole('none');
      setStatus(`Could not reach the server: ${session.report.summary}`);
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

/**
 * A key entered (in the sign-in prompt or under Access): check it, then load whatever is missing —
 * the network (closures, live what-if), the linked run or a plan — without a reload.
 */
async function useKey(key: string): Promise<void> {
  storeApiKey(key);
  scenarioPanel.setKey(key);
  state.role = 'unknown';
  showRole(state.role);
  const valid = await checkRole();
  if (!valid) return;
  setStatus(key ? t('Key saved: {role} key.', { role: t({ planner: 'planner', viewer: 'viewer', none: 'no', unknown: 'unknown' }[state.role]) }) : t('Key removed.'));
  await loadEverything();
}

/** The network, then the linked run (if any) or a plan of the form; what is already loaded stays. */
async function loadEverything(): Promise<void> {
  if (!state.network) {
    const network = await api.network();
    if (network.ok) {
      state.network = network.data;
      scenarioPanel.setNetwork(network.data);
      analysisPanel.setNetwork(network.data);
      document.body.dataset.network = 'loaded';
    } else {
      setStatus(`Could not load the network: ${network.report.summary}`);
    }
  }
  if (initial.compare && !state.compare && (await compareStoredRuns(initial.compare[0], initial.compare[1]))) return;
  if (state.runId && (state.source !== 'run' || !state.plan)) {
    if (await openRun(state.runId, initial.scenario != null)) return;
  }
  await runOnServer(state.form);
}

/**
 * A stored run on screen. A link with its own form keeps that form: when it differs from the run's
 * inputs the page says so and offers to re-plan (or to take the run's inputs); without a form the
 * run's inputs fill the form.
 */
async function openRun(runId: string, linkHasForm: boolean): Promise<boolean> {
  const run = await api.run(runId);
  if (!run.ok) {
    setStatus(`Stored run ${runId} could not be opened: ${run.report.summary}`);
    state.runId = null;
    return false;
  }
  const runForm = scenarioToForm(run.data.scenario);
  if (!linkHasForm) {
    state.form = runForm;
    scenarioPanel.setForm(state.form);
  }
  setPlan(run.data.plan, 'run', { record: true, runId: run.data.id, inputs: inputsOf(runForm) });
  state.linkMismatch = state.stale ? { runId: run.data.id, runForm } : null;
  renderStale();
  setStatus(state.stale ? t('Stored run {id} does not match the form in this link.', { id: run.data.id }) : t('Stored run {id}.', { id: run.data.id }));
  return true;
}

// ---------------------------------------------------------------- stale

const staleBanner = document.getElementById('stale-banner')!;
const staleText = document.getElementById('stale-text')!;
const staleUsePlan = document.getElementById('stale-use-plan') as HTMLButtonElement;
document.getElementById('stale-replan')!.addEventListener('click', () => {
  state.linkMismatch = null;
  void runOnServer(state.form);
});
staleUsePlan.addEventListener('click', () => {
  const m = state.linkMismatch;
  if (!m) return;
  state.linkMismatch = null;
  state.form = m.runForm;
  scenarioPanel.setForm(state.form);
  updateStale();
  writeHash();
});

/** The moment the form differs from the plan on screen, the results are flagged (and back when equal). */
function updateStale(): void {
  const stale = state.plan != null && state.planInputs !== inputsOf(state.form);
  if (stale === state.stale) {
    renderStale();
    return;
  }
  state.stale = stale;
  redraw();
}

function renderStale(): void {
  const show = state.stale && state.plan != null && !state.needsKey;
  staleBanner.hidden = !show;
  document.body.dataset.stale = String(show);
  if (!show) return;
  const m = state.linkMismatch;
  staleText.textContent = m
    ? t("This link's scenario differs from stored run {id}, which is on screen: the map and results show the run's inputs, not the form's.", { id: m.runId })
    : t('The inputs have changed since this plan was made: the map and results still show the previous plan.');
  staleUsePlan.hidden = !m;
}

/** The opening view (unless a link gave one): the first plan's plant, served markets and the Caspian. */
let framed = Boolean(initial.view);
function frameFirstPlan(plan: Plan): void {
  if (framed) return;
  framed = true;
  map.invalidateSize();
  map.fitBounds(planFrame(plan, state.network), { padding: [28, 28], maxZoom: 6.5 });
}

// ---------------------------------------------------------------- start

/** The first plan is on the map over the base map: measured by bench/web.ts, awaited by the tests. */
function markReady(): void {
  requestAnimationFrame(() => {
    performance.mark('plan-drawn');
    document.body.dataset.ready = 'true';
  });
}

async function start(): Promise<void> {
  redraw();
  if (linkAskedTiles) setStatus(t('This link asked for online tiles: they stay off until you switch them on in the legend.'));
  const canRead = await checkRole();
  redraw();
  if (canRead) await loadEverything();
  await baseMapReady;
  markReady();
  // Warm the in-browser optimiser so the first slider drag re-plans at once.
  if (canRead && 'requestIdleCallback' in window) requestIdleCallback(() => {
    inPageOptimiser ??= createInPageOptimiser();
  });
}

void start();
