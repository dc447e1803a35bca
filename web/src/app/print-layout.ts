/**
 * Printing: the print stylesheet gives the map another size (one A4 landscape page with the KPIs and
 * markets beside it), so the map is fitted to it when printing starts and back when it ends.
 * `data-map-layout` on the body says which layout the map was last fitted to ('print' or 'screen').
 */
import type L from 'leaflet';

export function fitMapWhenPrinting(map: L.Map): void {
  const print = window.matchMedia('print');
  const refit = () => {
    map.invalidateSize({ animate: false });
    requestAnimationFrame(() => {
      document.body.dataset.mapLayout = print.matches ? 'print' : 'screen';
    });
  };
  print.addEventListener('change', refit);
  window.addEventListener('beforeprint', refit);
  window.addEventListener('afterprint', refit);
}
