/**
 * The results panel: KPIs, the domestic-share gauge against the policy line, costs, the cost of the
 * 50 % rule, binding constraints in words, markets; then downloads and the comparison of two runs.
 */
import type { Plan } from '../../../server/core/plan-schema.ts';
import { h } from '../dom.ts';
import type { PlanDiff } from '../lib/diff.ts';
import { formatCo2, formatShare, formatSigned, formatTonnes, formatUsd, formatUsdPerTonne } from '../lib/format.ts';
import { costBreakdown, shareGauge } from '../lib/kpi.ts';
import { marketColour } from '../lib/style.ts';

export interface HistoryEntry {
  id: string;
  label: string;
  plan: Plan;
  runId: string | null;
}

export interface KpiPanelEvents {
  onDownloadCsv(): void;
  onDownloadGeoJson(): void;
  onServerCsv(runId: string): void;
  onCopyLink(): void;
  onCompare(a: string | null, b: string | null): void;
}

export interface KpiContext {
  source: 'server' | 'browser' | 'run';
  runId: string | null;
  history: HistoryEntry[];
  compare: { a: string; b: string; diff: PlanDiff } | null;
  stale: boolean;
}

export class KpiPanel {
  constructor(
    private readonly root: HTMLElement,
    private readonly events: KpiPanelEvents,
  ) {}

