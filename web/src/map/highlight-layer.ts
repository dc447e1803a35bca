/**
 * Rings around chosen markets drawn over the market circles: the Monte Carlo's robust markets (a
 * bold amber ring) or the markets with room to negotiate (the same ring, thinner and dashed).
 */
import L from 'leaflet';
import type { Plan } from '../../../server/core/plan-schema.ts';
import { tonnesIn } from '../lib/scales.ts';

export type HighlightKind = 'robust' | 'room';

export class HighlightLayer {
  private readonly group = L.layerGroup();
  private ids: ReadonlySet<string> = new Set();
  private kind: HighlightKind = 'robust';
  /** One SVG kept across renders; first drawn after the market circles' SVG, so the rings lie above them. */
  private readonly renderer = L.svg({ pane: 'placePane' });

  constructor(map: L.Map) {
    this.group.addTo(map);
  }

  get count(): number {
    return this.ids.size;
  }

  set(ids: readonly string[] | null, kind: HighlightKind = 'robust'): void {
    this.ids = new Set(ids ?? []);
    this.kind = kind;
  }

  /** Rings just outside each chosen market's circle (same radius scale as the place layer). */
  render(plan: Plan | null, period: number | null, radius: (tonnes: number) => number): void {
    this.group.clearLayers();
    if (!plan || this.ids.size === 0) return;
    const renderer = this.renderer;
    const room = this.kind === 'room';
    for (const m of plan.markets) {
      if (!this.ids.has(m.id)) continue;
      const tonnes = tonnesIn(m, period);
      const r = (tonnes > 0 ? radius(tonnes) : 4) + (room ? 4 : 5);
      const at = L.latLng(m.lat, m.lng);
      L.circleMarker(at, { renderer, pane: 'placePane', radius: r + 1.5, color: '#111', weight: 1, opacity: room ? 0.45 : 0.7, fill: false, interactive: false }).addTo(this.group);
      L.circleMarker(at, {
        renderer,
        pane: 'placePane',
        radius: r,
        color: '#b45309',
        weight: room ? 2 : 3.5,
        opacity: room ? 0.9 : 1,
        dashArray: room ? '4 3' : undefined,
        fill: false,
        interactive: false,
        className: room ? 'room-ring' : 'robust-ring',
      }).addTo(this.group);
    }
  }
}
