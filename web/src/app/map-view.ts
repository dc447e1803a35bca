/**
 * The Leaflet map: panes, opening view, base map, the flow, place and highlight layers and the legend,
 * and the keyboard order of its controls. What the legend switches goes into the page state.
 */
import L from 'leaflet';
import { t } from '../i18n/index.ts';
import { addBaseMap, type BaseMap } from '../map/basemap.ts';
import { FlowLayer } from '../map/flow-layer.ts';
import { LabelLayer } from '../map/label-layer.ts';
import { HighlightLayer } from '../map/highlight-layer.ts';
import { Legend } from '../map/legend.ts';
import { PlaceLayer } from '../map/place-layer.ts';
import { keepTooltipsInside } from '../map/tooltip-fit.ts';
import { initial, state } from './state.ts';

/** Leaflet's metric scale bar, its unit in the page's language ("200 км" in Russian). */
const LocalScale = L.Control.Scale.extend({
  _updateMetric(this: { _getRoundNum(n: number): number; _updateScale(el: HTMLElement, text: string, ratio: number): void; _mScale: HTMLElement }, maxMeters: number) {
    const meters = this._getRoundNum(maxMeters);
    const label = meters < 1000 ? t('{n} m', { n: meters }) : t('{n} km', { n: meters / 1000 });
    this._updateScale(this._mScale, label, meters / maxMeters);
  },
});
import { setStatus } from './status.ts';

export interface MapView {
  map: L.Map;
  flowLayer: FlowLayer;
  placeLayer: PlaceLayer;
  /** Every text on the map: the flow and place layers hand their labels to it. */
  labelLayer: LabelLayer;
  highlightLayer: HighlightLayer;
  legend: Legend;
  /** Resolves once the offline base map is drawn. */
  baseMapReady: Promise<BaseMap>;
}

export interface MapViewHooks {
  redraw(): void;
  writeHash(): void;
  /** The online tiles changed status: the plan on screen is drawn again over them. */
  redrawPlan(): void;
  /** The base map's outlines are built once this resolves (they are fetched at once). */
  baseMapAfter: Promise<unknown>;
}

/**
 * Escape closes an open popup wherever the focus is in the map (Leaflet closes it only while the map
 * itself has focus, not a marker opened from the keyboard), and the focus goes back to what opened it.
 * The popup's close button is named in the page's language.
 */
function closePopupsWithEscape(map: L.Map): void {
  let openedFrom: HTMLElement | null = null;
  map.on('popupopen', (e: L.PopupEvent) => {
    openedFrom = document.activeElement instanceof HTMLElement && map.getContainer().contains(document.activeElement) ? document.activeElement : null;
    const close = e.popup.getElement()?.querySelector('.leaflet-popup-close-button');
    if (close) {
      close.setAttribute('aria-label', t('Close popup'));
      close.setAttribute('title', t('Close popup'));
    }
  });
  map.getContainer().addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || !map.getContainer().querySelector('.leaflet-popup')) return;
    map.closePopup();
    e.stopPropagation();
    if (openedFrom?.isConnected) openedFrom.focus();
    openedFrom = null;
  });
}

/** Caspian, Kazakhstan and the markets around them. */
const DEFAULT_BOUNDS = L.latLngBounds([36.2, 45.5], [54.2, 78.5]);

export function createMapView(hooks: MapViewHooks): MapView {
  keepTooltipsInside();

  const map = L.map('map', {
    zoomSnap: 0.25,
    zoomDelta: 0.5,
    minZoom: 3,
    maxZoom: 10,
    worldCopyJump: false,
    attributionControl: true,
    keyboard: true,
    zoomControl: false,
  });
  // Leaflet's own controls in the page's language (a screen reader says "Zoom in" otherwise).
  L.control.zoom({ zoomInTitle: t('Zoom in'), zoomOutTitle: t('Zoom out') }).addTo(map);
  closePopupsWithEscape(map);
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution('Natural Earth');
  const panes: [string, number][] = [
    // Land and sea, on one canvas (map/basemap.ts).
    ['basePane', 150],
    ['flowPane', 410],
    ['arrowPane', 420],
    ['placePane', 440],
    ['nodePane', 610],
    ['labelPane', 620],
  ];
  for (const [name, z] of panes) map.createPane(name).style.zIndex = String(z);
  map.getPane('labelPane')!.style.pointerEvents = 'none';

  if (initial.view) map.setView([initial.view.lat, initial.view.lng], initial.view.zoom);
  else map.fitBounds(DEFAULT_BOUNDS, { padding: [8, 8] });

  const labelLayer = new LabelLayer(map);
  const flowLayer = new FlowLayer(map, labelLayer);
  const placeLayer = new PlaceLayer(map, labelLayer);
  const highlightLayer = new HighlightLayer(map);
  let baseMap: BaseMap | null = null;
  const legend = new Legend({
    onFilters(filters) {
      state.page.filters = filters;
      hooks.redraw();
    },
    onVolumes(on) {
      state.showVolumes = on;
      hooks.redraw();
    },
    onTiles(on) {
      state.page.tiles = on;
      state.tiles = on ? 'loading' : 'off';
      baseMap?.setTiles(on);
      hooks.writeHash();
      hooks.redraw();
    },
  });
  legend.addTo(map);
  new LocalScale({ imperial: false, position: 'bottomleft' } as L.Control.ScaleOptions).addTo(map);

  // Keyboard order: the map's controls (zoom, legend and filters) come first in the map, and the drawn
  // paths (flows, market circles: unnamed SVG) stay out of the Tab order — their figures are in the
  // Results panel, and the named plant, port and node markers remain reachable.
  {
    const container = map.getContainer();
    const controls = container.querySelector('.leaflet-control-container');
    if (controls) container.prepend(controls);
    const unfocus = (root: ParentNode) => {
      for (const path of root.querySelectorAll('path.leaflet-interactive')) path.setAttribute('tabindex', '-1');
    };
    new MutationObserver((records) => {
      for (const r of records) for (const n of r.addedNodes) if (n instanceof Element) n.matches('path.leaflet-interactive') ? n.setAttribute('tabindex', '-1') : unfocus(n);
    }).observe(map.getPane('mapPane') ?? container, { childList: true, subtree: true });
  }

  const baseMapReady = addBaseMap(map, {
    onTiles(status) {
      if (!state.page.tiles || state.tiles === status) return;
      state.tiles = status;
      document.body.dataset.tiles = status;
      if (status === 'failed') setStatus(t('Online tiles cannot be loaded (no internet?): the offline map stays.'));
      if (state.plan) hooks.redrawPlan();
    },
  }, hooks.baseMapAfter).then((b) => {
    baseMap = b;
    return b;
  });

  return { map, flowLayer, placeLayer, labelLayer, highlightLayer, legend, baseMapReady };
}
