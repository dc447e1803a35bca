/**
 * Consistency check: everything that parses but cannot be a model, reported all at once,
 * in words, with the path of the offending field. Pipeline step: schema → check → model.
 * Browser-safe, pure.
 */
import { leftOutSuppliers } from './left-out.ts';
import { legsServingMarkets } from './model.ts';
import { periodsOf } from './scenario.ts';
import { MAX_USD_PER_TONNE, type Network, type Scenario } from './schema.ts';
import { toUsd, type MoneyPerTonne } from './market-schema.ts';

export interface Problem {
  readonly path: (string | number)[];
  readonly message: string;
}

/** Largest model the service will build (flow variables); beyond it a request is refused with 422. */
export const MAX_MODEL_VARIABLES = 400_000;
export const MAX_HORIZON_YEARS = 30;

/** What the checks know of a network object, worked out once (networks are never changed in place). */
interface NetworkFacts {
  readonly problems: readonly Problem[];
  readonly ids: { readonly legs: ReadonlySet<string>; readonly nodes: ReadonlySet<string>; readonly markets: ReadonlySet<string>; readonly plants: ReadonlySet<string> };
  /** (leg, market) pairs a flow variable is made for; only asked of a network without problems. */
  flowPairs?: number;
}

const factsByNetwork = new WeakMap<Network, NetworkFacts>();

function networkFacts(network: Network): NetworkFacts {
  let facts = factsByNetwork.get(network);
  if (!facts) {
    const ids = (list: readonly { id: string }[]) => new Set(list.map((x) => x.id));
    facts = {
      problems: networkProblems(network),
      ids: { legs: ids(network.legs), nodes: ids(network.nodes), markets: ids(network.markets), plants: ids(network.plants) },
    };
    factsByNetwork.set(network, facts);
  }
  return facts;
}

/** The network's own problems (ids, legs, capacities, reachability); a new list the caller may extend. */
export function checkNetwork(network: Network): Problem[] {
  return networkFacts(network).problems.map((p) => ({ path: [...p.path], message: p.message }));
}

