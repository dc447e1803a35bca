/**
 * "The rule binds" in a run of years, where the domestic rule holds in each year
 * (`domestic-share:{year}`): it binds when one year's row is tight, even when the horizon's share is
 * above the line. The share curve, the Monte Carlo and the sweep say so in both market modes, as
 * each plan's `policyCost.binds` does and as re-solving confirms (raising the share costs margin).
 * They once decided it in the clearing mode from the horizon's share, and said "does not bind".
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { closeMonteCarloPools } from '../../server/analysis/mc-pool.ts';
import { drawScenario, MonteCarloRequest, runMonteCarlo, type MonteCarloRequestInput } from '../../server/analysis/montecarlo.ts';
import { reportShareCurve } from '../../server/analysis/sensitivity.ts';
import { runSweep } from '../../server/analysis/sweep.ts';
import { Scenario } from '../../server/core/schema.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { optimise } from '../../server/optimise.ts';

afterAll(async () => {
  await closeMonteCarloPools();
});

const network = loadDefaultNetwork();
const file = (f: string) => JSON.parse(readFileSync(`data/scenarios/${f}`, 'utf8'));
const withShare = (scenario: Scenario, share: number): Scenario => ({ ...scenario, policy: { ...scenario.policy, domesticShare: share } });
const planOf = async (scenario: Scenario) => {
  const plan = await optimise(scenario, network, { inProcess: true, flows: false });
  expect(plan.status).toBe('optimal');
  return plan;
};
const ruleRows = (plan: Awaited<ReturnType<typeof planOf>>) => plan.binding.filter((b) => b.family === 'domestic-share').map((b) => b.row);

const cases = [
  {
    mode: 'clearing',
    scenario: Scenario.parse({ ...file('multi-year.json'), market: 'clearing' }),
    uncertainty: { parameter: 'supplierCost', supplier: 'aktobe_cem', distribution: { type: 'uniform', min: 0.995, max: 1.005 } },
  },
  {
    mode: 'price-taker',
    scenario: Scenario.parse(file('multi-year.json')),
    uncertainty: { parameter: 'freight', mode: 'rail', distribution: { type: 'uniform', min: 0.999, max: 1.001 } },
  },
] as const;

describe('the domestic rule binding in one year of a run of years', () => {
  for (const c of cases) {
    it(`${c.mode}: the share curve, the Monte Carlo and the sweep say it binds, as each plan does`, async () => {
      const shares = [0.5, 0.55];
      const plans = await Promise.all(shares.map((s) => planOf(withShare(c.scenario, s))));
      // The premise: at 50 % the rule binds in one year only, and the horizon's share is above the line.
      expect(ruleRows(plans[0]!)).toHaveLength(1);
      expect(plans[0]!.kpis!.domesticShare).toBeGreaterThan(0.5 + 0.01);
      expect(plans[0]!.policyCost!.binds).toBe(true);
      // Re-solving: a higher share costs margin, so the rule does bind.
      expect(plans[1]!.kpis!.marginUsd).toBeLessThan(plans[0]!.kpis!.marginUsd - 1);

      const curve = await reportShareCurve(c.scenario, network, { curvePoints: 2, curveFrom: 0.5, curveTo: 0.55 });
      expect(curve.map((p) => p.ruleBinds)).toEqual(plans.map((p) => p.policyCost!.binds));
      expect(curve.map((p) => p.marginUsd)).toEqual(plans.map((p) => p.kpis!.marginUsd));

      const sweep = await runSweep({ scenario: c.scenario, axes: [{ parameter: 'domesticShare', values: shares }] }, network, { optimiseOptions: { inProcess: true } });
      expect(sweep.rows.map((r) => r.ruleBinds)).toEqual(plans.map((p) => p.policyCost!.binds));

      const input: MonteCarloRequestInput = { scenario: c.scenario, draws: 4, seed: 1, uncertainties: [c.uncertainty] };
      const mc = await runMonteCarlo(input, network, { workers: 0 });
      const request = MonteCarloRequest.parse(input);
      const drawn = await Promise.all([0, 1, 2, 3].map((i) => planOf(drawScenario(request, network, i))));
      const binding = drawn.filter((p) => p.policyCost!.binds).length;
      expect(binding).toBeGreaterThan(0);
      expect(mc.result.ruleBindsProbability).toBe(binding / drawn.length);
    });
  }

  it('an annual clearing plan: the curve says what the plan and its share say', async () => {
    const annual = Scenario.parse(file('clearing-phase1.json'));
    const shares = [0.5, 0.75, 0.9];
    const curve = await reportShareCurve(annual, network, { curvePoints: 3, curveFrom: 0.5, curveTo: 0.9 });
    const plans = await Promise.all(shares.map((s) => planOf(withShare(annual, s))));
    expect(curve.map((p) => p.ruleBinds)).toEqual(plans.map((p) => p.policyCost!.binds));
    // One year: binding is the horizon's share on the line.
    expect(curve.map((p) => p.ruleBinds)).toEqual(curve.map((p) => p.achievedShare! <= p.domesticShare + 1e-6));
    expect(curve.some((p) => p.ruleBinds)).toBe(true);
  });
});
