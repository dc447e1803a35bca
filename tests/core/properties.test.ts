/**
 * Properties of the optimiser on generated networks, checked against an independent oracle (GLPK)
 * and the independent plan checker. Every engine result here passes through checkPlan.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../server/core/model.ts';
import { optimise } from '../../server/optimise.ts';
import { networkForScenario } from '../../server/core/pipeline.ts';
import { Network as NetworkSchema, type Network } from '../../server/core/schema.ts';
import { shutdownSolverPool } from '../../server/solver/solve.ts';
import { solveWithGlpk } from '../oracle/glpk.ts';
import { checkPlan } from '../oracle/check-plan.ts';
import { randomNetwork } from './generate-network.ts';
import { scenario } from './fixtures.ts';

afterAll(() => shutdownSolverPool());
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(a), Math.abs(b));
const RUNS = 40;

describe('optimiser properties on generated networks', () => {
  it('both engines agree with GLPK on status and objective, and pass the plan checker', async () => {
    let optimal = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1e9 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom('sales', 'production'), async (seed, share, basis) => {
        const net = randomNetwork(seed);
        const s = scenario({ policy: { domesticShare: share, basis: basis as 'sales' | 'production' } });
        const oracle = await solveWithGlpk(buildModel(networkForScenario(s, net), s).model);
        for (const engine of ['highs', 'jsLpSolver'] as const) {
          const plan = await optimise({ ...s, engine }, net);
          expect(plan.status).toBe(oracle.status);
          if (oracle.status === 'optimal') {
            expect(rel(plan.objectiveValue!, oracle.objective)).toBeLessThan(1e-6);
            expect(checkPlan(plan, s, net).violations).toEqual([]);
            expect(plan.kpis!.domesticShare).toBeGreaterThanOrEqual(share - 1e-6);
          }
        }
        if (oracle.status === 'optimal') optimal++;
      }),
      { numRuns: RUNS, seed: 20271 },
    );
    expect(optimal).toBeGreaterThan(RUNS / 2);
  });

  it('HiGHS row duals agree with GLPK duals on non-degenerate models', async () => {
    const { isNonDegenerate } = await import('../oracle/glpk.ts');
    const { solveModelInProcess } = await import('../../server/solver/inProcess.ts');
    let compared = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const net = randomNetwork(seed * 7919);
      const s = scenario({ policy: { domesticShare: 0.5, basis: 'sales' } });
      const { model } = buildModel(networkForScenario(s, net), s);
      const oracle = await solveWithGlpk(model);
      if (oracle.status !== 'optimal' || !oracle.rowDuals || !isNonDegenerate(model, oracle.values)) continue;
      const highs = await solveModelInProcess(model, { engine: 'highs', timeLimitMs: 10_000, wantSensitivity: true });
      expect(highs.status).toBe('optimal');
      if (highs.status !== 'optimal') continue;
      for (const [i, d] of highs.sensitivity!.rowDuals.entries()) expect(Math.abs(d - oracle.rowDuals![i])).toBeLessThan(1e-6 * Math.max(1, Math.abs(d)));
      compared++;
    }
    // Product models are mostly degenerate (unused routes); about 3 % of generated ones are not.
    expect(compared).toBeGreaterThan(5);
  });

  it('every HiGHS shadow price lies between the one-sided slopes of GLPK re-solves (degenerate or not)', async () => {
    const { solveModelInProcess } = await import('../../server/solver/inProcess.ts');
    let checked = 0;
    for (let seed = 1; seed <= 25; seed++) {
      const net = randomNetwork(seed * 104729);
      const s = scenario({ policy: { domesticShare: 0.6, basis: 'sales' } });
      const { model } = buildModel(networkForScenario(s, net), s);
      const highs = await solveModelInProcess(model, { engine: 'highs', timeLimitMs: 10_000, wantSensitivity: true });
      if (highs.status !== 'optimal') continue;
      for (const [r, row] of model.rows.entries()) {
        if (!['capacity', 'domestic-share', 'leg', 'node'].includes(row.family)) continue;
        const dual = highs.sensitivity!.rowDuals[r];
        const delta = 1e-3;
        const shifted = async (by: number) => {
          const rows = model.rows.map((x, i) => (i !== r ? x : Number.isFinite(x.ub) ? { ...x, ub: x.ub + by } : { ...x, lb: x.lb + by }));
          const o = await solveWithGlpk({ ...model, rows });
          return o.status === 'optimal' ? o.objective : NaN;
        };
        const up = (await shifted(delta) - highs.objective) / delta;
        const down = (highs.objective - (await shifted(-delta))) / delta;
        if (!Number.isFinite(up) || !Number.isFinite(down)) continue;
        // A maximum is concave in a right-hand side: slope up ≤ dual ≤ slope down.
        expect(dual).toBeGreaterThanOrEqual(up - 1e-4 * Math.max(1, Math.abs(up)));
        expect(dual).toBeLessThanOrEqual(down + 1e-4 * Math.max(1, Math.abs(down)));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('raising the domestic share never raises margin', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1e9 }), fc.double({ min: 0, max: 0.9, noNaN: true }), fc.double({ min: 0.01, max: 0.1, noNaN: true }), async (seed, share, step) => {
        const net = randomNetwork(seed);
        const lo = await optimise(scenario({ policy: { domesticShare: share, basis: 'sales' } }), net);
        const hi = await optimise(scenario({ policy: { domesticShare: share + step, basis: 'sales' } }), net);
        if (lo.status === 'optimal' && hi.status === 'optimal') expect(hi.objectiveValue!).toBeLessThanOrEqual(lo.objectiveValue! + 1e-6 * Math.abs(lo.objectiveValue!) + 0.01);
        // A tighter rule cannot turn an infeasible plan feasible.
        if (lo.status === 'infeasible') expect(hi.status).toBe('infeasible');
      }),
      { numRuns: RUNS, seed: 31 },
    );
  });

  it('removing a leg never raises margin', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1e9 }), fc.nat(), async (seed, pick) => {
        const net = randomNetwork(seed);
        const s = scenario({ policy: { domesticShare: 0, basis: 'sales' } });
        const full = await optimise(s, net);
        const drop = net.legs[pick % net.legs.length].id;
        const fewer: Network = NetworkSchema.parse({ ...net, legs: net.legs.filter((l) => l.id !== drop) });
        const reduced = await optimise(s, fewer);
        if (full.status === 'optimal' && reduced.status === 'optimal') expect(reduced.objectiveValue!).toBeLessThanOrEqual(full.objectiveValue! + 0.01);
      }),
      { numRuns: RUNS, seed: 47 },
    );
  });

  it('scaling all money by k scales the objective by k', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1e9 }), fc.double({ min: 0.1, max: 10, noNaN: true }), async (seed, k) => {
        const net = randomNetwork(seed);
        const scaled: Network = {
          ...net,
          plants: net.plants.map((p) => ({ ...p, variableCostUsdPerTonne: p.variableCostUsdPerTonne * k })),
          markets: net.markets.map((m) => ({ ...m, dutyUsdPerTonne: m.dutyUsdPerTonne * k, tiers: m.tiers.map((t) => ({ ...t, priceUsdPerTonne: t.priceUsdPerTonne * k })) })),
          nodes: net.nodes.map((n) => ({ ...n, handlingUsdPerTonne: n.handlingUsdPerTonne * k })),
          legs: net.legs.map((l) => ({ ...l, fixedUsdPerTonne: l.fixedUsdPerTonne * k, usdPerTonneKm: l.usdPerTonneKm * k })),
        };
        const s = scenario();
        const a = await optimise(s, net);
        const b = await optimise(s, scaled);
        expect(b.status).toBe(a.status);
        if (a.status === 'optimal') expect(rel(b.objectiveValue!, k * a.objectiveValue!)).toBeLessThan(1e-6);
      }),
      { numRuns: RUNS, seed: 59 },
    );
  });
});
