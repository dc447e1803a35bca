/**
 * The name of a scenario the planner has not named, in the page's language, and how to tell it from
 * a name the planner chose.
 */
import { CATALOGUES, t } from '../i18n/index.ts';

/** The default scenario's name, as the source language writes it (the page shows it in its own: `defaultScenarioName`). */
export const DEFAULT_NAME = 'What-if';

/** The name of a scenario the planner has not named, in the page's language ("What-if", "Что если"). */
export function defaultScenarioName(): string {
  return t(DEFAULT_NAME);
}

/**
 * Is this the default name in one of the page's languages? A name the planner did not choose: a link
 * does not carry it, and the page that opens the link names the scenario in its own language.
 */
export function isDefaultScenarioName(name: string): boolean {
  const trimmed = name.trim();
  return trimmed === DEFAULT_NAME || CATALOGUES.some((c) => c.messages[DEFAULT_NAME] === trimmed);
}
