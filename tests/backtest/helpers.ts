import { readFileSync } from 'node:fs';

/** A shipped scenario file (data/scenarios), parsed as JSON. */
export function readScenarioFile(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../data/scenarios/${name}`, import.meta.url), 'utf8'));
}
