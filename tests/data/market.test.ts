/**
 * data/market.json (DESIGN §3b): competitors and whole-market demand. Checks that it parses, that
 * every figure has a source (or an "ESTIMATE: …" with a low–high range), that it fits the network,
 * and pins a few headline figures to their sources.
 */
import { describe, expect, it } from 'vitest';
import { dutyInPeriod, MarketData } from '../../server/core/market-schema.ts';
import { readDefaultNetworkRaw } from '../../server/data/load.ts';
import { containsNumber, network, readJson } from './helpers.ts';

type Sources = Record<string, string>;
type RawRoute = Record<string, unknown> & { market: string; sources?: Sources };
type RawSupplier = Record<string, unknown> & { id: string; routes: RawRoute[]; sources?: Sources };
type RawDemand = Record<string, unknown> & { sources?: Sources };
type RawOutside = Record<string, unknown> & { id: string; demand: RawDemand; sources?: Sources };
const raw = readJson('data/market.json') as Record<string, unknown> & {
  suppliers: RawSupplier[];
  demand: Record<string, RawDemand>;
  outsideMarkets: RawOutside[];
};
const data = MarketData.parse(raw);

/** A range written in figures: "20-28", "0.5–1.0", "3 to 5", "±20 km". */
const RANGE = /\d\s*(?:-|–|to)\s*\d|±\s*\d/;

/** Problems with one source text: missing, too short, or an estimate without its reasoning or range. */
function badSource(text: string | undefined, needsRange = true): string | null {
  if (typeof text !== 'string' || text.trim().length < 10) return 'no source';
  if (/^\s*estimate/i.test(text)) {
    if (!/^ESTIMATE: .{20,}/.test(text)) return 'estimate without "ESTIMATE: reasoning"';
    if (needsRange && !RANGE.test(text)) return 'estimate without a low–high range';
  }
  return null;
}

