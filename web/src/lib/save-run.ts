/**
 * "Save as stored run": store the scenario, then run it. Pure given its two calls, so what the page
 * remembers between saves (a scenario stored whose run was refused) and what it says follow from
 * the server's answers alone.
 */
import type { ScenarioInput } from '../../../server/core/schema.ts';
import type { Result, StoredRun } from '../api.ts';
import { t } from '../i18n/index.ts';
import type { ErrorReport } from './api-errors.ts';

export interface SaveCalls {
  createScenario(scenario: ScenarioInput): Promise<Result<{ id: string }>>;
  runScenario(scenarioId: string): Promise<Result<StoredRun>>;
}

/**
 * A scenario stored whose run was refused for a reason that passes (a rate limit, a full queue) or
 * that the same inputs would meet again (a model the server cannot build): the next save of the same
 * inputs runs it rather than storing another copy.
 */
export interface StoredNotRun {
  id: string;
  inputs: string;
}

export type SaveOutcome =
  /** Stored and run. `replaced`: the scenario stored before (its run refused) had been deleted, so it was stored again. */
  | { kind: 'run'; run: StoredRun; replaced: string | null }
  /** The scenario was not stored. */
  | { kind: 'not-stored'; report: ErrorReport }
  /** Stored, and its run refused: `retry` when saving again may run it (429, 503, no answer). */
  | { kind: 'not-run'; id: string; report: ErrorReport; retry: boolean }
  /** Stored, then deleted (by someone else) before its run: nothing is kept of it. */
  | { kind: 'deleted'; id: string; report: ErrorReport };

/** A refusal that passes: the budget of solves, a full queue, an unreachable database, or no answer at all. */
export const retryable = (report: ErrorReport): boolean => report.status === 429 || report.status === 503 || report.code === 'network';

/**
 * Stores `scenario` (or reuses `pending`, the copy stored by an earlier save of the same `inputs`)
 * and runs it. Returns what happened and what to remember for the next save.
 */
export async function storeAndRun(
  calls: SaveCalls,
  scenario: ScenarioInput,
  inputs: string,
  pending: StoredNotRun | null,
): Promise<{ outcome: SaveOutcome; pending: StoredNotRun | null }> {
  let replaced: string | null = null;
  if (pending?.inputs === inputs) {
    const run = await calls.runScenario(pending.id);
    if (run.ok) return { outcome: { kind: 'run', run: run.data, replaced: null }, pending: null };
    if (run.report.status !== 404) return notRun(pending.id, run.report, inputs);
    // Deleted since: it is forgotten and the scenario stored again, at once.
    replaced = pending.id;
  }
  const created = await calls.createScenario(scenario);
  if (!created.ok) return { outcome: { kind: 'not-stored', report: created.report }, pending: null };
  const run = await calls.runScenario(created.data.id);
  if (run.ok) return { outcome: { kind: 'run', run: run.data, replaced }, pending: null };
  if (run.report.status === 404) return { outcome: { kind: 'deleted', id: created.data.id, report: run.report }, pending: null };
  return notRun(created.data.id, run.report, inputs);
}

function notRun(id: string, report: ErrorReport, inputs: string): { outcome: SaveOutcome; pending: StoredNotRun | null } {
  const retry = retryable(report);
  // A key refused or lacking the role is not the scenario's fault: with another key the same save
  // runs it. A model the server cannot build (422) stays unbuildable for the same inputs: kept too,
  // so saving them again does not store another copy that cannot run either.
  return { outcome: { kind: 'not-run', id, report, retry }, pending: { id, inputs } };
}

/** What the status line says about a save that did not end in a run (null for one that did). */
export function saveOutcomeText(outcome: SaveOutcome): string | null {
  switch (outcome.kind) {
    case 'run':
      return null;
    case 'not-stored':
      return outcome.report.summary;
    case 'deleted':
      return t('Scenario {id} was stored and then deleted before it could run, so nothing is kept of it. Save again to store it again.', { id: outcome.id });
    case 'not-run':
      if (outcome.retry) {
        return t('The scenario is stored ({id}) but its run was refused: {reason} Save again to run it (no second copy is stored).', { id: outcome.id, reason: sentence(outcome.report.summary) });
      }
      if (outcome.report.status === 422) {
        return t('The scenario is stored ({id}) but the server cannot plan it: {reason} Change what is refused, then save again.', { id: outcome.id, reason: sentence(outcome.report.summary) });
      }
      return t('The scenario is stored ({id}) but was not run: {reason}', { id: outcome.id, reason: sentence(outcome.report.summary) });
  }
}

/** A summary ends with a full stop before another sentence follows it. */
function sentence(text: string): string {
  return /[.!?…]$/.test(text) ? text : `${text}.`;
}
