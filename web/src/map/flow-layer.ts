/**
 * Flow lines: each leg along its own geometry, width by tonnes on one scale for every period, colour
 * by mode, arrow heads drawn as small polygons that follow the line's colour, closed legs dashed grey.
 */
import L from 'leaflet';
import { bindTipAndPopup } from './tip-popup.ts';
import type { Network } from '../../../server/core/schema.ts';
import type { CapacityUse, Plan } from '../../../server/core/plan-schema.ts';
import { arrowHeads, arrowSizeFor, type Point } from '../lib/arrows.ts';
import { competitorFlowStyle, competitorFlowTooltip, type CompetitorFlowItem } from '../lib/clearing.ts';
import type { Money } from '../lib/money.ts';
import { legSplitByMarketType, visibleLegTonnes } from '../lib/flows.ts';
import { formatTonnes } from '../lib/format.ts';
import { escapeHtml } from '../lib/escape.ts';
import { legPopup } from '../lib/popups.ts';
import type { PlanDiff } from '../lib/diff.ts';
import type { WidthScale } from '../lib/scales.ts';
import { diffColour, isClosedIn, legStyle, modeColour, modeVisible, type MapFilters } from '../lib/style.ts';
import type { LabelLayer, MapLabel } from './label-layer.ts';

export interface FlowView {
  plan: Plan;
  network: Network | null;
  period: number | null;
  periodLabel: string | null;
  filters: MapFilters;
  scale: WidthScale;
  showVolumes: boolean;
  /** Clearing plans: competitors' flows to draw under ours, on the same width scale. */
  competitors?: CompetitorFlowItem[];
  money?: Money;
}

interface DrawnLeg {
  kind: 'ours' | 'competitor';
  legId: string;
  latLngs: L.LatLng[];
  widthPx: number;
  colour: string;
  tonnes: number;
}

type LineCoords = number[][];

export class FlowLayer {
  private readonly group = L.layerGroup();
  private readonly arrows = L.layerGroup();
  private readonly renderer: L.SVG;
  private drawn: DrawnLeg[] = [];
  private showVolumes = false;

  constructor(
    private readonly map: L.Map,
    private readonly labels: LabelLayer,
  ) {
    this.renderer = L.svg({ pane: 'flowPane', padding: 0.3 });
    this.group.addTo(map);
    this.arrows.addTo(map);
    map.on('zoomend', () => this.drawArrows());
  }

  render(view: FlowView): void {
    this.group.clearLayers();
    this.drawn = [];
    this.showVolumes = view.showVolumes;
    const { plan, period } = view;
    const periodCount = plan.horizon.periods.length;
    const uses = new Map<string, CapacityUse>(plan.legs.map((l) => [l.id, l]));
    const split = legSplitByMarketType(plan);
    this.drawCompetitors(view);

    // Geometry: the plan's flows for used legs, the network's legs for idle and closed ones.
    const geometry = new Map<string, { coords: LineCoords; mode: unknown; name: string }>();
    for (const leg of view.network?.legs ?? []) {
      geometry.set(leg.id, { coords: leg.geometry.coordinates, mode: leg.mode, name: legName(leg.from, leg.to, view.network) });
    }
    for (const f of plan.flows.features) {
      const legId = String(f.properties.legId ?? '');
      const known = geometry.get(legId);
      geometry.set(legId, {
        coords: f.geometry.coordinates,
        mode: f.properties.mode ?? known?.mode,
        name: known?.name ?? uses.get(legId)?.name ?? legId,
      });
    }

    const items: { legId: string; coords: LineCoords; mode: unknown; name: string; tonnes: number; closed: boolean }[] = [];
    for (const [legId, g] of geometry) {
      if (!modeVisible(view.filters, g.mode)) continue;
      const use = uses.get(legId);
      const closed = use ? isClosedIn(use, period, periodCount) : false;
      const tonnes = use ? visibleLegTonnes(use, split.get(legId), period, view.filters) : 0;
      items.push({ legId, ...g, tonnes, closed });
    }
    // Idle and closed first, then wide before narrow so thin flows stay visible on top.
    items.sort((a, b) => Number(b.closed || !(b.tonnes > 0)) - Number(a.closed || !(a.tonnes > 0)) || b.tonnes - a.tonnes);

    for (const item of items) {
      const latLngs = item.coords.map(([lng, lat]) => L.latLng(lat, lng));
      const widthPx = view.scale(item.tonnes);
      const style = legStyle({ mode: item.mode, tonnes: item.tonnes, closed: item.closed, widthPx });
      const used = item.tonnes > 0 && !item.closed;
      if (used) {
        // A pale casing keeps lines legible where they cross borders and each other.
        L.polyline(latLngs, {
          renderer: this.renderer,
          pane: 'flowPane',
          color: '#ffffff',
          weight: widthPx + 2.5,
          opacity: 0.75,
          interactive: false,
          lineCap: 'round',
          lineJoin: 'round',
          className: 'flow-casing',
        }).addTo(this.group);
      }
      const line = L.polyline(latLngs, {
        renderer: this.renderer,
        pane: 'flowPane',
        ...style,
        lineCap: 'round',
        lineJoin: 'round',
        className: used ? `flow-line flow-${String(item.mode)}` : item.closed ? 'flow-closed' : 'flow-idle',
      });
      line.feature = { type: 'Feature', geometry: { type: 'LineString', coordinates: item.coords }, properties: { legId: item.legId } } as never;
      const html = legPopup({
        name: item.name,
        mode: item.mode,
        tonnes: item.tonnes,
        periodLabel: view.periodLabel,
        use: uses.get(item.legId),
        closed: item.closed,
      });
      bindTipAndPopup(line, html, { sticky: true, direction: 'top', className: 'map-tooltip', opacity: 1 });
      line.on('mouseover', () => line.setStyle({ opacity: 1, weight: (style.weight ?? 1) + (used ? 2 : 1) }));
      line.on('mouseout', () => line.setStyle({ opacity: style.opacity, weight: style.weight }));
      line.addTo(this.group);
      if (used) {
        line.getElement()?.setAttribute('data-leg-id', item.legId);
        line.getElement()?.setAttribute('data-tonnes', String(Math.round(item.tonnes)));
        const parts = split.get(item.legId);
        if (parts) line.getElement()?.setAttribute('data-carries', parts.exportTonnes > parts.domesticTonnes ? 'export' : 'domestic');
        this.drawn.push({ kind: 'ours', legId: item.legId, latLngs, widthPx, colour: modeColour(item.mode), tonnes: item.tonnes });
      }
    }
    this.drawArrows();
    this.setVolumes();
  }

