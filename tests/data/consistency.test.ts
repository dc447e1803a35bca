/**
 * Figures in data/network.json that must agree with each other or with data/market.json:
 * a price-taker market's addressable tiers are a share of that market's whole consumption.
 */
import { describe, expect, it } from 'vitest';
import { consumptionInYear, MarketData } from '../../server/core/market-schema.ts';
import { Scenario } from '../../server/core/schema.ts';
import { network, readJson } from './helpers.ts';
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
