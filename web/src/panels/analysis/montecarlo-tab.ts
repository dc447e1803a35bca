/** The Monte Carlo tab: margin, exports and domestic share under uncertain prices, freight and demand (a job), and the robust markets. */
import { analysisApi, type MonteCarloJobResult } from '../../analysis-api.ts';
import { h } from '../../dom.ts';
import { DEFAULT_MONTE_CARLO, kilotonnes, millions, monteCarloProblem, monteCarloRequest, percent, trim, usdShort, type MonteCarloForm } from '../../lib/analysis.ts';
import { histogram } from '../../lib/charts/histogram.ts';
import { formatNumber, formatShare, formatTonnes, formatUsdCompact } from '../../lib/format.ts';
import { DOMESTIC_COLOUR, EXPORT_COLOUR, marketColour } from '../../lib/style.ts';
import { htmlOf, kpi, MARGIN_COLOUR, numberField, readNumber, ruleShareOf, say, type TabEnv } from './common.ts';
import { JobRunner } from './job-runner.ts';
import { t } from '../../i18n/index.ts';

/** `onRobust`: the markets served in most draws (null while a run is under way), to ring on the map. */
export function buildMonteCarloTab(root: HTMLElement, env: TabEnv, onRobust: (ids: string[] | null) => void): void {
  const d = DEFAULT_MONTE_CARLO;
  const draws = numberField(t('Draws'), d.draws, { min: 1, max: 200000, step: 1, id: 'mc-draws' });
  const seed = numberField(t('Seed'), d.seed, { min: 0, step: 1, id: 'mc-seed' });
  const price = numberField(t('Export price spread (sd, × 1)'), d.exportPriceSd, { min: 0, step: 0.01, id: 'mc-price-sd' });
  const freight = numberField(t('Freight spread (sd, × 1)'), d.freightSd, { min: 0, step: 0.01, id: 'mc-freight-sd' });
  const demand = numberField(t('Demand spread (± share)'), d.demandSpread, { min: 0, max: 1, step: 0.01, id: 'mc-demand' });
  const job = new JobRunner('mc', t('Run Monte Carlo'));
  const out = h('div', { id: 'mc-results' });
  root.append(
    h('p', { className: 'hint' }, t('Export prices and freight drawn around 1 (normal), every market’s demand uniform within the spread; 0 keeps an input fixed. The same seed gives the same result.')),
    h('div', { className: 'analysis-form grid2' }, draws.field, seed.field, price.field, freight.field, demand.field),
    job.controls(),
    out,
  );
  job.start.addEventListener('click', async () => {
    const s = env.scenarioOr(job.status);
    if (!s) return;
    const form: MonteCarloForm = { draws: readNumber(draws.input), seed: readNumber(seed.input), exportPriceSd: readNumber(price.input), freightSd: readNumber(freight.input), demandSpread: readNumber(demand.input) };
    const problem = monteCarloProblem(form);
    if (problem) return say(job.status, problem, 'bad');
    out.textContent = '';
    onRobust(null);
    const done = await job.run(() => analysisApi.startMonteCarlo(monteCarloRequest(s.scenario as never, form)), t('draws'));
    if (done?.kind !== 'montecarlo' || !done.result) return;
    render(out, done.result, ruleShareOf(s.scenario));
    onRobust(done.result.robustMarkets);
  });
}

function render(box: HTMLElement, r: MonteCarloJobResult, ruleShare: string): void {
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
      kpi(t('Rule binds'), percent(r.ruleBindsProbability), t('of draws: the domestic-share rule ({share}) costs margin', { share: ruleShare }), 'mc-rule-binds'),
      kpi(t('Margin p50'), formatUsdCompact(r.marginUsd.p50), `p5 ${formatUsdCompact(r.marginUsd.p5)} · p95 ${formatUsdCompact(r.marginUsd.p95)}`),
    ),
    bad ? h('p', { className: 'warn' }, t('{bad} of {draws} draws had no optimal plan and are left out.', { bad: formatNumber(bad), draws: formatNumber(r.draws) })) : null,
    hist(t('Margin'), r.marginUsd, t('Margin, USD'), millions, usdShort, MARGIN_COLOUR, 'mc-hist-margin'),
    hist(t('Export volume'), r.exportTonnes, t('Exports, kt'), kilotonnes, formatTonnes, EXPORT_COLOUR, 'mc-hist-export'),
    hist(t('Domestic share'), r.domesticShare, t('Domestic share of sales'), (v) => `${trim(v * 100, 0)} %`, (v) => formatShare(v), DOMESTIC_COLOUR, 'mc-hist-share'),
    h('h3', {}, t('Robust markets: served in ≥ {share} of draws', { share: formatShare(r.robustThreshold, 0) })),
    robust.length
      ? h('ul', { className: 'market-list', id: 'mc-robust' }, ...robust.map((m) => h('li', {}, h('span', { className: 'dot', style: `background:${marketColour(m.domestic)}` }), m.name, h('span', { className: 'muted' }, ` ${percent(m.servedShare)}`))))
      : h('p', { className: 'hint', id: 'mc-robust' }, t('No market is served in that many draws.')),
    h('p', { className: 'hint' }, t('Rings on the map mark them while this panel is open.')),
    sometimes.length
      ? h('details', {}, h('summary', {}, t('Served in some draws ({count})', { count: sometimes.length })), h('ul', { className: 'market-list' }, ...sometimes.map((m) => h('li', {}, h('span', { className: 'dot', style: `background:${marketColour(m.domestic)}` }), m.name, h('span', { className: 'muted' }, ` ${percent(m.servedShare)}`)))))
      : null,
  ];
  box.append(...parts.filter((p): p is HTMLElement => p != null));
}
