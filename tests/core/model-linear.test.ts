/**
 * The model build groups legs by their ends once; these rows must be exactly what the direct
 * definition gives (same terms, same order), on random networks and on a generated large one.
 */
import { describe, expect, it } from 'vitest';
import { buildModel, legsServingMarkets } from '../../server/core/model.ts';
import type { Network } from '../../server/core/schema.ts';
import { Scenario } from '../../server/core/schema.ts';
import { generateNetwork } from '../../server/solver/generate-network.ts';
import { randomNetwork } from './generate-network.ts';

/** The direct definition: legs from a plant-reachable place into the market or a node that reaches it. */
function naiveLegsServing(network: Network, marketId: string): string[] {
  const nodeIds = new Set(network.nodes.map((n) => n.id));
  const forward = new Set(network.plants.map((p) => p.id));
  const backward = new Set([marketId]);
  for (let changed = true; changed; ) {
    changed = false;
    for (const l of network.legs) {
      if (forward.has(l.from) && nodeIds.has(l.to) && !forward.has(l.to)) {
        forward.add(l.to);
        changed = true;
      }
      if (backward.has(l.to) && nodeIds.has(l.from) && !backward.has(l.from)) {
        backward.add(l.from);
        changed = true;
      }
    }
  }
  return network.legs.filter((l) => forward.has(l.from) && (l.to === marketId || (nodeIds.has(l.to) && backward.has(l.to)))).map((l) => l.id);
}

function check(network: Network, horizon: 'annual' | 'monthly') {
  const scenario = Scenario.parse({ name: 't', horizon: { kind: horizon }, mip: { contracts: false, seaLots: true } });
  const { model, index } = buildModel(network, scenario);
  const legsFor = legsServingMarkets(network);
  for (const m of network.markets) {
    expect((legsFor.get(m.id) ?? []).map((l) => l.id)).toEqual(naiveLegsServing(network, m.id));
  }
  const byName = new Map(model.rows.map((r) => [r.name, r]));
  for (const t of index.periods) {
    for (const plant of network.plants) {
      const expected: number[] = [];
      for (const m of network.markets) for (const l of legsFor.get(m.id) ?? []) if (l.from === plant.id) expected.push(index.flow.get(`${l.id}|${m.id}|${t.index}`)!);
      const row = byName.get(`balance:${plant.id}:${t.label}`)!;
      expect(row.terms.filter((x) => x.coef === -1 && model.variables[x.v].name.startsWith('flow:')).map((x) => x.v)).toEqual(expected);
    }
    for (const node of network.nodes) {
      const expected: number[] = [];
      for (const m of network.markets) for (const l of legsFor.get(m.id) ?? []) if (l.to === node.id) expected.push(index.flow.get(`${l.id}|${m.id}|${t.index}`)!);
      const row = byName.get(`node:${node.id}:${t.label}`);
      if (row) expect(row.terms.map((x) => x.v)).toEqual(expected);
    }
    for (const leg of network.legs) {
      const expected = network.markets.flatMap((m) => {
        const v = index.flow.get(`${leg.id}|${m.id}|${t.index}`);
        return v === undefined ? [] : [v];
      });
      const row = byName.get(`leg:${leg.id}:${t.label}`);
      if (row) expect(row.terms.map((x) => x.v)).toEqual(expected);
    }
  }
}

describe('model build in linear time', () => {
  it('balance, node and leg rows have the terms of their definition, in order (random networks)', () => {
    for (let seed = 1; seed <= 40; seed++) check(randomNetwork(seed), seed % 2 === 0 ? 'annual' : 'monthly');
  });

  it('the same on a generated network of ~20,000 variables', () => {
    check(generateNetwork(20_000, 5).network, 'annual');
  });
});
