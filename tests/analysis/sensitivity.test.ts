/**
 * Sensitivity ranges against re-solving: just inside a reported range the plan keeps its structure
 * (the same tiers, routes and binding limits as just beside the current value), and just outside
 * it the structure changes — checked for every parameter the plan uses in the phase 1 plan. In
 * the phase 2 plan (the 50 % rule binds, the vertex is degenerate) the inside check holds for
 * every parameter; a basis can change there without the plan changing, so outside is not checked.
 */
import { describe, expect, it } from 'vitest';
import { sensitivity, type ParameterRange } from '../../server/analysis/sensitivity.ts';
import { defaultNetwork, standardScenario, structureAt } from './helpers.ts';

async function checkRanges(file: string, checkOutside: boolean) {
  const network = defaultNetwork();
  const scenario = standardScenario(file);
  const report = await sensitivity(scenario, network);
  expect(report.status).toBe('optimal');
  const disagreements: string[] = [];
  let inside = 0;
  let outside = 0;
  for (const item of report.parameters) {
    if (item.kind === 'domestic-share') continue;
    for (const [end, dir] of [[item.low, -1], [item.high, 1]] as const) {
      if (end === null || Math.abs(end - item.current) < 1e-9) continue;
      const step = Math.max(1e-6, 1e-3 * Math.abs(end - item.current));
      const near = await structureAt(scenario, network, item, item.current + dir * step);
      const justInside = await structureAt(scenario, network, item, end - dir * step);
      inside++;
      if (justInside !== near) disagreements.push(`${item.parameter}: the structure changes inside [${item.low}, ${item.high}]`);
      if (!checkOutside || item.tonnes <= 0 || (end === 0 && dir === -1)) continue;
      const justOutside = await structureAt(scenario, network, item, end + dir * step);
      outside++;
      if (justOutside === justInside) disagreements.push(`${item.parameter}: the structure does not change beyond ${end}`);
    }
  }
  return { report, disagreements, inside, outside };
}

describe('sensitivity ranges agree with re-solving', () => {
  it('phase 1: inside every range the plan keeps its shape, just outside it changes', async () => {
    const { disagreements, inside, outside } = await checkRanges('phase1-annual', true);
    expect(disagreements).toEqual([]);
    expect(inside).toBeGreaterThan(100);
    expect(outside).toBeGreaterThan(30);
  });

  it('phase 2: inside every range the plan keeps its shape', async () => {
    const { disagreements, inside } = await checkRanges('phase2-annual', false);
    expect(disagreements).toEqual([]);
    expect(inside).toBeGreaterThan(100);
  });
});

describe('the sensitivity report reads like the plan', () => {
  it('prices move margin by the tonnes sold, freight by the tonnes carried, capacity by its shadow price', async () => {
    const report = await sensitivity(standardScenario('phase1-annual'), defaultNetwork());
    const byKey = new Map(report.parameters.map((p) => [p.parameter, p]));
    const atyrau = byKey.get('price:atyrau:1')!;
    expect(atyrau.marginalValueUsd).toBeCloseTo(atyrau.tonnes, 3);
    const plant = report.parameters.find((p) => p.kind === 'plant-capacity')!;
    expect(plant.unit).toBe('t/yr');
    expect(plant.marginalValueUsd).toBeGreaterThan(0);
    expect(plant.low).toBeLessThanOrEqual(plant.current);
    const usedLeg = report.parameters.find((p) => p.kind === 'freight' && p.tonnes > 0)!;
    expect(usedLeg.marginalValueUsd).toBeCloseTo(-usedLeg.tonnes, 3);
    const unsold = report.parameters.find((p): p is ParameterRange => p.kind === 'price' && p.tonnes === 0 && (p.priceGapUsdPerTonne ?? 0) > 0)!;
    expect(unsold.explanation).toMatch(/needs \+/);
    expect(unsold.high).toBeCloseTo(unsold.current + unsold.priceGapUsdPerTonne!, 2);
  });

  it('the 50 % rule does not bind in phase 1 and binds in phase 2, with a price per percentage point', async () => {
    const p1 = await sensitivity(standardScenario('phase1-annual'), defaultNetwork());
    const share1 = p1.parameters.find((p) => p.kind === 'domestic-share')!;
    expect(share1.marginalValueUsd).toBe(0);
    expect(share1.high).toBeGreaterThan(0.5);
    const p2 = await sensitivity(standardScenario('phase2-annual'), defaultNetwork());
    const share2 = p2.parameters.find((p) => p.kind === 'domestic-share')!;
    expect(share2.marginalValueUsd).toBeLessThan(0);
    expect(share2.low).toBeLessThanOrEqual(0.5);
    expect(share2.high).toBeGreaterThanOrEqual(0.5);
    expect(share2.explanation).toMatch(/binds/);
  });

  it('the share curve runs from 0.5 to 1.0 and margin never rises with the share', async () => {
    const report = await sensitivity(standardScenario('phase2-annual'), defaultNetwork());
    expect(report.shareCurve).toHaveLength(11);
    expect(report.shareCurve[0].domesticShare).toBe(0.5);
    expect(report.shareCurve[10].domesticShare).toBe(1);
    for (let i = 1; i < report.shareCurve.length; i++) {
      expect(report.shareCurve[i].status).toBe('optimal');
      expect(report.shareCurve[i].marginUsd!).toBeLessThanOrEqual(report.shareCurve[i - 1].marginUsd! + 1e-3);
    }
    expect(report.shareCurve[10].exportTonnes).toBeCloseTo(0, 3);
  });
});
