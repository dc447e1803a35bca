/**
 * The domestic share's sensitivity in a run of years, where the rule holds in each year: a slack
 * rule keeps the plan only up to the lowest year's share (not the horizon's average), and a binding
 * rule's point costs the sum of its years' duals times their basis tonnes. Both checked by re-solving.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sensitivity } from '../../server/analysis/sensitivity.ts';
import { Scenario } from '../../server/core/schema.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { optimise } from '../../server/optimise.ts';

const network = loadDefaultNetwork();
const multiYear = (share: number) =>
  Scenario.parse({ ...JSON.parse(readFileSync('data/scenarios/multi-year.json', 'utf8')), policy: { domesticShare: share, basis: 'sales' } });
const marginAt = async (share: number) => {
  const plan = await optimise(multiYear(share), network, { policyCost: false });
  expect(plan.status).toBe('optimal');
  return plan.kpis!.marginUsd;
};

describe('the domestic share in a run of years', () => {
  it('a slack rule keeps the plan up to the lowest year’s share, as re-solving confirms', async () => {
    const report = await sensitivity(multiYear(0.4), network, { curvePoints: 2 });
    const share = report.parameters.find((p) => p.kind === 'domestic-share')!;
    expect(share.explanation).toMatch(/does not bind: .* in its lowest year; the rule holds in each year/);
    const high = share.high!;
    const base = await marginAt(0.4);
    // The horizon's average share is higher than the lowest year's: a rule there costs margin.
    expect(high).toBeLessThan(0.56);
    expect(await marginAt(high - 0.001)).toBeCloseTo(base, 0);
    expect(await marginAt(high + 0.005)).toBeLessThan(base - 1);
  });

  it('a binding rule’s point costs what raising it by a point costs, summed over the years', async () => {
    const report = await sensitivity(multiYear(0.7), network, { curvePoints: 2 });
    const share = report.parameters.find((p) => p.kind === 'domestic-share')!;
    expect(share.explanation).toMatch(/^The 70 % domestic rule binds/);
    const lost = (await marginAt(0.7)) - (await marginAt(0.71));
    expect(lost).toBeGreaterThan(0);
    // The duals are exact for a small step; a whole point may cross a vertex, so allow 5 %.
    expect(Math.abs(Math.abs(share.marginalValueUsd) - lost) / lost, `said ${share.marginalValueUsd}, re-solve ${lost}`).toBeLessThan(0.05);
  });
});