function networkProblems(network: Network): Problem[] {
  const problems: Problem[] = [];
  const kinds = new Map<string, string>();
  const claim = (id: string, kind: string, path: (string | number)[]) => {
    const seen = kinds.get(id);
    if (seen) problems.push({ path, message: `id "${id}" is used twice (already a ${seen})` });
    else kinds.set(id, kind);
  };
  for (const [i, p] of network.plants.entries()) claim(p.id, 'plant', ['network', 'plants', i, 'id']);
  for (const [i, m] of network.markets.entries()) claim(m.id, 'market', ['network', 'markets', i, 'id']);
  for (const [i, n] of network.nodes.entries()) claim(n.id, 'node', ['network', 'nodes', i, 'id']);
  const legIds = new Set<string>();

  network.legs.forEach((leg, i) => {
    const path = ['network', 'legs', i];
    if (legIds.has(leg.id)) problems.push({ path: [...path, 'id'], message: `leg id "${leg.id}" is used twice` });
    legIds.add(leg.id);
    const fromKind = kinds.get(leg.from);
    const toKind = kinds.get(leg.to);
    if (!fromKind) problems.push({ path: [...path, 'from'], message: `leg "${leg.id}" starts at unknown node "${leg.from}"` });
    if (!toKind) problems.push({ path: [...path, 'to'], message: `leg "${leg.id}" goes to nowhere: unknown node "${leg.to}"` });
    if (fromKind === 'market')
      problems.push({ path: [...path, 'from'], message: `leg "${leg.id}" leaves market "${leg.from}": markets are end points; add a transit node` });
    if (toKind === 'plant') problems.push({ path: [...path, 'to'], message: `leg "${leg.id}" runs into plant "${leg.to}": plants only ship` });
    if (leg.from === leg.to) problems.push({ path, message: `leg "${leg.id}" starts and ends at "${leg.from}"` });
    for (const field of ['capacityTonnesPerYear', 'usdPerTonneKm', 'fixedUsdPerTonne', 'distanceKm', 'co2KgPerTonneKm'] as const) {
      const value = leg[field];
      if (value !== undefined && !(value >= 0))
        problems.push({ path: [...path, field], message: `leg "${leg.id}" has a negative or invalid ${field} (${value})` });
    }
  });

  network.nodes.forEach((node, i) => {
    if (node.throughputTonnesPerYear !== undefined && !(node.throughputTonnesPerYear >= 0))
      problems.push({ path: ['network', 'nodes', i, 'throughputTonnesPerYear'], message: `node "${node.id}" has a negative capacity` });
  });
  network.plants.forEach((plant, i) => {
    plant.capacityTonnesPerYearByPhase.forEach((c, k) => {
      if (!(c >= 0)) problems.push({ path: ['network', 'plants', i, 'capacityTonnesPerYearByPhase', k], message: `plant "${plant.id}" has a negative capacity in phase ${k + 1}` });
    });
  });
  network.markets.forEach((market, i) => {
    market.tiers.forEach((tier, k) => {
      if (!(tier.tonnesPerYear >= 0) || !(tier.priceUsdPerTonne >= 0))
        problems.push({ path: ['network', 'markets', i, 'tiers', k], message: `market "${market.id}" tier ${k + 1} has a negative volume or price` });
    });
    if (market.baggedShare !== undefined && market.baggedShareRange !== undefined)
      problems.push({ path: ['network', 'markets', i, 'baggedShareRange'], message: `market "${market.id}" gives both an exact bagged share and a range: give one` });
  });

  // Reachability only makes sense once every leg points somewhere.
  if (problems.length === 0) {
    const legsFor = legsServingMarkets(network);
    network.markets.forEach((market, i) => {
      if (market.competitorsOnly) return;
      const arriving = (legsFor.get(market.id) ?? []).some((leg) => leg.to === market.id);
      if (!arriving)
        problems.push({ path: ['network', 'markets', i], message: `market "${market.id}" (${market.name}) cannot be reached from any plant` });
    });
  }
  return problems;
}

