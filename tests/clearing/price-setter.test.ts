/**
 * Who sets a clearing price when several competitors sell there at an offer equal to it
 * (docs/market-clearing.md, "Who sets the price", rule 1): one with spare capacity first; a full one
 * only when none has room, and then only because its capacity earns no rent, which the re-solves
 * confirm (one tonne more or less of its capacity moves neither the price nor the welfare). On the
 * shipped price-war scenario, where Shymkentcement and Standard Cement sell all their capacity.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../server/core/plan-schema.ts';
import { Scenario, type ScenarioInput } from '../../server/core/schema.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { optimise } from '../../server/optimise.ts';

const network = loadDefaultNetwork();
const priceWar = JSON.parse(readFileSync(new URL('../../data/scenarios/price-war.json', import.meta.url), 'utf8')) as ScenarioInput;

async function plan(input: ScenarioInput): Promise<Plan & { clearing: NonNullable<Plan['clearing']> }> {
  const p = await optimise(Scenario.parse(input), network, { inProcess: true, ranges: true, competitorImpact: false });
  expect(p.status).toBe('optimal');
  if (!p.clearing) throw new Error('not a clearing plan');
  return p as Plan & { clearing: NonNullable<Plan['clearing']> };
}

const withCapacity = (id: string, tonnes: number): ScenarioInput => ({
  ...priceWar,
  overrides: { ...priceWar.overrides, suppliers: { [id]: { capacityTonnesPerYear: { '2027': tonnes } } } },
});

let war: Awaited<ReturnType<typeof plan>>;
beforeAll(async () => {
  war = await plan(priceWar);
});

/** The competitors selling in a market at an offer equal to its price, with no capacity rent. */
function atPrice(p: typeof war, marketId: string) {
  const m = p.clearing.markets.find((x) => x.id === marketId)!;
  return p.clearing.competitors.filter((c) => {
    const sale = c.markets.find((x) => x.market === marketId);
    return sale && sale.tonnes > 0 && Math.abs(sale.deliveredCostUsdPerTonneByPeriod[0]! - m.priceUsdPerTonne) <= 1e-3 * Math.max(1, m.priceUsdPerTonne) && c.rentUsdPerTonne <= 1e-4;
  });
}

describe('the competitor that sets a clearing price', () => {
  it('is one with spare capacity where one sells at the price beside a full one', () => {
    let mixed = 0;
    for (const m of war.clearing.markets) {
      if (m.marginalSupplier?.kind !== 'competitor') continue;
      const candidates = atPrice(war, m.id);
      const named = war.clearing.competitors.find((c) => c.id === m.marginalSupplier!.id)!;
      expect(candidates.map((c) => c.id), m.id).toContain(named.id);
      const spare = candidates.filter((c) => c.utilisation !== null && c.utilisation < 1);
      if (spare.length && spare.length < candidates.length) mixed += 1;
      if (spare.length) expect(named.utilisation, `${m.id}: ${named.id} is full though ${spare.map((c) => c.id).join(', ')} has room`).toBeLessThan(1);
    }
    // Turkestan: Standard Cement (full) and the other south-Kazakh plants (with room) both sell at the price.
    expect(mixed).toBeGreaterThan(0);
    expect(war.clearing.markets.find((m) => m.id === 'turkestan')!.marginalSupplier).toMatchObject({ kind: 'competitor', id: 'kz_south_other' });
  });

  it('is a full one only when none has room, and then one more or less tonne of its capacity moves neither the price nor the welfare', async () => {
    const shymkent = war.clearing.markets.find((m) => m.id === 'shymkent')!;
    const named = war.clearing.competitors.find((c) => c.id === shymkent.marginalSupplier?.id)!;
    expect(named.id).toBe('shymkentcement');
    expect(named.utilisation).toBe(1);
    expect(atPrice(war, 'shymkent').every((c) => c.utilisation === 1)).toBe(true);
    // The price is its offer in every equilibrium: the plan finds no range.
    expect(shymkent.priceRangeUsdPerTonne).toBeNull();
    const sold = named.tonnes;
    for (const tonnes of [sold - 1000, sold + 1000]) {
      const p = await plan(withCapacity(named.id, tonnes));
      expect(p.clearing.competitors.find((c) => c.id === named.id)!.utilisation).toBe(1);
      expect(p.clearing.markets.find((m) => m.id === 'shymkent')!.priceUsdPerTonne).toBeCloseTo(shymkent.priceUsdPerTonne, 4);
      expect(p.clearing.welfareUsd).toBeCloseTo(war.clearing.welfareUsd, 0);
    }
  });
});
