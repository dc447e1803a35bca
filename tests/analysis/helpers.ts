/** Shared by the analysis tests: the default network, standard scenarios, re-solving at a changed parameter. */
import { readFileSync } from 'node:fs';
import { buildModel } from '../../server/core/model.ts';
import { Scenario, type Network, type ScenarioInput } from '../../server/core/schema.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { structureOf } from '../../server/analysis/common.ts';
import { networkForScenario } from '../../server/core/pipeline.ts';
import { solveModelInProcess } from '../../server/solver/inProcess.ts';
import type { ParameterRange } from '../../server/analysis/sensitivity.ts';

let network: Network | undefined;
export function defaultNetwork(): Network {
  network ??= loadDefaultNetwork();
  return network;
}

export function standardScenario(file: string, extra: Partial<ScenarioInput> = {}): Scenario {
  const json = JSON.parse(readFileSync(new URL(`../../data/scenarios/${file}.json`, import.meta.url), 'utf8')) as ScenarioInput;
  return Scenario.parse({ ...json, ...extra });
}


/** `list` with the one item `match` finds replaced by `change(item)`; the others are shared. */
function replaceOne<T>(list: readonly T[], what: string, match: (x: T) => boolean, change: (x: T) => T): T[] {
  const at = list.findIndex(match);
  if (at < 0) throw new Error(`${what} is not in the network`);
  return list.map((x, i) => (i === at ? change(x) : x));
}

/**
 * The effective network with one parameter set to `value` (what the sensitivity report's key
 * names). Only the changed item and the lists holding it are copied; the rest is the scenario's
 * effective network, shared by every call and never written to.
 */
export function networkWith(scenario: Scenario, base: Network, item: Pick<ParameterRange, 'parameter' | 'kind' | 'id' | 'current'>, value: number): Network {
  // The scenario's own network, made once per scenario and base network by the pipeline itself.
  const network = networkForScenario(scenario, base);
  const parts = item.parameter.split(':');
  const tier = Number(parts[2]) - 1;
  switch (item.kind) {
    case 'price':
      return { ...network, markets: replaceOne(network.markets, item.parameter, (m) => m.id === parts[1], (m) => ({ ...m, tiers: replaceOne(m.tiers, item.parameter, (t) => t === m.tiers[tier], (t) => ({ ...t, priceUsdPerTonne: value })) })) };
    case 'freight':
      return { ...network, legs: replaceOne(network.legs, item.parameter, (l) => l.id === item.id, (l) => ({ ...l, fixedUsdPerTonne: l.fixedUsdPerTonne + (value - item.current) })) };
    case 'production-cost':
      return { ...network, plants: replaceOne(network.plants, item.parameter, (p) => p.id === item.id, (p) => ({ ...p, variableCostUsdPerTonne: value })) };
    case 'plant-capacity':
      return {
        ...network,
        plants: replaceOne(network.plants, item.parameter, (p) => p.id === item.id, (p) => {
          const phase = Math.min(scenario.phase, p.capacityTonnesPerYearByPhase.length) - 1;
          return { ...p, capacityTonnesPerYearByPhase: p.capacityTonnesPerYearByPhase.map((c, i) => (i === phase ? value : c)) };
        }),
      };
    case 'leg-capacity':
      return { ...network, legs: replaceOne(network.legs, item.parameter, (l) => l.id === item.id, (l) => ({ ...l, capacityTonnesPerYear: value })) };
    case 'node-capacity':
      return { ...network, nodes: replaceOne(network.nodes, item.parameter, (x) => x.id === item.id, (x) => ({ ...x, throughputTonnesPerYear: value })) };
    case 'demand':
      return { ...network, markets: replaceOne(network.markets, item.parameter, (m) => m.id === parts[1], (m) => ({ ...m, tiers: replaceOne(m.tiers, item.parameter, (t) => t === m.tiers[tier], (t) => ({ ...t, tonnesPerYear: value })) })) };
    default:
      throw new Error(`no re-solve for ${item.kind}`);
  }
}

/** The plan's structure when one parameter is set to `value` (HiGHS, in this thread). */
export async function structureAt(scenario: Scenario, base: Network, item: ParameterRange, value: number): Promise<string | null> {
  const n = networkWith(scenario, base, item, value);
  const built = buildModel(n, scenario);
  const r = await solveModelInProcess(built.model, { engine: 'highs', timeLimitMs: 10_000 });
  return r.status === 'optimal' ? structureOf(built.model, r.values) : null;
}
