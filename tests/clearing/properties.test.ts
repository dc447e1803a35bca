/**
 * Properties of the market-clearing mode on generated networks (DESIGN §3b). Every plan here also
 * passes the independent equilibrium checker.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { demandSteps, supplierDeliveredCost } from '../../server/core/market-economics.ts';
import { buildModel } from '../../server/core/model.ts';
import { optimise } from '../../server/optimise.ts';
import { networkForScenario } from '../../server/core/pipeline.ts';
import { periodsOf } from '../../server/core/scenario.ts';
import type { Network, Scenario } from '../../server/core/schema.ts';
import { shutdownSolverPool } from '../../server/solver/solve.ts';
import { scenario } from '../core/fixtures.ts';
import { checkEquilibrium } from '../oracle/check-equilibrium.ts';
import { solveWithGlpk } from '../oracle/glpk.ts';
import { randomClearingNetwork } from './generate.ts';

afterAll(() => shutdownSolverPool());
const RUNS = 25;
const seeds = fc.integer({ min: 1, max: 1e9 });
/** Domestic shares in whole percent (no denormal doubles). */
const shares = fc.integer({ min: 0, max: 80 }).map((pct) => pct / 100);
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(a), Math.abs(b));
const clearing = (share = 0, extra: Partial<Parameters<typeof scenario>[0]> = {}) =>
  scenario({ market: 'clearing', policy: { domesticShare: share }, horizon: { kind: 'annual', year: 2027 }, ...extra });
const quick = { ranges: false, competitorImpact: false, policyCost: false, exactPriceGaps: false } as const;

