/** A monthly plan's key figures are the whole year's; the month on the slider gets its own tonnes beside them. */
import { describe, expect, it } from 'vitest';
import { monthFigures } from '../../web/src/lib/kpi.ts';
import { makeFixturePlan } from './fixtures/plan-fixture.ts';

describe("the month's figures beside the whole-year KPIs", () => {
  const plan = makeFixturePlan({ monthly: true });

  it('sums our production, domestic and export tonnes of that month alone', () => {
    const march = monthFigures(plan, 2)!;
    const production = plan.plants.reduce((s, p) => s + p.tonnesByPeriod[2], 0);
    const domestic = plan.markets.filter((m) => m.domestic).reduce((s, m) => s + m.tonnesByPeriod[2], 0);
    const exports = plan.markets.filter((m) => !m.domestic).reduce((s, m) => s + m.tonnesByPeriod[2], 0);
    expect(march.productionTonnes).toBeCloseTo(production, 6);
    expect(march.domesticTonnes).toBeCloseTo(domestic, 6);
    expect(march.exportTonnes).toBeCloseTo(exports, 6);
    expect(march.domesticShareOfSales).toBeCloseTo(domestic / (domestic + exports), 9);
    // A month is a part of the year, not the year.
    expect(march.productionTonnes).toBeGreaterThan(0);
    expect(march.productionTonnes).toBeLessThan(plan.kpis!.productionTonnes);
    const year = plan.horizon.periods.reduce((s, _, i) => s + monthFigures(plan, i)!.productionTonnes, 0);
    expect(year).toBeCloseTo(plan.plants.reduce((s, p) => s + p.tonnes, 0), 3);
  });

  it('has nothing to add for the whole year, an annual plan, or a month the plan does not have', () => {
    expect(monthFigures(plan, null)).toBeNull();
    expect(monthFigures(plan, plan.horizon.periods.length)).toBeNull();
    expect(monthFigures(makeFixturePlan(), 0)).toBeNull();
  });
});
