import { afterAll, describe, expect, it } from 'vitest';
import { optimise } from '../../server/optimise.ts';
import { shutdownSolverPool } from '../../server/solver/solve.ts';
import { checkPlan } from '../oracle/check-plan.ts';
import { scenario, tinyNetwork } from './fixtures.ts';
import type { Plan } from '../../server/core/plan-schema.ts';

afterAll(() => shutdownSolverPool());
const engines = ['highs', 'jsLpSolver'] as const;
const tonnes = (plan: Plan, id: string) => plan.markets.find((m) => m.id === id)!.tonnes;

describe.each(engines)('reference cases worked by hand (%s)', (engine) => {
  it('the 50 % rule does not bind when home pays best', async () => {
    // Home nets 60 − 5 − 10 = 45 USD/t on 80 t, export 50 − 10 − 10 = 30 USD/t; capacity 100 t.
    // Optimum: 80 t home, 20 t export, margin 80·45 + 20·30 = 4,200 USD; share 0.8 ≥ 0.5.
    const s = scenario({ engine });
    const net = tinyNetwork();
    const plan = await optimise(s, net);
    expect(plan.status).toBe('optimal');
    expect(plan.objectiveValue).toBeCloseTo(4200, 6);
    expect(tonnes(plan, 'dom')).toBeCloseTo(80, 6);
    expect(tonnes(plan, 'exp')).toBeCloseTo(20, 6);
    expect(plan.policyCost?.binds).toBe(false);
    expect(plan.policyCost?.costUsd).toBe(0);
    expect(checkPlan(plan, s, net).violations).toEqual([]);
  });

  it('the 50 % rule binds when exports pay best, and its cost is the margin given up', async () => {
    // Home nets 50 − 5 − 10 = 35, export 60 − 10 − 10 = 40. Without the rule: 100 t export = 4,000.
    // With D ≥ 0.5 (D + E), D + E ≤ 100: D = E = 50, margin 1,750 + 2,000 = 3,750; the rule costs 250.
    // Duals: capacity y1, share y2 from 35 = y1 − 0.5 y2, 40 = y1 + 0.5 y2 → y1 = 37.5, y2 = 5.
    const s = scenario({ engine });
    const net = tinyNetwork({ domesticPrice: 50, exportPrice: 60 });
    const plan = await optimise(s, net);
    expect(plan.objectiveValue).toBeCloseTo(3750, 6);
    expect(tonnes(plan, 'dom')).toBeCloseTo(50, 6);
    expect(plan.kpis!.domesticShare).toBeCloseTo(0.5, 6);
    expect(plan.policyCost).toMatchObject({ binds: true, costUsd: 250, marginWithoutRuleUsd: 4000 });
    const share = plan.binding.find((b) => b.family === 'domestic-share');
    expect(share).toBeDefined();
    if (engine === 'highs') {
      expect(plan.binding.find((b) => b.family === 'capacity')!.shadowPriceUsd).toBeCloseTo(37.5, 6);
      expect(share!.shadowPriceUsd).toBeCloseTo(-5, 6);
      // 5 USD per tonne × 100 t of sales × 1 pp = 5 USD per percentage point.
      expect(share!.explanation).toContain('each percentage point of share costs about 5.00 USD');
    }
    expect(checkPlan(plan, s, net).violations).toEqual([]);
  });

  it('basis production counts what is made, not what is sold', async () => {
    // Same prices; with basis production D ≥ 0.5·prod and prod = D + E here, so the optimum is the same.
    const s = scenario({ engine, policy: { domesticShare: 0.5, basis: 'production' } });
    const net = tinyNetwork({ domesticPrice: 50, exportPrice: 60 });
    const plan = await optimise(s, net);
    expect(plan.objectiveValue).toBeCloseTo(3750, 6);
    expect(checkPlan(plan, s, net).violations).toEqual([]);
  });

  it('an export cap holds exports down', async () => {
    // Share 0, cap 30 t: export 30 t (40/t) + home 70 t (35/t) = 1,200 + 2,450 = 3,650.
    const s = scenario({ engine, policy: { domesticShare: 0, basis: 'sales', exportCapTonnesPerYear: 30 } });
    const net = tinyNetwork({ domesticPrice: 50, exportPrice: 60 });
    const plan = await optimise(s, net);
    expect(plan.objectiveValue).toBeCloseTo(3650, 6);
    expect(tonnes(plan, 'exp')).toBeCloseTo(30, 6);
    expect(checkPlan(plan, s, net).violations).toEqual([]);
  });

  it('an impossible minimum is diagnosed with the amount to give', async () => {
    // Home minimum 150 t but only 80 t of demand and 100 t of capacity: lowering the minimum by 70 t
    // is the cheapest single fix (relaxing demand costs double in the elastic re-solve).
    const plan = await optimise(scenario({ engine }), tinyNetwork({ domesticMin: 150 }));
    expect(plan.status).toBe('infeasible');
    expect(plan.infeasibility!.items).toHaveLength(1);
    expect(plan.infeasibility!.items[0]).toMatchObject({ row: 'demand-min:dom:2027', violation: 70 });
    expect(plan.infeasibility!.suggestion).toContain('lower Domestic town contracted minimum in 2027 by 70 t');
  });
});

