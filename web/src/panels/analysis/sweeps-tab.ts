/** The sweeps tab: margin and exports over a grid of one parameter (a line) or two (a heat map), run as a job. */
import type { Network } from '../../../../server/core/schema.ts';
import { analysisApi, type SweepResult } from '../../analysis-api.ts';
import { downloadText, h } from '../../dom.ts';
import {
  axisFromForm,
  axisProblem,
  kilotonnes,
  millions,
  parameterLabel,
  sweepGrid,
  sweepLine,
  sweepParameter,
  SWEEP_PARAMETERS,
  type AxisForm,
  type SweepParameter,
} from '../../lib/analysis.ts';
import { heatmap } from '../../lib/charts/heatmap.ts';
import { jobCsvForSpreadsheet } from '../../lib/csv.ts';
import { lineChart } from '../../lib/charts/line.ts';
import { formatNumber, formatUsdCompact, formatStyleOf } from '../../lib/format.ts';
import { EXPORT_COLOUR } from '../../lib/style.ts';
import { failureWords, MARGIN_COLOUR, numberField, readNumber, ruleShareOf, say, showNumber, type TabEnv } from './common.ts';
import { locale, t } from '../../i18n/index.ts';
import { JobRunner } from './job-runner.ts';

export class SweepsTab {
  private readonly portSelects: HTMLSelectElement[] = [];

  constructor(
    root: HTMLElement,
    private readonly env: TabEnv,
  ) {
    const a1 = this.axisFields('sweep-a1', t('First parameter'), 'exportPriceMultiplier');
    const a2 = this.axisFields('sweep-a2', t('Second parameter'), 'nodeThroughput');
    const two = h('input', { type: 'checkbox', id: 'sweep-two' });
    a2.fieldset.hidden = true;
    two.addEventListener('change', () => {
      a2.fieldset.hidden = !two.checked;
      updateCount();
    });
    const count = h('p', { className: 'hint', id: 'sweep-count' });
    const updateCount = () => {
      const n = (Number(a1.read().steps) || 0) * (two.checked ? Number(a2.read().steps) || 0 : 1);
      count.textContent = t(n === 1 ? '{count} point, each a full optimisation (at most {max}).' : '{count} points, each a full optimisation (at most {max}).', { count: formatNumber(n), max: formatNumber(2000) });
    };
    root.addEventListener('input', updateCount);
    updateCount();
    const job = new JobRunner('sweep', t('Run the sweep'));
    const chart = h('div', { className: 'chart-box', id: 'sweep-chart' });
    const csv = h('a', { href: '#', id: 'sweep-csv', className: 'csv-link', hidden: true }, t('Download result.csv'));
    root.append(
      h('p', { className: 'hint' }, t('Margin and exports over a grid of one or two parameters; every other input as in the scenario.')),
      a1.fieldset,
      h('div', { className: 'live-row' }, two, h('label', { for: 'sweep-two' }, t('Sweep a second parameter (heat map)'))),
      a2.fieldset,
      count,
      job.controls(),
      chart,
      csv,
    );
    csv.addEventListener('click', async (e) => {
      e.preventDefault();
      const id = csv.dataset.job;
      if (!id) return;
      const r = await analysisApi.csv(id);
      if (r.ok) downloadText(jobCsvForSpreadsheet(r.data, locale()), `sweep-${id}.csv`, 'text/csv');
      else say(job.status, t('Could not download the CSV: {reason}', { reason: failureWords(r.report) }), 'bad');
    });
    job.start.addEventListener('click', async () => {
      const s = env.scenarioOr(job.status);
      if (!s) return;
      const forms = two.checked ? [a1.read(), a2.read()] : [a1.read()];
      const problem = forms.map((f, i) => axisProblem(f, i === 0 ? t('First parameter') : t('Second parameter'))).find(Boolean);
      if (problem) return say(job.status, problem, 'bad');
      if (forms.length === 2 && forms[0].parameter === forms[1].parameter && forms[0].node === forms[1].node) return say(job.status, t('Choose two different parameters.'), 'bad');
      const axes = forms.map(axisFromForm);
      csv.hidden = true;
      chart.textContent = '';
      const done = await job.run(() => analysisApi.startSweep({ scenario: s.scenario as never, axes }), t('points'));
      if (done?.kind !== 'sweep' || !done.result) return;
      this.render(chart, done.result, axes.map((a) => a.parameter), ruleShareOf(s.scenario));
      csv.dataset.job = done.id;
      csv.hidden = false;
    });
  }

  /** The ports of the network on screen, for a throughput axis. */
  setNetwork(network: Network | null): void {
    const ports = (network?.nodes ?? []).filter((n) => n.kind === 'port');
    for (const select of this.portSelects) {
      const keep = select.value;
      select.textContent = '';
      for (const p of ports) select.append(h('option', { value: p.id, selected: p.id === keep }, p.name));
    }
  }

