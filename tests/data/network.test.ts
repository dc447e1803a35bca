import { describe, expect, it } from 'vitest';
import { Network } from '../../server/core/schema.ts';
import { loadDefaultNetwork, readDefaultNetworkRaw } from '../../server/data/load.ts';
import { containsNumber, network, positions, rawNetwork } from './helpers.ts';

type Entity = Record<string, unknown> & { id?: string; sources?: Record<string, string> };

function entities(net: { plants: object[]; markets: object[]; nodes: object[]; legs: object[] }): [string, Entity][] {
  return [
    ...net.plants.map((e) => ['plant', e as Entity] as [string, Entity]),
    ...net.markets.map((e) => ['market', e as Entity] as [string, Entity]),
    ...net.nodes.map((e) => ['node', e as Entity] as [string, Entity]),
    ...net.legs.map((e) => ['leg', e as Entity] as [string, Entity]),
  ];
}

/**
 * Object fields whose every numeric leaf needs its own source, keyed by the dotted path
 * (`vessel.voyageUsd`, `packing.costUsdPerTonne`, `wagonFleet.wagons`, `fxPerUsd.RUB.2024`).
 */
const NESTED = new Set(['vessel', 'packing', 'wagonFleet', 'fxPerUsd']);

/** Dotted paths of the numeric leaves under a value. */
function numericLeaves(value: unknown, path: string): string[] {
  if (typeof value === 'number') return [path];
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => numericLeaves(v, `${path}.${k}`));
  }
  return [];
}

/** Numeric fields (or fields holding numbers) of an entity that have no usable source. */
function unsourced(e: Entity): string[] {
  const missing: string[] = [];
  const has = (key: string): boolean => {
    const s = e.sources?.[key];
    return typeof s === 'string' && s.trim().length >= 10;
  };
  for (const [key, value] of Object.entries(e)) {
    if (key === 'sources' || !containsNumber(value)) continue;
    if (NESTED.has(key) && !Array.isArray(value)) {
      for (const leaf of numericLeaves(value, key)) if (!has(leaf)) missing.push(leaf);
    } else if (!has(key)) missing.push(key);
  }
  return missing;
}

