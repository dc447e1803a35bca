/**
 * Drawing the plan on screen: the map layers and legend for the chosen period (or the A → B
 * differences), the Results panel, the month bar and the opening frame.
 */
import type { Plan } from '../../../server/core/plan-schema.ts';
import { competitorFlowItems, isClearingPlan, maxBoughtTonnes, maxCompetitorFlowTonnes } from '../lib/clearing.ts';
import { diffMapScales } from '../lib/diff.ts';
import { formatPeriod } from '../lib/format.ts';
import { isMultiYear, periodSliderLabel, periodSliderName, phasesFromInputs } from '../lib/horizon.ts';
import { money } from '../lib/money.ts';
import { areaRadiusScale, flowWidthScale, maxLegTonnes, maxMarketTonnes } from '../lib/scales.ts';
import { planFrame } from '../lib/view.ts';
import type { KpiPanel } from '../panels/kpi-panel.ts';
import type { MapView } from './map-view.ts';
import { initial, shownNetwork, state } from './state.ts';

export interface DrawingDeps {
  view: MapView;
  kpiPanel: KpiPanel;
  monthBar: HTMLElement;
  renderStale(): void;
  writeHash(): void;
}

export interface Drawing {
  /** The Results panel, the month bar, the stale banner and the map, then the link. */
  redraw(): void;
  /** The out-of-date flag in the Results panel and the stale banner alone: the form changed, the plan on screen did not. */
  redrawStale(): void;
  /** The map layers and legend alone. */
  drawMap(plan: Plan): void;
  /** Rings around the markets the analysis panel highlights, at the same radius scale as the circles. */
  drawHighlight(): void;
  /** The opening view (unless a link gave one): the first plan's plant, served markets and the Caspian. */
  frameFirstPlan(plan: Plan): void;
}