describe('data/market.json', () => {
  it('parses with the MarketData schema and leaves exchange rates to data/network.json', () => {
    const r = MarketData.safeParse(raw);
    expect(r.success ? [] : r.error.issues).toEqual([]);
    expect(raw.fxPerUsd).toEqual({});
  });

  it('gives every numeric field of every supplier and route a source or a ranged estimate', () => {
    const problems: string[] = [];
    for (const s of raw.suppliers) {
      for (const [key, value] of Object.entries(s)) {
        if (key === 'sources' || key === 'routes' || !containsNumber(value)) continue;
        const text = s.sources?.[key];
        // A cost estimate may carry its range as low/high fields instead of in words.
        const cost = key === 'cashCost' ? (value as { value: number; low?: number; high?: number }) : null;
        const hasRangeFields = cost !== null && cost.low !== undefined && cost.high !== undefined;
        const bad = badSource(text, !hasRangeFields);
        if (bad) problems.push(`${s.id}.${key}: ${bad}`);
      }
      for (const r of s.routes) {
        for (const [key, value] of Object.entries(r)) {
          if (key === 'sources' || !containsNumber(value)) continue;
          const text = r.sources?.[key] ?? s.sources?.[`routes.${r.market}.${key}`];
          const bad = badSource(text);
          if (bad) problems.push(`${s.id}.routes.${r.market}.${key}: ${bad}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('gives estimated cash costs a low ≤ value ≤ high range in the same currency', () => {
    const problems: string[] = [];
    for (const s of data.suppliers) {
      const { value, low, high } = s.cashCost;
      if (!/^\s*ESTIMATE/.test(s.sources.cashCost ?? '')) continue;
      if (low === undefined || high === undefined || !(low <= value && value <= high)) problems.push(s.id);
    }
    expect(problems).toEqual([]);
  });

  it('gives every numeric field of every market demand a source or a ranged estimate', () => {
    const problems: string[] = [];
    const demands: [string, RawDemand][] = [...Object.entries(raw.demand), ...raw.outsideMarkets.map((m) => [m.id, m.demand] as [string, RawDemand])];
    for (const [id, d] of demands) {
      for (const [key, value] of Object.entries(d)) {
        if (key === 'sources' || !containsNumber(value)) continue;
        const bad = badSource(d.sources?.[key]);
        if (bad) problems.push(`${id}.${key}: ${bad}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('gives every market outside the network a source for its position, an id of its own and a country', () => {
    const problems: string[] = [];
    for (const m of raw.outsideMarkets) {
      for (const key of ['lng', 'lat']) {
        const bad = badSource(m.sources?.[key]);
        if (bad) problems.push(`${m.id}.${key}: ${bad}`);
      }
    }
    expect(problems).toEqual([]);
    const own = new Set(network.markets.map((m) => m.id));
    expect(data.outsideMarkets.filter((m) => own.has(m.id) || data.demand[m.id] !== undefined).map((m) => m.id)).toEqual([]);
    // Southern Siberia, the Urals, Kyrgyzstan and Tajikistan, where Kazakh cement goes beyond the network.
    expect(data.outsideMarkets.map((m) => m.country).sort()).toEqual(['KG', 'RU', 'RU', 'RU', 'TJ']);
    for (const m of data.outsideMarkets.filter((x) => x.country === 'RU')) expect(m.demand.blocks[0].value.currency, m.id).toBe('RUB');
  });

  it('gives every border friction a ranged estimate of its cost per tonne, in its currency, with the range around the value', () => {
    const frictions = (raw as { borderFrictions?: { id: string; sources?: Sources }[] }).borderFrictions ?? [];
    expect(data.borderFrictions.map((f) => `${f.id} ${f.fromCountry}→${f.toCountry} ${f.cost.currency}`)).toEqual(['kz-ru KZ→RU USD']);
    for (const f of data.borderFrictions) {
      const text = frictions.find((x) => x.id === f.id)?.sources?.cost;
      expect(badSource(text), f.id).toBeNull();
      expect(text, f.id).toMatch(/^ESTIMATE: /);
      expect(f.cost.low, f.id).toBeDefined();
      expect(f.cost.high, f.id).toBeDefined();
      expect(f.cost.low!, f.id).toBeLessThanOrEqual(f.cost.value);
      expect(f.cost.value, f.id).toBeLessThanOrEqual(f.cost.high!);
      expect(text, f.id).toContain(`range ${f.cost.low}-${f.cost.high}`);
    }
  });

  it('serves every market outside the network by a competitor of its own country and by a Kazakh plant', () => {
    for (const m of data.outsideMarkets) {
      const into = data.suppliers.filter((s) => s.routes.some((r) => r.market === m.id));
      expect(into.some((s) => s.country === m.country), m.id).toBe(true);
      expect(into.some((s) => s.country === 'KZ'), m.id).toBe(true);
    }
  });

  it('levies the Uzbek duty on Kazakh cement from August 2025 only: none in 2024, 5/12 of 90 USD/t over 2025', () => {
    const routes = data.suppliers.filter((s) => s.country === 'KZ').flatMap((s) => s.routes.filter((r) => r.market === 'tashkent').map((r) => [s, r] as const));
    expect(routes.length).toBeGreaterThan(0);
    for (const [s, r] of routes) {
      expect(r.dutyChanges, s.id).toEqual([{ from: '2025-08', dutyPct: 0, dutyUsdPerTonne: 90 }]);
      expect(dutyInPeriod(r, 2024, null).dutyUsdPerTonne, s.id).toBe(0);
      expect(dutyInPeriod(r, 2025, 7).dutyUsdPerTonne, s.id).toBe(0);
      expect(dutyInPeriod(r, 2025, 8).dutyUsdPerTonne, s.id).toBe(90);
      expect(dutyInPeriod(r, 2025, null).dutyUsdPerTonne, s.id).toBeCloseTo((5 / 12) * 90, 9);
      expect(dutyInPeriod(r, 2026, null).dutyUsdPerTonne, s.id).toBeCloseTo(90, 9);
      expect(s.sources['routes.tashkent.dutyChanges'], s.id).toMatch(/kun\.uz.*CemNet/);
    }
  });

  it('uses only market ids of data/network.json or its own outside markets, and gives every network market its whole demand', () => {
    const ids = new Set([...network.markets.map((m) => m.id), ...data.outsideMarkets.map((m) => m.id)]);
    const unknown = data.suppliers.flatMap((s) => s.routes.filter((r) => !ids.has(r.market)).map((r) => `${s.id} → ${r.market}`));
    expect(unknown).toEqual([]);
    expect(Object.keys(data.demand).filter((m) => !ids.has(m))).toEqual([]);
    expect(network.markets.map((m) => m.id).filter((m) => !data.demand[m])).toEqual([]);
  });

  it('has unique supplier ids, each with at least one route and no market twice', () => {
    const ids = data.suppliers.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const s of data.suppliers) {
      expect(s.routes.length, s.id).toBeGreaterThan(0);
      const markets = s.routes.map((r) => r.market);
      expect(new Set(markets).size, s.id).toBe(markets.length);
    }
  });

  it('has non-negative capacities with 2024 and 2025 levels, and sane cash costs', () => {
    for (const s of data.suppliers) {
      for (const t of Object.values(s.capacityTonnesPerYear)) expect(t, s.id).toBeGreaterThanOrEqual(0);
      expect(Object.keys(s.capacityTonnesPerYear).some((y) => Number(y) <= 2024), `${s.id}: a level in force in 2024`).toBe(true);
      expect(s.markupPct, s.id).toBeLessThanOrEqual(100);
    }
  });

  it('writes demand as 3–5 blocks whose shares sum to 1 and whose values fall, in one currency', () => {
    for (const [id, d] of [...Object.entries(data.demand), ...data.outsideMarkets.map((m) => [m.id, m.demand] as const)]) {
      expect(d.blocks.length, id).toBeGreaterThanOrEqual(3);
      expect(d.blocks.length, id).toBeLessThanOrEqual(5);
      const sum = d.blocks.reduce((a, b) => a + b.share, 0);
      expect(Math.abs(sum - 1), `${id}: shares sum to ${sum}`).toBeLessThan(1e-6);
      for (let i = 1; i < d.blocks.length; i++) {
        expect(d.blocks[i].value.value, `${id} block ${i}`).toBeLessThan(d.blocks[i - 1].value.value);
        expect(d.blocks[i].value.currency, id).toBe(d.blocks[0].value.currency);
      }
      for (const y of ['2024', '2025']) expect(d.consumptionTonnesByYear[y], `${id} ${y}`).toBeGreaterThan(0);
      expect(Object.keys(d.consumptionTonnesByYear).some((y) => Number(y) > 2025), `${id}: a forward year`).toBe(true);
    }
  });

  it('prices Kazakh markets in KZT and Russian ones in RUB', () => {
    for (const m of network.markets) {
      const cur = data.demand[m.id].blocks[0].value.currency;
      if (m.country === 'KZ') expect(cur, m.id).toBe('KZT');
      if (m.country === 'RU') expect(cur, m.id).toBe('RUB');
    }
  });

  it('adds up to Kazakhstan’s published consumption (14.5 Mt in 2025, 11.9 Mt in 2024) within rounding', () => {
    const kz = network.markets.filter((m) => m.country === 'KZ');
    for (const [y, total] of [
      ['2024', 11.9e6],
      ['2025', 14.5e6],
    ] as const) {
      const sum = kz.reduce((a, m) => a + data.demand[m.id].consumptionTonnesByYear[y], 0);
      expect(Math.abs(sum - total), y).toBeLessThan(20_000);
    }
    const west = ['aktobe', 'atyrau', 'aktau', 'uralsk'].reduce((a, m) => a + data.demand[m].consumptionTonnesByYear['2025'], 0);
    expect(west).toBeGreaterThan(1.9e6);
    expect(west).toBeLessThan(2.6e6);
  });

  it('pins the headline competitor figures to their sources', () => {
    const s = (id: string) => {
      const x = data.suppliers.find((y) => y.id === id);
      if (!x) throw new Error(`no supplier ${id}`);
      return x;
    };
    const aktobe = s('aktobe_cem');
    expect(aktobe.capacityTonnesPerYear['2025']).toBe(0);
    // 2 Mt/yr nameplate (BAQ.kz); the first year after completion is a ramp-up estimate.
    expect(aktobe.capacityTonnesPerYear['2027']).toBe(1_200_000);
    expect(aktobe.capacityTonnesPerYear['2028']).toBe(2_000_000);
    expect(aktobe.sources.capacityTonnesPerYear).toMatch(/ESTIMATE: 2027 .*ramp-up.*range/);
    expect(aktobe.sources.capacityTonnesPerYear).toMatch(/BAQ\.kz 2025-10-06/);
    expect(s('caspi_cement').capacityTonnesPerYear['2024']).toBe(800_000);
    expect(s('caspi_cement').sources.capacityTonnesPerYear).toMatch(/EBRD/);
    for (const [id, t] of [
      ['norm_cement', 2_100_000],
      ['holcim_az', 1_700_000],
      ['kazakh_cement_az', 1_500_000],
      ['gemikaya_az', 260_000],
    ] as const) {
      expect(s(id).capacityTonnesPerYear['2024'], id).toBe(t);
      expect(s(id).sources.capacityTonnesPerYear, id).toMatch(/CemNet/);
      expect(s(id).country).toBe('AZ');
    }
    expect(s('kelete_cement').capacityTonnesPerYear['2024']).toBe(1_300_000);
    expect(s('jebel_cement').capacityTonnesPerYear['2024']).toBe(1_000_000);
    expect(s('kelete_cement').sources.capacityTonnesPerYear).toMatch(/Global Cement 2019/);
  });

  it('closes ice-bound northern-Caspian sea routes in December–March', () => {
    for (const sup of data.suppliers) {
      for (const r of sup.routes) {
        if (r.mode === 'sea' && (r.market === 'astrakhan' || r.market === 'olya')) {
          expect(r.closedMonths, `${sup.id} → ${r.market}`).toEqual([12, 1, 2, 3]);
        }
      }
    }
  });

  it('is merged into the default network by the loader', () => {
    const net = readDefaultNetworkRaw();
    expect(net.suppliers.some((s) => s.id === 'aktobe_cem')).toBe(true);
    expect(net.markets.every((m) => m.demand !== undefined)).toBe(true);
    const outside = net.markets.filter((m) => m.competitorsOnly).map((m) => m.id);
    expect(outside).toEqual(data.outsideMarkets.map((m) => m.id));
    expect(net.markets.filter((m) => !m.competitorsOnly).map((m) => m.id)).toEqual(network.markets.map((m) => m.id));
  });
});