  render(plan: Plan | null, ctx: KpiContext): void {
    this.root.textContent = '';
    this.root.append(h('h2', {}, 'Results'));
    if (!plan) {
      this.root.append(h('p', { className: 'hint' }, 'No plan yet.'));
      return;
    }
    const k = plan.kpis;
    const sourceText =
      ctx.source === 'browser'
        ? 'Solved in this browser (live what-if); run on the server for the reference plan.'
        : ctx.source === 'run'
          ? `Stored run ${ctx.runId}`
          : 'Solved on the server.';
    this.root.append(
      h(
        'p',
        { className: `plan-status status-${plan.status}`, id: 'plan-status' },
        h('strong', {}, plan.scenarioName),
        ` — ${plan.status}`,
        plan.horizon.kind === 'monthly' ? ', monthly' : ', annual',
        `, phase ${plan.phase}. `,
        h('span', { className: 'muted' }, sourceText),
        ctx.stale ? h('span', { className: 'stale' }, ' Inputs changed since this plan.') : null,
      ),
    );
    if (plan.message) this.root.append(h('p', { className: 'warn' }, plan.message));
    if (plan.infeasibility) {
      this.root.append(
        h(
          'div',
          { className: 'infeasible' },
          h('h3', {}, 'Why no plan fits'),
          h('ul', {}, ...plan.infeasibility.items.map((i) => h('li', {}, i.explanation))),
          h('p', {}, h('strong', {}, 'Cheapest fix: '), plan.infeasibility.suggestion),
        ),
      );
    }

    if (k) {
      const gauge = shareGauge(k);
      const gaugeEl = h(
        'div',
        { className: 'gauge', role: 'img', 'aria-label': gauge.text },
        h('div', { className: `gauge-fill${gauge.meets ? '' : ' gauge-short'}`, style: `width:${(gauge.fill * 100).toFixed(1)}%` }),
        h('div', { className: 'gauge-policy', style: `left:${(gauge.policy * 100).toFixed(1)}%` }),
        h('span', { className: 'gauge-policy-label', style: `left:${(gauge.policy * 100).toFixed(1)}%` }, `rule ${(gauge.policy * 100).toFixed(0)} %`),
      );
      this.root.append(
        h(
          'section',
          { className: 'kpis', 'aria-label': 'Key figures' },
          h(
            'div',
            { className: 'kpi-grid' },
            kpi('Production', formatTonnes(k.productionTonnes), `${formatShare(k.plantUtilisation, 0)} of capacity`, 'kpi-production'),
            kpi('Domestic', formatTonnes(k.domesticTonnes), formatShare(k.domesticShare), 'kpi-domestic'),
            kpi('Exports', formatTonnes(k.exportTonnes), formatShare(k.salesTonnes > 0 ? k.exportTonnes / k.salesTonnes : 0), 'kpi-exports'),
            kpi('Margin', formatUsd(k.marginUsd), `${formatUsd(k.marginAfterFixedCostUsd)} after fixed cost`, 'kpi-margin'),
            kpi('Revenue', formatUsd(k.revenueUsd), k.salesTonnes > 0 ? formatUsdPerTonne(k.revenueUsd / k.salesTonnes) : '', 'kpi-revenue'),
            kpi('CO₂', formatCo2(k.co2Tonnes), k.salesTonnes > 0 ? `${((k.co2Tonnes * 1000) / k.salesTonnes).toFixed(1)} kg/t` : '', 'kpi-co2'),
          ),
          h('h3', {}, 'Domestic share'),
          h('p', { className: 'gauge-text', id: 'domestic-share-text', 'data-share': k.domesticShare.toFixed(4) }, gauge.text),
          gaugeEl,
        ),
      );

      const segments = costBreakdown(k);
      if (segments.length) {
        this.root.append(
          h(
            'section',
            { 'aria-label': 'Cost breakdown' },
            h('h3', {}, 'Costs'),
            h(
              'div',
              { className: 'stack', role: 'img', 'aria-label': segments.map((s) => `${s.label} ${formatUsd(s.usd)}`).join(', ') },
              ...segments.map((s) => h('span', { style: `width:${(s.fraction * 100).toFixed(2)}%;background:${s.colour}`, title: `${s.label}: ${formatUsd(s.usd)}` })),
            ),
            h(
              'ul',
              { className: 'stack-legend' },
              ...segments.map((s) =>
                h('li', {}, h('span', { className: 'swatch', style: `background:${s.colour}` }), `${s.label} `, h('strong', {}, formatUsd(s.usd)), h('span', { className: 'muted' }, ` ${formatShare(s.fraction, 0)}`)),
              ),
            ),
          ),
        );
      }
    }

    if (plan.policyCost) {
      const pc = plan.policyCost;
      this.root.append(
        h(
          'section',
          { 'aria-label': 'Cost of the domestic rule' },
          h('h3', {}, 'Cost of the domestic-share rule'),
          h('p', { className: pc.binds ? 'binds' : '' }, pc.costUsd != null && pc.binds ? h('strong', {}, `${formatUsd(pc.costUsd)} a year. `) : null, pc.explanation),
        ),
      );
    }

    if (plan.binding.length) {
      this.root.append(
        h(
          'section',
          { 'aria-label': 'Binding constraints' },
          h('h3', {}, 'What limits the plan'),
          h(
            'ul',
            { className: 'binding' },
            ...plan.binding.slice(0, 8).map((b) =>
              h(
                'li',
                { title: b.label },
                b.explanation,
              ),
            ),
          ),
        ),
      );
    }
    if (plan.why.length) {
      this.root.append(h('section', { 'aria-label': 'Why' }, h('h3', {}, 'Why'), h('ul', { className: 'why' }, ...plan.why.slice(0, 10).map((w) => h('li', {}, w)))));
    }

    const served = [...plan.markets].filter((m) => m.tonnes > 0).sort((a, b) => b.tonnes - a.tonnes);
    if (served.length) {
      this.root.append(
        h(
          'section',
          { 'aria-label': 'Markets' },
          h('h3', {}, 'Markets served'),
          h(
            'table',
            { className: 'markets' },
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Market'), h('th', { scope: 'col' }, 'Tonnes'), h('th', { scope: 'col' }, 'of demand'), h('th', { scope: 'col' }, 'Netback'))),
            h(
              'tbody',
              {},
              ...served.map((m) =>
                h(
                  'tr',
                  {},
                  h('td', {}, h('span', { className: 'dot', style: `background:${marketColour(m.domestic)}` }), m.name),
                  h('td', {}, formatTonnes(m.tonnes)),
                  h('td', {}, formatShare(m.shareOfDemand, 0)),
                  h('td', {}, formatUsdPerTonne(m.netbackUsdPerTonne)),
                ),
              ),
            ),
          ),
        ),
      );
    }

    this.root.append(this.downloads(ctx), this.compareSection(ctx));
    this.root.append(
      h(
        'p',
        { className: 'muted solver' },
        `${plan.solver.engine} ${plan.solver.engineVersion}: ${plan.solver.variables} variables, ${plan.solver.rows} rows, ${plan.solver.totalMs.toFixed(0)} ms. Inputs hash ${plan.inputsHash.slice(0, 12)}.`,
      ),
    );
  }