export function checkScenario(scenario: Scenario, network: Network): Problem[] {
  const problems = checkNetwork(network);
  const { policy, horizon, overrides } = scenario;

  if (!(policy.domesticShare >= 0 && policy.domesticShare <= 1))
    problems.push({ path: ['policy', 'domesticShare'], message: `the domestic share must be between 0 and 1 (got ${policy.domesticShare})` });
  if (policy.exportCapTonnesPerYear !== undefined && !(policy.exportCapTonnesPerYear >= 0))
    problems.push({ path: ['policy', 'exportCapTonnesPerYear'], message: 'the export cap cannot be negative' });
  if (horizon.kind === 'multi-year') {
    if (horizon.toYear < horizon.fromYear)
      problems.push({ path: ['horizon', 'toYear'], message: `the horizon ends (${horizon.toYear}) before it starts (${horizon.fromYear})` });
    else if (horizon.toYear - horizon.fromYear + 1 > MAX_HORIZON_YEARS)
      problems.push({ path: ['horizon'], message: `a multi-year horizon is limited to ${MAX_HORIZON_YEARS} years` });
  }

  const facts = networkFacts(network);
  const known = facts.ids;
  for (const family of ['legs', 'nodes', 'markets', 'plants'] as const) {
    for (const id of Object.keys(overrides[family])) {
      if (!known[family].has(id))
        problems.push({ path: ['overrides', family, id], message: `override for unknown ${family.slice(0, -1)} "${id}"` });
    }
  }

  for (const [id, po] of Object.entries(overrides.plants)) {
    const plant = network.plants.find((p) => p.id === id);
    if (plant && !plant.packing && (po.packingCapacityTonnesPerYear === undefined) !== (po.packingCostUsdPerTonne === undefined))
      problems.push({ path: ['overrides', 'plants', id], message: `plant "${id}" has no bagging line: give both its packing capacity and its packing cost` });
  }
  for (const [id, mo] of Object.entries(overrides.markets)) {
    if (mo.baggedShare !== undefined && mo.baggedShareRange !== undefined)
      problems.push({ path: ['overrides', 'markets', id, 'baggedShareRange'], message: `market "${id}": give an exact bagged share or a range, not both` });
  }

  const leftOut = leftOutSuppliers(network);
  for (const [id, so] of Object.entries(overrides.suppliers)) {
    // A competitor left out has no capacity, cost or mark-up to change: a setting beside `absent` would be taken and do nothing.
    if (so.absent && leftOut.has(id)) {
      const others = Object.keys(so).filter((k) => k !== 'absent' && so[k as keyof typeof so] !== undefined);
      if (others.length > 0)
        problems.push({ path: ['overrides', 'suppliers', id, others[0]!], message: `supplier "${id}" is left out (absent: true): its ${others.join(', ')} would change nothing` });
    }
    if (!network.suppliers.some((s) => s.id === id) && !leftOut.has(id)) problems.push({ path: ['overrides', 'suppliers', id], message: `override for unknown supplier "${id}"` });
  }
  if (scenario.market === 'clearing') problems.push(...checkClearing(scenario, network));
  else {
    // The price-taker mode prices in USD and converts only domestic prices, at the tenge rate: any
    // other rate would be taken and change nothing, a flat what-if that reads as "the rouble does not matter".
    for (const currency of Object.keys(overrides.fxPerUsd ?? {}).filter((c) => c !== 'KZT'))
      problems.push({
        path: ['overrides', 'fxPerUsd', currency],
        message: `the ${currency} rate moves nothing in the price-taker mode (its prices are in USD; only the tenge rate converts domestic prices): set "market": "clearing" to see its effect`,
      });
    // Nor do the competitors and the whole market's consumption: they are the clearing model's.
    const clearingOnly = 'is a setting of the market-clearing mode (competitors and consumption are not in the price-taker model): set "market": "clearing" to see its effect';
    if (overrides.competitorMarkupMultiplier !== 1) problems.push({ path: ['overrides', 'competitorMarkupMultiplier'], message: `competitorMarkupMultiplier ${clearingOnly}` });
    if (overrides.consumptionMultiplier !== 1) problems.push({ path: ['overrides', 'consumptionMultiplier'], message: `consumptionMultiplier ${clearingOnly}` });
    for (const id of Object.keys(overrides.suppliers)) problems.push({ path: ['overrides', 'suppliers', id], message: `a competitor's override ${clearingOnly}` });
    problems.push(...tierPricesOverLimit(scenario, network));
  }
  for (const [i, cap] of scenario.policy.importCaps.entries()) {
    for (const [j, id] of (cap.markets ?? []).entries()) {
      const market = network.markets.find((m) => m.id === id);
      const path = ['policy', 'importCaps', i, 'markets', j];
      if (!market) problems.push({ path, message: `an import cap on unknown market "${id}"` });
      else if (market.country !== cap.country)
        problems.push({ path, message: `market "${id}" is in ${market.country}, not in ${cap.country}: a cap on imports into ${cap.country} cannot count it` });
    }
  }
  for (const id of Object.keys(scenario.volumesTonnesPerYear ?? {})) {
    if (!known.markets.has(id))
      problems.push({ path: ['volumesTonnesPerYear', id], message: `a volume for unknown market "${id}"` });
  }

  if (problems.length === 0) {
    const periods = horizon.kind === 'multi-year' && horizon.toYear < horizon.fromYear ? [] : periodsOf(horizon, scenario.phase);
    facts.flowPairs ??= flowPairs(network);
    const estimate = facts.flowPairs * periods.length;
    if (estimate > MAX_MODEL_VARIABLES)
      problems.push({ path: ['network'], message: `the model would have about ${estimate} flow variables; the limit is ${MAX_MODEL_VARIABLES}` });
  }
  return problems;
}

function flowPairs(network: Network): number {
  let pairs = 0;
  for (const legs of legsServingMarkets(network).values()) pairs += legs.length;
  return pairs;
}

