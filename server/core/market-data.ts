/**
 * Merges the whole-market data (data/market.json: exchange rates, competitors, whole-market demand,
 * markets outside our network) into a network, so that one Network carries everything the
 * market-clearing mode needs. Browser-safe, pure.
 */
import type { MarketData, OutsideMarket } from './market-schema.ts';
import type { Market, Network } from './schema.ts';

/**
 * A market outside our network as a network market: not domestic, no leg of ours leads there, and
 * its one price tier is empty (the price-taker mode has nothing to sell there); the clearing mode
 * buys its whole demand from competitors.
 */
export function outsideMarketAsNetworkMarket(m: OutsideMarket): Market {
  return {
    id: m.id,
    name: m.name,
    country: m.country,
    domestic: false,
    lng: m.lng,
    lat: m.lat,
    tiers: [{ tonnesPerYear: 0, priceUsdPerTonne: 0, label: 'outside our network: served by competitors only' }],
    dutyPct: 0,
    dutyUsdPerTonne: 0,
    minTonnesPerYear: 0,
    openFromPhase: 1,
    growthPctPerYear: 0,
    baggedShare: 0,
    demand: m.demand,
    competitorsOnly: true,
    sources: {
      ...m.sources,
      tiers: 'no leg of our network reaches this market (data/market.json outsideMarkets): an empty tier, nothing for the price-taker mode to sell',
      dutyPct: 'our cement never reaches this market: no duty applies',
      dutyUsdPerTonne: 'our cement never reaches this market: no duty applies',
      minTonnesPerYear: 'our cement never reaches this market: no contracted minimum',
      openFromPhase: 'our cement never reaches this market: the phase does not matter',
      growthPctPerYear: 'the whole market grows by its consumptionTonnesByYear in data/market.json, not by this rate',
      baggedShare: 'our cement never reaches this market: nothing to bag',
    },
  };
}

export function withMarketData(network: Network, data: MarketData): Network {
  const own = new Set(network.markets.map((m) => m.id));
  return {
    ...network,
    fxPerUsd: { ...data.fxPerUsd, ...network.fxPerUsd },
    borderFrictions: [...network.borderFrictions, ...(data.borderFrictions ?? []).filter((f) => !network.borderFrictions.some((o) => o.id === f.id))],
    suppliers: [...network.suppliers, ...data.suppliers.filter((s) => !network.suppliers.some((o) => o.id === s.id))],
    markets: [
      ...network.markets.map((m) => (m.demand || !data.demand[m.id] ? m : { ...m, demand: data.demand[m.id] })),
      ...(data.outsideMarkets ?? []).filter((m) => !own.has(m.id)).map(outsideMarketAsNetworkMarket),
    ],
  };
}
