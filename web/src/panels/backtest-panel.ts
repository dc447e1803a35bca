/**
 * The backtest view's panel: the model calibrated on one year and run on the next, against what was
 * observed: targets met or missed, the narrative, and every row in a table. When the server has no
 * backtest it says so (never an empty panel).
 */
import { h } from '../dom.ts';
import { BAND_COLOURS, bandLabel, backtestView, type BacktestState, type ErrorBand } from '../lib/backtest.ts';
import { locale, t } from '../i18n/index.ts';

export class BacktestPanel {
  constructor(private readonly root: HTMLElement) {
    this.render({ kind: 'loading' });
  }

  render(state: BacktestState): void {
    this.root.textContent = '';
    this.root.dataset.state = state.kind;
    this.root.append(h('h2', {}, t('Backtest')));
    if (state.kind === 'loading') {
      this.root.append(h('p', { className: 'hint', role: 'status' }, t('Asking the server for the backtest…')));
      return;
    }
    if (state.kind === 'unavailable') {
      this.root.append(
        h('p', { className: 'warn', id: 'backtest-unavailable', role: 'status' }, state.message),
        h('p', { className: 'hint' }, t('The backtest compares the model, calibrated on one year, with what was observed the next year. The map shows the plan meanwhile.')),
      );
      return;
    }
    const view = backtestView(state.data);
    this.root.append(h('p', { className: 'muted', id: 'backtest-title' }, `${view.title}. ${t('Bars on the map: modelled (filled, coloured by error) and observed (outlined; dashed when an estimate).')}`));
    const bands = (['good', 'fair', 'poor', 'none'] as ErrorBand[]).map((b) => h('li', {}, h('span', { className: 'swatch', style: `background:${BAND_COLOURS[b]}` }), bandLabel(b)));
    if (locale() !== 'en') {
      this.root.append(h('p', { className: 'hint', id: 'backtest-language' }, t('The names of the targets and what the backtest says come from the server and stay in English.')));
    }
    this.root.append(h('ul', { className: 'stack-legend backtest-bands', 'aria-label': t('Error colours') }, ...bands));

    this.root.append(
      h(
        'section',
        { 'aria-label': t('Targets'), id: 'backtest-targets' },
        h('h3', {}, t('Targets: {met} of {count} met', { met: view.targetsMet, count: view.targets.length })),
        h(
          'p',
          { className: 'hint', id: 'backtest-evidence' },
          t("{count} of {total} judged on observations independent of the model's inputs; a target met on built-in observations shows the model consistent with its data, not accurate.", {
            count: view.targetsIndependent,
            total: view.targets.length,
          }),
        ),
        h(
          'ul',
          { className: 'backtest-targets' },
          ...view.targets.map((target) =>
            h(
              'li',
              { className: target.met ? 'met' : 'missed' },
              h('strong', {}, target.met ? t('Met') : t('Missed')),
              ` — ${t('{name}: {value} (target {target})', { name: target.name, value: target.value, target: target.target })} `,
              h('span', { className: `backtest-evidence evidence-${target.evidence.replaceAll(' ', '-')}` }, target.evidenceLabel),
              target.detail ? h('div', { className: 'hint backtest-target-detail' }, target.detail) : null,
              target.evidenceNote ? h('div', { className: 'hint backtest-evidence-note' }, target.evidenceNote) : null,
            ),
          ),
        ),
      ),
    );
    if (view.narrative.length) {
      this.root.append(
        h(
          'section',
          { 'aria-label': t('What the backtest says'), id: 'backtest-narrative' },
          h('h3', {}, t('What it says')),
          ...view.narrative.map((p) => h('p', {}, p)),
        ),
      );
    }
    this.root.append(
      h(
        'section',
        { 'aria-label': t('Modelled against observed') },
        h('h3', {}, t('Modelled against observed')),
        h(
          'table',
          { className: 'markets backtest-table', id: 'backtest-table' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('What')), h('th', { scope: 'col' }, t('Modelled')), h('th', { scope: 'col' }, t('Observed')), h('th', { scope: 'col' }, t('Error')))),
          h(
            'tbody',
            {},
            ...view.table.map((r) =>
              h(
                'tr',
                { 'data-band': r.band },
                h('td', {}, h('span', { className: 'muted' }, `${r.kindLabel}: `), r.name),
                h('td', {}, r.modelled),
                h('td', {}, r.observed),
                h('td', {}, h('span', { className: 'dot', style: `background:${r.colour}` }), r.error),
              ),
            ),
          ),
        ),
      ),
    );
  }
}
