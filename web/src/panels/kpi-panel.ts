/**
 * The results panel: KPIs, the domestic-share gauge against the policy line, costs, the cost of the
 * 50 % rule, binding constraints in words, markets; for clearing plans our margin at clearing prices
 * and every market's price, share and price setter; then downloads and the comparison of two runs.
 * Money in USD or KZT (the reader's choice, at the plan's rate).
 */
import { planHasProductForms } from '../../../server/core/allocation-csv.ts';
import type { PackingUse, Plan } from '../../../server/core/plan-schema.ts';
import type { Network } from '../../../server/core/schema.ts';
import { h } from '../dom.ts';
import { modesNote, networksNote, rangesNotes, yearsNote, type PlanDiff } from '../lib/diff.ts';
import { clearingRowPrice, clearingRows, clearingRowSetter, clearingSummary, isClearingPlan, rangeText, type ClearingPlan } from '../lib/clearing.ts';
import { formatCo2, formatShare, formatSigned, formatTonnes, formatNumber } from '../lib/format.ts';
import { CURRENCIES, money, rateNote, USD, usableRate, type Currency, type Money } from '../lib/money.ts';
import { horizonHeader, kpiScope, periodSliderLabel, policyCostSpan } from '../lib/horizon.ts';
import { costBreakdown, monthFigures, shareGauge } from '../lib/kpi.ts';
import { marketColour } from '../lib/style.ts';
import { locale, t } from '../i18n/index.ts';
import { bindingSubjectText, bindingText, infeasibilityText, planMessageText, planWhy, policyCostText } from '../lib/why.ts';

export interface HistoryEntry {
  id: string;
  label: string;
  plan: Plan;
  runId: string | null;
  /** The network the plan was made on, when it is not the default one. */
  network: Network | null;
}

export interface KpiPanelEvents {
  onDownloadCsv(): void;
  onDownloadGeoJson(): void;
  /** The plan as an Excel workbook (KPIs, markets, routes, legs, monthly tables, comparison, sources). */
  onDownloadXlsx(): void;
  /** The map view as a PNG image (for slides). */
  onDownloadMapPng(): void;
  onServerCsv(runId: string): void;
  onCopyLink(): void;
  onCompare(a: string | null, b: string | null): void;
  onCurrency(currency: Currency): void;
}

export interface KpiContext {
  source: 'server' | 'browser' | 'run';
  runId: string | null;
  history: HistoryEntry[];
  compare: { a: string; b: string; diff: PlanDiff } | null;
  stale: boolean;
  /** Currency chosen for money in the page. */
  currency: Currency;
  /** The server reads only with a key and there is none yet. */
  needsKey?: boolean;
  /** The period on the map's slider (null: the whole horizon). */
  period?: number | null;
  /** The phase in force in each of the plan's periods, from the scenario it was made from (null: not known). */
  phases?: readonly number[] | null;
}

export class KpiPanel {
  private m: Money = USD;
  /** Plans of several periods: says what the key figures cover and gives the slider's period beside them. */
  private monthNote: HTMLElement | null = null;
  private phases: readonly number[] | null = null;

  constructor(
    private readonly root: HTMLElement,
    private readonly events: KpiPanelEvents,
  ) {}

  /** The out-of-date flag alone, on the plan already shown (the form changed, the plan did not). */
  setStale(stale: boolean): void {
    const status = this.root.querySelector('#plan-status');
    if (!status) return;
    const flag = status.querySelector('#stale-flag');
    if (stale && !flag) status.append(staleFlag());
    else if (!stale) flag?.remove();
  }

