/** The legend, which is also where the map's filters live (mode, domestic/export, volumes, tiles). */
import L from 'leaflet';
import { h } from '../dom.ts';
import { COMPETITOR_COLOUR, COMPETITOR_PLANT_COLOUR, shortSupplier } from '../lib/clearing.ts';
import { formatNumber, formatTonnes } from '../lib/format.ts';
import { legendSteps, type WidthScale } from '../lib/scales.ts';
import { CLOSED_COLOUR, DIFF_LESS_COLOUR, IDLE_COLOUR, DIFF_MORE_COLOUR, DOMESTIC_COLOUR, EXPORT_COLOUR, MODE_COLOURS, MODE_LABELS, type FlowMode, type MapFilters } from '../lib/style.ts';
import { t } from '../i18n/index.ts';

export interface LegendState {
  filters: MapFilters;
  showVolumes: boolean;
  tiles: boolean;
  scale: WidthScale;
  radius: (t: number) => number;
  maxMarketTonnes: number;
  /** Widths are one period's tonnes: a month's, or a year's of a run of years (false: the whole horizon's). */
  perPeriod: false | 'month' | 'year';
  diff: boolean;
  /** Clearing plans: the competitors (for the filter), biggest first; null for price-taker plans. */
  competitors?: { id: string; name: string; tonnes: number }[] | null;
  /** Online tiles: whether they are drawn, still loading or failing (the offline map stays under them). */
  tilesStatus?: 'off' | 'loading' | 'ok' | 'failed';
}

export interface LegendEvents {
  onFilters(filters: MapFilters): void;
  onVolumes(on: boolean): void;
  onTiles(on: boolean): void;
}

export class Legend extends L.Control {
  private readonly box: HTMLElement;
  /** Open on wide screens; a tablet in portrait starts with it folded. */
  private open = typeof window === 'undefined' || window.innerWidth > 900;

  constructor(private readonly events: LegendEvents) {
    super({ position: 'bottomright' });
    this.box = h('div', { className: 'legend', id: 'legend' });
    L.DomEvent.disableClickPropagation(this.box);
    L.DomEvent.disableScrollPropagation(this.box);
  }

  onAdd(): HTMLElement {
    return this.box;
  }

  render(state: LegendState): void {
    const f = state.filters;
    this.box.textContent = '';
    const toggle = (id: string, label: Node | string, checked: boolean, onChange: (on: boolean) => void) => {
      const input = h('input', { type: 'checkbox', id, checked });
      input.addEventListener('change', () => onChange(input.checked));
      return h('div', { className: 'legend-row' }, input, h('label', { for: id }, label));
    };
    const swatchLine = (colour: string, dashed = false) =>
      h('span', { className: 'legend-line', style: `border-top: 4px ${dashed ? 'dashed' : 'solid'} ${colour}` });

    const modes = h('fieldset', { className: 'legend-grid' }, h('legend', {}, state.diff ? t('Change B − A') : t('Flows by mode')));
    if (state.diff) {
      modes.append(
        h('div', { className: 'legend-row legend-static' }, swatchLine(DIFF_MORE_COLOUR), t('more tonnes in B')),
        h('div', { className: 'legend-row legend-static' }, swatchLine(DIFF_LESS_COLOUR), t('fewer tonnes in B')),
      );
    } else {
      for (const mode of ['rail', 'road', 'sea'] as FlowMode[]) {
        modes.append(
          toggle(`filter-${mode}`, h('span', {}, swatchLine(MODE_COLOURS[mode]), t(MODE_LABELS[mode])), f.modes[mode], (on) =>
            this.events.onFilters({ ...f, modes: { ...f.modes, [mode]: on } }),
          ),
        );
      }
      modes.append(
        h('div', { className: 'legend-row legend-static' }, swatchLine(CLOSED_COLOUR, true), t('Closed')),
        h('div', { className: 'legend-row legend-static' }, swatchLine(IDLE_COLOUR, true), t('Unused')),
      );
    }

    const widths = h('div', { className: 'legend-widths' });
    const widthSteps = legendSteps(state.scale.maxTonnes, 3);
    if (!widthSteps.length) widths.append(h('div', { className: 'legend-row legend-static hint', id: 'legend-no-flows' }, t('no flows on the map')));
    for (const tonnes of widthSteps) {
      const w = state.scale(tonnes);
      widths.append(h('div', { className: 'legend-row' }, h('span', { className: 'legend-width', style: `height:${w.toFixed(1)}px` }), formatTonnes(tonnes) + (state.perPeriod === 'month' ? t('/month') : state.perPeriod === 'year' ? t('/year') : '')));
    }

    const clearing = state.competitors != null && !state.diff;
    const markets = h(
      'fieldset',
      { className: 'legend-grid' },
      h('legend', {}, state.diff ? t('Markets: change B − A (area ∝ |Δ tonnes|)') : clearing ? t('Markets: pie of tonnes bought') : t('Markets (area ∝ tonnes)')),
    );
    if (state.diff) {
      markets.append(
        h('div', { className: 'legend-row legend-static' }, h('span', { className: 'legend-dot', style: `background:${DIFF_MORE_COLOUR}` }), t('more tonnes in B')),
        h('div', { className: 'legend-row legend-static' }, h('span', { className: 'legend-dot', style: `background:${DIFF_LESS_COLOUR}` }), t('fewer tonnes in B')),
        h('div', { className: 'legend-row legend-static' }, h('span', { className: 'legend-dot legend-dot-ring', style: `border-color:${CLOSED_COLOUR}` }), t('no change')),
      );
    } else markets.append(
      toggle('filter-domestic', h('span', {}, h('span', { className: 'legend-dot', style: `background:${DOMESTIC_COLOUR}` }), t('Domestic')), f.domestic, (on) =>
        this.events.onFilters({ ...f, domestic: on }),
      ),
      toggle('filter-export', h('span', {}, h('span', { className: 'legend-dot', style: `background:${EXPORT_COLOUR}` }), t('Export')), f.export, (on) =>
        this.events.onFilters({ ...f, export: on }),
      ),
    );
    const circles = h('div', { className: 'legend-circles' });
    for (const tonnes of legendSteps(state.maxMarketTonnes, 2)) {
      const r = state.radius(tonnes);
      circles.append(h('span', { className: 'legend-circle', style: `width:${2 * r}px;height:${2 * r}px` }), h('span', { className: 'legend-circle-label' }, formatTonnes(tonnes)));
    }
    markets.append(circles);
    if (clearing) {
      markets.append(
        h(
          'div',
          { className: 'legend-row legend-static legend-pie-key' },
          h('span', { className: 'legend-pie', 'aria-hidden': 'true', style: `background:conic-gradient(${DOMESTIC_COLOUR} 0 25%, ${COMPETITOR_COLOUR} 0)` }),
          t('our share (colour) against competitors (grey)'),
        ),
      );
    }

    const ports = h(
      'div',
      { className: 'legend-row legend-static' },
      h('span', { className: 'legend-port' }),
      t('Port, filled by use (red = full)'),
    );

    const competitorsBox = clearing ? this.competitorFilters(state) : null;

    const options = h(
      'fieldset',
      {},
      h('legend', {}, t('Map')),
      toggle('toggle-volumes', t('Volumes on flows'), state.showVolumes, (on) => this.events.onVolumes(on)),
      toggle('toggle-tiles', t('Online tiles (internet)'), state.tiles, (on) => this.events.onTiles(on)),
      state.tiles && state.tilesStatus === 'failed'
        ? h('p', { className: 'tiles-note', id: 'tiles-note', role: 'status' }, t('Online tiles cannot be loaded (no internet?): the offline map stays.'))
        : state.tiles && state.tilesStatus === 'loading'
          ? h('p', { className: 'hint', id: 'tiles-note', role: 'status' }, t('Loading online tiles…'))
          : null,
    );
    const details = h('details', { className: 'legend-details', open: this.open }, h('summary', {}, t('Legend and filters')), modes, widths, markets, competitorsBox, ports, options);
    details.addEventListener('toggle', () => (this.open = details.open));
    this.box.append(details);
  }

