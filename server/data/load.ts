/** Loads the default network from data/network.json and data/market.json (Node only: uses fs). */
import { existsSync, readFileSync } from 'node:fs';
import { MarketCalibration } from '../core/calibration.ts';
import { MarketHistory } from '../core/history-schema.ts';
import { withMarketData } from '../core/market-data.ts';
import { MarketData } from '../core/market-schema.ts';
import { Network } from '../core/schema.ts';
import { resolveDistances } from '../geo/distances.ts';

export const DEFAULT_NETWORK_URL = new URL('../../data/network.json', import.meta.url);
export const DEFAULT_MARKET_URL = new URL('../../data/market.json', import.meta.url);
export const DEFAULT_CALIBRATION_URL = new URL('../../data/calibration-2024.json', import.meta.url);

export const DEFAULT_HISTORY_URL = new URL('../../data/market-history.json', import.meta.url);

/** The Kazakh cement market as it was in 2024 and 2025 (data/market-history.json), validated. */
export function readMarketHistory(): MarketHistory {
  return MarketHistory.parse(JSON.parse(readFileSync(DEFAULT_HISTORY_URL, 'utf8')));
}

/** The shipped calibration of the whole market (fitted to 2024, docs/backtest.md), validated; null when absent. */
export function readDefaultCalibration(): MarketCalibration | null {
  if (!existsSync(DEFAULT_CALIBRATION_URL)) return null;
  return MarketCalibration.parse(JSON.parse(readFileSync(DEFAULT_CALIBRATION_URL, 'utf8')));
}

/** The whole-market data (competitors, demand blocks, exchange rates), validated. */
export function readDefaultMarketData(): MarketData | null {
  if (!existsSync(DEFAULT_MARKET_URL)) return null;
  return MarketData.parse(JSON.parse(readFileSync(DEFAULT_MARKET_URL, 'utf8')));
}

/** The network as written in data/network.json with data/market.json (and the market's calibration) merged in, validated, without computed distances. */
export function readDefaultNetworkRaw(): Network {
  const json: unknown = JSON.parse(readFileSync(DEFAULT_NETWORK_URL, 'utf8'));
  const network = Network.parse(json);
  const market = readDefaultMarketData();
  if (!market) return network;
  const calibration = readDefaultCalibration();
  const merged = withMarketData(network, market);
  return calibration ? { ...merged, calibration } : merged;
}

/** The default network, validated, with every leg's `distanceKm` filled (from geometry when absent). */
export function loadDefaultNetwork(): Network {
  return resolveDistances(readDefaultNetworkRaw());
}
