import { describe, expect, it } from 'vitest';
import { nearOptimalAlternatives, type SolveFn } from '../../server/analysis/alternatives.ts';
import { Scenario } from '../../server/core/schema.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { Alternatives } from '../../server/core/analysis-schema.ts';
import { solveModelInProcess } from '../../server/solver/inProcess.ts';
import { scenario, tinyNetwork } from '../core/fixtures.ts';
import { solveWithGlpk } from '../oracle/glpk.ts';
import type { LpModel, SolveResult } from '../../server/core/lp.ts';

const highs = (model: LpModel) => solveModelInProcess(model, { engine: 'highs', timeLimitMs: 10_000 });
const glpk = async (model: LpModel): Promise<SolveResult> => {
  const r = await solveWithGlpk(model);
  const stats = { engine: 'highs' as const, engineVersion: 'glpk', variables: 0, rows: 0, integerVariables: 0, solveMs: 0 };
  return r.status === 'optimal' ? { status: 'optimal', objective: r.objective, values: r.values, stats } : { status: r.status, message: r.status, stats };
};

describe('near-optimal alternatives', () => {
  it('gives each market the range of tonnes within 1 % of the best margin (worked by hand)', async () => {
    // Best plan: D = E = 50, margin 35·50 + 40·50 = 3,750 (the 50 % rule binds; capacity 100).
    // Floor 3,712.5. Fewest exports: D = 100 − E, 3,500 + 5E ≥ 3,712.5 → E ≥ 42.5, so D ≤ 57.5.
    // Least at home: the rule keeps E ≤ D, so 75·D ≥ 3,712.5 → D ≥ 49.5 (with E = 49.5).
    // Most exports: the rule caps E at 50. So home 49.5 … 57.5 t, export 42.5 … 50 t.
    for (const solve of [highs, glpk]) {
      const result = await nearOptimalAlternatives(scenario(), tinyNetwork({ domesticPrice: 50, exportPrice: 60 }), solve);
      expect(result.bestMarginUsd).toBeCloseTo(3750, 4);
      const dom = result.markets.find((m) => m.marketId === 'dom')!;
      const exp = result.markets.find((m) => m.marketId === 'exp')!;
      expect([dom.minTonnes, dom.maxTonnes]).toEqual([expect.closeTo(49.5, 3), expect.closeTo(57.5, 3)]);
      expect([exp.minTonnes, exp.maxTonnes]).toEqual([expect.closeTo(42.5, 3), expect.closeTo(50, 3)]);
      const home = result.plans.find((p) => p.label === 'most kept at home')!;
      expect(home.domesticTonnes).toBeCloseTo(57.5, 3);
      expect(home.marginGivenUpUsd).toBeLessThanOrEqual(37.5 + 0.01);
      expect(home.changedMarkets.dom).toEqual({ bestTonnes: 50, tonnes: 57.5 });
      expect(result.unavailable).toEqual([]);
    }
  });

  it('the price-taker floor holds the margin less the tolerance and a slack of 1e-7 of it', async () => {
    const s = Scenario.parse({ name: 'Phase 1', phase: 1 });
    for (const tolerance of [0, 0.01]) {
      const result = await nearOptimalAlternatives(s, loadDefaultNetwork(), highs, { tolerance });
      expect(result.held).toBe('margin');
      expect(result.floorMarginUsd!).toBeCloseTo(result.bestMarginUsd * (1 - tolerance - 1e-7), 1);
    }
  });

  it('with no tolerance the ranges collapse onto the best plan', async () => {
    const result = await nearOptimalAlternatives(scenario(), tinyNetwork(), highs, { tolerance: 0 });
    for (const m of result.markets) expect(m.maxTonnes - m.minTonnes).toBeLessThan(1e-3);
  });
});

describe('near-optimal alternatives, warm-started', () => {
  it('give the same ranges and whole plans as cold solves of every model, phases 1 and 2 of the default network', async () => {
    const network = loadDefaultNetwork();
    let warmStarted = 0;
    const warm: SolveFn = async (model, options) => {
      const r = await solveModelInProcess(model, { engine: 'highs', timeLimitMs: 30_000, warmStart: options?.warmStart });
      if (r.stats.warmStarted) warmStarted++;
      return r;
    };
    // Each model built and solved from nothing, as before warm starts.
    const cold: SolveFn = (model) => solveModelInProcess(model, { engine: 'highs', timeLimitMs: 30_000 });
    for (const phase of [1, 2] as const) {
      warmStarted = 0;
      const s = Scenario.parse({ name: `Phase ${phase}`, phase });
      const a = await nearOptimalAlternatives(s, network, warm);
      const b = await nearOptimalAlternatives(s, network, cold);
      // Two solves per market and two whole plans, all but the first from the kept model.
      expect(warmStarted).toBe(2 * a.markets.length + 1);
      expect(a.bestMarginUsd).toBe(b.bestMarginUsd);
      expect(a.markets.map((m) => m.marketId)).toEqual(b.markets.map((m) => m.marketId));
      // A least and a most are optimal values, the same whichever optimum each solve lands on (1 t).
      for (const [i, m] of a.markets.entries()) {
        expect(m.minTonnes).toBeCloseTo(b.markets[i]!.minTonnes, -0.3);
        expect(m.maxTonnes).toBeCloseTo(b.markets[i]!.maxTonnes, -0.3);
        expect(m.planTonnes).toBe(b.markets[i]!.planTonnes);
      }
      for (const label of ['most kept at home', 'most exported']) {
        const x = a.plans.find((p) => p.label === label)!;
        const y = b.plans.find((p) => p.label === label)!;
        expect(label === 'most kept at home' ? x.domesticTonnes : x.exportTonnes).toBeCloseTo(label === 'most kept at home' ? y.domesticTonnes : y.exportTonnes, -0.3);
        expect(x.marginUsd).toBeGreaterThanOrEqual(a.floorMarginUsd! - 0.01);
      }
      expect(a.plans.map((p) => p.label).sort()).toEqual(b.plans.map((p) => p.label).sort());
    }
  });
});

describe('POST /api/v1/analysis/alternatives', () => {
  it('answers the default phase-2 plan with ranges around the best plan, and 422 for an unknown override', async () => {
    const { testApp, asViewer } = await import('../api/helpers.ts');
    const app = await testApp();
    try {
      const ok = await app.inject({ method: 'POST', url: '/api/v1/analysis/alternatives', headers: asViewer, payload: { scenario: { name: 'Phase 2', phase: 2 } } });
      expect(ok.statusCode).toBe(200);
      const body = ok.json();
      expect(body.tolerance).toBe(0.01);
      expect(Alternatives.safeParse(body).error?.issues ?? []).toEqual([]);
      for (const m of body.markets) {
        expect(m.minTonnes).toBeLessThanOrEqual(m.planTonnes + 1e-6);
        expect(m.maxTonnes).toBeGreaterThanOrEqual(m.planTonnes - 1e-6);
      }
      for (const p of body.plans) expect(p.marginGivenUpUsd).toBeLessThanOrEqual(0.0100001 * body.bestMarginUsd + 1);
      const bad = await app.inject({ method: 'POST', url: '/api/v1/analysis/alternatives', headers: asViewer, payload: { scenario: { name: 'x', overrides: { legs: { nowhere: { capacityTonnesPerYear: 1 } } } } } });
      expect(bad.statusCode).toBe(422);
      expect(bad.json().error.details[0].message).toContain('unknown leg "nowhere"');
    } finally {
      await app.close();
    }
  });
});
