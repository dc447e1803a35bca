/**
 * A closure bites in every horizon: a leg or node closed in all twelve months carries nothing in an
 * annual, monthly or multi-year plan, even when its capacity is unlimited. Checked on the engine's
 * plan by the independent checker and on the same model solved by GLPK.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { buildModel, type BuiltModel } from '../../server/core/model.ts';
import { optimise } from '../../server/optimise.ts';
import { networkForScenario } from '../../server/core/pipeline.ts';
import { periodCapacityTonnes, type Period } from '../../server/core/scenario.ts';
import { Scenario, type ScenarioInput } from '../../server/core/schema.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { shutdownSolverPool } from '../../server/solver/solve.ts';
import { checkPlan } from '../oracle/check-plan.ts';
import { solveWithGlpk } from '../oracle/glpk.ts';

afterAll(() => shutdownSolverPool());
const network = loadDefaultNetwork();
const ALL_MONTHS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
const BAKU_LEGS = ['sea_aktau_baku_alat', 'sea_kuryk_baku_alat'];

const horizons: Record<string, Pick<ScenarioInput, 'horizon' | 'phase'>> = {
  annual: { horizon: { kind: 'annual', year: 2029 }, phase: 2 },
  monthly: { horizon: { kind: 'monthly', year: 2029 }, phase: 2 },
  'multi-year': { horizon: { kind: 'multi-year', fromYear: 2028, toYear: 2030, phase2FromYear: 2029 }, phase: 1 },
};

function scenarioWith(h: Pick<ScenarioInput, 'horizon' | 'phase'>, overrides: ScenarioInput['overrides'] = {}) {
  return Scenario.parse({ name: 'closure', ...h, overrides });
}

/** Tonnes on a leg over the whole horizon in a solution vector, all destinations. */
function legTonnesIn(built: BuiltModel, values: readonly number[], legId: string): number {
  let total = 0;
  for (const [k, v] of built.index.flow) if (k.startsWith(`${legId}|`)) total += values[v];
  return total;
}

describe.each(Object.keys(horizons))('a full-year closure in a %s plan', (kind) => {
  const h = horizons[kind];

  it('the sea legs to Baku are used when open', async () => {
    const s = scenarioWith(h);
    const plan = await optimise(s, network, { policyCost: false });
    const baku = plan.markets.find((m) => m.id === 'baku_alat')!;
    expect(baku.tonnes).toBeGreaterThan(1000);
  });

  it('both unlimited sea legs to Baku closed all year carry 0 t (engine, checker and GLPK)', async () => {
    const closed = Object.fromEntries(BAKU_LEGS.map((id) => [id, { closedMonths: ALL_MONTHS }]));
    const s = scenarioWith(h, { legs: closed });
    const net = networkForScenario(s, network);
    for (const id of BAKU_LEGS) expect(net.legs.find((l) => l.id === id)!.capacityTonnesPerYear).toBeUndefined();

    const plan = await optimise(s, network, { policyCost: false });
    expect(plan.status).toBe('optimal');
    for (const id of BAKU_LEGS) {
      const leg = plan.legs.find((l) => l.id === id)!;
      expect(leg.tonnes).toBe(0);
      expect(leg.capacityTonnes).toBe(0);
      expect(leg.closedPeriods).toEqual(plan.horizon.periods.map((_, i) => i));
    }
    const baku = plan.markets.find((m) => m.id === 'baku_alat')!;
    expect(baku.tonnes).toBe(0);
    // No price serves a market whose every route is closed: no price gap.
    expect(baku.demandTonnes).toBeGreaterThan(0);
    expect(baku.priceGapUsdPerTonne).toBeNull();
    expect(checkPlan(plan, s, network).violations).toEqual([]);

    const built = buildModel(net, s);
    const oracle = await solveWithGlpk(built.model);
    expect(oracle.status).toBe('optimal');
    if (oracle.status !== 'optimal') return;
    for (const id of BAKU_LEGS) expect(legTonnesIn(built, oracle.values, id)).toBeCloseTo(0, 6);
    expect(Math.abs(plan.objectiveValue! - oracle.objective) / Math.abs(oracle.objective)).toBeLessThan(1e-6);
  });

  it('Aktau port made unlimited and closed all year handles 0 t (engine, checker and GLPK)', async () => {
    const s = scenarioWith(h, { nodes: { port_aktau: { throughputTonnesPerYear: null, closedMonths: ALL_MONTHS } } });
    const net = networkForScenario(s, network);
    expect(net.nodes.find((n) => n.id === 'port_aktau')!.throughputTonnesPerYear).toBeUndefined();
    const plan = await optimise(s, network, { policyCost: false });
    expect(plan.status).toBe('optimal');
    const port = plan.nodes.find((n) => n.id === 'port_aktau')!;
    expect(port.tonnes).toBe(0);
    expect(port.capacityTonnes).toBe(0);
    for (const leg of net.legs.filter((l) => l.to === 'port_aktau' || l.from === 'port_aktau'))
      expect(plan.legs.find((l) => l.id === leg.id)!.tonnes).toBe(0);
    expect(checkPlan(plan, s, network).violations).toEqual([]);

    const built = buildModel(net, s);
    const oracle = await solveWithGlpk(built.model);
    expect(oracle.status).toBe('optimal');
    if (oracle.status !== 'optimal') return;
    const intoPort = net.legs.filter((l) => l.to === 'port_aktau').reduce((sum, l) => sum + legTonnesIn(built, oracle.values, l.id), 0);
    expect(intoPort).toBeCloseTo(0, 6);
  });
});

describe('what a partial closure means in an annual period', () => {
  const year: Period = { index: 0, label: '2029', year: 2029, month: null, yearFraction: 1, phase: 1 };
  it('an unlimited leg open in at least one month stays unlimited; closed in all twelve it is 0', () => {
    expect(periodCapacityTonnes(undefined, [12, 1, 2, 3], year)).toBeNull();
    expect(periodCapacityTonnes(undefined, ALL_MONTHS.slice(1), year)).toBeNull();
    expect(periodCapacityTonnes(undefined, ALL_MONTHS, year)).toBe(0);
  });
  it('a capacitated leg keeps the share of its open months', () => {
    expect(periodCapacityTonnes(1_200_000, [12, 1, 2, 3], year)).toBeCloseTo(800_000, 6);
    expect(periodCapacityTonnes(1_200_000, ALL_MONTHS, year)).toBe(0);
  });
});

describe('the independent checker catches a plan that ships through a year-round closure', () => {
  it('flags tonnes on a leg closed all year in an annual plan', async () => {
    const open = scenarioWith(horizons.annual);
    const plan = await optimise(open, network, { policyCost: false });
    const used = plan.legs.find((l) => BAKU_LEGS.includes(l.id) && l.tonnes > 0)!;
    const closed = scenarioWith(horizons.annual, { legs: { [used.id]: { closedMonths: ALL_MONTHS } } });
    expect(checkPlan(plan, closed, network).violations.some((v) => v.includes(`leg ${used.id}`) && v.includes('closed all year'))).toBe(true);
  });
});