export function createDrawing({ view, kpiPanel, monthBar, renderStale, writeHash }: DrawingDeps): Drawing {
  const { map, flowLayer, placeLayer, labelLayer, highlightLayer, legend } = view;

  /** The phase in each period of the plan on screen, from the scenario it was made from. */
  function planPhases(): number[] | null {
    return state.plan ? phasesFromInputs(state.planInputs, state.plan) : null;
  }

  function periodCount(): number {
    return state.plan?.horizon.periods.length ?? 1;
  }

  /** Everything the map layers need for the plan on screen in the chosen period. */
  function mapView(plan: Plan) {
    const period = state.period != null && state.period < periodCount() && periodCount() > 1 ? state.period : null;
    const view = period == null ? 'total' : 'period';
    const clearing = isClearingPlan(plan) ? plan : null;
    // One width scale for our flows and competitors' (a line means the same tonnes whoever ships them).
    const scale = flowWidthScale(Math.max(maxLegTonnes(plan, view), maxCompetitorFlowTonnes(plan, view)), 1.5, 14);
    // Price-taker circles by our tonnes; clearing pies by the tonnes each market buys.
    const maxMarket = clearing ? maxBoughtTonnes(plan, view) : maxMarketTonnes(plan, view);
    const radius = areaRadiusScale(maxMarket, clearing ? 22 : 20, 3);
    const periodLabel = period == null ? null : formatPeriod(plan.horizon.periods[period]);
    const m = money(state.page.currency, plan.kztPerUsd);
    const competitors = clearing ? competitorFlowItems(clearing, state.page.filters, period) : undefined;
    const competitorList = clearing ? [...clearing.clearing.competitors].sort((a, b) => b.tonnes - a.tonnes).map((c) => ({ id: c.id, name: c.name, tonnes: c.tonnes })) : null;
    return { period, scale, maxMarket, radius, periodLabel, money: m, competitors, competitorList };
  }

  function drawMap(plan: Plan): void {
    const v = mapView(plan);
    // The places, idle legs and leg names of the network the plan on screen was made on.
    const network = shownNetwork();
    // Flow volumes and place names are placed together, once.
    labelLayer.batch(() => {
      if (state.compare) {
        const d = state.compare.diff;
        const ds = diffMapScales(d);
        flowLayer.renderDiff(d, ds.flowWidth);
        legend.render({ filters: state.page.filters, showVolumes: state.showVolumes, tiles: state.page.tiles, scale: ds.flowWidth, radius: ds.marketRadius, maxMarketTonnes: ds.maxMarketDeltaTonnes, perPeriod: false, diff: true, tilesStatus: state.tiles });
      } else {
        flowLayer.render({ plan, network, period: v.period, periodLabel: v.periodLabel, filters: state.page.filters, scale: v.scale, showVolumes: state.showVolumes, competitors: v.competitors, money: v.money });
        legend.render({
          filters: state.page.filters,
          showVolumes: state.showVolumes,
          tiles: state.page.tiles,
          scale: v.scale,
          radius: v.radius,
          maxMarketTonnes: v.maxMarket,
          perPeriod: v.period == null ? false : isMultiYear(plan) ? 'year' : 'month',
          diff: false,
          competitors: v.competitorList,
          tilesStatus: state.tiles,
        });
      }
      const diff = state.compare?.diff ?? null;
      placeLayer.render({ plan, network, period: v.period, periodLabel: v.periodLabel, filters: state.page.filters, radius: diff ? diffMapScales(diff).marketRadius : v.radius, money: v.money, diff });
    });
    highlightLayer.render(plan, v.period, v.radius);
    document.body.dataset.flowCount = String(flowLayer.flowCount);
    document.body.dataset.competitorFlowCount = String(flowLayer.competitorFlowCount);
    document.body.dataset.planMarket = isClearingPlan(plan) ? 'clearing' : 'price-taker';
  }

  function redrawStale(): void {
    kpiPanel.setStale(state.stale);
    renderStale();
  }

  function redraw(): void {
    const plan = state.plan;
    kpiPanel.render(plan, { source: state.source, runId: state.runId, history: state.history, compare: state.compare, stale: state.stale, currency: state.page.currency, needsKey: state.needsKey, period: state.period, phases: planPhases() });
    renderMonthBar();
    renderStale();
    if (!plan) return;
    drawMap(plan);
    writeHash();
  }

  function drawHighlight(): void {
    const plan = state.plan;
    if (!plan) return;
    const v = mapView(plan);
    highlightLayer.render(plan, v.period, v.radius);
  }

  function renderMonthBar(): void {
    const plan = state.plan;
    const n = plan?.horizon.periods.length ?? 1;
    if (!plan || n <= 1 || state.compare) {
      monthBar.hidden = true;
      return;
    }
    monthBar.hidden = false;
    const value = state.period == null ? 0 : state.period + 1;
    const label = periodSliderLabel(plan, state.period, planPhases());
    if (!monthBar.querySelector('input')) {
      monthBar.innerHTML = '<label for="month-slider"></label><input type="range" id="month-slider" min="0" step="1"><output id="month-label" for="month-slider"></output>';
      const slider = monthBar.querySelector('input')!;
      slider.addEventListener('input', () => {
        const v = Number(slider.value);
        state.period = v === 0 ? null : v - 1;
        // The map and period label change with the month (or year); the whole-horizon KPIs stay, with the period's tonnes beside them.
        redrawMapOnly();
      });
    }
    // A month of a monthly plan, a year of a run of years.
    monthBar.querySelector('label')!.textContent = periodSliderName(plan);
    const slider = monthBar.querySelector('input')!;
    slider.max = String(n);
    slider.value = String(value);
    slider.setAttribute('aria-valuetext', label);
    monthBar.querySelector('output')!.textContent = label;
  }

  function redrawMapOnly(): void {
    const plan = state.plan;
    if (!plan) return;
    const period = state.period;
    drawMap(plan);
    kpiPanel.showMonth(plan, period);
    const label = periodSliderLabel(plan, period, planPhases());
    monthBar.querySelector('output')!.textContent = label;
    monthBar.querySelector('input')?.setAttribute('aria-valuetext', label);
    writeHash();
  }

  let framed = Boolean(initial.view);
  function frameFirstPlan(plan: Plan): void {
    if (framed) return;
    framed = true;
    map.invalidateSize();
    // At once, not animated: the page is still loading, and a zoom animation draws every layer per frame.
    map.fitBounds(planFrame(plan, shownNetwork()), { padding: [28, 28], maxZoom: 6.5, animate: false });
  }

  return { redraw, redrawStale, drawMap, drawHighlight, frameFirstPlan };
}
