/**
 * Markets as circles (area ∝ tonnes, green domestic / purple export), ports with their utilisation,
 * the plant, and the labels of all of them placed without overlap.
 */
import L from 'leaflet';
import { bindTipAndPopup } from './tip-popup.ts';
import type { Network } from '../../../server/core/schema.ts';
import type { CapacityUse, Plan } from '../../../server/core/plan-schema.ts';
import {
  clearingMarketPopup,
  competitorPopup,
  competitorVisible,
  COMPETITOR_PLANT_COLOUR,
  isClearingPlan,
  marketPies,
  shortSupplier,
  type ClearingPlan,
} from '../lib/clearing.ts';
import { shareOfDemandIn } from '../lib/flows.ts';
import type { Money } from '../lib/money.ts';
import { pieSvg } from '../lib/pie.ts';
import { formatShare, formatSigned, formatTonnes, formatUsdPerTonne } from '../lib/format.ts';
import { TONNES_EPSILON, type PlanDiff } from '../lib/diff.ts';
import { escapeHtml } from '../lib/escape.ts';
import { marketPopup, nodePopup } from '../lib/popups.ts';
import { tonnesIn } from '../lib/scales.ts';
import { shortName } from '../lib/names.ts';
import { CLOSED_COLOUR, diffColour, isClosedIn, marketColour, PLANT_COLOUR, utilisationColour, type MapFilters } from '../lib/style.ts';
import { COUNTRY_LABELS, SEA_LABELS } from './basemap.ts';
import { t } from '../i18n/index.ts';
import type { LabelLayer, MapLabel, MapSymbol } from './label-layer.ts';

export interface PlaceView {
  plan: Plan;
  network: Network | null;
  period: number | null;
  periodLabel: string | null;
  filters: MapFilters;
  radius: (tonnes: number) => number;
  money?: Money;
  /** Two plans compared: markets are drawn as their change B − A (area by |Δ tonnes| with `radius`). */
  diff?: PlanDiff | null;
}

/** Country and sea names sit centred on their spot. */
const AREA = ['center'] as const;

export class PlaceLayer {
  private readonly markets = L.layerGroup();
  private readonly nodes = L.layerGroup();
  /** One SVG for every market circle, kept across renders (a new renderer per render would leave an empty SVG on the map each time). */
  private readonly renderer = L.svg({ pane: 'placePane' });
  private labelItems: MapLabel[] = [];
  private symbols: MapSymbol[] = [];

  constructor(
    map: L.Map,
    private readonly labels: LabelLayer,
  ) {
    this.nodes.addTo(map);
    this.markets.addTo(map);
  }

  render(view: PlaceView): void {
    this.markets.clearLayers();
    this.nodes.clearLayers();
    this.labelItems = [];
    this.symbols = [];
    const { plan, period } = view;
    const periodCount = plan.horizon.periods.length;

    // Ports and other transit nodes: a rounded square whose border shows utilisation.
    const networkNodes = new Map((view.network?.nodes ?? []).map((n) => [n.id, n]));
    for (const use of plan.nodes) {
      const node = networkNodes.get(use.id);
      if (!node) continue;
      const isPort = node.kind === 'port';
      if (!isPort && !(use.capacityTonnes != null)) continue;
      const latLng = L.latLng(node.lat, node.lng);
      const tonnes = tonnesIn(use, period);
      const closed = isClosedIn(use, period, periodCount);
      const utilisation = periodUtilisation(use, period, periodCount);
      const colour = closed ? '#8a8a8a' : utilisationColour(utilisation);
      const pct = utilisation == null ? '' : `<span class="node-util">${Math.round(utilisation * 100)}\u00a0%</span>`;
      const marker = L.marker(latLng, {
        pane: 'nodePane',
        keyboard: true,
        title:
          utilisation != null
            ? t('{name}: {tonnes}, {share} used', { name: use.name, tonnes: formatTonnes(tonnes), share: formatShare(utilisation, 0) })
            : `${use.name}: ${formatTonnes(tonnes)}`,
        alt: use.name,
        icon: L.divIcon({
          className: `node-icon ${isPort ? 'node-port' : 'node-rail'}${closed ? ' node-closed' : ''}`,
          html: `<span class="node-box" style="border-color:${colour}"><span class="node-fill" style="height:${Math.round(
            Math.min(1, utilisation ?? 0) * 100,
          )}%;background:${colour}"></span></span>${pct}`,
          iconSize: [14, 14],
          iconAnchor: [7, 7],
        }),
      });
      const html = nodePopup(use, { tonnes, periodLabel: view.periodLabel, closed });
      bindTipAndPopup(marker, html, { direction: 'top', offset: [0, -8], className: 'map-tooltip', opacity: 1 });
      marker.addTo(this.nodes);
      if (isPort) {
        this.labelItems.push({ id: `node:${use.id}`, text: shortName(use.name), latLng, priority: 60, className: 'label-port', offsetPx: 12, fontPx: 11 });
      }
      this.symbols.push({ latLng, radiusPx: 8 });
    }

    if (view.diff) this.drawDiffMarkets(view.diff, view.radius);
    else if (isClearingPlan(plan)) this.drawClearing(plan, view);
    else this.drawMarkets(view);
    this.drawPlants(view);
    this.labels.set('places', this.labelItems, this.symbols);
  }

