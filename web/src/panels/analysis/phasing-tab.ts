/** The phasing tab: one plan over five years, volumes by year and destination. */
import { analysisApi, type PhasingAnswer } from '../../analysis-api.ts';
import { h } from '../../dom.ts';
import { kilotonnes, phasingSeries } from '../../lib/analysis.ts';
import { stackedBars } from '../../lib/charts/stacked-bars.ts';
import { formatShare, formatTonnes, formatUsdCompact } from '../../lib/format.ts';
import { failureWords, htmlOf, say, statusLine, type TabEnv } from './common.ts';
import { t } from '../../i18n/index.ts';
import { DECIMAL_BOX, parseDecimal } from '../../lib/decimal-input.ts';

export function buildPhasingTab(root: HTMLElement, env: TabEnv): void {
  const from = h('select', { id: 'phasing-phase2' }, h('option', { value: '' }, t('Never (phase 1 throughout)')), ...[2027, 2028, 2029, 2030, 2031].map((y) => h('option', { value: String(y), selected: y === 2029 }, String(y))));
  const growth = h('input', { ...DECIMAL_BOX, id: 'phasing-growth', placeholder: t('as in the network') });
  const run = h('button', { type: 'button', className: 'primary', id: 'phasing-run' }, t('Plan {from}–{to}', { from: 2027, to: 2031 }));
  const status = statusLine('phasing-status');
  const out = h('div', { id: 'phasing-results' });
  root.append(
    h('p', { className: 'hint' }, t('One plan over five years: phase 2 capacity from the year you choose, markets opening with it, demand growing.')),
    h(
      'div',
      { className: 'analysis-form grid2' },
      h('div', { className: 'field' }, h('label', { for: from.id }, t('Phase 2 ({capacity}/yr) from', { capacity: formatTonnes(2_500_000) })), from),
      h('div', { className: 'field' }, h('label', { for: growth.id }, t('Demand growth, % per year, every market (blank = network figures)')), growth),
    ),
    h('div', { className: 'actions' }, run, status),
    out,
  );
  run.addEventListener('click', async () => {
    const s = env.scenarioOr(status);
    if (!s) return;
    const g = growth.value.trim() === '' ? null : parseDecimal(growth.value);
    if (g != null && (!Number.isFinite(g) || g < -100 || g > 100)) return say(status, t('Demand growth: a number from −100 to 100.'), 'bad');
    const markets = env.network()?.markets ?? [];
    // "Never" is phase 1 in every year, whatever the form's phase (without a start year the plan keeps the scenario's phase).
    const scenario = { ...s.scenario, horizon: { kind: 'annual', year: 2027 }, ...(from.value ? {} : { phase: 1 }) };
    run.disabled = true;
    say(status, t('Planning five years…'), 'busy');
    const r = await analysisApi.phasing({
      scenario: scenario as never,
      fromYear: 2027,
      toYear: 2031,
      ...(from.value ? { phase2FromYear: Number(from.value) } : {}),
      ...(g != null ? { growthPctPerYear: Object.fromEntries(markets.map((m) => [m.id, g])) } : {}),
    });
    run.disabled = false;
    if (!r.ok) return say(status, failureWords(r.report), 'bad');
    if (r.data.status !== 'optimal') return say(status, t('The five-year plan is {status}: {reason}', { status: t(r.data.status), reason: r.data.message ?? '' }), 'bad');
    say(status, t('Margin over five years: {margin}.', { margin: formatUsdCompact(r.data.marginUsd) }));
    render(out, r.data);
  });
}

function render(box: HTMLElement, r: PhasingAnswer): void {
  const series = phasingSeries(r);
  const chart = stackedBars({
    title: t('Volumes by year and destination'),
    categories: r.years.map(String),
    series,
    y: { label: t('Sales, kt'), format: kilotonnes },
    line: { name: t('plant capacity'), values: r.capacityTonnesByYear },
    notes: r.domesticShareByYear.map((s) => (s == null ? '' : t('{share} home', { share: formatShare(s, 0) }))),
  });
  box.textContent = '';
  box.append(
    h('figure', { className: 'chart-box', id: 'phasing-chart' }, htmlOf(chart.svg)),
    h('ul', { className: 'stack-legend phasing-legend' }, ...[...series].reverse().map((s) => h('li', {}, h('span', { className: 'swatch', style: `background:${s.colour}` }), s.name))),
    h(
      'table',
      { className: 'analysis-table numeric' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('Year')), h('th', { scope: 'col' }, t('Phase')), h('th', { scope: 'col' }, t('Production')), h('th', { scope: 'col' }, t('Domestic')), h('th', { scope: 'col' }, t('Exports')), h('th', { scope: 'col' }, t('Home')))),
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
