/**
 * Sensitivity ranges against re-solving: just inside a reported range the plan keeps its structure
 * (the same tiers, routes and binding limits as just beside the current value), and just outside
 * it the structure changes — checked for every parameter the plan uses in the phase 1 plan. In
 * the phase 2 plan (the 50 % rule binds, the vertex is degenerate) the inside check holds for
 * every parameter; a basis can change there without the plan changing, so outside is not checked.
 * A binding limit's value is checked by the margin itself: one unit more, one unit less, and the
 * chord to the range's end.
 */
import { describe, expect, it } from 'vitest';
import { sensitivity, type ParameterRange } from '../../server/analysis/sensitivity.ts';
import { buildModel } from '../../server/core/model.ts';
import { solveModelInProcess } from '../../server/solver/inProcess.ts';
import { defaultNetwork, networkWith, standardScenario, structureAt } from './helpers.ts';
import { degenerateInput } from '../support/degenerate.ts';
import { scenario as tinyScenario, tinyNetwork } from '../core/fixtures.ts';

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

describe('an unsold tier’s price gap, by re-solving', () => {
  /** Tonnes sold at one price tier when its price is `price`, the rest of the plan as it is. */
  async function tierSales(scenario: ReturnType<typeof standardScenario>, item: ParameterRange, price: number): Promise<number> {
    const built = buildModel(networkWith(scenario, defaultNetwork(), item, price), scenario);
    const r = await solveModelInProcess(built.model, { engine: 'highs', timeLimitMs: 10_000 });
    if (r.status !== 'optimal') throw new Error(`${item.parameter} at ${price}: ${r.status}`);
    const [, market, tier] = item.parameter.split(':');
    const prefix = `sale:${market}:${tier}:`;
    return built.model.variables.reduce((sum, v, j) => (v.name.startsWith(prefix) ? sum + r.values[j]! : sum), 0);
  }

  it.each(['phase1-annual', 'phase2-annual'])('%s: every unsold tier sells just above its gap and not just below it', async (file) => {
    const scenario = standardScenario(file);
    const report = await sensitivity(scenario, defaultNetwork());
    const unsold = report.parameters.filter((p): p is ParameterRange => p.kind === 'price' && p.tonnes === 0 && p.priceGapUsdPerTonne !== null);
    expect(unsold.length).toBeGreaterThan(5);
    const wrong: string[] = [];
    for (const item of unsold) {
      const gap = item.priceGapUsdPerTonne!;
      if ((await tierSales(scenario, item, item.current + gap + 0.02)) <= 1e-6) wrong.push(`${item.parameter}: nothing sells at +${gap} + 0.02`);
      if (gap > 0.02 && (await tierSales(scenario, item, item.current + gap - 0.02)) > 1e-6) wrong.push(`${item.parameter}: sells already at +${gap} − 0.02`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('a binding limit’s value, by re-solving', () => {
  const LIMITS = new Set(['plant-capacity', 'leg-capacity', 'node-capacity', 'demand']);
  it('one unit more adds the marginal value all through the range; one unit less costs the value below (where a degenerate plan has a kink), else the same', async () => {
    const network = defaultNetwork();
    for (const file of ['phase1-annual', 'phase2-annual', 'phase2-degenerate']) {
      // Phase 2 made degenerate on purpose (tests/support/degenerate.ts): the shipped one is not.
      const scenario = file === 'phase2-degenerate' ? standardScenario('phase2-annual', { overrides: degenerateInput({ overrides: {} }).overrides }) : standardScenario(file);
      const report = await sensitivity(scenario, network, { curvePoints: 2 });
      const marginAt = async (item: ParameterRange, value: number) => {
        const built = buildModel(networkWith(scenario, network, item, value), scenario);
        const r = await solveModelInProcess(built.model, { engine: 'highs', timeLimitMs: 10_000 });
        if (r.status !== 'optimal') throw new Error(`${item.parameter} at ${value}: ${r.status}`);
        return r.objective;
      };
      const wrong: string[] = [];
      let kinks = 0;
      const binding = report.parameters.filter((p) => LIMITS.has(p.kind) && p.explanation.includes(' binds at '));
      expect(binding.length).toBeGreaterThan(5);
      for (const item of binding) {
        const step = Math.max(100, 1e-3 * item.current);
        const here = await marginAt(item, item.current);
        const close = (a: number, b: number) => Math.abs(a - b) <= 0.02 + 1e-4 * Math.abs(b);
        const up = ((await marginAt(item, item.current + step)) - here) / step;
        if (!close(up, item.marginalValueUsd)) wrong.push(`${file} ${item.parameter}: one more is worth ${up}, reported ${item.marginalValueUsd}`);
        if (item.current - step >= 0) {
          const down = (here - (await marginAt(item, item.current - step))) / step;
          const reported = item.marginalValueBelowUsd ?? item.marginalValueUsd;
          if (!close(down, reported)) wrong.push(`${file} ${item.parameter}: one less costs ${down}, reported ${reported}`);
        }
        if (item.marginalValueBelowUsd !== null) kinks++;
        // Where the reported value holds: all the way to the range's upper end.
        if (item.high !== null && item.high > item.current + step) {
          const chord = ((await marginAt(item, item.high)) - here) / (item.high - item.current);
          if (!close(chord, item.marginalValueUsd)) wrong.push(`${file} ${item.parameter}: ${chord} per unit up to ${item.high}, reported ${item.marginalValueUsd}`);
        }
      }
      expect(wrong).toEqual([]);
      // The degenerate plan (the plant full, the rule binding, tiers exactly full) has kinks.
      if (file === 'phase2-degenerate') expect(kinks).toBeGreaterThan(3);
    }
  });
});

describe('price ranges with a specific duty', () => {
  it('map through the ad-valorem share only: a duty per tonne shifts the coefficient, not its slope', async () => {
    // Home nets 60 − 5 − 10 = 45 on 80 t; export at 50 USD/t behind 20 % + 5 USD/t nets
    // 50·0.8 − 5 − 20 = 15 on the last 20 t (capacity 100). The export price keeps this plan while
    // 0 ≤ 0.8·p − 25 ≤ 45: p in [31.25, 87.5]. Each USD/t more earns 0.8 × 20 t = 16 USD.
    const network = tinyNetwork({ exportDutyPct: 20, exportDutyUsdPerTonne: 5 });
    const report = await sensitivity(tinyScenario({ policy: { domesticShare: 0, basis: 'sales' } }), network);
    expect(report.status).toBe('optimal');
    const price = report.parameters.find((p) => p.parameter === 'price:exp:1')!;
    expect(price.tonnes).toBeCloseTo(20, 6);
    expect(price.low).toBeCloseTo(31.25, 6);
    expect(price.high).toBeCloseTo(87.5, 6);
    expect(price.marginalValueUsd).toBeCloseTo(16, 6);
  });

  it('give an unsold tier its price gap net of the specific duty', async () => {
    // Capacity 70 t, all home (35 USD/t). Export at 40 USD/t behind 20 % + 5 USD/t: selling pays once
    // 0.8·p − 25 ≥ 35, p ≥ 75, a gap of 35 USD/t (the plan's own price gap says the same).
    const network = tinyNetwork({ capacity: 70, exportPrice: 40, domesticPrice: 50, exportDutyPct: 20, exportDutyUsdPerTonne: 5 });
    const report = await sensitivity(tinyScenario({ policy: { domesticShare: 0, basis: 'sales' } }), network);
    const price = report.parameters.find((p) => p.parameter === 'price:exp:1')!;
    expect(price.tonnes).toBe(0);
    expect(price.high).toBeCloseTo(75, 6);
    expect(price.priceGapUsdPerTonne).toBeCloseTo(35, 6);
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
