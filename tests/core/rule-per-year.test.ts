/**
 * In a run of years the domestic rule holds in each year, so what a percentage point of it costs is
 * that year's figure: the shadow price of the year's row times 1 % of the year's basis tonnes. Checked
 * by re-solving with GLPK (an independent engine) with one year's rule raised by one point.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LpModel } from '../../server/core/lp.ts';
import { buildModel } from '../../server/core/model.ts';
import { networkForScenario } from '../../server/core/pipeline.ts';
import { Scenario } from '../../server/core/schema.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { optimise } from '../../server/optimise.ts';
import { solveWithGlpk } from '../oracle/glpk.ts';

const network = loadDefaultNetwork();
const multiYear = Scenario.parse({
  ...JSON.parse(readFileSync('data/scenarios/multi-year.json', 'utf8')),
  policy: { domesticShare: 0.75, basis: 'sales' },
});

/** The model with one year's rule (basis sales) raised from share s to s + 0.01: every sale's coefficient falls by 0.01. */
function withYearRaised(model: LpModel, rowName: string): LpModel {
  return {
    ...model,
    rows: model.rows.map((row) => (row.name === rowName ? { ...row, terms: row.terms.map((t) => ({ ...t, coef: t.coef - 0.01 })) } : row)),
  };
}

describe('the domestic rule in a run of years', () => {
  it("names each binding year and prices a point of that year's rule as re-solving finds it", async () => {
    const plan = await optimise(multiYear, network);
    expect(plan.status).toBe('optimal');
    const rules = plan.binding.filter((b) => b.family === 'domestic-share');
    expect(rules.map((b) => b.row).sort()).toEqual(['domestic-share:2027', 'domestic-share:2028', 'domestic-share:2029', 'domestic-share:2030', 'domestic-share:2031']);
    const built = buildModel(networkForScenario(multiYear, network), multiYear);
    const base = await solveWithGlpk(built.model);
    if (base.status !== 'optimal') throw new Error(`GLPK: ${base.status}`);
    for (const year of [2027, 2029]) {
      const rule = rules.find((b) => b.row === `domestic-share:${year}`)!;
      expect(rule.sentence).toMatchObject({ kind: 'domestic-rule-binds', year });
      expect(rule.explanation).toMatch(new RegExp(`^The 75 % domestic rule binds in ${year}: each percentage point`));
      const perPoint = (rule.sentence as { perPointValue: number }).perPointValue;
      const raised = await solveWithGlpk(withYearRaised(built.model, rule.row));
      if (raised.status !== 'optimal') throw new Error(`GLPK, ${year} raised: ${raised.status}`);
      const lost = base.objective - raised.objective;
      expect(lost).toBeGreaterThan(0);
      // The dual is exact for a small step; one whole point may cross a vertex, so allow 5 %.
      expect(Math.abs(perPoint - lost) / lost, `${year}: said ${perPoint}, re-solve ${lost}`).toBeLessThan(0.05);
    }
  });
});
