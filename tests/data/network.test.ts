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

/** Numeric fields (or fields holding numbers) of an entity that have no usable source. */
function unsourced(e: Entity): string[] {
  const missing: string[] = [];
  for (const [key, value] of Object.entries(e)) {
    if (key === 'sources' || !containsNumber(value)) continue;
    const s = e.sources?.[key];
    if (typeof s !== 'string' || s.trim().length < 10) missing.push(key);
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

  it('gives network-level figures a source', () => {
    for (const [k, v] of Object.entries(rawNetwork)) {
      if (typeof v === 'number') expect(network.sources[k], k).toMatch(/.{10,}/);
    }
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
