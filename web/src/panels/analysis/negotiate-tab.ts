/** The room-to-negotiate tab: per market the least and most tonnes within a tolerance of the best margin, and alternative plans. */
import { analysisApi, type Alternatives } from '../../analysis-api.ts';
import { h } from '../../dom.ts';
import { kilotonnes } from '../../lib/analysis.ts';
import { rangeBars } from '../../lib/charts/range-bars.ts';
import {
  bandText,
  DEFAULT_TOLERANCE_PCT,
  flexibleMarketIds,
  FLEXIBLE_TONNES,
  isServed,
  kt,
  MAX_TOLERANCE_PCT,
  planCard,
  rangeChartTitle,
  rangeRows,
  summaryText,
  toleranceProblem,
  toleranceShare,
} from '../../lib/negotiate.ts';
import { shortName } from '../../lib/names.ts';
import { DOMESTIC_COLOUR, EXPORT_COLOUR, marketColour } from '../../lib/style.ts';
import { failureWords, htmlOf, numberField, readNumber, say, statusLine, type TabEnv } from './common.ts';
import { t } from '../../i18n/index.ts';
import { formatElapsed } from '../../lib/format.ts';

/** `onRoom`: the markets with more than ~1 kt of room in the latest answer, to ring on the map. */
export function buildNegotiateTab(root: HTMLElement, env: TabEnv, onRoom: (ids: string[]) => void): void {
  const tolerance = numberField(t('Tolerance: margin you may give up, % of the best (0–{max})', { max: MAX_TOLERANCE_PCT }), DEFAULT_TOLERANCE_PCT, { min: 0, max: MAX_TOLERANCE_PCT, step: 0.1, id: 'negotiate-tolerance' });
  const run = h('button', { type: 'button', className: 'primary', id: 'negotiate-run' }, t('Find the room'));
  const status = statusLine('negotiate-status');
  const out = h('div', { id: 'negotiate-results' });
  let inFlight: AbortController | null = null;
  root.append(
    h(
      'p',
      { className: 'hint' },
      t(
        'For sales: how many tonnes each market can take, least to most, in any plan that keeps the margin within the tolerance of the best — what can be promised without costing more than that — and a few whole plans to compare. Works with a viewer key.',
      ),
    ),
    h('div', { className: 'analysis-form negotiate-form' }, tolerance.field),
    h('div', { className: 'actions' }, run, status),
    out,
  );
  run.addEventListener('click', async () => {
    const s = env.scenarioOr(status);
    if (!s) return;
    const pct = readNumber(tolerance.input);
    const problem = toleranceProblem(pct);
    if (problem) return say(status, problem, 'bad');
    inFlight?.abort();
    const ctrl = new AbortController();
    inFlight = ctrl;
    run.disabled = true;
    say(status, t('Measuring each market’s least and most tonnes…'), 'busy');
    const started = performance.now();
    const r = await analysisApi.alternatives(s.scenario, toleranceShare(pct), ctrl.signal);
    if (ctrl !== inFlight) return;
    inFlight = null;
    run.disabled = false;
    if (!r.ok) return say(status, failureWords(r.report, true), 'bad');
    say(status, t('Done in {time}.', { time: formatElapsed(performance.now() - started) }));
    const room = flexibleMarketIds(r.data.markets);
    render(out, r.data, room.length);
    onRoom(room);
  });
}

function render(box: HTMLElement, r: Alternatives, room: number): void {
  const rows = rangeRows(r.markets);
  const served = rows.filter(isServed).length;
  const chart = rangeBars({
    title: rangeChartTitle(r),
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
    x: { label: t('Tonnes a year, kt'), format: kilotonnes },
    divider: { at: served, label: t('Not in the best plan, possible within the tolerance') },
    legend: [
      { label: t('domestic'), colour: DOMESTIC_COLOUR, kind: 'box' },
      { label: t('export'), colour: EXPORT_COLOUR, kind: 'box' },
    ],
    tickLabel: t('best plan'),
  });
  const cards = r.plans.map((p) => planCard(p, r));
  const card = (c: (typeof cards)[number]) =>
    h(
      'article',
      { className: 'alt-card' },
      h('h4', {}, c.title),
      h('p', { className: 'alt-figures' }, h('span', {}, t('Gives up {amount}', { amount: c.givenUp })), h('span', {}, c.domestic)),
      c.changes.length
        ? h(
            'ul',
            { className: 'alt-changes' },
            ...c.changes.map((ch) => h('li', {}, h('span', { className: 'dot', style: `background:${marketColour(ch.domestic)}` }), h('span', { className: 'alt-market' }, ch.name), h('span', { className: 'alt-tonnes' }, ch.text))),
          )
        : h('p', { className: 'hint' }, t('The same markets as the best plan.')),
    );
  const shown = 6;
  box.textContent = '';
  box.append(
    h('p', { className: 'chart-note', id: 'negotiate-summary' }, summaryText(r)),
    h('figure', { className: 'chart-box', id: 'negotiate-chart' }, h('figcaption', {}, t('Room per market: least to most tonnes')), htmlOf(chart.svg)),
    h(
      'p',
      { className: 'hint' },
      `${t('The band is every volume a plan within the tolerance can deliver; the black tick is the best plan.')} `,
      room
        ? t(room === 1 ? 'On the map, a thin dashed amber ring marks the {count} market with more than {room} of room, while this tab is open.' : 'On the map, a thin dashed amber ring marks the {count} markets with more than {room} of room, while this tab is open.', { count: room, room: kt(FLEXIBLE_TONNES) })
        : t('No market has more than {room} of room, so nothing is ringed on the map.', { room: kt(FLEXIBLE_TONNES) }),
    ),
    h('h3', {}, t('Alternative plans ({count})', { count: cards.length })),
    cards.length ? h('div', { className: 'alt-cards', id: 'negotiate-plans' }, ...cards.slice(0, shown).map(card)) : h('p', { className: 'hint', id: 'negotiate-plans' }, t('No other plan within the tolerance.')),
  );
  if (cards.length > shown) box.append(h('details', { className: 'alt-more' }, h('summary', {}, t('{count} more plans', { count: cards.length - shown })), h('div', { className: 'alt-cards' }, ...cards.slice(shown).map(card))));
  if (r.unavailable.length > 0) box.append(h('p', { className: 'hint' }, t('Not available: {plans}.', { plans: r.unavailable.map((u) => t('{plan} (the solve ended {status})', { plan: u.label, status: t(u.status) })).join('; ') })));
}