  /**
   * Competitors' flows (clearing plans): straight supplier → market lines, muted and dashed, on our
   * width scale, under our flows; arrow heads in their colour.
   */
  private drawCompetitors(view: FlowView): void {
    for (const item of view.competitors ?? []) {
      const latLngs = item.coordinates.map(([lng, lat]) => L.latLng(lat, lng));
      const widthPx = view.scale(item.tonnes);
      const style = competitorFlowStyle(widthPx);
      const line = L.polyline(latLngs, { renderer: this.renderer, pane: 'flowPane', ...style, lineCap: 'butt', className: 'competitor-flow' });
      const html = competitorFlowTooltip(item, view.money, view.periodLabel);
      bindTipAndPopup(line, html, { sticky: true, direction: 'top', className: 'map-tooltip', opacity: 1 });
      line.on('mouseover', () => line.setStyle({ opacity: 1 }));
      line.on('mouseout', () => line.setStyle({ opacity: style.opacity }));
      line.addTo(this.group);
      const el = line.getElement();
      el?.setAttribute('data-supplier', item.supplierId);
      el?.setAttribute('data-market', item.market);
      el?.setAttribute('data-tonnes', String(Math.round(item.tonnes)));
      this.drawn.push({ kind: 'competitor', legId: `${item.supplierId}>${item.market}`, latLngs, widthPx, colour: style.color, tonnes: item.tonnes });
    }
  }

  /** The difference of two plans: blue where B carries more, orange where less, width by |B − A|. */
  renderDiff(diff: PlanDiff, scale: WidthScale): void {
    this.group.clearLayers();
    this.drawn = [];
    const features = [...diff.flows.features].sort((a, b) => Math.abs(b.properties.deltaTonnes) - Math.abs(a.properties.deltaTonnes));
    for (const f of features) {
      const p = f.properties;
      const latLngs = f.geometry.coordinates.map(([lng, lat]) => L.latLng(lat, lng));
      const widthPx = scale(Math.abs(p.deltaTonnes));
      const colour = diffColour(p.deltaTonnes);
      const line = L.polyline(latLngs, { renderer: this.renderer, pane: 'flowPane', color: colour, weight: widthPx, opacity: 0.85, className: 'flow-line flow-diff' });
      const sign = p.deltaTonnes > 0 ? '+' : '−';
      line.bindTooltip(
        `<div class="popup"><h3>${escapeHtml(p.legId)}</h3><p>A ${formatTonnes(p.tonnesA)} → B ${formatTonnes(p.tonnesB)} (${sign}${formatTonnes(Math.abs(p.deltaTonnes))})</p></div>`,
        { sticky: true, className: 'map-tooltip', opacity: 1 },
      );
      line.addTo(this.group);
      this.drawn.push({ kind: 'ours', legId: p.legId, latLngs, widthPx, colour, tonnes: Math.abs(p.deltaTonnes) });
    }
    this.drawArrows();
    this.setVolumes();
  }

