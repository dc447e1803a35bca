import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { areaRadiusScale, flowWidthScale, legendSteps, maxLegTonnes, tonnesIn } from '../../web/src/lib/scales.ts';
import { makeFixturePlan } from './fixtures/plan-fixture.ts';

describe('line widths and circle sizes', () => {
  it('makes width grow with the square root of tonnes, with a visible minimum and a cap', () => {
    const w = flowWidthScale(1_000_000, 1.5, 16);
    expect(w(1_000_000)).toBe(16);
    expect(w(250_000)).toBeCloseTo(8, 9);
    expect(w(1)).toBe(1.5);
    expect(w(0)).toBe(0);
    expect(w(2_000_000)).toBe(16);
  });

  it('keeps small flows apart: 50 kt and 200 kt of a 1 Mt maximum differ by more than 2 px', () => {
    const w = flowWidthScale(1_000_000, 1.5, 14);
    expect(w(50_000)).toBeGreaterThan(1.5);
    expect(w(200_000) - w(50_000)).toBeGreaterThan(2);
  });

  it('never makes more tonnes thinner', () => {
    fc.assert(
      fc.property(fc.double({ min: 1, max: 1e7, noNaN: true }), fc.double({ min: 0, max: 1e7, noNaN: true }), fc.double({ min: 0, max: 1e7, noNaN: true }), (max, a, b) => {
        const w = flowWidthScale(max);
        return a <= b ? w(a) <= w(b) : w(a) >= w(b);
      }),
    );
  });

  it('makes circle area, not radius, proportional to tonnes', () => {
    const r = areaRadiusScale(1_000_000, 20, 0.1);
    const area = (t: number) => Math.PI * r(t) ** 2;
    expect(area(250_000) / area(1_000_000)).toBeCloseTo(0.25, 6);
  });

  it('uses one scale for every month of a monthly plan', () => {
    const plan = makeFixturePlan({ monthly: true });
    const perMonth = maxLegTonnes(plan, 'period');
    const annual = maxLegTonnes(plan, 'total');
    const busiest = Math.max(...plan.legs.flatMap((l) => l.tonnesByPeriod));
    expect(perMonth).toBe(busiest);
    expect(annual).toBeGreaterThan(perMonth);
    // The same tonnes give the same width in any month: the scale does not depend on the month.
    const w = flowWidthScale(perMonth);
    const leg = plan.legs.find((l) => l.tonnes > 0)!;
    expect(w(tonnesIn(leg, 0))).toBeLessThan(w(tonnesIn(leg, 6)));
  });

  it('picks round legend steps under the maximum', () => {
    expect(legendSteps(1_300_000, 3)).toEqual([1_000_000, 200_000, 50_000]);
    expect(legendSteps(450_000, 2)).toEqual([200_000, 50_000]);
    expect(legendSteps(0)).toEqual([]);
  });

  it('a map with no flows has no width samples (not "1 t / 0 t / 0 t")', () => {
    for (const none of [0, Number.NaN]) {
      const scale = flowWidthScale(none);
      expect(scale.maxTonnes).toBe(0);
      expect(legendSteps(scale.maxTonnes, 3)).toEqual([]);
      expect(scale(0)).toBe(0);
    }
    expect(flowWidthScale(450_000).maxTonnes).toBe(450_000);
  });
});
