import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Scenario } from '../../server/core/schema.ts';
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

  it('matches each file to its purpose', () => {
    const get = (f: string) => Scenario.parse(readJson(`data/scenarios/${f}`));
    expect(get('phase1-annual.json')).toMatchObject({ phase: 1, horizon: { kind: 'annual', year: 2027 } });
    expect(get('phase2-annual.json')).toMatchObject({ phase: 2, horizon: { kind: 'annual' } });
    expect(get('monthly-ice.json')).toMatchObject({ phase: 1, horizon: { kind: 'monthly', year: 2027 } });
    expect(get('multi-year.json').horizon).toEqual({ kind: 'multi-year', fromYear: 2027, toYear: 2031, phase2FromYear: 2029 });
    expect(get('contracts-mip.json').mip).toEqual({ contracts: true, seaLots: true });
    expect(network.markets.some((m) => m.contract)).toBe(true);
  });
});