  /**
   * The difference map: each market that changes is a circle with area ∝ |B − A| tonnes, blue for
   * more in B and orange for fewer; a market that does not change is a small grey ring.
   */
  private drawDiffMarkets(diff: PlanDiff, radius: (tonnes: number) => number): void {
    const renderer = this.renderer;
    const sorted = [...diff.markets].sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta));
    for (const m of sorted) {
      const changed = Math.abs(m.delta) >= TONNES_EPSILON;
      const latLng = L.latLng(m.lat, m.lng);
      const r = changed ? radius(Math.abs(m.delta)) : 3;
      const colour = changed ? diffColour(m.delta) : CLOSED_COLOUR;
      const circle = L.circleMarker(latLng, {
        renderer,
        pane: 'placePane',
        radius: r,
        color: changed ? '#ffffff' : colour,
        weight: 1.5,
        fillColor: colour,
        fillOpacity: changed ? 0.85 : 0.1,
        className: `market market-diff ${changed ? (m.delta > 0 ? 'market-diff-more' : 'market-diff-less') : 'market-diff-same'}`,
      });
      const change = formatSigned(Math.round(m.delta), formatTonnes);
      circle.bindTooltip(`<div class="popup"><h3>${escapeHtml(m.name)}</h3><p>A ${formatTonnes(m.a)} → B ${formatTonnes(m.b)} (${change})</p></div>`, {
        direction: 'top',
        className: 'map-tooltip',
        opacity: 1,
      });
      circle.addTo(this.markets);
      circle.getElement()?.setAttribute('data-delta-tonnes', String(Math.round(m.delta)));
      this.symbols.push({ latLng, radiusPx: r });
      this.labelItems.push({
        id: `market:${m.id}`,
        text: changed ? `${shortName(m.name)} · ${change}` : shortName(m.name),
        latLng,
        priority: changed ? 40 + Math.min(19, Math.log10(Math.abs(m.delta) + 1) * 3) : 10,
        className: `label-market${changed ? '' : ' label-muted'}`,
        offsetPx: r + 3,
        fontPx: 11,
      });
    }
  }

  /** Price-taker plans: circles by our tonnes; unserved markets a small hollow ring. */
  private drawMarkets(view: PlaceView): void {
    const { plan, period } = view;
    const periodCount = plan.horizon.periods.length;
    const renderer = this.renderer;
    const sorted = [...plan.markets].sort((a, b) => tonnesIn(b, period) - tonnesIn(a, period));
    for (const m of sorted) {
      if (m.domestic ? !view.filters.domestic : !view.filters.export) continue;
      const tonnes = tonnesIn(m, period);
      const served = tonnes > 0;
      const latLng = L.latLng(m.lat, m.lng);
      const r = served ? view.radius(tonnes) : 4;
      const colour = marketColour(m.domestic);
      const circle = L.circleMarker(latLng, {
        renderer,
        pane: 'placePane',
        radius: r,
        color: served ? '#ffffff' : colour,
        weight: served ? 1.5 : 1.5,
        fillColor: colour,
        fillOpacity: served ? 0.9 : 0.08,
        className: `market ${m.domestic ? 'market-domestic' : 'market-export'}${served ? '' : ' market-unserved'}`,
      });
      const share = shareOfDemandIn(m, period, periodCount);
      const html = marketPopup(m, { tonnes, shareOfDemand: share, periodLabel: view.periodLabel, money: view.money });
      bindTipAndPopup(circle, html, { direction: 'top', className: 'map-tooltip', opacity: 1 });
      circle.addTo(this.markets);
      // The circle is drawn on a canvas, which a keyboard cannot reach: a clear marker on it takes the
      // focus and opens the same popup (the mouse goes through it to the circle and its tooltip).
      const name = served
        ? t('{name}: {tonnes}, netback {netback}', { name: m.name, tonnes: formatTonnes(tonnes), netback: m.netbackUsdPerTonne == null ? '—' : (view.money?.perTonne(m.netbackUsdPerTonne) ?? formatUsdPerTonne(m.netbackUsdPerTonne)) })
        : t('{name}: not served', { name: m.name });
      const focus = L.marker(latLng, {
        pane: 'placePane',
        keyboard: true,
        title: name,
        icon: L.divIcon({ className: 'market-focus', html: '', iconSize: [2 * r + 4, 2 * r + 4], iconAnchor: [r + 2, r + 2] }),
      });
      focus.bindPopup(html, { autoPanPadding: L.point(24, 24) });
      focus.addTo(this.markets);
      const el = focus.getElement();
      if (el) {
        el.setAttribute('aria-label', name);
        el.dataset.market = m.id;
      }
      this.symbols.push({ latLng, radiusPx: r });
      const label = served ? `${shortName(m.name)} · ${formatTonnes(tonnes)}` : shortName(m.name);
      this.labelItems.push({
        id: `market:${m.id}`,
        text: label,
        latLng,
        priority: served ? 40 + Math.min(19, Math.log10(tonnes + 1) * 3) : 10,
        className: `label-market${served ? '' : ' label-muted'}`,
        offsetPx: r + 3,
        fontPx: 11,
      });
    }
  }

  /**
   * Clearing plans: each market a pie (our share in the market's colour, competitors' in grey, area ∝
   * tonnes bought) and the competitors' plants as muted squares, all with popups.
   */
  private drawClearing(plan: ClearingPlan, view: PlaceView): void {
    const { period } = view;
    const byId = new Map(plan.clearing.markets.map((m) => [m.id, m]));
    const ours = new Map(plan.markets.map((m) => [m.id, m]));
    for (const pie of marketPies(plan, view.filters, period)) {
      const cm = byId.get(pie.id)!;
      const bought = pie.boughtTonnes > 0;
      const r = bought ? view.radius(pie.boughtTonnes) : 4;
      const size = 2 * (r + 1.5);
      const latLng = L.latLng(pie.lat, pie.lng);
      const marker = L.marker(latLng, {
        pane: 'placePane',
        keyboard: true,
        title: pie.label,
        riseOnHover: true,
        icon: L.divIcon({
          className: `market-pie ${pie.domestic ? 'market-domestic' : 'market-export'}${bought ? '' : ' market-unserved'}`,
          html: pieSvg(pie.slices, r, pie.label),
          iconSize: [size, size],
          iconAnchor: [size / 2, size / 2],
        }),
      });
      marker.bindPopup(clearingMarketPopup(cm, ours.get(pie.id), { money: view.money, period, periodLabel: view.periodLabel, competitors: plan.clearing.competitors }), { maxWidth: 340, autoPanPadding: L.point(24, 24) });
      marker.addTo(this.markets);
      const el = marker.getElement();
      if (el) {
        el.setAttribute('aria-label', pie.label);
        el.dataset.market = pie.id;
        el.dataset.ourShare = pie.ourShare.toFixed(4);
      }
      this.symbols.push({ latLng, radiusPx: r });
      this.labelItems.push({
        id: `market:${pie.id}`,
        text: bought ? `${shortName(pie.name)} · ${t('{share} ours', { share: formatShare(pie.ourShare, 0) })}` : shortName(pie.name),
        latLng,
        priority: bought ? 40 + Math.min(19, Math.log10(pie.boughtTonnes + 1) * 2) + (pie.ourTonnes > 0 ? 10 : 0) : 10,
        className: `label-market${pie.ourTonnes > 0 ? '' : ' label-muted'}`,
        offsetPx: r + 3,
        fontPx: 11,
      });
    }

    const marketNames = new Map(plan.clearing.markets.map((m) => [m.id, m.name]));
    for (const c of plan.clearing.competitors) {
      if (!competitorVisible(view.filters, c.id)) continue;
      const tonnes = tonnesIn(c, period);
      const active = tonnes > 0;
      const latLng = L.latLng(c.lat, c.lng);
      const title = `${t('{name} (competitor): {tonnes}', { name: c.name, tonnes: formatTonnes(tonnes) })}${
        c.utilisation != null ? `, ${t('{share} of capacity', { share: formatShare(c.utilisation, 0) })}` : ''
      }`;
      const marker = L.marker(latLng, {
        pane: 'nodePane',
        keyboard: true,
        title,
        icon: L.divIcon({
          className: `competitor-plant${active ? '' : ' competitor-idle'}`,
          html: `<span style="border-color:${COMPETITOR_PLANT_COLOUR};background:${active ? COMPETITOR_PLANT_COLOUR : '#fff'}"></span>`,
          iconSize: [12, 12],
          iconAnchor: [6, 6],
        }),
      });
      marker.bindPopup(competitorPopup(c, marketNames, { money: view.money, markets: plan.clearing.markets }), { maxWidth: 340, autoPanPadding: L.point(24, 24) });
      marker.addTo(this.nodes);
      marker.getElement()?.setAttribute('aria-label', title);
      marker.getElement()?.setAttribute('data-supplier', c.id);
      this.symbols.push({ latLng, radiusPx: 7 });
      if (active) {
        this.labelItems.push({ id: `competitor:${c.id}`, text: shortSupplier(c.name), latLng, priority: 20 + Math.min(9, Math.log10(tonnes + 1)), className: 'label-competitor', offsetPx: 10, fontPx: 10 });
      }
    }
  }

  private drawPlants(view: PlaceView): void {
    const { plan, period } = view;
    // The plant: a dark diamond above everything.
    for (const plant of view.network?.plants ?? []) {
      const use = plan.plants.find((p) => p.id === plant.id);
      const latLng = L.latLng(plant.lat, plant.lng);
      const marker = L.marker(latLng, {
        pane: 'nodePane',
        zIndexOffset: 1000,
        title: plant.name,
        alt: plant.name,
        icon: L.divIcon({ className: 'plant-icon', html: `<span style="background:${PLANT_COLOUR}"></span>`, iconSize: [16, 16], iconAnchor: [8, 8] }),
      });
      const tonnes = use ? tonnesIn(use, period) : 0;
      marker.bindTooltip(
        `<div class="popup"><h3>${escapeHtml(plant.name)}</h3><p>${escapeHtml(t('Production {tonnes}', { tonnes: formatTonnes(tonnes) }))}${
          use?.utilisation != null ? `, ${escapeHtml(t('{share} of capacity', { share: formatShare(use.utilisation, 0) }))}` : ''
        }</p></div>`,
        { direction: 'top', offset: [0, -8], className: 'map-tooltip', opacity: 1 },
      );
      marker.addTo(this.nodes);
      this.labelItems.push({ id: `plant:${plant.id}`, text: t('Baiganin plant'), latLng, priority: 100, className: 'label-plant', offsetPx: 13, fontPx: 12 });
      this.symbols.push({ latLng, radiusPx: 9 });
    }
    for (const c of COUNTRY_LABELS) {
      c.at.forEach(([lat, lng], i) => {
        this.labelItems.push({ id: `country:${c.name}:${i}`, text: t(c.name), latLng: L.latLng(lat, lng), priority: 5 - i * 0.1, className: 'label-country', offsetPx: 0, fontPx: 12, sides: AREA, group: `country:${c.name}` });
      });
    }
    for (const s of SEA_LABELS) {
      this.labelItems.push({ id: `sea:${s.name}`, text: t(s.name), latLng: L.latLng(s.lat, s.lng), priority: 8, className: 'label-sea', offsetPx: 0, fontPx: 13, sides: AREA });
    }
  }
}

function periodUtilisation(use: CapacityUse, period: number | null, periodCount: number): number | null {
  if (period == null || use.capacityTonnes == null) return use.utilisation;
  const capPerPeriod = use.capacityTonnes / Math.max(1, periodCount);
  return capPerPeriod > 0 ? tonnesIn(use, period) / capPerPeriod : null;
}
