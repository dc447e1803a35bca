/**
 * Guards the calibration of the default network (see data/README.md): with one plant and no binding
 * leg or node capacity, the annual margin-maximising plan is a greedy fill of price tiers in order of
 * netback (price − duty − cheapest delivered cost − variable cost). These checks use that greedy
 * fill, not the LP engine, so they test the data alone.
 */
import { describe, expect, it } from 'vitest';
import { loadDefaultNetwork } from '../../server/data/load.ts';

const net = loadDefaultNetwork();
const plant = net.plants[0];
const handling = new Map(net.nodes.map((n) => [n.id, n.handlingUsdPerTonne]));

/** Cheapest delivered cost USD/t from the plant to every reachable id (Bellman-Ford, open legs). */
function cheapest(): Map<string, number> {
  const cost = new Map<string, number>([[plant.id, 0]]);
  for (let i = 0; i < net.legs.length; i++) {
    let changed = false;
    for (const l of net.legs) {
      const c0 = cost.get(l.from);
      if (c0 === undefined) continue;
      const c = c0 + l.fixedUsdPerTonne + l.usdPerTonneKm * (l.distanceKm ?? 0) + (handling.get(l.to) ?? 0);
      if (c < (cost.get(l.to) ?? Infinity)) {
        cost.set(l.to, c);
        changed = true;
      }
    }
    if (!changed) break;
  }
  return cost;
}
const cost = cheapest();

function netbacks(phase: number) {
  return net.markets
    .filter((m) => m.openFromPhase <= phase)
    .flatMap((m) =>
      m.tiers.map((t) => ({
        market: m.id,
        domestic: m.domestic,
        tonnes: t.tonnesPerYear,
        netback: t.priceUsdPerTonne * (1 - m.dutyPct / 100) - m.dutyUsdPerTonne - (cost.get(m.id) ?? Infinity) - plant.variableCostUsdPerTonne,
      })),
    )
    .sort((a, b) => b.netback - a.netback);
}

/** Greedy plan without the domestic rule. */
function greedy(phase: number) {
  let left = plant.capacityTonnesPerYearByPhase[phase - 1];
  let dom = 0;
  let exp = 0;
  const served = new Set<string>();
  for (const t of netbacks(phase)) {
    if (t.netback <= 0 || left <= 0) break;
    const q = Math.min(left, t.tonnes);
    left -= q;
    if (t.domestic) dom += q;
    else exp += q;
    served.add(t.market);
  }
  return { dom, exp, share: dom / (dom + exp), served };
}

describe('calibration of the default network', () => {
  it('phase 1 sells mostly in Kazakhstan (the 50 % rule does not bind) with some exports', () => {
    const g = greedy(1);
    expect(g.share).toBeGreaterThan(0.6);
    expect(g.exp).toBeGreaterThan(0);
    expect(g.dom + g.exp).toBeCloseTo(plant.capacityTonnesPerYearByPhase[0], -3);
    for (const m of ['atyrau', 'aktobe', 'uralsk', 'aktau', 'astrakhan']) expect(g.served.has(m), m).toBe(true);
  });

  it('phase 2 runs out of good domestic volume: without the rule exports would exceed half', () => {
    const g = greedy(2);
    expect(g.share).toBeLessThan(0.5);
    expect(g.share).toBeGreaterThan(0.35);
  });

  it('keeps the surplus / protected markets unattractive (Iran, Uzbekistan, Turkmenistan, far south-east Kazakhstan)', () => {
    const worst = new Map<string, number>();
    for (const t of netbacks(2)) worst.set(t.market, Math.max(worst.get(t.market) ?? -Infinity, t.netback));
    for (const m of ['anzali', 'amirabad', 'nowshahr', 'astara_ir', 'tashkent', 'turkmenbashi', 'almaty', 'shymkent']) {
      expect(worst.get(m), m).toBeLessThan(0);
    }
  });
});
