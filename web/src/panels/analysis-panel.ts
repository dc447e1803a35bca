/**
 * The analysis panel: the share curve with sensitivity ranges and shadow prices, sweeps, Monte Carlo,
 * phasing, contracts and the room to negotiate for the scenario on screen. Charts are SVG text from lib/charts; long
 * analyses are server jobs followed live through their progress events.
 */
import type { Network } from '../../../server/core/schema.ts';
import type { ParameterRange } from '../../../server/core/analysis-schema.ts';
import { analysisApi, type Alternatives, type AnalysisJob, type ContractsReport, type MonteCarloJobResult, type PhasingAnswer, type SensitivityReport, type SweepResult } from '../analysis-api.ts';
import type { Result } from '../api.ts';
import { downloadText, h, uid } from '../dom.ts';
import type { ErrorReport } from '../lib/api-errors.ts';
import {
  axisFromForm,
  axisProblem,
  currentText,
  DEFAULT_MONTE_CARLO,
  digestSensitivity,
  kilotonnes,
  millions,
  monteCarloProblem,
  monteCarloRequest,
  parameterLabel,
  percent,
  phasingSeries,
  rangeText,
  shadowText,
  shortLabel,
  slopeText,
  sweepGrid,
  sweepLine,
  sweepParameter,
  SWEEP_PARAMETERS,
  trim,
  usdShort,
  type AxisForm,
  type MonteCarloForm,
  type SweepParameter,
} from '../lib/analysis.ts';
import { heatmap } from '../lib/charts/heatmap.ts';
import { rangeBars } from '../lib/charts/range-bars.ts';
import {
  bandText,
  DEFAULT_TOLERANCE_PCT,
  flexibleMarketIds,
  FLEXIBLE_TONNES,
  isServed,
  kt,
  MAX_TOLERANCE_PCT,
  planCard,
  rangeRows,
  summaryText,
  toleranceProblem,
  toleranceShare,
} from '../lib/negotiate.ts';
import { histogram } from '../lib/charts/histogram.ts';
import { lineChart } from '../lib/charts/line.ts';
import { stackedBars } from '../lib/charts/stacked-bars.ts';
import { formatShare, formatTonnes, formatUsdCompact } from '../lib/format.ts';
import { DOMESTIC_COLOUR, EXPORT_COLOUR, marketColour } from '../lib/style.ts';
import { shortName } from '../lib/names.ts';
import type { HighlightKind } from '../map/highlight-layer.ts';
import type { Role } from './scenario-panel.ts';

export type AnalysisScenario = { ok: true; scenario: Record<string, unknown> & { name: string }; domesticShare: number } | { ok: false; message: string };

export interface AnalysisContext {
  /** The scenario form on screen as a Scenario, or why it is not valid. */
  scenario(): AnalysisScenario;
  network(): Network | null;
  /** Markets to ring on the map (null: none): the robust ones, or those with room to negotiate. */
  onHighlight(ids: string[] | null, kind: HighlightKind): void;
}

type TabId = 'share' | 'sweeps' | 'montecarlo' | 'phasing' | 'contracts' | 'negotiate';
const TABS: [TabId, string][] = [
  ['share', 'Share curve'],
  ['sweeps', 'Sweeps'],
  ['montecarlo', 'Monte Carlo'],
  ['phasing', 'Phasing'],
  ['contracts', 'Contracts'],
  ['negotiate', 'Room to negotiate'],
];

const MARGIN_COLOUR = '#1d4f91';

/**
 * Words for a failed analysis request, said next to its button. `read`: the analysis is a read that
 * any key may run (room to negotiate), so a refusal asks for a key rather than a planner key.
 */
export function failureWords(report: ErrorReport, read = false): string {
  if (report.status === 401 && read) return 'This analysis needs an API key (viewer or planner): enter one under “Access” in the scenario panel.';
  if (report.status === 401) return 'This analysis needs a planner API key: enter one under “Access” in the scenario panel.';
  if (report.status === 403) return 'Your key is a viewer key: analyses run only with a planner key.';
  if (report.status === 429) return 'Too many analyses are running; wait for one to finish or cancel one.';
  if (report.code === 'aborted') return 'Cancelled.';
  return `${report.summary}.`.replace(/\.\.$/, '.');
}

interface JobUi {
  start: HTMLButtonElement;
  cancel: HTMLButtonElement;
  progress: HTMLProgressElement;
  progressText: HTMLElement;
  status: HTMLElement;
  jobId: string | null;
  stream: AbortController | null;
}

export class AnalysisPanel {
  private readonly tabs = new Map<TabId, { tab: HTMLButtonElement; panel: HTMLElement }>();
  private readonly roleText: HTMLElement;
  private open = false;
  private robust: string[] | null = null;
  /** Markets with more than ~1 kt of room in the last room-to-negotiate answer. */
  private room: string[] | null = null;
  private selected: TabId = 'share';
  private network: Network | null = null;
  private readonly portSelects: HTMLSelectElement[] = [];
  private sensitivityReport: SensitivityReport | null = null;
  private policyShare = 0.5;

