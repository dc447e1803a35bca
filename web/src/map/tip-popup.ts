/**
 * A map item's figures as a tooltip on hover and a popup on click, never both at once: the popup
 * closes the hover tooltip (clicking a market used to leave a squashed copy of its table beside the
 * popup), and a popup keeps clear of the map's top-left corner, where the zoom buttons sit (on a
 * phone they covered the popup's title).
 */
import L from 'leaflet';

/** Room kept around an opened popup, px: clear of the zoom control (top left) and the map's edges. */
const POPUP_PADDING_TOP_LEFT = L.point(56, 84);
const POPUP_PADDING_BOTTOM_RIGHT = L.point(12, 12);

export function bindTipAndPopup(layer: L.Layer, html: string, tooltip: L.TooltipOptions): void {
  layer.bindTooltip(html, tooltip);
  layer.bindPopup(html, { autoPanPaddingTopLeft: POPUP_PADDING_TOP_LEFT, autoPanPaddingBottomRight: POPUP_PADDING_BOTTOM_RIGHT });
  layer.on('popupopen', () => layer.closeTooltip());
}
