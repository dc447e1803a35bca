/** Sweeps equal individual solves; CSV; progress and cancellation. Phasing: volumes by year and destination. */
import { afterAll, describe, expect, it } from 'vitest';
import { axisValues, runSweep, sweepScenarios, sweepToCsv, SweepRequest } from '../../server/analysis/sweep.ts';
import { diff } from '../../server/api/views/compare-runs.ts';
import { phasing } from '../../server/analysis/phasing.ts';
import { optimise } from '../../server/optimise.ts';
import { shutdownSolverPool } from '../../server/solver/solve.ts';
import { defaultNetwork, standardScenario } from './helpers.ts';

afterAll(async () => {
  await shutdownSolverPool();
});

describe('sweeps', () => {
  it('refuses an axis with an absurd number of steps as a bad request, not by building its grid', () => {
    for (const steps of [1e308, 1e9, 2.5, -3]) {
      const parsed = SweepRequest.safeParse({ scenario: standardScenario('phase1-annual'), axes: [{ parameter: 'exportPriceMultiplier', steps }] });
      expect(parsed.success).toBe(false);
      expect(parsed.error!.issues.some((i) => i.path.join('.') === 'axes.0.steps')).toBe(true);
    }
    const tooMany = SweepRequest.safeParse({
      scenario: standardScenario('phase1-annual'),
      axes: [
        { parameter: 'exportPriceMultiplier', from: 0.5, to: 1.5, steps: 201 },
        { parameter: 'freightMultiplier', from: 0.5, to: 1.5, steps: 11 },
      ],
    });
    expect(tooMany.success).toBe(false);
    expect(tooMany.error!.issues.map((i) => i.message)).toContain('a sweep has at most 2,000 points');
  });

  it('a grid from, to and steps holds the decimal values a client joins on, and a comparison the decimal difference', () => {
    expect(axisValues({ parameter: 'exportPriceMultiplier', from: 0.8, to: 1.4, steps: 7 } as never)).toEqual([0.8, 0.9, 1, 1.1, 1.2, 1.3, 1.4]);
    expect(axisValues({ parameter: 'freightMultiplier', from: 0.1, to: 0.3, steps: 3 } as never)).toEqual([0.1, 0.2, 0.3]);
    expect(diff(24_964_325.123456, 24_873_754.290123).delta).toBe(-90_570.833333);
  });

  it('every point equals an individual optimise of the same scenario', async () => {
    const network = defaultNetwork();
    const request = SweepRequest.parse({
      scenario: standardScenario('phase2-annual'),
      axes: [
        { parameter: 'exportPriceMultiplier', values: [0.8, 1.2] },
        { parameter: 'nodeThroughput', node: 'port_aktau', values: [50_000, 300_000] },
      ],
    });
    const progress: number[] = [];
    const result = await runSweep(request, network, { onProgress: (done) => progress.push(done) });
    expect(result.rows).toHaveLength(4);
    // Progress rises to the whole count; a thread's last message may come after its run's answer,
    // which then tells the rest at once (1, 2, 4 is as right as 1, 2, 3, 4).
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((done, i) => i === 0 || done > progress[i - 1]!)).toBe(true);
    expect(progress.at(-1)).toBe(4);
    const points = sweepScenarios(request);
    for (const [i, { scenario }] of points.entries()) {
      const plan = await optimise(scenario, network, { inProcess: true });
      expect(result.rows[i].marginUsd).toBeCloseTo(plan.kpis!.marginUsd, 2);
      expect(result.rows[i].exportTonnes).toBeCloseTo(plan.kpis!.exportTonnes, 2);
      expect(result.rows[i].ruleBinds).toBe(plan.policyCost!.binds);
    }
    expect(result.rows[0].point).toEqual({ exportPriceMultiplier: 0.8, 'nodeThroughput:port_aktau': 50_000 });
    const csv = sweepToCsv(result).trim().split('\n');
    expect(csv[0]).toBe('exportPriceMultiplier,nodeThroughput:port_aktau,status,margin_usd,export_tonnes,domestic_tonnes,domestic_share,rule_binds,rule_cost_usd');
    expect(csv).toHaveLength(5);
  });

  it('the 50 % rule binds when export prices are high and not when they are low', async () => {
    const result = await runSweep(
      { scenario: standardScenario('phase2-annual'), axes: [{ parameter: 'exportPriceMultiplier', values: [0.7, 1.3] }] },
      defaultNetwork(),
    );
    expect(result.rows.map((r) => r.ruleBinds)).toEqual([false, true]);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    const run = runSweep(
      { scenario: standardScenario('phase1-annual'), axes: [{ parameter: 'domesticShare', from: 0.5, to: 1, steps: 40 }] },
      defaultNetwork(),
      { signal: controller.signal, onProgress: (done) => done >= 2 && controller.abort() },
    );
    await expect(run).rejects.toThrow(/cancelled/);
  });
});

