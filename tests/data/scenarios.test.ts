import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Scenario } from '../../server/core/schema.ts';
import { effectiveNetwork, legCostUsdPerTonne } from '../../server/core/scenario.ts';
import { network, readJson } from './helpers.ts';

const dir = new URL('../../data/scenarios/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

describe('data/scenarios', () => {
  it('ships the five standard scenarios', () => {
    for (const f of ['phase1-annual.json', 'phase2-annual.json', 'monthly-ice.json', 'multi-year.json', 'contracts-mip.json']) {
      expect(files).toContain(f);
    }
  });

  it.each(files)('%s parses as a Scenario without an inline network', (f) => {
    const raw = readJson(`data/scenarios/${f}`);
    const r = Scenario.safeParse(raw);
    expect(r.success ? [] : r.error.issues).toEqual([]);
    if (!r.success) return;
    expect(r.data.network).toBeUndefined();
    expect(r.data.phase).toBeLessThanOrEqual(network.plants[0].capacityTonnesPerYearByPhase.length);
    // overrides may only name entities of the default network
    const ids = new Set([...network.legs, ...network.nodes, ...network.markets, ...network.plants].map((x) => x.id));
    const o = r.data.overrides;
    for (const k of [...Object.keys(o.legs), ...Object.keys(o.nodes), ...Object.keys(o.markets), ...Object.keys(o.plants)]) {
      expect(ids.has(k), k).toBe(true);
    }
  });

  it('ships the market-clearing scenarios, each with a description that says what it tests and cites a source', () => {
    const clearing = ['clearing-phase1.json', 'clearing-phase2.json', 'competitor-entry.json', 'price-war.json', 'rouble-100.json', 'ktz-tariff.json', 'low-water.json', 'russian-import-cap.json'];
    for (const f of clearing) {
      expect(files).toContain(f);
      const s = Scenario.parse(readJson(`data/scenarios/${f}`));
      expect(s.market, f).toBe('clearing');
      expect(s.description, f).toMatch(/\btests\b/i);
      expect(s.description, f).toMatch(/https?:\/\/|REFERENCE\.md|\b20\d\d-\d\d-\d\d\b/);
    }
  });

  it('sets each market-clearing lever as documented', () => {
    const get = (f: string) => Scenario.parse(readJson(`data/scenarios/${f}`));
    expect(get('clearing-phase1.json')).toMatchObject({ phase: 1, horizon: { kind: 'annual', year: 2027 } });
    expect(get('clearing-phase2.json')).toMatchObject({ phase: 2, horizon: { kind: 'annual', year: 2029 } });
    expect(get('competitor-entry.json')).toMatchObject({ phase: 1, horizon: { year: 2027 } });
    expect(get('competitor-entry.json').overrides.suppliers.aktobe_cem.capacityTonnesPerYear).toEqual({ '2027': 2_000_000 });
    expect(get('price-war.json').overrides.competitorMarkupMultiplier).toBe(0);
    expect(get('rouble-100.json').overrides.fxPerUsd.RUB).toBe(100);
    expect(get('ktz-tariff.json').overrides.railTariffMultiplierByRailway).toEqual({ KTZ: 2.1 });
    expect(get('ktz-tariff.json').description).toMatch(/qazba\.kz/);
    expect(get('russian-import-cap.json').policy.importCaps).toEqual([{ country: 'RU', tonnesPerYear: 600_000, markets: ['astrakhan', 'olya', 'makhachkala', 'orenburg', 'samara'] }]);
    // low water: every Aktau/Kuryk sea leg loads 4,500 t a voyage (today 5,500 t, 4,900 t through the canal), so it costs what a 4,500 t load costs
    const lowWater = get('low-water.json');
    const low = lowWater.overrides.legs;
    const sea = network.legs.filter((l) => l.mode === 'sea' && ['port_aktau', 'port_kuryk'].includes(l.from));
    expect(Object.keys(low).sort()).toEqual(sea.map((l) => l.id).sort());
    const effective = new Map(effectiveNetwork(lowWater, network).legs.map((l) => [l.id, l]));
    for (const l of sea) {
      expect(low[l.id].vesselLoadTonnes, l.id).toBe(4500);
      expect(legCostUsdPerTonne(effective.get(l.id)!), l.id).toBeCloseTo(l.fixedUsdPerTonne + l.vessel!.voyageUsd / 4500, 6);
      expect(legCostUsdPerTonne(effective.get(l.id)!), l.id).toBeGreaterThan(legCostUsdPerTonne(l));
    }
  });

  it('matches each file to its purpose', () => {
    const get = (f: string) => Scenario.parse(readJson(`data/scenarios/${f}`));
    expect(get('phase1-annual.json')).toMatchObject({ phase: 1, horizon: { kind: 'annual', year: 2027 } });
    expect(get('phase2-annual.json')).toMatchObject({ phase: 2, horizon: { kind: 'annual' } });
    expect(get('monthly-ice.json')).toMatchObject({ phase: 1, horizon: { kind: 'monthly', year: 2027 } });
    expect(get('multi-year.json').horizon).toEqual({ kind: 'multi-year', fromYear: 2027, toYear: 2031, phase2FromYear: 2029 });
    expect(get('contracts-mip.json').mip).toEqual({ contracts: true, seaLots: true });
    expect(network.markets.some((m) => m.contract)).toBe(true);
  });

  it('packing-choice: every domestic market, and only they, choose their bagged share at a premium, on bulk prices that keep the 50 % mix revenue', () => {
    const s = Scenario.parse(readJson('data/scenarios/packing-choice.json'));
    expect(s).toMatchObject({ phase: 2, horizon: { kind: 'annual', year: 2029 } });
    expect(s.description).toMatch(/ESTIMATE: 9 USD\/t \(range 6-14\)/);
    expect(s.description).toMatch(/https?:\/\//);
    const domestic = network.markets.filter((m) => m.domestic).map((m) => m.id);
    expect(Object.keys(s.overrides.markets).sort()).toEqual([...domestic].sort());
    const effective = new Map(effectiveNetwork(s, network).markets.map((m) => [m.id, m]));
    for (const m of network.markets.filter((x) => x.domestic)) {
      const e = effective.get(m.id)!;
      expect(e.baggedShareRange, m.id).toEqual({ min: 0.3, max: 0.7 });
      expect(e.baggedShare, m.id).toBeUndefined();
      // At the data's exact share (0.5) a tonne earns what it earns in the shipped network.
      for (const [k, tier] of e.tiers.entries()) {
        expect(tier.priceUsdPerTonne + m.baggedShare! * e.baggedPremiumUsdPerTonne!, `${m.id} ${k}`).toBeCloseTo(m.tiers[k]!.priceUsdPerTonne, 9);
      }
    }
  });
});
