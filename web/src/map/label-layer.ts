/**
 * Every text on the map in one placement: place names (plant, ports, markets, countries, seas) and
 * the volumes on flows. Layers hand in their labels and the symbols labels must not cover; this
 * layer measures each text, places them by priority without overlap (lib/labels.ts), shows only
 * what fits, and places again when the map zooms, moves or resizes.
 */
import L from 'leaflet';
import { escapeHtml } from '../lib/escape.ts';
import { estimateTextWidth, placeLabels, type Box, type LabelCandidate, type LabelSide } from '../lib/labels.ts';

export interface MapLabel {
  id: string;
  text: string;
  latLng: L.LatLng;
  /** Higher first: plant 100, ports 60, big flows and markets 40–59, countries and seas last. */
  priority: number;
  /** CSS class of the label (label-port, label-market, flow-volume …). */
  className: string;
  fontPx: number;
  /** Gap between the point and the label (the symbol's radius and a little). */
  offsetPx: number;
  /** Positions to try, in order (default: around the point). */
  sides?: readonly LabelSide[];
  /** Alternative spots for one text: only the first that fits is shown. */
  group?: string;
}

/** A round symbol labels keep off (market circle, port, plant). */
export interface MapSymbol {
  latLng: L.LatLng;
  radiusPx: number;
}

interface Source {
  labels: MapLabel[];
  symbols: MapSymbol[];
}

export class LabelLayer {
  private readonly group = L.layerGroup();
  private readonly sources = new Map<string, Source>();
  private readonly sizes = new Map<string, { width: number; height: number }>();
  /** Inside `batch`: sources are replaced without placing; the batch places once at its end. */
  private batching = false;
  /**
   * Where the map's controls are, in map pixels, as last measured (null: to measure). Measuring reads
   * the layout, which forces the browser to lay out the page a plan just changed; so the boxes are
   * kept, and measured again only when a control or the map changes size (a ResizeObserver).
   */
  private controlBoxes: Box[] | null = null;
  private readonly watched = new WeakSet<Element>();
  private readonly controlsWatch =
    typeof ResizeObserver === 'undefined'
      ? null
      : new ResizeObserver(() => {
          if (this.controlBoxes === null) return;
          const before = this.controlBoxes;
          const now = this.measureControls();
          if (now.length !== before.length || now.some((b, i) => b.x0 !== before[i].x0 || b.y0 !== before[i].y0 || b.x1 !== before[i].x1 || b.y1 !== before[i].y1)) this.draw();
        });

  constructor(private readonly map: L.Map) {
    this.group.addTo(map);
    map.on('zoomend moveend resize', () => this.draw());
  }

  /** Replace one source's labels and symbols (e.g. `places`, `volumes`) and place everything again. */
  set(source: string, labels: MapLabel[], symbols: MapSymbol[] = []): void {
    this.sources.set(source, { labels, symbols });
    if (!this.batching) this.draw();
  }

  /**
   * Several sources replaced together (a plan's flows and places): the labels are placed once, at the
   * end, instead of once per source (each placement measures the map's controls, a layout).
   */
  batch(update: () => void): void {
    if (this.batching) {
      update();
      return;
    }
    this.batching = true;
    try {
      update();
    } finally {
      this.batching = false;
    }
    this.draw();
  }