describe.each(engines)('specific import duties, worked by hand (%s)', (engine) => {
  const noRule = { domesticShare: 0, basis: 'sales' as const };

  it('a duty per tonne can make an export that pays best at the gate net less than home', async () => {
    // Without duty: export nets 60 − 10 − 10 = 40 > home 50 − 5 − 10 = 35, so all 100 t go abroad (4,000 USD).
    // A specific duty of 8 USD/t: export nets 60 − 8 − 20 = 32 < 35. Home fills its 80 t first,
    // export takes the last 20 t: 80·35 + 20·32 = 3,440 USD. Duty 8 USD/t, netback 60 − 8 − 10 = 42.
    const s = scenario({ engine, policy: noRule });
    const free = await optimise(s, tinyNetwork({ domesticPrice: 50, exportPrice: 60 }));
    expect(free.objectiveValue).toBeCloseTo(4000, 6);
    expect(tonnes(free, 'exp')).toBeCloseTo(100, 6);
    const net = tinyNetwork({ domesticPrice: 50, exportPrice: 60, exportDutyUsdPerTonne: 8 });
    const plan = await optimise(s, net);
    expect(plan.status).toBe('optimal');
    expect(plan.objectiveValue).toBeCloseTo(3440, 6);
    expect(tonnes(plan, 'dom')).toBeCloseTo(80, 6);
    expect(tonnes(plan, 'exp')).toBeCloseTo(20, 6);
    const exp = plan.markets.find((m) => m.id === 'exp')!;
    expect(exp.dutyUsdPerTonne).toBeCloseTo(8, 6);
    expect(exp.netbackUsdPerTonne).toBeCloseTo(42, 6);
    expect(plan.kpis!.dutyUsd).toBeCloseTo(160, 6);
    expect(checkPlan(plan, s, net).violations).toEqual([]);
  });

  it('under a price multiplier a specific duty stays put and an ad-valorem one moves with the price', async () => {
    // At 60 USD/t, 8 USD/t = 13.33 % of the price: the two duties are the same (3,440 USD, as above).
    // Export prices × 1.5 → 90 USD/t: export nets more than home either way and takes all 100 t.
    //   specific:    duty 8 USD/t,            net 90 − 8 − 20 = 62 → 6,200 USD
    //   ad valorem:  duty 13.33 % × 90 = 12,  net 90 − 12 − 20 = 58 → 5,800 USD
    const pct = (8 / 60) * 100;
    const specific = tinyNetwork({ domesticPrice: 50, exportPrice: 60, exportDutyUsdPerTonne: 8 });
    const adValorem = tinyNetwork({ domesticPrice: 50, exportPrice: 60, exportDutyPct: pct });
    const base = scenario({ engine, policy: noRule });
    expect((await optimise(base, adValorem)).objectiveValue).toBeCloseTo(3440, 6);
    const s = scenario({ engine, policy: noRule, overrides: { exportPriceMultiplier: 1.5 } });
    const a = await optimise(s, specific);
    const b = await optimise(s, adValorem);
    expect(a.objectiveValue).toBeCloseTo(6200, 6);
    expect(b.objectiveValue).toBeCloseTo(5800, 6);
    expect(a.markets.find((m) => m.id === 'exp')!.dutyUsdPerTonne).toBeCloseTo(8, 6);
    expect(b.markets.find((m) => m.id === 'exp')!.dutyUsdPerTonne).toBeCloseTo(12, 6);
    expect(checkPlan(a, s, specific).violations).toEqual([]);
    expect(checkPlan(b, s, adValorem).violations).toEqual([]);
  });

  it('a scenario override sets a specific duty without editing the network', async () => {
    const net = tinyNetwork({ domesticPrice: 50, exportPrice: 60 });
    const s = scenario({ engine, policy: noRule, overrides: { markets: { exp: { dutyUsdPerTonne: 8 } } } });
    const plan = await optimise(s, net);
    expect(plan.objectiveValue).toBeCloseTo(3440, 6);
    expect(checkPlan(plan, s, net).violations).toEqual([]);
  });
});

describe('the independent checker and specific duties', () => {
  it('recomputes the margin with the specific duty: a plan checked against a network without it fails', async () => {
    const s = scenario({ policy: { domesticShare: 0, basis: 'sales' } });
    const net = tinyNetwork({ domesticPrice: 50, exportPrice: 60, exportDutyUsdPerTonne: 8 });
    const plan = await optimise(s, net);
    const check = checkPlan(plan, s, net);
    expect(check.violations).toEqual([]);
    expect(check.recomputedMarginUsd).toBeCloseTo(3440, 6);
    const without = checkPlan(plan, s, tinyNetwork({ domesticPrice: 50, exportPrice: 60 }));
    expect(without.recomputedMarginUsd).toBeCloseTo(3440 + 20 * 8, 6);
    expect(without.violations.some((v) => v.includes('margin'))).toBe(true);
    expect(without.violations.some((v) => v.startsWith('market exp: duty'))).toBe(true);
  });
});

