/**
 * The linear programme of DESIGN §3, built solver-neutral from an effective network and a scenario.
 * Pipeline step: (checked scenario) → buildModel → LpModel (+ an index to read values back).
 * Browser-safe, pure. Every variable is in tonnes (or a count for integers) and ≥ 0.
 *
 * Variables: prod:{p}:{t}, flow:{l}:{m}:{t}, sale:{m}:{k}:{t} (tier k of market m),
 *            stock:{p}:{t} (monthly only), open:{m} (contracts), lots:{l}:{t} (sea lots).
 */
import type { LpModel, LpRow, LpTerm, LpVariable } from './lp.ts';
import type { Leg, Market, Network, Scenario } from './schema.ts';
import {
  closedIn,
  legCo2TonnesPerTonne,
  legCostUsdPerTonne,
  netPriceUsdPerTonne,
  periodCapacityTonnes,
  periodsOf,
  plantCapacityTonnes,
  tierTonnes,
  yearsOf,
  type Period,
} from './scenario.ts';

export interface ModelOptions {
  /** Leave out the domestic-share rule (to price it). */
  readonly withoutDomesticShare?: boolean;
}

/** Where each product quantity lives in the variable vector. */
export interface ModelIndex {
  readonly periods: readonly Period[];
  readonly prod: Map<string, number>; // `${p}|${t}`
  readonly stock: Map<string, number>; // `${p}|${t}`
  readonly flow: Map<string, number>; // `${l}|${m}|${t}`
  readonly sale: Map<string, number>; // `${m}|${k}|${t}`
  readonly open: Map<string, number>; // m
  readonly lots: Map<string, number>; // `${l}|${t}`
  /** Legs that may carry each market's cement. */
  readonly legsForMarket: Map<string, Leg[]>;
  /** Unit logistics cost of one tonne over a leg, including handling at the node it enters, USD/t. */
  readonly legUnitCostUsdPerTonne: Map<string, number>;
  readonly domesticShareRows: number[];
}

export interface BuiltModel {
  readonly model: LpModel;
  readonly index: ModelIndex;
}

const key = (...parts: (string | number)[]) => parts.join('|');

/**
 * Legs that can carry cement bound for market m: their tail is reachable from a plant through
 * transit nodes, and their head is m or a transit node from which m is reachable.
 * Markets are sinks: nothing moves on from a market.
 */
export function legsServingMarkets(network: Network): Map<string, Leg[]> {
  const plantIds = new Set(network.plants.map((p) => p.id));
  const nodeIds = new Set(network.nodes.map((n) => n.id));
  const outgoing = new Map<string, Leg[]>();
  const incoming = new Map<string, Leg[]>();
  const incomingIndex = new Map<string, number[]>();
  network.legs.forEach((leg, i) => {
    (outgoing.get(leg.from) ?? outgoing.set(leg.from, []).get(leg.from)!).push(leg);
    (incoming.get(leg.to) ?? incoming.set(leg.to, []).get(leg.to)!).push(leg);
    (incomingIndex.get(leg.to) ?? incomingIndex.set(leg.to, []).get(leg.to)!).push(i);
  });
  // Forward: plants and the transit nodes reachable from them.
  const forward = new Set<string>(plantIds);
  const queue = [...plantIds];
  while (queue.length) {
    const at = queue.pop()!;
    for (const leg of outgoing.get(at) ?? []) {
      if (nodeIds.has(leg.to) && !forward.has(leg.to)) {
        forward.add(leg.to);
        queue.push(leg.to);
      }
    }
  }
  const result = new Map<string, Leg[]>();
  for (const market of network.markets) {
    // Backward from the market through transit nodes.
    const backward = new Set<string>([market.id]);
    const back = [market.id];
    while (back.length) {
      const at = back.pop()!;
      for (const leg of incoming.get(at) ?? []) {
        if (nodeIds.has(leg.from) && !backward.has(leg.from)) {
          backward.add(leg.from);
          back.push(leg.from);
        }
      }
    }
    // The legs entering the backward set, in network order (linear in the legs kept).
    const picked: number[] = [];
    for (const at of backward) {
      if (at !== market.id && !nodeIds.has(at)) continue;
      for (const i of incomingIndex.get(at) ?? []) if (forward.has(network.legs[i].from)) picked.push(i);
    }
    picked.sort((a, b) => a - b);
    result.set(market.id, picked.map((i) => network.legs[i]));
  }
  return result;
}

