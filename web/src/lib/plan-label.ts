/**
 * The name of a plan in the session's list (and so in the comparison's A and B): the scenario's name,
 * where the plan came from (a stored run by the end of its id) and when, so two plans of the same
 * scenario can be told apart. Pure.
 */

export interface PlanLabelInput {
  /** The place in the session's list, for plans that are not stored runs. */
  n?: number;
  scenarioName: string;
  /** Where the plan came from, in the page's language ("server", "browser", "stored run"). */
  source: string;
  runId?: string | null;
  /** When the plan was made (a stored run: when it was stored). */
  at: Date;
  /** Now, to leave out the date of a plan made today. */
  now: Date;
  /** BCP 47 language for the time. */
  locale: string;
}

/** How many characters of a run id name it in a label (ids are random hex after `run_`). */
export const RUN_ID_TAIL = 6;

export function planLabel(p: PlanLabelInput): string {
  const sameDay = p.at.toDateString() === p.now.toDateString();
  const when = p.at.toLocaleString(p.locale, sameDay ? { timeStyle: 'medium' } : { dateStyle: 'short', timeStyle: 'short' });
  const origin = p.runId ? `${p.source} ${p.runId.slice(-RUN_ID_TAIL)}` : p.source;
  return `${p.n != null && !p.runId ? `#${p.n} ` : ''}${p.scenarioName} · ${origin} · ${when}`;
}
