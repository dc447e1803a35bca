/** Loads the default network from data/network.json and data/market.json (Node only: uses fs). */
import { existsSync, readFileSync } from 'node:fs';
import { withMarketData } from '../core/market-data.ts';
import { MarketData } from '../core/market-schema.ts';
import { Network } from '../core/schema.ts';
import { resolveDistances } from '../geo/distances.ts';

export const DEFAULT_NETWORK_URL = new URL('../../data/network.json', import.meta.url);
export const DEFAULT_MARKET_URL = new URL('../../data/market.json', import.meta.url);

/** The whole-market data (competitors, demand blocks, exchange rates), validated. */
export function readDefaultMarketData(): MarketData | null {
  if (!existsSync(DEFAULT_MARKET_URL)) return null;
  return MarketData.parse(JSON.parse(readFileSync(DEFAULT_MARKET_URL, 'utf8')));
}

/** The network as written in data/network.json with data/market.json merged in, validated, without computed distances. */
export function readDefaultNetworkRaw(): Network {
  const json: unknown = JSON.parse(readFileSync(DEFAULT_NETWORK_URL, 'utf8'));
  const network = Network.parse(json);
  const market = readDefaultMarketData();
  return market ? withMarketData(network, market) : network;
}

/** The default network, validated, with every leg's `distanceKm` filled (from geometry when absent). */
export function loadDefaultNetwork(): Network {
  return resolveDistances(readDefaultNetworkRaw());
}