class ModelWriter {
  readonly variables: LpVariable[] = [];
  readonly rows: LpRow[] = [];

  addVariable(v: LpVariable): number {
    this.variables.push(v);
    return this.variables.length - 1;
  }

  addRow(row: LpRow): number {
    this.rows.push(row);
    return this.rows.length - 1;
  }
}

export function buildModel(network: Network, scenario: Scenario, options: ModelOptions = {}): BuiltModel {
  const periods = periodsOf(scenario.horizon, scenario.phase);
  const years = yearsOf(periods);
  const firstYear = periods[0].year;
  const monthly = scenario.horizon.kind === 'monthly';
  const objective = scenario.objective;
  const carbonUsdPerTonneCo2 = scenario.carbonPriceUsdPerTonneCo2;
  const w = new ModelWriter();
  const nodeById = new Map(network.nodes.map((n) => [n.id, n]));
  const legsForMarket = legsServingMarkets(network);
  // The (leg, market) pairs that have a flow variable, grouped once in (market, leg) order, so that
  // every row below is built in time linear in its own terms.
  const flowsFrom = new Map<string, { leg: Leg; market: Market }[]>();
  const flowsInto = new Map<string, { leg: Leg; market: Market }[]>();
  const marketsOnLeg = new Map<string, Market[]>();
  for (const market of network.markets) {
    for (const leg of legsForMarket.get(market.id) ?? []) {
      (flowsFrom.get(leg.from) ?? flowsFrom.set(leg.from, []).get(leg.from)!).push({ leg, market });
      (flowsInto.get(leg.to) ?? flowsInto.set(leg.to, []).get(leg.to)!).push({ leg, market });
      (marketsOnLeg.get(leg.id) ?? marketsOnLeg.set(leg.id, []).get(leg.id)!).push(market);
    }
  }

  const index: ModelIndex = {
    periods,
    prod: new Map(),
    stock: new Map(),
    flow: new Map(),
    sale: new Map(),
    open: new Map(),
    lots: new Map(),
    legsForMarket,
    legUnitCostUsdPerTonne: new Map(),
    domesticShareRows: [],
  };

  // Objective coefficients. margin (max): revenue net of duty − costs, USD.
  // min-cost (min): freight + handling + production + duty + holding, USD. max-domestic (max): domestic tonnes.
  const costCoef = (usd: number) => (objective === 'margin' ? -usd : objective === 'min-cost' ? usd : 0);
  const saleCoef = (market: Market, priceUsdPerTonne: number) => {
    const net = netPriceUsdPerTonne(priceUsdPerTonne, market);
    if (objective === 'margin') return net;
    if (objective === 'min-cost') return priceUsdPerTonne - net;
    return market.domestic ? 1 : 0;
  };

  for (const leg of network.legs) {
    const entered = nodeById.get(leg.to);
    const handling = entered ? entered.handlingUsdPerTonne : 0;
    index.legUnitCostUsdPerTonne.set(leg.id, legCostUsdPerTonne(leg) + handling);
  }

  // --- variables ---------------------------------------------------------------------------
  for (const t of periods) {
    for (const plant of network.plants) {
      index.prod.set(
        key(plant.id, t.index),
        w.addVariable({
          name: `prod:${plant.id}:${t.label}`,
          lb: 0,
          ub: Infinity,
          cost: costCoef(plant.variableCostUsdPerTonne),
          kind: 'continuous',
          label: `tonnes produced at ${plant.name} in ${t.label}`,
        }),
      );
      if (monthly && plant.stockCapacityTonnes > 0) {
        index.stock.set(
          key(plant.id, t.index),
          w.addVariable({
            name: `stock:${plant.id}:${t.label}`,
            lb: 0,
            ub: plant.stockCapacityTonnes,
            cost: costCoef(plant.holdingCostUsdPerTonnePerMonth),
            kind: 'continuous',
            label: `tonnes in stock at ${plant.name} at the end of ${t.label}`,
          }),
        );
      }
    }
    for (const market of network.markets) {
      market.tiers.forEach((tier, k) => {
        index.sale.set(
          key(market.id, k, t.index),
          w.addVariable({
            name: `sale:${market.id}:${k + 1}:${t.label}`,
            lb: 0,
            ub: Infinity,
            cost: saleCoef(market, tier.priceUsdPerTonne),
            kind: 'continuous',
            label: `tonnes sold in ${market.name} at ${tier.priceUsdPerTonne.toFixed(2)} USD/t in ${t.label}`,
          }),
        );
      });
      for (const leg of legsForMarket.get(market.id) ?? []) {
        const unit = index.legUnitCostUsdPerTonne.get(leg.id)!;
        const carbon = carbonUsdPerTonneCo2 * legCo2TonnesPerTonne(leg);
        index.flow.set(
          key(leg.id, market.id, t.index),
          w.addVariable({
            name: `flow:${leg.id}:${market.id}:${t.label}`,
            lb: 0,
            ub: Infinity,
            cost: costCoef(unit + carbon),
            kind: 'continuous',
            label: `tonnes bound for ${market.name} on leg ${leg.id} in ${t.label}`,
          }),
        );
      }
    }
  }

  // --- constraints, one family at a time ----------------------------------------------------

  // capacity:{p}:{t}   prod[p,t] ≤ capacity(p,t)
  for (const t of periods) {
    for (const plant of network.plants) {
      w.addRow({
        name: `capacity:${plant.id}:${t.label}`,
        family: 'capacity',
        terms: [{ v: index.prod.get(key(plant.id, t.index))!, coef: 1 }],
        lb: -Infinity,
        ub: plantCapacityTonnes(plant, t),
        label: `${plant.name} production capacity in ${t.label}, t`,
      });
    }
  }

  // balance:{p}:{t}   prod + stock[t−1] − stock[t] − Σ flow out of p = 0
  for (const t of periods) {
    for (const plant of network.plants) {
      const terms: LpTerm[] = [{ v: index.prod.get(key(plant.id, t.index))!, coef: 1 }];
      const prevStock = t.index > 0 ? index.stock.get(key(plant.id, t.index - 1)) : undefined;
      const stock = index.stock.get(key(plant.id, t.index));
      if (prevStock !== undefined) terms.push({ v: prevStock, coef: 1 });
      if (stock !== undefined) terms.push({ v: stock, coef: -1 });
      for (const { leg, market } of flowsFrom.get(plant.id) ?? []) {
        terms.push({ v: index.flow.get(key(leg.id, market.id, t.index))!, coef: -1 });
      }
      w.addRow({
        name: `balance:${plant.id}:${t.label}`,
        family: 'balance',
        terms,
        lb: 0,
        ub: 0,
        label: `${plant.name} output balance in ${t.label}, t`,
      });
    }
  }

  // conserve:{n}:{m}:{t}   Σ flow into n − Σ flow out of n = 0, per destination
  for (const t of periods) {
    for (const market of network.markets) {
      const legs = legsForMarket.get(market.id) ?? [];
      // Legs at each node they touch, in leg order.
      const touched = new Map<string, Leg[]>();
      for (const leg of legs) {
        if (nodeById.has(leg.from)) (touched.get(leg.from) ?? touched.set(leg.from, []).get(leg.from)!).push(leg);
        if (nodeById.has(leg.to) && leg.to !== leg.from) (touched.get(leg.to) ?? touched.set(leg.to, []).get(leg.to)!).push(leg);
      }
      for (const [nodeId, atNode] of touched) {
        const terms: LpTerm[] = [];
        for (const leg of atNode) {
          const v = index.flow.get(key(leg.id, market.id, t.index))!;
          if (leg.to === nodeId) terms.push({ v, coef: 1 });
          if (leg.from === nodeId) terms.push({ v, coef: -1 });
        }
        w.addRow({
          name: `conserve:${nodeId}:${market.id}:${t.label}`,
          family: 'conserve',
          terms,
          lb: 0,
          ub: 0,
          label: `${nodeById.get(nodeId)!.name}: cement for ${market.name} in = out, ${t.label}, t`,
        });
      }
    }
  }

  // deliver:{m}:{t}   Σ_k sale[m,k,t] − Σ flow into m = 0
  for (const t of periods) {
    for (const market of network.markets) {
      const terms: LpTerm[] = market.tiers.map((_, k) => ({ v: index.sale.get(key(market.id, k, t.index))!, coef: 1 }));
      for (const leg of legsForMarket.get(market.id) ?? []) {
        if (leg.to === market.id) terms.push({ v: index.flow.get(key(leg.id, market.id, t.index))!, coef: -1 });
      }
      w.addRow({
        name: `deliver:${market.id}:${t.label}`,
        family: 'deliver',
        terms,
        lb: 0,
        ub: 0,
        label: `${market.name}: sales = deliveries in ${t.label}, t`,
      });
    }
  }

  // demand-max:{m}:{k}:{t}   sale[m,k,t] ≤ tier tonnes (zero before the market opens)
  for (const t of periods) {
    for (const market of network.markets) {
      const open = t.phase >= market.openFromPhase;
      market.tiers.forEach((tier, k) => {
        w.addRow({
          name: `demand-max:${market.id}:${k + 1}:${t.label}`,
          family: 'demand-max',
          terms: [{ v: index.sale.get(key(market.id, k, t.index))!, coef: 1 }],
          lb: -Infinity,
          ub: open ? tierTonnes(market, k, t, firstYear) : 0,
          label: `${market.name} demand at ${tier.priceUsdPerTonne.toFixed(2)} USD/t in ${t.label}, t`,
        });
      });
    }
  }

  // demand-min:{m}:{y}   Σ sales in year y ≥ contracted minimum
  for (const market of network.markets) {
    if (market.minTonnesPerYear <= 0) continue;
    for (const year of years) {
      const inYear = periods.filter((p) => p.year === year);
      const open = inYear.some((p) => p.phase >= market.openFromPhase);
      if (!open) continue;
      w.addRow({
        name: `demand-min:${market.id}:${year}`,
        family: 'demand-min',
        terms: inYear.flatMap((t) =>
          market.tiers.map((_, k) => ({ v: index.sale.get(key(market.id, k, t.index))!, coef: 1 })),
        ),
        lb: market.minTonnesPerYear,
        ub: Infinity,
        label: `${market.name} contracted minimum in ${year}, t`,
      });
    }
  }

  // leg:{l}:{t}   Σ_m flow[l,m,t] ≤ capacity(l,t); 0 in closed months
  for (const t of periods) {
    for (const leg of network.legs) {
      const capacity = periodCapacityTonnes(leg.capacityTonnesPerYear, leg.closedMonths, t);
      if (capacity === null) continue;
      const terms = (marketsOnLeg.get(leg.id) ?? []).map((m) => ({ v: index.flow.get(key(leg.id, m.id, t.index))!, coef: 1 }));
      if (terms.length === 0) continue;
      w.addRow({
        name: `leg:${leg.id}:${t.label}`,
        family: 'leg',
        terms,
        lb: -Infinity,
        ub: capacity,
        label: `${legLabel(leg, network)} capacity${closedIn(leg.closedMonths, t) ? ' (closed)' : ''} in ${t.label}, t`,
      });
    }
  }

  // node:{n}:{t}   Σ flow into n ≤ throughput(n,t); 0 in closed months
  for (const t of periods) {
    for (const node of network.nodes) {
      const capacity = periodCapacityTonnes(node.throughputTonnesPerYear, node.closedMonths, t);
      if (capacity === null) continue;
      const terms: LpTerm[] = [];
      for (const { leg, market } of flowsInto.get(node.id) ?? []) {
        terms.push({ v: index.flow.get(key(leg.id, market.id, t.index))!, coef: 1 });
      }
      if (terms.length === 0) continue;
      w.addRow({
        name: `node:${node.id}:${t.label}`,
        family: 'node',
        terms,
        lb: -Infinity,
        ub: capacity,
        label: `${node.name} throughput${closedIn(node.closedMonths, t) ? ' (closed)' : ''} in ${t.label}, t`,
      });
    }
  }

  // domestic-share[:{y}]   Σ_D sale − s·Σ_M sale ≥ 0 (basis sales) or Σ_D sale − s·Σ_p prod ≥ 0 (basis production)
  const share = scenario.policy.domesticShare;
  if (!options.withoutDomesticShare && share > 0) {
    for (const year of years) {
      const inYear = periods.filter((p) => p.year === year);
      const coefs = new Map<number, number>();
      const add = (v: number, c: number) => coefs.set(v, (coefs.get(v) ?? 0) + c);
      for (const t of inYear) {
        for (const market of network.markets) {
          market.tiers.forEach((_, k) => {
            const v = index.sale.get(key(market.id, k, t.index))!;
            if (market.domestic) add(v, 1);
            if (scenario.policy.basis === 'sales') add(v, -share);
          });
        }
        if (scenario.policy.basis === 'production') {
          for (const plant of network.plants) add(index.prod.get(key(plant.id, t.index))!, -share);
        }
      }
      index.domesticShareRows.push(
        w.addRow({
          name: years.length > 1 ? `domestic-share:${year}` : 'domestic-share',
          family: 'domestic-share',
          terms: [...coefs].filter(([, c]) => c !== 0).map(([v, coef]) => ({ v, coef })),
          lb: 0,
          ub: Infinity,
          label: `domestic share ≥ ${(share * 100).toFixed(1)} % of ${scenario.policy.basis}${years.length > 1 ? ` in ${year}` : ''}, t`,
        }),
      );
    }
  }

  // export-cap[:{y}]   Σ_{M∖D} sale ≤ cap
  const cap = scenario.policy.exportCapTonnesPerYear;
  if (cap !== undefined) {
    for (const year of years) {
      const inYear = periods.filter((p) => p.year === year);
      const terms = inYear.flatMap((t) =>
        network.markets
          .filter((m) => !m.domestic)
          .flatMap((m) => m.tiers.map((_, k) => ({ v: index.sale.get(key(m.id, k, t.index))!, coef: 1 }))),
      );
      w.addRow({
        name: years.length > 1 ? `export-cap:${year}` : 'export-cap',
        family: 'export-cap',
        terms,
        lb: -Infinity,
        ub: cap,
        label: `export cap${years.length > 1 ? ` in ${year}` : ''}, t`,
      });
    }
  }

  // min-cost: deliver the plant's full capacity at the lowest delivered cost (price-blind).
  if (objective === 'min-cost') {
    for (const t of periods) {
      w.addRow({
        name: `full-output:${t.label}`,
        family: 'full-output',
        terms: network.plants.map((p) => ({ v: index.prod.get(key(p.id, t.index))!, coef: 1 })),
        lb: network.plants.reduce((s, p) => s + plantCapacityTonnes(p, t), 0),
        ub: Infinity,
        label: `all plants at full output in ${t.label}, t`,
      });
    }
  }

  // Mixed-integer: contracts (open:{m} binary) and sea lots (lots:{l}:{t} integer).
  const objectiveOffset = 0;
  if (scenario.mip.contracts) {
    for (const market of network.markets) {
      if (!market.contract) continue;
      const fixed = market.contract.fixedCostUsdPerYear * years.length;
      const open = w.addVariable({
        name: `open:${market.id}`,
        lb: 0,
        ub: 1,
        cost: costCoef(fixed),
        kind: 'binary',
        label: `sign the ${market.name} contract (1) or not (0)`,
      });
      index.open.set(market.id, open);
      for (const year of years) {
        const inYear = periods.filter((p) => p.year === year);
        const sales = inYear.flatMap((t) =>
          market.tiers.map((_, k) => ({ v: index.sale.get(key(market.id, k, t.index))!, coef: 1 })),
        );
        const maxTonnes = inYear.reduce(
          (s, t) => s + market.tiers.reduce((a, _, k) => a + (t.phase >= market.openFromPhase ? tierTonnes(market, k, t, firstYear) : 0), 0),
          0,
        );
        // contract-min: Σ sale − min·open ≥ 0 ; contract-max: Σ sale − maxDemand·open ≤ 0
        w.addRow({
          name: `contract-min:${market.id}:${year}`,
          family: 'contract-min',
          terms: [...sales, { v: open, coef: -market.contract.minTonnesPerYear }],
          lb: 0,
          ub: Infinity,
          label: `${market.name} contract minimum in ${year}, t`,
        });
        w.addRow({
          name: `contract-max:${market.id}:${year}`,
          family: 'contract-max',
          terms: [...sales, { v: open, coef: -maxTonnes }],
          lb: -Infinity,
          ub: 0,
          label: `${market.name} served only under a contract in ${year}, t`,
        });
      }
    }
  }
  if (scenario.mip.seaLots) {
    for (const leg of network.legs) {
      if (leg.mode !== 'sea' || !leg.lotTonnes || leg.lotTonnes <= 0) continue;
      for (const t of periods) {
        const terms = (marketsOnLeg.get(leg.id) ?? []).map((m) => ({ v: index.flow.get(key(leg.id, m.id, t.index))!, coef: 1 }));
        if (terms.length === 0) continue;
        const lots = w.addVariable({
          name: `lots:${leg.id}:${t.label}`,
          lb: 0,
          ub: Infinity,
          cost: 0,
          kind: 'integer',
          label: `${leg.lotTonnes} t lots shipped on ${leg.id} in ${t.label}`,
        });
        index.lots.set(key(leg.id, t.index), lots);
        // lots:{l}:{t}   Σ_m flow − lot·n = 0
        w.addRow({
          name: `lots:${leg.id}:${t.label}`,
          family: 'lots',
          terms: [...terms, { v: lots, coef: -leg.lotTonnes }],
          lb: 0,
          ub: 0,
          label: `${legLabel(leg, network)} ships whole ${leg.lotTonnes} t lots in ${t.label}`,
        });
      }
    }
  }

  return {
    model: {
      name: scenario.name,
      sense: objective === 'min-cost' ? 'min' : 'max',
      objectiveOffset,
      variables: w.variables,
      rows: w.rows,
    },
    index,
  };
}

/** "rail Baiganin plant → Makat" for a leg, from node, plant and market names. */
export function legLabel(leg: Leg, network: Network): string {
  let names = placeNames.get(network);
  if (!names) {
    // First match wins, as in a search of nodes, then plants, then markets.
    names = new Map<string, string>();
    for (const x of [...network.markets].reverse()) names.set(x.id, x.name);
    for (const x of [...network.plants].reverse()) names.set(x.id, x.name);
    for (const x of [...network.nodes].reverse()) names.set(x.id, x.name);
    placeNames.set(network, names);
  }
  return `${leg.mode} ${names.get(leg.from) ?? leg.from} → ${names.get(leg.to) ?? leg.to}`;
}
const placeNames = new WeakMap<Network, Map<string, string>>();

export function marketDemandTonnes(market: Market, period: Period, firstYear: number): number {
  if (period.phase < market.openFromPhase) return 0;
  return market.tiers.reduce((s, _, k) => s + tierTonnes(market, k, period, firstYear), 0);
}