  /**
   * Volumes on flows go to the label layer, placed with the place names: on the line at its middle,
   * or a little either side where that is taken; big flows first, competitors' after ours.
   */
  private setVolumes(): void {
    const labels: MapLabel[] = [];
    if (this.showVolumes) {
      const maxTonnes = Math.max(0, ...this.drawn.map((d) => d.tonnes));
      for (const leg of this.drawn) {
        if (!(leg.tonnes > 0) || !(maxTonnes > 0)) continue;
        const weight = leg.tonnes / maxTonnes;
        const priority = leg.kind === 'ours' ? 40 + 19 * weight : 20 + 9 * weight;
        VOLUME_SPOTS.forEach((fraction, i) => {
          const at = pointAlong(leg.latLngs, fraction, this.map);
          if (!at) return;
          labels.push({
            id: `volume:${leg.kind}:${leg.legId}:${i}`,
            text: formatTonnes(leg.tonnes),
            latLng: at,
            priority: priority - i * 0.01,
            className: 'flow-volume',
            fontPx: 11.5,
            offsetPx: 0,
            sides: ['center'],
            group: `volume:${leg.kind}:${leg.legId}`,
          });
        });
      }
    }
    this.labels.set('volumes', labels);
  }

  /** Arrow heads depend on pixel lengths, so they are redrawn per zoom. */
  private drawArrows(): void {
    this.arrows.clearLayers();
    for (const leg of this.drawn) {
      const px: Point[] = leg.latLngs.map((ll) => {
        const p = this.map.latLngToLayerPoint(ll);
        return [p.x, p.y] as const;
      });
      const size = arrowSizeFor(leg.widthPx);
      const heads = arrowHeads(px, { spacingPx: 150, ...size, minLinePx: Math.max(24, size.lengthPx * 3) });
      for (const tri of heads) {
        const ring = tri.map(([x, y]) => this.map.layerPointToLatLng(L.point(x, y)));
        L.polygon(ring, {
          renderer: this.renderer,
          pane: 'arrowPane',
          color: '#ffffff',
          weight: size.inside ? 0 : 0.8,
          stroke: !size.inside,
          fillColor: size.inside ? '#ffffff' : leg.colour,
          fillOpacity: size.inside ? 0.85 : 1,
          interactive: false,
          className: leg.kind === 'competitor' ? 'flow-arrow competitor-arrow' : 'flow-arrow',
        }).addTo(this.arrows);
      }
    }
  }

  /** Number of drawn flow lines (our used legs), for status text and tests. */
  get flowCount(): number {
    return this.drawn.filter((d) => d.kind === 'ours').length;
  }

  /** Number of competitors' flow lines drawn. */
  get competitorFlowCount(): number {
    return this.drawn.filter((d) => d.kind === 'competitor').length;
  }
}

function legName(from: string, to: string, network: Network | null): string {
  const name = (id: string) =>
    network?.markets.find((m) => m.id === id)?.name ??
    network?.nodes.find((n) => n.id === id)?.name ??
    network?.plants.find((p) => p.id === id)?.name ??
    id;
  return `${name(from)} → ${name(to)}`;
}

/** Where a volume may sit, as fractions of its line's length: the middle first. */
const VOLUME_SPOTS = [0.5, 0.35, 0.65, 0.22, 0.78];

/** The point a fraction of the way along a line, measured in the map's projection (the same at every zoom). */
function pointAlong(latLngs: L.LatLng[], fraction: number, map: L.Map): L.LatLng | null {
  const px = latLngs.map((ll) => map.project(ll, 0));
  let total = 0;
  for (let i = 1; i < px.length; i += 1) total += px[i].distanceTo(px[i - 1]);
  const target = total * fraction;
  let walked = 0;
  for (let i = 1; i < px.length; i += 1) {
    const seg = px[i].distanceTo(px[i - 1]);
    if (walked + seg >= target && seg > 0) {
      const f = (target - walked) / seg;
      return map.unproject(L.point(px[i - 1].x + (px[i].x - px[i - 1].x) * f, px[i - 1].y + (px[i].y - px[i - 1].y) * f), 0);
    }
    walked += seg;
  }
  return null;
}
