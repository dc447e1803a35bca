/**
 * The analyses on the market-clearing mode: sweeps (the rouble, the wagon fleet, a competitor's
 * capacity), Monte Carlo (competitor cost and capacity, the rouble), sensitivity and alternatives.
 * Each figure is confirmed by solving the same scenario directly.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { nearOptimalAlternatives } from '../../server/analysis/alternatives.ts';
import { drawScenario, MonteCarloRequest, runMonteCarlo } from '../../server/analysis/montecarlo.ts';
import { sensitivity } from '../../server/analysis/sensitivity.ts';
import { runSweep } from '../../server/analysis/sweep.ts';
import { optimise } from '../../server/optimise.ts';
import { Alternatives } from '../../server/core/analysis-schema.ts';
import { Scenario } from '../../server/core/schema.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { solveModelInProcess } from '../../server/solver/inProcess.ts';
import { shutdownSolverPool } from '../../server/solver/solve.ts';

afterAll(() => shutdownSolverPool());
const network = loadDefaultNetwork();
const load = (f: string) => Scenario.parse(JSON.parse(readFileSync(new URL(`../../data/scenarios/${f}`, import.meta.url), 'utf8')));
const phase1 = load('clearing-phase1.json');
const quick = { inProcess: true, ranges: false, competitorImpact: false, exactPriceGaps: false } as const;

describe('analyses on the clearing mode', () => {
  it('a rouble sweep: every point is the plan of its scenario solved directly, and a dearer dollar lowers our margin', async () => {
    const result = await runSweep({ scenario: phase1, axes: [{ parameter: 'fxPerUsd', currency: 'RUB', values: [80, 120] }] }, network, { optimiseOptions: { inProcess: true } });
    expect(result.parameters).toEqual(['fxPerUsd:RUB']);
    for (const row of result.rows) {
      const direct = await optimise({ ...phase1, overrides: { ...phase1.overrides, fxPerUsd: { RUB: row.point['fxPerUsd:RUB'] } } }, network, quick);
      expect(row.marginUsd).toBeCloseTo(direct.kpis!.marginUsd, 2);
    }
    expect(result.rows[1].marginUsd!).toBeLessThan(result.rows[0].marginUsd!);
  });

  it('a competitor-capacity sweep and a fleet-size sweep', async () => {
    const cem = await runSweep({ scenario: phase1, axes: [{ parameter: 'supplierCapacity', supplier: 'aktobe_cem', values: [0, 1, 2] }] }, network, { optimiseOptions: { inProcess: true } });
    const margins = cem.rows.map((r) => r.marginUsd!);
    // More of Aktobe Cem never raises our margin.
    expect(margins[1]).toBeLessThanOrEqual(margins[0] + 1);
    expect(margins[2]).toBeLessThanOrEqual(margins[1] + 1);
    const phase2 = load('phase2-annual.json');
    const fleet = await runSweep({ scenario: phase2, axes: [{ parameter: 'wagons', values: [400, 800, 1600] }] }, network, { optimiseOptions: { inProcess: true } });
    const sold = fleet.rows.map((r) => r.domesticTonnes! + r.exportTonnes!);
    // 400 wagons × 365 / 12 days × 65 t ≈ 791 kt a year by rail from the plant (plus the road leg to Atyrau).
    expect(sold[0]).toBeLessThan(sold[1]);
    expect(sold[1]).toBeLessThanOrEqual(sold[2] + 1e-6);
    await expect(runSweep({ scenario: load('phase1-annual.json'), axes: [{ parameter: 'supplierCost', supplier: 'aktobe_cem', values: [1] }] }, network)).rejects.toThrow(/market-clearing mode/);
  });

  it('Monte Carlo over competitor cost and capacity and the rouble: each draw is the plan of its drawn scenario', async () => {
    const request = MonteCarloRequest.parse({
      scenario: phase1,
      draws: 6,
      seed: 11,
      uncertainties: [
        { parameter: 'supplierCost', supplier: 'aktobe_cem', distribution: { type: 'uniform', min: 0.8, max: 1.2 } },
        { parameter: 'supplierCapacity', distribution: { type: 'triangular', min: 0.8, mode: 1, max: 1.1 } },
        { parameter: 'fx', currency: 'RUB', distribution: { type: 'uniform', min: 0.8, max: 1.3 } },
      ],
    });
    const run = await runMonteCarlo(request, network, { workers: 0 });
    expect(run.result.optimalDraws).toBe(6);
    const direct = await Promise.all([0, 3].map((i) => optimise(drawScenario(request, network, i), network, { ...quick, policyCost: false })));
    const margins = direct.map((p) => p.kpis!.marginUsd);
    expect(run.result.marginUsd.min!).toBeLessThanOrEqual(Math.min(...margins) + 0.01);
    expect(run.result.marginUsd.max!).toBeGreaterThanOrEqual(Math.max(...margins) - 0.01);
    // The drawn scenario really moves the competitor and the rouble.
    const s0 = drawScenario(request, network, 0);
    expect(s0.overrides.suppliers.aktobe_cem.cashCostMultiplier).not.toBe(1);
    expect(typeof s0.overrides.fxPerUsd.RUB).toBe('object');
    // The same seed gives the same run.
    const again = await runMonteCarlo(request, network, { workers: 0 });
    expect(again.result.marginUsd).toEqual(run.result.marginUsd);
    await expect(runMonteCarlo({ ...request, scenario: load('phase1-annual.json') }, network, { workers: 0 })).rejects.toThrow(/market-clearing mode/);
  });

  it('sensitivity: our margin at clearing prices, ranges of willingness to pay and competitors’ capacities', async () => {
    const report = await sensitivity(phase1, network, { curvePoints: 3 });
    expect(report.status).toBe('optimal');
    const plan = await optimise(phase1, network, { ...quick, policyCost: false });
    expect(report.marginUsd).toBeCloseTo(plan.kpis!.marginUsd, 1);
    const values = report.parameters.filter((p) => p.parameter.startsWith('value:'));
    expect(values.length).toBeGreaterThan(20);
    for (const p of values) {
      if (p.low !== null) expect(p.low).toBeLessThanOrEqual(p.current + 1e-6);
      if (p.high !== null) expect(p.high).toBeGreaterThanOrEqual(p.current - 1e-6);
    }
    expect(report.parameters.some((p) => p.kind === 'competitor-capacity' && p.id === 'aktobe_cem')).toBe(true);
    // The share curve is our margin at each share's own clearing prices.
    const at = report.shareCurve.find((c) => c.domesticShare === 1)!;
    const full = await optimise({ ...phase1, policy: { ...phase1.policy, domesticShare: 1 } }, network, { ...quick, policyCost: false });
    expect(at.marginUsd).toBeCloseTo(full.kpis!.marginUsd, 1);

    // A cost's marginal value is of the market's welfare, as re-solving with the leg 1 USD/t dearer
    // shows: the welfare falls by it, while our margin (we set Atyrau's price) does not move.
    expect(report.valuedAs).toBe('welfare');
    const freight = report.parameters.find((p) => p.parameter === 'freight:road_atyrau_local')!;
    expect(freight.explanation).toMatch(/each USD\/t more costs [\d,]+ USD of the market's welfare \(our own margin moves only/);
    const dearer = await optimise({ ...phase1, overrides: { ...phase1.overrides, legs: { road_atyrau_local: { fixedUsdPerTonne: 3 } } } }, network, { ...quick, policyCost: false });
    expect(plan.clearing!.welfareUsd - dearer.clearing!.welfareUsd).toBeCloseTo(-freight.marginalValueUsd, -1);
    expect(Math.abs(dearer.kpis!.marginUsd - plan.kpis!.marginUsd)).toBeLessThan(0.01 * Math.abs(freight.marginalValueUsd));
  });

  it('alternatives: our tonnes per market within 1 % of the market’s welfare', async () => {
    const alt = await nearOptimalAlternatives(phase1, network, (model) => solveModelInProcess(model, { engine: 'highs', timeLimitMs: 30_000 }), { tolerance: 0.01 });
    const plan = await optimise(phase1, network, { ...quick, policyCost: false });
    for (const m of alt.markets) {
      const ours = plan.markets.find((x) => x.id === m.marketId)!;
      expect(m.minTonnes).toBeLessThanOrEqual(ours.tonnes + 1e-3);
      expect(m.maxTonnes).toBeGreaterThanOrEqual(ours.tonnes - 1e-3);
    }
    // The answer the route sends: the tolerance holds the welfare, our margin is the plan's own at
    // its clearing prices, and every alternative plan's margin is a number (they were NaN: a 500).
    expect(() => Alternatives.parse(alt)).not.toThrow();
    expect(alt.held).toBe('welfare');
    expect(alt.floorMarginUsd).toBeNull();
    expect(alt.bestMarginUsd).toBeCloseTo(plan.kpis!.marginUsd, 0);
    // The floor: 1 % below the best welfare, and a numerical slack of a cent that keeps the best feasible.
    expect(alt.bestWelfareUsd! - alt.floorWelfareUsd!).toBeCloseTo(0.01 * Math.abs(alt.bestWelfareUsd!) + 0.01, 1);
    expect(alt.plans.length).toBeGreaterThan(0);
    for (const p of alt.plans) expect(Number.isFinite(p.marginUsd)).toBe(true);
    // The sentences say what is held: 1 % of the welfare lets a plan give up far more than 1 % of our
    // margin (here some alternative gives up more than 10 % of it).
    expect(Math.max(...alt.plans.map((p) => p.marginGivenUpUsd))).toBeGreaterThan(0.1 * alt.bestMarginUsd);
    const atyrau = alt.markets.find((m) => m.marketId === 'atyrau')!;
    expect(atyrau.explanation).toMatch(/for at most 1\.0 % of the market's best welfare; our own margin can fall by more/);
    for (const m of alt.markets) expect(m.explanation).not.toMatch(/of margin|best margin/);
  });

  it('alternatives at no tolerance: every plan is an equilibrium, and at the same clearing prices each pays us the best plan’s margin', async () => {
    // Complementary slackness: any optimal allocation and the best plan's duals (its prices) are a
    // primal–dual pair, so our margin at those prices is the same in every optimal allocation. The
    // floor's numerical slack was 1e-7 of the welfare (131–689 USD): enough to serve, at a loss,
    // markets no equilibrium serves, and to widen our tonnes past the plan's own `ourTonnesRange`.
    const myClearing = Scenario.parse({ ...JSON.parse(readFileSync(new URL('../../data/scenarios/multi-year.json', import.meta.url), 'utf8')), market: 'clearing' });
    for (const s of [load('clearing-phase1.json'), load('clearing-phase2.json'), load('competitor-entry.json'), myClearing]) {
      const alt = await nearOptimalAlternatives(s, network, (model) => solveModelInProcess(model, { engine: 'highs', timeLimitMs: 30_000 }), { tolerance: 0 });
      const plan = await optimise(s, network, { inProcess: true, competitorImpact: false, exactPriceGaps: false, policyCost: false });
      expect(alt.bestMarginUsd, s.name).toBeCloseTo(plan.kpis!.marginUsd, 0);
      // The two whole plans (most kept at home, most exported) are always there; no "serve X" is.
      expect(alt.plans.map((p) => p.label).filter((l) => l.startsWith('serve ')), s.name).toEqual([]);
      expect(alt.plans.length).toBeGreaterThan(0);
      // A cent of slack (plus the cents' rounding): no alternative gives up more of our margin.
      const slackUsd = alt.bestWelfareUsd! - alt.floorWelfareUsd!;
      expect(slackUsd).toBeLessThanOrEqual(0.015);
      for (const p of alt.plans) expect(Math.abs(p.marginGivenUpUsd), `${s.name}: ${p.label}`).toBeLessThanOrEqual(0.015);
      // Our tonnes per market: within the plan's range over all equilibria, or fixed where it has none.
      for (const m of alt.markets) {
        const cleared = plan.clearing!.markets.find((x) => x.id === m.marketId)!;
        const range = cleared.ourTonnesRange ?? { min: m.planTonnes, max: m.planTonnes };
        const within = Math.max(1, 1e-4 * cleared.boughtTonnes);
        expect(m.minTonnes, `${s.name}: ${m.marketId}`).toBeGreaterThanOrEqual(range.min - within);
        expect(m.maxTonnes, `${s.name}: ${m.marketId}`).toBeLessThanOrEqual(range.max + within);
      }
    }
  });

  it('alternatives at a small tolerance still find other plans (competitor-entry, 0.1 % of the welfare)', async () => {
    const alt = await nearOptimalAlternatives(load('competitor-entry.json'), network, (model) => solveModelInProcess(model, { engine: 'highs', timeLimitMs: 30_000 }), {
      tolerance: 0.001,
    });
    expect(alt.bestWelfareUsd! - alt.floorWelfareUsd!).toBeCloseTo(0.001 * Math.abs(alt.bestWelfareUsd!) + 0.01, 1);
    expect(alt.plans.some((p) => p.label.startsWith('serve '))).toBe(true);
    expect(alt.markets.some((m) => m.maxTonnes - m.minTonnes > 1000)).toBe(true);
  });
});