describe('what the plan reports', () => {
  it('netback is price − duty − logistics, and routes name the path', async () => {
    const plan = await optimise(scenario(), tinyNetwork());
    const exp = plan.markets.find((m) => m.id === 'exp')!;
    expect(exp.netbackUsdPerTonne).toBeCloseTo(50 - 0 - 10, 6);
    expect(exp.routes[0].path).toEqual(['Plant', 'Port', 'Export city']);
    expect(exp.routes[0].modes).toEqual(['rail', 'sea']);
    expect(plan.flows.features.find((f) => f.properties.legId === 'port-exp')!.properties.tonnes).toBeCloseTo(20, 6);
    expect(plan.inputsHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('an unserved market says how much its price must rise, and that gap is right', async () => {
    // Export nets 40 − 10 − 10 = 20 USD/t, home 35; capacity 70 < home demand 80, so export is unused
    // and with the capacity binding, export must beat home's 35 → needs +15 USD/t.
    const net = tinyNetwork({ capacity: 70, exportPrice: 40, domesticPrice: 50, domesticTonnes: 80 });
    const plan = await optimise(scenario({ policy: { domesticShare: 0, basis: 'sales' } }), net);
    const exp = plan.markets.find((m) => m.id === 'exp')!;
    expect(exp.tonnes).toBe(0);
    expect(exp.priceGapUsdPerTonne).toBeCloseTo(15, 6);
    const just = await optimise(scenario({ policy: { domesticShare: 0, basis: 'sales' } }), tinyNetwork({ capacity: 70, exportPrice: 40 + 15.01, domesticPrice: 50, domesticTonnes: 80 }));
    expect(just.markets.find((m) => m.id === 'exp')!.tonnes).toBeGreaterThan(0);
    const short = await optimise(scenario({ policy: { domesticShare: 0, basis: 'sales' } }), tinyNetwork({ capacity: 70, exportPrice: 40 + 14.99, domesticPrice: 50, domesticTonnes: 80 }));
    expect(short.markets.find((m) => m.id === 'exp')!.tonnes).toBe(0);
  });

  it('the price gap of an unserved market behind both duties divides only by the ad-valorem share', async () => {
    // Capacity 70 t, all of it home (nets 50 − 5 − 10 = 35 USD/t). Export at 40 USD/t with 20 % + 5 USD/t
    // nets 40·0.8 − 5 − 10 − 10 = 7. Serving it pays once 0.8·p − 25 ≥ 35 → p ≥ 75: a gap of 35 USD/t.
    // Its duty unserved is the duty at the price: 40·0.2 + 5 = 13 USD/t.
    const tiny = (exportPrice: number) =>
      tinyNetwork({ capacity: 70, exportPrice, domesticPrice: 50, domesticTonnes: 80, exportDutyPct: 20, exportDutyUsdPerTonne: 5 });
    const s = scenario({ policy: { domesticShare: 0, basis: 'sales' } });
    const plan = await optimise(s, tiny(40));
    const exp = plan.markets.find((m) => m.id === 'exp')!;
    expect(exp.tonnes).toBe(0);
    expect(exp.dutyUsdPerTonne).toBeCloseTo(13, 6);
    expect(exp.priceGapUsdPerTonne).toBeCloseTo(35, 6);
    expect((await optimise(s, tiny(75.01))).markets.find((m) => m.id === 'exp')!.tonnes).toBeGreaterThan(0);
    expect((await optimise(s, tiny(74.99))).markets.find((m) => m.id === 'exp')!.tonnes).toBe(0);
  });

  it('the same inputs give the same inputsHash; a changed input a different one', async () => {
    const a = await optimise(scenario(), tinyNetwork());
    const b = await optimise(scenario(), tinyNetwork());
    const c = await optimise(scenario({ policy: { domesticShare: 0.6, basis: 'sales' } }), tinyNetwork());
    expect(a.inputsHash).toBe(b.inputsHash);
    expect(a.inputsHash).not.toBe(c.inputsHash);
  });
});

describe('inputsHash is the same in the browser and on the server', () => {
  it('pure-JS SHA-256 equals node:crypto on the same inputs', async () => {
    const { optimiseInBrowser } = await import('../../server/core/optimise-browser.ts');
    const s = scenario({ engine: 'jsLpSolver' });
    const server = await optimise(s, tinyNetwork(), { engine: 'jsLpSolver' });
    const page = await optimiseInBrowser(s, tinyNetwork());
    expect(page.inputsHash).toBe(server.inputsHash);
    expect(page.objectiveValue).toBe(server.objectiveValue);
  });
});
