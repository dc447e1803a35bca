import { afterAll, describe, expect, it } from 'vitest';
import { optimise } from '../../server/core/optimise.ts';
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
