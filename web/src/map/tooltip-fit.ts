/**
 * Tooltips that open above their anchor flip below it when there is no room at the map's top edge
 * (the map clips what leaves it), and back above when there is. Sticky flow tooltips follow the
 * pointer, so the choice is made again at every position.
 */
import L from 'leaflet';

interface TooltipInternals {
  _container?: HTMLElement;
  _map?: L.Map;
  _setPosition(pos: L.Point): void;
  options: L.TooltipOptions & { fitVertically?: boolean };
}

let installed = false;

export function keepTooltipsInside(): void {
  if (installed) return;
  installed = true;
  const proto = L.Tooltip.prototype as unknown as TooltipInternals;
  const setPosition = proto._setPosition;
  proto._setPosition = function (this: TooltipInternals, pos: L.Point) {
    const el = this._container;
    const map = this._map;
    if (!el || !map || !(this.options.fitVertically || this.options.direction === 'top')) {
      setPosition.call(this, pos);
      return;
    }
    // Above the anchor where it fits; below it where the map's top edge would cut it off.
    this.options.fitVertically = true;
    this.options.direction = 'top';
    setPosition.call(this, pos);
    const top = el.getBoundingClientRect().top - map.getContainer().getBoundingClientRect().top;
    if (top < 0) {
      this.options.direction = 'bottom';
      setPosition.call(this, pos);
    }
  };
}
