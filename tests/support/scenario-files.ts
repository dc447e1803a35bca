/** The shipped scenario files (data/scenarios/*.json), by market mode. */
import { readdirSync, readFileSync } from 'node:fs';

export const SCENARIO_DIR = new URL('../../data/scenarios/', import.meta.url);

/** File names of the shipped scenarios in one market mode (a file without `market` is price-taker). */
export function scenarioFiles(market: 'price-taker' | 'clearing'): string[] {
  return readdirSync(SCENARIO_DIR)
    .filter((f) => f.endsWith('.json'))
    .filter((f) => ((JSON.parse(readFileSync(new URL(f, SCENARIO_DIR), 'utf8')) as { market?: string }).market ?? 'price-taker') === market);
}
