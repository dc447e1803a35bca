/** Shared by the analysis tests: the default network, standard scenarios, re-solving at a changed parameter. */
import { readFileSync } from 'node:fs';
import { buildModel } from '../../server/core/model.ts';
import { Scenario, type Network, type ScenarioInput } from '../../server/core/schema.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { prepare, structureOf } from '../../server/analysis/common.ts';
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

/** The effective network with one parameter set to `value` (what the sensitivity report's key names). */
export function networkWith(scenario: Scenario, base: Network, item: Pick<ParameterRange, 'parameter' | 'kind' | 'id' | 'current'>, value: number): Network {
  const { network } = prepare(scenario, base);
  const parts = item.parameter.split(':');
  const n: Network = structuredClone(network);
  switch (item.kind) {
    case 'price': {
      const m = n.markets.find((x) => x.id === parts[1])!;
      m.tiers[Number(parts[2]) - 1].priceUsdPerTonne = value;
      break;
    }
    case 'freight': {
      const leg = n.legs.find((l) => l.id === item.id)!;
      leg.fixedUsdPerTonne += value - item.current;
      break;
    }
    case 'production-cost':
      n.plants.find((p) => p.id === item.id)!.variableCostUsdPerTonne = value;
      break;
    case 'plant-capacity': {
      const p = n.plants.find((x) => x.id === item.id)!;
      p.capacityTonnesPerYearByPhase[Math.min(scenario.phase, p.capacityTonnesPerYearByPhase.length) - 1] = value;
      break;
    }
    case 'leg-capacity':
      n.legs.find((l) => l.id === item.id)!.capacityTonnesPerYear = value;
      break;
    case 'node-capacity':
      n.nodes.find((x) => x.id === item.id)!.throughputTonnesPerYear = value;
      break;
    case 'demand': {
      const m = n.markets.find((x) => x.id === parts[1])!;
      m.tiers[Number(parts[2]) - 1].tonnesPerYear = value;
      break;
    }
    default:
      throw new Error(`no re-solve for ${item.kind}`);
  }
  return n;
}

/** The plan's structure when one parameter is set to `value` (HiGHS, in this thread). */
export async function structureAt(scenario: Scenario, base: Network, item: ParameterRange, value: number): Promise<string | null> {
  const n = networkWith(scenario, base, item, value);
  const built = buildModel(n, scenario);
  const r = await solveModelInProcess(built.model, { engine: 'highs', timeLimitMs: 10_000 });
  return r.status === 'optimal' ? structureOf(built.model, r.values) : null;
}
