/**
 * Clearing prices the equilibrium does not fix (DESIGN §3b, docs/market-clearing.md "Price ranges"):
 * where the LP's optimum is degenerate, the plan reports the interval of prices that all clear the
 * market and our margin's interval over them, never one end as fact. Checked on a market worked out
 * by hand (both engines), on the shipped competitor-entry scenario against GLPK re-solves at the
 * market balance ±1 t, and on a scenario whose prices are unique.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { key } from '../../server/core/families/context.ts';
import { buildModel } from '../../server/core/model.ts';
import { networkForScenario } from '../../server/core/pipeline.ts';
import { Scenario, type ScenarioInput } from '../../server/core/schema.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { optimise } from '../../server/optimise.ts';
import { shutdownSolverPool } from '../../server/solver/solve.ts';
import { scenario } from '../core/fixtures.ts';
import { checkEquilibrium } from '../oracle/check-equilibrium.ts';
import { solveWithGlpk } from '../oracle/glpk.ts';
import { handNetwork } from './fixtures.ts';

afterAll(() => shutdownSolverPool());

const clearing = (input: Partial<ScenarioInput> = {}) => scenario({ market: 'clearing', policy: { domesticShare: 0 }, ...input });
const dir = new URL('../../data/scenarios/', import.meta.url);
const shipped = (file: string) => JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as ScenarioInput;

describe('a market worked out by hand whose price the equilibrium does not fix', () => {
  // Our 120 t of capacity fill market A's two blocks exactly (60 t at 100, 60 t at 30; our delivered
  // cost 25, Rival's offer 40). One more tonne of our capacity would go to B at our cost 30 in place of
  // Rival's 32 (+2); one tonne less would leave A's lower block short (−(30 − 25) = −5). So our
  // capacity rent is anything in [2, 5] and A's price anything in [27, 30]; B (32) and D (35) are set
  // by Rival, which has room to spare. Our margin is 120 × (price − 25): anything in [240, 600].
  const net = handNetwork({ ourCapacity: 120, rivalCapacity: 1000 });

  it.each(['highs', 'jsLpSolver'] as const)('%s: A clears anywhere in [27, 30], B and D at one price; our margin in [240, 600]', async (engine) => {
    const s = clearing({ engine });
    const plan = await optimise(s, net);
    expect(plan.status).toBe('optimal');
    const m = (id: string) => plan.clearing!.markets.find((x) => x.id === id)!;
    const a = m('a');
    expect(a.ourTonnes).toBeCloseTo(120, 6);
    expect(a.priceRangeUsdPerTonne!.low).toBeCloseTo(27, 6);
    expect(a.priceRangeUsdPerTonne!.high).toBeCloseTo(30, 6);
    expect(a.priceRangeUsdPerTonneByPeriod).toEqual([a.priceRangeUsdPerTonne]);
    // The plan's own price is one point of the interval.
    expect(a.priceUsdPerTonne).toBeGreaterThanOrEqual(27 - 1e-6);
    expect(a.priceUsdPerTonne).toBeLessThanOrEqual(30 + 1e-6);
    for (const id of ['b', 'd']) {
      expect(m(id).priceRangeUsdPerTonne).toBeNull();
      expect(m(id).priceRangeUsdPerTonneByPeriod).toEqual([null]);
    }
    const margin = plan.clearing!.ourMarginRangeUsd!;
    expect(margin.low).toBeCloseTo(240, 4);
    expect(margin.high).toBeCloseTo(600, 4);
    expect(plan.kpis!.marginUsd).toBeCloseTo(120 * (a.priceUsdPerTonne - 25), 4);
    expect(checkEquilibrium(plan, s, net).violations).toEqual([]);
    const text = plan.why.join(' ');
    expect(text).toContain('Market A anywhere from 27.00 USD/t to 30.00 USD/t');
    expect(text).toMatch(/one point of a range: .* our margin is anywhere from 240(\.00)? USD to 600(\.00)? USD/);
  });

  it('without the re-solves (`ranges: false`) nothing is filled in', async () => {
    const plan = await optimise(clearing({ engine: 'highs' }), net, { ranges: false });
    expect(plan.clearing!.markets.find((x) => x.id === 'a')!.priceRangeUsdPerTonne).toBeNull();
    expect(plan.clearing!.ourMarginRangeUsd).toBeNull();
  });
});

describe('competitor-entry: Astrakhan\'s whole demand equals the Kigash border cap', () => {
  const network = loadDefaultNetwork();
  const s = Scenario.parse(shipped('competitor-entry.json'));

  it('Astrakhan clears anywhere in [55.98, 57.62] USD/t, as GLPK finds at the balance ±1 t; our margin anywhere from 0 to 0.65 M USD', async () => {
    const plan = await optimise(s, network);
    expect(plan.status).toBe('optimal');
    const astrakhan = plan.clearing!.markets.find((m) => m.id === 'astrakhan')!;
    const range = astrakhan.priceRangeUsdPerTonne!;
    expect(range.low).toBeCloseTo(55.98, 2);
    expect(range.high).toBeCloseTo(57.62, 2);
    expect(astrakhan.priceUsdPerTonne).toBeGreaterThanOrEqual(range.low);
    expect(astrakhan.priceUsdPerTonne).toBeLessThanOrEqual(range.high!);

    // GLPK, a second solver, on the same model with Astrakhan's balance moved by 1 t each way: the
    // welfare's one-sided derivatives are the interval's ends.
    const built = buildModel(networkForScenario(s, network), s);
    const row = built.index.clearRows.get(key('astrakhan', 0))!;
    const at = async (delta: number) => {
      const rows = built.model.rows.map((r, i) => (i === row ? { ...r, lb: r.lb + delta, ub: r.ub + delta } : r));
      const r = await solveWithGlpk({ ...built.model, rows });
      expect(r.status).toBe('optimal');
      return r.status === 'optimal' ? r.objective : NaN;
    };
    const [base, more, less] = [await at(0), await at(1), await at(-1)];
    expect(Math.abs(range.low - (more - base))).toBeLessThan(0.01);
    expect(Math.abs(range.high! - (base - less))).toBeLessThan(0.01);

    // Our margin: we sell Astrakhan's 400 kt, so it spans 400 kt × the price interval; at the top end
    // it is what the plan earns with the border 1 t tighter (the price then rises to the block's value).
    const margin = plan.clearing!.ourMarginRangeUsd!;
    // (The price and the interval's ends are each reported to 1e-4 USD/t: 400 kt × 2 × 5e-5 = 40 USD.)
    expect(Math.abs(margin.low - (plan.kpis!.marginUsd - 400_000 * (astrakhan.priceUsdPerTonne - range.low)))).toBeLessThan(40);
    expect(Math.abs(margin.high! - (plan.kpis!.marginUsd + 400_000 * (range.high! - astrakhan.priceUsdPerTonne)))).toBeLessThan(40);
    const tighter = await optimise(
      Scenario.parse({ ...shipped('competitor-entry.json'), overrides: { ...s.overrides, nodes: { border_kigash: { throughputTonnesPerYear: 399_999 } } } }),
      network,
      { ranges: false, competitorImpact: false },
    );
    expect(Math.abs(tighter.kpis!.marginUsd - margin.high!)).toBeLessThan(10);

    // The sentences say the range, not one end as fact.
    const text = plan.why.join(' ');
    expect(text).toMatch(/Astrakhan region \(RU\) anywhere from 55\.98 USD\/t to 57\.62 USD\/t/);
    expect(text).not.toMatch(/Astrakhan region \(RU\) 55\.98 USD\/t/);
    expect(text).toMatch(/our margin at the plan's prices is 0\.00 USD, one point of a range: .* anywhere from 0\.00 USD to 654,74\d USD/);
    expect(text).not.toMatch(/our margin at those prices is/);

    // No one is said to set a price the market does not fix; a market whose price is unique names its setter.
    for (const m of plan.clearing!.markets) {
      if (m.priceRangeUsdPerTonne !== null) expect(m.marginalSupplier, m.id).toBeNull();
      else if (m.boughtTonnes > 0) expect(m.marginalSupplier, m.id).not.toBeNull();
    }
    expect(astrakhan.marginalSupplier).toBeNull();
  });
});

describe('a scenario whose prices are unique', () => {
  it('clearing-phase1: no price range, no margin range, the sentences state the prices', async () => {
    const plan = await optimise(Scenario.parse(shipped('clearing-phase1.json')), loadDefaultNetwork());
    expect(plan.status).toBe('optimal');
    for (const m of plan.clearing!.markets) {
      expect(m.priceRangeUsdPerTonne, m.id).toBeNull();
      expect(m.priceRangeUsdPerTonneByPeriod.every((r) => r === null), m.id).toBe(true);
    }
    expect(plan.clearing!.ourMarginRangeUsd).toBeNull();
    const text = plan.why.join(' ');
    expect(text).not.toMatch(/anywhere from .* USD\/t/);
    expect(text).toMatch(/our margin at those prices is 10,254,122 USD/);
  });
});
