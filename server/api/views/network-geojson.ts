/** The network as GeoJSON: plants, markets and transit nodes as Points, legs as LineStrings. */
import type { Network } from '../../core/schema.ts';

export interface NetworkFeature {
  type: 'Feature';
  id: string;
  geometry: { type: 'Point'; coordinates: number[] } | { type: 'LineString'; coordinates: number[][] };
  properties: Record<string, unknown>;
}

export function networkToGeoJson(network: Network): { type: 'FeatureCollection'; features: NetworkFeature[] } {
  const point = (lng: number, lat: number) => ({ type: 'Point' as const, coordinates: [lng, lat] });
  const features: NetworkFeature[] = [
    ...network.plants.map((p) => ({
      type: 'Feature' as const,
      id: p.id,
      geometry: point(p.lng, p.lat),
      properties: {
        featureType: 'plant',
        id: p.id,
        name: p.name,
        country: p.country,
        capacityTonnesPerYearByPhase: p.capacityTonnesPerYearByPhase,
        variableCostUsdPerTonne: p.variableCostUsdPerTonne,
      },
    })),
    ...network.markets.map((m) => ({
      type: 'Feature' as const,
      id: m.id,
      geometry: point(m.lng, m.lat),
      properties: {
        featureType: 'market',
        id: m.id,
        name: m.name,
        country: m.country,
        domestic: m.domestic,
        demandTonnesPerYear: m.tiers.reduce((sum, t) => sum + t.tonnesPerYear, 0),
        topPriceUsdPerTonne: m.tiers.reduce((max, t) => Math.max(max, t.priceUsdPerTonne), 0),
        dutyPct: m.dutyPct,
        dutyUsdPerTonne: m.dutyUsdPerTonne,
        openFromPhase: m.openFromPhase,
      },
    })),
    ...network.nodes.map((n) => ({
      type: 'Feature' as const,
      id: n.id,
      geometry: point(n.lng, n.lat),
      properties: {
        featureType: 'node',
        id: n.id,
        name: n.name,
        kind: n.kind,
        country: n.country,
        throughputTonnesPerYear: n.throughputTonnesPerYear ?? null,
        handlingUsdPerTonne: n.handlingUsdPerTonne,
        closedMonths: n.closedMonths,
      },
    })),
    ...network.legs.map((l) => ({
      type: 'Feature' as const,
      id: l.id,
      geometry: { type: 'LineString' as const, coordinates: l.geometry.coordinates.map((c) => [...c]) },
      properties: {
        featureType: 'leg',
        id: l.id,
        from: l.from,
        to: l.to,
        mode: l.mode,
        distanceKm: l.distanceKm ?? null,
        fixedUsdPerTonne: l.fixedUsdPerTonne,
        usdPerTonneKm: l.usdPerTonneKm,
        capacityTonnesPerYear: l.capacityTonnesPerYear ?? null,
        closedMonths: l.closedMonths,
        co2KgPerTonneKm: l.co2KgPerTonneKm,
      },
    })),
  ];
  return { type: 'FeatureCollection', features };
}
