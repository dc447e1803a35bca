/**
 * data/market-history.json: the Kazakh cement market in 2024 and 2025 for calibration and back-tests.
 * Checks that it parses, that every figure has a source or a ranged "ESTIMATE: …", that every null
 * says why, that plants link to data/market.json suppliers and that the totals add up.
 */
import { describe, expect, it } from 'vitest';
import { MarketHistory } from '../../server/core/history-schema.ts';
import { MarketData } from '../../server/core/market-schema.ts';
import { containsNumber, network, readJson } from './helpers.ts';

type Entity = Record<string, unknown> & { sources?: Record<string, string> };
const raw = readJson('data/market-history.json') as Record<string, unknown> & {
  national: Entity;
  plants: Entity[];
  regions: Entity[];
  importsByOrigin: Entity[];
  exportsByDestination: Entity[];
  prices: Entity[];
};
const history = MarketHistory.parse(raw);
const market = MarketData.parse(readJson('data/market.json'));
const RANGE = /\d\s*(?:-|–|to)\s*\d|±\s*\d/;

function problemsOf(label: string, e: Entity): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(e)) {
    if (key === 'sources') continue;
    const text = e.sources?.[key];
    if (value === null) {
      if (typeof text !== 'string' || text.trim().length < 10) out.push(`${label}.${key}: null without a note`);
      continue;
    }
    if (!containsNumber(value)) continue;
    if (typeof text !== 'string' || text.trim().length < 10) out.push(`${label}.${key}: no source`);
    else if (/^\s*estimate/i.test(text) && !(/^ESTIMATE: .{20,}/.test(text) && RANGE.test(text))) {
      out.push(`${label}.${key}: estimate without reasoning and a low–high range`);
    }
  }
  return out;
}

describe('data/market-history.json', () => {
  it('parses with the MarketHistory schema', () => {
    const r = MarketHistory.safeParse(raw);
    expect(r.success ? [] : r.error.issues).toEqual([]);
  });

  it('gives every numeric field a source or an ESTIMATE with a range, and every null a note', () => {
    const problems = [
      ...problemsOf('national', raw.national),
      ...raw.plants.flatMap((p) => problemsOf(`plant ${String(p.id)}`, p)),
      ...raw.regions.flatMap((r) => problemsOf(`region ${String(r.region)}`, r)),
      ...raw.importsByOrigin.flatMap((t) => problemsOf(`import ${String(t.partner)}`, t)),
      ...raw.exportsByDestination.flatMap((t) => problemsOf(`export ${String(t.partner)}`, t)),
      ...raw.prices.flatMap((p) => problemsOf(`price ${String(p.marketId)}`, p)),
    ];
    expect(problems).toEqual([]);
  });

  it('links plants to data/market.json suppliers and to network markets', () => {
    const suppliers = new Set(market.suppliers.map((s) => s.id));
    const markets = new Set(network.markets.map((m) => m.id));
    for (const p of history.plants) {
      if (p.supplierId !== null) expect(suppliers.has(p.supplierId), p.id).toBe(true);
      expect(markets.has(p.marketId), p.id).toBe(true);
    }
    for (const x of [...history.regions, ...history.prices]) expect(markets.has(x.marketId), x.marketId).toBe(true);
    // Every Kazakh supplier in market.json is a plant here.
    const kz = market.suppliers.filter((s) => s.country === 'KZ').map((s) => s.id);
    expect(kz.filter((id) => !history.plants.some((p) => p.supplierId === id))).toEqual([]);
  });

  it('adds up: regions to national consumption, trade flows to national imports and exports', () => {
    const n = history.national;
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    expect(Math.abs(sum(history.regions.map((r) => r.consumptionTonnes2024)) - n.consumptionTonnes2024)).toBeLessThan(20_000);
    expect(Math.abs(sum(history.regions.map((r) => r.consumptionTonnes2025)) - n.consumptionTonnes2025)).toBeLessThan(20_000);
    expect(sum(history.importsByOrigin.map((t) => t.tonnes2024))).toBe(n.importsTonnes2024);
    expect(sum(history.importsByOrigin.map((t) => t.tonnes2025))).toBe(n.importsTonnes2025);
    expect(sum(history.exportsByDestination.map((t) => t.tonnes2024))).toBe(n.exportsTonnes2024);
    expect(sum(history.exportsByDestination.map((t) => t.tonnes2025))).toBe(n.exportsTonnes2025);
    expect(n.productionTonnes2025).toBe(n.consumptionTonnes2025 - n.importsTonnes2025 + n.exportsTonnes2025);
    // Published plant output never exceeds capacity by more than 10 %.
    for (const p of history.plants) {
      for (const q of [p.productionTonnes2024, p.productionTonnes2025]) {
        if (q !== null) expect(q, p.id).toBeLessThanOrEqual(p.capacityTonnesPerYear * 1.1);
      }
    }
  });

  it('gives a price for every Kazakh market, ex-VAT, in a plausible band (15,000–60,000 KZT/t)', () => {
    const kz = network.markets.filter((m) => m.country === 'KZ').map((m) => m.id);
    expect(kz.filter((id) => !history.prices.some((p) => p.marketId === id))).toEqual([]);
    for (const p of history.prices) {
      for (const v of [p.priceKztPerTonneExVat2024, p.priceKztPerTonneExVat2025]) {
        expect(v, p.marketId).toBeGreaterThan(15_000);
        expect(v, p.marketId).toBeLessThan(60_000);
      }
    }
  });

  it('names a unit in every numeric field (tonnes, KZT per tonne, millions of people, degrees)', () => {
    const UNIT = /([Tt]onnes(20\d\d)?|KztPerTonneExVat20\d\d|Millions20\d\d|TonnesPerYear)$|^(lng|lat)$/;
    const entities: Entity[] = [raw.national, ...raw.plants, ...raw.regions, ...raw.importsByOrigin, ...raw.exportsByDestination, ...raw.prices];
    const unitless = entities.flatMap((e) => Object.entries(e).filter(([k, v]) => k !== 'sources' && typeof v === 'number' && !UNIT.test(k)).map(([k]) => k));
    expect([...new Set(unitless)]).toEqual([]);
  });

  it('gives every operating plant’s production in both years, published or estimated, adding up to national production within 1 %', () => {
    for (const p of history.plants.filter((x) => x.status !== 'idle')) {
      expect(p.productionTonnes2024, p.id).not.toBeNull();
      expect(p.productionTonnes2025, p.id).not.toBeNull();
    }
    const sum = (xs: (number | null)[]) => xs.reduce<number>((a, b) => a + (b ?? 0), 0);
    const n = history.national;
    expect(Math.abs(sum(history.plants.map((p) => p.productionTonnes2024)) / n.productionTonnes2024 - 1)).toBeLessThan(0.01);
    expect(Math.abs(sum(history.plants.map((p) => p.productionTonnes2025)) / n.productionTonnes2025 - 1)).toBeLessThan(0.01);
  });

  it('pins Steppe Cement’s published sales and the national totals to their source', () => {
    const steppe = history.plants.find((p) => p.id === 'steppe_cement');
    expect(steppe?.productionTonnes2024).toBe(1_710_000);
    expect(steppe?.productionTonnes2025).toBe(2_070_000);
    expect(history.national.consumptionTonnes2025).toBe(14_500_000);
    expect(history.national.sources.consumptionTonnes2025).toMatch(/Global Cement/);
  });
});
