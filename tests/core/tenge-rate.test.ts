/**
 * One tenge rate per price-taker plan: the rate its tenge-set domestic prices are converted at is the
 * rate it states (`plan.kztPerUsd`), whichever name sets it. Checked by re-solving: a plan solved again
 * at the rate it states is the same plan. (The default 2027 plan stated the 2027 table rate, 520,
 * while its domestic prices were at the network's reference rate, 510; and `overrides.fxPerUsd.KZT`
 * changed only the stated rate, not one price.)
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runSweep, SweepRequest } from '../../server/analysis/sweep.ts';
import { Scenario } from '../../server/core/schema.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { optimise } from '../../server/optimise.ts';
import { shutdownSolverPool } from '../../server/solver/solve.ts';

afterAll(() => shutdownSolverPool());
const network = loadDefaultNetwork();
const quick = { inProcess: true, policyCost: false, exactPriceGaps: false } as const;
const plan = (overrides: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
  optimise(Scenario.parse({ name: 'tenge', overrides, ...extra }), network, quick);

describe('the tenge rate of a price-taker plan', () => {
  it('is the rate its domestic prices are at: solved again at the rate it states, the plan is the same', async () => {
    for (const year of [2024, 2025, 2027]) {
      const base = await plan({}, { horizon: { kind: 'annual', year } });
      expect(base.status).toBe('optimal');
      expect(base.kztPerUsd).toBe(network.fxKztPerUsd);
      const again = await plan({ fxKztPerUsd: base.kztPerUsd });
      expect(again.kpis!.marginUsd).toBeCloseTo(base.kpis!.marginUsd, 2);
    }
  });

  it('is one rate under either name: overrides.fxKztPerUsd and overrides.fxPerUsd.KZT (a number, or the first year’s rate) give the same plan', async () => {
    const byName = await plan({ fxKztPerUsd: 600 });
    const byTable = await plan({ fxPerUsd: { KZT: 600 } });
    const byYear = await plan({ fxPerUsd: { KZT: { '2027': 600 } } });
    const reference = await plan();
    // A dearer dollar lowers the USD value of tenge-set domestic prices.
    expect(byName.kpis!.marginUsd).toBeLessThan(reference.kpis!.marginUsd - 1e6);
    for (const p of [byTable, byYear]) {
      expect(p.kztPerUsd).toBe(600);
      expect(p.kpis!.marginUsd).toBeCloseTo(byName.kpis!.marginUsd, 2);
      expect(p.markets.map((m) => m.tonnes)).toEqual(byName.markets.map((m) => m.tonnes));
    }
  });

  it('a sweep of fxPerUsd for KZT gives the rows of a sweep of fxKztPerUsd', async () => {
    const scenario = Scenario.parse({ name: 'tenge sweep' });
    const values = [480, 520, 600];
    const a = await runSweep(SweepRequest.parse({ scenario, axes: [{ parameter: 'fxKztPerUsd', values }] }), network, { optimiseOptions: { inProcess: true } });
    const b = await runSweep(SweepRequest.parse({ scenario, axes: [{ parameter: 'fxPerUsd', currency: 'KZT', values }] }), network, { optimiseOptions: { inProcess: true } });
    expect(new Set(a.rows.map((r) => r.marginUsd)).size).toBe(values.length);
    expect(b.rows.map((r) => r.marginUsd)).toEqual(a.rows.map((r) => r.marginUsd));
  });

  it('the clearing mode states its first year’s rate from the table, as it converts each year', async () => {
    const p = await plan({}, { market: 'clearing', horizon: { kind: 'annual', year: 2027 } });
    expect(p.kztPerUsd).toBe(network.fxPerUsd.KZT!['2027']);
  });
});
