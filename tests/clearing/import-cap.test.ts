/**
 * An import cap on a country, or on some of its markets (`policy.importCaps[].markets`): in the
 * market-clearing mode it counts every tonne into the capped markets from outside the country, ours
 * and competitors'; a market the cap does not list is cleared as without the cap.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { checkScenario } from '../../server/core/consistency.ts';
import { checkEquilibrium } from '../oracle/check-equilibrium.ts';
import { networkForScenario } from '../../server/core/pipeline.ts';
import type { Plan } from '../../server/core/plan-schema.ts';
import { Scenario } from '../../server/core/schema.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { optimise } from '../../server/optimise.ts';
import { shutdownSolverPool } from '../../server/solver/solve.ts';

afterAll(() => shutdownSolverPool());

const network = loadDefaultNetwork();
const read = (file: string) => JSON.parse(readFileSync(new URL(`../../data/scenarios/${file}`, import.meta.url), 'utf8'));
const shipped = read('russian-import-cap.json');
const withCap = (cap: Record<string, unknown>) => Scenario.parse({ ...shipped, policy: { ...shipped.policy, importCaps: [cap] } });

/** Tonnes into each market of `country` from suppliers outside it (ours from our plants' country). */
function importsInto(plan: Plan, country: string): Map<string, number> {
  const countryOf = new Map(plan.clearing!.competitors.map((c) => [c.id, c.country]));
  const ours = network.plants[0]!.country;
  const into = new Map<string, number>();
  for (const m of plan.clearing!.markets.filter((x) => x.country === country)) {
    let t = 0;
    for (const s of m.suppliers) if ((s.ours ? ours : countryOf.get(s.id)) !== country) t += s.tonnes;
    into.set(m.id, t);
  }
  return into;
}
const sum = (m: Map<string, number>, only?: string[]) => [...m].filter(([id]) => !only || only.includes(id)).reduce((a, [, t]) => a + t, 0);

describe('an import cap in the market-clearing mode', () => {
  const listed: string[] = shipped.policy.importCaps[0].markets;

  it('the shipped Russian cap lists the five modelled regions, every one a Russian market of the network', () => {
    expect(listed.sort()).toEqual(['astrakhan', 'makhachkala', 'olya', 'orenburg', 'samara']);
    const eff = networkForScenario(Scenario.parse(shipped), network);
    for (const id of listed) expect(eff.markets.find((m) => m.id === id)?.country, id).toBe('RU');
    // The clearing mode has Russian markets only competitors reach, which the cap leaves out.
    expect(eff.markets.some((m) => m.country === 'RU' && !listed.includes(m.id))).toBe(true);
  });

  it('a cap on listed markets counts their imports only; a market it does not list clears as without the cap', async () => {
    const regional = (await optimise(Scenario.parse(shipped), network)) as Plan;
    const national = (await optimise(withCap({ country: 'RU', tonnesPerYear: 600_000 }), network)) as Plan;
    const none = (await optimise(withCap({ country: 'RU', tonnesPerYear: 1e9 }), network)) as Plan;
    for (const p of [regional, national, none]) expect(p.status).toBe('optimal');
    const rIn = importsInto(regional, 'RU');
    const nIn = importsInto(national, 'RU');
    // Both caps bind at 600 kt, over the markets each counts.
    expect(sum(rIn, listed)).toBeCloseTo(600_000, 0);
    expect(sum(nIn)).toBeCloseTo(600_000, 0);
    expect(regional.binding.some((b) => b.family === 'import-cap')).toBe(true);
    expect(sum(rIn)).toBeGreaterThan(600_000 + 1000);
    // The markets the regional cap leaves out buy and price as with no cap at all.
    const outside = regional.clearing!.markets.filter((m) => m.country === 'RU' && !listed.includes(m.id));
    expect(outside.length).toBeGreaterThan(0);
    for (const m of outside) {
      const free = none.clearing!.markets.find((x) => x.id === m.id)!;
      expect(m.boughtTonnes, m.id).toBeCloseTo(free.boughtTonnes, 0);
      expect(m.priceUsdPerTonne, m.id).toBeCloseTo(free.priceUsdPerTonne, 6);
    }
    // The national cap squeezes at least one of them.
    expect(outside.some((m) => national.clearing!.markets.find((x) => x.id === m.id)!.boughtTonnes < m.boughtTonnes - 1000)).toBe(true);
  });

  it('the binding cap names the markets it counts, in its words', async () => {
    const plan = (await optimise(Scenario.parse(shipped), network)) as Plan;
    const b = plan.binding.find((x) => x.family === 'import-cap')!;
    const names = plan.clearing!.markets.filter((m) => listed.includes(m.id)).map((m) => m.name);
    for (const name of names) expect(b.label).toContain(name);
    expect(b.explanation).toMatch(/^cap on cement imports into RU \(/);
  });

  it('a listed market that is unknown, or in another country, is a problem with its path', () => {
    const problems = checkScenario(withCap({ country: 'RU', tonnesPerYear: 600_000, markets: ['orenburg', 'atyrau', 'nowhere'] }), network);
    expect(problems).toEqual([
      { path: ['policy', 'importCaps', 0, 'markets', 1], message: expect.stringMatching(/"atyrau" is in KZ, not in RU/) },
      { path: ['policy', 'importCaps', 0, 'markets', 2], message: 'an import cap on unknown market "nowhere"' },
    ]);
  });
});

describe('a regional cap inside a national one on the same country', () => {
  it('each cap is a row of its own, named by its place in the list, and both hold; the plan passes the equilibrium checker', async () => {
    const caps = [
      { country: 'RU', tonnesPerYear: 300_000, markets: ['orenburg'] },
      { country: 'RU', tonnesPerYear: 450_000 },
    ];
    const s = Scenario.parse({ ...shipped, policy: { ...shipped.policy, importCaps: caps } });
    const plan = (await optimise(s, network)) as Plan;
    expect(plan.status).toBe('optimal');
    const rows = plan.binding.filter((b) => b.family === 'import-cap').map((b) => b.row);
    expect(new Set(rows).size).toBe(rows.length);
    expect(rows.sort()).toEqual(['import-cap:ru#0', 'import-cap:ru#1']);
    const into = importsInto(plan, 'RU');
    expect(sum(into, ['orenburg'])).toBeCloseTo(300_000, 0);
    expect(sum(into)).toBeCloseTo(450_000, 0);
    expect(checkEquilibrium(plan, s, networkForScenario(s, network)).violations).toEqual([]);
  });
});
