/** Rings around chosen markets (the Monte Carlo's robust markets) drawn over the market circles. */
import L from 'leaflet';
import type { Plan } from '../../../server/core/plan-schema.ts';
import { tonnesIn } from '../lib/scales.ts';

export class HighlightLayer {
  private readonly group = L.layerGroup();
  private ids: ReadonlySet<string> = new Set();

  constructor(map: L.Map) {
    this.group.addTo(map);
  }

  get count(): number {
    return this.ids.size;
  }

  set(ids: readonly string[] | null): void {
    this.ids = new Set(ids ?? []);
  }

  /** Rings just outside each chosen market's circle (same radius scale as the place layer). */
  render(plan: Plan | null, period: number | null, radius: (tonnes: number) => number): void {
    this.group.clearLayers();
    if (!plan || this.ids.size === 0) return;
    const renderer = L.svg({ pane: 'placePane' });
    for (const m of plan.markets) {
      if (!this.ids.has(m.id)) continue;
      const tonnes = tonnesIn(m, period);
      const r = (tonnes > 0 ? radius(tonnes) : 4) + 5;
      const at = L.latLng(m.lat, m.lng);
      L.circleMarker(at, { renderer, pane: 'placePane', radius: r + 1.5, color: '#111', weight: 1, opacity: 0.7, fill: false, interactive: false }).addTo(this.group);
      L.circleMarker(at, { renderer, pane: 'placePane', radius: r, color: '#f59e0b', weight: 3.5, opacity: 1, fill: false, interactive: false, className: 'robust-ring' }).addTo(this.group);
    }
  }
}
