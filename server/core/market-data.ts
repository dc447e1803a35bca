/**
 * Merges the whole-market data (data/market.json: exchange rates, competitors, whole-market demand)
 * into a network, so that one Network carries everything the market-clearing mode needs.
 * Browser-safe, pure.
 */
import type { MarketData } from './market-schema.ts';
import type { Network } from './schema.ts';

export function withMarketData(network: Network, data: MarketData): Network {
  return {
    ...network,
    fxPerUsd: { ...data.fxPerUsd, ...network.fxPerUsd },
    suppliers: [...network.suppliers, ...data.suppliers.filter((s) => !network.suppliers.some((own) => own.id === s.id))],
    markets: network.markets.map((m) => (m.demand || !data.demand[m.id] ? m : { ...m, demand: data.demand[m.id] })),
  };
}
