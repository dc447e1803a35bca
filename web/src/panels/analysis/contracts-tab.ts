/** The contracts tab: which export contracts the mixed-integer plan signs, and what reversing each would cost. */
import { analysisApi, type ContractsReport } from '../../analysis-api.ts';
import { h } from '../../dom.ts';
import { usdShort } from '../../lib/analysis.ts';
import { formatTonnes, formatUsdCompact } from '../../lib/format.ts';
import { shortName } from '../../lib/names.ts';
import { t } from '../../i18n/index.ts';
import { failureWords, say, statusLine, type TabEnv } from './common.ts';

const PRICE_TAKER_ONLY =
  'Contracts are weighed in the price-taker mode only: signing one is a yes-or-no choice, which the market-clearing plan (a linear programme whose prices are its duals) cannot make. Choose “Price-taker” under “Market mode” in the scenario panel to weigh them.';

export function buildContractsTab(root: HTMLElement, env: TabEnv): void {
  const run = h('button', { type: 'button', className: 'primary', id: 'contracts-run' }, t('Weigh the contracts'));
  const status = statusLine('contracts-status');
  const out = h('div', { id: 'contracts-results' });
  root.append(
    h('p', { className: 'hint' }, t('Export contracts carry a minimum volume (per year) and a fixed yearly cost. The mixed-integer plan decides which to sign; each decision is then forced the other way to price it: “reversal costs” is the margin that would lose.')),
    h('div', { className: 'actions' }, run, status),
    out,
  );
  run.addEventListener('click', async () => {
    const s = env.scenarioOr(status);
    if (!s) return;
    // The server refuses it too (a 422): signing a contract is a mixed-integer choice, and the
    // clearing plan is a linear programme. Said here in the page's language, with the setting to change.
    if (s.scenario.market === 'clearing') {
      out.textContent = '';
      return say(status, t(PRICE_TAKER_ONLY), 'bad');
    }
    run.disabled = true;
    say(status, t('Solving the contract decisions…'), 'busy');
    const r = await analysisApi.contracts(s.scenario);
    run.disabled = false;
    if (!r.ok) return say(status, failureWords(r.report), 'bad');
    if (r.data.status !== 'optimal') return say(status, t('No plan with contracts: {reason}.', { reason: r.data.message ?? t(r.data.status) }), 'bad');
    say(status, t('Best plan with contracts: {margin} margin after their fixed costs.', { margin: formatUsdCompact(r.data.marginUsd) }));
    render(out, r.data);
  });
}

function render(box: HTMLElement, r: ContractsReport): void {
  box.textContent = '';
  if (!r.contracts.length) {
    box.append(h('p', { className: 'hint' }, t('No market offers a contract in this network.')));
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
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, t('Market')),
            h('th', { scope: 'col' }, t('Decision')),
            h('th', { scope: 'col' }, t('Tonnes')),
            h('th', { scope: 'col' }, t('Earns, USD')),
            h('th', { scope: 'col' }, t('Fixed, USD')),
            h('th', { scope: 'col', title: t('Margin lost if the decision were taken the other way') }, t('Reversal costs, USD')),
          ),
        ),
        h(
          'tbody',
          {},
          ...r.contracts.map((c) =>
            h(
              'tr',
              { title: c.explanation },
              h('td', {}, shortName(c.name)),
              h('td', { className: c.sign ? 'sign' : 'nosign' }, c.sign ? t('Sign') : t('Don’t sign')),
              h('td', {}, c.sign ? formatTonnes(c.tonnes) : t('min {tonnes}', { tonnes: formatTonnes(c.minTonnesPerYear) })),
              h('td', {}, c.sign ? usdShort(c.contributionUsd) : '—'),
              h('td', {}, usdShort(c.fixedCostUsd)),
              h('td', {}, c.lossIfReversedUsd == null ? t('no plan') : usdShort(c.lossIfReversedUsd)),
            ),
          ),
        ),
      ),
    ),
    h('ul', { className: 'why' }, ...r.contracts.map((c) => h('li', {}, c.explanation))),
  );
}