  constructor(
    root: HTMLElement,
    private readonly ctx: AnalysisContext,
  ) {
    this.roleText = h('p', { className: 'hint', id: 'analysis-role' });
    const tablist = h('div', { className: 'analysis-tabs', role: 'tablist', 'aria-label': 'Analyses' });
    for (const [id, label] of TABS) {
      const tab = h('button', { type: 'button', role: 'tab', id: `analysis-tab-${id}`, 'aria-controls': `analysis-${id}`, 'aria-selected': 'false', tabindex: '-1' }, label);
      const panel = h('section', { className: 'analysis-section', role: 'tabpanel', id: `analysis-${id}`, 'aria-labelledby': tab.id, hidden: true, tabindex: '0' });
      tab.addEventListener('click', () => this.select(id, false));
      tab.addEventListener('keydown', (e) => this.tabKey(e, id));
      tablist.append(tab);
      this.tabs.set(id, { tab, panel });
    }
    root.append(
      h('h2', {}, 'Analysis'),
      h('p', { className: 'hint' }, 'Of the plan in the scenario panel, as it stands now. Analyses run on the server; all but “Room to negotiate” need a planner key.'),
      this.roleText,
      tablist,
      ...[...this.tabs.values()].map((t) => t.panel),
    );
    this.buildShare();
    this.buildSweeps();
    this.buildMonteCarlo();
    this.buildPhasing();
    this.buildContracts();
    this.buildNegotiate();
    this.select('share', false);
  }

  /** `publicRead`: the server answers reads without a key, so room to negotiate works with none. */
  setRole(role: Role, publicRead = false): void {
    const words: Record<Role, string> = {
      planner: 'Planner key: every analysis is available.',
      viewer: 'Viewer key: “Room to negotiate” works with your key; the other analyses need a planner key (enter one under “Access” in the scenario panel).',
      none: publicRead
        ? 'No key: “Room to negotiate” works without one; the other analyses need a planner key (enter one under “Access” in the scenario panel).'
        : 'No key: analyses need a key — “Room to negotiate” any key, the others a planner key (enter one under “Access” in the scenario panel).',
      unknown: '',
    };
    this.roleText.textContent = words[role];
    this.roleText.classList.toggle('warn', role === 'viewer' || role === 'none');
  }

  setNetwork(network: Network | null): void {
    this.network = network;
    const ports = (network?.nodes ?? []).filter((n) => n.kind === 'port');
    for (const select of this.portSelects) {
      const keep = select.value;
      select.textContent = '';
      for (const p of ports) select.append(h('option', { value: p.id, selected: p.id === keep }, p.name));
    }
  }

