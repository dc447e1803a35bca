/** The backtest on the map: per plant or region a pair of bars, modelled (coloured by error) and observed. */
import L from 'leaflet';
import { BAND_COLOURS, barOffsets, type BacktestView } from '../lib/backtest.ts';

const BAND_NONE = BAND_COLOURS.none;
import { escapeHtml } from '../lib/escape.ts';
import { t } from '../i18n/index.ts';

const BAR_W = 9;
const LABEL_W = 150;

export class BacktestLayer {
  private readonly group = L.layerGroup();

  constructor(private readonly map: L.Map) {
    map.createPane('backtestPane').style.zIndex = '630';
  }

  /** Draws the bars (null clears them); `fit` frames the map on them. */
  show(view: BacktestView | null, fit = false): void {
    this.group.clearLayers();
    if (!view) {
      this.group.remove();
      return;
    }
    const offsets = barOffsets(view.bars, 2 * BAR_W + 2);
    const maxPx = Math.max(2, ...view.bars.map((b) => Math.max(b.modelledPx, b.observedPx)));
    for (const bar of view.bars) {
      const { dx, row: line } = offsets.get(bar.key) ?? { dx: 0, row: 0 };
      const html =
        `<div class="bt-pair" style="height:${maxPx}px;margin-left:${LABEL_W / 2 + dx - BAR_W - 1}px">` +
        `<span class="bt-bar bt-modelled" style="height:${bar.modelledPx}px;background:${bar.colour}"></span>` +
        `<span class="bt-bar bt-observed${bar.estimate ? ' bt-estimate' : ''}" style="height:${bar.observedPx}px"></span>` +
        `</div><div class="bt-label" style="margin-top:${2 + line * 13}px;color:${bar.colour === BAND_NONE ? '#4b5563' : bar.colour}">${escapeHtml(bar.caption)}</div>`;
      const row = view.table.find((r) => r.kind === bar.kind && r.id === bar.id);
      const marker = L.marker([bar.lat, bar.lng], {
        pane: 'backtestPane',
        keyboard: true,
        title: bar.label,
        icon: L.divIcon({ className: `backtest-bar band-${bar.band}`, html, iconSize: [LABEL_W, maxPx + 16 + line * 13], iconAnchor: [LABEL_W / 2, maxPx] }),
      });
      marker.bindPopup(
        `<div class="popup"><h3>${escapeHtml(bar.name)}</h3><p class="muted">${escapeHtml(bar.kindLabel)}</p><table>` +
          `<tr><th scope="row">${escapeHtml(t('Modelled'))}</th><td>${escapeHtml(row?.modelled ?? '—')}</td></tr>` +
          `<tr><th scope="row">${escapeHtml(t('Observed'))}</th><td>${escapeHtml(row?.observed ?? '—')}</td></tr>` +
          `<tr><th scope="row">${escapeHtml(t('Error'))}</th><td>${escapeHtml(row?.error ?? '—')}</td></tr></table></div>`,
      );
      marker.addTo(this.group);
      marker.getElement()?.setAttribute('aria-label', bar.label);
    }
    this.group.addTo(this.map);
    if (fit && view.bars.length) {
      this.map.fitBounds(L.latLngBounds(view.bars.map((b) => L.latLng(b.lat, b.lng))), { padding: [70, 70], maxZoom: 6 });
    }
  }

  get count(): number {
    return this.group.getLayers().length;
  }
}
