/** The share-curve tab: margin against the minimum domestic share, then sensitivity ranges and shadow prices. */
import type { ParameterRange } from '../../../../server/core/analysis-schema.ts';
import { analysisApi, type SensitivityReport } from '../../analysis-api.ts';
import { h } from '../../dom.ts';
import { currentText, digestSensitivity, ruleCostStart, millions, rangeText, shadowText, shortLabel, slopeText } from '../../lib/analysis.ts';
import { lineChart } from '../../lib/charts/line.ts';
import { formatElapsed, formatShare, formatUsdCompact, formatUsdPerTonne } from '../../lib/format.ts';
import { t } from '../../i18n/index.ts';
import { failureWords, MARGIN_COLOUR, numberField, readNumber, say, statusLine, type TabEnv } from './common.ts';

export function buildShareTab(root: HTMLElement, env: TabEnv): void {
  let report: SensitivityReport | null = null;
  let policyShare = 0.5;
  const points = numberField(t('Points on the curve'), 11, { min: 2, max: 51, step: 1, id: 'share-points' });
  const topN = numberField(t('Rows per table'), 6, { min: 1, max: 50, step: 1, id: 'share-top' });
  const run = h('button', { type: 'button', className: 'primary', id: 'sensitivity-run' }, t('Draw the share curve'));
  const status = statusLine('sensitivity-status');
  const chart = h('div', { className: 'chart-box', id: 'share-curve-chart' });
  const tables = h('div', { id: 'sensitivity-tables' });
  root.append(
    h('p', { className: 'hint' }, t('Margin for a minimum domestic share from 50 % to 100 %, with the rule on screen marked, then what moves the plan most.')),
    h('div', { className: 'analysis-form grid2' }, points.field, topN.field),
    h('div', { className: 'actions' }, run, status),
    chart,
    tables,
  );
  topN.input.addEventListener('change', () => renderTables(tables, report, readNumber(topN.input)));
  run.addEventListener('click', async () => {
    const s = env.scenarioOr(status);
    if (!s) return;
    const n = readNumber(points.input);
    if (!Number.isInteger(n) || n < 2 || n > 51) return say(status, t('Points on the curve: a whole number from 2 to 51.'), 'bad');
    run.disabled = true;
    say(status, t('Solving the plan, its ranges and the curve…'), 'busy');
    const started = performance.now();
    const result = await analysisApi.sensitivity(s.scenario, n);
    run.disabled = false;
    if (!result.ok) return say(status, failureWords(result.report), 'bad');
    const answer = result.data;
    if (answer.status !== 'optimal') return say(status, t('The plan is {status}: {reason}.', { status: t(answer.status), reason: answer.message ?? t('no ranges to show') }), 'bad');
    report = answer;
    policyShare = s.domesticShare;
    say(status, t('Done in {time}.', { time: formatElapsed(performance.now() - started) }));
    renderCurve(chart, answer, policyShare);
    renderTables(tables, report, readNumber(topN.input));
  });
}

/** The share curve's chart: margin against the minimum domestic share, the rule now marked. */
export function shareCurveChart(report: SensitivityReport, policyShare: number): ReturnType<typeof lineChart> {
  const curve = report.shareCurve;
  return lineChart({
    title: t('Margin against the minimum domestic share'),
    className: 'share-curve',
    // From the rule now (a rule below 50 % too: its marker was left off the axis) or 50 %, whichever is lower.
    x: { label: t('Minimum domestic share'), format: (v) => formatShare(v, 0), domain: [Math.min(0.5, policyShare, ...curve.map((p) => p.domesticShare)), 1] },
    y: { label: t('Margin, USD'), format: millions },
    series: [{ name: t('Margin'), colour: MARGIN_COLOUR, points: curve.map((p) => ({ x: p.domesticShare, y: p.status === 'optimal' ? p.marginUsd : null, mark: p.ruleBinds === true })) }],
    marker: { x: policyShare, label: t('rule now: {share}', { share: formatShare(policyShare, 0) }) },
    markLabel: t('the rule binds'),
  });
}

function renderCurve(box: HTMLElement, report: SensitivityReport, policyShare: number): void {
  const curve = report.shareCurve;
  const chart = shareCurveChart(report, policyShare);
  const first = curve.find((p) => p.status === 'optimal');
  const last = [...curve].reverse().find((p) => p.status === 'optimal');
  box.innerHTML = chart.svg;
  box.append(
    h(
      'p',
      { className: 'chart-note' },
      first && last
        ? `${t('From {from} to {to} at home the margin goes from {marginFrom} to {marginTo}.', { from: formatShare(first.domesticShare, 0), to: formatShare(last.domesticShare, 0), marginFrom: formatUsdCompact(first.marginUsd), marginTo: formatUsdCompact(last.marginUsd) })} `
        : '',
      ruleCostStart(report),
    ),
  );
}

function renderTables(box: HTMLElement, report: SensitivityReport | null, topN: number): void {
  box.textContent = '';
  if (!report) return;
  const d = digestSensitivity(report, Number.isFinite(topN) && topN >= 1 ? topN : 6);
  // The clearing mode's marginal values are of the market's welfare (its objective), not our margin.
  const welfare = report.valuedAs === 'welfare';
  if (d.rule) box.append(h('p', { className: 'rule-words' }, d.rule));
  const limitRow = (p: ParameterRange) => h('tr', { title: p.explanation }, h('td', {}, shortLabel(p.label)), h('td', {}, shadowText(p)), h('td', {}, rangeText(p)));
  box.append(
    h('h3', {}, t('Shadow prices: what one more tonne of a limit is worth')),
    d.shadowPrices.length
      ? h('table', { className: 'analysis-table', id: 'shadow-table' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('Limit')), h('th', { scope: 'col' }, t('Worth')), h('th', { scope: 'col' }, t('Holds between')))), h('tbody', {}, ...d.shadowPrices.map(limitRow)))
      : h('p', { className: 'hint' }, t('No capacity or demand limit binds.')),
    h('h3', {}, welfare ? t("Ranges: prices and costs the market's welfare moves with most") : t('Ranges: prices and costs the margin moves with most')),
    d.ranges.length
      ? h(
          'table',
          { className: 'analysis-table', id: 'range-table' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('Price or cost')), h('th', { scope: 'col' }, t('Now')), h('th', { scope: 'col' }, t('Plan holds for')), h('th', { scope: 'col' }, welfare ? t('Welfare per +1 USD/t') : t('Margin per +1 USD/t')))),
          h('tbody', {}, ...d.ranges.map((p) => h('tr', { title: p.explanation }, h('td', {}, shortLabel(p.label)), h('td', {}, currentText(p)), h('td', {}, rangeText(p)), h('td', {}, slopeText(p))))),
        )
      : h('p', { className: 'hint' }, welfare ? t("No price or cost moves the market's welfare.") : t('No price or cost moves the margin.')),
  );
  if (d.nearlyPaying.length) {
    box.append(
      h('h3', {}, t('Closest to paying: unsold price tiers')),
      h('ul', { className: 'why' }, ...d.nearlyPaying.map((p) => h('li', {}, t('{price}: needs +{gap}.', { price: shortLabel(p.label), gap: formatUsdPerTonne(p.priceGapUsdPerTonne) })))),
    );
  }
}