describe('multi-year phasing', () => {
  it('phase 2 from 2029: capacity steps up, phase-2 markets open, volumes by year and destination add up', async () => {
    const result = await phasing({ phase2FromYear: 2029 }, defaultNetwork(), { inProcess: true });
    expect(result.status).toBe('optimal');
    expect(result.years).toEqual([2027, 2028, 2029, 2030, 2031]);
    expect(result.phaseByYear).toEqual([1, 1, 2, 2, 2]);
    expect(result.capacityTonnesByYear[2]).toBeGreaterThan(result.capacityTonnesByYear[1]);
    result.years.forEach((_, i) => {
      const total = result.destinations.reduce((s, d) => s + d.tonnesByYear[i], 0);
      expect(total).toBeCloseTo(result.domesticTonnesByYear[i] + result.exportTonnesByYear[i], 1);
      expect(result.domesticShareByYear[i]!).toBeGreaterThanOrEqual(0.5 - 1e-6);
    });
    const samara = result.destinations.find((d) => d.marketId === 'samara');
    expect(samara?.firstYear).toBe(2029);
  });

  it('phase 2 never: no phase-2 market is served', async () => {
    const network = defaultNetwork();
    const result = await phasing({ fromYear: 2027, toYear: 2029 }, network, { inProcess: true });
    const phase2Only = new Set(network.markets.filter((m) => m.openFromPhase > 1).map((m) => m.id));
    expect(result.destinations.filter((d) => phase2Only.has(d.marketId))).toEqual([]);
  });

  it('a phase-2 scenario without a start year plans at phase 2 in every year: the same plan as phase 2 from the first year', async () => {
    const network = defaultNetwork();
    const base = { ...standardScenario('phase2-annual'), horizon: { kind: 'multi-year' as const, fromYear: 2027, toYear: 2029 } };
    const implicit = await optimise(base, network, { inProcess: true, policyCost: false });
    const explicit = await optimise({ ...base, horizon: { ...base.horizon, phase2FromYear: 2027 } }, network, { inProcess: true, policyCost: false });
    const phase1 = await optimise({ ...base, phase: 1 }, network, { inProcess: true, policyCost: false });
    expect(implicit.status).toBe('optimal');
    expect(implicit.kpis!.marginUsd).toBeCloseTo(explicit.kpis!.marginUsd, 2);
    expect(implicit.plants[0]!.tonnesByPeriod).toEqual(explicit.plants[0]!.tonnesByPeriod);
    // Above phase 1's 1.3 Mt in every year, and more margin than the same years at phase 1.
    for (const tonnes of implicit.plants[0]!.tonnesByPeriod) expect(tonnes).toBeGreaterThan(1_300_000);
    expect(implicit.kpis!.marginUsd).toBeGreaterThan(phase1.kpis!.marginUsd);
    const phased = await phasing({ scenario: standardScenario('phase2-annual'), fromYear: 2027, toYear: 2029 }, network, { inProcess: true });
    expect(phased.phaseByYear).toEqual([2, 2, 2]);
  });
});
