/**
 * Figures in data/network.json that must agree with each other or with data/market.json:
 * a price-taker market's addressable tiers are a share of that market's whole consumption, and a
 * land leg is never shorter than the straight line between its two ends.
 */
import { describe, expect, it } from 'vitest';
import { consumptionInYear, MarketData } from '../../server/core/market-schema.ts';
import { Scenario } from '../../server/core/schema.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { legLengthKm } from '../../server/geo/length.ts';
import { network, positions, readJson } from './helpers.ts';
import { readdirSync } from 'node:fs';

const market = MarketData.parse(readJson('data/market.json'));

/** The years the network speaks for: its exchange-rate table's, and every shipped scenario's. */
function networkYears(): number[] {
  const years = new Set(Object.keys(network.fxPerUsd?.KZT ?? {}).map(Number));
  for (const f of readdirSync(new URL('../../data/scenarios/', import.meta.url)).filter((x) => x.endsWith('.json'))) {
    const h = Scenario.parse(readJson(`data/scenarios/${f}`)).horizon;
    if (h.kind === 'multi-year') for (let y = h.fromYear; y <= h.toYear; y++) years.add(y);
    else years.add(h.year);
  }
  return [...years].sort((a, b) => a - b);
}

describe('addressable tiers and whole markets', () => {
  const years = networkYears();

  it('covers the years the network and its scenarios plan for', () => {
    expect(years).toEqual(expect.arrayContaining([2024, 2025, 2026, 2027, 2029]));
  });

  it('keeps every price-taker market’s tiers below its whole consumption in data/market.json, in every one of those years', () => {
    const over: string[] = [];
    const shared = network.markets.filter((m) => market.demand[m.id] !== undefined);
    // every network market has a whole market, so no market escapes the check
    expect(shared.map((m) => m.id)).toEqual(network.markets.map((m) => m.id));
    for (const m of shared) {
      const tiers = m.tiers.reduce((a, t) => a + t.tonnesPerYear, 0);
      for (const y of years) {
        const consumption = consumptionInYear(market.demand[m.id]!.consumptionTonnesByYear, y, m.growthPctPerYear);
        if (tiers >= consumption) over.push(`${m.id} ${y}: tiers ${tiers} t ≥ consumption ${Math.round(consumption)} t`);
      }
    }
    expect(over).toEqual([]);
  });

  it('sizes Astrakhan and Olya (Kalmykia) as a share of their regions', () => {
    const total = (id: string) => network.markets.find((m) => m.id === id)!.tiers.reduce((a, t) => a + t.tonnesPerYear, 0);
    expect(total('astrakhan')).toBe(200_000);
    expect(total('olya')).toBe(40_000);
  });
});

describe('land legs and the straight line', () => {
  it('makes no rail or road leg shorter than the great circle between its end nodes', () => {
    const at = positions();
    const short: string[] = [];
    // distances as the model uses them: stated, or computed from the geometry
    for (const l of loadDefaultNetwork().legs.filter((x) => x.mode !== 'sea')) {
      const a = at.get(l.from)!;
      const b = at.get(l.to)!;
      const straightKm = legLengthKm({ type: 'LineString', coordinates: [[a.lng, a.lat], [b.lng, b.lat]] });
      // 50 m of slack: a distance computed from a two-point geometry is its great circle rounded to 0.1 km
      if ((l.distanceKm ?? 0) < straightKm - 0.05) short.push(`${l.id}: ${l.distanceKm} km < great circle ${straightKm.toFixed(1)} km`);
    }
    expect(short).toEqual([]);
  });

  it('runs the Atyrau–Astrakhan line to Astrakhan I (375 km), split at the Kigach border', () => {
    const km = (id: string) => network.legs.find((l) => l.id === id)!.distanceKm;
    expect([km('rail_atyrau_border_kigash'), km('rail_border_kigash_astrakhan')]).toEqual([301, 74]);
  });
});