/** What the market-clearing mode needs beyond a price-taker model (DESIGN §3b). */
function checkClearing(scenario: Scenario, network: Network): Problem[] {
  const problems: Problem[] = [];
  if (scenario.objective !== 'margin')
    problems.push({ path: ['objective'], message: `the market-clearing mode finds the equilibrium; its objective is "margin" (got "${scenario.objective}")` });
  if (scenario.mip.contracts || scenario.mip.seaLots)
    problems.push({ path: ['mip'], message: 'the market-clearing mode is a linear programme (its prices are duals): switch the mixed-integer options off' });
  const marketIds = new Set(network.markets.map((m) => m.id));
  const taken = new Set([...network.plants, ...network.markets, ...network.nodes].map((x) => x.id));
  const currencies = new Set<string>();
  network.suppliers.forEach((supplier, i) => {
    const path = ['network', 'suppliers', i];
    if (taken.has(supplier.id)) problems.push({ path: [...path, 'id'], message: `supplier id "${supplier.id}" is used twice` });
    taken.add(supplier.id);
    currencies.add(supplier.cashCost.currency);
    const seen = new Set<string>();
    supplier.routes.forEach((route, r) => {
      if (!marketIds.has(route.market)) problems.push({ path: [...path, 'routes', r, 'market'], message: `supplier "${supplier.id}" ships to unknown market "${route.market}"` });
      if (seen.has(route.market)) problems.push({ path: [...path, 'routes', r, 'market'], message: `supplier "${supplier.id}" has two routes to "${route.market}"` });
      seen.add(route.market);
      currencies.add(route.freight.currency);
    });
  });
  network.markets.forEach((market, i) => {
    const demand = market.demand;
    if (!demand) return;
    const path = ['network', 'markets', i, 'demand'];
    const total = demand.blocks.reduce((s, b) => s + b.share, 0);
    if (total > 1 + 1e-6) problems.push({ path: [...path, 'blocks'], message: `market "${market.id}": block shares add up to ${total.toFixed(4)}, more than 1` });
    demand.blocks.forEach((block, k) => {
      currencies.add(block.value.currency);
      const prev = demand.blocks[k - 1];
      if (prev && prev.value.currency === block.value.currency && block.value.value > prev.value.value)
        problems.push({ path: [...path, 'blocks', k, 'value'], message: `market "${market.id}": demand blocks must fall in value (block ${k + 1} is above block ${k})` });
    });
    if (demand.customsValue) currencies.add(demand.customsValue.currency);
  });
  let ratesKnown = true;
  for (const currency of currencies) {
    if (currency !== 'USD' && !network.fxPerUsd[currency as keyof typeof network.fxPerUsd]) {
      ratesKnown = false;
      problems.push({ path: ['network', 'fxPerUsd', currency], message: `prices are given in ${currency} but the network has no ${currency} per USD rate` });
    }
  }
  if (ratesKnown) problems.push(...moneyOverLimit(network, periodsOf(scenario.horizon, scenario.phase).map((p) => p.year), scenario.overrides.fxPerUsd));
  return problems;
}

/**
 * The price-taker mode's prices (each tier's, and a bagged tonne's premium), multipliers and the tenge
 * rate applied, within the USD/t limit of every price (as the clearing mode's figures are): two legal
 * levers, a price multiplier of 100 and a rate of 1 KZT/USD, would otherwise make a domestic price of
 * millions of USD/t. A network the caller sent is pointed at figure by figure (at the market's place
 * in the network sent: the planned network leaves out the markets only competitors serve); the
 * default network's prices are lifted only by the scenario's overrides, so one problem points there.
 */
