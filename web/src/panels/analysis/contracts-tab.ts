/** The contracts tab: which export contracts the mixed-integer plan signs, and what reversing each would cost. */
import { analysisApi, type ContractsReport } from '../../analysis-api.ts';
import { h } from '../../dom.ts';
import { usdShort } from '../../lib/analysis.ts';
import { formatTonnes, formatUsdCompact } from '../../lib/format.ts';
import { shortName } from '../../lib/names.ts';
import { failureWords, say, statusLine, type TabEnv } from './common.ts';

export function buildContractsTab(root: HTMLElement, env: TabEnv): void {
  const run = h('button', { type: 'button', className: 'primary', id: 'contracts-run' }, 'Weigh the contracts');
  const status = statusLine('contracts-status');
  const out = h('div', { id: 'contracts-results' });
  root.append(
    h('p', { className: 'hint' }, 'Export contracts carry a minimum volume (per year) and a fixed yearly cost. The mixed-integer plan decides which to sign; each decision is then forced the other way to price it: “reversal costs” is the margin that would lose.'),
    h('div', { className: 'actions' }, run, status),
    out,
  );
  run.addEventListener('click', async () => {
    const s = env.scenarioOr(status);
    if (!s) return;
    run.disabled = true;
    say(status, 'Solving the contract decisions…', 'busy');
    const r = await analysisApi.contracts(s.scenario);
    run.disabled = false;
    if (!r.ok) return say(status, failureWords(r.report), 'bad');
    if (r.data.status !== 'optimal') return say(status, `No plan with contracts: ${r.data.message ?? r.data.status}.`, 'bad');
    say(status, `Best plan with contracts: ${formatUsdCompact(r.data.marginUsd)} margin after their fixed costs.`);
    render(out, r.data);
  });
}

function render(box: HTMLElement, r: ContractsReport): void {
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