describe('market-clearing properties on generated networks', () => {
  it('clearing prices are the market-balance duals: each lies between the one-sided slopes of the welfare (GLPK re-solves)', async () => {
    await fc.assert(
      fc.asyncProperty(seeds, shares, async (seed, share) => {
        const net = randomClearingNetwork(seed);
        const s = clearing(share);
        const plan = await optimise(s, net, quick);
        if (plan.status !== 'optimal') return;
        expect(checkEquilibrium(plan, s, networkForScenario(s, net)).violations).toEqual([]);
        const built = buildModel(networkForScenario(s, net), s);
        const welfareAt = async (row: number, delta: number) => {
          const rows = built.model.rows.map((r, i) => (i === row ? { ...r, lb: delta, ub: delta } : r));
          const r = await solveWithGlpk({ ...built.model, rows });
          return r.status === 'optimal' ? r.objective : null;
        };
        const base = await welfareAt(-1, 0);
        expect(base).not.toBeNull();
        expect(rel(base!, plan.clearing!.welfareUsd)).toBeLessThan(1e-5);
        const delta = 1e-3;
        for (const m of plan.clearing!.markets) {
          const row = built.index.clearRows.get(`${m.id}|0`)!;
          const up = await welfareAt(row, delta);
          const down = await welfareAt(row, -delta);
          const price = m.priceUsdPerTonneByPeriod[0];
          if (up !== null) expect(price).toBeGreaterThanOrEqual((up - base!) / delta - 1e-3);
          if (down !== null) expect(price).toBeLessThanOrEqual((base! - down) / delta + 1e-3);
        }
      }),
      { numRuns: RUNS, seed: 31 },
    );
  });

  it('a price-taker solve at the clearing prices earns our plant the same margin', async () => {
    await fc.assert(
      fc.asyncProperty(seeds, shares, async (seed, share) => {
        const net = randomClearingNetwork(seed);
        const s = clearing(share);
        const plan = await optimise(s, net, quick);
        if (plan.status !== 'optimal') return;
        // Each market becomes one tier at its clearing price, as large as the market buys, with our duty per tonne.
        const eff = networkForScenario(s, net);
        const priceTaker: Network = {
          ...eff,
          suppliers: [],
          markets: eff.markets.map((m) => {
            const c = plan.clearing!.markets.find((x) => x.id === m.id)!;
            const our = plan.markets.find((x) => x.id === m.id)!;
            return { ...m, demand: undefined, dutyPct: 0, dutyUsdPerTonne: our.dutyUsdPerTonne, tiers: [{ tonnesPerYear: c.boughtTonnes, priceUsdPerTonne: c.priceUsdPerTonne }] };
          }),
        };
        const pt = await optimise(scenario({ policy: { domesticShare: share } }), priceTaker, quick);
        expect(pt.status).toBe('optimal');
        expect(Math.abs(pt.kpis!.marginUsd - plan.kpis!.marginUsd)).toBeLessThan(1e-4 * Math.max(1, Math.abs(plan.kpis!.marginUsd)) + 0.05);
      }),
      { numRuns: RUNS, seed: 32 },
    );
  });

  it('adding a competitor, or lowering its cost, never raises our margin', async () => {
    await fc.assert(
      fc.asyncProperty(seeds, fc.double({ min: 0.5, max: 0.99, noNaN: true }), async (seed, costFactor) => {
        const net = randomClearingNetwork(seed, { competitors: 2 });
        const s = clearing(0);
        const without = await optimise(clearing(0, { overrides: { suppliers: { c1: { absent: true } } } }), net, quick);
        const withIt = await optimise(s, net, quick);
        const cheaper = await optimise(clearing(0, { overrides: { suppliers: { c1: { cashCostMultiplier: costFactor } } } }), net, quick);
        if (without.status !== 'optimal' || withIt.status !== 'optimal' || cheaper.status !== 'optimal') return;
        const tol = 1e-6 * Math.max(1, Math.abs(without.kpis!.marginUsd)) + 1e-3;
        expect(withIt.kpis!.marginUsd).toBeLessThanOrEqual(without.kpis!.marginUsd + tol);
        expect(cheaper.kpis!.marginUsd).toBeLessThanOrEqual(withIt.kpis!.marginUsd + tol);
      }),
      { numRuns: RUNS, seed: 33 },
    );
  });

  it('doubling RUB per USD halves the USD value of every RUB price and cost', () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const net = randomClearingNetwork(seed);
        const s = clearing();
        const doubled: Scenario = clearing(0, { overrides: { fxPerUsd: { RUB: 180 } } });
        const a = networkForScenario(s, net);
        const b = networkForScenario(doubled, net);
        const [t] = periodsOf(s.horizon, 1);
        a.markets.forEach((m, i) => {
          const stepsA = demandSteps(a, m, t, 2027);
          const stepsB = demandSteps(b, b.markets[i], t, 2027);
          m.demand?.blocks.forEach((block, k) => {
            const factor = block.value.currency === 'RUB' ? 0.5 : 1;
            expect(stepsB[k].valueUsdPerTonne).toBeCloseTo(stepsA[k].valueUsdPerTonne * factor, 9);
          });
        });
        a.suppliers.forEach((sup, i) => {
          const route = sup.routes[0];
          const ca = supplierDeliveredCost(a, sup, route, 2027);
          const cb = supplierDeliveredCost(b, b.suppliers[i], b.suppliers[i].routes[0], 2027);
          expect(cb.cashUsdPerTonne).toBeCloseTo(ca.cashUsdPerTonne * (sup.cashCost.currency === 'RUB' ? 0.5 : 1), 9);
          expect(cb.freightUsdPerTonne).toBeCloseTo(ca.freightUsdPerTonne * (route.freight.currency === 'RUB' ? 0.5 : 1), 9);
        });
      }),
      { numRuns: 50, seed: 34 },
    );
  });

  it("with no competitors and today's tiers as the blocks, the clearing mode gives today's plan", async () => {
    await fc.assert(
      fc.asyncProperty(seeds, shares, async (seed, share) => {
        const generated = randomClearingNetwork(seed, { wholeMarkets: false });
        // Ad-valorem duties are levied on the price in the price-taker mode and on a customs value in the
        // clearing mode; with specific duties only the two are the same model.
        const net: Network = { ...generated, suppliers: [], markets: generated.markets.map((m) => ({ ...m, dutyPct: 0 })) };
        const today = await optimise(scenario({ policy: { domesticShare: share } }), net, quick);
        const cleared = await optimise(clearing(share), net, quick);
        expect(cleared.status).toBe(today.status);
        if (today.status !== 'optimal') return;
        expect(rel(cleared.clearing!.welfareUsd, today.objectiveValue!)).toBeLessThan(1e-5);
        expect(rel(cleared.kpis!.productionTonnes, today.kpis!.productionTonnes)).toBeLessThan(1e-5);
        expect(rel(cleared.kpis!.domesticTonnes, today.kpis!.domesticTonnes)).toBeLessThan(1e-5);
      }),
      { numRuns: RUNS, seed: 35 },
    );
  });
});