function tierPricesOverLimit(scenario: Scenario, network: Network): Problem[] {
  const sentAt = new Map((scenario.network?.markets ?? []).map((m, i) => [m.id, i]));
  const over: { path: (string | number)[]; text: string }[] = [];
  const usd = (x: number) => `${Math.round(x).toLocaleString('en-US')} USD/t`;
  for (const market of network.markets) {
    const i = sentAt.get(market.id) ?? -1;
    market.tiers.forEach((tier, k) => {
      if (tier.priceUsdPerTonne > MAX_USD_PER_TONNE) over.push({ path: ['network', 'markets', i, 'tiers', k, 'priceUsdPerTonne'], text: `${market.name}, tier ${k + 1}: ${usd(tier.priceUsdPerTonne)}` });
    });
    const premium = market.baggedPremiumUsdPerTonne ?? 0;
    if (premium > MAX_USD_PER_TONNE) over.push({ path: ['network', 'markets', i, 'baggedPremiumUsdPerTonne'], text: `${market.name}, bagged premium: ${usd(premium)}` });
  }
  if (over.length === 0) return [];
  const limit = `prices are limited to ${MAX_USD_PER_TONNE.toLocaleString('en-US')} USD/t`;
  if (scenario.network) return over.map((o) => ({ path: o.path, message: `${o.text} with the scenario's multipliers and tenge rate applied; ${limit}` }));
  return [
    {
      path: ['overrides'],
      message: `the scenario's price multipliers and tenge rate put ${over.length} ${over.length === 1 ? 'price' : 'prices'} over the limit (${over[0]!.text}); ${limit}`,
    },
  ];
}

/**
 * Money per tonne in its own currency is bounded by the schema (1e12: a rial figure is large);
 * converted at the rate of each of the plan's years it must stay within the USD/t limit of every
 * other price and cost, or a willingness to pay of 1e9 USD/t would be taken as data.
 */
function moneyOverLimit(network: Network, years: readonly number[], rateOverrides: Scenario['overrides']['fxPerUsd']): Problem[] {
  const problems: Problem[] = [];
  // A rate the scenario sets is what to fix: one problem at it (how many figures it lifts over the
  // limit), not one at each figure of data the caller never sent.
  const byOverriddenRate = new Map<string, { count: number; example: string }>();
  const check = (money: MoneyPerTonne, path: (string | number)[]) => {
    for (const year of new Set(years)) {
      const usd = toUsd(money, network.fxPerUsd, year);
      if (usd > MAX_USD_PER_TONNE) {
        if (rateOverrides[money.currency as keyof typeof rateOverrides] !== undefined) {
          const seen = byOverriddenRate.get(money.currency);
          const example = `${money.value} ${money.currency}/t is ${Math.round(usd).toLocaleString('en-US')} USD/t in ${year}`;
          byOverriddenRate.set(money.currency, { count: (seen?.count ?? 0) + 1, example: seen?.example ?? example });
          return;
        }
        problems.push({
          path,
          message: `${Math.round(usd).toLocaleString('en-US')} USD/t at the ${year} rate (multipliers and calibration applied); prices and costs are limited to ${MAX_USD_PER_TONNE.toLocaleString('en-US')} USD/t`,
        });
        return;
      }
    }
  };
  network.suppliers.forEach((supplier, i) => {
    check(supplier.cashCost, ['network', 'suppliers', i, 'cashCost', 'value']);
    supplier.routes.forEach((route, r) => {
      check(route.freight, ['network', 'suppliers', i, 'routes', r, 'freight', 'value']);
    });
  });
  network.borderFrictions.forEach((friction, i) => {
    check(friction.cost, ['network', 'borderFrictions', i, 'cost', 'value']);
  });
  network.markets.forEach((market, i) => {
    if (!market.demand) return;
    market.demand.blocks.forEach((block, k) => {
      check(block.value, ['network', 'markets', i, 'demand', 'blocks', k, 'value', 'value']);
    });
    if (market.demand.customsValue) check(market.demand.customsValue, ['network', 'markets', i, 'demand', 'customsValue', 'value']);
  });
  for (const [currency, { count, example }] of byOverriddenRate)
    problems.push({
      path: ['overrides', 'fxPerUsd', currency],
      message: `at this ${currency} rate ${count} ${count === 1 ? 'price or cost' : 'prices and costs'} of the data would be over the limit of ${MAX_USD_PER_TONNE.toLocaleString('en-US')} USD/t (${example})`,
    });
  return problems;
}