  /** The panel is shown or hidden: markets are ringed on the map only while it is shown. */
  setOpen(open: boolean): void {
    this.open = open;
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
  private scenarioOr(status: HTMLElement): Extract<AnalysisScenario, { ok: true }> | null {
    const s = this.ctx.scenario();
    if (!s.ok) {
      status.textContent = s.message;
      status.className = 'analysis-status bad';
      return null;
    }
    return s;
  }

  private say(status: HTMLElement, text: string, kind: 'ok' | 'bad' | 'busy' = 'ok'): void {
    status.textContent = text;
    status.className = `analysis-status ${kind}`;
  }

  // ------------------------------------------------------------ share curve + sensitivity

  private buildShare(): void {
    const root = this.section('share');
    const points = numberField('Points on the curve', 11, { min: 2, max: 51, step: 1, id: 'share-points' });
    const topN = numberField('Rows per table', 6, { min: 1, max: 50, step: 1, id: 'share-top' });
    const run = h('button', { type: 'button', className: 'primary', id: 'sensitivity-run' }, 'Draw the share curve');
    const status = h('p', { className: 'analysis-status', id: 'sensitivity-status', role: 'status', 'aria-live': 'polite' });
    const chart = h('div', { className: 'chart-box', id: 'share-curve-chart' });
    const tables = h('div', { id: 'sensitivity-tables' });
    root.append(
      h('p', { className: 'hint' }, 'Margin for a minimum domestic share from 50 % to 100 %, with the rule on screen marked, then what moves the plan most.'),
      h('div', { className: 'analysis-form grid2' }, points.field, topN.field),
      h('div', { className: 'actions' }, run, status),
      chart,
      tables,
    );
    topN.input.addEventListener('change', () => this.renderSensitivityTables(tables, Number(topN.input.value)));
    run.addEventListener('click', async () => {
      const s = this.scenarioOr(status);
      if (!s) return;
      const n = Number(points.input.value);
      if (!Number.isInteger(n) || n < 2 || n > 51) return this.say(status, 'Points on the curve: a whole number from 2 to 51.', 'bad');
      run.disabled = true;
      this.say(status, 'Solving the plan, its ranges and the curve…', 'busy');
      const started = performance.now();
      const result = await analysisApi.sensitivity(s.scenario, n);
      run.disabled = false;
      if (!result.ok) return this.say(status, failureWords(result.report), 'bad');
      const report = result.data;
      if (report.status !== 'optimal') return this.say(status, `The plan is ${report.status}: ${report.message ?? 'no ranges to show'}.`, 'bad');
      this.sensitivityReport = report;
      this.policyShare = s.domesticShare;
      this.say(status, `Done in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
      this.renderShareCurve(chart, report);
      this.renderSensitivityTables(tables, Number(topN.input.value));
    });
  }

  private renderShareCurve(box: HTMLElement, report: SensitivityReport): void {
    const curve = report.shareCurve;
    const chart = lineChart({
      title: 'Margin against the minimum domestic share',
      className: 'share-curve',
      x: { label: 'Minimum domestic share', format: (v) => `${Math.round(v * 100)} %`, domain: [Math.min(0.5, ...curve.map((p) => p.domesticShare)), 1] },
      y: { label: 'Margin, USD', format: millions },
      series: [{ name: 'Margin', colour: MARGIN_COLOUR, points: curve.map((p) => ({ x: p.domesticShare, y: p.status === 'optimal' ? p.marginUsd : null, mark: p.ruleBinds === true })) }],
      marker: { x: this.policyShare, label: `rule now: ${Math.round(this.policyShare * 100)} %` },
      markLabel: 'the rule binds',
    });
    const first = curve.find((p) => p.status === 'optimal');
    const last = [...curve].reverse().find((p) => p.status === 'optimal');
    const firstBinding = curve.find((p) => p.ruleBinds);
    box.innerHTML = chart.svg;
    box.append(
      h(
        'p',
        { className: 'chart-note' },
        first && last ? `From ${formatShare(first.domesticShare, 0)} to ${formatShare(last.domesticShare, 0)} at home the margin goes from ${formatUsdCompact(first.marginUsd)} to ${formatUsdCompact(last.marginUsd)}. ` : '',
        firstBinding ? `The rule starts to cost margin at ${formatShare(firstBinding.domesticShare, 0)}.` : 'The rule does not bind anywhere on the curve.',
      ),
    );
  }

  private renderSensitivityTables(box: HTMLElement, topN: number): void {
    const report = this.sensitivityReport;
    box.textContent = '';
    if (!report) return;
    const d = digestSensitivity(report, Number.isFinite(topN) && topN >= 1 ? topN : 6);
    if (d.rule) box.append(h('p', { className: 'rule-words' }, d.rule));
    const limitRow = (p: ParameterRange) => h('tr', { title: p.explanation }, h('td', {}, shortLabel(p.label)), h('td', {}, shadowText(p)), h('td', {}, rangeText(p)));
    box.append(
      h('h3', {}, 'Shadow prices: what one more tonne of a limit is worth'),
      d.shadowPrices.length
        ? h('table', { className: 'analysis-table', id: 'shadow-table' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Limit'), h('th', { scope: 'col' }, 'Worth'), h('th', { scope: 'col' }, 'Holds between'))), h('tbody', {}, ...d.shadowPrices.map(limitRow)))
        : h('p', { className: 'hint' }, 'No capacity or demand limit binds.'),
      h('h3', {}, 'Ranges: prices and costs the margin moves with most'),
      d.ranges.length
        ? h(
            'table',
            { className: 'analysis-table', id: 'range-table' },
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Price or cost'), h('th', { scope: 'col' }, 'Now'), h('th', { scope: 'col' }, 'Plan holds for'), h('th', { scope: 'col' }, 'Margin per +1 USD/t'))),
            h('tbody', {}, ...d.ranges.map((p) => h('tr', { title: p.explanation }, h('td', {}, shortLabel(p.label)), h('td', {}, currentText(p)), h('td', {}, rangeText(p)), h('td', {}, slopeText(p))))),
          )
        : h('p', { className: 'hint' }, 'No price or cost moves the margin.'),
    );
    if (d.nearlyPaying.length) {
      box.append(
        h('h3', {}, 'Closest to paying: unsold price tiers'),
        h('ul', { className: 'why' }, ...d.nearlyPaying.map((p) => h('li', {}, `${shortLabel(p.label)}: needs +${p.priceGapUsdPerTonne!.toFixed(2)} USD/t.`))),
      );
    }
  }

  // ------------------------------------------------------------ sweeps

  private buildSweeps(): void {
    const root = this.section('sweeps');
    const a1 = this.axisFields('sweep-a1', 'First parameter', 'exportPriceMultiplier');
    const a2 = this.axisFields('sweep-a2', 'Second parameter', 'nodeThroughput');
    const two = h('input', { type: 'checkbox', id: 'sweep-two' });
    a2.fieldset.hidden = true;
    two.addEventListener('change', () => {
      a2.fieldset.hidden = !two.checked;
      updateCount();
    });
    const count = h('p', { className: 'hint', id: 'sweep-count' });
    const updateCount = () => {
      const n = (Number(a1.read().steps) || 0) * (two.checked ? Number(a2.read().steps) || 0 : 1);
      count.textContent = `${n} point${n === 1 ? '' : 's'}, each a full optimisation (at most 2,000).`;
    };
    root.addEventListener('input', updateCount);
    updateCount();
    const ui = this.jobUi('sweep', 'Run the sweep');
    const chart = h('div', { className: 'chart-box', id: 'sweep-chart' });
    const csv = h('a', { href: '#', id: 'sweep-csv', className: 'csv-link', hidden: true }, 'Download result.csv');
    root.append(
      h('p', { className: 'hint' }, 'Margin and exports over a grid of one or two parameters; every other input as in the scenario.'),
      a1.fieldset,
      h('div', { className: 'live-row' }, two, h('label', { for: 'sweep-two' }, 'Sweep a second parameter (heat map)')),
      a2.fieldset,
      count,
      jobControls(ui),
      chart,
      csv,
    );
    csv.addEventListener('click', async (e) => {
      e.preventDefault();
      const id = csv.dataset.job;
      if (!id) return;
      const r = await analysisApi.csv(id);
      if (r.ok) downloadText(r.data, `sweep-${id}.csv`, 'text/csv');
      else this.say(ui.status, `Could not download the CSV: ${failureWords(r.report)}`, 'bad');
    });
    ui.start.addEventListener('click', async () => {
      const s = this.scenarioOr(ui.status);
      if (!s) return;
      const forms = two.checked ? [a1.read(), a2.read()] : [a1.read()];
      const problem = forms.map((f, i) => axisProblem(f, i === 0 ? 'First parameter' : 'Second parameter')).find(Boolean);
      if (problem) return this.say(ui.status, problem, 'bad');
      if (forms.length === 2 && forms[0].parameter === forms[1].parameter && forms[0].node === forms[1].node) return this.say(ui.status, 'Choose two different parameters.', 'bad');
      const axes = forms.map(axisFromForm);
      csv.hidden = true;
      chart.textContent = '';
      const job = await this.runJob(ui, () => analysisApi.startSweep({ scenario: s.scenario as never, axes }), 'points');
      if (job?.kind !== 'sweep' || !job.result) return;
      this.renderSweep(chart, job.result, axes.map((a) => a.parameter));
      csv.dataset.job = job.id;
      csv.hidden = false;
    });
  }

  private axisFields(prefix: string, legend: string, initial: SweepParameter): { fieldset: HTMLFieldSetElement; read(): AxisForm } {
    const param = h('select', { id: `${prefix}-parameter` }, ...SWEEP_PARAMETERS.map((p) => h('option', { value: p.id, selected: p.id === initial }, p.label)));
    const port = h('select', { id: `${prefix}-node` });
    this.portSelects.push(port);
    const from = numberField('From', 0, { step: 'any', id: `${prefix}-from` });
    const to = numberField('To', 0, { step: 'any', id: `${prefix}-to` });
    const steps = numberField('Points', 0, { min: 2, max: 201, step: 1, id: `${prefix}-steps` });
    const portField = h('div', { className: 'field' }, h('label', { for: port.id }, 'Port'), port);
    const unit = h('span', { className: 'hint unit' });
    const apply = () => {
      const info = sweepParameter(param.value);
      from.input.value = String(info.from);
      to.input.value = String(info.to);
      steps.input.value = String(info.steps);
      unit.textContent = info.unit;
      portField.hidden = info.id !== 'nodeThroughput';
    };
    param.addEventListener('change', apply);
    apply();
    const fieldset = h(
      'fieldset',
      { className: 'analysis-form axis-fields' },
      h('legend', {}, legend),
      h('div', { className: 'field' }, h('label', { for: param.id }, 'Parameter'), param),
      portField,
      h('div', { className: 'grid3' }, from.field, to.field, steps.field),
      unit,
    );
    return {
      fieldset,
      read: () => ({ parameter: param.value as SweepParameter, node: port.value, from: Number(from.input.value), to: Number(to.input.value), steps: Number(steps.input.value) }),
    };
  }

  private nodeName = (id: string) => this.network?.nodes.find((n) => n.id === id)?.name ?? id;

  private renderSweep(box: HTMLElement, result: SweepResult, parameters: SweepParameter[]): void {
    const infeasible = result.rows.filter((r) => r.status !== 'optimal').length;
    if (result.parameters.length === 1) {
      const line = sweepLine(result);
      const info = sweepParameter(parameters[0]);
      const chart = lineChart({
        title: `Margin and exports against ${parameterLabel(result.parameters[0], this.nodeName)}`,
        className: 'sweep-line',
        x: { label: parameterLabel(result.parameters[0], this.nodeName), format: info.id === 'nodeThroughput' ? (v) => `${kilotonnes(v)} kt` : info.format },
        y: { label: 'Margin, USD', format: millions },
        y2: { label: 'Exports, kt', format: kilotonnes, zero: true },
        series: [
          { name: 'Margin', colour: MARGIN_COLOUR, points: line.xs.map((x, i) => ({ x, y: line.margin[i], mark: line.ruleBinds[i] })) },
          { name: 'Exports', colour: EXPORT_COLOUR, axis: 'right', dashed: true, points: line.xs.map((x, i) => ({ x, y: line.exportTonnes[i] })) },
        ],
        markLabel: '50 % rule binds',
      });
      box.innerHTML = chart.svg;
    } else {
      const grid = sweepGrid(result);
      const [ix, iy] = parameters.map(sweepParameter);
      const fmt = (info: typeof ix) => (info.id === 'nodeThroughput' ? (v: number) => `${kilotonnes(v)} kt` : info.format);
      const map = heatmap({
        title: `Margin over ${parameterLabel(result.parameters[0], this.nodeName)} and ${parameterLabel(result.parameters[1], this.nodeName)}`,
        x: { label: parameterLabel(result.parameters[0], this.nodeName), values: grid.xs, format: fmt(ix) },
        y: { label: parameterLabel(result.parameters[1], this.nodeName), values: grid.ys, format: fmt(iy) },
        value: { label: 'Colour: margin, USD', format: formatUsdCompact, short: millions },
        cells: grid.margin,
        marks: grid.ruleBinds,
        markLabel: '50 % rule binds',
      });
      box.innerHTML = map.svg;
    }
    const binds = result.rows.filter((r) => r.ruleBinds).length;
    box.append(h('p', { className: 'chart-note' }, `${result.rows.length} points; the 50 % rule binds at ${binds}.${infeasible ? ` ${infeasible} point${infeasible === 1 ? ' has' : 's have'} no feasible plan (gaps).` : ''}`));
  }

  // ------------------------------------------------------------ Monte Carlo

  private buildMonteCarlo(): void {
    const root = this.section('montecarlo');
    const d = DEFAULT_MONTE_CARLO;
    const draws = numberField('Draws', d.draws, { min: 1, max: 200000, step: 1, id: 'mc-draws' });
    const seed = numberField('Seed', d.seed, { min: 0, step: 1, id: 'mc-seed' });
    const price = numberField('Export price spread (sd, × 1)', d.exportPriceSd, { min: 0, step: 0.01, id: 'mc-price-sd' });
    const freight = numberField('Freight spread (sd, × 1)', d.freightSd, { min: 0, step: 0.01, id: 'mc-freight-sd' });
    const demand = numberField('Demand spread (± share)', d.demandSpread, { min: 0, max: 1, step: 0.01, id: 'mc-demand' });
    const ui = this.jobUi('mc', 'Run Monte Carlo');
    const out = h('div', { id: 'mc-results' });
    root.append(
      h('p', { className: 'hint' }, 'Export prices and freight drawn around 1 (normal), every market’s demand uniform within the spread; 0 keeps an input fixed. The same seed gives the same result.'),
      h('div', { className: 'analysis-form grid2' }, draws.field, seed.field, price.field, freight.field, demand.field),
      jobControls(ui),
      out,
    );
    ui.start.addEventListener('click', async () => {
      const s = this.scenarioOr(ui.status);
      if (!s) return;
      const form: MonteCarloForm = { draws: Number(draws.input.value), seed: Number(seed.input.value), exportPriceSd: Number(price.input.value), freightSd: Number(freight.input.value), demandSpread: Number(demand.input.value) };
      const problem = monteCarloProblem(form);
      if (problem) return this.say(ui.status, problem, 'bad');
      out.textContent = '';
      this.robust = null;
      this.showHighlight();
      const job = await this.runJob(ui, () => analysisApi.startMonteCarlo(monteCarloRequest(s.scenario as never, form)), 'draws');
      if (job?.kind !== 'montecarlo' || !job.result) return;
      this.renderMonteCarlo(out, job.result);
      this.robust = job.result.robustMarkets;
      this.showHighlight();
    });
  }

  private renderMonteCarlo(box: HTMLElement, r: MonteCarloJobResult): void {
    const markers = (s: MonteCarloJobResult['marginUsd']) =>
      (['p5', 'p50', 'p95'] as const).filter((k) => s[k] != null).map((k) => ({ value: s[k] as number, label: k }));
    const hist = (title: string, s: MonteCarloJobResult['marginUsd'], label: string, format: (v: number) => string, markerFormat: (v: number) => string, colour: string, id: string) =>
      h('figure', { className: 'chart-box', id }, h('figcaption', {}, title), htmlOf(histogram({ title, bins: s.histogram, x: { label, format }, markers: markers(s), markerFormat, colour }).svg));
    const bad = r.draws - r.optimalDraws;
    const served = [...r.markets].filter((m) => m.servedShare > 0).sort((a, b) => b.servedShare - a.servedShare);
    const robust = served.filter((m) => m.robust);
    const sometimes = served.filter((m) => !m.robust);
    const parts: (HTMLElement | null)[] = [
      h(
        'div',
        { className: 'kpi-grid mc-kpis' },
        kpi('Rule binds', percent(r.ruleBindsProbability), 'of draws: the 50 % rule costs margin', 'mc-rule-binds'),
        kpi('Margin p50', formatUsdCompact(r.marginUsd.p50), `p5 ${formatUsdCompact(r.marginUsd.p5)} · p95 ${formatUsdCompact(r.marginUsd.p95)}`),
      ),
      bad ? h('p', { className: 'warn' }, `${bad} of ${r.draws} draws had no optimal plan and are left out.`) : null,
      hist('Margin', r.marginUsd, 'Margin, USD', millions, usdShort, MARGIN_COLOUR, 'mc-hist-margin'),
      hist('Export volume', r.exportTonnes, 'Exports, kt', kilotonnes, formatTonnes, EXPORT_COLOUR, 'mc-hist-export'),
      hist('Domestic share', r.domesticShare, 'Domestic share of sales', (v) => `${trim(v * 100, 0)} %`, (v) => formatShare(v), DOMESTIC_COLOUR, 'mc-hist-share'),
      h('h3', {}, `Robust markets: served in ≥ ${Math.round(r.robustThreshold * 100)} % of draws`),
      robust.length
        ? h('ul', { className: 'market-list', id: 'mc-robust' }, ...robust.map((m) => h('li', {}, h('span', { className: 'dot', style: `background:${marketColour(m.domestic)}` }), m.name, h('span', { className: 'muted' }, ` ${percent(m.servedShare)}`))))
        : h('p', { className: 'hint', id: 'mc-robust' }, 'No market is served in that many draws.'),
      h('p', { className: 'hint' }, 'Rings on the map mark them while this panel is open.'),
      sometimes.length
        ? h('details', {}, h('summary', {}, `Served in some draws (${sometimes.length})`), h('ul', { className: 'market-list' }, ...sometimes.map((m) => h('li', {}, h('span', { className: 'dot', style: `background:${marketColour(m.domestic)}` }), m.name, h('span', { className: 'muted' }, ` ${percent(m.servedShare)}`)))))
        : null,
    ];
    box.append(...parts.filter((p): p is HTMLElement => p != null));
  }

  // ------------------------------------------------------------ phasing

  private buildPhasing(): void {
    const root = this.section('phasing');
    const from = h('select', { id: 'phasing-phase2' }, h('option', { value: '' }, 'Never (phase 1 throughout)'), ...[2027, 2028, 2029, 2030, 2031].map((y) => h('option', { value: String(y), selected: y === 2029 }, String(y))));
    const growth = h('input', { type: 'number', id: 'phasing-growth', step: '0.5', inputmode: 'decimal', placeholder: 'as in the network' });
    const run = h('button', { type: 'button', className: 'primary', id: 'phasing-run' }, 'Plan 2027–2031');
    const status = h('p', { className: 'analysis-status', id: 'phasing-status', role: 'status', 'aria-live': 'polite' });
    const out = h('div', { id: 'phasing-results' });
    root.append(
      h('p', { className: 'hint' }, 'One plan over five years: phase 2 capacity from the year you choose, markets opening with it, demand growing.'),
      h(
        'div',
        { className: 'analysis-form grid2' },
        h('div', { className: 'field' }, h('label', { for: from.id }, 'Phase 2 (2.5 Mt/yr) from'), from),
        h('div', { className: 'field' }, h('label', { for: growth.id }, 'Demand growth, % per year, every market (blank = network figures)'), growth),
      ),
      h('div', { className: 'actions' }, run, status),
      out,
    );
    run.addEventListener('click', async () => {
      const s = this.scenarioOr(status);
      if (!s) return;
      const g = growth.value.trim() === '' ? null : Number(growth.value);
      if (g != null && (!Number.isFinite(g) || g < -100 || g > 100)) return this.say(status, 'Demand growth: a number from −100 to 100.', 'bad');
      const markets = this.network?.markets ?? [];
      const scenario = { ...s.scenario, horizon: { kind: 'annual', year: 2027 } };
      run.disabled = true;
      this.say(status, 'Planning five years…', 'busy');
      const r = await analysisApi.phasing({
        scenario: scenario as never,
        fromYear: 2027,
        toYear: 2031,
        ...(from.value ? { phase2FromYear: Number(from.value) } : {}),
        ...(g != null ? { growthPctPerYear: Object.fromEntries(markets.map((m) => [m.id, g])) } : {}),
      });
      run.disabled = false;
      if (!r.ok) return this.say(status, failureWords(r.report), 'bad');
      if (r.data.status !== 'optimal') return this.say(status, `The five-year plan is ${r.data.status}: ${r.data.message ?? ''}`, 'bad');
      this.say(status, `Margin over five years: ${formatUsdCompact(r.data.marginUsd)}.`);
      this.renderPhasing(out, r.data);
    });
  }

  private renderPhasing(box: HTMLElement, r: PhasingAnswer): void {
    const series = phasingSeries(r);
    const chart = stackedBars({
      title: 'Volumes by year and destination',
      categories: r.years.map(String),
      series,
      y: { label: 'Sales, kt', format: kilotonnes },
      line: { name: 'plant capacity', values: r.capacityTonnesByYear },
      notes: r.domesticShareByYear.map((s) => (s == null ? '' : `${Math.round(s * 100)} % home`)),
    });
    box.textContent = '';
    box.append(
      h('figure', { className: 'chart-box', id: 'phasing-chart' }, htmlOf(chart.svg)),
      h('ul', { className: 'stack-legend phasing-legend' }, ...[...series].reverse().map((s) => h('li', {}, h('span', { className: 'swatch', style: `background:${s.colour}` }), s.name))),
      h(
        'table',
        { className: 'analysis-table numeric' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Year'), h('th', { scope: 'col' }, 'Phase'), h('th', { scope: 'col' }, 'Production'), h('th', { scope: 'col' }, 'Domestic'), h('th', { scope: 'col' }, 'Exports'), h('th', { scope: 'col' }, 'Home'))),
        h(
          'tbody',
          {},
          ...r.years.map((y, i) =>
            h('tr', {}, h('td', {}, String(y)), h('td', {}, String(r.phaseByYear[i])), h('td', {}, formatTonnes(r.productionTonnesByYear[i])), h('td', {}, formatTonnes(r.domesticTonnesByYear[i])), h('td', {}, formatTonnes(r.exportTonnesByYear[i])), h('td', {}, formatShare(r.domesticShareByYear[i], 0))),
          ),
        ),
      ),
    );
  }

  // ------------------------------------------------------------ contracts

  private buildContracts(): void {
    const root = this.section('contracts');
    const run = h('button', { type: 'button', className: 'primary', id: 'contracts-run' }, 'Weigh the contracts');
    const status = h('p', { className: 'analysis-status', id: 'contracts-status', role: 'status', 'aria-live': 'polite' });
    const out = h('div', { id: 'contracts-results' });
    root.append(
      h('p', { className: 'hint' }, 'Export contracts carry a minimum volume (per year) and a fixed yearly cost. The mixed-integer plan decides which to sign; each decision is then forced the other way to price it: “reversal costs” is the margin that would lose.'),
      h('div', { className: 'actions' }, run, status),
      out,
    );
    run.addEventListener('click', async () => {
      const s = this.scenarioOr(status);
      if (!s) return;
      run.disabled = true;
      this.say(status, 'Solving the contract decisions…', 'busy');
      const r = await analysisApi.contracts(s.scenario);
      run.disabled = false;
      if (!r.ok) return this.say(status, failureWords(r.report), 'bad');
      if (r.data.status !== 'optimal') return this.say(status, `No plan with contracts: ${r.data.message ?? r.data.status}.`, 'bad');
      this.say(status, `Best plan with contracts: ${formatUsdCompact(r.data.marginUsd)} margin after their fixed costs.`);
      this.renderContracts(out, r.data);
    });
  }

  private renderContracts(box: HTMLElement, r: ContractsReport): void {
    box.textContent = '';
    if (!r.contracts.length) {
      box.append(h('p', { className: 'hint' }, 'No market offers a contract in this network.'));
      return;
    }
    box.append(
      h(
        'div',
        { className: 'table-scroll' },
        h(
          'table',
          { className: 'analysis-table numeric contracts', id: 'contracts-table' },
          h(
            'thead',
            {},
            h('tr', {}, h('th', { scope: 'col' }, 'Market'), h('th', { scope: 'col' }, 'Decision'), h('th', { scope: 'col' }, 'Tonnes'), h('th', { scope: 'col' }, 'Earns, USD'), h('th', { scope: 'col' }, 'Fixed, USD'), h('th', { scope: 'col', title: 'Margin lost if the decision were taken the other way' }, 'Reversal costs, USD')),
          ),
          h(
            'tbody',
            {},
            ...r.contracts.map((c) =>
              h(
                'tr',
                { title: c.explanation },
                h('td', {}, shortName(c.name)),
                h('td', { className: c.sign ? 'sign' : 'nosign' }, c.sign ? 'Sign' : 'Don’t sign'),
                h('td', {}, c.sign ? formatTonnes(c.tonnes) : `min ${formatTonnes(c.minTonnesPerYear)}`),
                h('td', {}, c.sign ? usdShort(c.contributionUsd) : '—'),
                h('td', {}, usdShort(c.fixedCostUsd)),
                h('td', {}, c.lossIfReversedUsd == null ? 'no plan' : usdShort(c.lossIfReversedUsd)),
              ),
            ),
          ),
        ),
      ),
      h('ul', { className: 'why' }, ...r.contracts.map((c) => h('li', {}, c.explanation))),
    );
  }

  // ------------------------------------------------------------ room to negotiate

  private buildNegotiate(): void {
    const root = this.section('negotiate');
    const tolerance = numberField(`Tolerance: margin you may give up, % of the best (0–${MAX_TOLERANCE_PCT})`, DEFAULT_TOLERANCE_PCT, { min: 0, max: MAX_TOLERANCE_PCT, step: 0.1, id: 'negotiate-tolerance' });
    const run = h('button', { type: 'button', className: 'primary', id: 'negotiate-run' }, 'Find the room');
    const status = h('p', { className: 'analysis-status', id: 'negotiate-status', role: 'status', 'aria-live': 'polite' });
    const out = h('div', { id: 'negotiate-results' });
    let inFlight: AbortController | null = null;
    root.append(
      h(
        'p',
        { className: 'hint' },
        'For sales: how many tonnes each market can take, least to most, in any plan that keeps the margin within the tolerance of the best — what can be promised without costing more than that — and a few whole plans to compare. Works with a viewer key.',
      ),
      h('div', { className: 'analysis-form negotiate-form' }, tolerance.field),
      h('div', { className: 'actions' }, run, status),
      out,
    );
    run.addEventListener('click', async () => {
      const s = this.scenarioOr(status);
      if (!s) return;
      const pct = Number(tolerance.input.value);
      const problem = toleranceProblem(pct);
      if (problem) return this.say(status, problem, 'bad');
      inFlight?.abort();
      const ctrl = new AbortController();
      inFlight = ctrl;
      run.disabled = true;
      this.say(status, 'Measuring each market’s least and most tonnes…', 'busy');
      const started = performance.now();
      const r = await analysisApi.alternatives(s.scenario, toleranceShare(pct), ctrl.signal);
      if (ctrl !== inFlight) return;
      inFlight = null;
      run.disabled = false;
      if (!r.ok) return this.say(status, failureWords(r.report, true), 'bad');
      this.say(status, `Done in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
      this.room = flexibleMarketIds(r.data.markets);
      this.renderNegotiate(out, r.data);
      this.showHighlight();
    });
  }

  private renderNegotiate(box: HTMLElement, r: Alternatives): void {
    const rows = rangeRows(r.markets);
    const served = rows.filter(isServed).length;
    const chart = rangeBars({
      title: `Tonnes each market can take within ${trim(r.tolerance * 100, 2)} % of the best margin`,
      rows: rows.map((m) => ({
        id: m.marketId,
        label: shortName(m.name),
        min: m.minTonnes,
        max: m.maxTonnes,
        value: m.planTonnes,
        colour: marketColour(m.domestic),
        note: bandText(m),
        title: m.explanation,
      })),
      x: { label: 'Tonnes a year, kt', format: kilotonnes },
      divider: { at: served, label: 'Not in the best plan, possible within the tolerance' },
      legend: [
        { label: 'domestic', colour: DOMESTIC_COLOUR, kind: 'box' },
        { label: 'export', colour: EXPORT_COLOUR, kind: 'box' },
      ],
      tickLabel: 'best plan',
    });
    const cards = r.plans.map((p) => planCard(p, r));
    const card = (c: (typeof cards)[number]) =>
      h(
        'article',
        { className: 'alt-card' },
        h('h4', {}, c.title),
        h('p', { className: 'alt-figures' }, h('span', {}, `Gives up ${c.givenUp}`), h('span', {}, c.domestic)),
        c.changes.length
          ? h(
              'ul',
              { className: 'alt-changes' },
              ...c.changes.map((ch) => h('li', {}, h('span', { className: 'dot', style: `background:${marketColour(ch.domestic)}` }), h('span', { className: 'alt-market' }, ch.name), h('span', { className: 'alt-tonnes' }, ch.text))),
            )
          : h('p', { className: 'hint' }, 'The same markets as the best plan.'),
      );
    const shown = 6;
    const room = this.room?.length ?? 0;
    box.textContent = '';
    box.append(
      h('p', { className: 'chart-note', id: 'negotiate-summary' }, summaryText(r)),
      h('figure', { className: 'chart-box', id: 'negotiate-chart' }, h('figcaption', {}, 'Room per market: least to most tonnes'), htmlOf(chart.svg)),
      h(
        'p',
        { className: 'hint' },
        `The band is every volume a plan within the tolerance can deliver; the black tick is the best plan. `,
        room
          ? `On the map, a thin dashed amber ring marks the ${room} market${room === 1 ? '' : 's'} with more than ${kt(FLEXIBLE_TONNES)} of room, while this tab is open.`
          : 'No market has more than 1 kt of room, so nothing is ringed on the map.',
      ),
      h('h3', {}, `Alternative plans (${cards.length})`),
      cards.length ? h('div', { className: 'alt-cards', id: 'negotiate-plans' }, ...cards.slice(0, shown).map(card)) : h('p', { className: 'hint', id: 'negotiate-plans' }, 'No other plan within the tolerance.'),
    );
    if (cards.length > shown) box.append(h('details', { className: 'alt-more' }, h('summary', {}, `${cards.length - shown} more plans`), h('div', { className: 'alt-cards' }, ...cards.slice(shown).map(card))));
    if (r.unavailable.length > 0)
      box.append(h('p', { className: 'hint' }, `Not available: ${r.unavailable.map((u) => `${u.label} (the solve ended ${u.status})`).join('; ')}.`));
  }

  // ------------------------------------------------------------ jobs

  private jobUi(prefix: string, label: string): JobUi {
    const ui: JobUi = {
      start: h('button', { type: 'button', className: 'primary', id: `${prefix}-start` }, label),
      cancel: h('button', { type: 'button', id: `${prefix}-cancel`, hidden: true }, 'Cancel'),
      progress: h('progress', { id: `${prefix}-progress`, max: 1, value: 0, 'aria-label': `${label}: progress` }),
      progressText: h('span', { className: 'progress-text', id: `${prefix}-progress-text` }),
      status: h('p', { className: 'analysis-status', id: `${prefix}-status`, role: 'status', 'aria-live': 'polite' }),
      jobId: null,
      stream: null,
    };
    ui.cancel.addEventListener('click', async () => {
      if (!ui.jobId) return;
      ui.cancel.disabled = true;
      const r = await analysisApi.cancel(ui.jobId);
      if (!r.ok) this.say(ui.status, `Could not cancel: ${failureWords(r.report)}`, 'bad');
    });
    return ui;
  }

  /** Starts a job, shows its progress live, returns the finished job (null: failed, cancelled, refused). */
  private async runJob(ui: JobUi, start: () => Promise<Result<{ jobId: string }>>, unit: string): Promise<AnalysisJob | null> {
    ui.start.disabled = true;
    ui.progress.value = 0;
    ui.progressText.textContent = '';
    this.say(ui.status, 'Starting…', 'busy');
    const started = await start();
    if (!started.ok) {
      ui.start.disabled = false;
      this.say(ui.status, failureWords(started.report), 'bad');
      return null;
    }
    ui.jobId = started.data.jobId;
    ui.cancel.hidden = false;
    ui.cancel.disabled = false;
    ui.stream?.abort();
    ui.stream = new AbortController();
    const t0 = performance.now();
    const show = (job: AnalysisJob) => {
      const { done, total } = job.progress;
      ui.progress.max = Math.max(1, total);
      ui.progress.value = done;
      const pct = total > 0 ? Math.floor((done / total) * 100) : 0;
      ui.progressText.textContent = `${done.toLocaleString('en')} / ${total.toLocaleString('en')} ${unit} (${pct} %)`;
      ui.progress.setAttribute('aria-valuetext', `${pct} %`);
    };
    this.say(ui.status, 'Running on the server…', 'busy');
    const r = await analysisApi.follow(ui.jobId, show, ui.stream.signal);
    ui.start.disabled = false;
    ui.cancel.hidden = true;
    ui.jobId = null;
    if (!r.ok) {
      this.say(ui.status, failureWords(r.report), 'bad');
      return null;
    }
    show(r.data);
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    if (r.data.status === 'cancelled') this.say(ui.status, `Cancelled after ${r.data.progress.done} ${unit}.`, 'bad');
    else if (r.data.status === 'failed') this.say(ui.status, `The analysis failed: ${r.data.error ?? 'no reason given'}.`, 'bad');
    else this.say(ui.status, `Done in ${secs} s.`);
    return r.data.status === 'done' ? r.data : null;
  }
}

// ---------------------------------------------------------------- small builders

function numberField(label: string, value: number, opts: { min?: number; max?: number; step: number | 'any'; id?: string }): { field: HTMLElement; input: HTMLInputElement } {
  const input = h('input', { type: 'number', id: opts.id ?? uid('a'), value: String(value), min: opts.min, max: opts.max, step: opts.step, inputmode: 'decimal' });
  return { field: h('div', { className: 'field' }, h('label', { for: input.id }, label), input), input };
}

function jobControls(ui: JobUi): HTMLElement {
  return h('div', { className: 'job-controls' }, h('div', { className: 'actions' }, ui.start, ui.cancel), h('div', { className: 'job-progress' }, ui.progress, ui.progressText), ui.status);
}

function kpi(label: string, value: string, note: string, id?: string): HTMLElement {
  return h('div', { className: 'kpi', id }, h('div', { className: 'kpi-label' }, label), h('div', { className: 'kpi-value' }, value), h('div', { className: 'kpi-note' }, note));
}

/** Our own SVG text (built and escaped by lib/charts) as a node. */
function htmlOf(svg: string): HTMLElement {
  const wrap = document.createElement('div');
  wrap.className = 'svg-wrap';
  wrap.innerHTML = svg;
  return wrap;
}

