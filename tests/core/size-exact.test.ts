/**
 * The model-size count, set against the model `buildModel` makes: exact in every mode and horizon,
 * with competitors and demand blocks (clearing), bagged tonnes chosen per plant and market, sea lots
 * and contracts. A count that misses a family lets a model over the service's cap be built.
 */
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../server/core/model.ts';
import { networkForScenario } from '../../server/core/pipeline.ts';
import { Network, type Scenario } from '../../server/core/schema.ts';
import { estimateModelSize } from '../../server/core/size.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { generateNetwork } from '../../server/solver/generate-network.ts';
import { scenario } from './fixtures.ts';

const built = (s: Scenario, network: Network) => buildModel(network, s).model.variables.length;

/** Bagging a decision in every other market (a share range), in a network with several plants. */
function withBaggingChosen(network: Network): Network {
  return Network.parse({ ...network, markets: network.markets.map((m, i) => (i % 2 === 0 ? { ...m, baggedShareRange: { min: 0.1, max: 0.9 } } : m)) });
}

/** Twenty demand blocks in every market and a second route per supplier into one more market. */
function withManyBlocksAndRoutes(network: Network): Network {
  const blocks = Array.from({ length: 20 }, (_, k) => ({ share: 1 / 20, value: { value: 150 - k * 5, currency: 'USD' as const } }));
  const first = network.markets.find((m) => m.demand)!;
  return Network.parse({
    ...network,
    markets: network.markets.map((m) => (m.demand ? { ...m, demand: { ...m.demand, blocks } } : m)),
    suppliers: network.suppliers.map((s) => ({ ...s, routes: [...s.routes, { ...s.routes[0]!, market: first.id }] })),
  });
}

const scenarios: [string, Scenario][] = [];
for (const market of ['price-taker', 'clearing'] as const) {
  scenarios.push([`${market}, annual`, scenario({ market })]);
  scenarios.push([`${market}, annual, phase 2, contracts and sea lots`, scenario({ market, phase: 2, mip: { contracts: true, seaLots: true } })]);
  scenarios.push([`${market}, monthly`, scenario({ market, horizon: { kind: 'monthly', year: 2027 } })]);
  scenarios.push([`${market}, monthly, sea lots`, scenario({ market, horizon: { kind: 'monthly', year: 2027 }, mip: { contracts: false, seaLots: true } })]);
}

describe('the model-size count against the built model', () => {
  const networks: [string, () => Network][] = [
    ['default network', loadDefaultNetwork],
    ['default network, bagging chosen', () => withBaggingChosen(loadDefaultNetwork())],
    ['default network, 20 demand blocks and extra supplier routes', () => withManyBlocksAndRoutes(loadDefaultNetwork())],
    ['generated network, 3 plants, bagging chosen', () => withBaggingChosen(generateNetwork(3_000, 2).network)],
  ];
  for (const [name, make] of networks) {
    for (const [label, s] of scenarios) {
      it(`${name}, ${label}: the count is the built model's variables`, () => {
        // Counted from the network as sent, as the service counts it; built from it with the overrides applied.
        const sent = make();
        const variables = built(s, networkForScenario(s, sent));
        expect(variables).toBeGreaterThan(0);
        expect(estimateModelSize(s, sent).variables).toBe(variables);
        // Under a cap just below, over; at the count, not.
        expect(estimateModelSize(s, structuredClone(sent), variables - 1).overCap).toBe(true);
        expect(estimateModelSize(s, structuredClone(sent), variables)).toEqual({ variables, overCap: false });
      });
    }
  }

  it('the clearing families are counted: 20 blocks and the extra routes make the model larger, and the count follows', () => {
    const s = scenario({ market: 'clearing' });
    const plain = loadDefaultNetwork();
    const many = withManyBlocksAndRoutes(loadDefaultNetwork());
    const builtOf = (n: Network) => built(s, networkForScenario(s, n));
    expect(builtOf(many)).toBeGreaterThan(builtOf(plain));
    expect(estimateModelSize(s, many).variables - estimateModelSize(s, plain).variables).toBe(builtOf(many) - builtOf(plain));
  });

  // Overrides that change the model's shape: the count is of the network the model is built from.
  const base = loadDefaultNetwork();
  const tiers20 = Array.from({ length: 20 }, (_, k) => ({ tonnesPerYear: 1000, priceUsdPerTonne: 60 - k }));
  const everyMarket = (o: object) => Object.fromEntries(base.markets.map((m) => [m.id, o]));
  const overridden: [string, Scenario][] = [
    ['20 tiers in every market, 8 years', scenario({ horizon: { kind: 'multi-year', fromYear: 2027, toYear: 2034 }, overrides: { markets: everyMarket({ tiers: tiers20 }) } } as never)],
    ['bagging made a decision everywhere', scenario({ overrides: { markets: everyMarket({ baggedShareRange: { min: 0.1, max: 0.9 } }) } } as never)],
    ['clearing, bagging made a decision everywhere', scenario({ market: 'clearing', overrides: { markets: everyMarket({ baggedShareRange: { min: 0.1, max: 0.9 } }) } } as never)],
    ['a contract added to every market', scenario({ mip: { contracts: true, seaLots: false }, overrides: { markets: everyMarket({ contract: { minTonnesPerYear: 10 } }) } } as never)],
    ['contracts removed', scenario({ mip: { contracts: true, seaLots: false }, overrides: { markets: everyMarket({ contract: null }) } } as never)],
    ['a lot size on every leg', scenario({ mip: { contracts: false, seaLots: true }, overrides: { legs: Object.fromEntries(base.legs.map((l) => [l.id, { lotTonnes: 5000 }])) } } as never)],
    ['lot sizes removed', scenario({ mip: { contracts: false, seaLots: true }, overrides: { legs: Object.fromEntries(base.legs.map((l) => [l.id, { lotTonnes: null }])) } } as never)],
    ['monthly, stock removed', scenario({ horizon: { kind: 'monthly', year: 2027 }, overrides: { plants: Object.fromEntries(base.plants.map((p) => [p.id, { stockCapacityTonnes: 0 }])) } } as never)],
    ['clearing, every competitor absent', scenario({ market: 'clearing', overrides: { suppliers: Object.fromEntries(base.suppliers.map((x) => [x.id, { absent: true }])) } } as never)],
  ];
  it.each(overridden)('%s: counted from the network as sent, the count is the built model\'s variables', (_label, s) => {
    const variables = built(s, networkForScenario(s, base));
    expect(estimateModelSize(s, base).variables).toBe(variables);
  });
});
