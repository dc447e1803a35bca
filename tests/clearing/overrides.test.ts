/** Scenario levers on the whole market (clearing mode), applied by the effective network. */
import { describe, expect, it } from 'vitest';
import { effectiveNetwork } from '../../server/core/scenario.ts';
import { scenario } from '../core/fixtures.ts';
import { handNetwork } from './fixtures.ts';

describe('whole-market overrides', () => {
  it("the scenario's consumption multiplier and a market's demand multiplier both scale its consumption; price multipliers its blocks' values", () => {
    const net = handNetwork();
    const s = scenario({ market: 'clearing', overrides: { consumptionMultiplier: 2, domesticPriceMultiplier: 1.1, markets: { a: { demandMultiplier: 1.5, priceMultiplier: 2 } } } });
    const eff = effectiveNetwork(s, net);
    const a = eff.markets.find((m) => m.id === 'a')!;
    const d = eff.markets.find((m) => m.id === 'd')!;
    expect(a.demand!.consumptionTonnesByYear['2027']).toBeCloseTo(120 * 1.5 * 2, 9);
    expect(d.demand!.consumptionTonnesByYear['2027']).toBeCloseTo(100 * 2, 9);
    expect(a.demand!.blocks.map((b) => b.value.value)).toEqual([100 * 1.1 * 2, 30 * 1.1 * 2].map((x) => expect.closeTo(x, 9)));
    // An export market takes the export multiplier (1 here): its values stay.
    expect(d.demand!.blocks.map((b) => b.value.value)).toEqual([80, 45]);
  });
});
