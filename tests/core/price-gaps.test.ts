/**
 * The price gap of an unserved market is the true threshold, not only the dual lower bound: for
 * every unserved market of every shipped scenario, a re-solve with every tier of that market
 * 0.02 USD/t below the gap (overrides.markets[id].priceShiftUsdPerTonne) leaves it out, and one
 * 0.02 USD/t above serves it.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { optimise } from '../../server/optimise.ts';
import { SERVED_TONNES } from '../../server/core/pipeline.ts';
import { Scenario } from '../../server/core/schema.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { shutdownSolverPool } from '../../server/solver/solve.ts';
import { scenarioFiles } from '../support/scenario-files.ts';
import { degenerateInput } from '../support/degenerate.ts';

afterAll(() => shutdownSolverPool());
const network = loadDefaultNetwork();
const dir = new URL('../../data/scenarios/', import.meta.url);
// Price gaps belong to the price-taker mode: in the clearing mode prices are set by the market
// (tests/clearing covers those scenarios).
const files = scenarioFiles('price-taker');

describe.each(files)('price gaps in %s', (file) => {
  const input = JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
  const base = Scenario.parse(input);
  const isMip = base.mip.contracts || base.mip.seaLots;

  it(isMip ? 'a mixed-integer plan has no duals, so no price gap' : 'hold on re-solving 0.02 USD/t either side', async () => {
    const plan = await optimise(base, network);
    expect(plan.status).toBe('optimal');
    const unserved = plan.markets.filter((m) => m.tonnes === 0 && m.demandTonnes > 0);
    expect(unserved.length).toBeGreaterThan(0);
    if (isMip) {
      for (const m of unserved) expect(m.priceGapUsdPerTonne).toBeNull();
      return;
    }
    const withGap = unserved.filter((m) => m.priceGapUsdPerTonne !== null);
    expect(withGap.length).toBe(unserved.length);
    const engine = plan.solver.engine === 'jsLpSolver' ? 'jsLpSolver' : 'highs';
    const at = async (marketId: string, shiftUsdPerTonne: number) => {
      const s = Scenario.parse({ ...input, overrides: { ...input.overrides, markets: { ...input.overrides?.markets, [marketId]: { priceShiftUsdPerTonne: shiftUsdPerTonne } } } });
      const p = await optimise(s, network, { engine, policyCost: false, exactPriceGaps: false, wantSensitivity: false });
      expect(p.status).toBe('optimal');
      return p.markets.find((m) => m.id === marketId)!.tonnes;
    };
    for (const m of withGap) {
      const gap = m.priceGapUsdPerTonne!;
      expect({ market: m.id, tonnes: await at(m.id, gap - 0.02) }).toEqual({ market: m.id, tonnes: 0 });
      const above = await at(m.id, gap + 0.02);
      expect({ market: m.id, served: above > SERVED_TONNES }).toEqual({ market: m.id, served: true });
    }
  });
});

describe('at a degenerate optimum the gap is the true threshold, not the dual lower bound', () => {
  it('shipped phase 2: Kostanay needs +7.13 USD/t', async () => {
    const s = Scenario.parse(JSON.parse(readFileSync(new URL('phase2-annual.json', dir), 'utf8')));
    const exact = await optimise(s, network, { policyCost: false });
    expect(exact.markets.find((m) => m.id === 'kostanay')!.priceGapUsdPerTonne).toBeCloseTo(7.13, 2);
  });

  it('phase 2 made degenerate (the plant full, the rule binding, Atyrau tiers exactly full): the gap is above the dual lower bound, and re-solving confirms it', async () => {
    const input = degenerateInput(JSON.parse(readFileSync(new URL('phase2-annual.json', dir), 'utf8')));
    const s = Scenario.parse(input);
    const exact = await optimise(s, network, { policyCost: false });
    const bound = await optimise(s, network, { policyCost: false, exactPriceGaps: false });
    const gap = (p: typeof exact, id: string) => p.markets.find((m) => m.id === id)!.priceGapUsdPerTonne!;
    expect(gap(exact, 'kostanay') - gap(bound, 'kostanay')).toBeGreaterThan(0.8);
    for (const m of exact.markets.filter((x) => x.priceGapUsdPerTonne !== null))
      expect(m.priceGapUsdPerTonne!).toBeGreaterThanOrEqual(gap(bound, m.id) - 1e-9);
    // The reported gap, not the bound, is where Kostanay starts to be served.
    const at = async (shift: number) => {
      const shifted = Scenario.parse({ ...input, overrides: { ...input.overrides, markets: { ...input.overrides.markets, kostanay: { priceShiftUsdPerTonne: shift } } } });
      return (await optimise(shifted, network, { policyCost: false, exactPriceGaps: false, wantSensitivity: false })).markets.find((m) => m.id === 'kostanay')!.tonnes;
    };
    expect(await at(gap(exact, 'kostanay') - 0.02)).toBe(0);
    expect(await at(gap(bound, 'kostanay') + 0.02)).toBe(0);
    expect(await at(gap(exact, 'kostanay') + 0.02)).toBeGreaterThan(SERVED_TONNES);
  });
});