  private draw(): void {
    this.group.clearLayers();
    const items = [...this.sources.values()].flatMap((s) => s.labels);
    const symbols = [...this.sources.values()].flatMap((s) => s.symbols);
    const size = this.map.getSize();
    const byId = new Map<string, MapLabel>();
    this.measureNew(items);
    const candidates: LabelCandidate[] = items.map((item) => {
      const p = this.map.latLngToContainerPoint(item.latLng);
      const { width, height } = this.sizeOf(item);
      byId.set(item.id, item);
      return { id: item.id, x: p.x, y: p.y, width, height, priority: item.priority, offsetPx: item.offsetPx, sides: item.sides, group: item.group };
    });
    const obstacles: Box[] = symbols.map((s) => {
      const p = this.map.latLngToContainerPoint(s.latLng);
      return { x0: p.x - s.radiusPx, y0: p.y - s.radiusPx, x1: p.x + s.radiusPx, y1: p.y + s.radiusPx };
    });
    // The map's controls (zoom, legend, scale) cover the map: a label under one could not be read.
    obstacles.push(...(this.controlBoxes ?? this.measureControls()));
    const placed = placeLabels(candidates, { obstacles, bounds: { x0: 0, y0: 0, x1: size.x, y1: size.y } });
    for (const label of placed) {
      const item = byId.get(label.id)!;
      const at = this.map.containerPointToLatLng(L.point(label.box.x0, label.box.y0));
      L.marker(at, {
        pane: 'labelPane',
        interactive: false,
        keyboard: false,
        icon: L.divIcon({
          className: `map-label ${item.className}`,
          html: `<span style="font-size:${item.fontPx}px">${escapeHtml(item.text)}</span>`,
          iconSize: [label.box.x1 - label.box.x0, label.box.y1 - label.box.y0],
          iconAnchor: [0, 0],
        }),
      }).addTo(this.group);
    }
    // For tests and status: the zoom of the last placement and how many labels it shows.
    const container = this.map.getContainer();
    container.dataset.labelsZoom = String(this.map.getZoom());
    container.dataset.labels = String(placed.length);
  }

  /**
   * The visible controls' boxes relative to the map. Kept while every control, control corner and the
   * map keep their size; without ResizeObserver, measured at every placement.
   */
  private measureControls(): Box[] {
    const container = this.map.getContainer();
    const frame = container.getBoundingClientRect();
    const boxes: Box[] = [];
    for (const control of container.querySelectorAll('.leaflet-control')) {
      const r = control.getBoundingClientRect();
      if (r.width > 0 && r.height > 0) boxes.push({ x0: r.left - frame.left, y0: r.top - frame.top, x1: r.right - frame.left, y1: r.bottom - frame.top });
    }
    if (!this.controlsWatch) return boxes;
    // A control added, removed or resized changes its corner's size; a resized map moves the corners.
    for (const el of [container, ...container.querySelectorAll('.leaflet-control-container > div, .leaflet-control')]) {
      if (this.watched.has(el)) continue;
      this.watched.add(el);
      this.controlsWatch.observe(el);
    }
    this.controlBoxes = boxes;
    return boxes;
  }

  /**
   * Measures the drawn size of every label text not measured yet, in its own style, off screen: all
   * probes go in at once and are read together, so the page lays out once for them rather than once
   * per label (a first plan has some sixty labels).
   */
  private measureNew(items: readonly MapLabel[]): void {
    const pane = this.map.getPane('labelPane');
    if (!pane) return;
    const probes = new Map<string, HTMLElement>();
    for (const item of items) {
      const key = sizeKey(item);
      if (this.sizes.has(key) || probes.has(key)) continue;
      const probe = document.createElement('div');
      probe.className = `map-label ${item.className}`;
      probe.style.cssText = 'position:absolute;left:0;top:0;visibility:hidden';
      probe.innerHTML = `<span style="font-size:${item.fontPx}px">${escapeHtml(item.text)}</span>`;
      probes.set(key, probe);
    }
    if (probes.size === 0) return;
    pane.append(...probes.values());
    for (const [key, probe] of probes) {
      const rect = probe.firstElementChild!.getBoundingClientRect();
      const width = Math.ceil(rect.width);
      const height = Math.ceil(rect.height);
      // Zero while the map is hidden: not kept, so a later placement measures it again.
      if (width > 0 && height > 0) this.sizes.set(key, { width, height });
    }
    for (const probe of probes.values()) probe.remove();
  }

  /** The text's drawn size (measureNew), or an estimate while it cannot be measured (the map hidden). */
  private sizeOf(item: MapLabel): { width: number; height: number } {
    return this.sizes.get(sizeKey(item)) ?? { width: estimateTextWidth(item.text, item.fontPx), height: item.fontPx + 5 };
  }
}

const sizeKey = (item: MapLabel) => `${item.className}|${item.fontPx}|${item.text}`;