  render(plan: Plan | null, ctx: KpiContext): void {
    this.root.textContent = '';
    this.monthNote = null;
    this.root.append(h('h2', {}, t('Results')));
    if (!plan) {
      this.root.append(h('p', { className: 'hint', id: 'no-plan' }, ctx.needsKey ? t('Sign in with an API key to see plans: this server shows them only with a key.') : t('No plan yet.')));
      return;
    }
    this.m = money(ctx.currency, plan.kztPerUsd);
    this.root.append(this.currencySwitch(plan, ctx.currency));
    const clearing = isClearingPlan(plan) ? plan : null;
    const k = plan.kpis;
    const sourceText =
      ctx.source === 'browser'
        ? t('Solved in this browser (live what-if); run on the server for the reference plan.')
        : ctx.source === 'run'
          ? t('Stored run {id}', { id: ctx.runId ?? '' })
          : t('Solved on the server.');
    this.root.append(
      h(
        'p',
        { className: `plan-status status-${plan.status}`, id: 'plan-status' },
        h('strong', {}, plan.scenarioName),
        ` — ${t(plan.status)}`,
        h('span', { id: 'plan-horizon' }, horizonHeader(plan, ctx.phases ?? null)),
        clearing ? t(', market clearing. ') : '. ',
        h('span', { className: 'muted' }, sourceText),
        ctx.stale ? staleFlag() : null,
      ),
    );
    const message = planMessageText(plan, this.m);
    if (message) this.root.append(h('p', { className: 'warn' }, message));
    if (plan.infeasibility) {
      const why = infeasibilityText(plan.infeasibility, this.m);
      this.root.append(
        h(
          'div',
          { className: 'infeasible' },
          h('h3', {}, t('Why no plan fits')),
          h('ul', {}, ...why.items.map((text) => h('li', {}, text))),
          h('p', { className: 'infeasible-fix' }, why.suggestion),
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
        h('span', { className: 'gauge-policy-label', style: `left:${(gauge.policy * 100).toFixed(1)}%` }, t('rule {n} %', { n: (gauge.policy * 100).toFixed(0) })),
      );
      this.root.append(
        h(
          'section',
          { className: 'kpis', 'aria-label': t('Key figures') },
          h(
            'div',
            { className: 'kpi-grid' },
            kpi(t('Production'), formatTonnes(k.productionTonnes), t('{share} of capacity', { share: formatShare(k.plantUtilisation, 0) }), 'kpi-production'),
            kpi(t('Domestic'), formatTonnes(k.domesticTonnes), formatShare(k.domesticShare), 'kpi-domestic'),
            kpi(t('Exports'), formatTonnes(k.exportTonnes), formatShare(k.salesTonnes > 0 ? k.exportTonnes / k.salesTonnes : 0), 'kpi-exports'),
            this.marginKpi(k, clearing),
            kpi(t('Revenue'), this.m.total(k.revenueUsd), k.salesTonnes > 0 ? this.m.perTonne(k.revenueUsd / k.salesTonnes) : '', 'kpi-revenue'),
            kpi(t('CO₂'), formatCo2(k.co2Tonnes), k.salesTonnes > 0 ? t('{n} kg/t', { n: formatNumber((k.co2Tonnes * 1000) / k.salesTonnes, 1) }) : '', 'kpi-co2'),
          ),
          h('h3', {}, t('Domestic share')),
          h('p', { className: 'gauge-text', id: 'domestic-share-text', 'data-share': k.domesticShare.toFixed(4) }, gauge.text),
          gaugeEl,
        ),
      );
      this.phases = ctx.phases ?? null;
      if (kpiScope(plan)) {
        this.monthNote = h('p', { className: 'kpi-month', id: 'kpi-month', role: 'status' });
        this.root.querySelector('.kpi-grid')!.after(this.monthNote);
        this.showMonth(plan, ctx.period ?? null);
      }

      const segments = costBreakdown(k);
      if (segments.length) {
        this.root.append(
          h(
            'section',
            { 'aria-label': t('Cost breakdown') },
            h('h3', {}, t('Costs')),
            h(
              'div',
              { className: 'stack', role: 'img', 'aria-label': segments.map((s) => `${s.label} ${this.m.total(s.usd)}`).join(', ') },
              ...segments.map((s) => h('span', { style: `width:${(s.fraction * 100).toFixed(2)}%;background:${s.colour}`, title: `${s.label}: ${this.m.total(s.usd)}` })),
            ),
            h(
              'ul',
              { className: 'stack-legend' },
              ...segments.map((s) =>
                h('li', {}, h('span', { className: 'swatch', style: `background:${s.colour}` }), `${s.label} `, h('strong', {}, this.m.total(s.usd)), h('span', { className: 'muted' }, ` ${formatShare(s.fraction, 0)}`)),
              ),
            ),
          ),
        );
      }
    }

    if (clearing) this.root.append(this.clearingSection(clearing));

    if (plan.policyCost) {
      const pc = plan.policyCost;
      this.root.append(
        h(
          'section',
          { 'aria-label': t('Cost of the domestic rule') },
          h('h3', {}, t('Cost of the domestic-share rule')),
          h('p', { className: pc.binds ? 'binds' : '' }, pc.costUsd != null && pc.binds ? h('strong', {}, policyCostSpan(plan, this.m.total(pc.costUsd)), ' ') : null, policyCostText(pc, this.m)),
        ),
      );
    }

    const why = planWhy(plan, this.m);
    const inEnglish = !why.translated && locale() !== 'en';
    if (plan.binding.length) {
      this.root.append(
        h(
          'section',
          { 'aria-label': t('Binding constraints') },
          h('h3', {}, t('What limits the plan')),
          inEnglish ? h('p', { className: 'hint', id: 'why-language' }, t('This stored plan is older than sentences in other languages: what limits the plan and why stay in English.')) : null,
          h(
            'ul',
            { className: 'binding' },
            ...plan.binding.slice(0, 8).map((b) =>
              h(
                'li',
                { title: bindingSubjectText(b, this.m) ?? undefined },
                bindingText(b, this.m),
              ),
            ),
          ),
        ),
      );
    }
    if (plan.why.length) {
      this.root.append(
        h(
          'section',
          { 'aria-label': t('Why'), id: 'why' },
          h('h3', {}, t('Why')),
          h('ul', { className: 'why' }, ...why.lines.slice(0, 12).map((w) => h('li', {}, w))),
          this.m.currency === 'KZT' && !why.translated ? h('p', { className: 'hint' }, t('These sentences are written by the optimiser in USD.')) : null,
        ),
      );
    }

    if (plan.packing?.length) this.root.append(this.packingSection(plan.packing));

    const served = [...plan.markets].filter((m) => m.tonnes > 0).sort((a, b) => b.tonnes - a.tonnes);
    const forms = planHasProductForms(plan);
    if (served.length) {
      this.root.append(
        h(
          'section',
          { 'aria-label': t('Markets'), className: 'markets-served' },
          h('h3', {}, t('Markets served')),
          h(
            'table',
            { className: 'markets' },
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('Market')), h('th', { scope: 'col' }, t('Tonnes'), forms ? h('span', { className: 'forms' }, t('Bagged / bulk')) : null), h('th', { scope: 'col' }, t('of demand')), h('th', { scope: 'col' }, t('Netback')))),
            h(
              'tbody',
              {},
              ...served.map((m) =>
                h(
                  'tr',
                  {},
                  h('td', {}, h('span', { className: 'dot', style: `background:${marketColour(m.domestic)}` }), m.name),
                  h(
                    'td',
                    {},
                    formatTonnes(m.tonnes),
                    forms ? h('span', { className: 'forms', title: t('Bagged / bulk') }, `${formatTonnes(m.baggedTonnes ?? 0)} / ${formatTonnes(m.bulkTonnes ?? m.tonnes - (m.baggedTonnes ?? 0))}`) : null,
                  ),
                  h('td', {}, formatShare(m.shareOfDemand, 0)),
                  h('td', {}, this.m.perTonne(m.netbackUsdPerTonne)),
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
        t('{engine} {version}: {variables} variables, {rows} rows, {ms} ms. Inputs hash {hash}.', {
          engine: plan.solver.engine,
          version: plan.solver.engineVersion,
          variables: formatNumber(plan.solver.variables),
          rows: formatNumber(plan.solver.rows),
          ms: formatNumber(plan.solver.totalMs),
          hash: plan.inputsHash.slice(0, 12),
        }),
      ),
    );
  }

  /**
   * Our margin's key figure. In the clearing mode, where a price we sell at is a range, the margin is
   * one too (`ourMarginRangeUsd`): the card gives the range, and the margin after fixed cost as one,
   * not the solver's end of it as fact.
   */
  private marginKpi(k: NonNullable<Plan['kpis']>, clearing: ClearingPlan | null): HTMLElement {
    const range = clearing?.clearing.ourMarginRangeUsd ?? null;
    if (!clearing) return kpi(t('Margin'), this.m.total(k.marginUsd), t('{money} after fixed cost', { money: this.m.total(k.marginAfterFixedCostUsd) }), 'kpi-margin');
    if (!range) return kpi(t('Margin at clearing prices'), this.m.total(k.marginUsd), t('{money} after fixed cost', { money: this.m.total(k.marginAfterFixedCostUsd) }), 'kpi-margin');
    const fixed = k.marginUsd - k.marginAfterFixedCostUsd;
    const afterFixed = { low: range.low - fixed, high: range.high === null ? null : range.high - fixed };
    return kpi(t('Margin at clearing prices'), rangeText(range, this.m.total), t('{money} after fixed cost', { money: rangeText(afterFixed, this.m.total) }), 'kpi-margin');
  }

  /** USD or KZT for every sum on the page; KZT at the plan's own rate, off when the plan has none. */
  /**
   * The period on the slider beside the key figures of a plan of several periods, which cover the whole
   * horizon (a monthly plan's year, or the total over a run of years): our production, domestic and
   * export tonnes in that month or year.
   */
  showMonth(plan: Plan, period: number | null): void {
    const note = this.monthNote;
    const scope = kpiScope(plan);
    if (!note || !scope) return;
    const month = monthFigures(plan, period);
    note.dataset.period = month && period != null ? plan.horizon.periods[period] : 'year';
    if (!month || period == null) {
      note.textContent = scope.whole;
      return;
    }
    note.textContent = '';
    note.append(
      scope.above,
      ' ',
      // It starts a sentence: "Dec 2027", "Дек. 2027 г." (the month is lower case in Russian).
      h('strong', {}, capitalise(periodSliderLabel(plan, period, this.phases))),
      ': ',
      t('production {production}, domestic {domestic} ({share}), exports {exports}.', {
        production: formatTonnes(month.productionTonnes),
        domestic: formatTonnes(month.domesticTonnes),
        share: formatShare(month.domesticShareOfSales),
        exports: formatTonnes(month.exportTonnes),
      }),
    );
  }

  private currencySwitch(plan: Plan, current: Currency): HTMLElement {
    const rate = usableRate(plan.kztPerUsd);
    const group = h('div', { className: 'currency-switch', role: 'radiogroup', 'aria-label': t('Currency for money') }, h('span', { className: 'muted' }, t('Money in')));
    for (const c of CURRENCIES) {
      const id = `currency-${c.toLowerCase()}`;
      const input = h('input', { type: 'radio', name: 'currency', id, value: c, checked: this.m.currency === c, disabled: c === 'KZT' && rate == null });
      input.addEventListener('change', () => input.checked && this.events.onCurrency(c));
      group.append(input, h('label', { for: id }, c));
    }
    const note = rateNote(this.m, plan.horizon.periods[0]?.slice(0, 4));
    // The switch is left out of print; a printed page in tenge still says the rate (a line of its own).
    if (note) group.append(h('span', { className: 'muted currency-note' }, note), h('span', { className: 'currency-print', id: 'currency-print' }, t('Money in tenge {rate}.', { rate: note })));
    else if (current === 'KZT' && rate == null) group.append(h('span', { className: 'muted currency-note' }, t('this plan carries no KZT rate: USD')));
    return group;
  }

  /**
   * Each plant's bagging line: tonnes packed of its capacity, and what one more tonne a year of line
   * adds to the margin (its shadow price, worth something only when the line is full).
   */
  private packingSection(lines: PackingUse[]): HTMLElement {
    return h(
      'section',
      { className: 'packing', id: 'packing', 'aria-label': t('Bagging lines') },
      h('h3', {}, t('Bagging lines')),
      h(
        'table',
        { className: 'markets packing-lines' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('Plant')), h('th', { scope: 'col' }, t('Bagged of capacity')), h('th', { scope: 'col' }, t('Used')), h('th', { scope: 'col' }, t('One more tonne of line')))),
        h(
          'tbody',
          {},
          ...lines.map((p) =>
            h(
              'tr',
              { 'data-plant': p.plantId },
              h('td', {}, p.name),
              h('td', {}, t('{tonnes} of {capacity}', { tonnes: formatTonnes(p.tonnes), capacity: formatTonnes(p.capacityTonnes) })),
              h('td', {}, p.utilisation === null ? '—' : formatShare(p.utilisation, 0)),
              h(
                'td',
                { className: 'shadow-price' },
                p.shadowPriceUsdPerTonne === null ? '—' : p.shadowPriceUsdPerTonne > 0 ? this.m.perTonne(p.shadowPriceUsdPerTonne) : t('nothing: the line has room'),
              ),
            ),
          ),
        ),
      ),
    );
  }

  /**
   * The market-clearing read-out: our margin at clearing prices, the whole market's welfare, tonnes on
   * each side, then every market's price, tonnes bought, our share and who sets the price.
   */
  private clearingSection(plan: ClearingPlan): HTMLElement {
    const s = clearingSummary(plan);
    const rows = clearingRows(plan);
    const ranged = s.ourMarginRangeUsd != null || rows.some((r) => r.priceRange);
    return h(
      'section',
      { className: 'clearing', id: 'clearing-summary', 'aria-label': t('Market clearing') },
      h('h3', {}, t('Market clearing')),
      h(
        'div',
        { className: 'kpi-grid' },
        kpi(
          t('Our margin at clearing prices'),
          s.ourMarginRangeUsd ? rangeText(s.ourMarginRangeUsd, this.m.total) : this.m.total(s.ourMarginUsd),
          t('{n} markets with us', { n: s.marketsWithUs }),
          'kpi-clearing-margin',
        ),
        kpi(t("Competitors' tonnes"), formatTonnes(s.competitorTonnes), t('{n} competitors sell; ours {tonnes}', { n: s.activeCompetitors, tonnes: formatTonnes(s.ourTonnes) }), 'kpi-competitors'),
        kpi(t('Welfare'), this.m.total(s.welfareUsd), t('buyers’ value − all sellers’ costs'), 'kpi-welfare'),
      ),
      h(
        'table',
        { className: 'markets clearing-markets' },
        h(
          'thead',
          {},
          h('tr', {}, h('th', { scope: 'col' }, t('Market (price set by)')), h('th', { scope: 'col' }, t('Price')), h('th', { scope: 'col' }, t('Bought')), h('th', { scope: 'col' }, t('Ours'))),
        ),
        h(
          'tbody',
          {},
          ...rows.map((r) =>
            h(
              'tr',
              { 'data-market': r.id },
              h(
                'td',
                {},
                h('span', { className: 'dot', style: `background:${marketColour(r.domestic)}` }),
                r.name,
                h('span', { className: 'price-setter-short' }, clearingRowSetter(r)),
              ),
              r.priceRange
                ? h(
                    'td',
                    { className: 'price-range', title: t('any price in the range clears the market; the map shows {price}', { price: this.m.perTonne(r.priceUsdPerTonne) }) },
                    // Breaks at the dash only, so the narrow panel keeps its columns.
                    ...clearingRowPrice(r, this.m)
                      .split(' – ')
                      .flatMap((end, i, ends) => [h('span', { className: 'range-end' }, i < ends.length - 1 ? `${end} –` : end), i < ends.length - 1 ? ' ' : '']),
                  )
                : h('td', {}, clearingRowPrice(r, this.m)),
              h('td', {}, formatTonnes(r.boughtTonnes)),
              h('td', { title: r.ourRange ? t('our tonnes over all equilibria: {range}', { range: r.ourRange }) : '' }, formatShare(r.ourShare, 0), r.ourRange ? h('span', { className: 'price-setter-short' }, r.ourRange) : null),
            ),
          ),
        ),
      ),
      ranged
        ? h(
            'p',
            { className: 'hint', id: 'clearing-ranges' },
            s.ourMarginRangeUsd
              ? t('Where the market does not fix a price, any price in its range clears it and no one sets it; our margin is then anywhere in its range. The map shows one equilibrium, with our margin {margin}.', {
                  margin: this.m.total(s.ourMarginUsd),
                })
              : t('Where the market does not fix a price, any price in its range clears it and no one sets it. The map shows one equilibrium.'),
          )
        : null,
    );
  }

  private downloads(ctx: KpiContext): HTMLElement {
    const section = h(
      'section',
      { className: 'downloads', 'aria-label': t('Downloads') },
      h('h3', {}, t('Download and share')),
      h(
        'div',
        { className: 'row wrap' },
        h('button', { type: 'button', id: 'download-csv', onclick: () => this.events.onDownloadCsv() }, t('CSV')),
        h('button', { type: 'button', id: 'download-geojson', onclick: () => this.events.onDownloadGeoJson() }, t('GeoJSON')),
        h('button', { type: 'button', id: 'download-xlsx', onclick: () => this.events.onDownloadXlsx() }, t('Excel workbook')),
        h('button', { type: 'button', id: 'download-map-png', onclick: () => this.events.onDownloadMapPng() }, t('Map PNG')),
        h('button', { type: 'button', id: 'copy-link', onclick: () => this.events.onCopyLink() }, t('Copy link to this view')),
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
            t('Allocation CSV of stored run {id}', { id: runId }),
          ),
        ),
      );
    }
    return section;
  }

  private compareSection(ctx: KpiContext): HTMLElement {
    const section = h('section', { className: 'compare', 'aria-label': t('Compare two runs') }, h('h3', {}, t('Compare two runs')));
    if (ctx.history.length < 2) {
      section.append(h('p', { className: 'hint' }, t('Run a second scenario to compare it with the first.')));
      return section;
    }
    const options = (selected: string | undefined) => ctx.history.map((e) => h('option', { value: e.id, selected: e.id === selected }, e.label));
    const a = h('select', { id: 'compare-a' }, ...options(ctx.compare?.a ?? ctx.history[ctx.history.length - 2].id));
    const b = h('select', { id: 'compare-b' }, ...options(ctx.compare?.b ?? ctx.history[ctx.history.length - 1].id));
    section.append(
      h(
        'div',
        { className: 'compare-pick' },
        h('label', { for: 'compare-a' }, t('Plan A')),
        a,
        h('label', { for: 'compare-b' }, t('Plan B')),
        b,
      ),
      h(
        'div',
        { className: 'row' },
        h('button', { type: 'button', id: 'compare-button', onclick: () => this.events.onCompare(a.value, b.value) }, t('Show difference on map')),
        ctx.compare ? h('button', { type: 'button', onclick: () => this.events.onCompare(null, null) }, t('Back to plan')) : null,
      ),
    );
    if (ctx.compare) {
      const d = ctx.compare.diff;
      const modes = modesNote(d);
      if (modes) section.append(h('p', { className: 'hint compare-modes', id: 'compare-modes', role: 'note' }, modes));
      const networks = networksNote(d);
      if (networks) section.append(h('p', { className: 'hint compare-networks', id: 'compare-networks', role: 'note' }, networks));
      const note = yearsNote(d);
      if (note) section.append(h('p', { className: 'hint compare-years', id: 'compare-years', role: 'note' }, note));
      for (const text of rangesNotes(d, this.m)) section.append(h('p', { className: 'hint compare-ranges', role: 'note' }, text));
      const fmt = (unit: string, v: number | null) =>
        v == null ? '—' : unit === 'usd' ? this.m.total(v) : unit === 'share' ? formatShare(v) : unit === 'co2' ? formatCo2(v) : formatTonnes(v);
      // A side whose market does not fix the figure (a clearing margin): its range, not the solver's end of it.
      const cell = (r: PlanDiff['kpis'][number], side: 'a' | 'b') => {
        const range = r.range?.[side];
        return range ? rangeText(range, (v) => fmt(r.unit, v)) : fmt(r.unit, r[side]);
      };
      section.append(
        h(
          'table',
          { className: 'compare-table', id: 'compare-table' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, ''), h('th', { scope: 'col' }, 'A'), h('th', { scope: 'col' }, 'B'), h('th', { scope: 'col' }, t('B − A')))),
          h(
            'tbody',
            {},
            ...d.kpis.map((r) =>
              h(
                'tr',
                {},
                h('th', { scope: 'row' }, t(r.label)),
                h('td', {}, cell(r, 'a')),
                h('td', {}, cell(r, 'b')),
                r.range
                  ? h('td', { className: 'compare-range', title: t('one equilibrium’s difference: {delta}', { delta: r.delta == null ? '—' : formatSigned(r.delta, (v) => fmt(r.unit, v)) }) }, t('not fixed'))
                  : h('td', { className: r.delta && r.delta > 0 ? 'up' : r.delta && r.delta < 0 ? 'down' : '' }, r.delta == null ? '—' : formatSigned(r.delta, (v) => fmt(r.unit, v))),
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

/** The flag after the plan's status line while the form differs from the plan's inputs. */
function staleFlag(): HTMLElement {
  return h('strong', { className: 'stale', id: 'stale-flag' }, ` ${t('Out of date: the inputs changed since this plan; re-plan to update it.')}`);
}

function kpi(label: string, value: string, note: string, id: string): HTMLElement {
  return h('div', { className: 'kpi', id }, h('div', { className: 'kpi-label' }, label), h('div', { className: 'kpi-value' }, value), h('div', { className: 'kpi-note' }, note));
}

/** The first letter in upper case, in the page's language. */
function capitalise(text: string): string {
  return text.charAt(0).toLocaleUpperCase(locale()) + text.slice(1);
}