  private axisFields(prefix: string, legend: string, initial: SweepParameter): { fieldset: HTMLFieldSetElement; read(): AxisForm } {
    const param = h('select', { id: `${prefix}-parameter` }, ...SWEEP_PARAMETERS.map((p) => h('option', { value: p.id, selected: p.id === initial }, p.label)));
    const port = h('select', { id: `${prefix}-node` });
    this.portSelects.push(port);
    const from = numberField(t('From'), 0, { step: 'any', id: `${prefix}-from` });
    const to = numberField(t('To'), 0, { step: 'any', id: `${prefix}-to` });
    const steps = numberField(t('Points'), 0, { min: 2, max: 201, step: 1, id: `${prefix}-steps` });
    const portField = h('div', { className: 'field' }, h('label', { for: port.id }, t('Port')), port);
    const unit = h('span', { className: 'hint unit' });
    const apply = () => {
      const info = sweepParameter(param.value);
      showNumber(from.input, info.from);
      showNumber(to.input, info.to);
      showNumber(steps.input, info.steps);
      unit.textContent = info.unit;
      portField.hidden = info.id !== 'nodeThroughput';
    };
    param.addEventListener('change', apply);
    apply();
    const fieldset = h(
      'fieldset',
      { className: 'analysis-form axis-fields' },
      h('legend', {}, legend),
      h('div', { className: 'field' }, h('label', { for: param.id }, t('Parameter')), param),
      portField,
      h('div', { className: 'grid3' }, from.field, to.field, steps.field),
      unit,
    );
    return {
      fieldset,
      read: () => ({ parameter: param.value as SweepParameter, node: port.value, from: readNumber(from.input), to: readNumber(to.input), steps: readNumber(steps.input) }),
    };
  }

  private nodeName = (id: string) => this.env.network()?.nodes.find((n) => n.id === id)?.name ?? id;

  /** `ruleShare`: the scenario's domestic share in words ("60 %"), the rule the marks are about. */
  private render(box: HTMLElement, result: SweepResult, parameters: SweepParameter[], ruleShare: string): void {
    const infeasible = result.rows.filter((r) => r.status !== 'optimal').length;
    if (result.parameters.length === 1) {
      const line = sweepLine(result);
      const info = sweepParameter(parameters[0]);
      const chart = lineChart({
        title: t('Margin and exports against {parameter}', { parameter: parameterLabel(result.parameters[0], this.nodeName) }),
        className: 'sweep-line',
        x: { label: parameterLabel(result.parameters[0], this.nodeName), format: info.id === 'nodeThroughput' ? (v) => `${kilotonnes(v)} ${formatStyleOf('kt')}` : info.format },
        y: { label: t('Margin, USD'), format: millions },
        y2: { label: t('Exports, kt'), format: kilotonnes, zero: true },
        series: [
          { name: t('Margin'), colour: MARGIN_COLOUR, points: line.xs.map((x, i) => ({ x, y: line.margin[i], mark: line.ruleBinds[i] })) },
          { name: t('Exports'), colour: EXPORT_COLOUR, axis: 'right', dashed: true, points: line.xs.map((x, i) => ({ x, y: line.exportTonnes[i] })) },
        ],
        markLabel: t('{share} rule binds', { share: ruleShare }),
      });
      box.innerHTML = chart.svg;
    } else {
      const grid = sweepGrid(result);
      const [ix, iy] = parameters.map(sweepParameter);
      const fmt = (info: typeof ix) => (info.id === 'nodeThroughput' ? (v: number) => `${kilotonnes(v)} ${formatStyleOf('kt')}` : info.format);
      const map = heatmap({
        title: t('Margin over {x} and {y}', { x: parameterLabel(result.parameters[0], this.nodeName), y: parameterLabel(result.parameters[1], this.nodeName) }),
        x: { label: parameterLabel(result.parameters[0], this.nodeName), values: grid.xs, format: fmt(ix) },
        y: { label: parameterLabel(result.parameters[1], this.nodeName), values: grid.ys, format: fmt(iy) },
        value: { label: t('Colour: margin, USD'), format: formatUsdCompact, short: millions },
        cells: grid.margin,
        marks: grid.ruleBinds,
        markLabel: t('{share} rule binds', { share: ruleShare }),
      });
      box.innerHTML = map.svg;
    }
    const binds = result.rows.filter((r) => r.ruleBinds).length;
    const gaps = infeasible === 0 ? '' : ` ${t(infeasible === 1 ? '{count} point has no feasible plan (gaps).' : '{count} points have no feasible plan (gaps).', { count: infeasible })}`;
    box.append(h('p', { className: 'chart-note' }, `${t('{count} points; the {share} rule binds at {binds}.', { count: result.rows.length, binds, share: ruleShare })}${gaps}`));
  }
}