  private downloads(ctx: KpiContext): HTMLElement {
    const section = h(
      'section',
      { className: 'downloads', 'aria-label': 'Downloads' },
      h('h3', {}, 'Download and share'),
      h(
        'div',
        { className: 'row wrap' },
        h('button', { type: 'button', id: 'download-csv', onclick: () => this.events.onDownloadCsv() }, 'CSV'),
        h('button', { type: 'button', id: 'download-geojson', onclick: () => this.events.onDownloadGeoJson() }, 'GeoJSON'),
        h('button', { type: 'button', id: 'copy-link', onclick: () => this.events.onCopyLink() }, 'Copy link to this view'),
      ),
    );
    if (ctx.runId) {
      const runId = ctx.runId;
      section.append(
        h(
          'p',
          {},
          h(
            'a',
            {
              href: `/api/v1/runs/${encodeURIComponent(runId)}/allocation.csv`,
              onclick: (e: Event) => {
                e.preventDefault();
                this.events.onServerCsv(runId);
              },
            },
            `Allocation CSV of stored run ${runId}`,
          ),
        ),
      );
    }
    return section;
  }

  private compareSection(ctx: KpiContext): HTMLElement {
    const section = h('section', { className: 'compare', 'aria-label': 'Compare two runs' }, h('h3', {}, 'Compare two runs'));
    if (ctx.history.length < 2) {
      section.append(h('p', { className: 'hint' }, 'Run a second scenario to compare it with the first.'));
      return section;
    }
    const options = (selected: string | undefined) => ctx.history.map((e) => h('option', { value: e.id, selected: e.id === selected }, e.label));
    const a = h('select', { id: 'compare-a' }, ...options(ctx.compare?.a ?? ctx.history[ctx.history.length - 2].id));
    const b = h('select', { id: 'compare-b' }, ...options(ctx.compare?.b ?? ctx.history[ctx.history.length - 1].id));
    section.append(
      h(
        'div',
        { className: 'compare-pick' },
        h('label', { for: 'compare-a' }, 'Plan A'),
        a,
        h('label', { for: 'compare-b' }, 'Plan B'),
        b,
      ),
      h(
        'div',
        { className: 'row' },
        h('button', { type: 'button', id: 'compare-button', onclick: () => this.events.onCompare(a.value, b.value) }, 'Show difference on map'),
        ctx.compare ? h('button', { type: 'button', onclick: () => this.events.onCompare(null, null) }, 'Back to plan') : null,
      ),
    );
    if (ctx.compare) {
      const d = ctx.compare.diff;
      const fmt = (unit: string, v: number | null) =>
        v == null ? '—' : unit === 'usd' ? formatUsd(v) : unit === 'share' ? formatShare(v) : unit === 'co2' ? formatCo2(v) : formatTonnes(v);
      section.append(
        h(
          'table',
          { className: 'compare-table', id: 'compare-table' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, ''), h('th', { scope: 'col' }, 'A'), h('th', { scope: 'col' }, 'B'), h('th', { scope: 'col' }, 'B − A'))),
          h(
            'tbody',
            {},
            ...d.kpis.map((r) =>
              h(
                'tr',
                {},
                h('th', { scope: 'row' }, r.label),
                h('td', {}, fmt(r.unit, r.a)),
                h('td', {}, fmt(r.unit, r.b)),
                h('td', { className: r.delta && r.delta > 0 ? 'up' : r.delta && r.delta < 0 ? 'down' : '' }, r.delta == null ? '—' : formatSigned(r.delta, (v) => fmt(r.unit, v))),
              ),
            ),
          ),
        ),
        h(
          'ul',
          { className: 'compare-markets' },
          ...d.markets
            .filter((m) => Math.abs(m.delta) >= 1)
            .slice(0, 8)
            .map((m) => h('li', {}, `${m.name}: ${formatSigned(m.delta, formatTonnes)}`)),
        ),
      );
    }
    return section;
  }
}

function kpi(label: string, value: string, note: string, id: string): HTMLElement {
  return h('div', { className: 'kpi', id }, h('div', { className: 'kpi-label' }, label), h('div', { className: 'kpi-value' }, value), h('div', { className: 'kpi-note' }, note));
}
