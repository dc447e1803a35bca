/**
 * The words for a link that plans on a stored scenario's network (`sc=<id>` in the link) when that
 * scenario cannot be read, or has changed since the link was made. Pure given the page's language.
 */
import { t } from '../i18n/index.ts';
import type { ErrorReport } from './api-errors.ts';

/** Said after every failure: the page plans nothing on another network in the scenario's place. */
export function nothingPlannedText(): string {
  return t('Nothing is planned on the default network in its place. To plan the form on the default network, drop the scenario’s settings in the Scenario panel.');
}

/** Why the stored scenario a link plans on could not be read, and what the page does instead. */
export function storedNetworkProblem(id: string, report: ErrorReport): string {
  let why: string;
  if (report.status === 404) why = t('This link plans on the network of stored scenario {id}, which has been deleted.', { id });
  else if (report.status === 401 && report.code !== 'key_refused') why = t('This link plans on the network of stored scenario {id}, which can be read only with an API key: enter one under “Access”.', { id });
  else if (report.status === 403) why = t('This link plans on the network of stored scenario {id}, which this API key may not read.', { id });
  else if (report.code === 'network') why = t('This link plans on the network of stored scenario {id}, which cannot be read: the server cannot be reached.', { id });
  else why = t('This link plans on the network of stored scenario {id}, which could not be read: {reason}', { id, reason: report.summary });
  return `${why} ${nothingPlannedText()}`;
}

/** The stored scenario is no longer at the version the link was made with: its network as it is now is planned. */
export function storedNetworkChangedText(id: string, from: number, to: number): string {
  return t('Stored scenario {id} has changed since this link was made (version {from}, now {to}): the plan uses its network as it is now.', { id, from, to });
}

/** The form names a stored scenario whose network it does not hold (yet): why nothing is planned. */
export function networkPendingText(id: string): string {
  return t('This scenario plans on the network of stored scenario {id}, which has not been read: nothing is planned until it is. Reload the page to try again, or drop its settings to plan the form on the default network.', { id });
}

/** The stored scenario could not be read, but the linked run holds its network: the form plans on that. */
export function networkFromRunText(id: string, runId: string): string {
  return t('Stored scenario {id} could not be read: the form plans on its network as stored with run {run}.', { id, run: runId });
}

/** A link that names no stored scenario, to a run made on a network of its own: the form plans on the run's network. */
export function networkFromUnnamedRunText(): string {
  return t('This link names no stored scenario for the run’s own network (an older link): the form plans on that network, as stored with the run.');
}