  private competitorsOpen = false;

  /** Competitors' flows and plants: one switch for all, and one per competitor that sells anything. */
  private competitorFilters(state: LegendState): HTMLElement {
    const f = state.filters;
    const all = h('input', { type: 'checkbox', id: 'filter-competitors', checked: f.competitors });
    all.addEventListener('change', () => this.events.onFilters({ ...f, competitors: all.checked }));
    const box = h(
      'fieldset',
      { className: 'legend-competitors' },
      h('legend', {}, t('Competitors')),
      h(
        'div',
        { className: 'legend-row' },
        all,
        h(
          'label',
          { for: 'filter-competitors' },
          h('span', { className: 'legend-line', style: `border-top: 4px dashed ${COMPETITOR_COLOUR}` }),
          h('span', { className: 'legend-competitor-plant', style: `background:${COMPETITOR_PLANT_COLOUR}` }),
          t("Competitors' flows and plants"),
        ),
      ),
      h('div', { className: 'legend-row legend-static' }, h('span', { className: 'legend-competitor-idle' }), t('plant selling nothing at these prices')),
    );
    const selling = (state.competitors ?? []).filter((c) => c.tonnes > 0);
    if (selling.length) {
      const list = h('details', { className: 'legend-competitor-list', open: this.competitorsOpen }, h('summary', {}, t('By competitor ({n})', { n: formatNumber(selling.length) })));
      list.addEventListener('toggle', () => (this.competitorsOpen = list.open));
      for (const c of selling) {
        const id = `filter-competitor-${c.id}`;
        const input = h('input', { type: 'checkbox', id, checked: !f.hiddenCompetitors.includes(c.id), disabled: !f.competitors });
        input.addEventListener('change', () => {
          const hidden = new Set(f.hiddenCompetitors);
          if (input.checked) hidden.delete(c.id);
          else hidden.add(c.id);
          this.events.onFilters({ ...f, hiddenCompetitors: [...hidden] });
        });
        list.append(h('div', { className: 'legend-row' }, input, h('label', { for: id, title: c.name }, `${shortSupplier(c.name)} `, h('span', { className: 'muted' }, formatTonnes(c.tonnes)))));
      }
      box.append(list);
    }
    return box;
  }
}