describe('default network data/network.json', () => {
  it('parses with the Network schema', () => {
    const r = Network.safeParse(rawNetwork);
    expect(r.success ? [] : r.error.issues).toEqual([]);
  });

  it('has unique ids across plants, markets and nodes, and unique leg ids', () => {
    const ids = [...network.plants, ...network.markets, ...network.nodes].map((x) => x.id);
    expect(new Set(ids).size).toBe(ids.length);
    const legIds = network.legs.map((l) => l.id);
    expect(new Set(legIds).size).toBe(legIds.length);
  });

  it('gives a source for every numeric field of every entity, as written and after defaults', () => {
    const problems: string[] = [];
    for (const net of [rawNetwork, network]) {
      for (const [kind, e] of entities(net)) {
        for (const k of unsourced(e)) problems.push(`${kind} ${e.id}: ${k}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('gives network-level figures a source, down to each wagon-fleet figure and exchange rate', () => {
    for (const [k, v] of Object.entries(rawNetwork)) {
      if (typeof v === 'number') expect(network.sources[k], k).toMatch(/.{10,}/);
    }
    const net = { ...rawNetwork, id: 'network', sources: network.sources } as Entity;
    const { plants: _p, markets: _m, nodes: _n, legs: _l, ...figures } = net;
    expect(unsourced(figures as Entity)).toEqual([]);
    // the walk does reach the nested figures
    expect(numericLeaves(rawNetwork.wagonFleet, 'wagonFleet')).toHaveLength(6); // wagons, 2 × wagonsByPhase, tonnesPerWagon, turnaroundDays, usdPerWagonDay
    expect(numericLeaves(rawNetwork.fxPerUsd, 'fxPerUsd').length).toBeGreaterThanOrEqual(24);
  });

  it('has exchange rates for every currency for 2024-2027, estimates with a low-high range', () => {
    for (const c of ['KZT', 'RUB', 'AZN', 'TMT', 'UZS', 'IRR'] as const) {
      for (const y of ['2024', '2025', '2026', '2027']) {
        expect(network.fxPerUsd[c]?.[y], `${c} ${y}`).toBeGreaterThan(0);
        const s = network.sources[`fxPerUsd.${c}.${y}`];
        if (/^ESTIMATE/.test(s)) expect(s, `${c} ${y}`).toMatch(/range [\d.,]+ ?-[\d.,]+/);
      }
    }
    expect(network.fxPerUsd.TMT?.['2027']).toBe(3.5);
    expect(network.sources['fxPerUsd.IRR.2025']).toMatch(/market/i);
  });

  it('gives every rail leg its railway, with a source, and only rail legs', () => {
    for (const l of network.legs) {
      if (l.mode === 'rail') {
        expect(l.railway, l.id).toBeDefined();
        expect(l.sources.railway, l.id).toMatch(new RegExp(`^(ESTIMATE: )?${l.railway}`));
      } else expect(l.railway, l.id).toBeUndefined();
    }
    // the legs beyond the Russian border are RZD, the Kazakh network KTZ
    const rzd = network.legs.filter((l) => l.railway === 'RZD').map((l) => l.to);
    expect(rzd.sort()).toEqual(['astrakhan', 'orenburg', 'samara']);
  });

  it('gives every sea leg a vessel at today’s load, whose full-load (6,500 t) freight equals the per tonne-km freight', () => {
    // today: 5,500 t at Aktau and Kuryk (Kazinform 2024); through the Volga–Caspian canal 70–80 % of the full load
    const canal = ['sea_aktau_astrakhan', 'sea_aktau_olya'];
    for (const l of network.legs.filter((x) => x.mode === 'sea')) {
      expect(l.vessel, l.id).toBeDefined();
      expect(l.vessel!.loadTonnes, l.id).toBe(canal.includes(l.id) ? 4900 : 5500);
      expect(l.vessel!.voyageUsd / 6500, l.id).toBeCloseTo(l.usdPerTonneKm * l.distanceKm!, 2);
      expect(l.sources['vessel.loadTonnes'], l.id).toMatch(/Kazinform/);
      if (canal.includes(l.id)) expect(l.sources['vessel.loadTonnes'], l.id).toMatch(/70-80 % \(deliver-2\.com/);
    }
  });

  it('states a bagged share for every market and a packing line at the plant', () => {
    for (const m of network.markets) expect(m.baggedShare, m.id).toBeDefined();
    for (const m of network.markets.filter((x) => !x.domestic && x.country !== 'UZ')) {
      const bySeaOnly = network.legs.filter((l) => l.to === m.id).every((l) => l.mode === 'sea');
      expect(m.baggedShare, m.id).toBe(bySeaOnly ? 1 : 0);
    }
    expect(network.plants[0].packing).toEqual({ capacityTonnesPerYear: expect.any(Number), costUsdPerTonne: expect.any(Number) });
  });

  it('states new estimates with a low-high range', () => {
    const texts = [
      ...network.legs.flatMap((l) => [l.sources['vessel.voyageUsd'], l.sources.baggedShare]),
      ...network.markets.map((m) => m.sources.baggedShare),
      network.plants[0].sources['packing.capacityTonnesPerYear'],
      network.plants[0].sources['packing.costUsdPerTonne'],
      ...Object.entries(network.sources).filter(([k]) => k.startsWith('wagonFleet.')).map(([, v]) => v),
    ].filter((t): t is string => typeof t === 'string' && t.startsWith('ESTIMATE'));
    expect(texts.length).toBeGreaterThan(30);
    for (const t of texts) expect(t, t.slice(0, 80)).toMatch(/range|±/);
  });

  it('writes estimates as "ESTIMATE: reasoning"', () => {
    const bad: string[] = [];
    const all = [...entities(network).map(([, e]) => e.sources ?? {}), network.sources];
    for (const s of all) {
      for (const [k, text] of Object.entries(s)) {
        if (/^\s*estimate/i.test(text) && !/^ESTIMATE: .{20,}/.test(text)) bad.push(`${k}: ${text.slice(0, 60)}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('connects legs only between existing entities; markets are sinks, plants are sources', () => {
    const pos = positions();
    for (const l of network.legs) {
      expect(pos.has(l.from), `${l.id} from ${l.from}`).toBe(true);
      expect(pos.has(l.to), `${l.id} to ${l.to}`).toBe(true);
      expect(pos.get(l.from)?.kind, `${l.id} leaves a market`).not.toBe('market');
      expect(pos.get(l.to)?.kind, `${l.id} enters a plant`).not.toBe('plant');
      expect(l.from).not.toBe(l.to);
    }
  });

  it('reaches every market from the plant, and every transit node has a way in and out', () => {
    const reached = new Set(network.plants.map((p) => p.id));
    let grew = true;
    while (grew) {
      grew = false;
      for (const l of network.legs) {
        if (reached.has(l.from) && !reached.has(l.to)) {
          reached.add(l.to);
          grew = true;
        }
      }
    }
    expect(network.markets.filter((m) => !reached.has(m.id)).map((m) => m.id)).toEqual([]);
    for (const n of network.nodes) {
      expect(network.legs.some((l) => l.to === n.id), `${n.id} in`).toBe(true);
      expect(network.legs.some((l) => l.from === n.id), `${n.id} out`).toBe(true);
    }
  });

  it('covers ≥ 10 domestic markets and ≥ 8 export markets in ≥ 5 countries', () => {
    const dom = network.markets.filter((m) => m.domestic);
    const exp = network.markets.filter((m) => !m.domestic);
    expect(dom.length).toBeGreaterThanOrEqual(10);
    expect(dom.every((m) => m.country === 'KZ')).toBe(true);
    expect(exp.length).toBeGreaterThanOrEqual(8);
    expect(exp.every((m) => m.country !== 'KZ')).toBe(true);
    expect(new Set(exp.map((m) => m.country)).size).toBeGreaterThanOrEqual(5);
  });

  it('prices tiers from import parity downwards, with positive volumes', () => {
    for (const m of network.markets) {
      for (let i = 1; i < m.tiers.length; i++) {
        expect(m.tiers[i].priceUsdPerTonne, `${m.id} tier ${i}`).toBeLessThan(m.tiers[i - 1].priceUsdPerTonne);
      }
      expect(m.tiers.every((t) => t.tonnesPerYear > 0), m.id).toBe(true);
    }
  });

  it('has monthly factors that average 1 (demand) and availability within 0..1 (plant)', () => {
    for (const m of network.markets) {
      expect(m.seasonality, m.id).toBeDefined();
      const avg = (m.seasonality ?? []).reduce((a, b) => a + b, 0) / 12;
      expect(avg, m.id).toBeCloseTo(1, 3);
    }
    for (const p of network.plants) {
      for (const a of p.monthlyAvailability ?? []) expect(a >= 0 && a <= 1).toBe(true);
    }
  });

  it('closes the sea legs into the ice-bound northern Caspian (north of 45°N) in Dec–Mar and no others', () => {
    const pos = positions();
    for (const l of network.legs.filter((x) => x.mode === 'sea')) {
      const north = (pos.get(l.to)?.lat ?? 0) > 45;
      if (north) expect([...l.closedMonths].sort((a, b) => a - b), l.id).toEqual([1, 2, 3, 12]);
      else expect(l.closedMonths, l.id).toEqual([]);
      expect(l.lotTonnes, l.id).toBe(3000);
    }
  });

  it('loads through server/data/load.ts with every distance resolved', () => {
    const raw = readDefaultNetworkRaw();
    const n = loadDefaultNetwork();
    expect(raw.legs.some((l) => l.distanceKm === undefined)).toBe(true);
    for (const l of n.legs) {
      expect(l.distanceKm, l.id).toBeGreaterThan(0);
      expect(l.sources.distanceKm, l.id).toBeTruthy();
    }
  });
});
